//! Taking apart the changes a sync message carries, exactly as automerge will apply them.
//!
//! A sync message's `changes` holds automerge storage chunks: individual (possibly
//! compressed) change chunks in the v1 format, or one whole-document chunk in v2.
//! `receive_sync_message` loads them with `load_incremental`, which silently stops at the
//! first bad chunk. We parse every chunk strictly first: a message with any chunk we
//! cannot read is refused whole, so what is validated and stored is exactly what is
//! applied.

use std::collections::HashSet;

use automerge::{Automerge, Change, ChangeHash, ReadDoc};

/// The first bytes of every automerge storage chunk.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const DOCUMENT: u8 = 0;
const CHANGE: u8 = 1;
const COMPRESSED_CHANGE: u8 = 2;

/// Why a sync message's changes cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    /// A chunk ends before its declared length, or its header is cut.
    #[error("chunk {index} is truncated")]
    Truncated {
        /// Which chunk (from 0).
        index: usize,
    },
    /// A chunk does not start with automerge's magic bytes.
    #[error("chunk {index} is not an automerge chunk")]
    BadMagic {
        /// Which chunk.
        index: usize,
    },
    /// A chunk type we do not accept in sync messages (bundles are experimental).
    #[error("chunk {index} has unsupported type {kind}")]
    UnsupportedType {
        /// Which chunk.
        index: usize,
        /// Its type byte.
        kind: u8,
    },
    /// The chunk's checksum does not match its content.
    #[error("chunk {index} has a bad checksum")]
    BadChecksum {
        /// Which chunk.
        index: usize,
    },
    /// The content does not parse.
    #[error("chunk {index} does not decode: {detail}")]
    Invalid {
        /// Which chunk.
        index: usize,
        /// The parser's complaint.
        detail: String,
    },
}

/// Every change in the message's chunks, in order (a document chunk contributes all its
/// changes). Fails on the first chunk that is not a valid change or document chunk.
pub fn parse_changes(message: &automerge::sync::Message) -> Result<Vec<Change>, ChunkError> {
    let mut out = Vec::new();
    let mut index = 0;
    for element in message.changes.iter() {
        let mut rest = element;
        while !rest.is_empty() {
            let (chunk, tail) = split_chunk(rest, index)?;
            parse_chunk(chunk, index, &mut out)?;
            rest = tail;
            index += 1;
        }
    }
    Ok(out)
}

/// Of `changes`, those `doc` neither has applied nor holds waiting for dependencies,
/// without duplicates.
pub fn unknown_to(doc: &impl ReadDoc, changes: Vec<Change>) -> Vec<Change> {
    if changes.is_empty() {
        return changes;
    }
    let hashes: Vec<_> = changes.iter().map(Change::hash).collect();
    let missing: HashSet<_> = doc.get_missing_deps(&hashes).into_iter().collect();
    let mut seen = HashSet::new();
    changes.into_iter().filter(|c| missing.contains(&c.hash()) && seen.insert(c.hash())).collect()
}

/// Splits changes new to `doc` into those that can be applied now (every dependency is in
/// `doc` or among them) and those that wait for dependencies nobody has sent yet.
///
/// automerge's sync protocol may leave a change out of a message when the receiver's bloom
/// filter wrongly claims to have it (a false positive, about 1 in 100), while still sending
/// the changes that depend on it; the receiver then asks for the missing one by hash. The
/// waiting changes must not be checked alone: the change that binds their actor may be the
/// one left out.
pub fn split_ready(doc: &impl ReadDoc, changes: Vec<Change>) -> (Vec<Change>, Vec<Change>) {
    let mut ready_hashes: HashSet<ChangeHash> = HashSet::new();
    let mut ready = Vec::new();
    let mut waiting = changes;
    loop {
        let before = waiting.len();
        let mut still = Vec::new();
        for change in waiting {
            let outside: Vec<ChangeHash> = change.deps().iter().filter(|d| !ready_hashes.contains(*d)).copied().collect();
            if doc.get_missing_deps(&outside).is_empty() {
                ready_hashes.insert(change.hash());
                ready.push(change);
            } else {
                still.push(change);
            }
        }
        waiting = still;
        if waiting.is_empty() || waiting.len() == before {
            return (ready, waiting);
        }
    }
}

/// The dependencies of `waiting` that neither `doc` nor `waiting` holds: what to ask for.
pub fn missing_deps(doc: &impl ReadDoc, waiting: &[Change]) -> Vec<ChangeHash> {
    let held: HashSet<ChangeHash> = waiting.iter().map(Change::hash).collect();
    let deps: Vec<ChangeHash> =
        waiting.iter().flat_map(|c| c.deps().iter().copied()).filter(|d| !held.contains(d)).collect::<HashSet<_>>().into_iter().collect();
    doc.get_missing_deps(&deps)
}

/// Splits the first chunk off `bytes`: magic, checksum, type, LEB128 length, data.
fn split_chunk(bytes: &[u8], index: usize) -> Result<(&[u8], &[u8]), ChunkError> {
    if bytes.len() < 9 {
        return Err(ChunkError::Truncated { index });
    }
    if bytes[..4] != MAGIC {
        return Err(ChunkError::BadMagic { index });
    }
    let mut len: u64 = 0;
    let mut at = 9;
    let mut shift = 0;
    loop {
        let byte = *bytes.get(at).ok_or(ChunkError::Truncated { index })?;
        at += 1;
        if shift >= 63 {
            return Err(ChunkError::Invalid { index, detail: "chunk length overflows".into() });
        }
        len |= u64::from(byte & 0x7f) << shift;
        shift += 7;
        if byte & 0x80 == 0 {
            break;
        }
    }
    let end = usize::try_from(len)
        .ok()
        .and_then(|l| at.checked_add(l))
        .filter(|&end| end <= bytes.len())
        .ok_or(ChunkError::Truncated { index })?;
    Ok(bytes.split_at(end))
}

