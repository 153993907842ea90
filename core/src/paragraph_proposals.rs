//! Proposals about whole paragraphs (ARCHITECTURE §3): a delegation proposes a new paragraph at a
//! place ("OP 5 bis" until it is decided), the deletion of a paragraph, or its move. Chairs
//! and the secretariat accept or reject them; the proposing delegation withdraws its own;
//! the rules (`rules/paragraph_proposals.rs`) check every one of them.
//!
//! ## How the document records them
//! - Each paragraph has a map `proposals`: proposal id → `{ kind, country, user, at }`,
//!   `kind` one of `insert`, `delete`, `move`. Paragraphs made before this map existed get it
//!   from the first proposal on them; two replicas creating it at once each keep their map,
//!   and reads take the union of both.
//! - **New paragraph:** the paragraph itself is created by its proposer, with one `insert`
//!   proposal in its map, and its id placed in `order`. Until accepted it counts for no number
//!   and is named after the paragraph before it ([`crate::labels`]: `OP 5 bis`). Accepting
//!   removes the proposal; rejecting or withdrawing removes the paragraph (its history stays).
//!   Its proposer's delegation edits its text directly, as its own pending insertion; anyone
//!   else proposes changes in it.
//! - **Deletion:** a `delete` proposal on the paragraph. Accepting removes the paragraph;
//!   rejecting or withdrawing removes the proposal.
//! - **Move:** a `move` proposal on the paragraph and, in `order`, an entry
//!   `<paragraph id>@<proposal id>` where the paragraph would go. The paragraph stays where it
//!   is and shows at both places until the decision. Accepting puts the paragraph where that
//!   entry is; rejecting or withdrawing removes the entry and the proposal.
//!
//! Concurrent proposals each keep their own map key and order entry, so two delegations
//! proposing paragraphs after the same paragraph at once both keep theirs, in the one order
//! automerge gives concurrent list insertions on every replica.

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value};
use serde::Serialize;

use crate::Result;
use crate::draft::Draft;
use crate::error::DraftError;
use crate::ids::{Country, ParagraphId, SuggestionId, UserId};
use crate::schema::{NewParagraph, ParagraphProposalKind, Stamp, Status, keys};
use crate::view::DraftView;

/// A pending proposal about a whole paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParagraphProposal {
    /// Its id (the key in the paragraph's `proposals`).
    pub id: SuggestionId,
    /// New paragraph, deletion or move.
    pub kind: ParagraphProposalKind,
    /// The paragraph it is about.
    pub paragraph: ParagraphId,
    /// The proposing delegation.
    pub country: Country,
    /// The person who proposed it.
    pub user: UserId,
    /// When, in unix milliseconds.
    pub at: i64,
}

/// One entry of the document's `order` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderEntry {
    /// A paragraph's place.
    Paragraph(ParagraphId),
    /// Where a proposed move would put a paragraph.
    MoveTarget {
        /// The paragraph proposed for moving.
        paragraph: ParagraphId,
        /// The move proposal.
        proposal: SuggestionId,
    },
}

impl OrderEntry {
    /// Reads an entry of `order`; `None` for anything else (skipped by readers).
    pub fn parse(raw: &str) -> Option<OrderEntry> {
        match raw.split_once('@') {
            None => raw.parse().ok().map(OrderEntry::Paragraph),
            Some((p, s)) => Some(OrderEntry::MoveTarget { paragraph: p.parse().ok()?, proposal: s.parse().ok()? }),
        }
    }

    /// The entry as stored.
    pub fn to_raw(&self) -> String {
        match self {
            OrderEntry::Paragraph(p) => p.to_string(),
            OrderEntry::MoveTarget { paragraph, proposal } => format!("{paragraph}@{proposal}"),
        }
    }

    /// The paragraph the entry is about.
    pub fn paragraph(&self) -> &ParagraphId {
        match self {
            OrderEntry::Paragraph(p) | OrderEntry::MoveTarget { paragraph: p, .. } => p,
        }
    }
}

/// One place in the reading order as negotiators see it: a paragraph, or the place a
/// proposed move would put one (shown there as well as at its own place).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "slot", rename_all = "snake_case")]
pub enum Slot {
    /// A paragraph at its place.
    Paragraph {
        /// The paragraph standing at this place.
        paragraph: ParagraphId,
    },
    /// A paragraph shown where a pending move proposal would put it.
    MovedHere {
        /// The paragraph proposed for moving.
        paragraph: ParagraphId,
        /// The move proposal.
        proposal: SuggestionId,
    },
}

