//! Comparing two versions of a draft, in one language: which paragraphs were added,
//! removed, moved or changed, which words were inserted and deleted inside them and which
//! country produced each, which statuses changed, and which proposals were made or settled.
//!
//! - [`words`]: the word diff (tokens, `similar`, hunks, moves within a paragraph).
//! - [`snapshot`]: a version as a comparison reads it, kept apart from the document.
//! - `align`: Patience alignment of numbered tokens (for `words`).
//! - [`credit`]: who inserted and who deleted each character.
//! - [`render`]: the comparison as an HTML redline and as Markdown with CriticMarkup.
//!
//! A version is a set of heads; `None` is the draft as it stands. Paragraphs are matched by
//! id, so a paragraph whose text was rewritten is "changed", never "removed and added". The
//! texts compared are the texts as written: a pending insertion is part of the text, a
//! pending deletion is not yet a deletion (both are listed among the proposals).

mod align;
pub mod credit;
pub mod render;
pub mod snapshot;
pub(crate) mod words;

use std::collections::{BTreeMap, HashSet};

use automerge::ChangeHash;
use serde::{Deserialize, Serialize};

use crate::Result;
use crate::draft::Draft;
use crate::ids::{Country, Lang, ParagraphId, SuggestionId};
use crate::schema::{ParagraphKind, ParagraphProposalKind, Status, SuggestionKind};

use align::{FnvMap, FnvSet};
pub use credit::CountryOf;
use credit::{Between, CreditOf};
use snapshot::SnapParagraph;
pub use snapshot::{SNAPSHOT_FORMAT, Snapshot};
use words::{Hunk, WordDiff};

/// What a piece of a compared text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PieceOp {
    /// In both versions.
    Equal,
    /// Only in the newer version.
    Insert,
    /// Only in the older version.
    Delete,
}

/// A run of text of a comparison, with one op and one credited country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Piece {
    /// Equal, inserted or deleted.
    pub op: PieceOp,
    /// The characters.
    pub text: String,
    /// For insertions and deletions, the country whose change produced them (`None` when
    /// the actor is bound to no delegation, e.g. the server's seeding).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<Country>,
    /// The same words were cut in one place of the paragraph and inserted in another.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub moved: bool,
}

/// How a paragraph's text differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParagraphChange {
    /// Same text.
    Unchanged,
    /// Text changed.
    Changed,
    /// Only in the newer version.
    Added,
    /// Only in the older version.
    Removed,
}

/// A field's value in the older and newer version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange<T> {
    /// Before.
    pub from: T,
    /// After.
    pub to: T,
}

/// One paragraph of a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParagraphDiff {
    /// The paragraph.
    pub id: ParagraphId,
    /// How its text differs.
    pub change: ParagraphChange,
    /// Its place among the paragraphs of both versions changed.
    pub moved: bool,
    /// Its number (1-based) in the older version.
    pub from_number: Option<usize>,
    /// Its number (1-based) in the newer version.
    pub to_number: Option<usize>,
    /// Its kind in the version it is shown from (the newer one unless removed).
    pub kind: ParagraphKind,
    /// Status change, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<FieldChange<Status>>,
    /// Kind change, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind_change: Option<FieldChange<ParagraphKind>>,
    /// The delegation credited with an added, removed or moved paragraph: whose proposal it
    /// was (a new paragraph, a deletion or a move accepted, or still pending), else who
    /// added or removed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<Country>,
    /// The text, piece by piece.
    pub pieces: Vec<Piece>,
}

/// A proposal that appeared or was settled between the versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalNote {
    /// The proposal's id (`s<16 hex>-<country>`).
    pub id: SuggestionId,
    /// Proposing country.
    pub country: Country,
    /// Insertion or deletion.
    pub kind: SuggestionKind,
    /// Its paragraph.
    pub paragraph: ParagraphId,
    /// The text it covers (in the version where it is pending).
    pub text: String,
}

/// Proposals that differ between the versions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProposalChanges {
    /// Pending in the newer version, not in the older one.
    pub opened: Vec<ProposalNote>,
    /// Pending in the older version, no longer in the newer one (accepted, rejected,
    /// withdrawn, or its text deleted).
    pub settled: Vec<ProposalNote>,
}

