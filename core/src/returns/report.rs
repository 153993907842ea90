//! What a return did, for the person who brought the file back: each proposal and comment
//! made, paragraph by paragraph, and everything in the file that was not made into one,
//! with the reason.

use serde::{Deserialize, Serialize};

use crate::ids::{Country, Lang, ParagraphId, SuggestionId, ThreadId};

/// How the version a file was exported from was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// The file's Pluma source part (or property) names it.
    Source,
    /// The file has no source; its paragraphs matched this version's by text.
    Text,
}

/// What kind of proposal was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MadeKind {
    /// Text replaced, inserted or deleted in a paragraph.
    Text,
    /// A new paragraph.
    NewParagraph,
    /// A paragraph's deletion.
    DeleteParagraph,
    /// A paragraph's move.
    MoveParagraph,
}

/// A proposal the return made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Made {
    /// The proposal's id (`s<16 hex>-<country>`), as the draft now holds it.
    pub id: SuggestionId,
    /// The paragraph it is in or about.
    pub paragraph: ParagraphId,
    /// That paragraph's label now (`OP 2`, `OP 2 bis`).
    pub label: String,
    /// What it proposes.
    pub kind: MadeKind,
    /// The text it proposes to delete (a paragraph's text for a deletion or move).
    pub deleted: String,
    /// The text it proposes to insert (a new paragraph's text).
    pub inserted: String,
    /// Whether it was a tracked change in the file (else found by comparing the text).
    pub tracked: bool,
}

/// A comment thread the return opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commented {
    /// The thread.
    pub thread: ThreadId,
    /// Its paragraph.
    pub paragraph: ParagraphId,
    /// That paragraph's label now.
    pub label: String,
    /// The words it sits on.
    pub quote: String,
    /// The comment.
    pub body: String,
}

/// Something in the file the return did not make into a proposal or comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotPlaced {
    /// The paragraph concerned, if any.
    pub paragraph: Option<ParagraphId>,
    /// Its label now, if it still exists.
    pub label: Option<String>,
    /// What it was, in words (`deletion of “safe”`).
    pub what: String,
    /// Its text, whole, so that nothing is lost.
    pub text: String,
    /// Why it was not made.
    pub reason: String,
}

/// The count per paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// The paragraph.
    pub paragraph: ParagraphId,
    /// Its label now.
    pub label: String,
    /// Proposals made in or about it.
    pub proposals: usize,
    /// Comment threads opened on it.
    pub comments: usize,
    /// Changes of the file in it that were not made.
    pub not_placed: usize,
}

/// What a return did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The draft the file names, if it names one.
    pub draft: Option<String>,
    /// The returning delegation.
    pub country: Country,
    /// The file's language.
    pub lang: Lang,
    /// `clean` or `tracked`: which export the file was.
    pub mode: String,
    /// The heads of the version it was exported from.
    pub heads: Vec<String>,
    /// How that version was found.
    pub matched_by: MatchedBy,
    /// The proposals made.
    pub proposals: Vec<Made>,
    /// The comment threads opened.
    pub comments: Vec<Commented>,
    /// What was not made, and why.
    pub not_placed: Vec<NotPlaced>,
    /// Changes an earlier return of the same edits already made (nothing is made twice).
    pub already_brought_back: Vec<NotPlaced>,
    /// Per paragraph (in reading order now), how many of each.
    pub paragraphs: Vec<Tally>,
}

impl Report {
    /// Counts per paragraph, in the order given (the draft's reading order).
    pub(crate) fn tally(&mut self, order: &[(ParagraphId, String)]) {
        let mut out = Vec::new();
        for (id, label) in order {
            let proposals = self.proposals.iter().filter(|m| &m.paragraph == id).count();
            let comments = self.comments.iter().filter(|c| &c.paragraph == id).count();
            let not_placed = self.not_placed.iter().filter(|n| n.paragraph.as_ref() == Some(id)).count();
            if proposals + comments + not_placed > 0 {
                out.push(Tally { paragraph: id.clone(), label: label.clone(), proposals, comments, not_placed });
            }
        }
        self.paragraphs = out;
    }
}
