//! Loading a document: the newest snapshot plus every change logged after it. Anything that
//! does not load is an error that makes the document unavailable; no path here returns an
//! empty document in place of stored history.

use std::sync::Arc;

use automerge::{AutoCommit, Change};

use crate::ids::{DocumentId, DraftId};
use crate::store::{Store, StoreError};

/// Why a document is unavailable.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LoadError {
    /// No draft has this document id (a client's mistake, not a fault).
    #[error("no such document")]
    NotFound,
    /// The database could not be read.
    #[error("database error: {0}")]
    Store(StoreError),
    /// What is stored does not load.
    #[error("stored data does not load: {0}")]
    Corrupt(String),
}

impl LoadError {
    /// Whether this is our fault (logged as an error) rather than an unknown id.
    pub(crate) fn is_fault(&self) -> bool {
        !matches!(self, LoadError::NotFound)
    }
}

/// A document as loaded.
pub(crate) struct Loaded {
    /// Its draft.
    pub(crate) draft: DraftId,
    /// The document.
    pub(crate) doc: AutoCommit,
    /// The log sequence numbers of its logged changes.
    pub(crate) logged: Vec<i64>,
    /// The snapshot it was loaded from.
    pub(crate) snapshot_id: Option<i64>,
}

/// Loads the document.
pub(crate) async fn load(store: &Arc<dyn Store>, doc_id: &DocumentId) -> Result<Loaded, LoadError> {
    let draft = match store.draft_by_document(doc_id).await {
        Ok(d) => d.id,
        Err(StoreError::NotFound(_)) => return Err(LoadError::NotFound),
        Err(e) => return Err(LoadError::Store(e)),
    };
    let (doc, logged, snapshot_id) = load_log(store, doc_id).await?;
    Ok(Loaded { draft, doc, logged, snapshot_id })
}

/// Reads and builds the document from its newest snapshot and log: the document, the
/// sequence numbers of the logged changes, and the snapshot's id.
pub(crate) async fn load_log(store: &Arc<dyn Store>, doc_id: &DocumentId) -> Result<(AutoCommit, Vec<i64>, Option<i64>), LoadError> {
    let stored = store.load_document(doc_id).await.map_err(LoadError::Store)?;
    let snapshot_id = stored.snapshot_id;
    let snapshot = stored.snapshot.ok_or_else(|| LoadError::Corrupt("the draft has no snapshot".into()))?;
    let seqs: Vec<i64> = stored.changes.iter().map(|(seq, _)| *seq).collect();
    // Decoding and applying is CPU work proportional to the document: off the async threads.
    let doc = tokio::task::spawn_blocking(move || build(&snapshot, stored.changes))
        .await
        .map_err(|e| LoadError::Corrupt(format!("loading panicked: {e}")))??;
    Ok((doc, seqs, snapshot_id))
}

fn build(snapshot: &[u8], changes: Vec<(i64, Vec<u8>)>) -> Result<AutoCommit, LoadError> {
    let mut doc = AutoCommit::load(snapshot).map_err(|e| LoadError::Corrupt(format!("snapshot: {e}")))?;
    let mut parsed = Vec::with_capacity(changes.len());
    for (seq, bytes) in changes {
        let change = Change::try_from(bytes.as_slice()).map_err(|e| LoadError::Corrupt(format!("change {seq}: {e}")))?;
        if bytes.get(4..8) != Some(&change.hash().0[..4]) {
            return Err(LoadError::Corrupt(format!("change {seq}: bad checksum")));
        }
        parsed.push(change);
    }
    doc.apply_changes(parsed).map_err(|e| LoadError::Corrupt(format!("changes: {e}")))?;
    pluma_core::draft::drop_patch_log(&mut doc);
    pluma_core::Draft::check_automerge(&doc).map_err(|e| LoadError::Corrupt(format!("not a draft: {e}")))?;
    Ok(doc)
}
