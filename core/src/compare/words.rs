//! Word-level diff of two texts: tokens, alignment with `similar`, and the hunks a redline
//! shows. Pure: no document, no attribution.
//!
//! - **Tokens** are runs of word characters, runs of whitespace, and single punctuation
//!   marks. A word character is anything that is neither whitespace nor punctuation, so
//!   accented letters and combining marks (`está`, `migración`, a decomposed `é`) stay inside
//!   their word, and `migrantes,` differs from `migrantes.` only in its comma.
//! - **Whitespace** compares equal whatever its kind and length: `a  b` and `a b` do not
//!   differ. The newer text's spacing is what an unchanged run shows.
//! - **Hunks**: changes separated only by whitespace are merged into one, so replacing
//!   three words reads as one cut and one insertion, not three alternations.
//! - **Moves**: a cut and an insertion of the same words (ignoring surrounding spaces) in
//!   the same paragraph are flagged as a move, e.g. a sentence moved within it.

use std::ops::Range;

use super::align::{FnvMap, Seen, intern, patience};

mod tokens;

use tokens::*;
pub(crate) use tokens::{Token, TokenKind};

/// One hunk of a word diff, in token indices of the old and new texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Hunk {
    /// The same tokens on both sides.
    Equal { old: Range<usize>, new: Range<usize> },
    /// Old tokens replaced by new ones (either side may be empty).
    Change { old: Range<usize>, new: Range<usize>, moved: bool },
}

/// A word diff: both token lists and the hunks.
#[derive(Debug, Clone)]
pub(crate) struct WordDiff {
    pub(crate) old: Vec<Token>,
    pub(crate) new: Vec<Token>,
    pub(crate) hunks: Vec<Hunk>,
}

impl WordDiff {
    /// Characters of the old text in token range `r`.
    pub(crate) fn old_chars(&self, r: &Range<usize>) -> Range<usize> {
        span(&self.old, r)
    }

    /// Characters of the new text in token range `r`.
    pub(crate) fn new_chars(&self, r: &Range<usize>) -> Range<usize> {
        span(&self.new, r)
    }

    /// Bytes of the old text in token range `r`.
    pub(crate) fn old_bytes(&self, r: &Range<usize>) -> Range<usize> {
        byte_span(&self.old, r)
    }

    /// Bytes of the new text in token range `r`.
    pub(crate) fn new_bytes(&self, r: &Range<usize>) -> Range<usize> {
        byte_span(&self.new, r)
    }
}

fn byte_span(tokens: &[Token], r: &Range<usize>) -> Range<usize> {
    match (tokens.get(r.start), r.end.checked_sub(1).and_then(|e| tokens.get(e))) {
        (Some(first), Some(last)) if !r.is_empty() => first.bytes.start..last.bytes.end,
        _ => 0..0,
    }
}

fn span(tokens: &[Token], r: &Range<usize>) -> Range<usize> {
    if r.is_empty() {
        let at = tokens.get(r.start).map_or_else(|| tokens.last().map_or(0, |t| t.chars.end), |t| t.chars.start);
        return at..at;
    }
    tokens[r.start].chars.start..tokens[r.end - 1].chars.end
}

