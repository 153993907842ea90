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

/// What kind of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Word,
    Space,
    Punct,
    /// A stretch at the start or end that both texts share, kept whole (see [`diff`]).
    Same,
}

/// A token: its kind and its character and byte ranges in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) chars: Range<usize>,
    pub(crate) bytes: Range<usize>,
}

/// Punctuation that ends or splits words, in English and Spanish typography.
fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c, '¿' | '¡' | '«' | '»' | '“' | '”' | '‘' | '’' | '„' | '–' | '—' | '…' | '·' | '•' | '§' | '°' | '\u{00A0}')
}

#[inline]
fn kind_of(c: char) -> TokenKind {
    if c.is_ascii() {
        return if c.is_whitespace() {
            TokenKind::Space
        } else if c.is_ascii_punctuation() {
            TokenKind::Punct
        } else {
            TokenKind::Word
        };
    }
    if c.is_whitespace() {
        TokenKind::Space
    } else if is_punct(c) {
        TokenKind::Punct
    } else {
        TokenKind::Word
    }
}

/// Cuts a text into tokens (a comparison tokenizes only what differs: [`diff`]).
#[cfg(test)]
fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 3);
    tokenize_into(text, 0..text.len(), 0, &mut out);
    out
}

/// Appends the tokens of `text[bytes]`, whose first character is character `first`.
fn tokenize_into(text: &str, bytes: Range<usize>, first: usize, out: &mut Vec<Token>) {
    let Some(part) = text.get(bytes.clone()) else { return };
    let raw = part.as_bytes();
    // The kind and length of the character at byte `at`: ASCII by table, the rest decoded.
    let class = |at: usize| match raw[at] {
        b if b.is_ascii() => (ASCII_KINDS[usize::from(b)], 1),
        _ => part[at..].chars().next().map_or((TokenKind::Word, 1), |c| (kind_of(c), c.len_utf8())),
    };
    let (mut bi, mut ci) = (0, first);
    while bi < raw.len() {
        let (kind, len) = class(bi);
        let (start, start_char) = (bi, ci);
        bi += len;
        ci += 1;
        // Words and whitespace run on; each punctuation mark is a token of its own.
        if kind != TokenKind::Punct {
            while bi < raw.len() {
                let (next, len) = class(bi);
                if next != kind {
                    break;
                }
                bi += len;
                ci += 1;
            }
        }
        out.push(Token { kind, chars: start_char..ci, bytes: bytes.start + start..bytes.start + bi });
    }
}

/// [`kind_of`] for each ASCII character.
const ASCII_KINDS: [TokenKind; 128] = {
    let mut kinds = [TokenKind::Word; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        // As `char::is_whitespace`, which also counts the vertical tab.
        kinds[b] = if c.is_ascii_whitespace() || c == 0x0B {
            TokenKind::Space
        } else if c.is_ascii_punctuation() {
            TokenKind::Punct
        } else {
            TokenKind::Word
        };
        b += 1;
    }
    kinds
};

/// Characters of shared start and end kept as tokens next to the part that differs, so
/// that a change can still slide into them.
const MARGIN: usize = 16;

/// Where the shared start of two texts ends for tokenizing (a byte offset valid in both):
/// at least [`MARGIN`] bytes before the first difference, just after a whitespace, before a
/// non-whitespace character in both texts; 0 if there is no such place.
fn shared_start(a: &str, b: &str) -> usize {
    let common = common_prefix(a.as_bytes(), b.as_bytes());
    let mut at = common.saturating_sub(MARGIN);
    while at > 0 {
        let boundary = a.is_char_boundary(at) && b.is_char_boundary(at);
        let after_space = boundary && a[..at].chars().next_back().is_some_and(char::is_whitespace);
        let word_next = |t: &str| t[at..].chars().next().is_none_or(|c| !c.is_whitespace());
        if after_space && word_next(a) && word_next(b) {
            return at;
        }
        at -= 1;
    }
    0
}

