//! Reading a returned file into a [`Plan`]: the proposals and comments it brings, each
//! tied to the characters of the version it was made against, and what it brings that is
//! not a proposal. Nothing here depends on the current text: [`super::apply`] places the
//! plan on it.

mod comments;
mod interpret;
mod locate;
mod paragraphs;

use automerge::ChangeHash;
use sha2::{Digest, Sha256};

use super::align::{Alignment, align};
use super::exported::{self, Exported};
use super::report::{MatchedBy, NotPlaced};
use super::word::{Body, Tok};
use super::{ReturnError, ReturnLimits, package, word};
use crate::draft::Draft;
use crate::export::docx::DocxMode;
use crate::ids::{Country, Lang, ParagraphId};
use crate::meeting::delegations::CountryNames;
use crate::schema::ParagraphKind;
use crate::view::CharId;

/// What [`read`] needs besides the file and the draft.
#[derive(Debug, Clone)]
pub struct ReadOptions<'a> {
    /// The id of the draft the file is brought to: a file naming another is refused.
    pub draft_id: Option<&'a str>,
    /// The returning delegation.
    pub country: &'a Country,
    /// Country names, as exports write them.
    pub names: &'a CountryNames,
    /// Bounds.
    pub limits: &'a ReturnLimits,
    /// For a file without a source: the versions to match it against by text, as heads,
    /// the current text first.
    pub candidates: &'a [Vec<ChangeHash>],
    /// When to stop comparing exactly (the comparison then finishes faster and coarser).
    pub deadline: Option<std::time::Instant>,
}

/// Which version a file shows, and how that was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The draft the file names, if it names one.
    pub draft: Option<String>,
    /// The version's heads.
    pub heads: Vec<ChangeHash>,
    /// The file's language.
    pub lang: Lang,
    /// Clean or tracked.
    pub mode: DocxMode,
    /// Named by the file, or found by text.
    pub matched_by: MatchedBy,
}

/// One change of the file, as a proposal or comment to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Text deleted and/or inserted at one place of a paragraph: a deletion of `deleted`
    /// (characters of the version), an insertion of `inserted` after them, or between
    /// `after` and `before` when nothing is deleted. One proposal.
    Text {
        /// The paragraph.
        paragraph: ParagraphId,
        /// The characters to delete, in order.
        deleted: Vec<CharId>,
        /// Their text.
        deleted_text: String,
        /// The text to insert.
        inserted: String,
        /// The character just before the place (none at the paragraph's start).
        after: Option<CharId>,
        /// The character just after the place (none at its end).
        before: Option<CharId>,
        /// Whether the file had it as a tracked change.
        tracked: bool,
    },
    /// A new paragraph after the first of `after` that the draft still has (at the start
    /// when none is left or given), or after the new paragraph of item `after_item` once
    /// that one is made.
    NewParagraph {
        /// Paragraphs before the place, nearest first.
        after: Vec<ParagraphId>,
        /// The new paragraph planned just before it, if any (an item index).
        after_item: Option<usize>,
        /// Its kind.
        kind: ParagraphKind,
        /// Its text, plain.
        text: String,
        /// Whether the file had it as a tracked change.
        tracked: bool,
    },
    /// A paragraph's deletion.
    DeleteParagraph {
        /// The paragraph.
        paragraph: ParagraphId,
        /// Its text as the file showed it.
        text: String,
        /// Whether the file had it as a tracked change.
        tracked: bool,
    },
    /// A paragraph's move to after the first of `after` still there (the start if none).
    MoveParagraph {
        /// The paragraph.
        paragraph: ParagraphId,
        /// Paragraphs before the new place, nearest first.
        after: Vec<ParagraphId>,
        /// Its text.
        text: String,
        /// Whether the file had it as a tracked change.
        tracked: bool,
    },
    /// A comment on the characters from `first` to `last` of a paragraph.
    Comment {
        /// The paragraph.
        paragraph: ParagraphId,
        /// The first character commented on.
        first: CharId,
        /// The last.
        last: CharId,
        /// The words, as the file showed them.
        quote: String,
        /// The comment.
        body: String,
        /// Its author in the file.
        author: String,
    },
}

/// A planned change with its digest: what it is and what it was made against, so that the
/// same change brought back again is recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// SHA-256 (hex) of the change, its version and the returning delegation.
    pub digest: String,
    /// The change.
    pub change: Change,
}

/// What a returned file brings.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Which version it shows.
    pub origin: Origin,
    /// Its changes, in reading order.
    pub items: Vec<Item>,
    /// What it brings that is not a proposal or comment, with the reason.
    pub not_placed: Vec<NotPlaced>,
}

/// Whether a returned character is one the export wrote, a deletion's, and so on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Class {
    /// Taking part in the comparison (not a new tracked insertion, not a meta line).
    pub(crate) base: bool,
    /// In a tracked insertion the export did not write.
    pub(crate) ins_new: bool,
    /// In a tracked insertion the export wrote.
    pub(crate) ins_known: bool,
    /// In a tracked deletion the export wrote.
    pub(crate) del_known: bool,
    /// In a tracked deletion the export did not write.
    pub(crate) del_new: bool,
    /// In a meta line under the title.
    pub(crate) meta: bool,
}

