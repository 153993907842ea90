//! Who may change what: the permission rules of ARCHITECTURE §1 and §3 as a pure function over a
//! proposed change.
//!
//! [`check`] is given the document with the candidate changes applied (a scratch copy),
//! the heads it had before them, the changes, and the acting person. It finds what the changes
//! touch from their operations (each operation's object, resolved to its path in the
//! draft), compares the touched parts before and after, and returns the first
//! [`Violation`] or `Ok`. Text is compared character by character (by the operation that
//! inserted each character), with the proposals that *effectively* cover each character, so
//! a proposal is judged by what it means, not by how automerge happens to store marks.
//!
//! Both documents must only ever have received changes (never edited in place): see
//! [`crate::Draft::clean`] for why. The server's documents are of that kind.

use std::collections::BTreeSet;
use std::fmt;

use automerge::{AutoCommit, Change, ChangeHash, ObjId, ObjType};
use serde::Serialize;

use crate::ids::{Country, Lang, ParagraphId, ThreadId, UserId};
use crate::schema::{Status, SuggestionKind, TrackMarkName, TrackMarkValue, keys};
use crate::view::{CharId, DraftView, tracked_runs_of};

pub use crate::role::Role;

mod alternatives;
mod ops;
mod paragraph_proposals;
mod parts;
mod text;
mod threads;

pub(crate) use parts::{CharState, read_text, schema, states_of};
use parts::{check_foreign_id, check_mark_op, check_paragraph};

use ops::{Touch, Touched};

/// The person a change is checked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    /// The person.
    pub user: UserId,
    /// Their role.
    pub role: Role,
    /// Their delegation (none for an admin).
    pub country: Option<Country>,
}

impl Who {
    pub(crate) fn decides(&self) -> bool {
        self.role.decides()
    }
}

/// The rule a change broke. Its name (`as_str`) is what the peer is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// Something outside the draft's schema: unknown keys, wrong types, replaced objects.
    Schema,
    /// Admins have no rights in documents.
    NoDocumentRights,
    /// Observers may only comment.
    ObserverCommentsOnly,
    /// A proposal mark in the name of another country, or on text the proposer did not insert.
    ProposalCountry,
    /// A proposal attributed to another person.
    ProposalAuthor,
    /// A direct (unmarked) edit by someone who may only propose.
    DirectEdit,
    /// Accepting or rejecting a proposal, which only chairs and the secretariat may do.
    AcceptReject,
    /// An agreed paragraph changed by someone other than a chair.
    AgreedFrozen,
    /// A paragraph's kind, status, section or editors changed by a non-chair.
    ParagraphFields,
    /// Paragraphs added, removed or reordered other than by a chair, the secretariat or a
    /// paragraph proposal.
    ParagraphOrder,
    /// Concordance set by someone other than a chair or the secretariat.
    Concordance,
    /// The title changed by someone other than a chair or the secretariat.
    Title,
    /// A comment in someone else's name.
    CommentAuthor,
    /// A comment edited by someone other than its author.
    CommentEdit,
    /// A thread resolved or reopened by someone without the right.
    ThreadResolve,
    /// A thread or message removed, or its anchor rewritten.
    ThreadImmutable,
    /// An alternative proposed, sponsored or withdrawn in another delegation's name.
    AlternativeSponsor,
    /// An alternative's text edited by other than its proposer, or an alternative removed.
    AlternativeText,
    /// An alternative adopted (or un-adopted) by other than a chair.
    AlternativeAdopt,
    /// A string with a character no text may carry ([`crate::clean`]).
    CleanText,
    /// More text, or larger changes, than the bounds allow ([`crate::bounds`]).
    TooLarge,
}

