//! What the API shows of the workflow: [`WorkflowState`] (approvals, silence, adoption,
//! lock) and the [`Dashboard`] (status counts, unsettled paragraphs, pending proposals per
//! country, concordance per paragraph, and the workflow state).

use std::collections::BTreeMap;

use pluma_core::{Concordance, Draft, DraftError, ParagraphId, Status};
use serde::Serialize;

use super::{Lock, Numbered, deadline, numbered, same_heads};
use crate::store::{AdoptionRecord, ApprovalRecord, ObjectionRecord, SilenceProposalRecord, SilenceRecord, WorkflowRecord};

/// Words shown of a paragraph in lists.
const FIRST_WORDS: usize = 8;

/// An approval as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApprovalOut {
    /// The record.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub record: ApprovalRecord,
    /// Not voided.
    pub live: bool,
}

/// A silence procedure as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SilenceOut {
    /// The record.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub record: SilenceRecord,
    /// The deadline in UTC, for people (clients show it in each capital's zone).
    pub deadline_utc: String,
    /// Objections made against it.
    #[schema(value_type = Vec<Object>)]
    pub objections: Vec<ObjectionRecord>,
}

/// A silence proposal waiting for the other Presidencies, as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProposalOut {
    /// The record.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub record: SilenceProposalRecord,
    /// The proposed deadline in UTC.
    pub deadline_utc: String,
    /// The PPTs whose agreement is still missing.
    pub awaiting: Vec<String>,
}

/// Where the workflow of a draft stands.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkflowState {
    /// The PPT delegations whose approval adopts the text.
    pub ppt: Vec<String>,
    /// The document's heads now (hex, sorted).
    pub heads: Vec<String>,
    /// Every approval, oldest first; voided ones say why.
    pub approvals: Vec<ApprovalOut>,
    /// PPTs with a live approval of the current heads.
    pub approved_by: Vec<String>,
    /// PPTs whose approval of the current heads is still missing.
    pub awaiting: Vec<String>,
    /// The latest silence procedure, if any.
    pub silence: Option<SilenceOut>,
    /// A silence proposal waiting for the other Presidencies, if any.
    pub silence_proposal: Option<ProposalOut>,
    /// Every silence procedure, oldest first.
    #[schema(value_type = Vec<Object>)]
    pub silences: Vec<SilenceRecord>,
    /// The adoption, once adopted.
    #[schema(value_type = Option<Object>)]
    pub adopted: Option<AdoptionRecord>,
    /// The adoption time in UTC.
    pub adopted_utc: Option<String>,
    /// Why changes are refused now (adopted or under silence), if they are.
    pub locked: Option<String>,
}

impl WorkflowState {
    /// The state of `record` for a document whose heads are `heads` (hex).
    pub fn new(record: WorkflowRecord, ppt: &[pluma_core::Country], heads: Vec<String>) -> WorkflowState {
        let locked = Lock::from_record(&record).refusal();
        let approved_by: Vec<String> = ppt
            .iter()
            .filter(|c| record.live_approvals().any(|a| &a.country == *c && same_heads(&a.heads, &heads)))
            .map(ToString::to_string)
            .collect();
        let awaiting = ppt.iter().map(ToString::to_string).filter(|c| !approved_by.contains(c)).collect();
        let silence = record.silences.last().map(|s| SilenceOut {
            record: s.clone(),
            deadline_utc: deadline::utc_display(s.deadline),
            objections: record.objections.iter().filter(|o| o.silence_id == s.id).cloned().collect(),
        });
        let silence_proposal = record.pending_proposal().map(|p| ProposalOut {
            record: p.clone(),
            deadline_utc: deadline::utc_display(p.deadline),
            awaiting: ppt.iter().filter(|c| !p.consents.contains(c)).map(ToString::to_string).collect(),
        });
        WorkflowState {
            silence_proposal,
            ppt: ppt.iter().map(ToString::to_string).collect(),
            approvals: record.approvals.iter().map(|a| ApprovalOut { record: a.clone(), live: a.voided_at.is_none() }).collect(),
            approved_by,
            awaiting,
            silence,
            silences: record.silences.clone(),
            adopted_utc: record.adoption.as_ref().map(|a| deadline::utc_display(a.adopted_at)),
            adopted: record.adoption,
            locked,
            heads,
        }
    }
}

/// A paragraph in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParagraphLine {
    /// Its number in reading order (`None` for headings).
    pub number: Option<usize>,
    /// The paragraph's stable id, for clients that act on it.
    #[schema(value_type = String)]
    pub paragraph: ParagraphId,
    /// Its status.
    #[schema(value_type = String)]
    pub status: Status,
    /// The first words of its English text.
    pub first_words: String,
    /// Whether its two texts are confirmed to match.
    #[schema(value_type = String)]
    pub concordance: Concordance,
}

/// What the document says, for the dashboard (computed on the blocking pool).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TextFigures {
    /// Paragraphs per status (every status listed, zero included).
    pub status_counts: BTreeMap<String, usize>,
    /// Paragraphs in the way of adoption, in reading order: not agreed (agreed ad
    /// referendum included), or with proposals pending in or about them; each named as
    /// the web client names it, as the 409 of an approval or a silence lists them.
    pub unsettled: Vec<super::settled::Unsettled>,
    /// Pending proposals per proposing country.
    pub proposals_by_country: BTreeMap<String, usize>,
    /// Every paragraph with its concordance, in reading order.
    pub paragraphs: Vec<ParagraphLine>,
    /// How many paragraphs are out of concordance (changed since confirmed, or never
    /// confirmed).
    pub out_of_concordance: usize,
}

/// The dashboard of a draft.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    /// What the text says.
    #[serde(flatten)]
    pub text: TextFigures,
    /// Where the workflow stands.
    pub workflow: WorkflowState,
}

fn first_words(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = words.iter().take(FIRST_WORDS).copied().collect::<Vec<_>>().join(" ");
    if words.len() > FIRST_WORDS {
        out.push('…');
    }
    out
}

/// The text figures of a draft. CPU work: call from the blocking pool.
pub fn text_figures(draft: &mut Draft) -> Result<TextFigures, DraftError> {
    let mut status_counts: BTreeMap<String, usize> = Status::ALL.iter().map(|s| (s.as_str().to_owned(), 0)).collect();
    let mut paragraphs = Vec::new();
    for Numbered { number, paragraph: p, .. } in numbered(draft)? {
        *status_counts.entry(p.status.as_str().to_owned()).or_default() += 1;
        let concordance = draft.concordance(&p.id)?;
        paragraphs.push(ParagraphLine { number, first_words: first_words(&p.text.en), status: p.status, paragraph: p.id, concordance });
    }
    let proposals_by_country: BTreeMap<String, usize> =
        super::settled::by_country(draft)?.into_iter().map(|(c, n)| (c.to_string(), n)).collect();
    Ok(TextFigures {
        status_counts,
        unsettled: super::settled::unsettled(draft, false)?,
        out_of_concordance: paragraphs.iter().filter(|p| p.concordance != Concordance::Confirmed).count(),
        proposals_by_country,
        paragraphs,
    })
}
