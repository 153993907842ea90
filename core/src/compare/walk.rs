//! The paragraphs of two snapshots side by side, in the newer reading order, each removed
//! paragraph after the one it followed in the older version: [`compare_snapshots`].

use super::align::{FnvMap, FnvSet};
use super::credit::Between;
use super::emphasis;
use super::pieces::{Kept, equal_piece, pieces_of, proposal_changes, split, tally, title_pieces, whole};
use super::snapshot::{SnapParagraph, Snapshot};
use super::words::{self, Hunk};
use super::{Comparison, FieldChange, ParagraphChange, ParagraphDiff, Piece, PieceOp, Summary};
use crate::ids::{Country, Lang, ParagraphId};
use crate::schema::ParagraphProposalKind;

/// Compares two versions of a draft, given as snapshots, in one language. Reads no
/// document: everything it needs is in the snapshots.
pub fn compare_snapshots(old: &Snapshot, new: &Snapshot, lang: Lang) -> Comparison {
    let walk = Walk::new(old, new, lang);
    let mut summary = Summary::default();
    let mut scratch = words::Scratch::default();
    let mut out = Vec::with_capacity(new.paragraphs.len());
    walk.removed_after(None, &mut out, &mut summary);
    for (i, p) in new.paragraphs.iter().enumerate() {
        let id = &p.id;
        let side = walk.new_map[id];
        let diff = match walk.old_map.get(id).copied() {
            None => walk.added(id, side, i + 1, &mut summary),
            Some(before) => walk.kept(id, before, side, i + 1, &mut scratch, &mut summary),
        };
        out.push(diff);
        walk.removed_after(Some(id), &mut out, &mut summary);
    }
    emphasis::apply(&mut out, old, new, lang);
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

/// The word diff of two plain texts, as pieces without credit: what
/// [`crate::Draft::compare`] does inside one changed paragraph, without reading the
/// document (for benchmarks and for texts from outside a draft).
pub fn diff_texts(old: &str, new: &str) -> Vec<Piece> {
    let none: &[Option<&Country>] = &[];
    pieces_of(&words::diff(old, new), old, new, none, none, None)
}

/// What the walk knows of both versions before it starts.
struct Walk<'s> {
    old: &'s Snapshot,
    new: &'s Snapshot,
    lang: Lang,
    between: Between<'s>,
    old_map: FnvMap<&'s ParagraphId, &'s SnapParagraph>,
    new_map: FnvMap<&'s ParagraphId, &'s SnapParagraph>,
    /// Paragraphs in both whose relative order did not change.
    in_place: FnvSet<&'s ParagraphId>,
    /// Removed paragraphs, after the paragraph they followed in the older version.
    after: FnvMap<Option<&'s ParagraphId>, Vec<&'s ParagraphId>>,
    /// Each older paragraph's place in the older reading order, from 1.
    old_number: FnvMap<&'s ParagraphId, usize>,
}

impl<'s> Walk<'s> {
    fn new(old: &'s Snapshot, new: &'s Snapshot, lang: Lang) -> Walk<'s> {
        let old_order: Vec<&ParagraphId> = old.paragraphs.iter().map(|p| &p.id).collect();
        let new_order: Vec<&ParagraphId> = new.paragraphs.iter().map(|p| &p.id).collect();
        let old_map: FnvMap<&ParagraphId, &SnapParagraph> = old.paragraphs.iter().map(|p| (&p.id, p)).collect();
        let new_map: FnvMap<&ParagraphId, &SnapParagraph> = new.paragraphs.iter().map(|p| (&p.id, p)).collect();

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