impl Rule {
    /// The rule's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Schema => "schema",
            Rule::NoDocumentRights => "no-document-rights",
            Rule::ObserverCommentsOnly => "observer-comments-only",
            Rule::ProposalCountry => "proposal-country",
            Rule::ProposalAuthor => "proposal-author",
            Rule::DirectEdit => "direct-edit",
            Rule::AcceptReject => "accept-reject",
            Rule::AgreedFrozen => "agreed-frozen",
            Rule::ParagraphFields => "paragraph-fields",
            Rule::ParagraphOrder => "paragraph-order",
            Rule::Concordance => "concordance",
            Rule::Title => "title",
            Rule::CommentAuthor => "comment-author",
            Rule::CommentEdit => "comment-edit",
            Rule::ThreadResolve => "thread-resolve",
            Rule::ThreadImmutable => "thread-immutable",
            Rule::AlternativeSponsor => "alternative-sponsor",
            Rule::AlternativeText => "alternative-text",
            Rule::AlternativeAdopt => "alternative-adopt",
            Rule::CleanText => "clean-text",
            Rule::TooLarge => "too-large",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A broken rule, with where and whose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct Violation {
    /// Which rule.
    pub rule: Rule,
    /// The paragraph concerned, if any.
    pub paragraph: Option<ParagraphId>,
    /// The country concerned (whose proposal, or whose name was used), if any.
    pub country: Option<Country>,
    /// What happened, in words.
    pub detail: String,
}

impl Violation {
    /// The violation in words for people: its paragraph named by `label` (`OP 2`, see
    /// [`crate::labels`]) when the caller has one, else by id as in `Display` (for logs).
    pub fn describe(&self, label: Option<&crate::labels::Label>) -> String {
        let mut out = format!("rule {}: {}", self.rule, self.detail);
        match (label, &self.paragraph) {
            (Some(l), _) => out.push_str(&format!(" ({l})")),
            (None, Some(p)) => out.push_str(&format!(" (paragraph {p})")),
            (None, None) => {}
        }
        if let Some(c) = &self.country {
            out.push_str(&format!(" (country {c})"));
        }
        out
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(None))
    }
}

/// What a checked change did, for the audit log and the activity feed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A proposal was made.
    ProposalMade { paragraph: ParagraphId, lang: Lang, country: Country, kind: SuggestionKind },
    /// A country withdrew its own proposal.
    ProposalWithdrawn { paragraph: ParagraphId, lang: Lang, country: Country, kind: SuggestionKind },
    /// A proposal was accepted.
    ProposalAccepted { paragraph: ParagraphId, lang: Lang, country: Country, kind: SuggestionKind },
    /// A proposal was rejected.
    ProposalRejected { paragraph: ParagraphId, lang: Lang, country: Country, kind: SuggestionKind },
    /// The text was edited directly.
    DirectEdit { paragraph: ParagraphId, lang: Lang },
    /// A paragraph's status changed.
    StatusChanged { paragraph: ParagraphId, from: Status, to: Status },
    /// A paragraph's kind, section or editors changed.
    ParagraphChanged { paragraph: ParagraphId },
    /// A paragraph was added.
    ParagraphAdded { paragraph: ParagraphId },
    /// A new paragraph, a paragraph's deletion or its move was proposed.
    ParagraphProposalMade { paragraph: ParagraphId, country: Country, kind: crate::ParagraphProposalKind },
    /// A paragraph proposal was accepted.
    ParagraphProposalAccepted { paragraph: ParagraphId, country: Country, kind: crate::ParagraphProposalKind },
    /// A paragraph proposal was rejected.
    ParagraphProposalRejected { paragraph: ParagraphId, country: Country, kind: crate::ParagraphProposalKind },
    /// A delegation withdrew its paragraph proposal.
    ParagraphProposalWithdrawn { paragraph: ParagraphId, country: Country, kind: crate::ParagraphProposalKind },
    /// A paragraph was removed.
    ParagraphRemoved { paragraph: ParagraphId },
    /// Paragraphs were reordered.
    OrderChanged,
    /// Concordance was confirmed or cleared.
    ConcordanceChanged { paragraph: ParagraphId },
    /// The title changed.
    TitleChanged,
    /// A comment thread was opened.
    ThreadOpened { thread: ThreadId, paragraph: ParagraphId },
    /// A reply was added.
    CommentAdded { thread: ThreadId },
    /// A comment was edited by its author.
    CommentEdited { thread: ThreadId },
    /// A thread was resolved.
    ThreadResolved { thread: ThreadId },
    /// A thread was reopened.
    ThreadReopened { thread: ThreadId },
    /// An alternative formulation was proposed, sponsored, withdrawn or adopted.
    Alternative { paragraph: ParagraphId, alternative: crate::AlternativeId, action: crate::alternatives::AlternativeAction },
}

/// What a change did, when it is allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Each distinct event once, in a stable order.
    pub events: BTreeSet<Event>,
}

pub(crate) fn violation(rule: Rule, paragraph: Option<&ParagraphId>, country: Option<&Country>, detail: impl Into<String>) -> Violation {
    Violation { rule, paragraph: paragraph.cloned(), country: country.cloned(), detail: detail.into() }
}

