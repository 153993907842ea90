//! Fuzzing what a peer can send, as property tests over arbitrary and mutated bytes (cargo
//! fuzz needs a nightly toolchain, which CI does not have): the automerge-repo message
//! decoder, the automerge sync message and change decoders, and the permission rules over
//! whatever changes decode. Nothing may panic; every input is either refused with an error
//! or decoded; and what a delegate crafts to reach beyond its rights (a root key, a
//! paragraph's field, a mark in another delegation's name, a plain splice) is refused by
//! the rule that governs it.
//!
//! `PROPTEST_CASES` raises the number of cases for a longer run, e.g.
//! `PROPTEST_CASES=200000 cargo test --release -p pluma-server --test fuzz_incoming`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use automerge::marks::{ExpandMark, Mark};
use automerge::sync::SyncDoc;
use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, Change, ROOT, ReadDoc};
use pluma_core::rules::{Role, Rule, Who, check_on_copy};
use pluma_core::schema::TrackMarkValue;
use pluma_core::{Bilingual, Draft, DraftKind, Lang, NewParagraph, ParagraphKind, Stamp};
use pluma_server::sync::changes::{parse_changes, unknown_to};
use pluma_server::sync::protocol::{self, Message};
use proptest::prelude::*;
use serde_bytes::ByteBuf;

/// A small draft with a proposal, and a change on it, as seeds for mutation.
struct Seeds {
    base: Vec<u8>,
    change: Vec<u8>,
    sync: Vec<u8>,
    message: Vec<u8>,
}

fn seeds() -> Seeds {
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint Communiqué", es: "Comunicado Conjunto" }).unwrap();
    let p = d
        .insert_paragraph(
            0,
            NewParagraph {
                kind: ParagraphKind::Operative,
                section: None,
                editors: vec![],
                text: Bilingual { en: "Agree to cooperate.".into(), es: "Acuerdan cooperar.".into() },
            },
        )
        .unwrap();
    d.commit();
    let base = d.save();
    let mut mx = Draft::load(&base).unwrap();
    mx.set_actor(ActorId::random());
    let heads = mx.heads();
    let stamp = Stamp { user: "umx".parse().unwrap(), country: "MX".parse().unwrap(), at: 1 };
    mx.suggest_insert(&p, Lang::En, 6, "closely ", &stamp).unwrap();
    mx.create_thread(&p, Lang::Es, 0, 8, "¿Por qué?", &stamp).unwrap();
    mx.commit();
    let change = mx.changes_since(&heads).remove(0).raw_bytes().to_vec();
    let sync = {
        let mut peer = mx.automerge().clone();
        let mut s = automerge::sync::State::new();
        let first = peer.sync().generate_sync_message(&mut s).unwrap();
        let mut other = AutoCommit::load(&base).unwrap();
        let mut so = automerge::sync::State::new();
        other.sync().receive_sync_message(&mut so, first).unwrap();
        let answer = other.sync().generate_sync_message(&mut so).unwrap();
        peer.sync().receive_sync_message(&mut s, answer).unwrap();
        peer.sync().generate_sync_message(&mut s).unwrap().encode()
    };
    let message = protocol::encode(&Message::Sync {
        sender_id: "peer-mx".into(),
        target_id: "pluma-server-0".into(),
        document_id: "4NMNnkMhL8jXrdJ9jamS58PAVdXu".into(),
        data: ByteBuf::from(sync.clone()),
    })
    .unwrap();
    Seeds { base, change, sync, message }
}

fn mutate(seed: &[u8], edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for &(at, op, byte) in edits {
        if out.is_empty() {
            out.push(byte);
            continue;
        }
        let i = at % out.len();
        match op % 4 {
            0 => out[i] = byte,
            1 => out[i] ^= 1 << (byte % 8),
            2 => {
                out.remove(i);
            }
            _ => out.insert(i, byte),
        }
    }
    out
}

fn delegate() -> Who {
    Who { user: "umx".parse().unwrap(), role: Role::Delegate, country: Some("MX".parse().unwrap()) }
}

/// Runs everything the server does with one incoming frame: decode the envelope, decode the
/// sync message, split its changes, check them against the rules. Returns how far it got.
fn incoming(base: &AutoCommit, frame: &[u8]) -> u8 {
    let Ok(message) = protocol::decode(frame) else { return 0 };
    let data = match message {
        Message::Sync { data, .. } | Message::Request { data, .. } => data,
        _ => return 1,
    };
    let Ok(sync) = automerge::sync::Message::decode(&data) else { return 1 };
    let Ok(changes) = parse_changes(&sync) else { return 2 };
    // As the server does: only what the document does not have yet is checked.
    rules(base, unknown_to(base, changes))
}

