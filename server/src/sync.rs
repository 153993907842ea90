//! Sync: the automerge-repo protocol over WebSocket, with every change validated and
//! committed before anyone sees it.
//!
//! - [`protocol`]: the CBOR messages and their codec.
//! - [`connection`]: one task per socket: handshake, limits, routing to documents.
//! - [`outbound`]: each socket's outbound queue, bounded in messages and bytes.
//! - [`hub`]: the registry of loaded documents; starts and unloads document tasks.
//! - [`document`]: one task per loaded document, owning it; it runs the incoming-change
//!   path decode → validate → persist → apply → forward (the pure steps are [`incoming`]).
//! - [`changes`]: taking apart the changes a sync message carries.
//! - [`persist`]: the group-commit writer shared by all documents.
//! - [`incoming`]: the pure steps of the incoming-change path (decode, validate, apply),
//!   tested without tokio or a database.
//! - [`peer_state`]: peers' sync states: receiving without automerge's walk over the whole
//!   history, and knowing when there is nothing to send without generating.
//! - [`lock`]: what the workflow's decisions put on the text (adopted, frozen), as the
//!   document task keeps it.
//! - [`cluster`]: other servers on the same database: their notices reach the document
//!   tasks, which read the changes they lack from the log.
//! - [`session_watch`]: a connection ends with the session whose ticket opened it, on every
//!   server.
//!
//! Connections and documents talk only through channels: no lock is shared across
//! documents, and a slow peer is disconnected rather than allowed to stall a document.
//! The layer depends on the store, the rules and the configuration, never on the HTTP
//! routes or the workflow above it (ARCHITECTURE §4).

pub mod changes;
pub mod cluster;
pub mod connection;
pub mod document;
pub mod hub;
pub mod incoming;
pub mod lock;
pub mod outbound;
pub mod peer_state;
pub mod persist;
pub mod protocol;
pub mod session_watch;

use std::sync::Arc;
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use crate::validate::Principal;

/// A connection's number, unique in this process.
pub type ConnId = u64;

/// What a document task sends a connection.
#[derive(Debug)]
pub enum Outbound {
    /// A message to send.
    Message(protocol::Message),
    /// Send this error message, then close the connection.
    Fatal(String),
    /// Connection-internal: send a WebSocket ping.
    Ping,
}

/// A connection as a document sees it.
#[derive(Debug, Clone)]
pub struct PeerLink {
    /// The connection.
    pub conn: ConnId,
    /// The client's automerge-repo peer id (the `targetId` of messages to it).
    pub peer_id: String,
    /// Who is connected.
    pub principal: Arc<Principal>,
    /// The session whose ticket opened the connection: its changes are stored only while
    /// it lives.
    pub session: crate::store::SessionHash,
    /// The connection's outbound queue. Documents only `try_send`: a full queue means the
    /// peer does not keep up, and it is disconnected through `kill`.
    pub out: outbound::OutQueue,
    /// Cancelling it closes the connection.
    pub kill: CancellationToken,
}

/// What a connection sends a document task.
#[derive(Debug)]
pub enum DocCommand {
    /// A `request` or `sync` message, already decoded.
    Sync {
        /// From whom.
        peer: PeerLink,
        /// The automerge sync message.
        message: automerge::sync::Message,
        /// When the connection received it, for the latency histogram.
        received: Instant,
    },
    /// An ephemeral message to relay to the other peers.
    Ephemeral {
        /// From which connection.
        conn: ConnId,
        /// The message as received.
        message: protocol::Message,
    },
    /// The connection is gone.
    Detach {
        /// Which.
        conn: ConnId,
    },
    /// Changes the server made on a person's behalf (an API action such as accepting
    /// proposals). They take the same path as a peer's: checked against the rules as that
    /// person, committed, applied, forwarded.
    Submit {
        /// On whose behalf.
        who: Arc<Principal>,
        /// The changes, by an actor not yet bound (it is bound to `who`).
        changes: Vec<automerge::Change>,
        /// How the audit log names what was done.
        action: crate::store::AuditAction,
        /// More for the audit entry (a reason, a paragraph), stored as its `note`.
        note: Option<serde_json::Value>,
        /// The answer, once the changes are stored and applied (or refused).
        reply: tokio::sync::oneshot::Sender<Result<pluma_core::rules::Summary, SubmitError>>,
    },
    /// The document's current bytes, for an API action to work on.
    Snapshot {
        /// The answer.
        reply: tokio::sync::oneshot::Sender<Vec<u8>>,
    },
    /// Another server committed changes of this document (`hashes`, or unnamed: read the
    /// log for whatever the document lacks), or its workflow state changed (`workflow`),
    /// or notices may have been missed (both). The changes were checked by the server that
    /// stored them: they are applied as read and forwarded to the peers.
    Remote {
        /// The new changes, if the notice named them.
        hashes: Option<Vec<automerge::ChangeHash>>,
        /// Read the workflow state again.
        workflow: bool,
    },
    /// Holds the document for a workflow action (approving, adopting, starting or breaking
    /// a silence procedure): the task hands over its heads and bytes, handles nothing else
    /// until the [`Held`] is dropped, then reloads its workflow state from the database.
    Hold {
        /// The answer.
        reply: tokio::sync::oneshot::Sender<Held>,
    },
}

/// The document, held still while a workflow action decides on exactly these heads.
/// Dropping it lets the document task carry on (after at most
/// [`document::MAX_HOLD`]).
#[derive(Debug)]
pub struct Held {
    /// The document's heads.
    pub heads: Vec<automerge::ChangeHash>,
    /// Its bytes (`save`).
    pub bytes: Vec<u8>,
    /// Dropped with the hold: the signal to carry on.
    pub(crate) _release: tokio::sync::oneshot::Sender<()>,
}

/// Why submitted changes were not applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    /// They break a rule (the text names it).
    #[error("{0}")]
    Refused(String),
    /// They could not be stored; nothing was applied.
    #[error("the server could not store the changes")]
    NotStored,
    /// The text is locked (adopted) or frozen (under a silence procedure); the text says
    /// which and until when.
    #[error("{0}")]
    Locked(String),
}
