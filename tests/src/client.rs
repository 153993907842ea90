//! A Rust automerge-repo client speaking Pluma's sync protocol: join, request documents,
//! sync with automerge's sync protocol, make local changes and wait until the server
//! advertises them. Reusable by load tools; it records every head the server advertised.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use automerge::sync::{self, SyncDoc};
use automerge::{AutoCommit, ChangeHash};
use futures_util::{SinkExt, StreamExt};
use pluma_server::sync::peer_state;
use pluma_server::sync::protocol::{self, Message, PeerMetadata};
use serde_bytes::ByteBuf;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long any single wait for the server may take before a test fails.
pub const WAIT: Duration = Duration::from_secs(20);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// One document as this client holds it.
#[derive(Debug)]
pub struct ClientDoc {
    /// The local replica.
    pub doc: AutoCommit,
    /// Sync state with the server.
    pub state: sync::State,
    /// Every head the server ever advertised for this document on this connection.
    pub advertised: HashSet<ChangeHash>,
    /// The server said `doc-unavailable`.
    pub unavailable: bool,
}

/// A change that became part of a local replica through the server (not made here).
#[derive(Debug, Clone)]
pub struct Applied {
    /// When the sync message that completed it was handled.
    pub at: std::time::Instant,
    /// The document.
    pub doc_id: String,
    /// The change's hash.
    pub hash: ChangeHash,
    /// The change's commit message, if it has one (load tools put a token there).
    pub message: Option<String>,
}

/// What the server sent besides sync traffic.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// An automerge-repo `error` message.
    Error(String),
    /// `doc-unavailable` for a document.
    Unavailable(String),
    /// A relayed ephemeral message.
    Ephemeral(Message),
    /// The socket closed.
    Closed,
}

/// A connected client.
#[derive(Debug)]
pub struct SyncClient {
    socket: Socket,
    /// Our peer id.
    pub peer_id: String,
    /// The server's peer id.
    pub server_peer_id: String,
    /// The server's storage id.
    pub storage_id: Option<String>,
    /// Documents being synced, by id.
    pub docs: HashMap<String, ClientDoc>,
    /// Events not consumed yet.
    pub events: Vec<Event>,
    /// Whether to record every change received from the server in [`SyncClient::applied`]
    /// (off by default: it costs a history walk per sync message).
    pub track_applied: bool,
    /// Changes received and applied since the caller last drained this list.
    pub applied: Vec<Applied>,
    /// The server's close frame (code and reason), once it closed with one; a socket that
    /// ends without one (an abrupt close, 1006) leaves it `None`.
    pub close_frame: Option<(u16, String)>,
}

/// Opens the socket without any handshake (to test what the server does with bad input).
pub async fn connect_raw(url: &str, peer_id: &str) -> Result<SyncClient> {
    let (socket, _) = tokio_tungstenite::connect_async(url).await.context("WebSocket connect")?;
    Ok(SyncClient {
        socket,
        peer_id: peer_id.to_owned(),
        server_peer_id: String::new(),
        storage_id: None,
        docs: HashMap::new(),
        events: Vec::new(),
        track_applied: false,
        applied: Vec::new(),
        close_frame: None,
    })
}

/// Connects to `url` (with its ticket) and completes the join/peer handshake.
pub async fn connect(url: &str, peer_id: &str) -> Result<SyncClient> {
    let mut client = connect_raw(url, peer_id).await?;
    client
        .send(&Message::Join {
            sender_id: peer_id.to_owned(),
            peer_metadata: Some(PeerMetadata { storage_id: None, is_ephemeral: Some(true) }),
            supported_protocol_versions: Some(vec!["1".into()]),
        })
        .await?;
    match client.next_message().await? {
        Some(Message::Peer { sender_id, peer_metadata, target_id, .. }) => {
            if target_id != peer_id {
                bail!("peer message for {target_id}, not {peer_id}");
            }
            client.server_peer_id = sender_id;
            client.storage_id = peer_metadata.and_then(|m| m.storage_id);
            Ok(client)
        }
        other => bail!("expected peer, got {other:?}"),
    }
}

impl SyncClient {
    /// Sends a message.
    pub async fn send(&mut self, m: &Message) -> Result<()> {
        self.send_raw(protocol::encode(m)?).await
    }

