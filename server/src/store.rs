//! Persistence behind one [`Store`] trait, with [`SqliteStore`] and [`PgStore`]; [`connect`]
//! picks one by the URL's scheme and runs the migrations of `migrations/<backend>/`.
//!
//! Every write that matters for durability is one transaction: a draft with its first
//! snapshot, a group commit of changes from many documents, a compaction.

pub(crate) mod agenda;
pub mod audit;
pub mod cluster;
mod postgres;
pub mod returns;
mod rows;
pub mod sessions;
mod sqlite;
pub mod versions;
pub mod workflow;

use std::sync::Arc;

use async_trait::async_trait;
use pluma_core::UserId;

use crate::ids::{DocumentId, DraftId, MeetingId};
use crate::model::{ActorOwner, Delegation, DraftRecord, Meeting, NewUser, User};

pub use audit::{AuditAction, AuditEntry, AuditRecord};
pub use cluster::{Compaction, Feed, LogIndex, Notice};
pub use postgres::PgStore;
pub use returns::{NewReturn, ReturnRecord};
pub use sessions::{SessionHash, TicketGrant};
pub use sqlite::SqliteStore;
pub use versions::VersionRecord;
pub use workflow::{
    AdoptionRecord, ApprovalRecord, ObjectionOutcome, ObjectionRecord, ProposalState, SilenceProposalRecord, SilenceRecord, SilenceState,
    WorkflowRecord,
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

/// A meeting to create with its delegations.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    /// Id.
    pub id: MeetingId,
    /// Name in English.
    pub name_en: String,
    /// Name in Spanish.
    pub name_es: String,
    /// Its delegations.
    pub delegations: Vec<Delegation>,
}

/// One change to append to a document's log.
#[derive(Debug, Clone)]
pub struct LoggedChange {
    /// The automerge change hash.
    pub hash: [u8; 32],
    /// Its actor id in hex.
    pub actor: String,
    /// The change chunk, as `automerge::Change::raw_bytes` gives it.
    pub bytes: Vec<u8>,
}

/// The changes of one document from one batch, with the actor bindings they need.
#[derive(Debug, Clone)]
pub struct AppendRequest {
    /// The document.
    pub doc_id: DocumentId,
    /// Actor ids (hex) first seen in these changes, to bind to their author.
    pub bind: Vec<(String, ActorOwner)>,
    /// The changes.
    pub changes: Vec<LoggedChange>,
    /// Audit entries written with the changes (in the same transaction), if they are stored.
    pub audit: Vec<AuditEntry>,
    /// The session of the sync connection that sent the changes: they are stored only if
    /// it is alive when the transaction commits. `None` for changes the server makes
    /// itself on a request it has authenticated.
    pub session: Option<SessionHash>,
}

/// Why one request of a group commit was refused while the others went through.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppendRefusal {
    /// The actor was bound to another person in the meantime (another document, another node).
    #[error("actor {actor} belongs to another user")]
    ActorTaken {
        /// The actor id in hex.
        actor: String,
    },
    /// The draft is adopted, or under a running silence procedure, by the database's
    /// account: another process locked it after this one last read its workflow state.
    #[error("the text was adopted or put under silence; it accepts no change")]
    Locked,
    /// The session of the connection that sent the changes has ended (signed out, expired,
    /// or its user removed), perhaps on another server.
    #[error("the session has ended")]
    SessionEnded,
}

/// The outcome of one request of a group commit: the log sequence numbers of the changes
/// that were new (a change already in the log is not appended twice), or a refusal.
pub type AppendOutcome = std::result::Result<Vec<i64>, AppendRefusal>;

/// A document as stored: its newest snapshot and the changes logged after it.
#[derive(Debug, Clone, Default)]
pub struct StoredDocument {
    /// The newest snapshot (`automerge` save), if any.
    pub snapshot: Option<Vec<u8>>,
    /// Its id (what a later [`Store::compact`] is based on).
    pub snapshot_id: Option<i64>,
    /// The logged changes not covered by that snapshot: sequence number and bytes.
    pub changes: Vec<(i64, Vec<u8>)>,
}

