//! The two sides of a comparison as [`Snapshot`]s: a saved version's is read from the
//! database, or made from the document the first time and stored; the current text's is
//! made from the document each time. Comparing two saved versions whose snapshots are
//! stored reads no document at all.
//!
//! A stored snapshot that does not read back (another format, corrupt JSON, other heads
//! than its version's) is made again and replaced, with a warning in the log: it is derived
//! data, never the only copy of anything.

use std::collections::HashMap;
use std::future::Future;

use pluma_core::automerge::ActorId;
use pluma_core::compare::{Snapshot, SNAPSHOT_FORMAT};
use pluma_core::{Country, Draft, DraftError};

use crate::store::{Store, StoreError, VersionRecord};
use crate::versions::{actor_countries, document_actors};

/// Why the snapshots could not be had. `E` is the error of fetching the document's bytes.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotsError<E> {
    /// The document's bytes could not be fetched.
    #[error("fetching the document")]
    Document(E),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The document or a version's heads do not work with each other.
    #[error(transparent)]
    Draft(#[from] DraftError),
    /// The blocking task that did the work failed.
    #[error("a blocking task failed: {0}")]
    Task(String),
}

/// `[from, to]` as snapshots (`None`: the current text). `bytes` fetches the document; it
/// is awaited only if some snapshot has to be made.
pub async fn comparison_snapshots<E, F>(
    store: &dyn Store,
    sides: [Option<&VersionRecord>; 2],
    bytes: F,
    now: i64,
) -> Result<[Snapshot; 2], SnapshotsError<E>>
where
    F: Future<Output = Result<Vec<u8>, E>>,
{
    let mut found: [Option<Snapshot>; 2] = [None, None];
    for (slot, side) in found.iter_mut().zip(sides) {
        if let Some(version) = side {
            *slot = stored(store, version).await?;
        }
    }
    let found = match found {
        [Some(a), Some(b)] => return Ok([a, b]),
        other => other,
    };

    let bytes = bytes.await.map_err(SnapshotsError::Document)?;
    let actors = {
        let bytes = bytes.clone();
        blocking(move || document_actors(&bytes)).await?
    };
    let owners = actor_countries(store, &actors).await?;
    let wanted: Vec<Option<Vec<pluma_core::automerge::ChangeHash>>> = sides
        .iter()
        .zip(&found)
        .map(|(side, have)| match (side, have) {
            (_, Some(_)) => Ok(None),
            (Some(v), None) => v.change_hashes().map(Some),
            (None, None) => Ok(Some(Vec::new())),
        })
        .collect::<Result<_, StoreError>>()?;
    let made = blocking(move || make(&bytes, &owners, &wanted)).await?;
    let mut out = Vec::with_capacity(2);
    for ((side, have), made) in sides.into_iter().zip(found).zip(made) {
        let snapshot = match (have, made) {
            (Some(s), _) => s,
            (None, Some(s)) => {
                if let Some(version) = side {
                    keep(store, version, &s, now).await;
                }
                s
            }
            (None, None) => return Err(SnapshotsError::Task("a snapshot was not made".into())),
        };
        out.push(snapshot);
    }
    let mut out = out.into_iter();
    match (out.next(), out.next()) {
        (Some(a), Some(b)) => Ok([a, b]),
        _ => Err(SnapshotsError::Task("two snapshots were not made".into())),
    }
}

/// Makes the snapshots asked for: `Some(heads)` (empty: the current text), `None`: skip.
fn make(
    bytes: &[u8],
    owners: &HashMap<String, Country>,
    wanted: &[Option<Vec<pluma_core::automerge::ChangeHash>>],
) -> Result<Vec<Option<Snapshot>>, DraftError> {
    let mut doc = Draft::load(bytes)?;
    let who = |a: &ActorId| owners.get(&a.to_hex_string()).cloned();
    wanted
        .iter()
        .map(|w| match w {
            None => Ok(None),
            Some(heads) if heads.is_empty() => Ok(Some(doc.snapshot(None, &who)?)),
            Some(heads) => Ok(Some(doc.snapshot(Some(heads), &who)?)),
        })
        .collect()
}

/// A version's stored snapshot, if there is one that reads back for this version.
async fn stored<E>(store: &dyn Store, version: &VersionRecord) -> Result<Option<Snapshot>, SnapshotsError<E>> {
    let Some((format, json)) = store.version_snapshot(&version.id).await? else { return Ok(None) };
    if format != i64::from(SNAPSHOT_FORMAT) {
        return Ok(None);
    }
    let heads = version.heads.clone();
    let id = version.id.clone();
    blocking(move || {
        Ok(match serde_json::from_str::<Snapshot>(&json) {
            Ok(s) if s.heads == heads => Some(s),
            Ok(_) => {
                tracing::warn!(version = %id, "a stored snapshot is of other heads than its version: making it again");
                None
            }
            Err(e) => {
                tracing::warn!(version = %id, error = %e, "a stored snapshot does not read back: making it again");
                None
            }
        })
    })
    .await
}

/// Stores a version's snapshot. A failure is logged, not returned: the comparison it was
/// made for can still be answered, and the next one makes it again.
async fn keep(store: &dyn Store, version: &VersionRecord, snapshot: &Snapshot, now: i64) {
    let json = match serde_json::to_string(snapshot) {
        Ok(json) => json,
        Err(e) => {
            tracing::error!(version = %version.id, error = %e, "encoding a snapshot");
            return;
        }
    };
    if let Err(e) = store.put_version_snapshot(&version.id, i64::from(SNAPSHOT_FORMAT), &json, now).await {
        tracing::warn!(version = %version.id, error = %e, "storing a version's snapshot failed; it will be made again");
    }
}

/// Runs CPU work on the blocking pool.
async fn blocking<T: Send + 'static, E>(f: impl FnOnce() -> Result<T, DraftError> + Send + 'static) -> Result<T, SnapshotsError<E>> {
    Ok(tokio::task::spawn_blocking(f).await.map_err(|e| SnapshotsError::Task(e.to_string()))??)
}
