//! One task per loaded document: it owns the document (an automerge [`AutoCommit`] that only
//! ever receives changes — it is never edited in place, see `pluma_core::Draft::clean` on why
//! that matters), one automerge sync state per peer,
//! and the path every incoming change takes:
//!
//! 1. **decode** the sync message's changes strictly ([`super::changes`]) and keep those
//!    the document does not have; those whose dependencies the peer has not sent yet wait
//!    (unchecked) for them, and the answer asks for them by hash;
//! 2. **validate** them: first the workflow gate (an adopted text, or one under a silence
//!    procedure, accepts no change; see `document/workflow.rs`), then
//!    ([`crate::validate::check_changes`]) against the document as it stands before them,
//!    and check on a copy that they apply;
//! 3. **persist** them through the group-commit writer and wait for the commit;
//! 4. only then **apply**: the copy becomes the shared document and each message goes
//!    through `receive_sync_message` ([`super::state`]) with its peer's state;
//! 5. **forward**: generate a sync message for every peer (once for all peers in the same
//!    sync state).
//!
//! After a commit, approvals of other heads are voided. A workflow action holds the task
//! ([`DocCommand::Hold`]) while it decides on the document's heads.
//!
//! Everything queued for the document when the task wakes is handled as one batch, so one
//! transaction covers a burst from many peers. A message that is refused (broken rule,
//! unreadable changes, failed commit) leaves nothing stored or applied; its peer gets an
//! `error` naming the reason and is disconnected, the others carry on.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use std::sync::Arc;

use automerge::sync::State;
use automerge::{ActorId, AutoCommit, Change};
use pluma_core::rules::Summary;
use tokio::sync::{mpsc, oneshot};

use super::changes::{parse_changes, split_ready, unknown_to};
use super::hub::Hub;
use super::{ConnId, DocCommand, PeerLink, SubmitError};
use crate::ids::{DocumentId, DraftId};
use crate::store::{AuditAction, AuditEntry};
use crate::time::now_ms;
use crate::validate::{ActorOwners, Principal};

mod check;
mod commit;
mod compact;
mod fanout;
pub(crate) mod load;
mod remote;
mod workflow;

pub use workflow::MAX_HOLD;

use fanout::send_unavailable;

/// Most commands handled in one batch; bounds how long one peer's burst delays the rest.
const MAX_BATCH: usize = 512;

struct Peer {
    link: PeerLink,
    state: State,
}

/// Where accepted changes came from, and whom to answer.
enum Origin {
    /// A peer's sync message.
    Peer(PeerLink),
    /// An API action (see [`DocCommand::Submit`]).
    Local(oneshot::Sender<Result<Summary, SubmitError>>),
}

/// Changes that passed validation and wait for the commit.
struct Accepted {
    origin: Origin,
    who: Arc<Principal>,
    changes: Vec<Change>,
    bind: Vec<ActorId>,
    summary: Summary,
    action: AuditAction,
    /// More for the audit entry (from a [`DocCommand::Submit`]).
    note: Option<serde_json::Value>,
}

/// A local submission refused before the commit, to answer after the batch.
type LocalRefusal = (oneshot::Sender<Result<Summary, SubmitError>>, SubmitError);

struct DocumentTask {
    hub: Hub,
    doc_id: DocumentId,
    draft_id: DraftId,
    doc: AutoCommit,
    peers: HashMap<ConnId, Peer>,
    /// Connections refused earlier: later messages from them are dropped until they detach.
    banned: HashSet<ConnId>,
    /// Known actor bindings; bindings never change, so the cache never goes stale.
    owners: ActorOwners,
    /// Per peer, changes it sent whose dependencies it has not sent yet (automerge's sync
    /// protocol leaves a change out when our bloom filter wrongly claims it). Neither
    /// checked, stored nor applied: they are checked with the missing changes once those
    /// arrive, which the next sync message to the peer asks for by hash.
    waiting: HashMap<ConnId, Vec<Change>>,
    /// Log sequence numbers of changes not yet covered by a snapshot.
    logged: Vec<i64>,
    /// Compact when `logged` reaches this length.
    compact_at: usize,
    /// Last ephemeral count relayed per (sender peer, session).
    ephemeral_seen: HashMap<(String, String), u64>,
    /// The newest snapshot the document includes: the base of its next compaction.
    snapshot_id: Option<i64>,
    /// What the workflow says about the text (adopted, under silence, approvals to void);
    /// `None` until read from the database, and every change is refused meanwhile.
    workflow: Option<crate::workflow::Lock>,
}

