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

use similar::{Algorithm, DiffTag};

/// What kind of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Word,
    Space,
    Punct,
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
        || matches!(
            c,
            '¿' | '¡' | '«' | '»' | '“' | '”' | '‘' | '’' | '„' | '–' | '—' | '…' | '·' | '•' | '§' | '°' | '\u{00A0}'
        )
}

fn kind_of(c: char) -> TokenKind {
    if c.is_whitespace() {
        TokenKind::Space
    } else if is_punct(c) {
        TokenKind::Punct
    } else {
        TokenKind::Word
    }
}

/// Cuts a text into tokens.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    for (ci, (bi, c)) in text.char_indices().enumerate() {
        let kind = kind_of(c);
        let end = bi + c.len_utf8();
        match out.last_mut() {
            Some(t) if t.kind == kind && kind != TokenKind::Punct => {
                t.chars.end = ci + 1;
                t.bytes.end = end;
            }
            _ => out.push(Token { kind, chars: ci..ci + 1, bytes: bi..end }),
        }
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
}

fn span(tokens: &[Token], r: &Range<usize>) -> Range<usize> {
    if r.is_empty() {
        let at = tokens.get(r.start).map_or_else(|| tokens.last().map_or(0, |t| t.chars.end), |t| t.chars.start);
        return at..at;
    }
    tokens[r.start].chars.start..tokens[r.end - 1].chars.end
}

/// Diffs two texts word by word.
pub(crate) fn diff(old_text: &str, new_text: &str) -> WordDiff {
    let old = tokenize(old_text);
    let new = tokenize(new_text);
    let old_keys: Vec<&str> = old.iter().map(|t| key(old_text, t)).collect();
    let new_keys: Vec<&str> = new.iter().map(|t| key(new_text, t)).collect();
    // Patience anchors on words that occur once on each side, so a moved sentence shows as
    // one cut and one insertion rather than being matched piecemeal.
    let ops = similar::capture_diff_slices(Algorithm::Patience, &old_keys, &new_keys);

    // Consecutive changes become one hunk.
    let mut hunks: Vec<Hunk> = Vec::new();
    for op in ops {
        let (tag, o, n) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            hunks.push(Hunk::Equal { old: o, new: n });
            continue;
        }
        match hunks.last_mut() {
            Some(Hunk::Change { old, new, .. }) => {
                old.end = o.end;
                new.end = n.end;
            }
            _ => hunks.push(Hunk::Change { old: o, new: n, moved: false }),
        }
    }

    // Changes separated only by whitespace become one.
    let mut merged: Vec<Hunk> = Vec::with_capacity(hunks.len());
    let mut i = 0;
    while i < hunks.len() {
        let spaces_between = match (&hunks[i], hunks.get(i + 1), merged.last()) {
            (Hunk::Equal { old, .. }, Some(Hunk::Change { .. }), Some(Hunk::Change { .. })) => {
                old.clone().all(|t| old_keys[t] == " ")
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

    // A cut and an insertion of the same words are a move.
    let trimmed = |keys: &[&str], r: &Range<usize>| -> Vec<String> {
        let words: Vec<&str> = keys[r.clone()].to_vec();
        let start = words.iter().position(|k| *k != " ").unwrap_or(words.len());
        let end = words.iter().rposition(|k| *k != " ").map_or(start, |e| e + 1);
        words[start..end].iter().map(|s| (*s).to_owned()).collect()
    };
    let n = merged.len();
    for a in 0..n {
        for b in 0..n {
            if a == b {
                continue;
            }
            let (Hunk::Change { old: cut, .. }, Hunk::Change { new: put, .. }) = (&merged[a], &merged[b]) else {
                continue;
            };
            if cut.is_empty() || put.is_empty() {
                continue;
            }
            let cut_words = trimmed(&old_keys, cut);
            let words = cut_words.iter().filter(|k| k.chars().next().is_some_and(|c| kind_of(c) == TokenKind::Word)).count();
            if words >= 2 && cut_words == trimmed(&new_keys, put) {
                for h in [a, b] {
                    if let Hunk::Change { moved, .. } = &mut merged[h] {
                        *moved = true;
                    }
                }
            }
        }
    }
    WordDiff { old, new, hunks: merged }
}

/// How many word tokens a token range holds.
pub(crate) fn count_words(tokens: &[Token], r: &Range<usize>) -> usize {
    tokens[r.clone()].iter().filter(|t| t.kind == TokenKind::Word).count()
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
                Hunk::Change { old: a, new: b, .. } => Some((
                    o[d.old_chars(a)].iter().collect(),
                    n[d.new_chars(b)].iter().collect(),
                )),
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

    #[test]
    fn a_moved_sentence_is_flagged() {
        let (a, b) = ("First point. Second point here. Third.", "Second point here. First point. Third.");
        let d = diff(a, b);
        let moved = d.hunks.iter().filter(|h| matches!(h, Hunk::Change { moved: true, .. })).count();
        assert!(moved >= 2, "{:?}", d.hunks);
    }
}
