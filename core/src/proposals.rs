//! Proposals as negotiators decide them: one delegation's proposal, with one id, whatever it
//! touches. A proposal is either
//! - a change of text: its insertions and deletions in one paragraph, in one language or in
//!   both (a replacement is a deletion and an insertion under one id; its counterpart in the
//!   other language joins it under the same id), or
//! - a proposal about the whole paragraph ([`crate::paragraph_proposals`]): a new paragraph,
//!   its deletion, its move.
//!
//! Accepting, rejecting or withdrawing acts on whole proposals: a chair cannot accept half
//! of a replacement. A text proposal that changes one language only is flagged for
//! concordance ([`Proposal::one_language`]).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::Result;
use crate::draft::Draft;
use crate::error::DraftError;
use crate::ids::{Country, Lang, ParagraphId, SuggestionId, UserId};
use crate::paragraph_proposals::{ParagraphProposal, Slot};
use crate::schema::{ParagraphProposalKind, SuggestionKind};
use crate::suggestions::Suggestion;
use crate::view::DraftView;

/// What a proposal asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalKind {
    /// Text inserted, deleted or replaced in a paragraph.
    Text,
    /// A new paragraph.
    NewParagraph,
    /// Deleting a paragraph.
    DeleteParagraph,
    /// Moving a paragraph.
    MoveParagraph,
}

impl From<ParagraphProposalKind> for ProposalKind {
    fn from(k: ParagraphProposalKind) -> Self {
        match k {
            ParagraphProposalKind::Insert => ProposalKind::NewParagraph,
            ParagraphProposalKind::Delete => ProposalKind::DeleteParagraph,
            ParagraphProposalKind::Move => ProposalKind::MoveParagraph,
        }
    }
}

/// One delegation's pending proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    /// Its id: what accept, reject and withdraw name.
    pub id: SuggestionId,
    /// The proposing delegation.
    pub country: Country,
    /// The person who proposed it (the first part's, for a text proposal).
    pub user: UserId,
    /// When, in unix milliseconds (its earliest part).
    pub at: i64,
    /// The paragraph it is in or about.
    pub paragraph: ParagraphId,
    /// What it asks for.
    pub kind: ProposalKind,
    /// For a text proposal, its insertions and deletions, English before Spanish, then by
    /// position; empty for the other kinds.
    pub parts: Vec<Suggestion>,
    /// The languages it changes: both for a deletion or a move of a paragraph; for a new
    /// paragraph, the languages it gives a text in.
    pub languages: Vec<Lang>,
    /// Whether it changes one language only, and so needs its counterpart before the
    /// texts can be in concordance.
    pub one_language: bool,
    /// For a move: the paragraph after which it would land (`None`: at the start).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<ParagraphId>,
}

impl Proposal {
    /// Whether it is a replacement: a deletion and an insertion decided together.
    pub fn is_replacement(&self) -> bool {
        let has = |k| self.parts.iter().any(|p| p.kind == k);
        has(SuggestionKind::Insert) && has(SuggestionKind::Delete)
    }
}

/// Which proposals an accept, reject or withdraw applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// These ids; an unknown id refuses the whole request.
    Ids(Vec<SuggestionId>),
    /// Every pending proposal of one country.
    Country(Country),
    /// Every pending proposal in or about one paragraph.
    Paragraph(ParagraphId),
    /// Every pending proposal.
    All,
}

impl<'a> DraftView<'a> {
    /// Every pending proposal, in reading order of paragraphs; in a paragraph, proposals
    /// about the whole paragraph first, then text proposals by position.
    pub fn proposals(&self) -> Result<Vec<Proposal>> {
        let mut out = Vec::new();
        let slots = self.slots()?;
        for id in self.paragraph_ids()? {
            out.extend(self.proposals_in(&id, &slots)?);
        }
        Ok(out)
    }

    fn proposals_in(&self, paragraph: &ParagraphId, slots: &[Slot]) -> Result<Vec<Proposal>> {
        let mut out = Vec::new();
        for p in self.paragraph_proposals(paragraph)? {
            let languages = match p.kind {
                ParagraphProposalKind::Insert => {
                    Lang::ALL.into_iter().filter(|l| self.text(paragraph, *l).is_ok_and(|t| !t.trim().is_empty())).collect()
                }
                ParagraphProposalKind::Delete | ParagraphProposalKind::Move => Lang::ALL.to_vec(),
            };
            let after = match p.kind {
                ParagraphProposalKind::Move => move_lands_after(slots, &p.id),
                _ => None,
            };
            out.push(Proposal {
                id: p.id,
                country: p.country,
                user: p.user,
                at: p.at,
                paragraph: p.paragraph,
                kind: p.kind.into(),
                one_language: languages.len() == 1,
                languages,
                parts: Vec::new(),
                after,
            });
        }
        let mut text: BTreeMap<(Country, SuggestionId), Vec<Suggestion>> = BTreeMap::new();
        for lang in Lang::ALL {
            for s in self.paragraph_suggestions(paragraph, lang)? {
                text.entry((s.country.clone(), s.id.clone())).or_default().push(s);
            }
        }
        let mut texts: Vec<Proposal> = text.into_values().filter_map(text_proposal).collect();
        texts.sort_by(|a, b| {
            let key = |p: &Proposal| (p.parts[0].lang, p.parts[0].span());
            key(a).cmp(&key(b))
        });
        out.extend(texts);
        Ok(out)
    }
}

