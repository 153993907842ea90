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
//! - A proposed new paragraph counts for no number until it is accepted: it is named after
//!   the paragraph of its kind before it, as negotiators name it, `OP 5 bis`, `OP 5 ter`
//!   (`OP 0 bis` before the first); accepted, it takes its number and the rest follow.
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
    /// A proposed new preambular paragraph: the `ordinal`-th (1 = bis) after PP `after`.
    PreambleNew {
        /// The number of the preambular paragraph before it (0 before the first).
        after: usize,
        /// 1 for bis, 2 for ter, ...
        ordinal: usize,
    },
    /// A proposed new operative paragraph: the `ordinal`-th (1 = bis) after OP `after`.
    OperativeNew {
        /// The number of the operative paragraph before it (0 before the first).
        after: usize,
        /// 1 for bis, 2 for ter, ...
        ordinal: usize,
    },
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
        let op = match lang {
            Lang::En => "OP",
            Lang::Es => "PO",
        };
        match self {
            Label::Preamble(n) => Some(format!("PP {n}")),
            Label::Operative(n) => Some(format!("{op} {n}")),
            Label::PreambleNew { after, ordinal } => Some(format!("PP {after} {}", latin_ordinal(*ordinal))),
            Label::OperativeNew { after, ordinal } => Some(format!("{op} {after} {}", latin_ordinal(*ordinal))),
            Label::Heading(_) | Label::Question(_) => None,
        }
    }

    /// What a tracked export prints before a paragraph: an operative paragraph's number
    /// (`2`), or a proposed one's name (`5 bis`); nothing for other kinds.
    pub fn printed(&self) -> Option<String> {
        match self {
            Label::Operative(n) => Some(n.to_string()),
            Label::OperativeNew { after, ordinal } => Some(format!("{after} {}", latin_ordinal(*ordinal))),
            _ => None,
        }
    }
}

/// The Latin multiplicative adverbs negotiators number inserted paragraphs with: 1 is
/// `bis` (the second paragraph of that number), 2 `ter`, ...; past the list, `(n+1)`.
pub fn latin_ordinal(ordinal: usize) -> String {
    const WORDS: [&str; 14] = [
        "bis",
        "ter",
        "quater",
        "quinquies",
        "sexies",
        "septies",
        "octies",
        "novies",
        "decies",
        "undecies",
        "duodecies",
        "terdecies",
        "quaterdecies",
        "quindecies",
    ];
    match ordinal.checked_sub(1).and_then(|i| WORDS.get(i)) {
        Some(w) => (*w).to_owned(),
        None => format!("({})", ordinal + 1),
    }
}

/// English, for messages: `PP 3`, `OP 2`, `the heading "Objectives"`, `the question "…"`.
impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Label::Preamble(n) => write!(f, "PP {n}"),
            Label::Operative(n) => write!(f, "OP {n}"),
            Label::PreambleNew { after, ordinal } => write!(f, "PP {after} {}", latin_ordinal(*ordinal)),
            Label::OperativeNew { after, ordinal } => write!(f, "OP {after} {}", latin_ordinal(*ordinal)),
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
    /// Proposed new paragraphs since the last numbered one, per kind.
    new_preamble: usize,
    new_operative: usize,
}

impl Labeller {
    /// The label of the next paragraph in reading order. `text` names a heading or a
    /// question (the English text, for messages); it is not read for other kinds.
    pub fn next(&mut self, kind: ParagraphKind, text: impl FnOnce() -> String) -> Label {
        self.next_of(kind, false, text)
    }

    /// [`Labeller::next`] for a paragraph that is, with `proposed`, a pending proposed new
    /// paragraph: it takes no number and is named after the one before it (`OP 5 bis`).
    pub fn next_of(&mut self, kind: ParagraphKind, proposed: bool, text: impl FnOnce() -> String) -> Label {
        match (kind, proposed) {
            (ParagraphKind::Preamble, false) => {
                self.preamble += 1;
                self.new_preamble = 0;
                Label::Preamble(self.preamble)
            }
            (ParagraphKind::Operative, false) => {
                self.operative += 1;
                self.new_operative = 0;
                Label::Operative(self.operative)
            }
            (ParagraphKind::Preamble, true) => {
                self.new_preamble += 1;
                Label::PreambleNew { after: self.preamble, ordinal: self.new_preamble }
            }
            (ParagraphKind::Operative, true) => {
                self.new_operative += 1;
                Label::OperativeNew { after: self.operative, ordinal: self.new_operative }
            }
            (ParagraphKind::Heading, _) => Label::Heading(first_words(&text())),
            (ParagraphKind::Question, _) => Label::Question(first_words(&text())),
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
    /// Every paragraph in reading order with its kind and label, proposed new paragraphs
    /// included (`OP 5 bis`); reads a paragraph's English text only to name a heading or
    /// question.
    pub fn labels(&self) -> Result<Vec<(ParagraphId, ParagraphKind, Label)>> {
        self.labels_of(self.paragraph_ids()?)
    }

    /// The labels of the text as it would be adopted, without proposed new paragraphs
    /// ([`DraftView::settled_paragraph_ids`]): what clean exports number.
    pub fn settled_labels(&self) -> Result<Vec<(ParagraphId, ParagraphKind, Label)>> {
        self.labels_of(self.settled_paragraph_ids()?)
    }

    fn labels_of(&self, ids: Vec<ParagraphId>) -> Result<Vec<(ParagraphId, ParagraphKind, Label)>> {
        let mut labeller = Labeller::default();
        let mut out = Vec::new();
        for id in ids {
            let p = self.paragraph_obj(&id)?;
            let kind: ParagraphKind = self.string(&p, keys::P_KIND, &format!("paragraphs/{id}/kind"))?.parse()?;
            let text = match kind {
                ParagraphKind::Heading | ParagraphKind::Question => self.text(&id, Lang::En)?,
                ParagraphKind::Preamble | ParagraphKind::Operative => String::new(),
            };
            let proposed = self.pending_insertion(&id)?.is_some();
            let label = labeller.next_of(kind, proposed, || text);
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

    /// Proposed new paragraphs take no number: they are named after the paragraph of their
    /// kind before them, bis, ter, ...; the numbers after them do not move.
    #[test]
    fn proposed_paragraphs_are_bis_and_ter() {
        use ParagraphKind::{Operative, Preamble};
        let mut l = Labeller::default();
        let seq = [
            (Operative, true),
            (Preamble, false),
            (Operative, false),
            (Operative, true),
            (Preamble, true),
            (Operative, true),
            (Operative, false),
        ];
        let got: Vec<String> = seq.iter().map(|(k, p)| l.next_of(*k, *p, String::new).to_string()).collect();
        assert_eq!(got, ["OP 0 bis", "PP 1", "OP 1", "OP 1 bis", "PP 1 bis", "OP 1 ter", "OP 2"]);
        let ter = Label::OperativeNew { after: 5, ordinal: 2 };
        assert_eq!(ter.short(Lang::Es).as_deref(), Some("PO 5 ter"));
        assert_eq!(ter.printed().as_deref(), Some("5 ter"));
        assert_eq!(ter.number(), None);
        assert_eq!(latin_ordinal(4), "quinquies");
        assert_eq!(latin_ordinal(20), "(21)");
    }
}
