//! A version's snapshot is what the server keeps to compare versions without the document.
//! It must depend on the version alone: the snapshot made when a version is saved, the one
//! made later from the grown document, and the one read back from its JSON are the same;
//! and comparing two snapshots gives pieces that spell the older text (equal and deleted
//! pieces, up to spacing) and the newer text (equal and inserted pieces), every credit going to a
//! delegation that took part.

#![allow(clippy::unwrap_used, clippy::expect_used)]
#[path = "support/fixtures.rs"]
mod fixtures;

use std::collections::{BTreeSet, HashMap};

use fixtures::{one_paragraph, para, stamp};
use pluma_core::automerge::{ActorId, ChangeHash};
use pluma_core::compare::{ParagraphChange, PieceOp, Snapshot, compare_snapshots};
use pluma_core::{Country, Draft, Lang, ParagraphKind, Selection};
use proptest::prelude::*;

const COUNTRIES: [&str; 4] = ["MX", "PE", "AR", "US"];

#[derive(Debug, Clone)]
enum Step {
    /// A direct edit by a delegation at a fraction (per mille) of a text.
    Splice { who: usize, para: u8, at: u16, del: u8, text: String, es: bool },
    /// A proposed insertion.
    Propose { who: usize, para: u8, at: u16, text: String, es: bool },
    /// A proposed cut.
    Cut { who: usize, para: u8, at: u16, len: u8, es: bool },
    /// The chair accepts or rejects every pending proposal.
    Settle { accept: bool },
    /// A paragraph added after another.
    AddParagraph { who: usize, after: u8, text: String },
    /// A paragraph deleted (never the last).
    DeleteParagraph { who: usize, para: u8 },
    /// A named version is saved here.
    Save,
}

fn step() -> impl Strategy<Value = Step> {
    let who = 0..COUNTRIES.len();
    prop_oneof![
        4 => (who.clone(), any::<u8>(), 0..=1000u16, 0..6u8, "[a-zé ,.]{0,8}", any::<bool>())
            .prop_map(|(who, para, at, del, text, es)| Step::Splice { who, para, at, del, text, es }),
        2 => (who.clone(), any::<u8>(), 0..=1000u16, " ?[a-z]{1,6}", any::<bool>())
            .prop_map(|(who, para, at, text, es)| Step::Propose { who, para, at, text, es }),
        2 => (who.clone(), any::<u8>(), 0..=1000u16, 1..8u8, any::<bool>())
            .prop_map(|(who, para, at, len, es)| Step::Cut { who, para, at, len, es }),
        1 => any::<bool>().prop_map(|accept| Step::Settle { accept }),
        1 => (who.clone(), any::<u8>(), "[a-z]{1,6}( [a-z]{1,6}){0,4}")
            .prop_map(|(who, after, text)| Step::AddParagraph { who, after, text }),
        1 => (who, any::<u8>()).prop_map(|(who, para)| Step::DeleteParagraph { who, para }),
        2 => Just(Step::Save),
    ]
}

fn at(fraction: u16, len: usize) -> usize {
    len * usize::from(fraction) / 1000
}

/// Each saved version's heads with its snapshot as made then.
type Saved = Vec<(Vec<ChangeHash>, Snapshot)>;

