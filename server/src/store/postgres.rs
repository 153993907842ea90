//! [`PgStore`]: PostgreSQL, for installations that outgrow one file.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use super::{Database, Notice, Result, StoreError};

/// Connections in the pool.
const MAX_CONNECTIONS: u32 = 16;
/// How long a query waits for a connection: when the database is down, requests fail
/// (503, or an `error` to sync clients) this soon instead of hanging.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

mod feed;
mod log;

/// A PostgreSQL database, with its default durable settings (`fsync`, `synchronous_commit`).
/// Several servers may share one: each commit of changes notifies the others
/// ([`crate::store::cluster`]).
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    /// This server's name in notices, to ignore its own.
    node: String,
    feed: Arc<feed::FeedState>,
}

impl PgStore {
    /// Connects to a `postgres://` URL and runs the migrations.
    pub async fn open(url: &str) -> Result<PgStore> {
        let pool = PgPoolOptions::new().max_connections(MAX_CONNECTIONS).acquire_timeout(ACQUIRE_TIMEOUT).connect(url).await?;
        sqlx::migrate!("../migrations/postgres").run(&pool).await?;
        Ok(PgStore { pool, node: format!("{:016x}", rand::random::<u64>()), feed: Arc::default() })
    }

    /// The connection pool, for tests that inspect tables directly.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// A read-only transaction whose reads all see one state of the database (PostgreSQL's
    /// default, READ COMMITTED, gives each statement a newer one).
    pub(crate) async fn begin_snapshot(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        self.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").await
    }
}

super::accounts::account_store!(PgStore);
super::meetings::meeting_store!(PgStore);
super::audit::audit_store!(PgStore);
super::versions::version_store!(PgStore);
super::workflow::workflow_store!(PgStore);
super::workflow::proposal_store!(PgStore);
super::returns::return_store!(PgStore);

impl PgStore {
    /// Deletes a session row ([`super::AccountStore::delete_session`]).
    async fn end_session(&self, token_hash: &[u8]) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut *tx).await?;
        let existed = done.rows_affected() > 0;
        if let Ok(session) = <super::SessionHash>::try_from(token_hash)
            && existed
        {
            // Sent with the commit: the other servers close the session's connections.
            feed::notify(&mut tx, &self.node, &Notice::SessionEnded { session }).await?;
        }
        tx.commit().await?;
        Ok(existed)
    }
}

#[async_trait]
impl Database for PgStore {
    async fn close(&self) {
        self.pool.close().await;
    }

    async fn health(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn storage_id(&self) -> Result<String> {
        sqlx::query("INSERT INTO server_meta (key, value) VALUES ('storage_id', $1) ON CONFLICT (key) DO NOTHING")
            .bind(uuid::Uuid::new_v4().to_string())
            .execute(&self.pool)
            .await?;
        let (id,): (String,) = sqlx::query_as("SELECT value FROM server_meta WHERE key = 'storage_id'").fetch_one(&self.pool).await?;
        Ok(id)
    }
}
