//! The certified fingerprint of an adopted text: SHA-256 over the canonical text of both
//! languages followed by the document's heads, in lowercase hex.
//!
//! ## The canonical text (version 1)
//!
//! A plain-text rendering that depends only on what the text says, never on how automerge
//! stores it. Lines end with `\n`:
//!
//! ```text
//! pluma-canonical-text 1
//! kind: communique
//! [en]
//! title: <title>
//! <number>. <paragraph>        one line per numbered paragraph, in reading order
//! ## <heading>                 one line per heading paragraph
//! [es]
//! ...the same for Spanish
//! ```
//!
//! A paragraph's text is the text as it would be adopted: pending proposed insertions are
//! left out and text proposed for deletion is kept (the clean export's reading). The same
//! holds for proposals about whole paragraphs: a pending proposed new paragraph is left out,
//! a paragraph proposed for deletion is kept, and a pending move is not made (the paragraph
//! stands at its place). A text without such proposals reads as it always has.
//! Formatting is not part of it. In titles and paragraphs a backslash is written `\\` and a
//! line break `\n`, so every paragraph is one line. Numbers count every paragraph that is
//! not a heading, from 1, in reading order. (The exports numbered paragraphs so when this
//! version was fixed; they now number operative paragraphs only, as the web client does,
//! but the canonical text keeps this numbering: texts already adopted carry fingerprints
//! over it.)
//!
//! ## The fingerprint
//!
//! `hex(SHA-256(canonical text + "[heads]\n" + one head per line, sorted))`. The heads pin
//! the exact history (including formatting, comments and pending proposals); the canonical
//! text lets anyone holding a plain copy of both languages check what was adopted.

use automerge::ChangeHash;
use sha2::{Digest, Sha256};

use crate::Result;
use crate::draft::Draft;
use crate::ids::{Lang, ParagraphId};
use crate::schema::{ParagraphKind, keys};
use crate::view::DraftView;

/// The first line of the canonical text, naming its version.
pub const CANONICAL_HEADER: &str = "pluma-canonical-text 1";

/// Escapes a title or paragraph for one line: `\` → `\\`, line breaks → `\n`.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// The canonical text's number of each paragraph in reading order (`None` for headings):
/// every paragraph that is not a heading, counted from 1. Part of version 1 of the format;
/// not the numbering of exports ([`crate::labels`]).
fn canonical_numbers(view: &DraftView<'_>) -> Result<Vec<(ParagraphId, ParagraphKind, Option<usize>)>> {
    let mut n = 0;
    let mut out = Vec::new();
    for id in view.settled_paragraph_ids()? {
        let p = view.paragraph_obj(&id)?;
        let kind: ParagraphKind = view.string(&p, keys::P_KIND, &format!("paragraphs/{id}/kind"))?.parse()?;
        let number = if kind == ParagraphKind::Heading {
            None
        } else {
            n += 1;
            Some(n)
        };
        out.push((id, kind, number));
    }
    Ok(out)
}

/// The canonical text of a view (see the module docs).
pub fn canonical_text(view: &DraftView<'_>) -> Result<String> {
    let mut out = format!("{CANONICAL_HEADER}\nkind: {}\n", view.kind()?.as_str());
    let numbered = canonical_numbers(view)?;
    for lang in Lang::ALL {
        out.push_str(&format!("[{}]\ntitle: {}\n", lang.as_str(), one_line(&view.title(lang)?)));
        for (id, kind, number) in &numbered {
            let text: String = view.segments(id, lang)?.into_iter().filter(|s| s.ins.is_empty()).map(|s| s.text).collect();
            match (kind, number) {
                (ParagraphKind::Heading, _) | (_, None) => out.push_str(&format!("## {}\n", one_line(&text))),
                (_, Some(n)) => out.push_str(&format!("{n}. {}\n", one_line(&text))),
            }
        }
    }
    Ok(out)
}

/// The fingerprint of a canonical text and heads (sorted here; the caller's order does not
/// matter).
pub fn fingerprint(canonical: &str, heads: &[ChangeHash]) -> String {
    let mut sorted: Vec<String> = heads.iter().map(ToString::to_string).collect();
    sorted.sort();
    let mut hasher = Sha256::new();
    hasher.update(canonical.as_bytes());
    hasher.update(b"[heads]\n");
    for h in sorted {
        hasher.update(h.as_bytes());
        hasher.update(b"\n");
    }
    hex::encode(hasher.finalize())
}

