//! The documents' change log: [`ChangeLog`] and what it takes and gives. Each backend
//! implements it in its own `log.rs` (the group commit and the notices differ); see
//! [`crate::store::cluster`] for what several servers on one database add.

use async_trait::async_trait;

use super::{AuditEntry, Compaction, Feed, LogIndex, Notice, Result, SessionHash};
use crate::ids::DocumentId;
use crate::model::ActorOwner;

/// The change log of every document, its snapshots, and the bindings of actors to people.
#[async_trait]
pub trait ChangeLog {
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
    /// Other servers' notices ([`crate::store::cluster`]), for the sync hub; `None` for a
    /// backend only one server uses (SQLite). Call once: a second call gets `None`.
    fn subscribe(&self) -> Option<tokio::sync::mpsc::Receiver<Notice>>;
    /// Whether this server hears the others.
    fn feed(&self) -> Feed;
    /// Tells the other servers that `doc`'s workflow state changed; nothing for a
    /// single-server backend.
    async fn announce_workflow(&self, doc: &DocumentId) -> Result<()>;
    /// How many changes are logged for a document (not yet compacted).
    async fn logged_change_count(&self, doc: &DocumentId) -> Result<i64>;
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
    /// Its id (what a later [`ChangeLog::compact`] is based on).
    pub snapshot_id: Option<i64>,
    /// The logged changes not covered by that snapshot: sequence number and bytes.
    pub changes: Vec<(i64, Vec<u8>)>,
}
