//! Serving the router over HTTP/1.1 with hyper directly, so slow clients cannot hold a
//! connection forever (`axum::serve` has no header-read timeout), no client can hold more than
//! its share of connections, every response leaves at once (`TCP_NODELAY`), and shutdown is
//! graceful.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Result;
use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// How long a client may take to send a request's headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long open requests may finish after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// The largest request head hyper reads at all; heads above the portal's own, smaller limit
/// (`web::MAX_HEADER_BYTES`) get the localized 431 page, heads above this one hyper's bare 431.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Most header lines in one request.
const MAX_HEADERS: usize = 100;

/// How many connections the portal keeps open at once.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Open connections in all.
    pub total: usize,
    /// Open connections from one client address (an IPv6 client counts per /64); `None` when
    /// every connection comes from a reverse proxy, which must limit clients itself.
    pub per_client: Option<usize>,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            total: 1024,
            per_client: Some(64),
        }
    }
}

/// The connections open now, in all and per client, shared by the accept loop and the
/// connection tasks (each holds an [`OpenConnection`] that gives its place back when dropped).
#[derive(Debug, Default)]
struct OpenConnections {
    counts: Mutex<(usize, HashMap<IpAddr, usize>)>,
}

/// A place taken in [`OpenConnections`].
struct OpenConnection {
    open: Arc<OpenConnections>,
    client: IpAddr,
}

impl OpenConnections {
    /// Take a place for a connection from `client`, unless that would pass a limit.
    fn admit(self: &Arc<Self>, client: IpAddr, limits: ConnectionLimits) -> Option<OpenConnection> {
        let client = client_key(client);
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let (total, per_client) = &mut *counts;
        let from_client = per_client.get(&client).copied().unwrap_or(0);
        if *total >= limits.total || limits.per_client.is_some_and(|max| from_client >= max) {
            return None;
        }
        *total += 1;
        per_client.insert(client, from_client + 1);
        Some(OpenConnection {
            open: self.clone(),
            client,
        })
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        let mut counts = self.open.counts.lock().unwrap_or_else(|e| e.into_inner());
        let (total, per_client) = &mut *counts;
        *total = total.saturating_sub(1);
        if let Some(count) = per_client.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                per_client.remove(&self.client);
            }
        }
    }
}

/// The address a client is counted under: IPv6 clients usually own a whole /64, so they are
/// counted per /64 (an IPv4-mapped address counts as its IPv4 address).
pub fn client_key(address: IpAddr) -> IpAddr {
    match address.to_canonical() {
        IpAddr::V6(v6) => {
            let [a, b, c, d, ..] = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

/// Bind the listening socket, with a clear message when the address is taken.
pub async fn bind(addr: SocketAddr) -> Result<TcpListener> {
    TcpListener::bind(addr).await.map_err(|error| {
        let hint = match error.kind() {
            io::ErrorKind::AddrInUse => {
                " because another program is using it; stop that program or choose another address with --addr or PORTAL_ADDR"
            }
            io::ErrorKind::PermissionDenied => " (ports below 1024 need privileges; choose a higher port with --addr)",
            io::ErrorKind::AddrNotAvailable => " because this machine has no such address",
            _ => "",
        };
        anyhow::anyhow!("cannot listen on {addr}{hint} ({error})")
    })
}

/// Serve `app` on `listener` until `shutdown` completes, then let open requests finish.
/// A connection beyond `limits` is answered by `refusal` (a 503 page) and closed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    refusal: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_header_size(MAX_HEAD_BYTES)
        .max_headers(MAX_HEADERS);
    let mut refusing = http.clone();
    refusing.keep_alive(false);
    let open = Arc::new(OpenConnections::default());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);

    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(connection) => connection,
                    Err(error) => {
                        // Out of file descriptors and the like: back off instead of spinning.
                        tracing::warn!(%error, "cannot accept a connection");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                // Headers and small bodies leave at once instead of waiting for the
                // client's delayed ACK (Nagle): ~40 ms saved on every kept-alive request.
                if let Err(error) = stream.set_nodelay(true) {
                    tracing::debug!(%error, %peer, "cannot set TCP_NODELAY");
                }
                let place = open.admit(peer.ip(), limits);
                let (builder, router) = match place {
                    Some(_) => (&http, app.clone()),
                    None => {
                        tracing::warn!(client = %peer.ip(), "connection refused: too many open connections");
                        (&refusing, refusal.clone())
                    }
                };
                let service = router.map_request(move |mut request: axum::http::Request<Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(peer));
                    request.map(axum::body::Body::new)
                });
                let connection = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    if let Err(error) = connection.await {
                        tracing::debug!(%error, %peer, "connection ended with an error");
                    }
                    drop(place);
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tracing::info!("shutting down: finishing open requests");
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("open requests did not finish within {SHUTDOWN_GRACE:?}; closing them");
        }
    }
    Ok(())
}

/// Ctrl-C (SIGINT) and SIGTERM, listened for from the moment the process starts: a signal
/// that arrives during start-up (opening the database, migrating) is kept and stops the portal
/// cleanly as soon as it serves, instead of killing it with the default disposition.
pub struct ShutdownSignals {
    interrupt: Option<tokio::signal::unix::Signal>,
    terminate: Option<tokio::signal::unix::Signal>,
}

impl ShutdownSignals {
    /// Install the handlers now (inside the runtime's context).
    pub fn install() -> Self {
        use tokio::signal::unix::{SignalKind, signal};
        let listen = |kind: SignalKind, name: &str| match signal(kind) {
            Ok(signal) => Some(signal),
            Err(error) => {
                tracing::error!(%error, "cannot listen for {name}");
                None
            }
        };
        Self {
            interrupt: listen(SignalKind::interrupt(), "Ctrl-C"),
            terminate: listen(SignalKind::terminate(), "SIGTERM"),
        }
    }

    /// Completes on the first Ctrl-C or SIGTERM (including one received before this is awaited).
    pub async fn recv(mut self) {
        async fn next(signal: Option<&mut tokio::signal::unix::Signal>) {
            match signal {
                Some(signal) => {
                    signal.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        }
        tokio::select! {
            () = next(self.interrupt.as_mut()) => {}
            () = next(self.terminate.as_mut()) => {}
        }
    }
}
