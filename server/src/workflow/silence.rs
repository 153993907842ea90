//! The silence procedure's start, which cannot replace the Presidencies (rules in
//! [`super::consent`]): a chair of a Pro-Tempore Presidency (PPT) proposes to put the text
//! under silence until a deadline ([`propose`]); a chair of each other PPT agrees
//! ([`agree`]); once every PPT has, the procedure starts on the proposed text, which must
//! not have changed, with the proposed deadline, which must still be the minimum period
//! away. In a meeting with one PPT the proposal starts it at once. A newer proposal
//! replaces one still waiting. Objections are [`super::objection`]'s; the deadline is
//! [`super::timer`]'s.

use super::consent::{check_deadline, check_text, check_workflow, minimum_period, ppt_chair};
use super::deadline::utc_display;
use super::settled::{OverrideRecord, SettledOverride};
use super::view::WorkflowState;
use super::{WorkflowError, auto_version, heads_hex, hold, ppt_countries, same_heads};
use crate::app_state::AppState;
use crate::ids::{SilenceId, SilenceProposalId, VersionId};
use crate::model::{DraftRecord, User};
use crate::store::{AuditAction, AuditEntry, ProposalState, SilenceProposalRecord, SilenceRecord, SilenceState, StoreError};
use crate::sync::Held;
use crate::time::now_ms;

/// What a chair proposes.
#[derive(Debug)]
pub struct Proposal {
    /// The deadline, unix milliseconds.
    pub deadline: i64,
    /// A saved version to put under silence; it must be the current text.
    pub version: Option<VersionId>,
    /// A reason to adopt at the deadline although paragraphs are out of concordance
    /// (already checked as input).
    pub concordance_override: Option<String>,
    /// A decision to put under silence a text that is not settled.
    pub settled_override: Option<SettledOverride>,
}

/// Where a proposal or an agreement left the procedure.
#[derive(Debug)]
pub struct Step {
    /// The proposal as it stands.
    pub proposal: SilenceProposalRecord,
    /// The procedure, when this step started it (every PPT has consented).
    pub started: Option<SilenceRecord>,
    /// Where the workflow stands now.
    pub workflow: WorkflowState,
}

/// Proposes a silence procedure for `who`, a chair of a PPT delegation, and starts it when
/// that is every PPT's consent. Waits for the document's task to hold the text.
pub async fn propose(state: &AppState, who: &User, record: &DraftRecord, asked: Proposal) -> Result<Step, WorkflowError> {
    let store = state.store.as_ref();
    let (country, ppt) = ppt_chair(store, who, record, "proposes a silence procedure").await?;
    check_deadline(asked.deadline, now_ms(), minimum_period(store, record).await?).map_err(WorkflowError::Invalid)?;
    let version = match &asked.version {
        None => None,
        Some(v) => match store.version(&record.id, v).await {
            Ok(v) => Some(v),
            Err(StoreError::NotFound(_)) => return Err(WorkflowError::Missing(format!("no version {v} of draft {}", record.id))),
            Err(e) => return Err(e.into()),
        },
    };

    let held = hold(state, record).await?;
    let heads = heads_hex(&held.heads);
    check_workflow(&store.workflow(&record.id).await?)?;
    if let Some(v) = &version
        && !same_heads(&v.heads, &heads)
    {
        return Err(WorkflowError::State(format!(
            "version {} ({:?}) is not the current text: it changed since; put the current text under silence or save a new version",
            v.id, v.label
        )));
    }
    let overridden = asked.concordance_override.is_some();
    let settled = check_text(held.bytes.clone(), overridden, asked.settled_override).await?;
    let now = now_ms();
    let proposal = SilenceProposalRecord {
        id: SilenceProposalId::random(),
        draft_id: record.id.clone(),
        heads: heads.clone(),
        version_id: version.map(|v| v.id),
        deadline: asked.deadline,
        concordance_override: asked.concordance_override,
        settled_override: settled.as_ref().map(|o| serde_json::to_string(o).unwrap_or_default()),
        proposed_by: who.id.clone(),
        country: country.clone(),
        consents: vec![country.clone()],
        state: ProposalState::Proposed,
        silence_id: None,
        proposed_at: now,
        ended_at: None,
    };
    let audit = [entry(record, who, AuditAction::SilenceProposed, &proposal)];
    store.propose_silence(&proposal, &audit, now).await?;
    tracing::info!(draft = %record.id, proposal = %proposal.id, deadline = %utc_display(asked.deadline), user = %who.login, "silence proposed");
    // A meeting of one Presidency: its consent is every consent.
    let started = if ppt.iter().all(|c| proposal.consents.contains(c)) {
        Some(begin(state, record, who, &proposal, held).await?)
    } else {
        drop(held);
        None
    };
    step(state, record, heads, proposal, started).await
}

