//! The `forum-portal` binary: parse the command line, set up logging, run.

use std::process::ExitCode;

use clap::Parser;
use forum_portal::config::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    forum_portal::telemetry::init();
    match forum_portal::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One clear sentence (with its causes) instead of a panic trace.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
