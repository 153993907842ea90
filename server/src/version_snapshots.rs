//! The two sides of a comparison as [`Snapshot`]s: a saved version's is read from the
//! database, or made from the document the first time and stored; the current text's is
//! made from the document each time. Comparing two saved versions whose snapshots are
//! stored reads no document at all.
//!
//! Decoded snapshots of saved versions are also kept in memory ([`SnapshotCache`]), the
//! most recently used first, so comparing the same versions again reads neither the
//! database nor JSON.
//!
//! A stored snapshot that does not read back (another format, corrupt JSON, other heads
//! than its version's) is made again and replaced, with a warning in the log: it is derived
//! data, never the only copy of anything.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use pluma_core::automerge::{ActorId, ChangeHash};
use pluma_core::compare::{SNAPSHOT_FORMAT, Snapshot};
use pluma_core::{Country, Draft, DraftError};

use crate::ids::VersionId;
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

/// How many decoded snapshots a server keeps (each is a few times its draft's text).
pub const CACHED_SNAPSHOTS: usize = 16;

/// Decoded snapshots of saved versions, the most recently used first.
#[derive(Debug, Default)]
pub struct SnapshotCache {
    entries: Mutex<Vec<(VersionId, Arc<Snapshot>)>>,
}

impl SnapshotCache {
    fn get(&self, id: &VersionId) -> Option<Arc<Snapshot>> {
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let at = entries.iter().position(|(v, _)| v == id)?;
        let entry = entries.remove(at);
        let found = entry.1.clone();
        entries.insert(0, entry);
        Some(found)
    }

    fn put(&self, id: &VersionId, snapshot: Arc<Snapshot>) {
        let mut entries = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.retain(|(v, _)| v != id);
        entries.insert(0, (id.clone(), snapshot));
        entries.truncate(CACHED_SNAPSHOTS);
    }
}

/// `[from, to]` as snapshots (`None`: the current text). `bytes` fetches the document; it
/// is awaited only if some snapshot has to be made.
pub async fn comparison_snapshots<E, F>(
    store: &dyn Store,
    cache: Option<&SnapshotCache>,
    sides: [Option<&VersionRecord>; 2],
    bytes: F,
    now: i64,
) -> Result<[Arc<Snapshot>; 2], SnapshotsError<E>>
where
    F: Future<Output = Result<Vec<u8>, E>>,
{
    let mut found: [Option<Arc<Snapshot>>; 2] = [None, None];
    for (slot, side) in found.iter_mut().zip(sides) {
        let Some(version) = side else { continue };
        *slot = match cache.and_then(|c| c.get(&version.id)) {
            Some(hit) => Some(hit),
            None => {
                let read = stored(store, version).await?.map(Arc::new);
                if let (Some(c), Some(s)) = (cache, &read) {
                    c.put(&version.id, s.clone());
                }
                read
            }
        };
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
    let wanted: Vec<Want> = sides
        .iter()
        .zip(&found)
        .map(|(side, have)| match (side, have) {
            (_, Some(_)) => Ok(Want::Nothing),
            (Some(v), None) => v.change_hashes().map(Want::At),
            (None, None) => Ok(Want::Current),
        })
        .collect::<Result<_, StoreError>>()?;
    let made = blocking(move || make(&bytes, &owners, &wanted)).await?;
    let mut out = Vec::with_capacity(2);
    for ((side, have), made) in sides.into_iter().zip(found).zip(made) {
        let snapshot = match (have, made) {
            (Some(s), _) => s,
            (None, Some(s)) => {
                let s = Arc::new(s);
                if let Some(version) = side {
                    keep(store, version, &s, now).await;
                    if let Some(c) = cache {
                        c.put(&version.id, s.clone());
                    }
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

/// Which snapshot to make for one side of a comparison.
enum Want {
    /// None: it was found already.
    Nothing,
    /// The current text's.
    Current,
    /// A saved version's, at its heads.
    At(Vec<ChangeHash>),
}

/// Makes the snapshots asked for.
fn make(bytes: &[u8], owners: &HashMap<String, Country>, wanted: &[Want]) -> Result<Vec<Option<Snapshot>>, DraftError> {
    let mut doc = Draft::load(bytes)?;
    let who = |a: &ActorId| owners.get(&a.to_hex_string()).cloned();
    wanted
        .iter()
        .map(|w| match w {
            Want::Nothing => Ok(None),
            Want::Current => Ok(Some(doc.snapshot(None, &who)?)),
            Want::At(heads) => Ok(Some(doc.snapshot(Some(heads), &who)?)),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Arc<Snapshot> {
        let mut d = Draft::new(pluma_core::DraftKind::Communique, pluma_core::Bilingual { en: "a", es: "b" }).expect("draft");
        Arc::new(d.snapshot(None, &|_| None).expect("snapshot"))
    }

    #[test]
    fn the_cache_keeps_the_most_recently_used() {
        let cache = SnapshotCache::default();
        let ids: Vec<VersionId> = (0..=CACHED_SNAPSHOTS).map(|_| VersionId::random()).collect();
        let s = snapshot();
        for id in &ids[..CACHED_SNAPSHOTS] {
            cache.put(id, s.clone());
        }
        // Using the oldest makes it the newest: the next one in pushes out the second.
        assert!(cache.get(&ids[0]).is_some());
        cache.put(&ids[CACHED_SNAPSHOTS], s.clone());
        assert!(cache.get(&ids[1]).is_none());
        assert!(cache.get(&ids[0]).is_some() && cache.get(&ids[CACHED_SNAPSHOTS]).is_some());
        // Putting one again does not hold it twice.
        cache.put(&ids[0], s);
        assert_eq!(cache.entries.lock().expect("lock").len(), CACHED_SNAPSHOTS);
    }
}
