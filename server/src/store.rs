//! Persistence behind one [`Store`] trait, with [`SqliteStore`] and [`PgStore`]; [`connect`]
//! picks one by the URL's scheme and runs the migrations of `migrations/<backend>/`.
//!
//! [`Store`] is the sum of one trait per concern, each in its module: [`Database`],
//! [`AccountStore`] (people, sessions, sync tickets), [`MeetingStore`] (meetings, agendas,
//! drafts), [`ChangeLog`] (the documents' changes and snapshots), [`AuditStore`],
//! [`VersionStore`], [`WorkflowStore`] and [`SilenceProposalStore`], [`ReturnStore`]. The SQL
//! that is the same on both backends is written once, as a macro that implements the
//! concern's trait for either backend; what differs (the change log, the notices between
//! servers) is written in `store/sqlite/` and `store/postgres/`.
//!
//! Every write that matters for durability is one transaction: a draft with its first
//! snapshot, a group commit of changes from many documents, a compaction.

pub mod accounts;
pub mod audit;
pub mod changes;
pub mod cluster;
pub mod meetings;
mod postgres;
pub mod returns;
mod rows;
mod sqlite;
pub mod versions;
pub mod workflow;

use std::sync::Arc;

use async_trait::async_trait;

pub use accounts::{AccountStore, SessionHash, TicketGrant};
pub use audit::{AuditAction, AuditEntry, AuditRecord, AuditStore};
pub use changes::{AppendOutcome, AppendRefusal, AppendRequest, ChangeLog, LoggedChange, StoredDocument};
pub use cluster::{Compaction, Feed, LogIndex, Notice};
pub use meetings::{MeetingStore, NewMeeting};
pub use postgres::PgStore;
pub use returns::{NewReturn, ReturnRecord, ReturnStore};
pub use sqlite::SqliteStore;
pub use versions::{VersionRecord, VersionStore};
pub use workflow::{
    AdoptionRecord, ApprovalRecord, ObjectionOutcome, ObjectionRecord, ProposalState, SilenceProposalRecord, SilenceProposalStore,
    SilenceRecord, SilenceState, WorkflowRecord, WorkflowStore,
};

/// Results of the store.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What a store operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A unique key is taken (login, id).
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// A stored value does not parse (a role, a country): the database was edited by hand or
    /// by a newer version.
    #[error("corrupt {what} in the database: {detail}")]
    Corrupt {
        /// Which column.
        what: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// The URL names no backend we have.
    #[error("unsupported database URL scheme {0:?}: use sqlite:PATH or postgres://...")]
    UnsupportedUrl(String),
    /// Migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Anything else from the database.
    #[error(transparent)]
    Other(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => StoreError::NotFound("row"),
            e => StoreError::Other(e),
        }
    }
}

impl StoreError {
    pub(crate) fn corrupt(what: &'static str, detail: impl ToString) -> Self {
        StoreError::Corrupt { what, detail: detail.to_string() }
    }

    /// Whether the database is out of reach (down, restarting, connections cut), as
    /// opposed to refusing a query: callers answer "try again later".
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Other(e) => match e {
                sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::Protocol(_) => true,
                // Class 08: connection exception; 57P01–57P03: administrator or crash
                // shutdown, cannot connect now.
                // 53: insufficient resources (too many connections); 55000 with this
                // message: the database was closed to connections.
                sqlx::Error::Database(d) => d.code().is_some_and(|c| {
                    c.starts_with("08")
                        || c.starts_with("53")
                        || matches!(c.as_ref(), "57P01" | "57P02" | "57P03")
                        || (c == "55000" && d.message().contains("not currently accepting connections"))
                }),
                _ => false,
            },
            _ => false,
        }
    }

    /// Maps a unique-constraint violation to [`StoreError::Conflict`].
    pub(crate) fn unique(e: sqlx::Error, what: &'static str) -> Self {
        match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(what),
            _ => StoreError::from(e),
        }
    }
}

/// The database itself: its health, its identity, closing it.
#[async_trait]
pub trait Database {
    /// Closes every connection; later calls fail. For shutdown and tests.
    async fn close(&self);
    /// A cheap query that fails if the database is unreachable.
    async fn health(&self) -> Result<()>;
    /// This installation's automerge-repo storage id (a UUID), created on first use.
    async fn storage_id(&self) -> Result<String>;
}

/// Everything Pluma keeps, one trait per concern; callers hold one `Arc<dyn Store>` and
/// call any of them. Implementations must make each method one transaction and must not
/// lose a committed write on a killed process.
pub trait Store:
    Database
    + AccountStore
    + MeetingStore
    + ChangeLog
    + AuditStore
    + VersionStore
    + WorkflowStore
    + SilenceProposalStore
    + ReturnStore
    + Send
    + Sync
    + std::fmt::Debug
{
}

impl<T> Store for T where
    T: Database
        + AccountStore
        + MeetingStore
        + ChangeLog
        + AuditStore
        + VersionStore
        + WorkflowStore
        + SilenceProposalStore
        + ReturnStore
        + Send
        + Sync
        + std::fmt::Debug
{
}

/// Opens the database at `url` (`sqlite:PATH`, `sqlite://PATH` or `postgres://...`), creating
/// a SQLite file and its directory if missing, and runs the migrations.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::open(url).await?))
    } else {
        // Only the scheme: the rest of a URL may hold a password.
        let scheme = url.split(':').next().unwrap_or_default();
        Err(StoreError::UnsupportedUrl(scheme.chars().take(40).collect()))
    }
}