/// Runs the task of one document until it is idle, the hub shuts down, or it cannot load.
pub(crate) async fn run(hub: Hub, doc_id: DocumentId, generation: u64, mut rx: mpsc::Receiver<DocCommand>) {
    let shared = hub.shared().clone();
    let load::Loaded { draft: draft_id, doc, logged, snapshot_id } = match load::load(&shared.store, &doc_id).await {
        Ok(loaded) => loaded,
        Err(reason) => {
            if reason.is_fault() {
                tracing::error!(document = %doc_id, error = %reason, "document unavailable: it could not be loaded");
                shared.metrics.unavailable();
            } else {
                tracing::debug!(document = %doc_id, "requested document does not exist");
            }
            hub.forget(&doc_id, generation);
            rx.close();
            while let Some(cmd) = rx.recv().await {
                if let DocCommand::Sync { peer, .. } = cmd {
                    send_unavailable(&shared.peer_id, &doc_id, &peer);
                }
            }
            return;
        }
    };
    shared.metrics.documents_loaded_delta(1);
    let mut task = DocumentTask {
        hub: hub.clone(),
        doc_id,
        draft_id,
        doc,
        peers: HashMap::new(),
        banned: HashSet::new(),
        owners: ActorOwners::new(),
        waiting: HashMap::new(),
        compact_at: shared.compaction_threshold.max(1),
        logged,
        snapshot_id,
        ephemeral_seen: HashMap::new(),
        workflow: None,
    };
    task.reload_workflow().await;
    task.maybe_compact().await;
    let mut idle_since = Instant::now();
    loop {
        let idle_deadline = tokio::time::Instant::from_std(idle_since + shared.limits.document_idle);
        tokio::select! {
            _ = shared.shutdown.cancelled() => break,
            cmd = rx.recv() => {
                let Some(first) = cmd else { break };
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(cmd) => batch.push(cmd),
                        Err(_) => break,
                    }
                }
                task.process(batch).await;
                idle_since = Instant::now();
            }
            _ = tokio::time::sleep_until(idle_deadline), if task.peers.is_empty() => {
                if hub.unload_if_idle(&task.doc_id, generation, &mut rx) {
                    // Commands that slipped in before the queue closed go to a new task.
                    while let Ok(cmd) = rx.try_recv() {
                        if matches!(cmd, DocCommand::Sync { .. }) {
                            let _ = hub.send(&task.doc_id, cmd).await;
                        }
                    }
                    tracing::debug!(document = %task.doc_id, "unloaded idle document");
                    break;
                }
                idle_since = Instant::now();
            }
        }
    }
    shared.metrics.documents_loaded_delta(-1);
}

