//! The automerge-repo wire protocol: CBOR maps with a `type` key, one per binary WebSocket
//! message (`automerge-repo` `src/network/messages.ts` and the websocket adapter's
//! `messages.ts`). Both directions use one [`Message`] type, so the Rust test client shares
//! this codec with the server.
//!
//! Decoding tolerates what the JavaScript encoder (cbor-x) produces: 16-bit map headers,
//! `undefined` for absent optional fields, integers above 2^32 as floats, byte strings with
//! or without tag 64, keys in any order, and message types we do not know.

use serde::{Deserialize, Deserializer, Serialize};
use serde_bytes::ByteBuf;

/// The only protocol version automerge-repo 2.x speaks.
pub const PROTOCOL_VERSION: &str = "1";

/// What a peer says about itself in `join` and `peer`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerMetadata {
    /// The peer's storage id (a UUID), absent for peers without storage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_id: Option<String>,
    /// Whether the peer keeps nothing between sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_ephemeral: Option<bool>,
}

/// One automerge-repo message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Message {
    /// Client → server, first message.
    #[serde(rename_all = "camelCase")]
    Join {
        /// The client's peer id.
        sender_id: String,
        /// About the client.
        #[serde(default, alias = "metadata", skip_serializing_if = "Option::is_none")]
        peer_metadata: Option<PeerMetadata>,
        /// Versions the client speaks (absent means "1").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        supported_protocol_versions: Option<Vec<String>>,
    },
    /// Server → client, the answer to `join`.
    #[serde(rename_all = "camelCase")]
    Peer {
        /// The server's peer id.
        sender_id: String,
        /// The client's peer id.
        target_id: String,
        /// About the server.
        #[serde(default, alias = "metadata", skip_serializing_if = "Option::is_none")]
        peer_metadata: Option<PeerMetadata>,
        /// Always [`PROTOCOL_VERSION`].
        selected_protocol_version: String,
    },
    /// A peer going away (in the spec; the JavaScript client never sends it).
    #[serde(rename_all = "camelCase")]
    Leave {
        /// Who leaves.
        sender_id: String,
    },
    /// Something went wrong; the server closes the connection after sending it.
    #[serde(rename_all = "camelCase")]
    Error {
        /// Who reports it.
        sender_id: String,
        /// To whom.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target_id: Option<String>,
        /// What went wrong, for people.
        message: String,
    },
    /// "I do not have this document; send it or say it is unavailable."
    #[serde(rename_all = "camelCase")]
    Request {
        /// Sender.
        sender_id: String,
        /// Recipient.
        target_id: String,
        /// The document (bare bs58check id).
        document_id: String,
        /// An automerge sync message.
        data: ByteBuf,
    },
    /// An automerge sync message about one document.
    #[serde(rename_all = "camelCase")]
    Sync {
        /// Sender.
        sender_id: String,
        /// Recipient.
        target_id: String,
        /// The document.
        document_id: String,
        /// An automerge sync message.
        data: ByteBuf,
    },
    /// "Neither I nor my peers have this document."
    #[serde(rename_all = "camelCase")]
    DocUnavailable {
        /// Sender.
        sender_id: String,
        /// Recipient.
        target_id: String,
        /// The document.
        document_id: String,
    },
    /// Presence, cursors: relayed to the document's other peers, never stored.
    #[serde(rename_all = "camelCase")]
    Ephemeral {
        /// The original sender (kept when relayed).
        sender_id: String,
        /// Recipient.
        target_id: String,
        /// The document.
        document_id: String,
        /// The sender's message counter in this session.
        #[serde(deserialize_with = "u64_or_float")]
        count: u64,
        /// The sender's session.
        session_id: String,
        /// Opaque CBOR payload.
        data: ByteBuf,
    },
    /// Heads gossip subscription (ignored by this server).
    #[serde(rename_all = "camelCase")]
    RemoteSubscriptionChange {
        /// Sender.
        sender_id: String,
        /// Recipient.
        target_id: String,
        /// Storage ids to add.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        add: Option<Vec<String>>,
        /// Storage ids to remove.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        remove: Option<Vec<String>>,
    },
    /// Heads gossip (ignored by this server).
    #[serde(rename_all = "camelCase")]
    RemoteHeadsChanged {
        /// Sender.
        sender_id: String,
        /// Recipient.
        target_id: String,
        /// The document.
        document_id: String,
        /// Storage id → heads and timestamp, kept as raw CBOR.
        new_heads: ciborium::Value,
    },
    /// A message type this server does not know; ignored.
    #[serde(other)]
    Unknown,
}

