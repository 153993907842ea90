//! What several servers on one database tell each other, and what the store offers them to
//! stay consistent: the notices of committed changes (PostgreSQL `NOTIFY` on
//! [`CHANNEL`]), and the reads a server uses to catch up on a document.
//!
//! A notice is only a hint: a server that receives one reads the change log (or, for an
//! ended session, nothing: it closes the session's connections), and the database stays
//! the truth. A notice whose changes do not fit [`MAX_PAYLOAD`] names the document alone, and a
//! server that may have missed notices (its listening connection was lost) gets
//! [`Notice::Resync`] and re-reads the log of every document it has loaded.

use automerge::ChangeHash;

use crate::ids::DocumentId;
use crate::store::SessionHash;

/// The `LISTEN`/`NOTIFY` channel.
pub const CHANNEL: &str = "pluma_changes";

/// The largest payload sent; PostgreSQL refuses payloads of 8000 bytes or more.
pub const MAX_PAYLOAD: usize = 7900;

/// What another server said, or that something may have been missed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Changes of `doc` were committed; `hashes` are theirs, or `None` when they did not
    /// fit in one notice (read the log to find them).
    Changes {
        /// The document.
        doc: DocumentId,
        /// The new changes, if named.
        hashes: Option<Vec<ChangeHash>>,
    },
    /// The workflow state of `doc` changed (approval, adoption, silence).
    Workflow {
        /// The document.
        doc: DocumentId,
    },
    /// A session ended (signed out): its sync connections must close. Servers that miss
    /// it find out at their next check of their connections' sessions
    /// ([`crate::sync::session_watch`]).
    SessionEnded {
        /// The session.
        session: SessionHash,
    },
    /// Notices may have been lost (the listening connection was re-established): every
    /// loaded document must re-read its log and workflow state, and the sessions of the
    /// connections must be checked.
    Resync,
}

/// Whether this server hears the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Feed {
    /// A single-server backend (SQLite): there is nobody to hear.
    Single,
    /// Listening for other servers' notices.
    Listening,
    /// The listening connection is lost; it is being re-established.
    Reconnecting,
}

/// Where a document's log stands: the newest snapshot and every change logged after it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogIndex {
    /// The newest snapshot's id.
    pub snapshot_id: Option<i64>,
    /// Every logged change: sequence number and hash.
    pub changes: Vec<(i64, [u8; 32])>,
}

/// The outcome of a compaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compaction {
    /// The snapshot was stored under this id and the changes it covers deleted.
    Done {
        /// The new snapshot's id.
        snapshot_id: i64,
    },
    /// Another server stored a newer snapshot since the one the caller's document was based
    /// on: nothing was written. The caller must merge that snapshot first.
    Superseded,
}

/// Rows of `(seq, hash)` as read from the `changes` table; a hash that is not 32 bytes is
/// corrupt.
pub(crate) fn index_rows(rows: Vec<(i64, Vec<u8>)>) -> crate::store::Result<Vec<(i64, [u8; 32])>> {
    rows.into_iter()
        .map(|(seq, hash)| {
            let hash: [u8; 32] = hash.try_into().map_err(|_| crate::store::StoreError::corrupt("change hash", format!("change {seq}")))?;
            Ok((seq, hash))
        })
        .collect()
}

/// The payload of a notice from `node`, as sent.
pub fn encode(node: &str, notice: &Notice) -> String {
    match notice {
        Notice::Changes { doc, hashes: Some(hashes) } => {
            let mut out = format!("c {node} {doc}");
            for h in hashes {
                out.push(' ');
                out.push_str(&h.to_string());
            }
            if out.len() <= MAX_PAYLOAD {
                return out;
            }
            format!("c {node} {doc}")
        }
        Notice::Changes { doc, hashes: None } => format!("c {node} {doc}"),
        Notice::Workflow { doc } => format!("w {node} {doc}"),
        Notice::SessionEnded { session } => format!("s {node} {}", session_hex(session)),
        Notice::Resync => format!("r {node}"),
    }
}

/// A received payload: the sending node and the notice, or `None` for a payload that is not
/// ours (logged by the caller and ignored).
pub fn decode(payload: &str) -> Option<(String, Notice)> {
    let mut parts = payload.split(' ');
    let kind = parts.next()?;
    let node = parts.next()?.to_owned();
    if kind == "r" {
        return Some((node, Notice::Resync));
    }
    if kind == "s" {
        let session = parse_session_hex(parts.next()?)?;
        return Some((node, Notice::SessionEnded { session }));
    }
    let doc: DocumentId = parts.next()?.parse().ok()?;
    match kind {
        "w" => Some((node, Notice::Workflow { doc })),
        "c" => {
            let hashes: Vec<ChangeHash> = parts.map(str::parse).collect::<Result<_, _>>().ok()?;
            let hashes = if hashes.is_empty() { None } else { Some(hashes) };
            Some((node, Notice::Changes { doc, hashes }))
        }
        _ => None,
    }
}

fn session_hex(session: &SessionHash) -> String {
    session.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_session_hex(s: &str) -> Option<SessionHash> {
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(i: u8) -> ChangeHash {
        ChangeHash([i; 32])
    }

    #[test]
    fn notices_round_trip() {
        let doc = DocumentId::random();
        for notice in [
            Notice::Changes { doc: doc.clone(), hashes: Some(vec![hash(1), hash(2)]) },
            Notice::Changes { doc: doc.clone(), hashes: None },
            Notice::Workflow { doc: doc.clone() },
            Notice::SessionEnded { session: std::array::from_fn(|i| i as u8 * 7) },
            Notice::Resync,
        ] {
            assert_eq!(decode(&encode("n1", &notice)), Some(("n1".to_owned(), notice)));
        }
    }

    #[test]
    fn too_many_hashes_name_the_document_only() {
        let doc = DocumentId::random();
        let many = Notice::Changes { doc: doc.clone(), hashes: Some((0..200).map(|i| hash(i as u8)).collect()) };
        let payload = encode("n1", &many);
        assert!(payload.len() <= MAX_PAYLOAD);
        assert_eq!(decode(&payload), Some(("n1".to_owned(), Notice::Changes { doc, hashes: None })));
    }

    #[test]
    fn foreign_payloads_are_ignored() {
        assert_eq!(decode(""), None);
        assert_eq!(decode("x n1 abc"), None);
        assert_eq!(decode("c n1 not-a-document"), None);
        assert_eq!(decode("s n1 abcd"), None, "a session hash is 32 bytes");
    }
}
