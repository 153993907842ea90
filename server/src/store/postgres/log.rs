//! The change log of [`PgStore`] as several servers share it: loading, compacting one
//! writer at a time per document, and the reads a server catches up with.

use super::PgStore;
use crate::ids::DocumentId;
use crate::store::{Compaction, LogIndex, Result, StoredDocument};

/// The first key of the advisory locks that serialise compactions (the second is the
/// document id's hash), so that they cannot collide with locks taken for anything else.
const COMPACTION_LOCK: i32 = 0x706c_756d; // "plum"

impl PgStore {
    pub(super) async fn read_document(&self, doc: &DocumentId) -> Result<StoredDocument> {
        // One read transaction; changes before the snapshot, so that a compaction committed
        // in between can only add overlap, never hide a change.
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let changes: Vec<(i64, Vec<u8>)> = sqlx::query_as("SELECT seq, bytes FROM changes WHERE doc_id = $1 ORDER BY seq")
            .bind(doc.as_str())
            .fetch_all(&mut *tx)
            .await?;
        let snapshot: Option<(i64, Vec<u8>)> =
            sqlx::query_as("SELECT id, bytes FROM snapshots WHERE doc_id = $1 ORDER BY id DESC LIMIT 1")
                .bind(doc.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(StoredDocument {
            snapshot_id: snapshot.as_ref().map(|(id, _)| *id),
            snapshot: snapshot.map(|(_, b)| b),
            changes,
        })
    }

    /// The advisory lock makes compactions of one document take turns across servers; the
    /// check of the newest snapshot under it makes sure the new snapshot includes the one
    /// it replaces (a server whose document lacks another's compacted changes would
    /// otherwise replace their only copy).
    pub(super) async fn write_compaction(&self, doc: &DocumentId, snapshot: &[u8], covered: &[i64], base: Option<i64>, now: i64) -> Result<Compaction> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
            .bind(COMPACTION_LOCK)
            .bind(doc.as_str())
            .execute(&mut *tx)
            .await?;
        let (newest,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM snapshots WHERE doc_id = $1")
            .bind(doc.as_str())
            .fetch_one(&mut *tx)
            .await?;
        if newest != base {
            tx.rollback().await?;
            return Ok(Compaction::Superseded);
        }
        let (id,): (i64,) = sqlx::query_as("INSERT INTO snapshots (doc_id, bytes, created_at) VALUES ($1, $2, $3) RETURNING id")
            .bind(doc.as_str())
            .bind(snapshot)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM changes WHERE doc_id = $1 AND seq = ANY($2)")
            .bind(doc.as_str())
            .bind(covered)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM snapshots WHERE doc_id = $1 AND id < $2")
            .bind(doc.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Compaction::Done { snapshot_id: id })
    }

    pub(super) async fn read_log_index(&self, doc: &DocumentId) -> Result<LogIndex> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as("SELECT seq, hash FROM changes WHERE doc_id = $1 ORDER BY seq")
            .bind(doc.as_str())
            .fetch_all(&mut *tx)
            .await?;
        let (snapshot_id,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM snapshots WHERE doc_id = $1")
            .bind(doc.as_str())
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(LogIndex { snapshot_id, changes: crate::store::cluster::index_rows(rows)? })
    }

    pub(super) async fn read_logged_changes(&self, doc: &DocumentId, hashes: &[[u8; 32]]) -> Result<Vec<(i64, Vec<u8>)>> {
        let hashes: Vec<Vec<u8>> = hashes.iter().map(|h| h.to_vec()).collect();
        let rows = sqlx::query_as("SELECT seq, bytes FROM changes WHERE doc_id = $1 AND hash = ANY($2) ORDER BY seq")
            .bind(doc.as_str())
            .bind(&hashes)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows)
    }
}
