//! The operations of the convergence property test (`core/tests/convergence.rs`): what a
//! replica may do, drawn at random, and how each is applied to a replica's draft.

use pluma_core::{Draft, Lang, ParagraphId, ParagraphKind, ProposalKind, Selection, Stamp, SuggestionId};
use proptest::prelude::*;

use super::COUNTRIES;
use super::fixtures::para;

#[derive(Debug, Clone)]
pub enum Op {
    SuggestInsert { p: u8, es: bool, pos: u16, text: String },
    SuggestDelete { p: u8, es: bool, pos: u16, len: u8 },
    Splice { p: u8, es: bool, pos: u16, del: u8, text: String },
    Accept { which: u8 },
    Reject { which: u8 },
    AcceptCountry { c: u8 },
    RejectParagraph { p: u8 },
    Withdraw { which: u8 },
    Move { p: u8, to: u8 },
    Replace { p: u8, es: bool, pos: u16, len: u8, text: String },
    Counterpart { which: u8, pos: u16, text: String },
    ProposeParagraph { after: u8, text: String },
    ProposeDeletion { p: u8 },
    ProposeMove { p: u8, after: u8 },
    Comment { p: u8, es: bool, pos: u16, len: u8 },
    Reply { t: u8 },
    Resolve { t: u8, open: bool },
}

#[derive(Debug, Clone)]
pub enum Step {
    Do { replica: u8, op: Op },
    Sync { from: u8, to: u8 },
}

fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zñé ]{1,4}").unwrap()
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<u8>(), any::<bool>(), any::<u16>(), text())
            .prop_map(|(p, es, pos, text)| Op::SuggestInsert { p, es, pos, text }),
        3 => (any::<u8>(), any::<bool>(), any::<u16>(), 1u8..6)
            .prop_map(|(p, es, pos, len)| Op::SuggestDelete { p, es, pos, len }),
        2 => (any::<u8>(), any::<bool>(), any::<u16>(), 0u8..4, text())
            .prop_map(|(p, es, pos, del, text)| Op::Splice { p, es, pos, del, text }),
        1 => any::<u8>().prop_map(|which| Op::Accept { which }),
        1 => any::<u8>().prop_map(|which| Op::Reject { which }),
        1 => any::<u8>().prop_map(|c| Op::AcceptCountry { c }),
        1 => any::<u8>().prop_map(|p| Op::RejectParagraph { p }),
        1 => any::<u8>().prop_map(|which| Op::Withdraw { which }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(p, to)| Op::Move { p, to }),
        2 => (any::<u8>(), any::<bool>(), any::<u16>(), 1u8..6, text())
            .prop_map(|(p, es, pos, len, text)| Op::Replace { p, es, pos, len, text }),
        1 => (any::<u8>(), any::<u16>(), text()).prop_map(|(which, pos, text)| Op::Counterpart { which, pos, text }),
        1 => (any::<u8>(), text()).prop_map(|(after, text)| Op::ProposeParagraph { after, text }),
        1 => any::<u8>().prop_map(|p| Op::ProposeDeletion { p }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(p, after)| Op::ProposeMove { p, after }),
        1 => (any::<u8>(), any::<bool>(), any::<u16>(), 1u8..6)
            .prop_map(|(p, es, pos, len)| Op::Comment { p, es, pos, len }),
        1 => any::<u8>().prop_map(|t| Op::Reply { t }),
        1 => (any::<u8>(), any::<bool>()).prop_map(|(t, open)| Op::Resolve { t, open }),
    ]
}

pub fn steps(replicas: u8) -> impl Strategy<Value = Vec<Step>> {
    let step = prop_oneof![
        3 => (0..replicas, op()).prop_map(|(replica, op)| Step::Do { replica, op }),
        1 => (0..replicas, 0..replicas).prop_map(|(from, to)| Step::Sync { from, to }),
    ];
    proptest::collection::vec(step, 1..60)
}

/// The language of an operation.
pub fn lang(es: bool) -> Lang {
    if es { Lang::Es } else { Lang::En }
}

/// Applies `op` for `by` to a replica's draft and commits; the id of a deletion it
/// proposed, if any. Errors (empty ranges and the like) are fine; panics are not.
pub fn apply(d: &mut Draft, by: &Stamp, op: &Op) -> Option<SuggestionId> {
    let ids = d.paragraph_ids().unwrap();
    if ids.is_empty() {
        return None;
    }
    let deletion = match op {
        Op::SuggestInsert { .. } | Op::SuggestDelete { .. } | Op::Splice { .. } | Op::Replace { .. } | Op::Counterpart { .. } => {
            edit_text(d, &ids, by, op)
        }
        Op::Accept { .. } | Op::Reject { .. } | Op::Withdraw { .. } | Op::AcceptCountry { .. } | Op::RejectParagraph { .. } => {
            decide(d, &ids, by, op);
            None
        }
        Op::Move { .. } | Op::ProposeParagraph { .. } | Op::ProposeDeletion { .. } | Op::ProposeMove { .. } => {
            arrange(d, &ids, by, op);
            None
        }
        Op::Comment { .. } | Op::Reply { .. } | Op::Resolve { .. } => {
            comment(d, &ids, by, op);
            None
        }
    };
    d.commit();
    deletion
}

fn len_of(d: &mut Draft, p: &ParagraphId, l: Lang) -> usize {
    d.text(p, l).unwrap().chars().count()
}

fn pick(ids: &[ParagraphId], p: u8) -> ParagraphId {
    ids[p as usize % ids.len()].clone()
}