/// Length of the longest common prefix of two byte strings (compared a block at a time).
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 16;
    let mut at = 0;
    while a.len().min(b.len()) >= at + BLOCK && a[at..at + BLOCK] == b[at..at + BLOCK] {
        at += BLOCK;
    }
    at + a[at..].iter().zip(&b[at..]).take_while(|(x, y)| x == y).count()
}

/// Length of the longest common suffix of two byte strings (compared a block at a time).
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 16;
    let mut len = 0;
    while a.len().min(b.len()) >= len + BLOCK && a[a.len() - len - BLOCK..a.len() - len] == b[b.len() - len - BLOCK..b.len() - len] {
        len += BLOCK;
    }
    len + a[..a.len() - len].iter().rev().zip(b[..b.len() - len].iter().rev()).take_while(|(x, y)| x == y).count()
}

/// How many bytes at the end of both texts are shared for tokenizing, from at least
/// [`MARGIN`] bytes after the last difference: the stretch starts with a non-whitespace
/// character after a whitespace in both texts (0 if there is no such place). Never
/// reaches into the first `keep` bytes of either text.
fn shared_end(a: &str, b: &str, keep: usize) -> usize {
    let room = a.len().min(b.len()) - keep;
    let common = common_suffix(&a.as_bytes()[a.len() - room..], &b.as_bytes()[b.len() - room..]);
    let mut len = common.saturating_sub(MARGIN);
    while len > 0 {
        let (sa, sb) = (a.len() - len, b.len() - len);
        let ok = |t: &str, at: usize| {
            t.is_char_boundary(at)
                && t[at..].chars().next().is_some_and(|c| !c.is_whitespace())
                && t[..at].chars().next_back().is_some_and(char::is_whitespace)
        };
        if ok(a, sa) && ok(b, sb) {
            return len;
        }
        len -= 1;
    }
    0
}

/// Tokens of a text whose first `start` and last `end` bytes are kept whole, each as one
/// [`TokenKind::Same`] token.
fn tokenize_middle(text: &str, start: usize, end: usize) -> Vec<Token> {
    let mut out = Vec::with_capacity((text.len() - start - end) / 3 + 2);
    let first = text[..start].chars().count();
    if start > 0 {
        out.push(Token { kind: TokenKind::Same, chars: 0..first, bytes: 0..start });
    }
    let middle = start..text.len() - end;
    let middle_chars = text[middle.clone()].chars().count();
    tokenize_into(text, middle.clone(), first, &mut out);
    if end > 0 {
        let at = first + middle_chars;
        out.push(Token { kind: TokenKind::Same, chars: at..at + text[middle.end..].chars().count(), bytes: middle.end..text.len() });
    }
    out
}

