//! The change log of [`SqliteStore`]: group commits, loading, compacting, and the catch-up reads (which a
//! single server never needs for itself, but which behave as on PostgreSQL).

use async_trait::async_trait;
use sqlx::{Acquire, SqliteConnection};

use super::SqliteStore;
use crate::ids::DocumentId;
use crate::model::ActorOwner;
use crate::store::rows::ActorRow;
use crate::store::{
    AppendOutcome, AppendRefusal, AppendRequest, ChangeLog, Compaction, Feed, LogIndex, Notice, Result, StoreError, StoredDocument,
};

#[async_trait]
impl ChangeLog for SqliteStore {
    /// A group commit: every request in its own savepoint of one transaction.
    async fn append_changes(&self, requests: &[AppendRequest], now: i64) -> Result<Vec<AppendOutcome>> {
        let mut tx = self.pool.begin().await?;
        let mut outcomes = Vec::with_capacity(requests.len());
        for req in requests {
            let mut savepoint = tx.begin().await?;
            let outcome = append_one(&mut savepoint, req, now).await?;
            if outcome.is_ok() {
                savepoint.commit().await?;
            } else {
                savepoint.rollback().await?;
            }
            outcomes.push(outcome);
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    async fn load_document(&self, doc: &DocumentId) -> Result<StoredDocument> {
        // One read transaction; changes before the snapshot, so that a compaction committed
        // in between can only add overlap, never hide a change.
        let mut tx = self.begin_snapshot().await?;
        let changes: Vec<(i64, Vec<u8>)> =
            sqlx::query_as("SELECT seq, bytes FROM changes WHERE doc_id = $1 ORDER BY seq").bind(doc.as_str()).fetch_all(&mut *tx).await?;
        let snapshot: Option<(i64, Vec<u8>)> = sqlx::query_as("SELECT id, bytes FROM snapshots WHERE doc_id = $1 ORDER BY id DESC LIMIT 1")
            .bind(doc.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(StoredDocument { snapshot_id: snapshot.as_ref().map(|(id, _)| *id), snapshot: snapshot.map(|(_, b)| b), changes })
    }

    async fn compact(&self, doc: &DocumentId, snapshot: &[u8], covered: &[i64], base: Option<i64>, now: i64) -> Result<Compaction> {
        let covered = serde_json::to_string(covered).map_err(|e| StoreError::corrupt("sequence list", e))?;
        let mut tx = self.pool.begin().await?;
        // The insert first: it takes the write lock, so the check below sees every snapshot
        // committed before and none can come between.
        let (id,): (i64,) = sqlx::query_as("INSERT INTO snapshots (doc_id, bytes, created_at) VALUES ($1, $2, $3) RETURNING id")
            .bind(doc.as_str())
            .bind(snapshot)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        let (newest,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM snapshots WHERE doc_id = $1 AND id < $2")
            .bind(doc.as_str())
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        if newest != base {
            tx.rollback().await?;
            return Ok(Compaction::Superseded);
        }
        sqlx::query("DELETE FROM changes WHERE doc_id = $1 AND seq IN (SELECT value FROM json_each($2))")
            .bind(doc.as_str())
            .bind(covered)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM snapshots WHERE doc_id = $1 AND id < $2").bind(doc.as_str()).bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Compaction::Done { snapshot_id: id })
    }

    async fn log_index(&self, doc: &DocumentId) -> Result<LogIndex> {
        let mut tx = self.begin_snapshot().await?;
        let rows: Vec<(i64, Vec<u8>)> =
            sqlx::query_as("SELECT seq, hash FROM changes WHERE doc_id = $1 ORDER BY seq").bind(doc.as_str()).fetch_all(&mut *tx).await?;
        let (snapshot_id,): (Option<i64>,) =
            sqlx::query_as("SELECT MAX(id) FROM snapshots WHERE doc_id = $1").bind(doc.as_str()).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        Ok(LogIndex { snapshot_id, changes: crate::store::cluster::index_rows(rows)? })
    }

    async fn logged_changes(&self, doc: &DocumentId, hashes: &[[u8; 32]]) -> Result<Vec<(i64, Vec<u8>)>> {
        let mut tx = self.pool.begin().await?;
        let mut out = Vec::with_capacity(hashes.len());
        for hash in hashes {
            let row: Option<(i64, Vec<u8>)> = sqlx::query_as("SELECT seq, bytes FROM changes WHERE doc_id = $1 AND hash = $2")
                .bind(doc.as_str())
                .bind(&hash[..])
                .fetch_optional(&mut *tx)
                .await?;
            out.extend(row);
        }
        tx.commit().await?;
        out.sort_by_key(|(seq, _)| *seq);
        Ok(out)
    }

    async fn actor_owners(&self, actors: &[String]) -> Result<Vec<(String, ActorOwner)>> {
        let json = serde_json::to_string(actors).map_err(|e| StoreError::corrupt("actor list", e))?;
        let rows: Vec<ActorRow> =
            sqlx::query_as("SELECT actor_id, user_id, country FROM actors WHERE actor_id IN (SELECT value FROM json_each($1))")
                .bind(json)
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(ActorRow::into_pair).collect()
    }

    /// One server per file: there is nobody to hear.
    fn subscribe(&self) -> Option<tokio::sync::mpsc::Receiver<Notice>> {
        None
    }

    fn feed(&self) -> Feed {
        Feed::Single
    }

    /// One server per file: nobody to tell.
    async fn announce_workflow(&self, _doc: &DocumentId) -> Result<()> {
        Ok(())
    }

    async fn logged_change_count(&self, doc: &DocumentId) -> Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM changes WHERE doc_id = $1").bind(doc.as_str()).fetch_one(&self.pool).await?;
        Ok(n)
    }
}

/// Binds actors and appends changes of one request inside the caller's savepoint.
async fn append_one(conn: &mut SqliteConnection, req: &AppendRequest, now: i64) -> Result<AppendOutcome> {
    for (actor, owner) in &req.bind {
        sqlx::query(
            "INSERT INTO actors (actor_id, user_id, country, bound_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (actor_id) DO NOTHING",
        )
        .bind(actor)
        .bind(owner.user.as_str())
        .bind(owner.country.as_ref().map(|c| c.as_str()))
        .bind(now)
        .execute(&mut *conn)
        .await?;
        let (user,): (String,) = sqlx::query_as("SELECT user_id FROM actors WHERE actor_id = $1").bind(actor).fetch_one(&mut *conn).await?;
        if user != owner.user.as_str() {
            return Ok(Err(AppendRefusal::ActorTaken { actor: actor.clone() }));
        }
    }
    let mut seqs = Vec::with_capacity(req.changes.len());
    for change in &req.changes {
        let seq: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO changes (doc_id, hash, actor_id, bytes, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (doc_id, hash) DO NOTHING RETURNING seq",
        )
        .bind(req.doc_id.as_str())
        .bind(&change.hash[..])
        .bind(&change.actor)
        .bind(&change.bytes)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?;
        seqs.extend(seq.map(|(s,)| s));
    }
    // Checked after the writes above, which hold the write lock (a SQLite transaction that
    // read first could not upgrade to writing while another connection writes); the
    // caller rolls the savepoint back.
    let (locked,): (i64,) = sqlx::query_as(crate::store::workflow::LOCKED).bind(req.doc_id.as_str()).fetch_one(&mut *conn).await?;
    if locked > 0 {
        return Ok(Err(AppendRefusal::Locked));
    }
    if let Some(session) = &req.session
        && !crate::store::accounts::session_alive!(&mut *conn, crate::store::accounts::SESSION_EXPIRY, session, now)?
    {
        return Ok(Err(AppendRefusal::SessionEnded));
    }
    for entry in &req.audit {
        crate::store::audit::insert_entry!(&mut *conn, entry, now)?;
    }
    Ok(Ok(seqs))
}