/// A range of at least one character of a text of `n` (`None` for an empty text).
fn range(n: usize, pos: u16, len: u8) -> Option<(usize, usize)> {
    if n == 0 {
        return None;
    }
    let start = pos as usize % n;
    Some((start, (start + len as usize).min(n)))
}

/// Proposals in a text and direct edits.
fn edit_text(d: &mut Draft, ids: &[ParagraphId], by: &Stamp, op: &Op) -> Option<SuggestionId> {
    match op {
        Op::SuggestInsert { p, es, pos, text } => {
            let p = pick(ids, *p);
            let pos = *pos as usize % (len_of(d, &p, lang(*es)) + 1);
            d.suggest_insert(&p, lang(*es), pos, text, by).unwrap();
            None
        }
        Op::SuggestDelete { p, es, pos, len } => {
            let p = pick(ids, *p);
            let (start, end) = range(len_of(d, &p, lang(*es)), *pos, *len)?;
            d.suggest_delete(&p, lang(*es), start, end, by).unwrap()
        }
        Op::Splice { p, es, pos, del, text } => {
            let p = pick(ids, *p);
            let n = len_of(d, &p, lang(*es));
            let pos = *pos as usize % (n + 1);
            let del = (*del as usize).min(n - pos);
            d.splice(&p, lang(*es), pos, del, text).unwrap();
            None
        }
        Op::Replace { p, es, pos, len, text } => {
            let p = pick(ids, *p);
            let (start, end) = range(len_of(d, &p, lang(*es)), *pos, *len)?;
            Some(d.suggest_replace(&p, lang(*es), (start, end), text, by, None).unwrap())
        }
        Op::Counterpart { which, pos, text } => {
            let own: Vec<_> =
                d.proposals().unwrap().into_iter().filter(|x| x.country == by.country && x.kind == ProposalKind::Text).collect();
            if own.is_empty() {
                return None;
            }
            let x = own[*which as usize % own.len()].clone();
            let other = x.parts[0].lang.other();
            let pos = *pos as usize % (len_of(d, &x.paragraph, other) + 1);
            d.suggest_insert_joining(&x.paragraph, other, pos, text, by, &x.id).unwrap();
            None
        }
        _ => None,
    }
}

/// Decisions on proposals: one, a country's, a paragraph's; a withdrawal.
fn decide(d: &mut Draft, ids: &[ParagraphId], by: &Stamp, op: &Op) {
    match op {
        Op::Accept { which } | Op::Reject { which } | Op::Withdraw { which } => {
            let all = d.proposals().unwrap();
            if all.is_empty() {
                return;
            }
            let s = all[*which as usize % all.len()].clone();
            let sel = Selection::Ids(vec![s.id.clone()]);
            match op {
                Op::Accept { .. } => drop(d.accept(&sel).unwrap()),
                Op::Reject { .. } => drop(d.reject(&sel).unwrap()),
                _ => {
                    let r = d.withdraw(&by.country, &sel);
                    assert_eq!(r.is_ok(), s.country == by.country);
                }
            }
        }
        Op::AcceptCountry { c } => {
            d.accept(&Selection::Country(COUNTRIES[*c as usize % COUNTRIES.len()].parse().unwrap())).unwrap();
        }
        Op::RejectParagraph { p } => {
            d.reject(&Selection::Paragraph(pick(ids, *p))).unwrap();
        }
        _ => {}
    }
}

/// Paragraphs moved, and proposals about whole paragraphs.
fn arrange(d: &mut Draft, ids: &[ParagraphId], by: &Stamp, op: &Op) {
    let place = |after: u8| (after as usize % (ids.len() + 1)).checked_sub(1).map(|i| ids[i].clone());
    match op {
        Op::Move { p, to } => {
            let p = pick(ids, *p);
            d.move_paragraph(&p, *to as usize % ids.len()).unwrap();
        }
        Op::ProposeParagraph { after, text } => {
            d.propose_paragraph(place(*after).as_ref(), para(ParagraphKind::Operative, text), by).unwrap();
        }
        Op::ProposeDeletion { p } => {
            // Refused (and nothing changes) on a proposed new paragraph.
            let _ = d.propose_paragraph_deletion(&pick(ids, *p), by);
        }
        Op::ProposeMove { p, after } => {
            // Refused where the paragraph already is, and on proposed new paragraphs.
            let _ = d.propose_paragraph_move(&pick(ids, *p), place(*after).as_ref(), by);
        }
        _ => {}
    }
}

/// Comment threads: opened, replied to, resolved and reopened.
fn comment(d: &mut Draft, ids: &[ParagraphId], by: &Stamp, op: &Op) {
    if let Op::Comment { p, es, pos, len } = op {
        let p = pick(ids, *p);
        if let Some((start, end)) = range(len_of(d, &p, lang(*es)), *pos, *len) {
            d.create_thread(&p, lang(*es), start, end, "A *comment*", by).unwrap();
        }
        return;
    }
    let threads = d.threads().unwrap();
    if threads.is_empty() {
        return;
    }
    match op {
        Op::Reply { t } => drop(d.reply(&threads[*t as usize % threads.len()].id.clone(), "reply", by).unwrap()),
        Op::Resolve { t, open: true } => d.reopen_thread(&threads[*t as usize % threads.len()].id.clone()).unwrap(),
        Op::Resolve { t, .. } => d.resolve_thread(&threads[*t as usize % threads.len()].id.clone()).unwrap(),
        _ => {}
    }
}