/// The comparison key of a token: its text, or one space for any whitespace.
fn key<'t>(text: &'t str, t: &Token) -> &'t str {
    match t.kind {
        TokenKind::Space => " ",
        _ => &text[t.bytes.clone()],
    }
}

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

    // Consecutive changes become one hunk, and so do consecutive equal runs.
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

    slide(&mut hunks, old_key, new_key);

    // Changes separated only by whitespace become one.
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

    // A cut and an insertion of the same words (at least two; spacing and punctuation
    // around them aside) are a move.
    // Each change's words on one side, for changes of at least two words.
    let words_of = |side_old: bool| -> Vec<(usize, Vec<&'t str>)> {
        let (tokens, text) = if side_old { (&old, old_text) } else { (&new, new_text) };
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
    let cuts = words_of(true);
    if !cuts.is_empty() {
        let puts = words_of(false);
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
    WordDiff { old, new, hunks: merged }
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
mod tests {
    use super::*;

    fn texts(d: &WordDiff, old: &str, new: &str) -> Vec<(String, String)> {
        let o: Vec<char> = old.chars().collect();
        let n: Vec<char> = new.chars().collect();
        d.hunks
            .iter()
            .filter_map(|h| match h {
                Hunk::Change { old: a, new: b, .. } => Some((o[d.old_chars(a)].iter().collect(), n[d.new_chars(b)].iter().collect())),
                Hunk::Equal { .. } => None,
            })
            .collect()
    }

    #[test]
    fn accents_and_punctuation_stay_in_their_tokens() {
        let t = tokenize("¿Está la migración, ya?");
        let words: Vec<&str> = t.iter().map(|t| &"¿Está la migración, ya?"[t.bytes.clone()]).collect();
        assert_eq!(words, vec!["¿", "Está", " ", "la", " ", "migración", ",", " ", "ya", "?"]);
        // A decomposed accent (e + U+0301) stays inside its word.
        let d = tokenize("está");
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn a_comma_change_is_only_the_comma() {
        let (a, b) = ("los migrantes, y", "los migrantes y");
        let d = diff(a, b);
        assert_eq!(texts(&d, a, b), vec![(",".to_owned(), String::new())]);
    }

    #[test]
    fn whitespace_differences_are_no_change() {
        let d = diff("a  b\tc", "a b c");
        assert!(d.hunks.iter().all(|h| matches!(h, Hunk::Equal { .. })));
    }

    #[test]
    fn replaced_words_make_one_hunk() {
        let (a, b) = ("we note the report today", "we welcome this plan today");
        let d = diff(a, b);
        assert_eq!(texts(&d, a, b), vec![("note the report".to_owned(), "welcome this plan".to_owned())]);
    }

    /// Checks that the hunks tile both token lists in order and equal hunks hold equal tokens.
    fn tiles(d: &WordDiff, old: &str, new: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let (mut o_at, mut n_at) = (0, 0);
        for h in &d.hunks {
            let (o, n) = match h {
                Hunk::Equal { old: o, new: n } => {
                    proptest::prop_assert_eq!(o.len(), n.len());
                    for (i, j) in o.clone().zip(n.clone()) {
                        proptest::prop_assert_eq!(key(old, &d.old[i]), key(new, &d.new[j]));
                    }
                    (o, n)
                }
                Hunk::Change { old: o, new: n, .. } => {
                    proptest::prop_assert!(!(o.is_empty() && n.is_empty()));
                    (o, n)
                }
            };
            proptest::prop_assert_eq!((o.start, n.start), (o_at, n_at), "{:?}", d.hunks);
            (o_at, n_at) = (o.end, n.end);
        }
        proptest::prop_assert_eq!((o_at, n_at), (d.old.len(), d.new.len()));
        // Together the tokens spell each text.
        let spelled = |tokens: &[Token], text: &str| tokens.iter().map(|t| &text[t.bytes.clone()]).collect::<String>();
        proptest::prop_assert_eq!(spelled(&d.old, old), old);
        proptest::prop_assert_eq!(spelled(&d.new, new), new);
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn hunks_tile_both_texts(
            old in "((la|de|migración|rights|safe|,|\\.|¿|  | )( |, )?){0,30}",
            new in "((la|de|migración|rights|safe|,|\\.|¿|  | )( |, )?){0,30}",
        ) {
            tiles(&diff(&old, &new), &old, &new)?;
        }

        /// One edit in a long text: the shared start and end are kept whole, the rest as tokens.
        #[test]
        fn one_edit_in_a_long_text_tiles(
            old in "((la|de|migración|rights|safe|,|\\.|¿|  | )( |, )?){20,80}",
            at in 0..1000usize,
            del in 0..12usize,
            put in "( ?(nueva|regular|,|\\.| )){0,4}",
        ) {
            let chars: Vec<char> = old.chars().collect();
            let at = at * chars.len() / 1000;
            let del = del.min(chars.len() - at);
            let new: String = chars[..at].iter().chain(put.chars().collect::<Vec<_>>().iter()).chain(chars[at + del..].iter()).collect();
            tiles(&diff(&old, &new), &old, &new)?;
        }
    }

    #[test]
    fn a_moved_sentence_is_flagged() {
        let (a, b) = ("First point. Second point here. Third.", "Second point here. First point. Third.");
        let d = diff(a, b);
        let moved = d.hunks.iter().filter(|h| matches!(h, Hunk::Change { moved: true, .. })).count();
        assert!(moved >= 2, "{:?}", d.hunks);
    }
}
