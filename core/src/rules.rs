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
mod text;
mod threads;

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

/// A proposal mark set by these changes: named for the acting person's country, in their
/// name, and for an insertion naming the actor of the change itself, in its name and its
/// value (see [`TrackMarkName`]). (Removals, which set
/// a null value, are judged by their effect on the text.)
fn check_mark_op(name: &str, value: &automerge::ScalarValue, actor: &str, who: &Who) -> Result<(), Violation> {
    let Some(mark) = TrackMarkName::parse(name) else { return Ok(()) };
    let automerge::ScalarValue::Str(json) = value else { return Ok(()) };
    let Some(value) = TrackMarkValue::parse(json) else {
        return Err(schema(format!("mark {name} has a value that is not a proposal")));
    };
    if Some(&mark.country) != who.country.as_ref() {
        return Err(violation(
            Rule::ProposalCountry,
            None,
            Some(&mark.country),
            format!(
                "a proposal mark in the name of {}, by someone of {}",
                mark.country,
                who.country.as_ref().map_or("no delegation", |c| c.as_str())
            ),
        ));
    }
    if value.user != who.user {
        return Err(violation(
            Rule::ProposalAuthor,
            None,
            Some(&mark.country),
            format!("a proposal attributed to another person ({})", value.user),
        ));
    }
    if mark.kind == SuggestionKind::Insert && (value.actor.as_deref() != Some(actor) || mark.actor.as_deref() != Some(actor)) {
        return Err(violation(
            Rule::ProposalCountry,
            None,
            Some(&mark.country),
            format!("an insertion mark must be named ins:{}:{actor} and name that actor in its value", mark.country),
        ));
    }
    Ok(())
}

/// A proposal mark under an id that does not name its country continues a proposal that
/// country already has in the paragraph (made before ids named their country); any other
/// id could make one delegation's text part of another's proposal, decided with it.
fn check_foreign_id(b: &DraftView<'_>, paragraph: &str, country: &Country, id: &crate::SuggestionId) -> Result<(), Violation> {
    let paragraph: ParagraphId = paragraph.parse().map_err(|e| schema(format!("{e}")))?;
    let existing = match b.paragraph_obj(&paragraph) {
        Ok(_) => Lang::ALL
            .into_iter()
            .map(|l| b.paragraph_suggestions(&paragraph, l))
            .collect::<crate::Result<Vec<_>>>()
            .map_err(|e| schema(e.to_string()))?
            .into_iter()
            .flatten()
            .any(|s| &s.id == id && &s.country == country),
        Err(_) => false,
    };
    if existing {
        return Ok(());
    }
    Err(violation(
        Rule::ProposalCountry,
        Some(&paragraph),
        Some(country),
        format!("a new proposal's id must name its delegation (…-{country}), not {id}"),
    ))
}

pub(crate) fn schema(detail: impl Into<String>) -> Violation {
    violation(Rule::Schema, None, None, detail)
}

fn check_paragraph(
    b: &DraftView<'_>,
    a: &DraftView<'_>,
    id: &ParagraphId,
    touch: &Touch,
    touched: &Touched,
    who: &Who,
    summary: &mut Summary,
) -> Result<(), Violation> {
    let fields = |v: &DraftView<'_>| match v.paragraph_fields(id) {
        Ok(p) => Ok(Some(p)),
        Err(crate::DraftError::UnknownParagraph(_)) => Ok(None),
        Err(e) => Err(violation(Rule::Schema, Some(id), None, e.to_string())),
    };
    let after = fields(a)?;
    // Changes that touch only a paragraph's texts leave its fields as they were: they are
    // read once, now, rather than also at the earlier heads (which costs automerge a clock).
    let before = if touched.paragraph_fields(id.as_str()) { fields(b)? } else { after.clone() };
    let chair = who.role == Role::Chair;
    let (before, after) = match (before, after) {
        (None, None) => return Err(violation(Rule::Schema, Some(id), None, "a change to a paragraph that does not exist")),
        (None, Some(_)) => return paragraph_proposals::check_added(a, id, who, summary),
        (Some(_), None) => return paragraph_proposals::check_removed(b, id, who, summary),
        (Some(b), Some(a)) => (b, a),
    };
    if before.status == Status::Agreed && !chair {
        return Err(violation(Rule::AgreedFrozen, Some(id), None, "the paragraph is agreed; only a chair may change it"));
    }
    check_paragraph_keys(a, id)?;
    match touch {
        Touch::ParagraphField(_, field) if field == keys::P_CONCORDANCE && before.concordance != after.concordance => {
            if !who.decides() {
                return Err(violation(Rule::Concordance, Some(id), None, "only the secretariat or a chair may confirm concordance"));
            }
            summary.events.insert(Event::ConcordanceChanged { paragraph: id.clone() });
        }
        Touch::ParagraphField(_, field) if field == keys::P_CONCORDANCE => {}
        Touch::ParagraphField(_, field) if field == keys::P_ALTERNATIVES => alternatives::check_alternatives(b, a, id, who, summary)?,
        Touch::ParagraphField(_, field) if field == keys::P_PROPOSALS => paragraph_proposals::check_changed(b, a, id, who, summary)?,
        Touch::ParagraphField(_, field) if field == keys::P_TEXT => {
            return Err(violation(Rule::Schema, Some(id), None, "a paragraph's texts may be edited, not replaced"));
        }
        Touch::ParagraphField(..) | Touch::Paragraph(_) => {
            let changed = before.kind != after.kind
                || before.status != after.status
                || before.section != after.section
                || before.editors != after.editors;
            if changed && !chair {
                return Err(violation(
                    Rule::ParagraphFields,
                    Some(id),
                    None,
                    "only a chair may change a paragraph's kind, status, section or editors",
                ));
            }
            if before.status != after.status {
                summary.events.insert(Event::StatusChanged { paragraph: id.clone(), from: before.status, to: after.status });
            }
            if (&before.kind, before.section, &before.editors) != (&after.kind, after.section, &after.editors) {
                summary.events.insert(Event::ParagraphChanged { paragraph: id.clone() });
            }
        }
        Touch::Text(_, lang) => {
            let lang: Lang = lang.parse().map_err(|e: crate::IdError| schema(e.to_string()))?;
            let may_edit = who.decides()
                || who.country.as_ref().is_some_and(|c| before.editors.contains(c))
                || paragraph_proposals::proposed_by(b, id, who)?;
            let ops = touched.texts.get(&(id.to_string(), lang.as_str().to_owned()));
            text::check_text(b, a, id, lang, who, may_edit, ops, summary)?;
        }
        _ => {}
    }
    Ok(())
}