/// Everything the interpretation reads.
pub(crate) struct Ctx<'a> {
    pub(crate) x: &'a Exported,
    pub(crate) r: &'a Body,
    pub(crate) class: Vec<Class>,
    pub(crate) al: Alignment,
    pub(crate) country: &'a Country,
}

fn classify(body: &Body, known: &std::collections::HashSet<word::Stamp>) -> Vec<Class> {
    let meta = exported::meta_tokens(body);
    let is_known = |rev: Option<usize>| rev.is_some_and(|i| known.contains(&body.revisions[i]));
    body.tokens
        .iter()
        .enumerate()
        .map(|(i, t): (usize, &Tok)| {
            let ins_known = is_known(t.ins);
            let ins_new = t.ins.is_some() && !ins_known;
            let del_known = is_known(t.del);
            let del_new = t.del.is_some() && !del_known;
            let meta = meta.contains(&i);
            Class { base: !ins_new && !meta, ins_new, ins_known, del_known, del_new, meta }
        })
        .collect()
}

/// Reads a returned file against the draft: which version it shows, and what it changes.
/// Refuses a file that is not a Word file, is over the limits, names another draft or a
/// version the draft does not have, or (without a source) matches no version by text.
pub fn read(draft: &mut Draft, file: &[u8], opts: &ReadOptions<'_>) -> Result<Plan, ReturnError> {
    let package = package::read(file, opts.limits)?;
    let body = word::read(&package.document, package.comments.as_deref(), opts.limits.max_text_chars)?;
    let (origin, expected) = locate::locate(draft, &package, &body, opts)?;
    let x = exported::rebuild(draft, &origin.heads, origin.lang, origin.mode, opts.names)?;
    if let Some(ids) = expected
        && ids.iter().ne(x.paragraphs.iter().map(|p| &p.id))
    {
        return Err(ReturnError::BadSource("its paragraphs are not those of the version it names".into()));
    }
    let class = classify(&body, &x.known);
    let xs: Vec<char> = x.tokens.iter().map(|t| t.ch).collect();
    let rs: Vec<char> = body.tokens.iter().map(|t| t.ch).collect();
    let base: Vec<bool> = class.iter().map(|c| c.base).collect();
    let al = align(&xs, &rs, &base, opts.deadline);
    let ctx = Ctx { x: &x, r: &body, class, al, country: opts.country };
    let mut out = interpret::interpret(&ctx);
    out.changes.extend(comments::comments(&ctx, &mut out.not_placed));
    if out.changes.len() > opts.limits.max_changes {
        return Err(ReturnError::TooManyChanges { count: out.changes.len(), limit: opts.limits.max_changes });
    }
    let items = digests(out.changes, &origin, opts.country);
    Ok(Plan { origin, items, not_placed: out.not_placed })
}

/// Each change with its digest. Two changes of one file that are the same (the same word
/// inserted twice at one place) differ by their rank among equals.
fn digests(changes: Vec<Change>, origin: &Origin, country: &Country) -> Vec<Item> {
    let mut heads: Vec<String> = origin.heads.iter().map(ToString::to_string).collect();
    heads.sort();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    changes
        .into_iter()
        .map(|change| {
            let key = format!("{}|{}|{country}|{}", heads.join(","), origin.lang, identity(&change));
            let rank = seen.entry(key.clone()).or_insert(0);
            *rank += 1;
            let digest = hex::encode(Sha256::digest(format!("{key}|{rank}").as_bytes()));
            Item { digest, change }
        })
        .collect()
}

/// What a change is, for its digest: what it does and to which characters, not how the
/// file recorded it (tracked or not, by which author).
fn identity(change: &Change) -> String {
    let ids = |ids: &[CharId]| ids.iter().map(|c| format!("{}@{}", c.counter, c.actor)).collect::<Vec<_>>().join(",");
    let one = |c: &Option<CharId>| c.as_ref().map(|c| format!("{}@{}", c.counter, c.actor)).unwrap_or_default();
    let first = |ps: &[ParagraphId]| ps.first().map(ToString::to_string).unwrap_or_default();
    match change {
        Change::Text { paragraph, deleted, inserted, after, before, .. } => {
            format!("text|{paragraph}|{}|{inserted}|{}|{}", ids(deleted), one(after), one(before))
        }
        Change::NewParagraph { after, text, .. } => format!("new|{}|{text}", first(after)),
        Change::DeleteParagraph { paragraph, .. } => format!("delete|{paragraph}"),
        Change::MoveParagraph { paragraph, after, .. } => format!("move|{paragraph}|{}", first(after)),
        Change::Comment { paragraph, first: a, last: b, body, .. } => {
            format!("comment|{paragraph}|{}|{}|{body}", one(&Some(a.clone())), one(&Some(b.clone())))
        }
    }
}

/// The interpretation's result before digests.
#[derive(Debug, Default)]
pub(crate) struct Interpreted {
    pub(crate) changes: Vec<Change>,
    pub(crate) not_placed: Vec<NotPlaced>,
}

/// A note about something not taken.
pub(crate) fn note(
    paragraph: Option<&ParagraphId>,
    what: impl Into<String>,
    text: impl Into<String>,
    reason: impl Into<String>,
) -> NotPlaced {
    NotPlaced { paragraph: paragraph.cloned(), label: None, what: what.into(), text: text.into(), reason: reason.into() }
}
