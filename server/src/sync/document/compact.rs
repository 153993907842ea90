//! Compaction: after enough logged changes, one transaction stores a snapshot and drops the
//! changes it covers, one server at a time per document, and only on top of the newest
//! snapshot (see [`crate::store::Compaction`]).

use super::DocumentTask;
use crate::store::Compaction;
use crate::time::now_ms;

impl DocumentTask {
    /// After enough logged changes: one transaction stores a snapshot and drops the changes
    /// it covers. A failure is logged and retried later; the log stays valid meanwhile.
    /// Another server's newer snapshot is merged first (see [`crate::store::Compaction`]).
    pub(super) async fn maybe_compact(&mut self) {
        if self.logged.len() < self.compact_at {
            return;
        }
        let shared = self.hub.shared().clone();
        let snapshot = self.doc.save();
        match shared.store.compact(&self.doc_id, &snapshot, &self.logged, self.snapshot_id, now_ms()).await {
            Ok(Compaction::Done { snapshot_id }) => {
                tracing::debug!(document = %self.doc_id, changes = self.logged.len(), bytes = snapshot.len(), "compacted");
                self.logged.clear();
                self.snapshot_id = Some(snapshot_id);
                self.compact_at = shared.compaction_threshold.max(1);
            }
            Ok(Compaction::Superseded) => {
                tracing::debug!(document = %self.doc_id, "another server compacted first; merging its snapshot");
                self.merge_stored().await;
                self.forward();
            }
            Err(error) => {
                tracing::error!(document = %self.doc_id, %error, "compaction failed; will retry");
                self.compact_at = self.logged.len() + shared.compaction_threshold.max(1);
            }
        }
    }
}
