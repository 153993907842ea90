//! Italics in a comparison: each piece is marked `em` where its characters are italic in
//! the version they come from (equal and inserted text in the newer, deleted text in the
//! older), split where italics begin or end. A communiqué's preambular paragraphs open
//! with italic words; a redline without them would not read as the text does.

use std::ops::Range;

use super::snapshot::Snapshot;
use super::{ParagraphDiff, Piece, PieceOp};
use crate::ids::Lang;
use crate::render::Segment;

/// The italic runs of a paragraph's segments, as character ranges, adjacent runs joined.
pub(crate) fn italic_runs(segments: &[Segment]) -> Vec<Range<usize>> {
    let mut runs: Vec<Range<usize>> = Vec::new();
    for s in segments.iter().filter(|s| s.em && s.start < s.end) {
        match runs.last_mut() {
            Some(last) if last.end == s.start => last.end = s.end,
            _ => runs.push(s.start..s.end),
        }
    }
    runs
}

/// Marks the italic pieces of every paragraph of a comparison of `old` with `new`.
pub(crate) fn apply(paragraphs: &mut [ParagraphDiff], old: &Snapshot, new: &Snapshot, lang: Lang) {
    let runs_in = |snap: &Snapshot, p: &ParagraphDiff| -> Vec<Range<usize>> {
        snap.paragraphs.iter().find(|q| q.id == p.id).map(|q| q.text.get(lang).em.clone()).unwrap_or_default()
    };
    for p in paragraphs {
        let (old_em, new_em) = (runs_in(old, p), runs_in(new, p));
        if old_em.is_empty() && new_em.is_empty() {
            continue;
        }
        p.pieces = mark(std::mem::take(&mut p.pieces), &old_em, &new_em);
    }
}

/// The pieces split at the bounds of the italic runs and marked: equal and inserted pieces
/// by `new_em` (ranges of the newer text), deleted pieces by `old_em`.
fn mark(pieces: Vec<Piece>, old_em: &[Range<usize>], new_em: &[Range<usize>]) -> Vec<Piece> {
    let (mut at_old, mut at_new) = (0usize, 0usize);
    let mut out = Vec::with_capacity(pieces.len());
    for piece in pieces {
        let chars: Vec<char> = piece.text.chars().collect();
        let (at, runs) = match piece.op {
            PieceOp::Delete => (&mut at_old, old_em),
            PieceOp::Insert => (&mut at_new, new_em),
            PieceOp::Equal => {
                at_old += chars.len();
                (&mut at_new, new_em)
            }
        };
        let start = *at;
        *at += chars.len();
        let italic = |i: usize| runs.iter().any(|r| r.contains(&(start + i)));
        let mut from = 0;
        for i in 1..=chars.len() {
            if i == chars.len() || italic(i) != italic(from) {
                out.push(Piece { text: chars[from..i].iter().collect(), em: italic(from), ..piece.clone() });
                from = i;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(op: PieceOp, text: &str) -> Piece {
        Piece { op, text: text.to_owned(), country: None, moved: false, em: false }
    }

    /// Equal and inserted text take the newer version's italics, deleted text the older's,
    /// split where italics begin or end.
    #[test]
    fn pieces_take_the_italics_of_their_version() {
        // Older: "Noting that", "Noting" italic. Newer: "Recalling that", "Recalling" italic.
        let pieces = vec![piece(PieceOp::Delete, "Noting"), piece(PieceOp::Insert, "Recalling"), piece(PieceOp::Equal, " that")];
        let (noting, recalling) = (0..6, 0..9);
        let out = mark(pieces, std::slice::from_ref(&noting), std::slice::from_ref(&recalling));
        let shown: Vec<(&str, bool)> = out.iter().map(|p| (p.text.as_str(), p.em)).collect();
        assert_eq!(shown, [("Noting", true), ("Recalling", true), (" that", false)]);
        let pieces = vec![piece(PieceOp::Equal, "Welcoming the report")];
        let out = mark(pieces, std::slice::from_ref(&recalling), std::slice::from_ref(&recalling));
        let shown: Vec<(&str, bool)> = out.iter().map(|p| (p.text.as_str(), p.em)).collect();
        assert_eq!(shown, [("Welcoming", true), (" the report", false)]);
    }
}
