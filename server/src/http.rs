//! Serving HTTP/1.1 with the bounds `axum::serve` does not offer: a client must send a
//! request's headers within [`HttpLimits::header_timeout`] (half a request and silence no
//! longer holds a connection for ever), and one client address holds at most
//! [`HttpLimits::max_connections_per_address`] connections, sync WebSockets included (the
//! count follows the socket through the upgrade). A connection over the limit is answered
//! `429` and closed; the others, `/healthz` among them, carry on.
//!
//! Each request carries the client's address as [`ConnectInfo`], for the per-address
//! sign-in limit.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::Service;

use crate::config::HttpLimits;

/// How long a refused connection gets to take its `429` before it is closed.
const REFUSAL_GRACE: Duration = Duration::from_secs(2);
/// How long the accept loop waits after an error such as running out of file descriptors,
/// so that it does not spin while connections close.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Open connections per client address.
#[derive(Debug, Default, Clone)]
struct Counts(Arc<Mutex<HashMap<IpAddr, usize>>>);

impl Counts {
    /// Counts a new connection from `ip`, unless it already has `limit`.
    fn admit(&self, ip: IpAddr, limit: usize) -> Option<Counted> {
        let mut counts = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = counts.entry(ip).or_default();
        if *n >= limit {
            return None;
        }
        *n += 1;
        Some(Counted { counts: self.clone(), ip })
    }
}

/// One counted connection; dropping it (with the socket) uncounts it.
#[derive(Debug)]
struct Counted {
    counts: Counts,
    ip: IpAddr,
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut counts = self.counts.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = counts.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.ip);
            }
        }
    }
}

/// A socket that stays counted as long as it lives, also after a WebSocket upgrade.
#[derive(Debug)]
struct CountedStream {
    stream: TcpStream,
    _counted: Counted,
}

impl AsyncRead for CountedStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for CountedStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// Serves `app` on `listener` until `shutdown` is cancelled, then lets every open request
/// finish (idle connections close at once) and returns.
pub async fn serve(listener: TcpListener, app: Router, limits: &HttpLimits, shutdown: CancellationToken) -> io::Result<()> {
    let counts = Counts::default();
    let tracker = TaskTracker::new();
    loop {
        let (stream, addr) = tokio::select! {
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        let Some(counted) = counts.admit(addr.ip(), limits.max_connections_per_address) else {
            tracing::warn!(address = %addr.ip(), limit = limits.max_connections_per_address, "connection refused: too many from one address");
            tracker.spawn(refuse(stream, limits.max_connections_per_address));
            continue;
        };
        let io = TokioIo::new(CountedStream { stream, _counted: counted });
        tracker.spawn(connection(io, app.clone(), addr, limits.header_timeout, shutdown.clone()));
    }
    tracker.close();
    tracker.wait().await;
    Ok(())
}

async fn connection(io: TokioIo<CountedStream>, app: Router, addr: SocketAddr, header_timeout: Duration, shutdown: CancellationToken) {
    let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(ConnectInfo(addr));
        let mut app = app.clone();
        async move { app.call(request.map(Body::new)).await }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(header_timeout);
    let conn = builder.serve_connection(io, service);
    let mut conn = std::pin::pin!(conn.with_upgrades());
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(error) = result {
                tracing::debug!(%error, address = %addr, "connection ended with an error");
            }
        }
        _ = shutdown.cancelled() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// Answers a connection over the per-address limit with `429` and closes it.
async fn refuse(mut stream: TcpStream, limit: usize) {
    let body = format!("{{\"error\":\"too many connections from your address: the limit is {limit}\"}}");
    let response = format!(
        "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\ncontent-length: {}\r\nretry-after: 1\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(REFUSAL_GRACE, async {
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

/// The address of the client that sent a request (the unspecified address when the
/// request did not come through [`serve`], as in tests that call the router directly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let addr = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientAddr(addr.unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))))
    }
}