/// Moves each pure insertion or deletion as far towards the end of the text as the equal
/// text after it allows (`here| First point.| Third` becomes `here. |First point. |Third`),
/// so it keeps its punctuation and spacing and starts where a word starts.
fn slide<'t>(hunks: &mut Vec<Hunk>, old_key: impl Fn(usize) -> &'t str, new_key: impl Fn(usize) -> &'t str) {
    let mut i = 0;
    while i < hunks.len() {
        let (Some(Hunk::Change { old: o, new: n, .. }), Some(Hunk::Equal { old: eo, new: en })) = (hunks.get(i), hunks.get(i + 1)) else {
            i += 1;
            continue;
        };
        let (mut o, mut n, mut eo, mut en) = (o.clone(), n.clone(), eo.clone(), en.clone());
        let mut moved_by = 0;
        // A pure insertion (or deletion) whose first token is also the next equal run's first.
        while !eo.is_empty()
            && ((o.is_empty() && !n.is_empty() && new_key(n.start) == new_key(en.start))
                || (n.is_empty() && !o.is_empty() && old_key(o.start) == old_key(eo.start)))
        {
            o = o.start + 1..o.end + 1;
            n = n.start + 1..n.end + 1;
            eo.start += 1;
            en.start += 1;
            moved_by += 1;
        }
        if moved_by == 0 {
            i += 1;
            continue;
        }
        let (shift_o, shift_n) = (o.start - moved_by..o.start, n.start - moved_by..n.start);
        match i.checked_sub(1).and_then(|p| hunks.get_mut(p)) {
            Some(Hunk::Equal { old, new }) => {
                old.end = shift_o.end;
                new.end = shift_n.end;
            }
            _ => {
                hunks.insert(i, Hunk::Equal { old: shift_o, new: shift_n });
                i += 1;
            }
        }
        hunks[i] = Hunk::Change { old: o, new: n, moved: false };
        if eo.is_empty() {
            hunks.remove(i + 1);
            // The change now meets the next one: they become one.
            if let Some(Hunk::Change { old: o2, new: n2, .. }) = hunks.get(i + 1).cloned() {
                if let Hunk::Change { old, new, .. } = &mut hunks[i] {
                    old.end = o2.end;
                    new.end = n2.end;
                }
                hunks.remove(i + 1);
            }
        } else {
            hunks[i + 1] = Hunk::Equal { old: eo, new: en };
        }
        i += 1;
    }
}

/// Diffs two texts word by word.
pub(crate) fn diff(old_text: &str, new_text: &str) -> WordDiff {
    diff_with(&mut Scratch::default(), old_text, new_text)
}

/// Buffers a word diff works in, kept from one paragraph to the next of a comparison.
#[derive(Default)]
pub(crate) struct Scratch<'t> {
    table: FnvMap<&'t str, u32>,
    old_ids: Vec<u32>,
    new_ids: Vec<u32>,
    seen: Vec<Seen>,
    steps: Vec<(bool, Range<usize>, Range<usize>)>,
}

/// [`diff`] with buffers from an earlier one.
pub(crate) fn diff_with<'t>(scratch: &mut Scratch<'t>, old_text: &'t str, new_text: &'t str) -> WordDiff {
    // Most paragraphs differ in a few places: the shared start and end are not tokenized.
    let start = shared_start(old_text, new_text);
    let end = shared_end(old_text, new_text, start);
    let old = tokenize_middle(old_text, start, end);
    let new = tokenize_middle(new_text, start, end);
    let old_key = |i: usize| key(old_text, &old[i]);
    let new_key = |i: usize| key(new_text, &new[i]);
    // The common start and end are equal as they are; only the tokens between are numbered
    // and aligned (the ids outside stay unread).
    let prefix = (0..old.len().min(new.len())).take_while(|&i| old_key(i) == new_key(i)).count();
    let suffix = (0..old.len().min(new.len()) - prefix).take_while(|&k| old_key(old.len() - 1 - k) == new_key(new.len() - 1 - k)).count();
    let (o, n) = (prefix..old.len() - suffix, prefix..new.len() - suffix);
    let Scratch { table, old_ids, new_ids, seen, steps } = scratch;
    table.clear();
    steps.clear();
    old_ids.clear();
    old_ids.resize(old.len(), u32::MAX);
    new_ids.clear();
    new_ids.resize(new.len(), u32::MAX);
    intern(o.clone().map(old_key), table, &mut old_ids[o.clone()]);
    intern(n.clone().map(new_key), table, &mut new_ids[n.clone()]);
    if prefix > 0 {
        steps.push((true, 0..prefix, 0..prefix));
    }
    // Patience anchors on words that occur once on each side, so a moved sentence shows as
    // one cut and one insertion rather than being matched piecemeal.
    seen.clear();
    seen.resize(table.len(), Seen::default());
    patience(old_ids, new_ids, o.clone(), n.clone(), seen, steps);
    if suffix > 0 {
        steps.push((true, o.end..old.len(), n.end..new.len()));
    }

    let mut hunks = grouped(steps);
    slide(&mut hunks, old_key, new_key);
    let mut merged = merged_across_spaces(&hunks, &old);
    flag_moves(&mut merged, (&old, old_text), (&new, new_text));
    WordDiff { old, new, hunks: merged }
}

