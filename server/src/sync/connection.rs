//! One task per WebSocket: the automerge-repo handshake, the limits, and routing of
//! messages to document tasks. Generic over a [`Sink`] and [`Stream`] of [`Frame`]s, so
//! tests can drive it with channels; `routes::sync` adapts axum's socket.
//!
//! Every protocol violation is answered with an automerge-repo `error` message that says
//! what was wrong, and the connection is closed; other connections are unaffected. So is
//! the end of the session whose ticket opened the connection ([`super::session_watch`]).

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use futures_util::{Sink, Stream, StreamExt};
use tokio_util::sync::CancellationToken;

mod ephemeral;
mod writer;

pub use writer::{CLOSE_GRACE, close_reason};

use super::hub::Hub;
use super::outbound::{self, OutQueue};
use super::protocol::{self, Message, PROTOCOL_VERSION, PeerMetadata};
use super::session_watch::SESSION_ENDED;
use super::{DocCommand, Outbound, PeerLink};
use crate::ids::DocumentId;
use crate::model::User;
use crate::store::{SessionHash, TicketGrant};
use crate::time::now_ms;
use crate::validate::Principal;

/// Messages that may wait for a slow socket before the peer counts as lagging and is
/// disconnected. Generous: a document sends each peer one message per batch.
pub const OUTBOUND_QUEUE: usize = 1024;
/// A session expiry further away than this is waited for as if it were this far: an
/// `Instant` cannot hold any time (the idle timeout ends the connection long before).
const FAR_FUTURE: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// A WebSocket frame, independent of the WebSocket library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A binary message: one CBOR automerge-repo message.
    Binary(Vec<u8>),
    /// A text message (never valid here).
    Text(String),
    /// A ping.
    Ping(Vec<u8>),
    /// A pong.
    Pong(Vec<u8>),
    /// A close frame: from the peer, or the server's with the reason it closes.
    Close(Option<String>),
}

/// A frame that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Larger than the configured maximum.
    #[error("message too large")]
    TooLarge,
    /// The socket failed.
    #[error("{0}")]
    Other(String),
}

enum Step {
    Continue,
    Fatal(String),
    Close,
}

struct Connection {
    hub: Hub,
    user: User,
    principal: Arc<Principal>,
    session: SessionHash,
    conn: super::ConnId,
    out: OutQueue,
    kill: CancellationToken,
    peer_id: Arc<OnceLock<String>>,
    docs: HashSet<DocumentId>,
    last_message: Instant,
    ephemeral: ephemeral::Budget,
}

/// How a connection ends.
enum End {
    /// The server closes it and says why.
    Fatal(String),
    /// Its peer did not keep up: the writer says why.
    Killed,
    /// The peer is gone or went silent: nothing is worth writing.
    Gone,
}

