//! How a paragraph is named and numbered, as the web client shows it and as a communiqué
//! is printed: preambular paragraphs are PP 1..n and operative paragraphs OP 1..m (PO in
//! Spanish), counted separately in reading order; headings and Concept Note questions have
//! no number. Delegates say "OP 2" in the room, so everything a person reads names
//! paragraphs this way.
//!
//! - Exports print an operative paragraph's number (`2.`) and no other ([`Label::number`]).
//! - Messages (errors, audit notes) name a paragraph by its [`Label`]'s `Display`:
//!   `PP 3`, `OP 2`, `the heading "Objectives"`, `the question "How can …"`, never by
//!   its internal id.
//! - The certified canonical text ([`crate::fingerprint`]) keeps its own numbering, fixed
//!   by its version: fingerprints of adopted texts must stay checkable.

use std::fmt;

use crate::Result;
use crate::ids::{Lang, ParagraphId};
use crate::schema::{Paragraph, ParagraphKind, keys};
use crate::view::DraftView;

/// How many words of a heading or question name it in a message.
const NAMING_WORDS: usize = 8;

/// A paragraph's name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Label {
    /// The n-th preambular paragraph (PP n).
    Preamble(usize),
    /// The n-th operative paragraph (OP n), printed as `n.`.
    Operative(usize),
    /// A heading, named by its first words.
    Heading(String),
    /// A Concept Note question, named by its first words.
    Question(String),
}

impl Label {
    /// The number an export prints before the paragraph: an operative paragraph's, no other.
    pub fn number(&self) -> Option<usize> {
        match self {
            Label::Operative(n) => Some(*n),
            _ => None,
        }
    }

    /// The short label the web client shows in `lang` (`PP 3`, `OP 2`, `PO 2`); `None`
    /// for headings and questions, which it does not number.
    pub fn short(&self, lang: Lang) -> Option<String> {
        match (self, lang) {
            (Label::Preamble(n), _) => Some(format!("PP {n}")),
            (Label::Operative(n), Lang::En) => Some(format!("OP {n}")),
            (Label::Operative(n), Lang::Es) => Some(format!("PO {n}")),
            (Label::Heading(_) | Label::Question(_), _) => None,
        }
    }
}

/// English, for messages: `PP 3`, `OP 2`, `the heading "Objectives"`, `the question "…"`.
impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Label::Preamble(n) => write!(f, "PP {n}"),
            Label::Operative(n) => write!(f, "OP {n}"),
            Label::Heading(words) => write!(f, "the heading \"{words}\""),
            Label::Question(words) => write!(f, "the question \"{words}\""),
        }
    }
}

/// Labels paragraphs one after another in reading order: the one place that counts them.
#[derive(Debug, Clone, Default)]
pub struct Labeller {
    preamble: usize,
    operative: usize,
}

impl Labeller {
    /// The label of the next paragraph in reading order. `text` names a heading or a
    /// question (the English text, for messages); it is not read for other kinds.
    pub fn next(&mut self, kind: ParagraphKind, text: impl FnOnce() -> String) -> Label {
        match kind {
            ParagraphKind::Preamble => {
                self.preamble += 1;
                Label::Preamble(self.preamble)
            }
            ParagraphKind::Operative => {
                self.operative += 1;
                Label::Operative(self.operative)
            }
            ParagraphKind::Heading => Label::Heading(first_words(&text())),
            ParagraphKind::Question => Label::Question(first_words(&text())),
        }
    }
}

/// The labels of paragraphs given in reading order (as [`crate::Draft::paragraphs`] lists
/// them).
pub fn labels(paragraphs: &[Paragraph]) -> Vec<Label> {
    let mut labeller = Labeller::default();
    paragraphs.iter().map(|p| labeller.next(p.kind, || p.text.en.clone())).collect()
}

/// The first words of a text, `…` when there are more.
fn first_words(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = words.iter().take(NAMING_WORDS).copied().collect::<Vec<_>>().join(" ");
    if words.len() > NAMING_WORDS {
        out.push('…');
    }
    out
}

/// The label of one paragraph of a document as it stands (`None` if it has no such
/// paragraph): for a message about a change to a document not wrapped in a
/// [`crate::Draft`].
pub fn label_in(doc: &automerge::AutoCommit, id: &ParagraphId) -> Result<Option<Label>> {
    Ok(DraftView::new(doc, None).labels()?.into_iter().find(|(p, _, _)| p == id).map(|(_, _, label)| label))
}

impl DraftView<'_> {
    /// Every paragraph in reading order with its kind and label; reads a paragraph's
    /// English text only to name a heading or question.
    pub fn labels(&self) -> Result<Vec<(ParagraphId, ParagraphKind, Label)>> {
        let mut labeller = Labeller::default();
        let mut out = Vec::new();
        for id in self.paragraph_ids()? {
            let p = self.paragraph_obj(&id)?;
            let kind: ParagraphKind = self.string(&p, keys::P_KIND, &format!("paragraphs/{id}/kind"))?.parse()?;
            let text = match kind {
                ParagraphKind::Heading | ParagraphKind::Question => self.text(&id, Lang::En)?,
                ParagraphKind::Preamble | ParagraphKind::Operative => String::new(),
            };
            let label = labeller.next(kind, || text);
            out.push((id, kind, label));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Preambular and operative paragraphs are counted apart; headings and questions are
    /// named by their first words and have no number.
    #[test]
    fn paragraphs_are_counted_by_kind() {
        let mut l = Labeller::default();
        let kinds = [
            ParagraphKind::Heading,
            ParagraphKind::Preamble,
            ParagraphKind::Preamble,
            ParagraphKind::Operative,
            ParagraphKind::Question,
            ParagraphKind::Operative,
        ];
        let got: Vec<Label> =
            kinds.iter().map(|k| l.next(*k, || "How can the two conferences share data on flows in the region?".into())).collect();
        let shown: Vec<String> = got.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "the heading \"How can the two conferences share data on…\"",
                "PP 1",
                "PP 2",
                "OP 1",
                "the question \"How can the two conferences share data on…\"",
                "OP 2",
            ]
        );
        assert_eq!(got.iter().map(Label::number).collect::<Vec<_>>(), [None, None, None, Some(1), None, Some(2)]);
        assert_eq!(got[5].short(Lang::Es).as_deref(), Some("PO 2"));
        assert_eq!(got[1].short(Lang::Es).as_deref(), Some("PP 1"));
        assert_eq!(got[0].short(Lang::En), None);
    }
}
