//! Comparing two versions of a draft, in one language: which paragraphs were added,
//! removed, moved or changed, which words were inserted and deleted inside them and which
//! country produced each, which statuses changed, and which proposals were made or settled.
//!
//! - [`words`]: the word diff (tokens, `similar`, hunks, moves within a paragraph).
//! - [`snapshot`]: a version as a comparison reads it, kept apart from the document.
//! - `align`: Patience alignment of numbered tokens (for `words`).
//! - [`credit`]: who inserted and who deleted each character.
//! - `walk`: the paragraphs of two snapshots side by side ([`compare_snapshots`]);
//!   `pieces`: a changed text as pieces, each credited to a country.
//! - [`render`]: the comparison as an HTML redline and as Markdown with CriticMarkup.
//!
//! A version is a set of heads; `None` is the draft as it stands. Paragraphs are matched by
//! id, so a paragraph whose text was rewritten is "changed", never "removed and added". The
//! texts compared are the texts as written: a pending insertion is part of the text, a
//! pending deletion is not yet a deletion (both are listed among the proposals).

mod align;
pub mod credit;
pub(crate) mod emphasis;
mod pieces;
pub mod render;
pub mod snapshot;
mod walk;
pub(crate) mod words;

use std::collections::{BTreeMap, HashSet};

use automerge::ChangeHash;
use serde::{Deserialize, Serialize};

use crate::Result;
use crate::draft::Draft;
use crate::ids::{Country, Lang, ParagraphId, SuggestionId};
use crate::schema::{ParagraphKind, Status, SuggestionKind};

pub use credit::CountryOf;
pub use snapshot::{SNAPSHOT_FORMAT, Snapshot};
pub use walk::{compare_snapshots, diff_texts};

/// What a piece of a compared text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PieceOp {
    /// In both versions.
    Equal,
    /// Only in the newer version.
    Insert,
    /// Only in the older version.
    Delete,
}

/// A run of text of a comparison, with one op and one credited country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Piece {
    /// Equal, inserted or deleted.
    pub op: PieceOp,
    /// The characters.
    pub text: String,
    /// For insertions and deletions, the country whose change produced them (`None` when
    /// the actor is bound to no delegation, e.g. the server's seeding).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<Country>,
    /// The same words were cut in one place of the paragraph and inserted in another.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub moved: bool,
    /// In italics in its version (a preambular paragraph's opening words).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub em: bool,
}

/// How a paragraph's text differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParagraphChange {
    /// Same text.
    Unchanged,
    /// Text changed.
    Changed,
    /// Only in the newer version.
    Added,
    /// Only in the older version.
    Removed,
}

/// A field's value in the older and newer version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange<T> {
    /// Before.
    pub from: T,
    /// After.
    pub to: T,
}

/// One paragraph of a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParagraphDiff {
    /// The paragraph.
    pub id: ParagraphId,
    /// How its text differs.
    pub change: ParagraphChange,
    /// Its place among the paragraphs of both versions changed.
    pub moved: bool,
    /// Its number (1-based) in the older version.
    pub from_number: Option<usize>,
    /// Its number (1-based) in the newer version.
    pub to_number: Option<usize>,
    /// Its kind in the version it is shown from (the newer one unless removed).
    pub kind: ParagraphKind,
    /// Status change, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<FieldChange<Status>>,
    /// Kind change, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind_change: Option<FieldChange<ParagraphKind>>,
    /// The delegation credited with an added, removed or moved paragraph: whose proposal it
    /// was (a new paragraph, a deletion or a move accepted, or still pending), else who
    /// added or removed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<Country>,
    /// The text, piece by piece.
    pub pieces: Vec<Piece>,
}

/// A proposal that appeared or was settled between the versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalNote {
    /// The proposal's id (`s<16 hex>-<country>`).
    pub id: SuggestionId,
    /// Proposing country.
    pub country: Country,
    /// Insertion or deletion.
    pub kind: SuggestionKind,
    /// Its paragraph.
    pub paragraph: ParagraphId,
    /// The text it covers (in the version where it is pending).
    pub text: String,
}

/// Proposals that differ between the versions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProposalChanges {
    /// Pending in the newer version, not in the older one.
    pub opened: Vec<ProposalNote>,
    /// Pending in the older version, no longer in the newer one (accepted, rejected,
    /// withdrawn, or its text deleted).
    pub settled: Vec<ProposalNote>,
}

/// Word counts of one country's changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Words inserted.
    pub inserted: usize,
    /// Words deleted.
    pub deleted: usize,
}

/// Totals of a comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Paragraphs added.
    pub added: usize,
    /// Paragraphs removed.
    pub removed: usize,
    /// Paragraphs moved.
    pub moved: usize,
    /// Paragraphs whose text changed.
    pub changed: usize,
    /// Paragraphs whose status changed.
    pub status_changed: usize,
    /// Words inserted and deleted, by country (`"?"` for changes bound to no delegation).
    pub by_country: BTreeMap<String, Tally>,
}

/// Two versions of a draft compared in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// The language compared.
    pub lang: Lang,
    /// Heads of the older version (hex).
    pub from: Vec<String>,
    /// Heads of the newer version (hex).
    pub to: Vec<String>,
    /// The title, piece by piece.
    pub title: Vec<Piece>,
    /// Every paragraph of both versions: the newer version's order, each removed paragraph
    /// after the paragraph it followed in the older version.
    pub paragraphs: Vec<ParagraphDiff>,
    /// Proposals opened and settled.
    pub proposals: ProposalChanges,
    /// Totals.
    pub summary: Summary,
}

impl Comparison {
    /// The comparison as JSON, written into a buffer sized for it at once.
    pub fn to_json(&self) -> serde_json::Result<Vec<u8>> {
        let pieces = self.paragraphs.iter().flat_map(|p| &p.pieces).chain(&self.title);
        let estimate = pieces.map(|p| p.text.len() + 48).sum::<usize>() + 160 * self.paragraphs.len() + 1024;
        let mut out = Vec::with_capacity(estimate);
        serde_json::to_writer(&mut out, self)?;
        Ok(out)
    }

    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        let s = &self.summary;
        s.added + s.removed + s.moved + s.changed + s.status_changed == 0
            && self.title.iter().all(|p| p.op == PieceOp::Equal)
            && self.proposals.opened.is_empty()
            && self.proposals.settled.is_empty()
    }
}

impl Draft {
    /// Compares the draft at `from` with the draft at `to` (`None`: as it stands) in one
    /// language. `country_of` maps actor ids to delegations (the server's bindings).
    ///
    /// Makes both versions' [`Snapshot`]s and compares them; to compare saved versions
    /// often, keep their snapshots and use [`compare_snapshots`]. Fails with
    /// [`crate::DraftError::UnknownHeads`] if either version names a change this document
    /// does not have. Never blocks.
    pub fn compare(
        &mut self,
        from: Option<&[ChangeHash]>,
        to: Option<&[ChangeHash]>,
        lang: Lang,
        country_of: CountryOf<'_>,
    ) -> Result<Comparison> {
        let old = self.snapshot(from, country_of)?;
        let new = self.snapshot(to, country_of)?;
        Ok(compare_snapshots(&old, &new, lang))
    }

    /// Every actor that made a change to this draft, each once (for looking up whose they
    /// are before a comparison).
    pub fn actors(&mut self) -> Vec<automerge::ActorId> {
        self.settle_for_history();
        let mut seen = HashSet::new();
        self.doc
            .get_changes_meta(&[])
            .into_iter()
            .filter_map(|m| seen.insert(m.actor.clone().into_owned()).then(|| m.actor.into_owned()))
            .collect()
    }
}