/// Checks that `changes`, which turned `before` into `after`, are allowed for `who`.
///
/// Pure and synchronous; costs time in proportion to what the changes touch (whole
/// paragraphs and threads), not to the document.
pub fn check(after: &AutoCommit, before_heads: &[ChangeHash], changes: &[Change], who: &Who) -> Result<Summary, Violation> {
    guarded(|| check_unguarded(after, before_heads, changes, who, Shortcuts::Taken))
}

/// [`check`] comparing every touched text before and after, even where the changes'
/// operations show the text before is not needed. For tests: both must always agree.
#[doc(hidden)]
pub fn check_thoroughly(after: &AutoCommit, before_heads: &[ChangeHash], changes: &[Change], who: &Who) -> Result<Summary, Violation> {
    guarded(|| check_unguarded(after, before_heads, changes, who, Shortcuts::Avoided))
}

/// Whether [`check`] may judge a text from what the changes' operations did to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shortcuts {
    Taken,
    Avoided,
}

/// Decoding a peer's change or reading a document it corrupted can panic inside automerge
/// 0.12; a peer must not be able to crash whoever checks its changes.
fn guarded(run: impl FnOnce() -> Result<Summary, Violation>) -> Result<Summary, Violation> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
        .unwrap_or_else(|_| Err(schema("the changes are malformed (automerge could not read them)")))
}

fn check_unguarded(
    after: &AutoCommit,
    before_heads: &[ChangeHash],
    changes: &[Change],
    who: &Who,
    shortcuts: Shortcuts,
) -> Result<Summary, Violation> {
    if who.role == Role::Admin && changes.iter().any(|c| !c.is_empty()) {
        return Err(violation(Rule::NoDocumentRights, None, None, "an administrator may not change a draft"));
    }
    let mut touched = ops::scan(after, changes, who)?;
    if shortcuts == Shortcuts::Avoided {
        touched.read_everything();
    }
    let mut summary = Summary::default();
    if touched.touches.is_empty() {
        return Ok(summary);
    }
    if who.role == Role::Observer && touched.touches.iter().any(|t| !matches!(t, Touch::Thread(_))) {
        return Err(violation(Rule::ObserverCommentsOnly, None, who.country.as_ref(), "observers may comment but not draft"));
    }
    let (b, a) = (DraftView::new(after, Some(before_heads)), DraftView::new(after, None));
    for (paragraph, country, id) in &touched.foreign_ids {
        check_foreign_id(&b, paragraph, country, id)?;
    }
    for t in &touched.touches {
        match t {
            Touch::Title => {
                if !who.decides() {
                    return Err(violation(Rule::Title, None, None, "only a chair or the secretariat may change the title"));
                }
                summary.events.insert(Event::TitleChanged);
            }
            Touch::Order => paragraph_proposals::check_order(&b, &a, who, &mut summary)?,
            Touch::Paragraph(id) | Touch::ParagraphField(id, _) | Touch::Text(id, _) => {
                let id: ParagraphId = id.parse().map_err(|e| schema(format!("{e}")))?;
                check_paragraph(&b, &a, &id, t, &touched, who, &mut summary)?;
            }
            Touch::Thread(id) => {
                let id: ThreadId = id.parse().map_err(|e| schema(format!("{e}")))?;
                threads::check_thread(&b, &a, &id, who, &mut summary)?;
            }
        }
    }
    Ok(summary)
}

/// Applies `changes` to a copy of `before` and checks them: the copy is returned on success.
/// For callers without a scratch copy of their own.
pub fn check_on_copy(before: &AutoCommit, changes: &[Change], who: &Who) -> Result<(AutoCommit, Summary), Violation> {
    let mut after = before.clone();
    let heads = after.get_heads();
    apply_untrusted(&mut after, changes).map_err(|e| schema(format!("the changes do not apply: {e}")))?;
    let summary = check(&after, &heads, changes, who)?;
    Ok((after, summary))
}

/// Applies changes from an untrusted peer to `doc`, which the caller must discard on error.
///
/// automerge 0.12 decodes some malformed changes that it then fails to apply by panicking
/// (found by `server/tests/fuzz_incoming.rs`). A peer must never be able to crash the
/// server, so a panic while applying counts as a refusal. After an error `doc` may be in
/// any state: apply untrusted changes only to a copy.
pub fn apply_untrusted(doc: &mut AutoCommit, changes: &[Change]) -> std::result::Result<(), String> {
    let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| doc.apply_changes(changes.iter().cloned())));
    match applied {
        Ok(Ok(())) => {
            crate::draft::drop_patch_log(doc);
            Ok(())
        }
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the changes are malformed (automerge could not apply them)".to_owned()),
    }
}