/// Word counts of one country's changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Words inserted.
    pub inserted: usize,
    /// Words deleted.
    pub deleted: usize,
}

/// Totals of a comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Paragraphs added.
    pub added: usize,
    /// Paragraphs removed.
    pub removed: usize,
    /// Paragraphs moved.
    pub moved: usize,
    /// Paragraphs whose text changed.
    pub changed: usize,
    /// Paragraphs whose status changed.
    pub status_changed: usize,
    /// Words inserted and deleted, by country (`"?"` for changes bound to no delegation).
    pub by_country: BTreeMap<String, Tally>,
}

/// Two versions of a draft compared in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// The language compared.
    pub lang: Lang,
    /// Heads of the older version (hex).
    pub from: Vec<String>,
    /// Heads of the newer version (hex).
    pub to: Vec<String>,
    /// The title, piece by piece.
    pub title: Vec<Piece>,
    /// Every paragraph of both versions: the newer version's order, each removed paragraph
    /// after the paragraph it followed in the older version.
    pub paragraphs: Vec<ParagraphDiff>,
    /// Proposals opened and settled.
    pub proposals: ProposalChanges,
    /// Totals.
    pub summary: Summary,
}

impl Comparison {
    /// The comparison as JSON, written into a buffer sized for it at once.
    pub fn to_json(&self) -> serde_json::Result<Vec<u8>> {
        let pieces = self.paragraphs.iter().flat_map(|p| &p.pieces).chain(&self.title);
        let estimate = pieces.map(|p| p.text.len() + 48).sum::<usize>() + 160 * self.paragraphs.len() + 1024;
        let mut out = Vec::with_capacity(estimate);
        serde_json::to_writer(&mut out, self)?;
        Ok(out)
    }

    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        let s = &self.summary;
        s.added + s.removed + s.moved + s.changed + s.status_changed == 0
            && self.title.iter().all(|p| p.op == PieceOp::Equal)
            && self.proposals.opened.is_empty()
            && self.proposals.settled.is_empty()
    }
}

impl Draft {
    /// Compares the draft at `from` with the draft at `to` (`None`: as it stands) in one
    /// language. `country_of` maps actor ids to delegations (the server's bindings).
    ///
    /// Makes both versions' [`Snapshot`]s and compares them; to compare saved versions
    /// often, keep their snapshots and use [`compare_snapshots`]. Fails with
    /// [`crate::DraftError::UnknownHeads`] if either version names a change this document
    /// does not have. Never blocks.
    pub fn compare(
        &mut self,
        from: Option<&[ChangeHash]>,
        to: Option<&[ChangeHash]>,
        lang: Lang,
        country_of: CountryOf<'_>,
    ) -> Result<Comparison> {
        let old = self.snapshot(from, country_of)?;
        let new = self.snapshot(to, country_of)?;
        Ok(compare_snapshots(&old, &new, lang))
    }

    /// Every actor that made a change to this draft, each once (for looking up whose they
    /// are before a comparison).
    pub fn actors(&mut self) -> Vec<automerge::ActorId> {
        self.settle_for_history();
        let mut seen = HashSet::new();
        self.doc
            .get_changes_meta(&[])
            .into_iter()
            .filter_map(|m| seen.insert(m.actor.clone().into_owned()).then(|| m.actor.into_owned()))
            .collect()
    }
}

