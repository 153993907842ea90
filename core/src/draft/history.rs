//! A draft's history: commits, heads, bytes, changes from other replicas, merges and
//! forks.

use automerge::{Change, ChangeHash};

use super::{Draft, drop_patch_log};
use crate::Result;

impl Draft {
    /// Commits pending edits as one change; `None` if there were none.
    pub fn commit(&mut self) -> Option<ChangeHash> {
        self.settle();
        self.doc.commit()
    }

    /// Commits pending edits as one change with a message and a timestamp (unix ms).
    pub fn commit_with(&mut self, message: &str, at_ms: i64) -> Option<ChangeHash> {
        self.settle();
        self.doc.commit_with(automerge::transaction::CommitOptions::default().with_message(message.to_owned()).with_time(at_ms / 1000))
    }

    /// Current heads (commits pending edits first).
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.settle();
        self.doc.get_heads()
    }

    /// The whole document, compressed.
    pub fn save(&mut self) -> Vec<u8> {
        self.settle();
        self.doc.save()
    }

    /// The changes since the last `save` or `save_incremental`, to append to a log.
    pub fn save_incremental(&mut self) -> Vec<u8> {
        self.settle();
        self.doc.save_incremental()
    }

    /// Applies changes saved by another replica (`save_incremental`, or whole documents).
    /// Returns the number of operations applied.
    pub fn load_incremental(&mut self, bytes: &[u8]) -> Result<usize> {
        self.flush()?;
        self.clean()?;
        self.forget_texts();
        let n = self.doc.load_incremental(bytes)?;
        drop_patch_log(&mut self.doc);
        self.dirty = true;
        Ok(n)
    }

    /// Applies individual changes.
    pub fn apply_changes(&mut self, changes: Vec<Change>) -> Result<()> {
        self.flush()?;
        self.clean()?;
        self.forget_texts();
        self.doc.apply_changes(changes)?;
        drop_patch_log(&mut self.doc);
        self.dirty = true;
        Ok(())
    }

    /// The changes made since `heads` (all changes for empty heads).
    pub fn changes_since(&mut self, heads: &[ChangeHash]) -> Vec<Change> {
        self.settle();
        self.doc.get_changes(heads)
    }

    /// Merges another replica's changes into this one.
    pub fn merge(&mut self, other: &mut Draft) -> Result<Vec<ChangeHash>> {
        self.flush()?;
        self.clean()?;
        other.flush()?;
        self.forget_texts();
        let heads = self.doc.merge(&mut other.doc)?;
        drop_patch_log(&mut self.doc);
        self.dirty = true;
        Ok(heads)
    }

    /// An independent copy with a new random actor id.
    pub fn fork(&mut self) -> Draft {
        self.settle();
        Draft::wrap(self.doc.fork())
    }

    /// An independent copy of the draft as it was at `heads`, with a new random actor id.
    pub fn fork_at(&mut self, heads: &[ChangeHash]) -> Result<Draft> {
        self.settle();
        Ok(Draft::wrap(self.doc.fork_at(heads)?))
    }
}