/// Everything Pluma keeps. Implementations must make each method one transaction and
/// must not lose a committed write on a killed process.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Closes every connection; later calls fail. For shutdown and tests.
    async fn close(&self);
    /// A cheap query that fails if the database is unreachable.
    async fn health(&self) -> Result<()>;
    /// This installation's automerge-repo storage id (a UUID), created on first use.
    async fn storage_id(&self) -> Result<String>;

    /// Creates a user with a fresh id; `Conflict` if the login is taken.
    async fn create_user(&self, user: &NewUser, now: i64) -> Result<User>;
    /// Sets (or clears) a user's display name in Spanish; `NotFound` for an unknown id.
    async fn set_display_name_es(&self, id: &UserId, name: Option<&str>) -> Result<User>;
    /// A user and their password hash, by login.
    async fn user_by_login(&self, login: &str) -> Result<Option<(User, String)>>;
    /// A user by id; `NotFound` if there is none.
    async fn user(&self, id: &UserId) -> Result<User>;
    /// How many users exist.
    /// Every person, by display name.
    async fn users(&self) -> Result<Vec<User>>;
    async fn count_users(&self) -> Result<i64>;

    /// Stores a session (token hash only).
    async fn create_session(&self, token_hash: &[u8], user: &UserId, now: i64, expires_at: i64) -> Result<()>;
    /// The user of an unexpired session.
    async fn session_user(&self, token_hash: &[u8], now: i64) -> Result<Option<User>>;
    /// Ends a session; whether it existed. On a backend several servers share, the others
    /// hear of it ([`Notice::SessionEnded`]) when, and only if, the deletion commits.
    async fn delete_session(&self, token_hash: &[u8]) -> Result<bool>;
    /// Those of `sessions` that exist and have not expired at `now`.
    async fn live_sessions(&self, sessions: &[SessionHash], now: i64) -> Result<Vec<SessionHash>>;

    /// Stores a sync ticket (hash only) issued by `session` (the hash of its token).
    async fn create_ticket(&self, ticket_hash: &[u8], session: &SessionHash, user: &UserId, now: i64, expires_at: i64) -> Result<()>;
    /// Consumes a ticket atomically: its user and session if it was unused and unexpired
    /// and its session is alive, else `None`. A second call with the same ticket always
    /// gives `None`.
    async fn consume_ticket(&self, ticket_hash: &[u8], now: i64) -> Result<Option<TicketGrant>>;

    /// Creates a meeting and its delegations.
    async fn create_meeting(&self, meeting: &NewMeeting, now: i64) -> Result<Meeting>;
    /// Every meeting, oldest first.
    async fn meetings(&self) -> Result<Vec<Meeting>>;
    /// The delegations of a meeting, by code.
    async fn delegations(&self, meeting: &MeetingId) -> Result<Vec<Delegation>>;
    /// One meeting; `NotFound` if there is none with this id.
    async fn meeting(&self, id: &MeetingId) -> Result<Meeting>;
    /// Stores (or replaces) a meeting's agenda, as JSON; `NotFound` if the meeting does not exist.
    async fn set_agenda(&self, meeting: &MeetingId, agenda_json: &str, now: i64) -> Result<()>;
    /// A meeting's agenda as stored, if it has one.
    async fn agenda(&self, meeting: &MeetingId) -> Result<Option<String>>;

    /// Creates a draft and its first snapshot in one transaction.
    async fn create_draft(&self, draft: &DraftRecord, snapshot: &[u8]) -> Result<()>;
    /// A draft by id; `NotFound` if there is none.
    async fn draft(&self, id: &DraftId) -> Result<DraftRecord>;
    /// A draft by its document id; `NotFound` if there is none.
    async fn draft_by_document(&self, doc: &DocumentId) -> Result<DraftRecord>;
    /// Every draft, oldest first.
    async fn drafts(&self) -> Result<Vec<DraftRecord>>;

    /// The owners of those of `actors` (hex) that are bound.
    async fn actor_owners(&self, actors: &[String]) -> Result<Vec<(String, ActorOwner)>>;
    /// A group commit: appends the changes of every request and binds their actors, all in
    /// one transaction. A request whose actor is bound to someone else is refused alone.
    async fn append_changes(&self, requests: &[AppendRequest], now: i64) -> Result<Vec<AppendOutcome>>;
    /// The newest snapshot of a document and the changes logged after it.
    async fn load_document(&self, doc: &DocumentId) -> Result<StoredDocument>;
    /// In one transaction, one compaction of a document at a time (several servers may
    /// write one document): if the newest snapshot is still `base` (the one the caller's
    /// document includes), stores `snapshot`, deletes the logged changes `covered`
    /// (sequence numbers, all in `snapshot`) and older snapshots; otherwise writes nothing
    /// and answers [`Compaction::Superseded`].
    async fn compact(&self, doc: &DocumentId, snapshot: &[u8], covered: &[i64], base: Option<i64>, now: i64) -> Result<Compaction>;
    /// In one read transaction: the newest snapshot's id and every change logged after it.
    async fn log_index(&self, doc: &DocumentId) -> Result<LogIndex>;
    /// The logged changes of `doc` among `hashes`, by sequence number; hashes not in the
    /// log (never stored, or compacted into a snapshot since) are left out.
    async fn logged_changes(&self, doc: &DocumentId, hashes: &[[u8; 32]]) -> Result<Vec<(i64, Vec<u8>)>>;
    /// Other servers' notices ([`cluster`]), for the sync hub; `None` for a backend only
    /// one server uses (SQLite). Call once: a second call gets `None`.
    fn subscribe(&self) -> Option<tokio::sync::mpsc::Receiver<Notice>>;
    /// Whether this server hears the others.
    fn feed(&self) -> Feed;
    /// Tells the other servers that `doc`'s workflow state changed; nothing for a
    /// single-server backend.
    async fn announce_workflow(&self, doc: &DocumentId) -> Result<()>;
    /// How many changes are logged for a document (not yet compacted).
    async fn logged_change_count(&self, doc: &DocumentId) -> Result<i64>;

    /// Appends entries to the audit log, in one transaction.
    async fn append_audit(&self, entries: &[AuditEntry], now: i64) -> Result<()>;
    /// A page of a draft's audit log, newest first: entries with ids below `before` (all
    /// for `None`), at most `limit`.
    async fn audit_page(&self, draft: &DraftId, before: Option<i64>, limit: i64) -> Result<Vec<AuditRecord>>;
    /// A draft's audit entries with ids above `after`, oldest first, at most `limit`.
    async fn audit_after(&self, draft: &DraftId, after: i64, limit: i64) -> Result<Vec<AuditRecord>>;

    /// Stores a named version; `Conflict` if its id exists.
    async fn create_version(&self, version: &VersionRecord) -> Result<()>;
    /// A draft's versions, oldest first.
    async fn versions(&self, draft: &DraftId) -> Result<Vec<VersionRecord>>;
    /// One version of a draft; `NotFound` if there is none with this id for this draft.
    async fn version(&self, draft: &DraftId, id: &crate::ids::VersionId) -> Result<VersionRecord>;
    /// A version's stored comparison snapshot (its format and JSON), if one was made.
    async fn version_snapshot(&self, id: &crate::ids::VersionId) -> Result<Option<(i64, String)>>;
    /// Stores a version's comparison snapshot, replacing any earlier one.
    async fn put_version_snapshot(&self, id: &crate::ids::VersionId, format: i64, json: &str, now: i64) -> Result<()>;

    /// A page of a draft's audit log concerning one delegation (its own entries and those
    /// whose detail names it), newest first.
    async fn audit_page_of_country(
        &self,
        draft: &DraftId,
        country: &pluma_core::Country,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditRecord>>;
    /// Everything the workflow keeps about a draft (see [`workflow`]).
    async fn workflow(&self, draft: &DraftId) -> Result<WorkflowRecord>;
    /// In one transaction: the version saved with an approval, the approval, its audit.
    async fn record_approval(&self, approval: &ApprovalRecord, version: &VersionRecord, audit: &[AuditEntry], now: i64) -> Result<()>;
    /// In one transaction: voids live approvals, each with its reason, and writes `audit`.
    async fn void_approvals(&self, voids: &[(crate::ids::ApprovalId, String)], audit: &[AuditEntry], now: i64) -> Result<()>;
    /// In one transaction: adopts a draft (version, adoption row, audit). With a silence
    /// procedure, claims it first (`running` and due, or nothing happens); without, closes
    /// a running one. `false`: not adopted here (already adopted, or another process
    /// claimed the procedure); nothing was written.
    async fn record_adoption(&self, adoption: &AdoptionRecord, version: &VersionRecord, audit: &[AuditEntry], now: i64) -> Result<bool>;
    /// In one transaction: starts a silence procedure (and saves its version, if new);
    /// `Conflict` if one is running for the draft.
    async fn start_silence(&self, silence: &SilenceRecord, version: Option<&VersionRecord>, audit: &[AuditEntry], now: i64) -> Result<()>;
    /// In one transaction: starts the silence procedure a proposal asked for, claiming the
    /// proposal (`Conflict` if it is no longer proposed, or a procedure is running).
    async fn start_proposed_silence(
        &self,
        proposal: &crate::ids::SilenceProposalId,
        silence: &SilenceRecord,
        version: Option<&VersionRecord>,
        audit: &[AuditEntry],
        now: i64,
    ) -> Result<()>;
    /// In one transaction: a silence proposal for its draft (superseding one still
    /// proposed) and its audit.
    async fn propose_silence(&self, proposal: &workflow::SilenceProposalRecord, audit: &[AuditEntry], now: i64) -> Result<()>;
    /// In one transaction: a PPT's consent to a proposal still proposed, and its audit;
    /// `false` (nothing written) if the proposal is no longer proposed.
    async fn consent_to_silence(
        &self,
        proposal: &crate::ids::SilenceProposalId,
        country: &pluma_core::Country,
        audit: &[AuditEntry],
        now: i64,
    ) -> Result<bool>;
    /// A meeting's minimum silence period, milliseconds; `NotFound` without the meeting.
    async fn silence_minimum(&self, meeting: &MeetingId) -> Result<i64>;
    /// Sets a meeting's minimum silence period; `NotFound` without the meeting.
    async fn set_silence_minimum(&self, meeting: &MeetingId, ms: i64) -> Result<()>;
    /// In one transaction: an objection breaks a running procedure whose deadline is after
    /// `now`, and is stored with its audit; otherwise nothing is written.
    async fn record_objection(&self, objection: &ObjectionRecord, audit: &[AuditEntry], now: i64) -> Result<ObjectionOutcome>;
    /// In one transaction: claims a due running procedure and ends it as lapsed with a
    /// reason; `false` if it was not running and due (another process had it).
    async fn lapse_silence(&self, silence: &crate::ids::SilenceId, reason: &str, audit: &[AuditEntry], now: i64) -> Result<bool>;
    /// The newest finished return of this file (its SHA-256) to a draft for a delegation.
    async fn return_of_file(&self, draft: &DraftId, file_digest: &str, country: &pluma_core::Country) -> Result<Option<ReturnRecord>>;
    /// In one transaction: records a return as pending and claims the digests of the
    /// changes it will make; returns those it claimed. A digest claimed by a finished return
    /// (or one pending since `stale_before` or later) stays with it; returns pending since
    /// before `stale_before` (a crash) count as failed and release theirs.
    async fn begin_return(&self, r: &NewReturn, digests: &[String], stale_before: i64) -> Result<Vec<String>>;
    /// In one transaction: a return is done with its report (JSON), keeping the claims of
    /// the changes it made (`keep`) and releasing the others; or, with no report, failed,
    /// releasing every claim.
    async fn finish_return(&self, id: &crate::ids::ReturnId, report: Option<&str>, keep: &[String], now: i64) -> Result<()>;
    /// Running procedures whose deadline is at or before `now`, earliest first.
    async fn due_silences(&self, now: i64) -> Result<Vec<SilenceRecord>>;
    /// The earliest deadline of a running procedure.
    async fn next_silence_deadline(&self) -> Result<Option<i64>>;
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
