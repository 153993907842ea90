//! A changed text as pieces (equal, inserted, deleted words), each credited to the country
//! that produced it, and the tallies and proposal lists of a comparison.

use super::align::{FnvMap, FnvSet};
use super::credit::CreditOf;
use super::snapshot::{self, SnapParagraph, Snapshot};
use super::words::{self, Hunk, WordDiff};
use super::{Piece, PieceOp, ProposalChanges, ProposalNote, Summary};
use crate::ids::{Country, Lang};
use crate::schema::{ParagraphProposalKind, SuggestionKind};

pub(super) fn equal_piece(text: &str) -> Vec<Piece> {
    if text.is_empty() {
        return Vec::new();
    }
    vec![Piece { op: PieceOp::Equal, text: text.to_owned(), country: None, moved: false, em: false }]
}

/// The delegation of a pending proposal of `kind` about a paragraph of a snapshot.
pub(super) fn whole(p: &SnapParagraph, kind: ParagraphProposalKind) -> Option<Country> {
    p.pending.iter().find(|(k, _)| *k == kind).map(|(_, c)| c.clone())
}

/// The title's word diff. Titles carry no proposals; their changes are credited by actor.
pub(super) fn title_pieces(old: &Snapshot, new: &Snapshot, lang: Lang) -> Vec<Piece> {
    let (a, b) = (old.title.get(lang), new.title.get(lang));
    if a.text == b.text {
        return equal_piece(&b.text);
    }
    let kept = Kept::of(old, a, new, b);
    pieces_of(&words::diff(&a.text, &b.text), &a.text, &b.text, &a.inserter_credits(), &b.inserter_credits(), Some(&kept))
}

/// Which characters of two versions of a text are the very same characters (by the id of
/// the operation that inserted them), whatever the word diff makes of them, and where.
pub(super) struct Kept {
    /// For each character of the older text, its index in the newer one if it is there.
    old_in_new: Vec<Option<usize>>,
    /// For each character of the newer text, its index in the older one if it was there.
    new_in_old: Vec<Option<usize>>,
    /// Whether each character is whitespace (where words end), in each text.
    old_blank: Vec<bool>,
    new_blank: Vec<bool>,
}

impl Kept {
    pub(super) fn of(old: &Snapshot, a: &snapshot::SnapText, new: &Snapshot, b: &snapshot::SnapText) -> Kept {
        // Ids in the newer snapshot's numbering of actors; an actor it does not know has no
        // character in it.
        let index: FnvMap<&str, u32> = new.actors.iter().enumerate().map(|(i, h)| (h.as_str(), i as u32)).collect();
        let to_new = |actor: u32| old.actors.get(actor as usize).and_then(|h| index.get(h.as_str()).copied());
        let expand = |t: &snapshot::SnapText, actor_of: &dyn Fn(u32) -> Option<u32>| -> Vec<Option<(u32, u64)>> {
            t.ids
                .iter()
                .flat_map(|r| {
                    let actor = actor_of(r.actor);
                    (0..u64::from(r.len)).map(move |k| actor.map(|a| (a, r.counter + k)))
                })
                .collect()
        };
        let (a_ids, b_ids) = (expand(a, &to_new), expand(b, &Some));
        let position = |ids: &[Option<(u32, u64)>]| -> FnvMap<(u32, u64), usize> {
            ids.iter().enumerate().filter_map(|(i, id)| id.map(|id| (id, i))).collect()
        };
        let (a_at, b_at) = (position(&a_ids), position(&b_ids));
        let blanks = |t: &str| t.chars().map(char::is_whitespace).collect();
        Kept {
            old_in_new: a_ids.iter().map(|id| id.and_then(|id| b_at.get(&id).copied())).collect(),
            new_in_old: b_ids.iter().map(|id| id.and_then(|id| a_at.get(&id).copied())).collect(),
            old_blank: blanks(&a.text),
            new_blank: blanks(&b.text),
        }
    }
}