impl Message {
    /// The message's `type` on the wire.
    pub fn type_name(&self) -> &'static str {
        match self {
            Message::Join { .. } => "join",
            Message::Peer { .. } => "peer",
            Message::Leave { .. } => "leave",
            Message::Error { .. } => "error",
            Message::Request { .. } => "request",
            Message::Sync { .. } => "sync",
            Message::DocUnavailable { .. } => "doc-unavailable",
            Message::Ephemeral { .. } => "ephemeral",
            Message::RemoteSubscriptionChange { .. } => "remote-subscription-change",
            Message::RemoteHeadsChanged { .. } => "remote-heads-changed",
            Message::Unknown => "unknown",
        }
    }

    /// The sender's peer id, if the message has one.
    pub fn sender_id(&self) -> Option<&str> {
        match self {
            Message::Join { sender_id, .. }
            | Message::Peer { sender_id, .. }
            | Message::Leave { sender_id }
            | Message::Error { sender_id, .. }
            | Message::Request { sender_id, .. }
            | Message::Sync { sender_id, .. }
            | Message::DocUnavailable { sender_id, .. }
            | Message::Ephemeral { sender_id, .. }
            | Message::RemoteSubscriptionChange { sender_id, .. }
            | Message::RemoteHeadsChanged { sender_id, .. } => Some(sender_id),
            Message::Unknown => None,
        }
    }
}

/// Why bytes are not an automerge-repo message.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// Not CBOR at all.
    #[error("the message is not valid CBOR: {0}")]
    NotCbor(String),
    /// CBOR, but not a map with a text `type`.
    #[error("the message is not a CBOR map with a \"type\" string")]
    NotAMessage,
    /// A known type with missing or mistyped fields.
    #[error("malformed {kind} message: {detail}")]
    BadFields {
        /// The `type`.
        kind: String,
        /// What is wrong.
        detail: String,
    },
}

/// Decodes one message.
pub fn decode(bytes: &[u8]) -> Result<Message, DecodeError> {
    let mut value: ciborium::Value = ciborium::from_reader(bytes).map_err(|e| DecodeError::NotCbor(e.to_string()))?;
    let kind = value
        .as_map()
        .and_then(|m| m.iter().find(|(k, _)| k.as_text() == Some("type")))
        .and_then(|(_, v)| v.as_text())
        .ok_or(DecodeError::NotAMessage)?
        .chars()
        .take(64)
        .collect::<String>();
    // Tags carry nothing we need (cbor-x may tag byte strings with 64), and serde cannot
    // buffer them for the `type`-tagged enum: drop them.
    strip_tags(&mut value);
    value.deserialized().map_err(|e| DecodeError::BadFields { kind, detail: e.to_string() })
}

fn strip_tags(value: &mut ciborium::Value) {
    use ciborium::Value;
    while let Value::Tag(_, inner) = value {
        *value = std::mem::replace(inner.as_mut(), Value::Null);
    }
    match value {
        Value::Array(items) => items.iter_mut().for_each(strip_tags),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            strip_tags(k);
            strip_tags(v);
        }),
        _ => {}
    }
}

/// Encodes one message (untagged byte strings, text keys, absent optional fields omitted).
pub fn encode(message: &Message) -> Result<Vec<u8>, ciborium::ser::Error<std::io::Error>> {
    let mut out = Vec::with_capacity(64);
    ciborium::into_writer(message, &mut out)?;
    Ok(out)
}