/// Runs one connection for the user of `grant` until it closes, or until its session ends.
/// Never panics on client input.
pub async fn run<Si, St>(sink: Si, mut stream: St, grant: TicketGrant, hub: Hub)
where
    Si: Sink<Frame> + Unpin + Send + 'static,
    Si::Error: std::fmt::Display,
    St: Stream<Item = Result<Frame, FrameError>> + Unpin,
{
    let shared = hub.shared().clone();
    let limits = shared.limits.clone();
    let (out, out_rx) = outbound::channel(OUTBOUND_QUEUE, shared.input.outbound_queue_bytes);
    let peer_id = Arc::new(OnceLock::new());
    let kill = CancellationToken::new();
    let writer = writer::Writer { server: shared.peer_id.clone(), peer: peer_id.clone(), kill: kill.clone() };
    let mut writer = tokio::spawn(writer.run(sink, out_rx));
    shared.metrics.connection_delta(1);
    let started = Instant::now();
    let TicketGrant { user, session, session_expires_at } = grant;
    let session_guard = shared.sessions.register(session);
    let expires_in = u64::try_from(session_expires_at.saturating_sub(now_ms())).unwrap_or(0);
    let session_expiry = tokio::time::Instant::now() + Duration::from_millis(expires_in).min(FAR_FUTURE);
    let mut c = Connection {
        conn: hub.next_conn_id(),
        principal: Arc::new(Principal::from(&user)),
        session,
        hub,
        user,
        out,
        kill,
        peer_id,
        docs: HashSet::new(),
        last_message: started,
        ephemeral: ephemeral::Budget::new(&shared.input, started),
    };
    let mut last_frame = Instant::now();
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + limits.ping_interval, limits.ping_interval);
    tracing::debug!(conn = c.conn, user = %c.user.login, "sync connection opened");

    let end = loop {
        let deadline = match c.peer_id.get() {
            None => started + limits.join_timeout,
            Some(_) => c.last_message + limits.idle_timeout,
        };
        tokio::select! {
            _ = shared.shutdown.cancelled() => break End::Fatal("the server is shutting down".to_owned()),
            _ = session_guard.ended().cancelled() => break End::Fatal(SESSION_ENDED.to_owned()),
            _ = tokio::time::sleep_until(session_expiry) => break End::Fatal(SESSION_ENDED.to_owned()),
            // The outbound queue overflowed or a document dropped the peer: the writer
            // drops what waited and says why.
            _ = c.kill.cancelled() => break End::Killed,
            _ = &mut writer => break End::Gone,
            frame = stream.next() => {
                last_frame = Instant::now();
                match frame {
                    None | Some(Ok(Frame::Close(_))) => break End::Gone,
                    Some(Err(FrameError::TooLarge)) => {
                        break End::Fatal(format!("message too large: the limit is {} bytes", limits.max_frame_bytes));
                    }
                    Some(Err(FrameError::Other(e))) => {
                        tracing::debug!(conn = c.conn, error = %e, "socket error");
                        break End::Gone;
                    }
                    Some(Ok(Frame::Ping(_) | Frame::Pong(_))) => {}
                    Some(Ok(Frame::Text(_))) => {
                        break End::Fatal("text frames are not accepted: send automerge-repo messages as binary CBOR".to_owned());
                    }
                    Some(Ok(Frame::Binary(bytes))) => {
                        // Both may be ready at once, and `select!` picks at random: nothing
                        // read after the session ended goes on.
                        if session_guard.ended().is_cancelled() {
                            break End::Fatal(SESSION_ENDED.to_owned());
                        }
                        if bytes.len() > limits.max_frame_bytes {
                            break End::Fatal(format!("message too large: the limit is {} bytes", limits.max_frame_bytes));
                        }
                        match c.handle(&bytes).await {
                            Step::Continue => {}
                            Step::Fatal(text) => break End::Fatal(text),
                            Step::Close => break End::Gone,
                        }
                    }
                }
            }
            _ = ping.tick() => {
                if last_frame.elapsed() > limits.pong_timeout {
                    tracing::debug!(conn = c.conn, "no pong: dropping the socket");
                    break End::Gone;
                }
                let _ = c.out.try_send(Outbound::Ping);
            }
            _ = tokio::time::sleep_until(tokio::time::Instant::from_std(deadline)) => {
                break End::Fatal(match c.peer_id.get() {
                    None => format!("no join message within {} s", limits.join_timeout.as_secs()),
                    Some(_) => format!("idle for {} s without a message; closing", limits.idle_timeout.as_secs()),
                });
            }
        }
    };

    c.end(end, writer, &mut stream).await;
    shared.metrics.connection_delta(-1);
}

impl Connection {
    /// Leaves every document, then says why the connection ends (unless the peer is gone)
    /// and closes it.
    async fn end<St>(mut self, end: End, mut writer: tokio::task::JoinHandle<()>, stream: &mut St)
    where
        St: Stream<Item = Result<Frame, FrameError>> + Unpin,
    {
        for doc in std::mem::take(&mut self.docs) {
            self.hub.detach(&doc, self.conn).await;
        }
        match end {
            End::Fatal(text) => {
                tracing::debug!(conn = self.conn, reason = %text, "closing sync connection with an error");
                if self.out.try_send(Outbound::Fatal(text)).is_err() {
                    self.kill.cancel();
                }
                close_gracefully(&mut writer, stream).await;
            }
            End::Killed => close_gracefully(&mut writer, stream).await,
            End::Gone => {}
        }
        writer.abort();
    }
}

/// Lets the writer send the reason and the close frame, reading (and dropping) what the
/// peer still sends until its own close frame: closing the socket with unread data would
/// reset it, and the peer could lose the reason with it. When the socket can no longer be
/// read (a frame over the limit is left unread by the WebSocket layer), it stays open a
/// moment ([`LINGER`]) so that what was written reaches the peer before the reset.
async fn close_gracefully<St>(writer: &mut tokio::task::JoinHandle<()>, stream: &mut St)
where
    St: Stream<Item = Result<Frame, FrameError>> + Unpin,
{
    let _ = tokio::time::timeout(CLOSE_GRACE, async {
        let _ = writer.await;
        loop {
            match stream.next().await {
                Some(Ok(Frame::Close(_))) => return,
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            }
        }
        tokio::time::sleep(LINGER).await;
    })
    .await;
}

/// How long a socket that can no longer be read stays open after the server's last words.
const LINGER: Duration = Duration::from_secs(1);