/// The credit of the real change (`real`: `Some(credit)` for a character really inserted or
/// deleted) nearest to character `i` within its word, inside `range`.
pub(super) fn nearest_in_word<'s>(
    i: usize,
    range: &std::ops::Range<usize>,
    blank: &[bool],
    real: impl Fn(usize) -> Option<Option<&'s Country>>,
) -> Option<&'s Country> {
    let in_word = |k: usize| range.contains(&k) && !blank.get(k).copied().unwrap_or(true);
    let (mut left, mut right) = (true, true);
    for d in 1..range.len() {
        left &= i >= d && in_word(i - d);
        right &= in_word(i + d);
        if !left && !right {
            break;
        }
        for k in [left.then(|| i - d), right.then_some(i + d)].into_iter().flatten() {
            if let Some(Some(credit)) = real(k) {
                return Some(credit);
            }
        }
    }
    None
}

/// The credits of one change of the word diff. Characters really deleted (old) or inserted
/// (new) keep their own. Characters the word diff only took along with them (in both
/// versions: the rest of a word a delegation inserted into or cut from) take the credit of
/// the nearest real change in their word — in the newer text first, then in the older —
/// and, in a word with none, the change's first real insertion's, else deletion's.
pub(super) fn change_credits<'s>(
    old: std::ops::Range<usize>,
    new: std::ops::Range<usize>,
    del: &(impl CreditOf<'s> + ?Sized),
    ins: &(impl CreditOf<'s> + ?Sized),
    kept: &Kept,
) -> (Vec<Option<&'s Country>>, Vec<Option<&'s Country>>) {
    let old_kept = |i: usize| kept.old_in_new.get(i).copied().flatten();
    let new_kept = |j: usize| kept.new_in_old.get(j).copied().flatten();
    let real_old = |i: usize| old_kept(i).is_none().then(|| del.at(i));
    let real_new = |j: usize| new_kept(j).is_none().then(|| ins.at(j));
    let fallback = new.clone().find_map(|j| real_new(j).flatten()).or_else(|| old.clone().find_map(|i| real_old(i).flatten()));
    let in_new = |j: usize| nearest_in_word(j, &new, &kept.new_blank, real_new);
    let in_old = |i: usize| nearest_in_word(i, &old, &kept.old_blank, real_old);
    let dels = old
        .clone()
        .map(|i| match old_kept(i) {
            None => del.at(i),
            Some(j) => new.contains(&j).then(|| in_new(j)).flatten().or_else(|| in_old(i)).or(fallback),
        })
        .collect();
    let inss = new
        .clone()
        .map(|j| match new_kept(j) {
            None => ins.at(j),
            Some(i) => in_new(j).or_else(|| old.contains(&i).then(|| in_old(i)).flatten()).or(fallback),
        })
        .collect();
    (dels, inss)
}

/// The pieces of a changed text: equal runs from the newer text, then for each change its
/// deleted and inserted characters split by credited country.
///
/// `kept`: which characters are in both versions (texts of one draft); where the word diff
/// shows such characters as changed, they take the credit of the change around them (see
/// [`change_credits`]).
pub(super) fn pieces_of<'s>(
    d: &WordDiff,
    old: &str,
    new: &str,
    del: &(impl CreditOf<'s> + ?Sized),
    ins: &(impl CreditOf<'s> + ?Sized),
    kept: Option<&Kept>,
) -> Vec<Piece> {
    let mut out = Vec::new();
    for h in &d.hunks {
        match h {
            Hunk::Equal { new: n, .. } => {
                out.extend(split(new, d.new_bytes(n), d.new_chars(n).start, PieceOp::Equal, ins, false));
            }
            Hunk::Change { old: o, new: n, moved } => {
                let (oc, nc) = (d.old_chars(o), d.new_chars(n));
                match kept {
                    Some(kept) => {
                        let (dels, inss) = change_credits(oc.clone(), nc.clone(), del, ins, kept);
                        out.extend(split(old, d.old_bytes(o), 0, PieceOp::Delete, &dels[..], *moved));
                        out.extend(split(new, d.new_bytes(n), 0, PieceOp::Insert, &inss[..], *moved));
                    }
                    None => {
                        out.extend(split(old, d.old_bytes(o), oc.start, PieceOp::Delete, del, *moved));
                        out.extend(split(new, d.new_bytes(n), nc.start, PieceOp::Insert, ins, *moved));
                    }
                }
            }
        }
    }
    out
}

/// The characters in `bytes` of `text` (the first being character number `first`) as pieces
/// of one op, split where the credited country changes (equal pieces are not split and carry
/// no country).
pub(super) fn split<'s>(
    text: &str,
    bytes: std::ops::Range<usize>,
    first: usize,
    op: PieceOp,
    credits: &(impl CreditOf<'s> + ?Sized),
    moved: bool,
) -> Vec<Piece> {
    let Some(part) = text.get(bytes) else { return Vec::new() };
    if part.is_empty() {
        return Vec::new();
    }
    if op == PieceOp::Equal {
        return vec![Piece { op, text: part.to_owned(), country: None, moved, em: false }];
    }
    // Runs of characters with one credit, as byte ranges of `part`.
    let mut runs: Vec<(std::ops::Range<usize>, Option<&'s Country>)> = Vec::new();
    for (i, (at, c)) in part.char_indices().enumerate() {
        let country = credits.at(first + i);
        let end = at + c.len_utf8();
        match runs.last_mut() {
            Some((r, last)) if *last == country => r.end = end,
            _ => runs.push((at..end, country)),
        }
    }
    // Whitespace carries no authorship worth showing: a space the word diff took from the
    // text around an insertion joins the neighbouring piece.
    let blank = |r: &std::ops::Range<usize>| part[r.clone()].trim().is_empty();
    let mut merged: Vec<(std::ops::Range<usize>, Option<&'s Country>)> = Vec::with_capacity(runs.len());
    for (r, country) in runs {
        match merged.last_mut() {
            Some((last, last_country)) if blank(&r) || blank(last) => {
                if blank(last) {
                    *last_country = country;
                }
                last.end = r.end;
            }
            _ => merged.push((r, country)),
        }
    }
    merged.into_iter().map(|(r, country)| Piece { op, text: part[r].to_owned(), country: country.cloned(), moved, em: false }).collect()
}

pub(super) fn tally(summary: &mut Summary, pieces: &[Piece]) {
    for p in pieces.iter().filter(|p| p.op != PieceOp::Equal) {
        let n = words::count_words(&p.text);
        if n == 0 {
            continue;
        }
        let key = p.country.as_ref().map_or("?", Country::as_str);
        let t = match summary.by_country.get_mut(key) {
            Some(t) => t,
            None => summary.by_country.entry(key.to_owned()).or_default(),
        };
        match p.op {
            PieceOp::Insert => t.inserted += n,
            PieceOp::Delete => t.deleted += n,
            PieceOp::Equal => {}
        }
    }
}

pub(super) fn proposal_changes(old: &Snapshot, new: &Snapshot, lang: Lang) -> ProposalChanges {
    let (before, after) = (old.proposals.get(lang), new.proposals.get(lang));
    fn key(p: &ProposalNote) -> (&str, SuggestionKind) {
        (p.id.as_str(), p.kind)
    }
    let before_keys: FnvSet<_> = before.iter().map(key).collect();
    let after_keys: FnvSet<_> = after.iter().map(key).collect();
    ProposalChanges {
        opened: after.iter().filter(|p| !before_keys.contains(&key(p))).cloned().collect(),
        settled: before.iter().filter(|p| !after_keys.contains(&key(p))).cloned().collect(),
    }
}