fn rules(base: &AutoCommit, changes: Vec<Change>) -> u8 {
    if changes.is_empty() {
        return 3;
    }
    match check_on_copy(base, &changes, &delegate()) {
        Ok(_) => 5,
        Err(v) => {
            assert!(!v.to_string().is_empty());
            4
        }
    }
}

/// The rules' verdict on what `craft` does to the base document as a new actor of Mexico's
/// delegate: `None` when it made no change.
fn crafted(craft: impl FnOnce(&mut AutoCommit, &Paragraph)) -> Option<Result<(), Rule>> {
    let s = seeds_cached();
    let base = AutoCommit::load(&s.base).unwrap();
    let mut doc = AutoCommit::load(&s.base).unwrap().with_actor(ActorId::random());
    let heads = doc.get_heads();
    let (_, paragraphs) = doc.get(ROOT, "paragraphs").unwrap().unwrap();
    let id = doc.keys(&paragraphs).next().unwrap();
    let (_, map) = doc.get(&paragraphs, id.as_str()).unwrap().unwrap();
    let (_, text) = doc.get(&map, "text").unwrap().unwrap();
    let (_, en) = doc.get(&text, "en").unwrap().unwrap();
    craft(&mut doc, &Paragraph { map, en });
    doc.commit();
    let changes = doc.get_changes(&heads);
    if changes.is_empty() {
        return None;
    }
    Some(check_on_copy(&base, &changes, &delegate()).map(drop).map_err(|v| v.rule))
}

/// The seed paragraph's map and its English text.
struct Paragraph {
    map: automerge::ObjId,
    en: automerge::ObjId,
}

