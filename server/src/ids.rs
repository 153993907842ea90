//! Identifiers the server mints: drafts, meetings, and automerge-repo document ids.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A string that is not a valid identifier of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind}: {value:?}")]
pub struct BadId {
    /// Which identifier was expected.
    pub kind: &'static str,
    /// The input, truncated to 80 characters.
    pub value: String,
}

impl BadId {
    fn new(kind: &'static str, value: &str) -> Self {
        BadId { kind, value: value.chars().take(80).collect() }
    }
}

/// `prefix` followed by exactly 16 lowercase hex digits.
fn is_hex_token(s: &str, prefix: char) -> bool {
    s.strip_prefix(prefix).is_some_and(|rest| rest.len() == 16 && rest.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

macro_rules! hex_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// A fresh random id: the prefix and 64 random bits in hex.
            pub fn random() -> Self {
                $name(format!("{}{:016x}", $prefix, rand::random::<u64>()))
            }

            /// The id as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = BadId;
            fn from_str(s: &str) -> Result<Self, BadId> {
                if is_hex_token(s, $prefix) {
                    Ok($name(s.to_owned()))
                } else {
                    Err(BadId::new($kind, s))
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = BadId;
            fn try_from(s: String) -> Result<Self, BadId> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

hex_id!(
    /// A draft's id in the API and the database: `d` and 16 hex digits.
    DraftId,
    "draft id",
    'd'
);
hex_id!(
    /// A meeting's id: `m` and 16 hex digits.
    MeetingId,
    "meeting id",
    'm'
);
hex_id!(
    /// A named version's id: `v` and 16 hex digits.
    VersionId,
    "version id",
    'v'
);

/// An automerge-repo document id: the bs58check encoding of 16 random bytes, exactly as
/// `generateAutomergeUrl` in automerge-repo makes it. On the wire it appears bare; in URLs
/// as `automerge:<id>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DocumentId(String);

impl DocumentId {
    /// A fresh random id: 16 random bytes shaped as a UUID v4, as automerge-repo does.
    pub fn random() -> Self {
        let bytes = *uuid::Uuid::new_v4().as_bytes();
        DocumentId(bs58::encode(bytes).with_check().into_string())
    }

    /// The bare id (without `automerge:`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The automerge-repo URL of the document.
    pub fn url(&self) -> String {
        format!("automerge:{}", self.0)
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for DocumentId {
    type Err = BadId;
    fn from_str(s: &str) -> Result<Self, BadId> {
        // 16 bytes plus a 4-byte checksum never need more than 28 base58 digits.
        if s.is_empty() || s.len() > 40 {
            return Err(BadId::new("document id", s));
        }
        match bs58::decode(s).with_check(None).into_vec() {
            Ok(bytes) if bytes.len() == 16 => Ok(DocumentId(s.to_owned())),
            _ => Err(BadId::new("document id", s)),
        }
    }
}

impl TryFrom<String> for DocumentId {
    type Error = BadId;
    fn try_from(s: String) -> Result<Self, BadId> {
        s.parse()
    }
}

impl From<DocumentId> for String {
    fn from(id: DocumentId) -> String {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document id made by automerge-repo's JavaScript code parses, and ours round-trip.
    #[test]
    fn document_ids_match_automerge_repo() {
        // Made by automerge-repo 2.5 (bytes f1c29c8474c84adeb800be47627d33bf).
        let js: DocumentId = "4NMNnkMhL8jXrdJ9jamS58PAVdXu".parse().unwrap();
        assert_eq!(js.url(), "automerge:4NMNnkMhL8jXrdJ9jamS58PAVdXu");
        let ours = DocumentId::random();
        assert_eq!(ours.as_str().parse::<DocumentId>().unwrap(), ours);
        assert!("4NMNnkMhL8jXrdJ9jamS58PAVdXv".parse::<DocumentId>().is_err(), "bad checksum");
        assert!("".parse::<DocumentId>().is_err());
    }

    /// Draft ids are a `d` and 16 lowercase hex digits, nothing else.
    #[test]
    fn draft_ids_are_validated() {
        let id = DraftId::random();
        assert_eq!(id.as_str().parse::<DraftId>().unwrap(), id);
        assert!("d0123".parse::<DraftId>().is_err());
        assert!("x0123456789abcdef".parse::<DraftId>().is_err());
        assert!("d0123456789ABCDEF".parse::<DraftId>().is_err());
    }
}

hex_id!(
    /// A Word file brought back to a draft: `r` and 16 hex digits.
    ReturnId,
    "return id",
    'r'
);

hex_id!(
    /// A PPT's approval of a draft: `a` and 16 hex digits.
    ApprovalId,
    "approval id",
    'a'
);

hex_id!(
    /// A silence procedure: `q` and 16 hex digits.
    SilenceId,
    "silence procedure id",
    'q'
);

hex_id!(
    /// An objection that broke a silence procedure: `o` and 16 hex digits.
    ObjectionId,
    "objection id",
    'o'
);

hex_id!(
    /// A proposed silence procedure, waiting for the other Presidency: `r` and 16 hex digits.
    SilenceProposalId,
    "silence proposal id",
    'r'
);
