//! Logging setup, shared by the binary and anything else that wants the same format.

use tracing_subscriber::EnvFilter;

/// Log to stderr, filtered by `RUST_LOG` (default: `info` for the portal, `warn` for libraries).
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn,forum_portal=info,tower_http=info"));
    // A second call (tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