/// Compares two versions of a draft, given as snapshots, in one language. Reads no
/// document: everything it needs is in the snapshots.
pub fn compare_snapshots(old: &Snapshot, new: &Snapshot, lang: Lang) -> Comparison {
    let between = Between::of(old, new);
    let old_order: Vec<&ParagraphId> = old.paragraphs.iter().map(|p| &p.id).collect();
    let new_order: Vec<&ParagraphId> = new.paragraphs.iter().map(|p| &p.id).collect();
    let old_map: FnvMap<&ParagraphId, &SnapParagraph> = old.paragraphs.iter().map(|p| (&p.id, p)).collect();
    let new_map: FnvMap<&ParagraphId, &SnapParagraph> = new.paragraphs.iter().map(|p| (&p.id, p)).collect();
    let mut summary = Summary::default();
    let mut scratch = words::Scratch::default();

    // Paragraphs in both whose relative order changed: those outside the longest common
    // subsequence of the two orders.
    let common_old: Vec<&ParagraphId> = old_order.iter().copied().filter(|id| new_map.contains_key(*id)).collect();
    let common_new: Vec<&ParagraphId> = new_order.iter().copied().filter(|id| old_map.contains_key(*id)).collect();
    let mut in_place: FnvSet<&ParagraphId> = FnvSet::default();
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &common_old, &common_new) {
        if let similar::DiffOp::Equal { new_index, len, .. } = op {
            in_place.extend(common_new[new_index..new_index + len].iter().copied());
        }
    }

    // Removed paragraphs go after the paragraph they followed in the older version.
    let mut after: FnvMap<Option<&ParagraphId>, Vec<&ParagraphId>> = FnvMap::default();
    let mut anchor: Option<&ParagraphId> = None;
    for id in old_order.iter().copied() {
        if new_map.contains_key(id) {
            anchor = Some(id);
        } else {
            after.entry(anchor).or_default().push(id);
        }
    }
    let old_number: FnvMap<&ParagraphId, usize> = old_order.iter().enumerate().map(|(i, id)| (*id, i + 1)).collect();

    let mut out = Vec::with_capacity(new_order.len());
    let removed_here = |anchor: Option<&ParagraphId>, out: &mut Vec<ParagraphDiff>, summary: &mut Summary| {
        for id in after.get(&anchor).into_iter().flatten() {
            let side = old_map[*id];
            let text = side.text.get(lang);
            let by = between.paragraph(id.as_str());
            // Its characters went with the paragraph: they are the remover's deletion.
            let pieces = match by {
                Some(c) => split(&text.text, 0..text.text.len(), 0, PieceOp::Delete, &vec![Some(c); text.len()][..], false),
                None => split(&text.text, 0..text.text.len(), 0, PieceOp::Delete, &between.delete_credits(text), false),
            };
            tally(summary, &pieces);
            summary.removed += 1;
            out.push(ParagraphDiff {
                id: (*id).clone(),
                change: ParagraphChange::Removed,
                moved: false,
                from_number: old_number.get(id).copied(),
                to_number: None,
                kind: side.kind,
                status: None,
                kind_change: None,
                by: by.cloned(),
                pieces,
            });
        }
    };
    removed_here(None, &mut out, &mut summary);
    for (i, id) in new_order.iter().copied().enumerate() {
        let side = new_map[id];
        let text = side.text.get(lang);
        let diff = match old_map.get(id).copied() {
            None => {
                let credits = text.insert_credits();
                let pieces = split(&text.text, 0..text.text.len(), 0, PieceOp::Insert, &credits, false);
                tally(&mut summary, &pieces);
                summary.added += 1;
                // A new paragraph still proposed is its proposer's; an accepted one, its
                // text's (whose first characters its proposer typed).
                let by = whole(side, ParagraphProposalKind::Insert).or_else(|| pieces.iter().find_map(|p| p.country.clone()));
                ParagraphDiff {
                    id: id.clone(),
                    change: ParagraphChange::Added,
                    moved: false,
                    from_number: None,
                    to_number: Some(i + 1),
                    kind: side.kind,
                    status: None,
                    kind_change: None,
                    by,
                    pieces,
                }
            }
            Some(before) => {
                let moved = !in_place.contains(id);
                summary.moved += usize::from(moved);
                let status = (before.status != side.status).then_some(FieldChange { from: before.status, to: side.status });
                summary.status_changed += usize::from(status.is_some());
                let kind_change = (before.kind != side.kind).then_some(FieldChange { from: before.kind, to: side.kind });
                let before_text = before.text.get(lang);
                let (change, pieces) = if before_text.text == text.text {
                    (ParagraphChange::Unchanged, equal_piece(&text.text))
                } else {
                    let d = words::diff_with(&mut scratch, &before_text.text, &text.text);
                    if d.hunks.iter().all(|h| matches!(h, Hunk::Equal { .. })) {
                        (ParagraphChange::Unchanged, equal_piece(&text.text))
                    } else {
                        let ins = text.insert_credits();
                        let del = between.delete_credits(before_text);
                        let kept = Kept::of(old, before_text, new, text);
                        let pieces = pieces_of(&d, &before_text.text, &text.text, &del, &ins, Some(&kept));
                        tally(&mut summary, &pieces);
                        summary.changed += 1;
                        (ParagraphChange::Changed, pieces)
                    }
                };
                // A move made by accepting a delegation's proposal is that delegation's.
                let by = match moved {
                    true => between.proposed_move(id.as_str()).cloned().or_else(|| whole(before, ParagraphProposalKind::Move)),
                    false => None,
                };
                ParagraphDiff {
                    id: id.clone(),
                    change,
                    moved,
                    from_number: old_number.get(id).copied(),
                    to_number: Some(i + 1),
                    kind: side.kind,
                    status,
                    kind_change,
                    by,
                    pieces,
                }
            }
        };
        out.push(diff);
        removed_here(Some(id), &mut out, &mut summary);
    }

    Comparison {
        lang,
        from: old.heads.clone(),
        to: new.heads.clone(),
        title: title_pieces(old, new, lang),
        paragraphs: out,
        proposals: proposal_changes(old, new, lang),
        summary,
    }
}