/// Agrees to a proposed silence procedure for `who`, a chair of another PPT delegation,
/// and starts it once every PPT has agreed. Waits for the document's task to hold the text.
pub async fn agree(state: &AppState, who: &User, record: &DraftRecord, proposal_id: &SilenceProposalId) -> Result<Step, WorkflowError> {
    let store = state.store.as_ref();
    let (country, ppt) = ppt_chair(store, who, record, "agrees to a silence procedure").await?;
    let held = hold(state, record).await?;
    let heads = heads_hex(&held.heads);
    let workflow = store.workflow(&record.id).await?;
    let Some(mut proposal) = workflow.proposals.iter().find(|p| &p.id == proposal_id).cloned() else {
        return Err(WorkflowError::Missing(format!("no silence proposal {proposal_id} for draft {}", record.id)));
    };
    check_waiting(&proposal, &country)?;
    check_workflow(&workflow)?;
    let now = now_ms();
    check_deadline(proposal.deadline, now, minimum_period(store, record).await?)
        .map_err(|e| WorkflowError::State(format!("{e}; the proposal must be made again with a later deadline")))?;
    if !same_heads(&proposal.heads, &heads) {
        return Err(WorkflowError::State(format!(
            "the text changed since {} proposed the silence: the proposal is for the text as it was; propose it again",
            proposal.country
        )));
    }
    // The text is the one proposed (same heads): the proposer's settled decision still covers it.
    let given = proposal
        .settled_override
        .as_deref()
        .and_then(|json| serde_json::from_str::<OverrideRecord>(json).ok())
        .map(|o| SettledOverride { reason: o.reason, ad_referendum_agreed: o.ad_referendum_agreed });
    check_text(held.bytes.clone(), proposal.concordance_override.is_some(), given).await?;
    let audit = [entry(record, who, AuditAction::SilenceAgreed, &proposal)];
    if !store.consent_to_silence(&proposal.id, &country, &audit, now).await? {
        return Err(WorkflowError::State("the silence proposal is no longer waiting for agreement".into()));
    }
    proposal.consents.push(country);
    tracing::info!(draft = %record.id, proposal = %proposal.id, user = %who.login, "silence agreed");
    if !ppt.iter().all(|c| proposal.consents.contains(c)) {
        drop(held);
        return step(state, record, heads, proposal, None).await;
    }
    let silence = begin(state, record, who, &proposal, held).await?;
    proposal.state = ProposalState::Started;
    proposal.silence_id = Some(silence.id.clone());
    step(state, record, heads, proposal, Some(silence)).await
}

/// Refuses a proposal that no longer waits, or that `country` already consented to
/// (`silence-consent`).
fn check_waiting(proposal: &SilenceProposalRecord, country: &pluma_core::Country) -> Result<(), WorkflowError> {
    match proposal.state {
        ProposalState::Proposed => {}
        ProposalState::Started => return Err(WorkflowError::State("this silence proposal already started its procedure".into())),
        ProposalState::Superseded => {
            return Err(WorkflowError::State("a newer silence proposal replaced this one: agree to that one".into()));
        }
    }
    if proposal.consents.contains(country) {
        let how = if &proposal.country == country { "proposed it" } else { "already agreed" };
        return Err(WorkflowError::State(format!(
            "rule silence-consent: {country} {how}; the procedure starts when the other Pro-Tempore Presidency agrees"
        )));
    }
    Ok(())
}

