//! The tokens of a word diff: runs of word characters, runs of whitespace, single
//! punctuation marks; and the shared start and end of two texts, which are not tokenized.

use std::ops::Range;

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
pub(super) fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c, '¿' | '¡' | '«' | '»' | '“' | '”' | '‘' | '’' | '„' | '–' | '—' | '…' | '·' | '•' | '§' | '°' | '\u{00A0}')
}

#[inline]
pub(super) fn kind_of(c: char) -> TokenKind {
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
pub(super) fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 3);
    tokenize_into(text, 0..text.len(), 0, &mut out);
    out
}

/// Appends the tokens of `text[bytes]`, whose first character is character `first`.
pub(super) fn tokenize_into(text: &str, bytes: Range<usize>, first: usize, out: &mut Vec<Token>) {
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
pub(super) const ASCII_KINDS: [TokenKind; 128] = {
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
pub(super) const MARGIN: usize = 16;

/// Where the shared start of two texts ends for tokenizing (a byte offset valid in both):
/// at least [`MARGIN`] bytes before the first difference, just after a whitespace, before a
/// non-whitespace character in both texts; 0 if there is no such place.
pub(super) fn shared_start(a: &str, b: &str) -> usize {
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
pub(super) fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 16;
    let mut at = 0;
    while a.len().min(b.len()) >= at + BLOCK && a[at..at + BLOCK] == b[at..at + BLOCK] {
        at += BLOCK;
    }
    at + a[at..].iter().zip(&b[at..]).take_while(|(x, y)| x == y).count()
}

/// Length of the longest common suffix of two byte strings (compared a block at a time).
pub(super) fn common_suffix(a: &[u8], b: &[u8]) -> usize {
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
pub(super) fn shared_end(a: &str, b: &str, keep: usize) -> usize {
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
pub(super) fn tokenize_middle(text: &str, start: usize, end: usize) -> Vec<Token> {
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
pub(super) fn key<'t>(text: &'t str, t: &Token) -> &'t str {
    match t.kind {
        TokenKind::Space => " ",
        _ => &text[t.bytes.clone()],
    }
}