/// The word diff of two plain texts, as pieces without credit: what [`Draft::compare`]
/// does inside one changed paragraph, without reading the document (for benchmarks and for
/// texts from outside a draft).
pub fn diff_texts(old: &str, new: &str) -> Vec<Piece> {
    let none: &[Option<&Country>] = &[];
    pieces_of(&words::diff(old, new), old, new, none, none, None)
}

fn equal_piece(text: &str) -> Vec<Piece> {
    if text.is_empty() {
        return Vec::new();
    }
    vec![Piece { op: PieceOp::Equal, text: text.to_owned(), country: None, moved: false }]
}

/// The delegation of a pending proposal of `kind` about a paragraph of a snapshot.
fn whole(p: &SnapParagraph, kind: ParagraphProposalKind) -> Option<Country> {
    p.pending.iter().find(|(k, _)| *k == kind).map(|(_, c)| c.clone())
}

/// The title's word diff. Titles carry no proposals; their changes are credited by actor.
fn title_pieces(old: &Snapshot, new: &Snapshot, lang: Lang) -> Vec<Piece> {
    let (a, b) = (old.title.get(lang), new.title.get(lang));
    if a.text == b.text {
        return equal_piece(&b.text);
    }
    let kept = Kept::of(old, a, new, b);
    pieces_of(&words::diff(&a.text, &b.text), &a.text, &b.text, &a.inserter_credits(), &b.inserter_credits(), Some(&kept))
}

/// Which characters of two versions of a text are the very same characters (by the id of
/// the operation that inserted them), whatever the word diff makes of them, and where.
struct Kept {
    /// For each character of the older text, its index in the newer one if it is there.
    old_in_new: Vec<Option<usize>>,
    /// For each character of the newer text, its index in the older one if it was there.
    new_in_old: Vec<Option<usize>>,
    /// Whether each character is whitespace (where words end), in each text.
    old_blank: Vec<bool>,
    new_blank: Vec<bool>,
}

impl Kept {
    fn of(old: &Snapshot, a: &snapshot::SnapText, new: &Snapshot, b: &snapshot::SnapText) -> Kept {
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
fn nearest_in_word<'s>(
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
fn change_credits<'s>(
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
fn pieces_of<'s>(
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
fn split<'s>(
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
        return vec![Piece { op, text: part.to_owned(), country: None, moved }];
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
    merged.into_iter().map(|(r, country)| Piece { op, text: part[r].to_owned(), country: country.cloned(), moved }).collect()
}

fn tally(summary: &mut Summary, pieces: &[Piece]) {
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

fn proposal_changes(old: &Snapshot, new: &Snapshot, lang: Lang) -> ProposalChanges {
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
