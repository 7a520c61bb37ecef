//! The REST API's connections. `axum::serve` offers no settings, and with no
//! timer hyper drops its header timeout: a client that opens a connection
//! and never finishes its request would hold it for ever, and enough of
//! them exhaust the descriptors. This loop serves each connection with
//! HTTP/1 and a header deadline, bounds what a request head may hold, backs
//! off when accepting fails for want of descriptors, and on shutdown lets
//! each connection finish its request (bounded) before it closes.

use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Longest a client may take to send a request's head.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Most bytes buffered for one connection's request head.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// How long a connection may finish its request once the server stops.
const DRAIN: Duration = Duration::from_secs(1);
/// How long the loop waits after an accept error that is not a client's.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serves `router` on `listener` until `stop` changes.
pub async fn serve(listener: TcpListener, router: Router, mut stop: watch::Receiver<bool>) {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(MAX_HEAD_BYTES);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) if super::ws::client_gone(&e) => continue,
                Err(_) => {
                    tokio::select! {
                        _ = tokio::time::sleep(ACCEPT_BACKOFF) => continue,
                        _ = stop.changed() => return,
                    }
                }
            },
            _ = stop.changed() => return,
        };
        let connection = builder.serve_connection(
            TokioIo::new(stream),
            TowerToHyperService::new(router.clone()),
        );
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = stop.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(DRAIN, connection).await;
                }
            }
        });
    }
}