    /// Sends raw bytes as one binary frame.
    pub async fn send_raw(&mut self, bytes: Vec<u8>) -> Result<()> {
        self.socket.send(WsMessage::Binary(bytes.into())).await.context("send")
    }

    /// Sends a text frame (always refused by the server).
    pub async fn send_text(&mut self, text: &str) -> Result<()> {
        self.socket.send(WsMessage::Text(text.into())).await.context("send")
    }

    /// The next automerge-repo message, `None` when the socket closed.
    pub async fn next_message(&mut self) -> Result<Option<Message>> {
        self.read_until(tokio::time::Instant::now() + WAIT).await?.ok_or_else(|| anyhow!("no message from the server within {WAIT:?}"))
    }

    /// The next message before `deadline`: `Ok(None)` at the deadline, `Ok(Some(None))`
    /// when the socket closed.
    async fn read_until(&mut self, deadline: tokio::time::Instant) -> Result<Option<Option<Message>>> {
        loop {
            let Ok(frame) = tokio::time::timeout_at(deadline, self.socket.next()).await else {
                return Ok(None);
            };
            match frame {
                Some(Ok(WsMessage::Close(Some(close)))) => {
                    self.close_frame = Some((u16::from(close.code), close.reason.to_string()));
                    return Ok(Some(None));
                }
                None | Some(Ok(WsMessage::Close(None))) | Some(Err(_)) => return Ok(Some(None)),
                Some(Ok(WsMessage::Binary(b))) => return Ok(Some(Some(protocol::decode(&b)?))),
                Some(Ok(_)) => continue,
            }
        }
    }

    /// Handles whatever arrives for `d` (or until the socket closes).
    pub async fn pump_for(&mut self, d: Duration) -> Result<()> {
        let deadline = tokio::time::Instant::now() + d;
        while !self.events.contains(&Event::Closed) {
            match self.read_until(deadline).await? {
                None => break,
                Some(m) => self.handle(m).await?,
            }
        }
        Ok(())
    }

    /// Reads one message and handles it: sync messages update the document and are
    /// answered; anything else becomes an [`Event`].
    pub async fn pump(&mut self) -> Result<()> {
        let m = self.next_message().await?;
        self.handle(m).await
    }

    async fn handle(&mut self, m: Option<Message>) -> Result<()> {
        let Some(m) = m else {
            self.events.push(Event::Closed);
            return Ok(());
        };
        match m {
            Message::Sync { document_id, data, .. } => {
                let msg = sync::Message::decode(&data)?;
                let entry = self.docs.get_mut(&document_id).context("sync for a document we did not open")?;
                entry.advertised.extend(msg.heads.iter().copied());
                let carries_changes = self.track_applied && !msg.changes.is_empty();
                let before = if carries_changes { entry.doc.get_heads() } else { Vec::new() };
                // automerge's own, minus its walk over the whole history on every message
                // (the same state, see the server's `sync::peer_state`).
                peer_state::receive_sync_message(&mut entry.doc, &mut entry.state, msg)?;
                pluma_core::draft::drop_patch_log(&mut entry.doc);
                if carries_changes && entry.doc.get_heads() != before {
                    let at = std::time::Instant::now();
                    for change in entry.doc.get_changes_meta(&before) {
                        self.applied.push(Applied {
                            at,
                            doc_id: document_id.clone(),
                            hash: change.hash,
                            message: change.message.map(|m| m.into_owned()),
                        });
                    }
                }
                self.flush(&document_id).await?;
            }
            Message::DocUnavailable { document_id, .. } => {
                if let Some(d) = self.docs.get_mut(&document_id) {
                    d.unavailable = true;
                }
                self.events.push(Event::Unavailable(document_id));
            }
            Message::Error { message, .. } => self.events.push(Event::Error(message)),
            m @ Message::Ephemeral { .. } => self.events.push(Event::Ephemeral(m)),
            _ => {}
        }
        Ok(())
    }

    /// Whether the server closed the socket.
    pub fn is_closed(&self) -> bool {
        self.events.contains(&Event::Closed)
    }

    /// Pumps until `done` holds or the socket closes (error).
    pub async fn pump_until(&mut self, mut done: impl FnMut(&SyncClient) -> bool) -> Result<()> {
        while !done(self) {
            if self.events.contains(&Event::Closed) {
                bail!("the connection closed; events: {:?}", self.events);
            }
            self.pump().await?;
        }
        Ok(())
    }