impl DocumentTask {
    async fn process(&mut self, batch: Vec<DocCommand>) {
        let mut rejected: HashMap<ConnId, (PeerLink, String)> = HashMap::new();
        let mut refused_locally: Vec<LocalRefusal> = Vec::new();
        let mut accepted: Vec<Accepted> = Vec::new();
        let mut next: Option<AutoCommit> = None;
        let mut violations: Vec<AuditEntry> = Vec::new();
        if self.workflow.is_none() {
            self.reload_workflow().await;
        }

        // Other servers' changes first: this batch is checked against them.
        let (remote, batch): (Vec<DocCommand>, Vec<DocCommand>) = batch.into_iter().partition(|c| matches!(c, DocCommand::Remote { .. }));
        if !remote.is_empty() {
            self.take_remote(remote).await;
        }

        // API submissions are checked after the peers' messages of the batch; everything
        // else keeps its order.
        let (submits, batch): (Vec<DocCommand>, Vec<DocCommand>) = batch.into_iter().partition(|c| matches!(c, DocCommand::Submit { .. }));

        // 1–2: decode and validate every message that carries changes, against the
        // document plus the changes accepted before it in this batch.
        for cmd in &batch {
            let DocCommand::Sync { peer, message, .. } = cmd else { continue };
            if message.changes.is_empty() || self.banned.contains(&peer.conn) || rejected.contains_key(&peer.conn) {
                continue;
            }
            let new = match parse_changes(message) {
                Ok(all) => {
                    // This peer's waiting changes go with the new ones; only those whose
                    // dependencies are all here are checked now.
                    let base = next.as_ref().unwrap_or(&self.doc);
                    let earlier = self.waiting.remove(&peer.conn).unwrap_or_default();
                    let (ready, waiting) = split_ready(base, unknown_to(base, earlier.into_iter().chain(all).collect()));
                    // Bounded: a peer cannot make the server hold more than one message's worth.
                    let held: usize = waiting.iter().map(|c| c.raw_bytes().len()).sum();
                    if held > self.hub.shared().limits.max_frame_bytes {
                        let reason = format!("too many of your changes to document {} depend on changes you have not sent", self.doc_id);
                        rejected.insert(peer.conn, (peer.clone(), reason));
                        continue;
                    }
                    if !waiting.is_empty() {
                        self.waiting.insert(peer.conn, waiting);
                    }
                    ready
                }
                Err(e) => {
                    let reason = format!("the sync message for document {} carries changes that do not decode: {e}", self.doc_id);
                    rejected.insert(peer.conn, (peer.clone(), reason));
                    continue;
                }
            };
            if new.is_empty() {
                continue;
            }
            if let Err(reason) = self.workflow_gate(&peer.principal, &mut violations) {
                rejected.insert(peer.conn, (peer.clone(), reason));
                continue;
            }
            match self.check(&peer.principal, new, &mut next, &accepted, &mut violations).await {
                Ok((changes, bind, summary)) => accepted.push(Accepted {
                    origin: Origin::Peer(peer.clone()),
                    who: peer.principal.clone(),
                    changes,
                    bind,
                    summary,
                    action: AuditAction::ChangesAccepted,
                    note: None,
                }),
                Err(reason) => {
                    rejected.insert(peer.conn, (peer.clone(), reason));
                }
            }
        }
        for cmd in submits {
            let DocCommand::Submit { who, changes, action, note, reply } = cmd else { continue };
            let new = unknown_to(next.as_ref().unwrap_or(&self.doc), changes);
            if let Err(reason) = self.workflow_gate(&who, &mut violations) {
                refused_locally.push((reply, SubmitError::Locked(reason)));
                continue;
            }
            match self.check(&who, new, &mut next, &accepted, &mut violations).await {
                Ok((changes, bind, summary)) => {
                    accepted.push(Accepted { origin: Origin::Local(reply), who, changes, bind, summary, action, note })
                }
                Err(reason) => refused_locally.push((reply, SubmitError::Refused(reason))),
            }
        }

        // 3: persist, and wait for the commit.
        let mut answers: Vec<(oneshot::Sender<Result<Summary, SubmitError>>, Summary)> = Vec::new();
        if !accepted.is_empty() {
            let authors = workflow::authors(&accepted);
            let tried = accepted.len();
            let (committed, local_ok) = self.persist(accepted, &mut rejected, &mut refused_locally).await;
            answers = local_ok;
            if committed.is_empty() {
                next = None;
            } else if committed.len() < tried {
                next = self.rebuild(&committed);
            }
            // 4: the checked copy, holding exactly the committed changes, becomes the document.
            if let Some(n) = next.take() {
                self.doc = n;
                self.void_stale_approvals(&authors).await;
            }
        }
        for (reply, summary) in answers {
            let _ = reply.send(Ok(summary));
        }
        for (reply, error) in refused_locally {
            let _ = reply.send(Err(error));
        }
        if !violations.is_empty() {
            let shared = self.hub.shared().clone();
            if let Err(error) = shared.store.append_audit(&violations, now_ms()).await {
                tracing::error!(document = %self.doc_id, %error, "could not write refused changes to the audit log");
            }
        }

        for (conn, (link, reason)) in rejected {
            self.refuse(conn, &link, &reason);
        }

        // 4 (sync states), snapshots, ephemeral relays and goodbyes, in arrival order.
        let mut latencies = Vec::new();
        for cmd in batch {
            match cmd {
                DocCommand::Sync { peer, mut message, received } => {
                    if self.banned.contains(&peer.conn) {
                        continue;
                    }
                    let had_changes = !message.changes.is_empty();
                    // The invariant, checked where it matters: apply only messages whose
                    // changes are all in the document already, which holds nothing but
                    // committed changes. (A message may have looked "nothing new" in step 1
                    // because another peer's identical changes were accepted, and those may
                    // have failed to commit.)
                    if had_changes && !self.all_committed(peer.conn, &message) {
                        let conn = peer.conn;
                        self.refuse(conn, &peer, "the server could not store your changes; they were not applied. Reconnect and try again");
                        continue;
                    }
                    tracing::trace!(document = %self.doc_id, peer = %peer.peer_id, heads = ?message.heads, changes = message.changes.len(), "receive");
                    let conn = peer.conn;
                    if self.waiting.contains_key(&conn) {
                        // Its waiting changes must not reach the document (automerge would
                        // queue them and apply them unchecked later); the ones it already
                        // has add nothing.
                        message.changes = Vec::<Vec<u8>>::new().into();
                    }
                    let entry = self.peers.entry(conn).or_insert_with(|| Peer { link: peer.clone(), state: State::new() });
                    entry.link = peer;
                    let applied = super::state::receive_sync_message(&mut self.doc, &mut entry.state, message);
                    match applied {
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
                        Err(error) => {
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

        // 5: forward to every peer what it still lacks.
        self.forward();
        let metrics = &self.hub.shared().metrics;
        for received in latencies {
            metrics.observe_sync_latency(received.elapsed());
        }
        self.maybe_compact().await;
    }
}