impl<'a> DraftView<'a> {
    /// The `proposals` maps of a paragraph: usually one, two if two replicas created it at
    /// once on a paragraph made before it existed (reads take the union).
    pub(crate) fn proposal_maps(&self, paragraph: &ParagraphId) -> Result<Vec<ObjId>> {
        let p = self.paragraph_obj(paragraph)?;
        let all = match self.heads {
            None => self.doc.get_all(&p, keys::P_PROPOSALS)?,
            Some(h) => self.doc.get_all_at(&p, keys::P_PROPOSALS, h)?,
        };
        let mut maps = Vec::new();
        for (value, obj) in all {
            match value {
                Value::Object(ObjType::Map) => maps.push(obj),
                _ => return Err(DraftError::malformed(format!("paragraphs/{paragraph}/proposals"), "expected a map")),
            }
        }
        Ok(maps)
    }

    /// The pending proposals about one paragraph, oldest first.
    pub fn paragraph_proposals(&self, paragraph: &ParagraphId) -> Result<Vec<ParagraphProposal>> {
        let mut out: BTreeMap<SuggestionId, ParagraphProposal> = BTreeMap::new();
        for map in self.proposal_maps(paragraph)? {
            for key in self.keys(&map) {
                let id: SuggestionId = key.parse()?;
                let proposal = self.read_paragraph_proposal(paragraph, &map, &id)?;
                out.insert(id, proposal);
            }
        }
        let mut list: Vec<ParagraphProposal> = out.into_values().collect();
        list.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        Ok(list)
    }

    fn read_paragraph_proposal(&self, paragraph: &ParagraphId, map: &ObjId, id: &SuggestionId) -> Result<ParagraphProposal> {
        let path = format!("paragraphs/{paragraph}/proposals/{id}");
        let obj = self.object(map, id.as_str(), ObjType::Map, &path)?;
        let at = self
            .opt_int(&obj, keys::PP_AT, &format!("{path}/at"))?
            .ok_or_else(|| DraftError::malformed(format!("{path}/at"), "missing"))?;
        Ok(ParagraphProposal {
            id: id.clone(),
            kind: self.string(&obj, keys::PP_KIND, &format!("{path}/kind"))?.parse()?,
            paragraph: paragraph.clone(),
            country: self.string(&obj, keys::PP_COUNTRY, &format!("{path}/country"))?.parse()?,
            user: self.string(&obj, keys::PP_USER, &format!("{path}/user"))?.parse()?,
            at,
        })
    }

    /// The proposal that made a paragraph, while it is pending (a proposed new paragraph).
    pub fn pending_insertion(&self, paragraph: &ParagraphId) -> Result<Option<ParagraphProposal>> {
        Ok(self.paragraph_proposals(paragraph)?.into_iter().find(|p| p.kind == ParagraphProposalKind::Insert))
    }

    /// Every pending proposal about paragraphs, in reading order of their paragraphs.
    pub fn all_paragraph_proposals(&self) -> Result<Vec<ParagraphProposal>> {
        let mut out = Vec::new();
        for id in self.paragraph_ids()? {
            out.extend(self.paragraph_proposals(&id)?);
        }
        Ok(out)
    }

