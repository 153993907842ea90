//! Step 4 for a batch, in arrival order: each peer's message goes to the document and the
//! peer's sync state ([`crate::sync::incoming::apply`]), once what it carries is committed;
//! snapshots, holds, ephemeral relays and goodbyes are handled in the same order.

use std::time::Instant;

use automerge::sync::State;

use super::{DocumentTask, Peer};
use crate::sync::DocCommand;
use crate::sync::incoming::{self, ApplyError};

impl DocumentTask {
    /// Handles the batch's commands in arrival order; returns when each applied message
    /// that carried changes was received, for the latency histogram.
    pub(super) async fn apply_in_order(&mut self, batch: Vec<DocCommand>) -> Vec<Instant> {
        let mut latencies = Vec::new();
        for cmd in batch {
            match cmd {
                DocCommand::Sync { peer, message, received } => {
                    if self.banned.contains(&peer.conn) {
                        continue;
                    }
                    tracing::trace!(document = %self.doc_id, peer = %peer.peer_id, heads = ?message.heads, changes = message.changes.len(), "receive");
                    let had_changes = !message.changes.is_empty();
                    let conn = peer.conn;
                    let entry = self.peers.entry(conn).or_insert_with(|| Peer { link: peer.clone(), state: State::new() });
                    entry.link = peer;
                    let waiting = self.waiting.get(&conn).map(Vec::as_slice);
                    match incoming::apply(&mut self.doc, &mut entry.state, message, waiting) {
                        // Answer a message with changes at once: the answer carries our
                        // heads, which is how a client learns its changes are stored (a later
                        // message of the same batch whose heads equal ours would otherwise
                        // leave it unanswered). Other messages are answered by `forward`,
                        // which makes one message for all peers in the same state.
                        Ok(()) => {
                            if had_changes {
                                latencies.push(received);
                                self.sync_peer(conn);
                            }
                        }
                        // A message may have looked "nothing new" in step 1 because another
                        // peer's identical changes were accepted, and those may have failed
                        // to commit: the document holds nothing but committed changes.
                        Err(ApplyError::NotStored) => {
                            let link = entry.link.clone();
                            self.refuse(
                                conn,
                                &link,
                                "the server could not store your changes; they were not applied. Reconnect and try again",
                            );
                        }
                        Err(ApplyError::Automerge(error)) => {
                            let link = entry.link.clone();
                            tracing::error!(document = %self.doc_id, %error, "a checked sync message failed to apply");
                            self.refuse(conn, &link, "the sync message could not be applied");
                        }
                    }
                }
                DocCommand::Ephemeral { conn, message } => self.relay(conn, message),
                DocCommand::Detach { conn } => self.detach(conn),
                DocCommand::Snapshot { reply } => {
                    let _ = reply.send(self.doc.save());
                }
                DocCommand::Hold { reply } => self.hold(reply).await,
                DocCommand::Submit { .. } | DocCommand::Remote { .. } => {}
            }
        }
        latencies
    }
}
