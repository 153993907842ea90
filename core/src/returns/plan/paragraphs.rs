//! Edits per paragraph made into changes, in reading order: text replaced, inserted or
//! deleted at one place (one proposal each), a paragraph deleted whole, new paragraphs,
//! and a paragraph deleted at one place and added unchanged at another as its move.

use std::ops::Range;

use super::interpret::{Decision, Found, NewPiece, ParaEdits, kind_of};
use super::{Change, Ctx, Interpreted, note};
use crate::ids::ParagraphId;

/// Drops a leading paragraph number (`2.`, `5 bis.`, `3)`) and the spaces after it.
pub(crate) fn strip_number(text: &str) -> &str {
    let t = text.trim_start();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return t;
    }
    let mut rest = &t[digits..];
    if let Some(word) = rest.strip_prefix(' ') {
        let letters = word.bytes().take_while(u8::is_ascii_lowercase).count();
        if letters > 0 && word[letters..].starts_with(['.', ')']) {
            rest = &word[letters..];
        }
    }
    match rest.strip_prefix(['.', ')']) {
        Some(r) if r.is_empty() || r.starts_with(char::is_whitespace) => r.trim_start(),
        _ => t,
    }
}

fn normal(text: &str) -> String {
    strip_number(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `at` is between two words of `chars` (or at an end).
fn boundary(chars: &[char], at: usize) -> bool {
    at == 0 || at >= chars.len() || !(chars[at - 1].is_alphanumeric() && chars[at].is_alphanumeric())
}

/// A replacement narrowed to what it changes: whole words the deleted and the inserted text
/// begin or end with alike stay (a text retyped with one word added is that word's
/// insertion, as a negotiator reads it).
fn trim_common(range: Range<usize>, deleted: &[char], inserted: &str) -> (Range<usize>, String) {
    let ins: Vec<char> = inserted.chars().collect();
    let mut p = deleted.iter().zip(&ins).take_while(|(a, b)| a == b).count();
    while p > 0 && !(boundary(deleted, p) && boundary(&ins, p)) {
        p -= 1;
    }
    let room = (deleted.len() - p).min(ins.len() - p);
    let mut s = deleted.iter().rev().zip(ins.iter().rev()).take(room).take_while(|(a, b)| a == b).count();
    while s > 0 && !(boundary(deleted, deleted.len() - s) && boundary(&ins, ins.len() - s)) {
        s -= 1;
    }
    let kept: String = ins[p..ins.len() - s].iter().collect();
    (range.start + p..range.end - s, kept)
}

/// Runs of deleted characters with the insertions at their places, and insertions alone:
/// (deleted range, inserted text, all tracked).
fn hunks(edits: &ParaEdits) -> Vec<(Range<usize>, String, bool)> {
    let len = edits.dels.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i <= len {
        if !edits.ins.contains_key(&i) && (i == len || edits.dels[i].is_none()) {
            i += 1;
            continue;
        }
        let (mut text, mut tracked) = edits.ins.get(&i).cloned().unwrap_or((String::new(), true));
        let mut j = i;
        while let Some(Some(t)) = edits.dels.get(j) {
            tracked &= t;
            j += 1;
            if let Some((more, t)) = edits.ins.get(&j) {
                text.push_str(more);
                tracked &= t;
            }
        }
        out.push((i..j, text, tracked));
        i = j + 1;
    }
    out
}

fn decision_reason(d: Decision) -> (&'static str, &'static str) {
    match d {
        Decision::AcceptedInsertion => {
            ("a proposed insertion accepted in Word", "a returned file proposes; deciding proposals is for the chairs in Pluma")
        }
        Decision::RejectedInsertion => {
            ("a proposed insertion rejected in Word", "a returned file proposes; deciding proposals is for the chairs in Pluma")
        }
        Decision::AcceptedDeletion => {
            ("a proposed deletion accepted in Word", "a returned file proposes; deciding proposals is for the chairs in Pluma")
        }
        Decision::RejectedDeletion => {
            ("a proposed deletion rejected in Word", "a returned file proposes; deciding proposals is for the chairs in Pluma")
        }
    }
}

/// Makes the changes and notes, in reading order.
pub(super) fn build(ctx: &Ctx<'_>, found: Found, out: &mut Interpreted) {
    let paragraphs = &ctx.x.paragraphs;
    let n = paragraphs.len();
    let whole: Vec<bool> = (0..n)
        .map(|p| {
            let (e, x) = (&found.edits[p], &paragraphs[p]);
            !x.chars.is_empty() && !x.moved_here && e.ins.is_empty() && e.dels.iter().all(Option::is_some)
        })
        .collect();
    // A paragraph deleted whole and added unchanged elsewhere is moved.
    let mut moved_to: Vec<Option<usize>> = vec![None; found.pieces.len()];
    let mut moved = vec![false; n];
    for (i, piece) in found.pieces.iter().enumerate() {
        let text = normal(&piece.text);
        if let Some(p) = (0..n).find(|&p| whole[p] && !moved[p] && normal(&paragraphs[p].text()) == text) {
            moved[p] = true;
            moved_to[i] = Some(p);
        }
    }
    let candidates = |after: Option<usize>| -> Vec<ParagraphId> {
        after.map_or(Vec::new(), |a| (0..=a).rev().filter(|&q| !paragraphs[q].moved_here).map(|q| paragraphs[q].id.clone()).collect())
    };
    let emit_pieces = |after: Option<usize>, out: &mut Interpreted| {
        let mut chain: Option<usize> = None;
        for (i, piece) in found.pieces.iter().enumerate().filter(|(_, p)| p.after == after) {
            let change = match moved_to[i] {
                Some(p) => {
                    chain = None;
                    let x = &paragraphs[p];
                    Change::MoveParagraph { paragraph: x.id.clone(), after: candidates(after), text: x.text(), tracked: piece.tracked }
                }
                None => {
                    let change = new_paragraph(ctx, piece, candidates(after), chain);
                    chain = Some(out.changes.len());
                    change
                }
            };
            out.changes.push(change);
        }
    };
    emit_pieces(None, out);
    for p in 0..n {
        let gone = match (whole[p], moved[p]) {
            (true, true) => Gone::Moved,
            (true, false) => Gone::Deleted,
            _ => Gone::No,
        };
        paragraph_changes(ctx, &found, p, gone, out);
        if found.edits[p].end_deleted.is_some() && !(whole[p] || whole.get(p + 1) == Some(&true)) && !paragraphs[p].moved_here {
            out.not_placed.push(note(
                Some(&paragraphs[p].id),
                "two paragraphs joined",
                paragraphs[p].text(),
                "Word joined this paragraph with the next; Pluma keeps paragraphs apart: propose the text each should have",
            ));
        }
        emit_pieces(Some(p), out);
    }
}

fn new_paragraph(ctx: &Ctx<'_>, piece: &NewPiece, after: Vec<ParagraphId>, after_item: Option<usize>) -> Change {
    Change::NewParagraph {
        after,
        after_item,
        kind: kind_of(ctx, piece),
        text: strip_number(piece.text.trim()).to_owned(),
        tracked: piece.tracked,
    }
}

/// Whether a paragraph's text went whole: deleted, or moved (made where it lands).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gone {
    No,
    Deleted,
    Moved,
}

/// The changes and notes of one exported paragraph.
fn paragraph_changes(ctx: &Ctx<'_>, found: &Found, p: usize, gone: Gone, out: &mut Interpreted) {
    let x = &ctx.x.paragraphs[p];
    let edits = &found.edits[p];
    let id = Some(&x.id);
    for (d, text) in &edits.decisions {
        let (what, reason) = decision_reason(*d);
        out.not_placed.push(note(id, what, text.clone(), reason));
    }
    let (was, now) = &edits.number;
    if gone == Gone::No && !(was.is_empty() && now.is_empty()) {
        out.not_placed.push(note(
            id,
            "a paragraph number changed",
            format!("“{}” → “{}”", was.trim(), now.trim()),
            "paragraph numbers are Pluma's",
        ));
    }
    let edited = !edits.ins.is_empty() || edits.dels.iter().any(Option::is_some);
    if x.moved_here {
        if edited {
            out.not_placed.push(note(
                id,
                "edits where a proposed move would put the paragraph",
                x.text(),
                "this is a copy shown where the move would put it: edit the paragraph at its own place",
            ));
        }
        return;
    }
    for (_, text) in found.splits.iter().filter(|(q, _)| *q == p) {
        out.not_placed.push(note(
            id,
            "a paragraph split in two",
            text.clone(),
            "Pluma does not split paragraphs: propose the new paragraph's text as a new paragraph",
        ));
    }
    if gone == Gone::Moved {
        return;
    }
    if gone == Gone::Deleted {
        let tracked = edits.dels.iter().all(|d| *d == Some(true));
        out.changes.push(Change::DeleteParagraph { paragraph: x.id.clone(), text: x.text(), tracked });
        return;
    }
    for (range, inserted, tracked) in hunks(edits) {
        let deleted: Vec<char> = x.chars[range.clone()].iter().map(|c| c.ch).collect();
        let (range, inserted) = trim_common(range, &deleted, &inserted);
        if range.is_empty() && inserted.is_empty() {
            continue;
        }
        let id_at = |i: usize| x.chars.get(i).map(|c| c.id.clone());
        out.changes.push(Change::Text {
            paragraph: x.id.clone(),
            deleted: x.chars[range.clone()].iter().map(|c| c.id.clone()).collect(),
            deleted_text: x.chars[range.clone()].iter().map(|c| c.ch).collect(),
            inserted,
            after: range.start.checked_sub(1).and_then(id_at),
            before: id_at(range.end),
            tracked,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_dropped() {
        assert_eq!(strip_number("2. We agree"), "We agree");
        assert_eq!(strip_number("5 bis. We call"), "We call");
        assert_eq!(strip_number("3) Agree"), "Agree");
        assert_eq!(strip_number("2021 was a year"), "2021 was a year");
        assert_eq!(strip_number("12 states agree."), "12 states agree.");
    }

    /// A retyped text keeps the whole words it begins and ends with.
    #[test]
    fn replacements_keep_common_words() {
        let d: Vec<char> = "safe migration".chars().collect();
        assert_eq!(trim_common(10..24, &d, "safe, orderly and regular migration"), (14..14, ", orderly and regular".to_owned()));
        let d: Vec<char> = "meet again".chars().collect();
        assert_eq!(trim_common(0..10, &d, "meet again in Lima"), (10..10, " in Lima".to_owned()));
        let d: Vec<char> = "safe".chars().collect();
        assert_eq!(trim_common(0..4, &d, "safer"), (0..4, "safer".to_owned()), "words are kept whole");
        let d: Vec<char> = "the value".chars().collect();
        assert_eq!(trim_common(0..9, &d, "the importance"), (4..9, "importance".to_owned()));
    }

    /// A deleted run with the insertion after it is one hunk; an insertion alone is another.
    #[test]
    fn hunks_group_deletions_with_insertions() {
        let mut e = ParaEdits { dels: vec![None, Some(true), Some(true), None, None], ..Default::default() };
        e.ins.insert(3, ("XY".into(), true));
        e.ins.insert(5, ("!".into(), false));
        assert_eq!(hunks(&e), vec![(1..3, "XY".to_owned(), true), (5..5, "!".to_owned(), false)]);
    }
}
