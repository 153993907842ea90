//! Which paragraphs an export shows, in which order, under which label, and how its whole
//! is proposed ([`crate::paragraph_proposals`]):
//! - tracked exports (Markdown, HTML, tracked DOCX) show the text as it stands: a proposed
//!   new paragraph as inserted by its delegation (`OP 5 bis`), a paragraph proposed for
//!   deletion struck through with its number kept, a paragraph proposed for moving at its
//!   place (moved from) and where the move would put it (moved to);
//! - clean exports show the text as it would be adopted without the pending proposals:
//!   no proposed new paragraph, paragraphs proposed for deletion or moving where they are,
//!   numbered as that text is numbered.

use crate::Result;
use crate::ids::{Lang, ParagraphId};
use crate::labels::Label;
use crate::paragraph_proposals::{ParagraphProposal, Slot};
use crate::render::{ProposalMark, Segment};
use crate::schema::{ParagraphKind, ParagraphProposalKind};
use crate::view::DraftView;

/// How a paragraph's whole is proposed in a tracked export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Whole {
    /// Not proposed as a whole.
    Settled,
    /// A proposed new paragraph.
    New(ProposalMark),
    /// Proposed for deletion, by one or several delegations.
    Deleted(Vec<ProposalMark>),
    /// At its place, proposed for moving (`to`: the label of the paragraph after which it
    /// would land, `None` at the start); `number` pairs it with its [`Whole::MovedTo`].
    MovedFrom { mark: ProposalMark, to: Option<Label>, number: usize },
    /// Where a proposed move would put it.
    MovedTo { mark: ProposalMark, number: usize },
}

impl Whole {
    /// The delegations proposing it, for a note.
    pub fn marks(&self) -> Vec<&ProposalMark> {
        match self {
            Whole::Settled => Vec::new(),
            Whole::New(m) | Whole::MovedFrom { mark: m, .. } | Whole::MovedTo { mark: m, .. } => vec![m],
            Whole::Deleted(ms) => ms.iter().collect(),
        }
    }

    /// Where a proposed move would put the paragraph: the move proposal.
    pub fn moved_here(&self) -> Option<crate::SuggestionId> {
        match self {
            Whole::MovedTo { mark, .. } => Some(mark.id.clone()),
            _ => None,
        }
    }

    /// A note on the paragraph for the reader, in `lang` (`None` when settled).
    pub fn note(&self, label: &Label, lang: Lang) -> Option<String> {
        let who = self.marks().iter().map(|m| m.country.as_str()).collect::<Vec<_>>().join(", ");
        let name = label.short(lang).unwrap_or_else(|| match lang {
            Lang::En => "this paragraph".to_owned(),
            Lang::Es => "este párrafo".to_owned(),
        });
        let start = || match lang {
            Lang::En => "the start".to_owned(),
            Lang::Es => "el inicio".to_owned(),
        };
        Some(match (self, lang) {
            (Whole::Settled, _) => return None,
            (Whole::New(_), Lang::En) => format!("New paragraph proposed by {who}"),
            (Whole::New(_), Lang::Es) => format!("Nuevo párrafo propuesto por {who}"),
            (Whole::Deleted(_), Lang::En) => format!("Deletion of {name} proposed by {who}"),
            (Whole::Deleted(_), Lang::Es) => format!("Supresión de {name} propuesta por {who}"),
            (Whole::MovedFrom { to, .. }, Lang::En) => {
                let to = to.as_ref().and_then(|l| l.short(lang)).map_or_else(start, |l| format!("after {l}"));
                format!("{who} proposes moving {name} to {to}")
            }
            (Whole::MovedFrom { to, .. }, Lang::Es) => {
                let to = to.as_ref().and_then(|l| l.short(lang)).map_or_else(start, |l| format!("después del {l}"));
                format!("{who} propone trasladar el {name} a {to}")
            }
            (Whole::MovedTo { .. }, Lang::En) => format!("{who} proposes moving {name} here"),
            (Whole::MovedTo { .. }, Lang::Es) => format!("{who} propone trasladar aquí el {name}"),
        })
    }
}

/// One paragraph as an export shows it.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The paragraph.
    pub id: ParagraphId,
    /// Its kind.
    pub kind: ParagraphKind,
    /// Its label (a proposed new paragraph's is `OP 5 bis`).
    pub label: Label,
    /// How its whole is proposed.
    pub whole: Whole,
    /// Its text in the export's language, with the whole's proposal on every segment (an
    /// insertion for a new paragraph or a move's target, a deletion for a deletion or a
    /// move's source) besides the proposals inside it.
    pub segments: Vec<Segment>,
}