    /// The order as negotiators see it: every paragraph at its place (first place wins, as
    /// in [`DraftView::paragraph_ids`]) and, where a pending move would put a paragraph, that
    /// paragraph again.
    pub fn slots(&self) -> Result<Vec<Slot>> {
        let order = self.root_object(keys::ORDER, ObjType::List)?;
        let present = self.paragraph_ids()?;
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for raw in self.string_list(&order, keys::ORDER)? {
            match OrderEntry::parse(&raw) {
                Some(OrderEntry::Paragraph(p)) if present.contains(&p) && seen.insert(p.clone()) => {
                    out.push(Slot::Paragraph { paragraph: p });
                }
                Some(OrderEntry::MoveTarget { paragraph, proposal }) if present.contains(&paragraph) => {
                    let pending =
                        self.paragraph_proposals(&paragraph)?.iter().any(|p| p.id == proposal && p.kind == ParagraphProposalKind::Move);
                    if pending {
                        out.push(Slot::MovedHere { paragraph, proposal });
                    }
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// The paragraphs of the text as it would be adopted: without proposed new paragraphs
    /// (paragraphs proposed for deletion or moving stay where they are until decided).
    pub fn settled_paragraph_ids(&self) -> Result<Vec<ParagraphId>> {
        let mut out = Vec::new();
        for id in self.paragraph_ids()? {
            if self.pending_insertion(&id)?.is_none() {
                out.push(id);
            }
        }
        Ok(out)
    }
}

impl Draft {
    /// Every pending proposal about paragraphs.
    pub fn paragraph_proposals(&mut self) -> Result<Vec<ParagraphProposal>> {
        self.view().all_paragraph_proposals()
    }

    /// Proposes a new paragraph after `after` (at the start when `None`), for `by.country`.
    /// Its texts are inline markdown; either may be empty (the proposal then changes one
    /// language only, and is flagged for concordance). Returns the paragraph and proposal ids.
    pub fn propose_paragraph(&mut self, after: Option<&ParagraphId>, new: NewParagraph, by: &Stamp) -> Result<(ParagraphId, SuggestionId)> {
        self.prepare_local()?;
        let index = match after {
            None => 0,
            Some(p) => self.raw_index_of(p)? + 1,
        };
        let paragraph = self.create_paragraph_at_raw(index, new)?;
        let proposal = SuggestionId::for_country(&by.country);
        self.put_paragraph_proposal(&paragraph, &proposal, ParagraphProposalKind::Insert, by)?;
        Ok((paragraph, proposal))
    }

    /// Proposes deleting a paragraph, for `by.country`.
    pub fn propose_paragraph_deletion(&mut self, paragraph: &ParagraphId, by: &Stamp) -> Result<SuggestionId> {
        self.prepare_local()?;
        self.check_open_to_proposals(paragraph)?;
        let proposal = SuggestionId::for_country(&by.country);
        self.put_paragraph_proposal(paragraph, &proposal, ParagraphProposalKind::Delete, by)?;
        Ok(proposal)
    }

    /// Proposes moving a paragraph to just after `after` (to the start when `None`), for
    /// `by.country`.
    pub fn propose_paragraph_move(&mut self, paragraph: &ParagraphId, after: Option<&ParagraphId>, by: &Stamp) -> Result<SuggestionId> {
        self.prepare_local()?;
        self.check_open_to_proposals(paragraph)?;
        if after == Some(paragraph) {
            return Err(DraftError::InvalidMove { paragraph: paragraph.clone(), reason: "a paragraph cannot move after itself" });
        }
        let ids = self.peek().paragraph_ids()?;
        let here = ids.iter().position(|p| p == paragraph).ok_or_else(|| DraftError::UnknownParagraph(paragraph.clone()))?;
        let lands_before = match after {
            None => 0,
            Some(a) => ids.iter().position(|p| p == a).ok_or_else(|| DraftError::UnknownParagraph(a.clone()))? + 1,
        };
        if lands_before == here || lands_before == here + 1 {
            return Err(DraftError::InvalidMove { paragraph: paragraph.clone(), reason: "the paragraph is already there" });
        }
        let index = match after {
            None => 0,
            Some(a) => self.raw_index_of(a)? + 1,
        };
        let proposal = SuggestionId::for_country(&by.country);
        self.put_paragraph_proposal(paragraph, &proposal, ParagraphProposalKind::Move, by)?;
        let order = self.peek().root_object(keys::ORDER, ObjType::List)?;
        let entry = OrderEntry::MoveTarget { paragraph: paragraph.clone(), proposal: proposal.clone() };
        self.doc.insert(&order, index, entry.to_raw())?;
        Ok(proposal)
    }

    /// A proposal may be made on an existing paragraph that is not agreed and is not itself a
    /// proposed new paragraph (that one is withdrawn or amended instead).
    fn check_open_to_proposals(&self, paragraph: &ParagraphId) -> Result<()> {
        let view = self.peek();
        if view.paragraph_fields(paragraph)?.status == Status::Agreed {
            return Err(DraftError::ParagraphAgreed(paragraph.clone()));
        }
        if view.pending_insertion(paragraph)?.is_some() {
            return Err(DraftError::InvalidMove {
                paragraph: paragraph.clone(),
                reason: "a proposed new paragraph is withdrawn or amended, not proposed again",
            });
        }
        Ok(())
    }

    /// The index in the raw `order` list of a paragraph's place (its first entry).
    fn raw_index_of(&self, paragraph: &ParagraphId) -> Result<usize> {
        let view = self.peek();
        view.paragraph_obj(paragraph)?;
        let order = view.root_object(keys::ORDER, ObjType::List)?;
        view.string_list(&order, keys::ORDER)?
            .iter()
            .position(|e| e == paragraph.as_str())
            .ok_or_else(|| DraftError::UnknownParagraph(paragraph.clone()))
    }

    fn put_paragraph_proposal(
        &mut self,
        paragraph: &ParagraphId,
        id: &SuggestionId,
        kind: ParagraphProposalKind,
        by: &Stamp,
    ) -> Result<()> {
        let p = self.peek().paragraph_obj(paragraph)?;
        let map = match self.peek().proposal_maps(paragraph)?.into_iter().next() {
            Some(map) => map,
            None => self.doc.put_object(&p, keys::P_PROPOSALS, ObjType::Map)?,
        };
        let entry = self.doc.put_object(&map, id.as_str(), ObjType::Map)?;
        self.doc.put(&entry, keys::PP_KIND, kind.as_str())?;
        self.doc.put(&entry, keys::PP_COUNTRY, by.country.as_str())?;
        self.doc.put(&entry, keys::PP_USER, by.user.as_str())?;
        self.doc.put(&entry, keys::PP_AT, ScalarValue::Int(by.at))?;
        Ok(())
    }

    /// Removes a paragraph proposal's record from every `proposals` map that holds it.
    fn remove_paragraph_proposal(&mut self, proposal: &ParagraphProposal) -> Result<()> {
        for map in self.peek().proposal_maps(&proposal.paragraph)? {
            if self.doc.get(&map, proposal.id.as_str())?.is_some() {
                self.doc.delete(&map, proposal.id.as_str())?;
            }
        }
        Ok(())
    }

    /// Carries out the decision on paragraph proposals: accepted (`true`) or rejected and
    /// withdrawn (`false`). Moves first, then new paragraphs, then deletions, so that a
    /// selection holding several proposals on one paragraph never acts on a removed one.
    pub(crate) fn resolve_paragraph_proposals(&mut self, chosen: &[ParagraphProposal], accept: bool) -> Result<()> {
        let mut sorted: Vec<&ParagraphProposal> = chosen.iter().collect();
        sorted.sort_by_key(|p| match p.kind {
            ParagraphProposalKind::Move => 0,
            ParagraphProposalKind::Insert => 1,
            ParagraphProposalKind::Delete => 2,
        });
        for proposal in sorted {
            if self.peek().paragraph_obj(&proposal.paragraph).is_err() {
                continue;
            }
            match (proposal.kind, accept) {
                (ParagraphProposalKind::Insert, true) | (ParagraphProposalKind::Delete, false) => {
                    self.remove_paragraph_proposal(proposal)?;
                }
                (ParagraphProposalKind::Insert, false) | (ParagraphProposalKind::Delete, true) => {
                    self.delete_paragraph(&proposal.paragraph)?;
                }
                (ParagraphProposalKind::Move, accept) => {
                    self.settle_move(proposal, accept)?;
                    self.remove_paragraph_proposal(proposal)?;
                }
            }
        }
        Ok(())
    }

    /// Removes a move's target entry from `order`; when accepted, puts the paragraph there
    /// (and removes its other places).
    fn settle_move(&mut self, proposal: &ParagraphProposal, accept: bool) -> Result<()> {
        let order = self.peek().root_object(keys::ORDER, ObjType::List)?;
        let raw = self.peek().string_list(&order, keys::ORDER)?;
        let target = OrderEntry::MoveTarget { paragraph: proposal.paragraph.clone(), proposal: proposal.id.clone() }.to_raw();
        let Some(at) = raw.iter().position(|e| *e == target) else { return Ok(()) };
        if !accept {
            self.doc.delete(&order, at)?;
            return Ok(());
        }
        let own = proposal.paragraph.as_str();
        let mut landing = at;
        for (i, entry) in raw.iter().enumerate().rev() {
            if i == at || entry == own {
                self.doc.delete(&order, i)?;
                if i < at {
                    landing -= 1;
                }
            }
        }
        self.doc.insert(&order, landing, own)?;
        Ok(())
    }
}
