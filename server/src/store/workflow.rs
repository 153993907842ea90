//! The workflow's rows (approvals, silence procedures, objections, adoptions), its store
//! traits ([`WorkflowStore`], [`SilenceProposalStore`]) and the SQL both backends share
//! (the statements are the same on SQLite and PostgreSQL).
//!
//! Every state change that must happen once is a conditional write checked by its row
//! count, inside the transaction that records its consequences: a silence procedure leaves
//! `running` exactly once (broken by an objection before the deadline, or adopted or
//! lapsed at it, by whichever process claims it first), and a draft has at most one
//! adoption (its primary key).

use pluma_core::{Country, UserId};
use serde::Serialize;

use crate::ids::{ApprovalId, DraftId, ObjectionId, SilenceId, VersionId};
use crate::store::{Result, StoreError};

mod methods;
pub(crate) mod proposals;
pub use methods::WorkflowStore;
pub(crate) use methods::{insert_version_on, workflow_store};
pub(crate) use proposals::proposal_store;
pub use proposals::{ProposalState, SilenceProposalRecord, SilenceProposalStore};

/// One PPT's approval of the text at `heads`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalRecord {
    /// Stable id; audit entries name it.
    pub id: ApprovalId,
    /// The approved draft.
    pub draft_id: DraftId,
    /// The approving PPT delegation.
    pub country: Country,
    /// The chair who approved.
    pub user: UserId,
    /// The heads approved (hex).
    pub heads: Vec<String>,
    /// The version saved with the approval.
    pub version_id: Option<VersionId>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// When a later change voided it.
    pub voided_at: Option<i64>,
    /// Why it was voided.
    pub void_reason: Option<String>,
}

/// Where a silence procedure stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SilenceState {
    /// Until the deadline: the text is frozen.
    Running,
    /// A delegation objected before the deadline.
    Broken,
    /// The deadline passed unbroken and the text was adopted.
    Adopted,
    /// The deadline passed unbroken but adoption was refused (the reason is the outcome).
    Lapsed,
    /// The text was adopted by both approvals while the procedure ran.
    Closed,
}

impl SilenceState {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            SilenceState::Running => "running",
            SilenceState::Broken => "broken",
            SilenceState::Adopted => "adopted",
            SilenceState::Lapsed => "lapsed",
            SilenceState::Closed => "closed",
        }
    }

    fn parse(s: &str) -> Result<SilenceState> {
        Ok(match s {
            "running" => SilenceState::Running,
            "broken" => SilenceState::Broken,
            "adopted" => SilenceState::Adopted,
            "lapsed" => SilenceState::Lapsed,
            "closed" => SilenceState::Closed,
            other => return Err(StoreError::corrupt("silence state", other)),
        })
    }
}

/// A silence procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SilenceRecord {
    /// Stable id; objections and the adoption name it.
    pub id: SilenceId,
    /// The draft under silence.
    pub draft_id: DraftId,
    /// The heads under silence (hex).
    pub heads: Vec<String>,
    /// The version put under silence.
    pub version_id: Option<VersionId>,
    /// Unix milliseconds; objections are accepted strictly before it.
    pub deadline: i64,
    /// Where it stands.
    pub state: SilenceState,
    /// The chair who started it.
    pub started_by: Option<UserId>,
    /// Their delegation.
    pub country: Option<Country>,
    /// A chair's reason to adopt at the deadline although paragraphs are out of concordance.
    pub concordance_override: Option<String>,
    /// A chair's decision to go ahead with a text that is not settled (JSON of
    /// [`crate::workflow::settled::OverrideRecord`]).
    pub settled_override: Option<String>,
    /// Unix milliseconds.
    pub started_at: i64,
    /// When it left `running`.
    pub ended_at: Option<i64>,
    /// How it ended, in words.
    pub outcome: Option<String>,
}

/// A written objection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectionRecord {
    /// Stable id; the audit entry names it.
    pub id: ObjectionId,
    /// The procedure it broke.
    pub silence_id: SilenceId,
    /// Who objected.
    pub user: UserId,
    /// For which delegation.
    pub country: Country,
    /// The objection.
    pub body: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// The adoption of a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdoptionRecord {
    /// The adopted draft (at most one adoption each).
    pub draft_id: DraftId,
    /// The adopted heads (hex, sorted).
    pub heads: Vec<String>,
    /// The certified fingerprint (`pluma_core::fingerprint`), hex.
    pub fingerprint: String,
    /// The version "Adopted".
    pub version_id: Option<VersionId>,
    /// `approvals` or `silence`.
    pub how: String,
    /// The silence procedure that adopted it.
    pub silence_id: Option<SilenceId>,
    /// The chair's reason for adopting with paragraphs out of concordance.
    pub concordance_override: Option<String>,
    /// A chair's decision to adopt a text that was not settled (JSON of
    /// [`crate::workflow::settled::OverrideRecord`]).
    pub settled_override: Option<String>,
    /// Unix milliseconds.
    pub adopted_at: i64,
}

/// Everything the workflow keeps about one draft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WorkflowRecord {
    /// Every approval, oldest first (voided ones included).
    pub approvals: Vec<ApprovalRecord>,
    /// Every silence procedure, oldest first.
    pub silences: Vec<SilenceRecord>,
    /// Every objection, oldest first.
    pub objections: Vec<ObjectionRecord>,
    /// The adoption, once adopted.
    pub adoption: Option<AdoptionRecord>,
    /// Every silence proposal, oldest first.
    pub proposals: Vec<SilenceProposalRecord>,
}

impl WorkflowRecord {
    /// The proposal waiting for consent, if any.
    pub fn pending_proposal(&self) -> Option<&SilenceProposalRecord> {
        self.proposals.iter().find(|p| p.state == ProposalState::Proposed)
    }