/// Starts the procedure a proposal asked for, with the document held on its heads.
async fn begin(
    state: &AppState,
    record: &DraftRecord,
    who: &User,
    proposal: &SilenceProposalRecord,
    held: Held,
) -> Result<SilenceRecord, WorkflowError> {
    let now = now_ms();
    let deadline = proposal.deadline;
    let new_version = match &proposal.version_id {
        Some(_) => None,
        None => Some(auto_version(record, format!("Under silence until {}", utc_display(deadline)), &proposal.heads, Some(who), now)),
    };
    let silence = SilenceRecord {
        id: SilenceId::random(),
        draft_id: record.id.clone(),
        heads: proposal.heads.clone(),
        version_id: proposal.version_id.clone().or(new_version.as_ref().map(|v| v.id.clone())),
        deadline,
        state: SilenceState::Running,
        started_by: Some(proposal.proposed_by.clone()),
        country: Some(proposal.country.clone()),
        concordance_override: proposal.concordance_override.clone(),
        settled_override: proposal.settled_override.clone(),
        started_at: now,
        ended_at: None,
        outcome: None,
    };
    let mut started = entry(record, who, AuditAction::SilenceStarted, proposal);
    started.detail = serde_json::json!({
        "silence": silence.id,
        "proposal": proposal.id,
        "proposed_by": proposal.country,
        "consents": proposal.consents,
        "deadline": deadline,
        "deadline_utc": utc_display(deadline),
        "version": silence.version_id,
        "heads": silence.heads,
        "concordance_override": silence.concordance_override,
        "settled_override": settled_json(proposal),
    });
    match state.store.start_proposed_silence(&proposal.id, &silence, new_version.as_ref(), &[started], now).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(WorkflowError::State("a silence procedure is already running, or this proposal already started".into()));
        }
        Err(e) => return Err(e.into()),
    }
    drop(held);
    state.silence_timer.notify_one();
    tracing::info!(draft = %record.id, silence = %silence.id, deadline = %utc_display(deadline), "silence procedure started");
    Ok(silence)
}

/// The proposal's settled decision as JSON, for the audit log.
fn settled_json(proposal: &SilenceProposalRecord) -> Option<serde_json::Value> {
    proposal.settled_override.as_deref().and_then(|json| serde_json::from_str(json).ok())
}

/// The audit entry of a proposal step by `who`.
fn entry(record: &DraftRecord, who: &User, action: AuditAction, proposal: &SilenceProposalRecord) -> AuditEntry {
    AuditEntry {
        user: Some(who.id.clone()),
        country: who.country.clone(),
        draft: Some(record.id.clone()),
        action,
        detail: serde_json::json!({
            "proposal": proposal.id,
            "proposed_by": proposal.country,
            "deadline": proposal.deadline,
            "deadline_utc": utc_display(proposal.deadline),
            "heads": proposal.heads,
            "concordance_override": proposal.concordance_override,
            "settled_override": settled_json(proposal),
        }),
    }
}

/// The step's answer, with the workflow as it stands now.
async fn step(
    state: &AppState,
    record: &DraftRecord,
    heads: Vec<String>,
    proposal: SilenceProposalRecord,
    started: Option<SilenceRecord>,
) -> Result<Step, WorkflowError> {
    let ppt = ppt_countries(state.store.as_ref(), record).await?;
    let workflow = WorkflowState::new(state.store.workflow(&record.id).await?, &ppt, heads);
    Ok(Step { proposal, started, workflow })
}

#[cfg(test)]
mod tests;
