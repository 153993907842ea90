//! Clean text: the characters no negotiated text, title, comment, proposal or label may
//! carry, because XML (and so every DOCX export) cannot carry them and no document should:
//! the C0 control characters other than tab and line feed (U+0000 to U+001F, carriage
//! return included), and the noncharacters U+FFFE and U+FFFF.
//!
//! - [`check`] refuses them at the edge: the server's API calls it on every text it is
//!   given, and the permission rules ([`crate::rules`]) on every string a change writes,
//!   so both backends refuse the same input the same way.
//! - [`strip`] and [`strip_xml_bytes`] keep exports valid for text stored before the
//!   check existed: they leave such characters out.

use std::borrow::Cow;
use std::fmt;

/// Whether `c` may not appear in any text of a draft.
pub fn is_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// The first forbidden character of a text and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub struct Unclean {
    /// The character.
    pub ch: char,
    /// Its position in the text, in characters from 0.
    pub at: usize,
}

impl fmt::Display for Unclean {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the character U+{:04X} (at character {}) is not allowed: control characters other than tab and line feed, and U+FFFE and U+FFFF, cannot appear in a text",
            u32::from(self.ch),
            self.at
        )
    }
}

/// `Ok` when `text` holds no forbidden character, else the first one.
pub fn check(text: &str) -> Result<(), Unclean> {
    // Every forbidden character starts with a byte that is either below 0x20 or 0xEF, so a
    // clean ASCII-only text is judged from its bytes.
    if !text.bytes().any(|b| b < 0x20 || b == 0xEF) {
        return Ok(());
    }
    match text.chars().enumerate().find(|(_, c)| is_forbidden(*c)) {
        Some((at, ch)) => Err(Unclean { ch, at }),
        None => Ok(()),
    }
}

/// `text` without its forbidden characters (borrowed when it has none).
pub fn strip(text: &str) -> Cow<'_, str> {
    if check(text).is_ok() { Cow::Borrowed(text) } else { Cow::Owned(text.chars().filter(|c| !is_forbidden(*c)).collect()) }
}

/// Removes the forbidden characters from serialised UTF-8 XML in place. Each is a byte
/// below 0x20 (never part of a multi-byte sequence) or the sequence EF BF BE / EF BF BF,
/// so this leaves valid UTF-8 and changes nothing else; tab, line feed and carriage return
/// between tags are XML whitespace and stay.
pub fn strip_xml_bytes(xml: &mut Vec<u8>) {
    let forbidden_byte = |b: u8| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r');
    if !xml.iter().any(|b| forbidden_byte(*b) || *b == 0xEF) {
        return;
    }
    let mut out = Vec::with_capacity(xml.len());
    let mut i = 0;
    while i < xml.len() {
        let b = xml[i];
        if forbidden_byte(b) {
            i += 1;
            continue;
        }
        if b == 0xEF && xml.get(i + 1) == Some(&0xBF) && matches!(xml.get(i + 2), Some(0xBE | 0xBF)) {
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    *xml = out;
}

/// Checks every string one operation of a change writes: a map key, a value, a mark's
/// name and value. For the permission rules ([`crate::rules`]).
pub(crate) fn check_operation(op: &automerge::legacy::Op) -> Result<(), crate::rules::Violation> {
    use automerge::ScalarValue;
    use automerge::legacy::{Key, OpType};
    let refuse = |what: &str, e: Unclean| crate::rules::violation(crate::rules::Rule::CleanText, None, None, format!("{what}: {e}"));
    if let Key::Map(key) = &op.key {
        check(key).map_err(|e| refuse("a key", e))?;
    }
    match &op.action {
        OpType::Put(ScalarValue::Str(s)) => check(s).map_err(|e| refuse("a text", e)),
        OpType::MarkBegin(data) => {
            check(&data.name).map_err(|e| refuse("a mark's name", e))?;
            match &data.value {
                ScalarValue::Str(s) => check(s).map_err(|e| refuse("a mark's value", e)),
                _ => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tab and line feed are clean; every other C0 control, carriage return included, and
    /// U+FFFE/U+FFFF are not; the first one is reported with its character position.
    #[test]
    fn controls_and_noncharacters_are_refused() {
        assert_eq!(check("a\tb\nc ñ €"), Ok(()));
        for c in ['\0', '\u{1}', '\u{8}', '\u{b}', '\u{c}', '\r', '\u{1f}', '\u{fffe}', '\u{ffff}'] {
            assert_eq!(check(&format!("ñé{c}x")), Err(Unclean { ch: c, at: 2 }), "{:?}", c);
        }
        assert!(check("\u{fffd}\u{fdd0}\u{7f}").is_ok(), "the replacement character and others XML allows stay");
        let message = Unclean { ch: '\0', at: 3 }.to_string();
        assert!(message.contains("U+0000") && message.contains("at character 3"), "{message}");
    }

    /// Stripping leaves the rest as it was, and borrows a clean text.
    #[test]
    fn stripping_keeps_the_rest() {
        assert!(matches!(strip("clean\ttext"), Cow::Borrowed(_)));
        assert_eq!(strip("a\0b\u{b}c\u{fffe}d\u{ffff}é\r"), "abcdé");
        let mut xml = "<w:t>a\u{0}b\u{1}\u{fffe}c\u{ffff}ñ€</w:t>\r\n\t".as_bytes().to_vec();
        strip_xml_bytes(&mut xml);
        assert_eq!(String::from_utf8(xml).unwrap(), "<w:t>abcñ€</w:t>\r\n\t");
    }
}