    /// The running silence procedure, if any.
    pub fn running_silence(&self) -> Option<&SilenceRecord> {
        self.silences.iter().find(|s| s.state == SilenceState::Running)
    }

    /// Approvals not voided.
    pub fn live_approvals(&self) -> impl Iterator<Item = &ApprovalRecord> {
        self.approvals.iter().filter(|a| a.voided_at.is_none())
    }
}

/// What became of an objection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectionOutcome {
    /// It broke the procedure.
    Broke,
    /// The procedure's deadline had passed (unix milliseconds).
    TooLate(i64),
    /// The procedure is no longer running.
    NotRunning(SilenceState),
}

/// Whether a document's draft is adopted or under a running silence procedure (a count,
/// 0 when not). Checked in every append transaction, so that a process whose cached
/// workflow state is stale (another process adopted the draft) still refuses changes.
pub(crate) const LOCKED: &str = "SELECT
       (SELECT COUNT(*) FROM adoptions a JOIN drafts d ON d.id = a.draft_id WHERE d.doc_id = $1)
     + (SELECT COUNT(*) FROM silence_procedures s JOIN drafts d ON d.id = s.draft_id WHERE d.doc_id = $1 AND s.state = 'running')";

pub(crate) fn join_heads(heads: &[String]) -> String {
    heads.join(" ")
}

pub(crate) fn split_heads(heads: &str) -> Vec<String> {
    heads.split_whitespace().map(str::to_owned).collect()
}

pub(crate) fn parse<T: std::str::FromStr>(what: &'static str, s: String) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(|e| StoreError::corrupt(what, e))
}

pub(crate) fn parse_opt<T: std::str::FromStr>(what: &'static str, s: Option<String>) -> Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    s.map(|s| parse(what, s)).transpose()
}

pub(crate) const APPROVALS: &str = "SELECT id, draft_id, country, user_id, heads, version_id, created_at, voided_at, void_reason
     FROM approvals WHERE draft_id = $1 ORDER BY created_at, id";

pub(crate) type ApprovalRow = (String, String, String, String, String, Option<String>, i64, Option<i64>, Option<String>);

pub(crate) fn approval(row: ApprovalRow) -> Result<ApprovalRecord> {
    let (id, draft_id, country, user, heads, version_id, created_at, voided_at, void_reason) = row;
    Ok(ApprovalRecord {
        id: parse("approval id", id)?,
        draft_id: parse("approval draft", draft_id)?,
        country: parse("approval country", country)?,
        user: parse("approval user", user)?,
        heads: split_heads(&heads),
        version_id: parse_opt("approval version", version_id)?,
        created_at,
        voided_at,
        void_reason,
    })
}

pub(crate) const SILENCE_COLUMNS: &str = "id, draft_id, heads, version_id, deadline, state, started_by, country, concordance_override, settled_override, started_at, ended_at, outcome";

pub(crate) type SilenceRow = (
    String,
    String,
    String,
    Option<String>,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    Option<i64>,
    Option<String>,
);

pub(crate) fn silence(row: SilenceRow) -> Result<SilenceRecord> {
    let (
        id,
        draft_id,
        heads,
        version_id,
        deadline,
        state,
        started_by,
        country,
        concordance_override,
        settled_override,
        started_at,
        ended_at,
        outcome,
    ) = row;
    Ok(SilenceRecord {
        id: parse("silence id", id)?,
        draft_id: parse("silence draft", draft_id)?,
        heads: split_heads(&heads),
        version_id: parse_opt("silence version", version_id)?,
        deadline,
        state: SilenceState::parse(&state)?,
        started_by: parse_opt("silence user", started_by)?,
        country: parse_opt("silence country", country)?,
        concordance_override,
        settled_override,
        started_at,
        ended_at,
        outcome,
    })
}

pub(crate) const OBJECTIONS: &str = "SELECT o.id, o.silence_id, o.user_id, o.country, o.body, o.created_at
     FROM silence_objections o JOIN silence_procedures s ON s.id = o.silence_id
     WHERE s.draft_id = $1 ORDER BY o.created_at, o.id";

pub(crate) type ObjectionRow = (String, String, String, String, String, i64);

pub(crate) fn objection(row: ObjectionRow) -> Result<ObjectionRecord> {
    let (id, silence_id, user, country, body, created_at) = row;
    Ok(ObjectionRecord {
        id: parse("objection id", id)?,
        silence_id: parse("objection silence", silence_id)?,
        user: parse("objection user", user)?,
        country: parse("objection country", country)?,
        body,
        created_at,
    })
}

pub(crate) const ADOPTION: &str =
    "SELECT draft_id, heads, fingerprint, version_id, how, silence_id, concordance_override, settled_override, adopted_at
     FROM adoptions WHERE draft_id = $1";

pub(crate) type AdoptionRow = (String, String, String, Option<String>, String, Option<String>, Option<String>, Option<String>, i64);

pub(crate) fn adoption(row: AdoptionRow) -> Result<AdoptionRecord> {
    let (draft_id, heads, fingerprint, version_id, how, silence_id, concordance_override, settled_override, adopted_at) = row;
    Ok(AdoptionRecord {
        draft_id: parse("adoption draft", draft_id)?,
        heads: split_heads(&heads),
        fingerprint,
        version_id: parse_opt("adoption version", version_id)?,
        how,
        silence_id: parse_opt("adoption silence", silence_id)?,
        concordance_override,
        settled_override,
        adopted_at,
    })
}

impl SilenceState {
    /// Parses a stored state (for the backends' macro).
    pub(crate) fn parse_stored(s: &str) -> Result<SilenceState> {
        SilenceState::parse(s)
    }
}
