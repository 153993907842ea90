//! One task per loaded document: it owns the document (an automerge [`AutoCommit`] that only
//! ever receives changes — it is never edited in place, see `pluma_core::Draft::clean` on why
//! that matters), one automerge sync state per peer,
//! and the path every incoming change takes:
//!
//! 1. **decode** the sync message's changes strictly ([`super::incoming::decode`]) and keep
//!    those the document does not have; those whose dependencies the peer has not sent yet
//!    wait (unchecked) for them, and the answer asks for them by hash;
//! 2. **validate** them ([`super::incoming::validate`], `document/check.rs`): first the
//!    workflow gate (an adopted text, or one under a silence procedure, accepts no change),
//!    then actor bindings and the permission rules on the document with the changes
//!    applied (no copy: the document is put back from the database after a refusal);
//! 3. **persist** them through the group-commit writer and wait for the commit
//!    (`document/commit.rs`);
//! 4. only then **apply**: each message goes
//!    to its peer's sync state ([`super::incoming::apply`], `document/apply.rs`);
//! 5. **forward**: generate a sync message for every peer (once for all peers in the same
//!    sync state; `document/fanout.rs`).
//!
//! Steps 1, 2 and 4 are pure functions in [`super::incoming`]; the task adds what needs
//! the database or the channels.
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

use super::hub::Hub;
use super::{ConnId, DocCommand, PeerLink, SubmitError};
use crate::ids::{DocumentId, DraftId};
use crate::store::AuditAction;
use crate::validate::{ActorOwners, Principal};

mod apply;
mod check;
mod commit;
mod compact;
mod fanout;
pub(crate) mod load;
mod remote;
mod workflow;

pub use workflow::MAX_HOLD;

use fanout::send_unavailable;

/// What a peer is told when its changes could not be stored.
const NOT_STORED: &str = "the server could not store your changes; they were not applied. Reconnect and try again";

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
    workflow: Option<super::lock::Lock>,
    /// The document could not be put back after changes that were refused or not committed
    /// (the database did not answer): every change is refused, and the task ends after the
    /// batch, disconnecting its peers; the next request loads the document again.
    broken: bool,
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
        broken: false,
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
                if task.broken {
                    hub.forget(&task.doc_id, generation);
                    for peer in task.peers.values() {
                        peer.link.kill.cancel();
                    }
                    break;
                }
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
    /// Handles one batch: other servers' changes first (the batch is checked against
    /// them), then the incoming-change path for the peers' messages and the API's
    /// submissions, then everything in arrival order.
    async fn process(&mut self, batch: Vec<DocCommand>) {
        if self.workflow.is_none() {
            self.reload_workflow().await;
        }
        let (remote, batch): (Vec<DocCommand>, Vec<DocCommand>) = batch.into_iter().partition(|c| matches!(c, DocCommand::Remote { .. }));
        if !remote.is_empty() {
            self.take_remote(remote).await;
        }
        // API submissions are checked after the peers' messages of the batch; everything
        // else keeps its order.
        let (submits, batch): (Vec<DocCommand>, Vec<DocCommand>) = batch.into_iter().partition(|c| matches!(c, DocCommand::Submit { .. }));

        // 1–2: decode and validate.
        let mut round = check::Round::default();
        self.check_messages(&batch, &mut round).await;
        self.check_submits(submits, &mut round).await;
        // 3: persist, and wait for the commit.
        let rejected = self.commit_round(round).await;
        for (conn, (link, reason)) in rejected {
            self.refuse(conn, &link, &reason);
        }
        if self.broken {
            // The document may hold refused changes: nothing more is read from it; the
            // task ends (see `run`).
            return;
        }
        // 4: apply to the sync states (and the rest, in arrival order).
        let latencies = self.apply_in_order(batch).await;
        // 5: forward to every peer what it still lacks.
        self.forward();
        let metrics = &self.hub.shared().metrics;
        for received in latencies {
            metrics.observe_sync_latency(received.elapsed());
        }
        self.maybe_compact().await;
    }
}