impl Connection {
    async fn handle(&mut self, bytes: &[u8]) -> Step {
        let message = match protocol::decode(bytes) {
            Ok(m) => m,
            Err(e) => return Step::Fatal(e.to_string()),
        };
        self.last_message = Instant::now();
        let Some(peer_id) = self.peer_id.get().cloned() else {
            return self.join(message);
        };
        if matches!(message, Message::Ephemeral { .. }) && message.sender_id().is_some_and(|s| s != peer_id) {
            // automerge-repo clients pass on the ephemeral messages they receive (presence,
            // cursors) under the original sender's id. The server has already relayed the
            // original to every peer, so a passed-on copy is dropped, not an offence.
            return Step::Continue;
        }
        if message.sender_id().is_some_and(|s| s != peer_id) {
            let claimed: String = message.sender_id().unwrap_or_default().chars().take(64).collect();
            return Step::Fatal(format!("senderId {claimed:?} is not the peer that joined ({peer_id:?})"));
        }
        match message {
            Message::Request { document_id, data, .. } | Message::Sync { document_id, data, .. } => {
                self.sync(peer_id, &document_id, &data).await
            }
            Message::Ephemeral { ref document_id, ref data, .. } => {
                match self.ephemeral.admit(data.len(), Instant::now()) {
                    ephemeral::Verdict::Relay => {}
                    ephemeral::Verdict::Drop => return Step::Continue,
                    ephemeral::Verdict::Refuse(reason) => return Step::Fatal(reason),
                }
                if let Ok(doc) = document_id.parse::<DocumentId>()
                    && self.docs.contains(&doc)
                {
                    self.hub.send_if_loaded(&doc, DocCommand::Ephemeral { conn: self.conn, message });
                }
                Step::Continue
            }
            Message::Join { .. } => Step::Fatal("unexpected second join message".into()),
            Message::Peer { .. } => Step::Fatal("unexpected peer message: clients send join".into()),
            Message::Leave { .. } => Step::Close,
            Message::Error { message, .. } => {
                tracing::debug!(conn = self.conn, %message, "client reported an error");
                Step::Continue
            }
            // The client says it lacks a document: nothing to do. Heads gossip is not offered.
            Message::DocUnavailable { .. }
            | Message::RemoteSubscriptionChange { .. }
            | Message::RemoteHeadsChanged { .. }
            | Message::Unknown => Step::Continue,
        }
    }

    /// The first message must be `join`; answer with `peer` at once (the client gives up on
    /// documents it cannot find within a second of connecting).
    fn join(&mut self, message: Message) -> Step {
        let Message::Join { sender_id, supported_protocol_versions, .. } = message else {
            return Step::Fatal(format!("expected a join message first, got {}", message.type_name()));
        };
        if let Some(versions) = &supported_protocol_versions
            && !versions.iter().any(|v| v == PROTOCOL_VERSION)
        {
            return Step::Fatal("unsupported protocol version".into());
        }
        if sender_id.is_empty() || sender_id.len() > 256 {
            return Step::Fatal("the peer id must be 1 to 256 characters".into());
        }
        let shared = self.hub.shared();
        let peer = Message::Peer {
            sender_id: shared.peer_id.clone(),
            target_id: sender_id.clone(),
            peer_metadata: Some(PeerMetadata { storage_id: Some(shared.storage_id.clone()), is_ephemeral: Some(false) }),
            selected_protocol_version: PROTOCOL_VERSION.into(),
        };
        let _ = self.peer_id.set(sender_id);
        self.send(Outbound::Message(peer))
    }

    async fn sync(&mut self, peer_id: String, document_id: &str, data: &[u8]) -> Step {
        let Ok(doc) = document_id.parse::<DocumentId>() else {
            return self.send(Outbound::Message(Message::DocUnavailable {
                sender_id: self.hub.shared().peer_id.clone(),
                target_id: peer_id,
                document_id: document_id.chars().take(64).collect(),
            }));
        };
        let message = match automerge::sync::Message::decode(data) {
            Ok(m) => m,
            Err(e) => return Step::Fatal(format!("the sync message for document {doc} does not decode: {e}")),
        };
        let limit = self.hub.shared().limits.max_documents_per_connection;
        if !self.docs.contains(&doc) && self.docs.len() >= limit {
            return Step::Fatal(format!("too many documents on one connection: the limit is {limit}"));
        }
        self.docs.insert(doc.clone());
        let cmd = DocCommand::Sync {
            peer: PeerLink {
                conn: self.conn,
                peer_id,
                principal: self.principal.clone(),
                session: self.session,
                out: self.out.clone(),
                kill: self.kill.clone(),
            },
            message,
            received: Instant::now(),
        };
        match self.hub.send(&doc, cmd).await {
            Ok(()) => Step::Continue,
            Err(e) => Step::Fatal(e.to_string()),
        }
    }

    fn send(&self, item: Outbound) -> Step {
        match self.out.try_send(item) {
            Ok(()) => Step::Continue,
            Err(_) => {
                self.kill.cancel();
                Step::Continue
            }
        }
    }
}