/// A proposal's value in the name of `user`, by `actor`.
fn proposal_value(user: &str, actor: &ActorId) -> String {
    TrackMarkValue { id: "sforged".parse().unwrap(), user: user.parse().unwrap(), at: 1, actor: Some(actor.to_hex_string()), seen: None }
        .to_json()
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    /// A key a delegate puts at the document's root, whatever its name and value, is
    /// refused (outside the schema, or the title, which only chairs and the secretariat
    /// change).
    #[test]
    fn crafted_root_keys_are_refused(key in "[a-z_]{1,10}", value in ".{0,40}") {
        let verdict = crafted(|doc, _| doc.put(ROOT, key.as_str(), value.as_str()).unwrap());
        prop_assert!(matches!(verdict, Some(Err(Rule::Schema | Rule::Title | Rule::CleanText))), "{key}={value:?}: {verdict:?}");
    }

    /// A paragraph field a delegate puts, whatever its name and value, is refused: unknown
    /// fields by the schema, known ones because only chairs set them.
    #[test]
    fn crafted_paragraph_keys_are_refused(key in "[a-z_]{1,12}", value in ".{0,40}") {
        let verdict = crafted(|doc, p| doc.put(&p.map, key.as_str(), value.as_str()).unwrap());
        prop_assert!(matches!(verdict, Some(Err(_))), "{key}={value:?}: {verdict:?}");
    }

    /// A proposal mark in another delegation's name, well-formed and on any range, is
    /// refused by the proposal-country rule; an unknown mark by the schema.
    #[test]
    fn foreign_marks_are_refused(country in "(AR|BR|US|PE|CO|SEC)", deletion in any::<bool>(), start in 0usize..19, len in 1usize..19) {
        let verdict = crafted(|doc, p| {
            let n = doc.length(&p.en);
            let (a, b) = (start.min(n - 1), (start + len).min(n));
            let actor = doc.get_actor().clone();
            let name = if deletion { format!("del:{country}") } else { format!("ins:{country}:{}", actor.to_hex_string()) };
            doc.mark(&p.en, Mark::new(name, proposal_value("umx", &actor), a, b), ExpandMark::None).unwrap();
        });
        prop_assert_eq!(verdict, Some(Err(Rule::ProposalCountry)));
        let unknown = crafted(|doc, p| doc.mark(&p.en, Mark::new(format!("x{country}"), true, 0, 1), ExpandMark::None).unwrap());
        prop_assert_eq!(unknown, Some(Err(Rule::Schema)));
    }

    /// A plain splice (no proposal mark) by a delegate on a paragraph it does not own is a
    /// direct edit, refused; whatever it inserts or deletes.
    #[test]
    fn plain_splices_by_a_delegate_are_refused(start in 0usize..19, delete in 0isize..5, text in "[a-zA-Z ,.]{0,12}") {
        let verdict = crafted(|doc, p| {
            let n = doc.length(&p.en);
            let at = start.min(n);
            let delete = delete.min((n - at) as isize);
            doc.splice_text(&p.en, at, delete, &text).unwrap();
        });
        prop_assert!(matches!(verdict, None | Some(Err(Rule::DirectEdit))), "{verdict:?}");
    }

    /// Arbitrary bytes as a frame.
    #[test]
    fn arbitrary_frames_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let s = seeds_cached();
        let base = AutoCommit::load(&s.base).unwrap();
        incoming(&base, &bytes);
    }

    /// A valid frame with a few bytes changed, removed or added.
    #[test]
    fn mutated_frames_never_panic(edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8)) {
        let s = seeds_cached();
        let base = AutoCommit::load(&s.base).unwrap();
        incoming(&base, &mutate(&s.message, &edits));
    }

    /// A valid sync message, mutated, wrapped in a valid envelope.
    #[test]
    fn mutated_sync_messages_never_panic(edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8)) {
        let s = seeds_cached();
        let base = AutoCommit::load(&s.base).unwrap();
        let frame = protocol::encode(&Message::Sync {
            sender_id: "p".into(),
            target_id: "s".into(),
            document_id: "4NMNnkMhL8jXrdJ9jamS58PAVdXu".into(),
            data: ByteBuf::from(mutate(&s.sync, &edits)),
        }).unwrap();
        incoming(&base, &frame);
    }

    /// A valid change, mutated (its checksum usually breaks; when it does not, the rules see it).
    #[test]
    fn mutated_changes_never_panic(edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..6)) {
        let s = seeds_cached();
        let base = AutoCommit::load(&s.base).unwrap();
        if let Ok(change) = Change::try_from(mutate(&s.change, &edits).as_slice()) {
            rules(&base, vec![change]);
        }
    }

    /// Well-formed changes with random content a client could craft: marks with arbitrary
    /// names and values on arbitrary ranges, keys put anywhere. The rules answer, never panic.
    #[test]
    fn crafted_changes_never_panic(
        name in "[a-z:A-Z]{0,8}",
        value in ".{0,40}",
        start in 0usize..40,
        len in 0usize..40,
        key in "[a-z]{1,8}",
        pick in 0u8..4,
    ) {
        let s = seeds_cached();
        let base = AutoCommit::load(&s.base).unwrap();
        let mut doc = AutoCommit::load(&s.base).unwrap().with_actor(ActorId::random());
        let heads = doc.get_heads();
        let (_, paragraphs) = doc.get(ROOT, "paragraphs").unwrap().unwrap();
        let id = doc.keys(&paragraphs).next().unwrap();
        let (_, p) = doc.get(&paragraphs, id.as_str()).unwrap().unwrap();
        let (_, text) = doc.get(&p, "text").unwrap().unwrap();
        let (_, en) = doc.get(&text, "en").unwrap().unwrap();
        let n = doc.length(&en);
        let (a, b) = (start.min(n), (start + len).min(n));
        let made = match pick {
            0 if a < b => doc.mark(&en, Mark::new(name, value, a, b), ExpandMark::None).is_ok(),
            1 => doc.put(&p, key, value).is_ok(),
            2 => doc.splice_text(&en, a, (b - a) as isize, &value).is_ok(),
            _ => doc.put(ROOT, key, value).is_ok(),
        };
        doc.commit();
        if made {
            let changes = doc.get_changes(&heads);
            rules(&base, changes);
        }
    }
}

fn seeds_cached() -> &'static Seeds {
    static SEEDS: std::sync::OnceLock<Seeds> = std::sync::OnceLock::new();
    SEEDS.get_or_init(seeds)
}

/// The seeds themselves pass every stage (so the mutations start from real traffic).
#[test]
fn seeds_are_real_traffic() {
    let s = seeds_cached();
    let base = AutoCommit::load(&s.base).unwrap();
    let sync = automerge::sync::Message::decode(&s.sync).unwrap();
    let changes = unknown_to(&base, parse_changes(&sync).unwrap());
    assert!(!changes.is_empty(), "the seed carries the proposal");
    if let Err(v) = check_on_copy(&base, &changes, &delegate()) {
        panic!("the seed is refused: {v}");
    }
    assert_eq!(incoming(&base, &s.message), 5, "a delegate's proposal and comment pass the rules");
    assert!(Change::try_from(s.change.as_slice()).is_ok());
}

/// Inputs the fuzzer found that once crashed the checker, kept as regressions.
#[test]
fn found_inputs_are_refused_without_panicking() {
    let s = seeds_cached();
    let base = AutoCommit::load(&s.base).unwrap();
    let found: &[&[(usize, u8, u8)]] = &[&[(17420749624499334180, 144, 0), (17121866118259438119, 4, 2)]];
    for edits in found {
        if let Ok(change) = Change::try_from(mutate(&s.change, edits).as_slice()) {
            assert_eq!(rules(&base, vec![change]), 4, "refused");
        }
    }
}