        let mut after: FnvMap<Option<&ParagraphId>, Vec<&ParagraphId>> = FnvMap::default();
        let mut anchor: Option<&ParagraphId> = None;
        for id in old_order.iter().copied() {
            if new_map.contains_key(id) {
                anchor = Some(id);
            } else {
                after.entry(anchor).or_default().push(id);
            }
        }
        let old_number = old_order.iter().enumerate().map(|(i, id)| (*id, i + 1)).collect();
        Walk { old, new, lang, between: Between::of(old, new), old_map, new_map, in_place, after, old_number }
    }

    /// The paragraphs removed after `anchor` (`None`: before the first that stayed).
    fn removed_after(&'s self, anchor: Option<&ParagraphId>, out: &mut Vec<ParagraphDiff>, summary: &mut Summary) {
        for id in self.after.get(&anchor).into_iter().flatten() {
            let side = self.old_map[*id];
            let text = side.text.get(self.lang);
            let by = self.between.paragraph(id.as_str());
            // Its characters went with the paragraph: they are the remover's deletion.
            let whole = 0..text.text.len();
            let pieces = match by {
                Some(c) => split(&text.text, whole, 0, PieceOp::Delete, &vec![Some(c); text.len()][..], false),
                None => split(&text.text, whole, 0, PieceOp::Delete, &self.between.delete_credits(text), false),
            };
            tally(summary, &pieces);
            summary.removed += 1;
            out.push(ParagraphDiff {
                id: (*id).clone(),
                change: ParagraphChange::Removed,
                moved: false,
                from_number: self.old_number.get(id).copied(),
                to_number: None,
                kind: side.kind,
                status: None,
                kind_change: None,
                by: by.cloned(),
                pieces,
            });
        }
    }

    /// A paragraph only the newer version has, at `number` in its reading order.
    fn added(&self, id: &ParagraphId, side: &SnapParagraph, number: usize, summary: &mut Summary) -> ParagraphDiff {
        let text = side.text.get(self.lang);
        let credits = text.insert_credits();
        let pieces = split(&text.text, 0..text.text.len(), 0, PieceOp::Insert, &credits, false);
        tally(summary, &pieces);
        summary.added += 1;
        // A new paragraph still proposed is its proposer's; an accepted one, its text's
        // (whose first characters its proposer typed).
        let by = whole(side, ParagraphProposalKind::Insert).or_else(|| pieces.iter().find_map(|p| p.country.clone()));
        ParagraphDiff {
            id: id.clone(),
            change: ParagraphChange::Added,
            moved: false,
            from_number: None,
            to_number: Some(number),
            kind: side.kind,
            status: None,
            kind_change: None,
            by,
            pieces,
        }
    }

    /// A paragraph both versions have (`before`, `side`), at `number` in the newer order.
    fn kept(
        &'s self,
        id: &ParagraphId,
        before: &'s SnapParagraph,
        side: &'s SnapParagraph,
        number: usize,
        scratch: &mut words::Scratch<'s>,
        summary: &mut Summary,
    ) -> ParagraphDiff {
        let moved = !self.in_place.contains(id);
        summary.moved += usize::from(moved);
        let status = (before.status != side.status).then_some(FieldChange { from: before.status, to: side.status });
        summary.status_changed += usize::from(status.is_some());
        let kind_change = (before.kind != side.kind).then_some(FieldChange { from: before.kind, to: side.kind });
        let (change, pieces) = self.text_change(before, side, scratch, summary);
        // A move made by accepting a delegation's proposal is that delegation's.
        let by = match moved {
            true => self.between.proposed_move(id.as_str()).cloned().or_else(|| whole(before, ParagraphProposalKind::Move)),
            false => None,
        };
        ParagraphDiff {
            id: id.clone(),
            change,
            moved,
            from_number: self.old_number.get(id).copied(),
            to_number: Some(number),
            kind: side.kind,
            status,
            kind_change,
            by,
            pieces,
        }
    }

    /// How the text of a paragraph both versions have changed, word by word.
    fn text_change(
        &'s self,
        before: &'s SnapParagraph,
        side: &'s SnapParagraph,
        scratch: &mut words::Scratch<'s>,
        summary: &mut Summary,
    ) -> (ParagraphChange, Vec<Piece>) {
        let (before_text, text) = (before.text.get(self.lang), side.text.get(self.lang));
        if before_text.text == text.text {
            return (ParagraphChange::Unchanged, equal_piece(&text.text));
        }
        let d = words::diff_with(scratch, &before_text.text, &text.text);
        if d.hunks.iter().all(|h| matches!(h, Hunk::Equal { .. })) {
            return (ParagraphChange::Unchanged, equal_piece(&text.text));
        }
        let ins = text.insert_credits();
        let del = self.between.delete_credits(before_text);
        let kept = Kept::of(self.old, before_text, self.new, text);
        let pieces = pieces_of(&d, &before_text.text, &text.text, &del, &ins, Some(&kept));
        tally(summary, &pieces);
        summary.changed += 1;
        (ParagraphChange::Changed, pieces)
    }
}