    /// Requests a document the client does not have and waits until it has its content
    /// (or the server says it is unavailable: an error).
    pub async fn open(&mut self, doc_id: &str) -> Result<()> {
        self.docs.insert(doc_id.to_owned(), ClientDoc::new(AutoCommit::new()));
        let msg = self.generate(doc_id).context("a first sync message")?;
        self.send(&Message::Request {
            sender_id: self.peer_id.clone(),
            target_id: self.server_peer_id.clone(),
            document_id: doc_id.to_owned(),
            data: ByteBuf::from(msg.encode()),
        })
        .await?;
        let id = doc_id.to_owned();
        self.pump_until(|c| c.docs[&id].unavailable || !c.docs[&id].doc.clone().get_heads().is_empty()).await?;
        if self.docs[doc_id].unavailable {
            bail!("document {doc_id} is unavailable");
        }
        Ok(())
    }

    /// Starts syncing a document the client already holds (after a reconnect).
    pub async fn resume(&mut self, doc_id: &str, doc: AutoCommit) -> Result<()> {
        self.docs.insert(doc_id.to_owned(), ClientDoc::new(doc));
        self.flush(doc_id).await
    }

    /// Applies a local change and sends it.
    pub async fn change(&mut self, doc_id: &str, f: impl FnOnce(&mut AutoCommit) -> Result<()>) -> Result<Vec<ChangeHash>> {
        let entry = self.docs.get_mut(doc_id).context("unknown document")?;
        f(&mut entry.doc)?;
        entry.doc.commit();
        let heads = entry.doc.get_heads();
        self.flush(doc_id).await?;
        Ok(heads)
    }

    /// Waits until the server has advertised heads equal to ours and nothing is in flight.
    pub async fn wait_synced(&mut self, doc_id: &str) -> Result<()> {
        let id = doc_id.to_owned();
        let result = self
            .pump_until(|c| {
                let d = &c.docs[&id];
                let ours: HashSet<_> = d.doc.clone().get_heads().into_iter().collect();
                let theirs: Option<HashSet<_>> = d.state.their_heads.as_ref().map(|h| h.iter().copied().collect());
                theirs.as_ref() == Some(&ours) && ours.iter().all(|h| d.advertised.contains(h))
            })
            .await;
        result.with_context(|| {
            let d = &self.docs[&id];
            format!(
                "waiting for the server to advertise our heads {:?}; it last advertised {:?}; in flight: {}",
                d.doc.clone().get_heads(),
                d.state.their_heads,
                d.state.in_flight
            )
        })
    }

    /// Sends a sync message for the document if automerge has one.
    pub async fn flush(&mut self, doc_id: &str) -> Result<()> {
        if let Some(msg) = self.generate(doc_id) {
            self.send(&Message::Sync {
                sender_id: self.peer_id.clone(),
                target_id: self.server_peer_id.clone(),
                document_id: doc_id.to_owned(),
                data: ByteBuf::from(msg.encode()),
            })
            .await?;
        }
        Ok(())
    }

    fn generate(&mut self, doc_id: &str) -> Option<sync::Message> {
        let entry = self.docs.get_mut(doc_id)?;
        entry.doc.sync().generate_sync_message(&mut entry.state)
    }

    /// Waits for the next error message (or the socket closing); returns its text.
    pub async fn expect_error(&mut self) -> Result<String> {
        loop {
            if let Some(i) = self.events.iter().position(|e| matches!(e, Event::Error(_)))
                && let Event::Error(text) = self.events.remove(i)
            {
                return Ok(text);
            }
            if self.events.contains(&Event::Closed) {
                bail!("closed without an error message");
            }
            self.pump().await?;
        }
    }

    /// Waits until the server closes the socket.
    pub async fn expect_closed(&mut self) -> Result<()> {
        while !self.events.contains(&Event::Closed) {
            self.pump().await?;
        }
        Ok(())
    }
}

impl ClientDoc {
    fn new(doc: AutoCommit) -> ClientDoc {
        ClientDoc { doc, state: sync::State::new(), advertised: HashSet::new(), unavailable: false }
    }
}
