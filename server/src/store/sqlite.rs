//! [`SqliteStore`]: the default backend, one file in WAL mode.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::{Database, Result, StoreError};

/// How long a writer waits for another connection's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections in the pool: SQLite serialises writers anyway; readers run in parallel.
const MAX_CONNECTIONS: u32 = 8;

mod log;

/// A SQLite database file.
///
/// WAL journal with `synchronous = FULL`: a transaction is on disk when its commit returns,
/// so a killed process (or a power cut) never loses a committed change.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing, with its directory) the database at a `sqlite:` URL and
    /// runs the migrations.
    pub async fn open(url: &str) -> Result<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        if let Some(dir) = options.get_filename().parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Other(sqlx::Error::Io(e)))?;
        }
        let pool = SqlitePoolOptions::new().max_connections(MAX_CONNECTIONS).connect_with(options).await?;
        sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore { pool })
    }

    /// The connection pool, for tests that inspect tables directly.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A transaction whose reads all see one state of the database: in WAL mode a read
    /// transaction keeps the snapshot of its first read.
    pub(crate) async fn begin_snapshot(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.pool.begin().await
    }
}

super::accounts::account_store!(SqliteStore);
super::meetings::meeting_store!(SqliteStore);
super::audit::audit_store!(SqliteStore);
super::versions::version_store!(SqliteStore);
super::workflow::workflow_store!(SqliteStore);
super::workflow::proposal_store!(SqliteStore);
super::returns::return_store!(SqliteStore);

impl SqliteStore {
    /// Deletes a session row ([`super::AccountStore::delete_session`]).
    async fn end_session(&self, token_hash: &[u8]) -> Result<bool> {
        let done = sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
        Ok(done.rows_affected() > 0)
    }
}

#[async_trait]
impl Database for SqliteStore {
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