/// cbor-x writes integers at or above 2^32 as float64; accept either.
fn u64_or_float<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = u64;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a non-negative number")
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::custom("negative count"))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<u64, E> {
            if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 1.8e19 {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                Ok(v as u64)
            } else {
                Err(E::custom("count is not a whole number"))
            }
        }
    }
    d.deserialize_any(V)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// A `doc-unavailable` exactly as cbor-x writes it (16-bit map header) decodes.
    #[test]
    fn decodes_cbor_x_bytes() {
        let bytes = hex("b9 0004 64 74797065 6f 646f632d756e617661696c61626c65
             6a 646f63756d656e744964 78 1c 344e4d4e6e6b4d684c386a5872644a396a616d533538504156645875
             68 7461726765744964 62 7031 68 73656e6465724964 63 737276");
        let m = decode(&bytes).unwrap();
        assert_eq!(
            m,
            Message::DocUnavailable { sender_id: "srv".into(), target_id: "p1".into(), document_id: "4NMNnkMhL8jXrdJ9jamS58PAVdXu".into() }
        );
    }

    /// `undefined` storage id, float counts, tag-64 byte strings and unknown types are
    /// all accepted, as the JavaScript client produces them.
    #[test]
    fn tolerates_javascript_encodings() {
        // {"type":"join","senderId":"a","peerMetadata":{"storageId":undefined,"isEphemeral":true},"supportedProtocolVersions":["1"]}
        let join = hex("a4 64 74797065 64 6a6f696e 68 73656e6465724964 61 61
             6c 706565724d65746164617461 a2 69 73746f726167654964 f7 6b 6973457068656d6572616c f5
             78 19 737570706f7274656450726f746f636f6c56657273696f6e73 81 61 31");
        match decode(&join).unwrap() {
            Message::Join { peer_metadata, .. } => {
                assert_eq!(peer_metadata, Some(PeerMetadata { storage_id: None, is_ephemeral: Some(true) }))
            }
            other => panic!("{other:?}"),
        }
        // ephemeral with count as float64 1.0 and data as tag 64 bstr
        let eph = hex("a7 64 74797065 69 657068656d6572616c 68 73656e6465724964 61 61 68 7461726765744964 61 62
             6a 646f63756d656e744964 61 64 65 636f756e74 fb 3ff0000000000000
             69 73657373696f6e4964 61 73 64 64617461 d840 42 0102");
        match decode(&eph).unwrap() {
            Message::Ephemeral { count, data, .. } => {
                assert_eq!(count, 1);
                assert_eq!(data.as_slice(), &[1, 2]);
            }
            other => panic!("{other:?}"),
        }
        // {"type":"future-thing","senderId":"a"}
        let unknown = hex("a2 64 74797065 6c 6675747572652d7468696e67 68 73656e6465724964 61 61");
        assert_eq!(decode(&unknown).unwrap(), Message::Unknown);
    }

    /// Garbage is `NotCbor`, a CBOR array is `NotAMessage`, a sync without data names its
    /// type.
    #[test]
    fn rejects_malformed_input() {
        assert!(matches!(decode(&[0xff, 0x00, 0x13]), Err(DecodeError::NotCbor(_))));
        assert!(matches!(decode(&hex("81 61 31")), Err(DecodeError::NotAMessage)));
        let no_data = hex("a2 64 74797065 64 73796e63 68 73656e6465724964 61 61");
        match decode(&no_data) {
            Err(DecodeError::BadFields { kind, .. }) => assert_eq!(kind, "sync"),
            other => panic!("{other:?}"),
        }
    }

    /// What the server sends decodes back to itself, with data as an untagged byte string.
    #[test]
    fn round_trips() {
        let m = Message::Sync {
            sender_id: "server".into(),
            target_id: "peer-1".into(),
            document_id: "4NMNnkMhL8jXrdJ9jamS58PAVdXu".into(),
            data: ByteBuf::from(vec![0x42, 0, 0]),
        };
        let bytes = encode(&m).unwrap();
        assert!(bytes.windows(4).any(|w| w == [0x43, 0x42, 0, 0]), "untagged bstr");
        assert_eq!(decode(&bytes).unwrap(), m);
        let p = Message::Peer {
            sender_id: "s".into(),
            target_id: "c".into(),
            peer_metadata: Some(PeerMetadata { storage_id: Some("u".into()), is_ephemeral: Some(false) }),
            selected_protocol_version: PROTOCOL_VERSION.into(),
        };
        let bytes = encode(&p).unwrap();
        assert!(bytes.windows(12).any(|w| w == b"peerMetadata"), "the key the JS client reads");
        assert_eq!(decode(&bytes).unwrap(), p);
    }
}
