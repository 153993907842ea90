//! [`Hub`]: the registry of loaded documents. It starts a document task on first use, routes
//! connections' commands to it, and lets an idle task unload itself without losing a
//! command sent at the same moment.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::persist::Persister;
use super::{ConnId, DocCommand, document};
use crate::config::SyncLimits;
use crate::ids::DocumentId;
use crate::metrics::Metrics;
use crate::store::Store;

/// Commands that may queue for one document before connections wait.
const DOCUMENT_QUEUE: usize = 256;

/// What every document task needs.
#[derive(Debug)]
pub struct Shared {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The group-commit writer.
    pub persister: Persister,
    /// Live figures.
    pub metrics: Arc<Metrics>,
    /// Protocol limits and timeouts.
    pub limits: SyncLimits,
    /// Bounds on what people send (change sizes, ephemeral messages, outbound queues).
    pub input: crate::config::InputLimits,
    /// Logged changes after which a document is compacted.
    pub compaction_threshold: usize,
    /// This server's automerge-repo peer id (stable for the process).
    pub peer_id: String,
    /// This installation's storage id (stable across restarts).
    pub storage_id: String,
    /// Cancelled when the server shuts down.
    pub shutdown: CancellationToken,
    /// Tracks connection and document tasks, to wait for them at shutdown.
    pub tracker: TaskTracker,
    /// The sessions of the connections, to close them when their session ends.
    pub sessions: super::session_watch::Sessions,
}

struct Entry {
    tx: mpsc::Sender<DocCommand>,
    generation: u64,
}

/// The registry of document tasks; cheap to clone.
#[derive(Clone)]
pub struct Hub {
    shared: Arc<Shared>,
    docs: Arc<Mutex<HashMap<DocumentId, Entry>>>,
    generations: Arc<AtomicU64>,
    connections: Arc<AtomicU64>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub").field("peer_id", &self.shared.peer_id).finish_non_exhaustive()
    }
}

/// The hub is shutting down; nothing more is accepted.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the server is shutting down")]
pub struct ShuttingDown;

impl Hub {
    /// A hub over `shared`.
    pub fn new(shared: Shared) -> Hub {
        Hub {
            shared: Arc::new(shared),
            docs: Arc::new(Mutex::new(HashMap::new())),
            generations: Arc::new(AtomicU64::new(0)),
            connections: Arc::new(AtomicU64::new(0)),
        }
    }

    /// What document tasks share.
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// A fresh connection number.
    pub fn next_conn_id(&self) -> ConnId {
        self.connections.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Sends `cmd` to the document's task, starting the task (which loads the document) if
    /// none runs. Waits while the document's queue is full.
    pub async fn send(&self, doc: &DocumentId, mut cmd: DocCommand) -> Result<(), ShuttingDown> {
        loop {
            if self.shared.shutdown.is_cancelled() {
                return Err(ShuttingDown);
            }
            let (tx, generation) = self.entry(doc);
            match tx.send(cmd).await {
                Ok(()) => return Ok(()),
                // The task ended (unloaded, or failed to load) after we looked it up:
                // forget it and start another.
                Err(mpsc::error::SendError(back)) => {
                    cmd = back;
                    self.forget(doc, generation);
                }
            }
        }
    }

    /// Sends `cmd` only if the document is loaded, never waiting: a cursor for an
    /// unloaded document, or one that finds the queue full, is dropped.
    pub fn send_if_loaded(&self, doc: &DocumentId, cmd: DocCommand) {
        let tx = self.lock().get(doc).map(|e| e.tx.clone());
        if let Some(tx) = tx {
            let _ = tx.try_send(cmd);
        }
    }

    /// Tells a loaded document that another server changed it ([`DocCommand::Remote`]).
    /// Never waits, and never loses the notice: with the queue full, a task delivers it.
    /// Nothing to do if the document is not loaded (loading reads the database anyway).
    pub fn notify_remote(&self, doc: &DocumentId, hashes: Option<Vec<automerge::ChangeHash>>, workflow: bool) {
        let tx = self.lock().get(doc).map(|e| e.tx.clone());
        let Some(tx) = tx else { return };
        if let Err(mpsc::error::TrySendError::Full(cmd)) = tx.try_send(DocCommand::Remote { hashes, workflow }) {
            self.shared.tracker.spawn(async move {
                let _ = tx.send(cmd).await;
            });
        }
    }

    /// The documents with a running task.
    pub fn loaded(&self) -> Vec<DocumentId> {
        self.lock().keys().cloned().collect()
    }

    /// Tells a loaded document that a connection is gone, waiting for room in its queue:
    /// a lost goodbye would keep the peer, and the document, alive. Nothing to do if the
    /// document is not loaded.
    pub async fn detach(&self, doc: &DocumentId, conn: ConnId) {
        let tx = self.lock().get(doc).map(|e| e.tx.clone());
        if let Some(tx) = tx {
            let _ = tx.send(DocCommand::Detach { conn }).await;
        }
    }

    /// Cancels every connection and document task and waits for them to end.
    pub async fn shutdown(&self) {
        self.shared.shutdown.cancel();
        self.shared.tracker.close();
        self.shared.tracker.wait().await;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<DocumentId, Entry>> {
        // A panic while holding this lock cannot leave the map inconsistent (single
        // inserts and removes), so a poisoned lock is still usable.
        self.docs.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn entry(&self, doc: &DocumentId) -> (mpsc::Sender<DocCommand>, u64) {
        let mut docs = self.lock();
        if let Some(e) = docs.get(doc) {
            return (e.tx.clone(), e.generation);
        }
        let generation = self.generations.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(DOCUMENT_QUEUE);
        docs.insert(doc.clone(), Entry { tx: tx.clone(), generation });
        drop(docs);
        self.shared.tracker.spawn(document::run(self.clone(), doc.clone(), generation, rx));
        (tx, generation)
    }

    /// Removes the entry of `doc` if it is still the task of `generation`.
    pub(crate) fn forget(&self, doc: &DocumentId, generation: u64) {
        let mut docs = self.lock();
        if docs.get(doc).is_some_and(|e| e.generation == generation) {
            docs.remove(doc);
        }
    }

    /// For an idle document task: under the registry lock, if its queue is empty, removes
    /// it and closes the queue, so every later `send` starts a new task. Returns whether it
    /// unloaded.
    pub(crate) fn unload_if_idle(&self, doc: &DocumentId, generation: u64, rx: &mut mpsc::Receiver<DocCommand>) -> bool {
        let mut docs = self.lock();
        if !rx.is_empty() {
            return false;
        }
        if docs.get(doc).is_some_and(|e| e.generation == generation) {
            docs.remove(doc);
        }
        rx.close();
        true
    }

    /// Whether the document has a running task (for tests and metrics).
    pub fn is_loaded(&self, doc: &DocumentId) -> bool {
        self.lock().contains_key(doc)
    }
}