/// A text proposal from its parts (all of one country and id; never empty).
fn text_proposal(parts: Vec<Suggestion>) -> Option<Proposal> {
    let first = parts.iter().min_by_key(|s| (s.at, s.lang, s.span()))?.clone();
    let mut languages: Vec<Lang> = parts.iter().map(|s| s.lang).collect();
    languages.dedup();
    Some(Proposal {
        id: first.id,
        country: first.country,
        user: first.user,
        at: first.at,
        paragraph: first.paragraph,
        kind: ProposalKind::Text,
        one_language: languages.len() == 1,
        languages,
        parts,
        after: None,
    })
}

/// The paragraph before the place a pending move would put its paragraph.
fn move_lands_after(slots: &[Slot], proposal: &SuggestionId) -> Option<ParagraphId> {
    let at = slots.iter().position(|s| matches!(s, Slot::MovedHere { proposal: p, .. } if p == proposal))?;
    slots[..at].iter().rev().find_map(|s| match s {
        Slot::Paragraph { paragraph } => Some(paragraph.clone()),
        Slot::MovedHere { .. } => None,
    })
}

impl Draft {
    /// Every pending proposal.
    pub fn proposals(&mut self) -> Result<Vec<Proposal>> {
        self.view().proposals()
    }

    /// Accepts the selected proposals, each whole: inserted text and new paragraphs stay,
    /// deleted text and deleted paragraphs go, moved paragraphs move. Returns what was accepted.
    pub fn accept(&mut self, selection: &Selection) -> Result<Vec<Proposal>> {
        let chosen = self.select(selection, None)?;
        self.decide(&chosen, true)?;
        Ok(chosen)
    }

    /// Rejects the selected proposals, each whole: everything stays as it was before them.
    pub fn reject(&mut self, selection: &Selection) -> Result<Vec<Proposal>> {
        let chosen = self.select(selection, None)?;
        self.decide(&chosen, false)?;
        Ok(chosen)
    }

    /// Withdraws the selected proposals of `country` (a reject by the proposer). Naming
    /// another country's proposal by id is refused.
    pub fn withdraw(&mut self, country: &Country, selection: &Selection) -> Result<Vec<Proposal>> {
        let chosen = self.select(selection, Some(country))?;
        self.decide(&chosen, false)?;
        Ok(chosen)
    }

    fn select(&mut self, selection: &Selection, only: Option<&Country>) -> Result<Vec<Proposal>> {
        self.clean()?;
        let all = self.view().proposals()?;
        let chosen: Vec<Proposal> = match selection {
            Selection::Ids(ids) => {
                for id in ids {
                    match all.iter().find(|p| &p.id == id) {
                        None => return Err(DraftError::UnknownSuggestion(id.clone())),
                        Some(p) if only.is_some_and(|c| c != &p.country) => {
                            return Err(DraftError::NotProposer { suggestion: id.clone(), country: p.country.clone() });
                        }
                        Some(_) => {}
                    }
                }
                all.into_iter().filter(|p| ids.contains(&p.id)).collect()
            }
            Selection::Country(c) => all.into_iter().filter(|p| &p.country == c).collect(),
            Selection::Paragraph(p) => {
                self.peek().paragraph_obj(p)?;
                all.into_iter().filter(|s| &s.paragraph == p).collect()
            }
            Selection::All => all,
        };
        Ok(chosen.into_iter().filter(|p| only.is_none_or(|c| c == &p.country)).collect())
    }

    /// Text first (its positions were read before anything changed), then paragraphs.
    fn decide(&mut self, chosen: &[Proposal], accept: bool) -> Result<()> {
        let parts: Vec<Suggestion> = chosen.iter().flat_map(|p| p.parts.iter().cloned()).collect();
        self.resolve_text(&parts, accept)?;
        let paragraphs: Vec<ParagraphProposal> = chosen
            .iter()
            .filter(|p| p.kind != ProposalKind::Text)
            .map(|p| ParagraphProposal {
                id: p.id.clone(),
                kind: match p.kind {
                    ProposalKind::NewParagraph => ParagraphProposalKind::Insert,
                    ProposalKind::DeleteParagraph => ParagraphProposalKind::Delete,
                    _ => ParagraphProposalKind::Move,
                },
                paragraph: p.paragraph.clone(),
                country: p.country.clone(),
                user: p.user.clone(),
                at: p.at,
            })
            .collect();
        self.resolve_paragraph_proposals(&paragraphs, accept)
    }
}
