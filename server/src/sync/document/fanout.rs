//! Sending out: sync messages to every peer, ephemeral relays, `doc-unavailable`; and
//! letting peers go: those that do not keep up, those refused, those that leave.

use std::collections::HashMap;

use automerge::sync::{State, SyncDoc};
use serde_bytes::ByteBuf;

use super::DocumentTask;
use crate::ids::DocumentId;
use crate::sync::changes::missing_deps;
use crate::sync::outbound::QueueError;
use crate::sync::peer_state::nothing_to_send;
use crate::sync::protocol::Message;
use crate::sync::{ConnId, Outbound, PeerLink};

/// Tells a peer the document is unavailable.
pub(super) fn send_unavailable(server: &str, doc_id: &DocumentId, peer: &PeerLink) {
    let msg = Message::DocUnavailable { sender_id: server.to_owned(), target_id: peer.peer_id.clone(), document_id: doc_id.to_string() };
    if peer.out.try_send(Outbound::Message(msg)).is_err() {
        peer.kill.cancel();
    }
}

/// Sends a peer an encoded sync message; `Err(true)` if its queue is full (it does not keep
/// up), `Err(false)` if it is gone.
fn send_sync(server: &str, document_id: &str, peer: &PeerLink, data: Vec<u8>) -> Result<(), bool> {
    let msg = Message::Sync {
        sender_id: server.to_owned(),
        target_id: peer.peer_id.clone(),
        document_id: document_id.to_owned(),
        data: ByteBuf::from(data),
    };
    peer.out.try_send(Outbound::Message(msg)).map_err(|e| e == QueueError::Full)
}

impl DocumentTask {
    /// Relays an ephemeral message to the document's other peers, once per count.
    pub(super) fn relay(&mut self, conn: ConnId, message: Message) {
        let Message::Ephemeral { sender_id, document_id, count, session_id, data, .. } = message else {
            return;
        };
        if !self.peers.contains_key(&conn) {
            return;
        }
        let key = (sender_id.clone(), session_id.clone());
        if self.ephemeral_seen.get(&key).is_some_and(|last| count <= *last) {
            return;
        }
        self.ephemeral_seen.insert(key, count);
        let mut dead = Vec::new();
        for (other, peer) in &self.peers {
            if *other == conn {
                continue;
            }
            let msg = Message::Ephemeral {
                sender_id: sender_id.clone(),
                target_id: peer.link.peer_id.clone(),
                document_id: document_id.clone(),
                count,
                session_id: session_id.clone(),
                data: data.clone(),
            };
            if let Err(e) = peer.link.out.try_send(Outbound::Message(msg)) {
                dead.push((*other, e == QueueError::Full));
            }
        }
        self.drop_lagging(dead);
    }

    /// Sends every peer what it lacks.
    ///
    /// Peers that are waiting for an answer to what they were last sent, or that have our
    /// heads, are passed over without generating (see [`nothing_to_send`]). A sync message
    /// depends only on the document and the peer's sync state, and so does the state it
    /// leaves behind: peers in the same state (most of them, when they keep up) get the
    /// same message, generated and encoded once.
    pub(super) fn forward(&mut self) {
        let conns: Vec<ConnId> = self.peers.keys().copied().collect();
        let (individual, shared): (Vec<ConnId>, Vec<ConnId>) = conns.into_iter().partition(|c| self.waiting.contains_key(c));
        for conn in individual {
            self.sync_peer(conn);
        }
        let server = self.hub.shared().peer_id.clone();
        let document_id = self.doc_id.to_string();
        let mut made: HashMap<State, Option<(State, Vec<u8>)>> = HashMap::new();
        let mut dead = Vec::new();
        let heads = self.doc.get_heads();
        for conn in shared {
            let Some(peer) = self.peers.get_mut(&conn) else { continue };
            let doc = &mut self.doc;
            if nothing_to_send(doc, &peer.state, &heads) {
                continue;
            }
            let outcome = made.entry(peer.state.clone()).or_insert_with_key(|before| {
                let mut after = before.clone();
                doc.sync().generate_sync_message(&mut after).map(|m| (after, m.encode()))
            });
            let Some((after, data)) = outcome else { continue };
            peer.state.clone_from(after);
            tracing::trace!(document = %self.doc_id, peer = %peer.link.peer_id, "send");
            if let Err(lagging) = send_sync(&server, &document_id, &peer.link, data.clone()) {
                dead.push((conn, lagging));
            }
        }
        self.drop_lagging(dead);
    }

    /// Sends one peer a sync message if automerge has one for it.
    pub(super) fn sync_peer(&mut self, conn: ConnId) {
        let Some(peer) = self.peers.get_mut(&conn) else { return };
        let Some(mut message) = self.doc.sync().generate_sync_message(&mut peer.state) else {
            return;
        };
        // Ask for what the peer's waiting changes depend on: automerge only asks for the
        // peer's heads, which it already sent.
        if let Some(waiting) = self.waiting.get(&conn) {
            for hash in missing_deps(&self.doc, waiting) {
                if !message.need.contains(&hash) {
                    message.need.push(hash);
                }
            }
        }
        tracing::trace!(document = %self.doc_id, peer = %peer.link.peer_id, heads = ?message.heads, changes = message.changes.len(), "send");
        if let Err(lagging) = send_sync(&self.hub.shared().peer_id, &self.doc_id.to_string(), &peer.link, message.encode()) {
            self.drop_lagging(vec![(conn, lagging)]);
        }
    }

    /// Forgets peers that could not be sent to: gone (queue closed), or not keeping up
    /// (queue full, `true`), which are disconnected rather than allowed to stall the
    /// document or miss a sync message (which would desynchronise their state).
    pub(super) fn drop_lagging(&mut self, conns: Vec<(ConnId, bool)>) {
        for (conn, lagging) in conns {
            self.waiting.remove(&conn);
            if let Some(peer) = self.peers.remove(&conn) {
                if lagging {
                    tracing::warn!(document = %self.doc_id, peer = %peer.link.peer_id, "disconnecting a peer that does not keep up");
                }
                peer.link.kill.cancel();
            }
        }
    }

    /// Refuses a peer: its later messages are dropped until it detaches; it is sent the
    /// reason and disconnected.
    pub(super) fn refuse(&mut self, conn: ConnId, link: &PeerLink, reason: &str) {
        self.hub.shared().metrics.rejected();
        self.peers.remove(&conn);
        self.waiting.remove(&conn);
        self.banned.insert(conn);
        if link.out.try_send(Outbound::Fatal(reason.to_owned())).is_err() {
            link.kill.cancel();
        }
    }

    /// Forgets a peer whose connection closed.
    pub(super) fn detach(&mut self, conn: ConnId) {
        self.banned.remove(&conn);
        self.waiting.remove(&conn);
        if let Some(peer) = self.peers.remove(&conn) {
            let id = peer.link.peer_id;
            self.ephemeral_seen.retain(|(sender, _), _| *sender != id);
        }
    }
}