fn mark_of(p: &ParagraphProposal) -> ProposalMark {
    ProposalMark { country: p.country.clone(), id: p.id.clone(), user: p.user.clone(), at: p.at }
}

/// The paragraphs a tracked export shows, in reading order with moves' targets.
pub fn tracked(view: &DraftView<'_>, lang: Lang) -> Result<Vec<Shown>> {
    let labels = view.labels()?;
    let label_of = |id: &ParagraphId| labels.iter().find(|(p, _, _)| p == id).map(|(_, k, l)| (*k, l.clone()));
    let slots = view.slots()?;
    let mut moves: Vec<crate::SuggestionId> = Vec::new();
    let mut out = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        let (id, target) = match slot {
            Slot::Paragraph { paragraph } => (paragraph, None),
            Slot::MovedHere { paragraph, proposal } => (paragraph, Some(proposal)),
        };
        let Some((kind, label)) = label_of(id) else { continue };
        let proposals = view.paragraph_proposals(id)?;
        let of = |k: ParagraphProposalKind| proposals.iter().filter(move |p| p.kind == k);
        let number_of = |moves: &mut Vec<crate::SuggestionId>, p: &crate::SuggestionId| match moves.iter().position(|m| m == p) {
            Some(n) => n + 1,
            None => {
                moves.push(p.clone());
                moves.len()
            }
        };
        let whole = match target {
            Some(proposal) => match proposals.iter().find(|p| &p.id == proposal) {
                Some(p) => Whole::MovedTo { mark: mark_of(p), number: number_of(&mut moves, proposal) },
                None => continue,
            },
            None => {
                let deleted: Vec<ProposalMark> = of(ParagraphProposalKind::Delete).map(mark_of).collect();
                let moving: Vec<&ParagraphProposal> = of(ParagraphProposalKind::Move).collect();
                if let Some(new) = of(ParagraphProposalKind::Insert).next() {
                    Whole::New(mark_of(new))
                } else if !deleted.is_empty() {
                    Whole::Deleted(deleted)
                } else if let [mv] = moving[..] {
                    let to = lands_after(&slots, i, &mv.id).and_then(|p| label_of(&p)).map(|(_, l)| l);
                    Whole::MovedFrom { mark: mark_of(mv), to, number: number_of(&mut moves, &mv.id) }
                } else {
                    Whole::Settled
                }
            }
        };
        let mut segments = view.segments(id, lang)?;
        apply(&whole, &mut segments);
        out.push(Shown { id: id.clone(), kind, label, whole, segments });
    }
    Ok(out)
}

/// The paragraph before the slot of move `proposal` (searched from the start; `from` is the
/// moved paragraph's own slot, which does not count).
fn lands_after(slots: &[Slot], from: usize, proposal: &crate::SuggestionId) -> Option<ParagraphId> {
    let at = slots.iter().position(|s| matches!(s, Slot::MovedHere { proposal: p, .. } if p == proposal))?;
    slots[..at].iter().enumerate().rev().find_map(|(i, s)| match s {
        Slot::Paragraph { paragraph } if i != from => Some(paragraph.clone()),
        _ => None,
    })
}

/// Puts the whole's proposal on every segment.
fn apply(whole: &Whole, segments: &mut [Segment]) {
    for seg in segments {
        match whole {
            Whole::Settled => {}
            Whole::New(m) | Whole::MovedTo { mark: m, .. } => {
                if seg.ins.is_empty() {
                    seg.ins.push(m.clone());
                }
            }
            Whole::Deleted(ms) => {
                for m in ms {
                    if !seg.del.iter().any(|d| d.country == m.country) {
                        seg.del.push(m.clone());
                    }
                }
            }
            Whole::MovedFrom { mark, .. } => {
                if !seg.del.iter().any(|d| d.country == mark.country) {
                    seg.del.push(mark.clone());
                }
            }
        }
    }
}

/// The paragraphs a clean export shows: the text as it would be adopted, numbered so.
pub fn clean(view: &DraftView<'_>, lang: Lang) -> Result<Vec<Shown>> {
    view.settled_labels()?
        .into_iter()
        .map(|(id, kind, label)| {
            let segments = view.segments(&id, lang)?;
            Ok(Shown { id, kind, label, whole: Whole::Settled, segments })
        })
        .collect()
}
