//! Changes other servers committed: the document reads what it lacks from the change log
//! and applies it without checking it again (the server that stored it checked it before
//! its commit), then forwards it to its peers like any other change.
//!
//! A notice that names its changes costs one read by hash. Otherwise, or when those
//! changes were compacted meanwhile, the task compares the log's index with the document;
//! and when another server stored a newer snapshot, it merges the stored document whole
//! (snapshot and log). A read that fails is retried shortly, so a document never stays
//! behind the database for long.

use std::collections::HashSet;
use std::time::Duration;

use automerge::{Change, ChangeHash};

use super::{DocumentTask, load};
use crate::sync::DocCommand;

/// How soon a failed catch-up is tried again (the database may be down for longer; then it
/// is tried again after this much each time).
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// Why stored changes could not be applied as they are.
enum Incomplete {
    /// Some depend on changes neither the document nor the rows have (compacted).
    MissingDependencies,
    /// A row does not decode or apply (corrupt; logged).
    Unreadable,
}

impl DocumentTask {
    /// Handles the batch's [`DocCommand::Remote`] commands: reads and applies the changes
    /// they announce, reloads the workflow state if asked, and forwards new changes.
    pub(super) async fn take_remote(&mut self, commands: Vec<DocCommand>) {
        let mut named: Vec<ChangeHash> = Vec::new();
        let mut unnamed = false;
        let mut workflow = false;
        for cmd in commands {
            if let DocCommand::Remote { hashes, workflow: w } = cmd {
                workflow |= w;
                match hashes {
                    Some(h) => named.extend(h),
                    None => unnamed = true,
                }
            }
        }
        let applied = if unnamed { self.catch_up().await.unwrap_or(false) } else { self.apply_named(named).await };
        if workflow {
            self.reload_workflow().await;
            self.void_stale_approvals(&[]).await;
        }
        if applied {
            self.hub.shared().metrics.remote_applied();
            self.forward();
        }
    }

    /// Reads and applies the named changes the document lacks; falls back to
    /// [`DocumentTask::catch_up`] when they are no longer all in the log.
    async fn apply_named(&mut self, hashes: Vec<ChangeHash>) -> bool {
        let missing: Vec<[u8; 32]> = hashes
            .into_iter()
            .filter(|h| self.doc.get_change_by_hash(h).is_none())
            .map(|h| h.0)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if missing.is_empty() {
            return false;
        }
        let store = self.hub.shared().store.clone();
        match store.logged_changes(&self.doc_id, &missing).await {
            Ok(rows) if rows.len() == missing.len() => match self.apply_rows(rows) {
                Ok(applied) => applied,
                Err(_) => self.catch_up().await.unwrap_or(false),
            },
            Ok(_) => self.catch_up().await.unwrap_or(false),
            Err(error) => {
                tracing::warn!(document = %self.doc_id, %error, "could not read other servers' changes; retrying");
                self.retry_later();
                false
            }
        }
    }

    /// Brings the document up to the database: whatever the log holds that the document
    /// lacks, or the stored document whole after another server's compaction. Whether
    /// anything was applied; `None` if the database could not be read (a retry is set).
    pub(super) async fn catch_up(&mut self) -> Option<bool> {
        let store = self.hub.shared().store.clone();
        let index = match store.log_index(&self.doc_id).await {
            Ok(index) => index,
            Err(error) => {
                tracing::warn!(document = %self.doc_id, %error, "could not read the change log to catch up; retrying");
                self.retry_later();
                return None;
            }
        };
        if index.snapshot_id != self.snapshot_id {
            return self.merge_stored().await;
        }
        let missing: Vec<[u8; 32]> =
            index.changes.iter().map(|(_, h)| *h).filter(|h| self.doc.get_change_by_hash(&ChangeHash(*h)).is_none()).collect();
        if missing.is_empty() {
            return Some(false);
        }
        match store.logged_changes(&self.doc_id, &missing).await {
            Ok(rows) if rows.len() == missing.len() => match self.apply_rows(rows) {
                Ok(applied) => Some(applied),
                Err(_) => self.merge_stored().await,
            },
            // Compacted between the two reads.
            Ok(_) => self.merge_stored().await,
            Err(error) => {
                tracing::warn!(document = %self.doc_id, %error, "could not read other servers' changes; retrying");
                self.retry_later();
                None
            }
        }
    }

    /// Loads the stored document (newest snapshot and log) and merges it in: the document
    /// then includes that snapshot, the base of its next compaction. Whether anything new
    /// came in; `None` if it could not be read or merged.
    pub(super) async fn merge_stored(&mut self) -> Option<bool> {
        let store = self.hub.shared().store.clone();
        match load::load_log(&store, &self.doc_id).await {
            Ok((mut stored, logged, snapshot_id)) => {
                let before = self.doc.get_heads();
                if let Err(error) = self.doc.merge(&mut stored) {
                    tracing::error!(document = %self.doc_id, %error, "the stored document does not merge");
                    return None;
                }
                pluma_core::draft::drop_patch_log(&mut self.doc);
                self.logged = logged;
                self.snapshot_id = snapshot_id;
                Some(before != self.doc.get_heads())
            }
            Err(error) => {
                tracing::warn!(document = %self.doc_id, %error, "could not load the stored document to catch up; retrying");
                self.retry_later();
                None
            }
        }
    }

    /// Applies logged changes as read (`(seq, bytes)`), if every one decodes and every
    /// dependency is in the document or among them: the document never holds a change
    /// waiting for a dependency, which would hold back every later check.
    fn apply_rows(&mut self, rows: Vec<(i64, Vec<u8>)>) -> Result<bool, Incomplete> {
        let mut changes = Vec::with_capacity(rows.len());
        let mut seqs = Vec::with_capacity(rows.len());
        for (seq, bytes) in rows {
            let change = Change::try_from(bytes.as_slice()).map_err(|e| self.unreadable(format!("change {seq}: {e}")))?;
            if self.doc.get_change_by_hash(&change.hash()).is_none() {
                changes.push(change);
            }
            seqs.push(seq);
        }
        let hashes: HashSet<ChangeHash> = changes.iter().map(Change::hash).collect();
        let complete = changes.iter().all(|c| c.deps().iter().all(|d| hashes.contains(d) || self.doc.get_change_by_hash(d).is_some()));
        if !complete {
            return Err(Incomplete::MissingDependencies);
        }
        let applied = !changes.is_empty();
        self.doc.apply_changes(changes).map_err(|e| self.unreadable(format!("changes do not apply: {e}")))?;
        pluma_core::draft::drop_patch_log(&mut self.doc);
        let known: HashSet<i64> = self.logged.iter().copied().collect();
        self.logged.extend(seqs.into_iter().filter(|s| !known.contains(s)));
        Ok(applied)
    }

    fn unreadable(&self, detail: String) -> Incomplete {
        tracing::error!(document = %self.doc_id, %detail, "a logged change does not load");
        Incomplete::Unreadable
    }

    /// Asks this task to catch up again soon.
    fn retry_later(&self) {
        let hub = self.hub.clone();
        let doc = self.doc_id.clone();
        let shutdown = hub.shared().shutdown.clone();
        let tracker = hub.shared().tracker.clone();
        tracker.spawn(async move {
            tokio::select! {
                _ = shutdown.cancelled() => {}
                _ = tokio::time::sleep(RETRY_AFTER) => hub.notify_remote(&doc, None, true),
            }
        });
    }
}