/// Plays the steps; returns the draft, the saved versions and the actor bindings.
fn play(steps: &[Step]) -> (Draft, Saved, HashMap<ActorId, Country>) {
    let (mut d, _) =
        one_paragraph("Recognizing the valuable contributions of both processes.", "Reconociendo los valiosos aportes de ambos procesos.");
    let actors: Vec<ActorId> = COUNTRIES.iter().map(|_| ActorId::random()).collect();
    let mut bindings: HashMap<ActorId, Country> = actors.iter().zip(COUNTRIES).map(|(a, c)| (a.clone(), c.parse().unwrap())).collect();
    // The seeding actor is the secretariat's, bound to no delegation.
    let seed = d.actor().clone();
    bindings.remove(&seed);
    let chair = ActorId::random();
    bindings.insert(chair.clone(), "MX".parse().unwrap());
    let mut versions = Vec::new();
    let snapshot = |d: &mut Draft, bindings: &HashMap<ActorId, Country>| {
        let who = |a: &ActorId| bindings.get(a).cloned();
        d.snapshot(None, &who).unwrap()
    };
    versions.push((d.heads(), snapshot(&mut d, &bindings)));
    for s in steps {
        let ids = d.paragraph_ids().unwrap();
        let pick = |p: u8| ids[usize::from(p) % ids.len()].clone();
        let lang = |es: bool| if es { Lang::Es } else { Lang::En };
        match s {
            Step::Splice { who, para, at: f, del, text, es } => {
                d.set_actor(actors[*who].clone());
                let (p, lang) = (pick(*para), lang(*es));
                let len = d.text_len(&p, lang).unwrap();
                let pos = at(*f, len);
                let _ = d.splice(&p, lang, pos, usize::from(*del).min(len - pos), text);
            }
            Step::Propose { who, para, at: f, text, es } => {
                d.set_actor(actors[*who].clone());
                let (p, lang) = (pick(*para), lang(*es));
                let len = d.text_len(&p, lang).unwrap();
                let _ = d.suggest_insert(&p, lang, at(*f, len), text, &stamp(COUNTRIES[*who]));
            }
            Step::Cut { who, para, at: f, len: n, es } => {
                d.set_actor(actors[*who].clone());
                let (p, lang) = (pick(*para), lang(*es));
                let len = d.text_len(&p, lang).unwrap();
                let start = at(*f, len);
                let end = (start + usize::from(*n)).min(len);
                if start < end {
                    let _ = d.suggest_delete(&p, lang, start, end, &stamp(COUNTRIES[*who]));
                }
            }
            Step::Settle { accept } => {
                d.set_actor(chair.clone());
                let _ = if *accept { d.accept(&Selection::All) } else { d.reject(&Selection::All) };
            }
            Step::AddParagraph { who, after, text } => {
                d.set_actor(actors[*who].clone());
                let index = usize::from(*after) % (ids.len() + 1);
                d.insert_paragraph(index, para(ParagraphKind::Operative, text)).unwrap();
            }
            Step::DeleteParagraph { who, para } => {
                if ids.len() > 1 {
                    d.set_actor(actors[*who].clone());
                    d.delete_paragraph(&pick(*para)).unwrap();
                }
            }
            Step::Save => {
                d.commit();
                let made = snapshot(&mut d, &bindings);
                versions.push((d.heads(), made));
            }
        }
        d.commit();
    }
    let made = snapshot(&mut d, &bindings);
    versions.push((d.heads(), made));
    (d, versions, bindings)
}

/// The text with every run of whitespace as one space.
fn spaced(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_snapshot_depends_on_its_version_alone(steps in prop::collection::vec(step(), 1..30)) {
        let (mut d, versions, bindings) = play(&steps);
        let who = |a: &ActorId| bindings.get(a).cloned();
        for (heads, made) in &versions {
            let later = d.snapshot(Some(heads), &who).unwrap();
            prop_assert_eq!(&later, made);
            let json = serde_json::to_string(made).unwrap();
            let back: Snapshot = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, made);
        }
    }

    #[test]
    fn compared_snapshots_spell_both_texts_and_credit_delegations(steps in prop::collection::vec(step(), 1..30)) {
        let (mut d, versions, _) = play(&steps);
        let countries: BTreeSet<Country> = COUNTRIES.iter().map(|c| c.parse().unwrap()).collect();
        for (i, (old_heads, old)) in versions.iter().enumerate() {
            for (new_heads, new) in versions.iter().skip(i) {
                for lang in Lang::ALL {
                    let cmp = compare_snapshots(old, new, lang);
                    for p in &cmp.paragraphs {
                        let spell = |ops: [PieceOp; 2]| -> String {
                            p.pieces.iter().filter(|x| ops.contains(&x.op)).map(|x| x.text.as_str()).collect()
                        };
                        if p.change != ParagraphChange::Added {
                            let before = d.view_at(old_heads).text(&p.id, lang).unwrap();
                            // Equal runs show the newer text's spacing.
                            prop_assert_eq!(spaced(&spell([PieceOp::Equal, PieceOp::Delete])), spaced(&before));
                        }
                        if p.change != ParagraphChange::Removed {
                            let after = d.view_at(new_heads).text(&p.id, lang).unwrap();
                            prop_assert_eq!(spell([PieceOp::Equal, PieceOp::Insert]), after);
                        }
                        // A changed word is shown whole, so its seeded letters may show as
                        // nobody's; every credited country is one that took part.
                        for piece in p.pieces.iter().filter(|x| x.op != PieceOp::Equal) {
                            if let Some(c) = &piece.country {
                                prop_assert!(countries.contains(c), "{c:?}");
                            }
                        }
                    }
                    if old_heads == new_heads {
                        prop_assert!(cmp.is_empty(), "a version compared with itself: {cmp:?}");
                    }
                }
            }
        }
    }
}