fn parse_chunk(chunk: &[u8], index: usize, out: &mut Vec<Change>) -> Result<(), ChunkError> {
    let invalid = |e: &dyn std::fmt::Display| ChunkError::Invalid { index, detail: e.to_string() };
    match chunk[8] {
        CHANGE | COMPRESSED_CHANGE => {
            let change = Change::try_from(chunk).map_err(|e| invalid(&e))?;
            // The header's checksum is the first four bytes of the change hash.
            if chunk[4..8] != change.hash().0[..4] {
                return Err(ChunkError::BadChecksum { index });
            }
            out.push(change);
        }
        DOCUMENT => {
            // Loading verifies the checksum and the heads.
            let doc = Automerge::load(chunk).map_err(|e| invalid(&e))?;
            out.extend(doc.get_changes(&[]));
        }
        kind => return Err(ChunkError::UnsupportedType { index, kind }),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::AutoCommit;
    use automerge::sync::SyncDoc;
    use automerge::transaction::Transactable;

    fn doc_with(n: i64) -> AutoCommit {
        let mut doc = AutoCommit::new();
        for i in 0..n {
            doc.put(automerge::ROOT, "k", i).unwrap();
            doc.commit();
        }
        doc
    }

    /// Of a receiver's missing changes 2..=4, handed over without 2 and out of order,
    /// none is ready and 2 is what to ask for; with 2 all are ready, in dependency order.
    #[test]
    fn changes_wait_for_their_dependencies() {
        let mut sender = doc_with(4);
        let all = sender.get_changes(&[]);
        let receiver = sender.fork_at(&[all[0].hash()]).unwrap();
        let later = vec![all[3].clone(), all[2].clone()];

        let (ready, waiting) = split_ready(&receiver, later.clone());
        assert!(ready.is_empty());
        assert_eq!(waiting.len(), 2);
        assert_eq!(missing_deps(&receiver, &waiting), vec![all[1].hash()]);

        let (ready, waiting) = split_ready(&receiver, [later, vec![all[1].clone()]].concat());
        assert!(waiting.is_empty());
        let order: Vec<_> = ready.iter().map(Change::hash).collect();
        assert_eq!(order, vec![all[1].hash(), all[2].hash(), all[3].hash()]);
    }

    /// The changes of a v1 message (one chunk per change) and of a v2 whole-document
    /// message are both found; those the receiver has are filtered out.
    #[test]
    fn finds_changes_in_both_formats() {
        let mut sender = doc_with(3);
        let first = sender.get_changes(&[])[0].hash();
        let mut receiver = sender.fork_at(&[first]).unwrap();
        let mut state = automerge::sync::State::new();
        // First message: heads only; then, once the receiver answered, the changes.
        let mut rstate = automerge::sync::State::new();
        let mut found = Vec::new();
        for _ in 0..4 {
            if let Some(m) = sender.sync().generate_sync_message(&mut state) {
                let all = parse_changes(&m).unwrap();
                found.extend(unknown_to(receiver.document(), all));
                receiver.sync().receive_sync_message(&mut rstate, m).unwrap();
            }
            if let Some(m) = receiver.sync().generate_sync_message(&mut rstate) {
                sender.sync().receive_sync_message(&mut state, m).unwrap();
            }
        }
        assert_eq!(found.len(), 2, "the two changes the receiver lacked");

        let whole = automerge::sync::Message {
            heads: vec![],
            need: vec![],
            have: vec![],
            changes: sender.save().into(),
            flags: None,
            version: automerge::sync::MessageVersion::V2,
        };
        assert_eq!(parse_changes(&whole).unwrap().len(), 3);
        assert!(unknown_to(sender.document(), parse_changes(&whole).unwrap()).is_empty());
    }

    /// Corrupt chunks are refused with a precise error, never skipped.
    #[test]
    fn refuses_bad_chunks() {
        let mut doc = doc_with(1);
        let mut raw = doc.get_changes(&[])[0].raw_bytes().to_vec();
        let message = |chunks: Vec<Vec<u8>>| automerge::sync::Message {
            heads: vec![],
            need: vec![],
            have: vec![],
            changes: chunks.into(),
            flags: None,
            version: automerge::sync::MessageVersion::V1,
        };
        assert_eq!(parse_changes(&message(vec![raw.clone()])).unwrap().len(), 1);
        assert_eq!(parse_changes(&message(vec![raw[..raw.len() - 1].to_vec()])), Err(ChunkError::Truncated { index: 0 }));
        assert_eq!(parse_changes(&message(vec![vec![0; 12]])), Err(ChunkError::BadMagic { index: 0 }));
        let mut bundle = raw.clone();
        bundle[8] = 3;
        assert_eq!(parse_changes(&message(vec![bundle])), Err(ChunkError::UnsupportedType { index: 0, kind: 3 }));
        raw[5] ^= 0xff;
        assert_eq!(parse_changes(&message(vec![raw])), Err(ChunkError::BadChecksum { index: 0 }));
    }
}