/// The keys of a paragraph and of its `text` map are the schema's, nothing else.
fn check_paragraph_keys(a: &DraftView<'_>, id: &ParagraphId) -> Result<(), Violation> {
    let p = a.paragraph_obj(id).map_err(|e| violation(Rule::Schema, Some(id), None, e.to_string()))?;
    let allowed = [
        keys::P_KIND,
        keys::P_STATUS,
        keys::P_EDITORS,
        keys::P_SECTION,
        keys::P_TEXT,
        keys::P_CONCORDANCE,
        keys::P_ALTERNATIVES,
        keys::P_PROPOSALS,
    ];
    if let Some(k) = a.keys(&p).into_iter().find(|k| !allowed.contains(&k.as_str())) {
        return Err(violation(Rule::Schema, Some(id), None, format!("unknown paragraph field {k:?}")));
    }
    let texts = a.object(&p, keys::P_TEXT, ObjType::Map, "text").map_err(|e| violation(Rule::Schema, Some(id), None, e.to_string()))?;
    if let Some(k) = a.keys(&texts).into_iter().find(|k| k != "en" && k != "es") {
        return Err(violation(Rule::Schema, Some(id), None, format!("unknown language {k:?}")));
    }
    Ok(())
}

/// The proposals that effectively cover each character of a text, and its formatting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CharState {
    pub(crate) proposals: BTreeSet<(SuggestionKind, Country, String, UserId)>,
    pub(crate) values: Vec<(TrackMarkName, TrackMarkValue)>,
    pub(crate) strong: bool,
    pub(crate) em: bool,
}

/// A text's character ids and marks.
pub(crate) fn read_text(v: &DraftView<'_>, obj: &ObjId) -> Result<(Vec<CharId>, Vec<automerge::marks::Mark>), Violation> {
    let ids = v.char_ids(obj).map_err(|e| schema(e.to_string()))?;
    let marks = v.marks(obj).map_err(|e| schema(e.to_string()))?;
    Ok((ids, marks))
}

/// The state of each character of a text (in the order of `ids`), from its marks.
pub(crate) fn states_of(ids: &[CharId], marks: &[automerge::marks::Mark]) -> Result<Vec<CharState>, Violation> {
    let mut states: Vec<CharState> =
        vec![CharState { proposals: BTreeSet::new(), values: Vec::new(), strong: false, em: false }; ids.len()];
    for m in marks {
        let end = m.end.min(ids.len());
        match m.name.as_str() {
            keys::STRONG | keys::EM => {
                let on = matches!(m.value, automerge::ScalarValue::Boolean(true));
                for s in &mut states[m.start.min(end)..end] {
                    if m.name == keys::STRONG {
                        s.strong = on;
                    } else {
                        s.em = on;
                    }
                }
            }
            name if TrackMarkName::parse(name).is_some() => match &m.value {
                automerge::ScalarValue::Str(value) if TrackMarkValue::parse(value).is_some() => {}
                automerge::ScalarValue::Null => {}
                _ => return Err(schema(format!("mark {name} has a value that is not a proposal"))),
            },
            other => return Err(schema(format!("unknown mark {other:?}"))),
        }
    }
    for run in tracked_runs_of(marks, || Ok(ids)).map_err(|e| schema(e.to_string()))? {
        for s in &mut states[run.start.min(ids.len())..run.end.min(ids.len())] {
            s.proposals.insert((run.name.kind, run.name.country.clone(), run.value.id.to_string(), run.value.user.clone()));
            s.values.push((run.name.clone(), run.value.clone()));
        }
    }
    Ok(states)
}