/// A draft's current heads and fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certified {
    /// The heads the fingerprint covers.
    pub heads: Vec<ChangeHash>,
    /// The canonical text.
    pub canonical: String,
    /// `hex(SHA-256(...))`.
    pub fingerprint: String,
}

impl Draft {
    /// The canonical text and fingerprint of the draft as it stands.
    pub fn certify(&mut self) -> Result<Certified> {
        let heads = self.heads();
        let canonical = canonical_text(&self.view())?;
        let fingerprint = fingerprint(&canonical, &heads);
        Ok(Certified { heads, canonical, fingerprint })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Country;
    use crate::schema::{Bilingual, DraftKind, NewParagraph};

    fn draft() -> Draft {
        let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint\\Communiqué", es: "Comunicado conjunto" }).unwrap();
        let p = |kind, en: &str, es: &str| NewParagraph {
            kind,
            section: None,
            editors: Vec::new(),
            text: Bilingual { en: en.into(), es: es.into() },
        };
        d.insert_paragraph(0, p(ParagraphKind::Heading, "Preamble", "Preámbulo")).unwrap();
        d.insert_paragraph(1, p(ParagraphKind::Preamble, "*Recognizing* the value", "*Reconociendo* el valor")).unwrap();
        d.insert_paragraph(2, p(ParagraphKind::Operative, "Agree.", "Acuerdan.")).unwrap();
        d.commit();
        d
    }

    /// The canonical text is exactly the documented format: numbered paragraphs, headings,
    /// no formatting, an escaped backslash.
    #[test]
    fn canonical_text_has_the_documented_form() {
        let mut d = draft();
        let text = canonical_text(&d.view()).unwrap();
        assert_eq!(
            text,
            "pluma-canonical-text 1\nkind: communique\n\
             [en]\ntitle: Joint\\\\Communiqué\n## Preamble\n1. Recognizing the value\n2. Agree.\n\
             [es]\ntitle: Comunicado conjunto\n## Preámbulo\n1. Reconociendo el valor\n2. Acuerdan.\n"
        );
    }

    /// Pending insertions are not part of the canonical text, but they change the heads
    /// and so the fingerprint; the fingerprint is SHA-256 of text and sorted heads.
    #[test]
    fn fingerprint_covers_text_and_heads() {
        let mut d = draft();
        let before = d.certify().unwrap();
        assert_eq!(before.fingerprint.len(), 64);
        let mut by_hand = before.canonical.clone();
        by_hand.push_str("[heads]\n");
        let mut heads: Vec<String> = before.heads.iter().map(ToString::to_string).collect();
        heads.sort();
        for h in heads {
            by_hand.push_str(&h);
            by_hand.push('\n');
        }
        assert_eq!(before.fingerprint, hex::encode(Sha256::digest(by_hand.as_bytes())));

        let id = d.paragraph_ids().unwrap()[2].clone();
        let by = crate::Stamp { user: crate::UserId::random(), country: "MX".parse::<Country>().unwrap(), at: 0 };
        d.suggest_insert(&id, Lang::En, 5, " again", &by).unwrap();
        d.commit();
        let after = d.certify().unwrap();
        assert_eq!(after.canonical, before.canonical, "a pending proposal is not adopted text");
        assert_ne!(after.fingerprint, before.fingerprint, "but the heads differ");
        assert_eq!(fingerprint(&after.canonical, &after.heads), after.fingerprint);
    }

    /// A fixed text and fixed heads have a fixed fingerprint, computed independently of this
    /// code (Python's hashlib over the documented format): a change to the canonical text or
    /// to the hashing would change every certified fingerprint already printed.
    #[test]
    fn a_fixed_text_has_a_fixed_fingerprint() {
        let mut d = draft();
        let canonical = canonical_text(&d.view()).unwrap();
        let heads = [ChangeHash([0x22; 32]), ChangeHash([0x11; 32])];
        assert_eq!(fingerprint(&canonical, &heads), "527a06c894b62fe36c4abcf9675d17b646338c0f1d5c36bbc54c4501aa86b13c");
    }
}