/// The aligned steps as hunks: consecutive changes become one hunk, and so do
/// consecutive equal runs.
fn grouped(steps: &mut Vec<(bool, Range<usize>, Range<usize>)>) -> Vec<Hunk> {
    let mut hunks: Vec<Hunk> = Vec::new();
    for (equal, o, n) in steps.drain(..) {
        if o.is_empty() && n.is_empty() {
            continue;
        }
        match (hunks.last_mut(), equal) {
            (Some(Hunk::Equal { old, new }), true) | (Some(Hunk::Change { old, new, .. }), false) => {
                old.end = o.end;
                new.end = n.end;
            }
            (_, true) => hunks.push(Hunk::Equal { old: o, new: n }),
            (_, false) => hunks.push(Hunk::Change { old: o, new: n, moved: false }),
        }
    }
    hunks
}

/// The hunks with changes separated only by whitespace (in `old`, the older tokens)
/// made one.
fn merged_across_spaces(hunks: &[Hunk], old: &[Token]) -> Vec<Hunk> {
    let mut merged: Vec<Hunk> = Vec::with_capacity(hunks.len());
    let mut i = 0;
    while i < hunks.len() {
        let spaces_between = match (&hunks[i], hunks.get(i + 1), merged.last()) {
            (Hunk::Equal { old: gap, .. }, Some(Hunk::Change { .. }), Some(Hunk::Change { .. })) => {
                gap.clone().all(|t| old[t].kind == TokenKind::Space)
            }
            _ => false,
        };
        if spaces_between {
            if let (Some(Hunk::Change { old, new, .. }), Some(Hunk::Change { old: o2, new: n2, .. })) =
                (merged.last_mut(), hunks.get(i + 1))
            {
                old.end = o2.end;
                new.end = n2.end;
            }
            i += 2;
            continue;
        }
        merged.push(hunks[i].clone());
        i += 1;
    }
    merged
}

/// Flags as moved a cut and an insertion of the same words (at least two; spacing and
/// punctuation around them aside). `old` and `new`: each side's tokens and text.
fn flag_moves<'a>(merged: &mut [Hunk], old: (&'a [Token], &'a str), new: (&'a [Token], &'a str)) {
    // Each change's words on one side, for changes of at least two words.
    let words_of = |merged: &[Hunk], side_old: bool| -> Vec<(usize, Vec<&'a str>)> {
        let (tokens, text) = if side_old { old } else { new };
        merged
            .iter()
            .enumerate()
            .filter_map(|(i, h)| match h {
                Hunk::Change { old: o, new: n, .. } => {
                    let r = if side_old { o } else { n };
                    let words: Vec<&str> =
                        r.clone().filter(|&t| tokens[t].kind == TokenKind::Word).map(|t| key(text, &tokens[t])).collect();
                    (words.len() >= 2).then_some((i, words))
                }
                Hunk::Equal { .. } => None,
            })
            .collect()
    };
    let cuts = words_of(merged, true);
    if cuts.is_empty() {
        return;
    }
    let puts = words_of(merged, false);
    for (a, cut) in &cuts {
        for (b, put) in &puts {
            if a != b && cut == put {
                for h in [*a, *b] {
                    if let Hunk::Change { moved, .. } = &mut merged[h] {
                        *moved = true;
                    }
                }
            }
        }
    }
}

/// How many words a text holds.
pub(crate) fn count_words(text: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        let word = kind_of(c) == TokenKind::Word;
        count += usize::from(word && !in_word);
        in_word = word;
    }
    count
}

#[cfg(test)]
mod tests;
