//! The silence procedure, which cannot replace the Presidencies (rules in
//! [`crate::workflow::consent`]):
//! - `POST /api/drafts/{id}/silence` `{deadline, version?, concordance_override?}`: a chair
//!   of a Pro-Tempore Presidency (PPT) delegation proposes to put the text (the current
//!   text, or a version that is the current text) under silence until the deadline (RFC
//!   3339 or unix milliseconds), at least the meeting's minimum period away. It answers
//!   202 with the proposal, which waits for the other Presidency; in a meeting with one PPT
//!   the procedure starts at once (201). A newer proposal replaces one still waiting.
//! - `POST /api/drafts/{id}/silence/agreement` `{proposal}`: a chair of another PPT agrees.
//!   Once every PPT has, the procedure starts (201) on the proposed text, which must not
//!   have changed, with the proposed deadline, which must still be the minimum period
//!   away. The text is frozen until the deadline.
//! - `POST /api/drafts/{id}/silence/objections` ([`objections`]): a delegation breaks it.
//!
//! A text that is not settled (paragraphs not agreed, proposals pending) is put under
//! silence only by a chair's `settled_override`, given with the proposal (see
//! [`crate::workflow::settled`]). At the deadline, [`crate::workflow::silence`] adopts an
//! unbroken text.

pub mod objections;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::ApiJson;
use super::drafts::find_draft;
use super::paragraphs::checked_reason;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::ids::{SilenceId, SilenceProposalId, VersionId};
use crate::model::DraftRecord;
use crate::state::AppState;
use crate::store::{
    AuditAction, AuditEntry, ObjectionRecord, ProposalState, SilenceProposalRecord, SilenceRecord, SilenceState, StoreError,
};
use crate::sync::Held;
use crate::time::now_ms;
use crate::workflow::consent::{check_deadline, check_text, check_workflow, minimum_period, ppt_chair};
use crate::workflow::deadline::{DeadlineIn, utc_display};
use crate::workflow::settled::{OverrideRecord, SettledOverride};
use crate::workflow::view::WorkflowState;
use crate::workflow::{auto_version, heads_hex, hold, ppt_countries, same_heads};

/// What `POST /api/drafts/{id}/silence` takes.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SilenceIn {
    /// The deadline: RFC 3339 text (`2021-11-30T18:00:00-05:00`) or unix milliseconds; at
    /// least the meeting's minimum silence period (24 h unless set otherwise) away.
    pub deadline: DeadlineIn,
    /// A saved version to put under silence; it must be the current text.
    #[serde(default)]
    pub version: Option<String>,
    /// A chair's reason to adopt at the deadline although paragraphs are out of concordance.
    #[serde(default)]
    pub concordance_override: Option<String>,
    /// A chair's decision to put under silence (and adopt at the deadline) a text that is
    /// not settled: a reason, and whether paragraphs agreed ad referendum count as agreed.
    #[serde(default)]
    pub settled_override: Option<SettledOverride>,
}

/// What `POST /api/drafts/{id}/silence/agreement` takes.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementIn {
    /// The proposal agreed to (its id, `r` and 16 hex digits).
    pub proposal: String,
}

/// The answer to each silence request.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SilenceOut {
    /// The procedure as it stands after the request; none while a proposal waits.
    #[schema(value_type = Option<Object>)]
    pub silence: Option<SilenceRecord>,
    /// The proposal, for a proposal or an agreement.
    #[schema(value_type = Option<Object>)]
    pub proposal: Option<SilenceProposalRecord>,
    /// The objection recorded, for an objection.
    #[schema(value_type = Option<Object>)]
    pub objection: Option<ObjectionRecord>,
    /// Where the workflow stands now.
    pub workflow: WorkflowState,
}

/// Proposes a silence procedure (a chair of a PPT delegation).
#[utoipa::path(post, path = "/api/drafts/{id}/silence", tag = "workflow",
    params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$")),
    request_body = SilenceIn,
    responses((status = 201, body = SilenceOut, description = "started: the meeting has one Pro-Tempore Presidency"),
        (status = 202, body = SilenceOut, description = "proposed: it starts when the other Presidency agrees"),
        (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 415, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SilenceIn>,
) -> Result<(StatusCode, Json<SilenceOut>), ApiError> {
    let record = find_draft(&state, &id).await?;
    let deadline = body.deadline.to_ms().map_err(ApiError::Unprocessable)?;
    let override_reason = checked_reason(body.concordance_override, "concordance_override", &state.config.input)?;
    let (country, ppt) = ppt_chair(&state, &who.user, &record, "proposes a silence procedure").await?;
    check_deadline(deadline, now_ms(), minimum_period(&state, &record).await?).map_err(ApiError::Unprocessable)?;
    let version = match &body.version {
        None => None,
        Some(v) => {
            let v: VersionId = v.parse().map_err(|e| ApiError::Unprocessable(format!("{e}: give a version id (v0123456789abcdef)")))?;
            match state.store.version(&record.id, &v).await {
                Ok(v) => Some(v),
                Err(StoreError::NotFound(_)) => return Err(ApiError::NotFound(format!("no version {v} of draft {}", record.id))),
                Err(e) => return Err(e.into()),
            }
        }
    };

    let held = hold(&state, &record).await?;
    let heads = heads_hex(&held.heads);
    check_workflow(&state.store.workflow(&record.id).await?)?;
    if let Some(v) = &version
        && !same_heads(&v.heads, &heads)
    {
        return Err(ApiError::Conflict(format!(
            "version {} ({:?}) is not the current text: it changed since; put the current text under silence or save a new version",
            v.id, v.label
        )));
    }
    let settled = check_text(held.bytes.clone(), override_reason.is_some(), body.settled_override).await?;
    let now = now_ms();
    let proposal = SilenceProposalRecord {
        id: SilenceProposalId::random(),
        draft_id: record.id.clone(),
        heads: heads.clone(),
        version_id: version.map(|v| v.id),
        deadline,
        concordance_override: override_reason.clone(),
        settled_override: settled.as_ref().map(|o| serde_json::to_string(o).unwrap_or_default()),
        proposed_by: who.user.id.clone(),
        country: country.clone(),
        consents: vec![country.clone()],
        state: ProposalState::Proposed,
        silence_id: None,
        proposed_at: now,
        ended_at: None,
    };
    let audit = [entry(&record, &who, AuditAction::SilenceProposed, &proposal)];
    state.store.propose_silence(&proposal, &audit, now).await?;
    tracing::info!(draft = %record.id, proposal = %proposal.id, deadline = %utc_display(deadline), user = %who.user.login, "silence proposed");
    if ppt.iter().all(|c| proposal.consents.contains(c)) {
        // A meeting of one Presidency: its consent is every consent.
        let silence = begin(&state, &record, &who, &proposal, held).await?;
        return answer(&state, &record, heads, StatusCode::CREATED, Some(silence), Some(proposal)).await;
    }
    drop(held);
    answer(&state, &record, heads, StatusCode::ACCEPTED, None, Some(proposal)).await
}

/// Agrees to a proposed silence procedure (a chair of another PPT delegation).
#[utoipa::path(post, path = "/api/drafts/{id}/silence/agreement", tag = "workflow",
    params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$")),
    request_body = AgreementIn,
    responses((status = 200, body = SilenceOut, description = "agreed; another Presidency has yet to agree"),
        (status = 201, body = SilenceOut, description = "every Presidency agreed: the procedure started"),
        (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 415, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn agree(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AgreementIn>,
) -> Result<(StatusCode, Json<SilenceOut>), ApiError> {
    let record = find_draft(&state, &id).await?;
    let proposal_id: SilenceProposalId =
        body.proposal.parse().map_err(|e| ApiError::Unprocessable(format!("{e}: give the proposal's id (r0123456789abcdef)")))?;
    let (country, ppt) = ppt_chair(&state, &who.user, &record, "agrees to a silence procedure").await?;
    let held = hold(&state, &record).await?;
    let heads = heads_hex(&held.heads);
    let workflow = state.store.workflow(&record.id).await?;
    let Some(mut proposal) = workflow.proposals.iter().find(|p| p.id == proposal_id).cloned() else {
        return Err(ApiError::NotFound(format!("no silence proposal {proposal_id} for draft {}", record.id)));
    };
    match proposal.state {
        ProposalState::Proposed => {}
        ProposalState::Started => return Err(ApiError::Conflict("this silence proposal already started its procedure".into())),
        ProposalState::Superseded => {
            return Err(ApiError::Conflict("a newer silence proposal replaced this one: agree to that one".into()));
        }
    }
    if proposal.consents.contains(&country) {
        let how = if proposal.country == country { "proposed it" } else { "already agreed" };
        return Err(ApiError::Conflict(format!(
            "rule silence-consent: {country} {how}; the procedure starts when the other Pro-Tempore Presidency agrees"
        )));
    }
    check_workflow(&workflow)?;
    let now = now_ms();
    check_deadline(proposal.deadline, now, minimum_period(&state, &record).await?)
        .map_err(|e| ApiError::Conflict(format!("{e}; the proposal must be made again with a later deadline")))?;
    if !same_heads(&proposal.heads, &heads) {
        return Err(ApiError::Conflict(format!(
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
    let audit = [entry(&record, &who, AuditAction::SilenceAgreed, &proposal)];
    if !state.store.consent_to_silence(&proposal.id, &country, &audit, now).await? {
        return Err(ApiError::Conflict("the silence proposal is no longer waiting for agreement".into()));
    }
    proposal.consents.push(country);
    tracing::info!(draft = %record.id, proposal = %proposal.id, user = %who.user.login, "silence agreed");
    if !ppt.iter().all(|c| proposal.consents.contains(c)) {
        drop(held);
        return answer(&state, &record, heads, StatusCode::OK, None, Some(proposal)).await;
    }
    let silence = begin(&state, &record, &who, &proposal, held).await?;
    proposal.state = ProposalState::Started;
    proposal.silence_id = Some(silence.id.clone());
    answer(&state, &record, heads, StatusCode::CREATED, Some(silence), Some(proposal)).await
}

/// Starts the procedure a proposal asked for, with the document held on its heads.
async fn begin(
    state: &AppState,
    record: &DraftRecord,
    who: &CurrentUser,
    proposal: &SilenceProposalRecord,
    held: Held,
) -> Result<SilenceRecord, ApiError> {
    let now = now_ms();
    let deadline = proposal.deadline;
    let new_version = match &proposal.version_id {
        Some(_) => None,
        None => Some(auto_version(record, format!("Under silence until {}", utc_display(deadline)), &proposal.heads, Some(&who.user), now)),
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
        "settled_override": proposal.settled_override.as_deref().and_then(|json| serde_json::from_str::<serde_json::Value>(json).ok()),
    });
    match state.store.start_proposed_silence(&proposal.id, &silence, new_version.as_ref(), &[started], now).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::Conflict("a silence procedure is already running, or this proposal already started".into()));
        }
        Err(e) => return Err(e.into()),
    }
    drop(held);
    state.silence_timer.notify_one();
    tracing::info!(draft = %record.id, silence = %silence.id, deadline = %utc_display(deadline), "silence procedure started");
    Ok(silence)
}

/// The audit entry of a proposal step by `who`.
fn entry(record: &DraftRecord, who: &CurrentUser, action: AuditAction, proposal: &SilenceProposalRecord) -> AuditEntry {
    AuditEntry {
        user: Some(who.user.id.clone()),
        country: who.user.country.clone(),
        draft: Some(record.id.clone()),
        action,
        detail: serde_json::json!({
            "proposal": proposal.id,
            "proposed_by": proposal.country,
            "deadline": proposal.deadline,
            "deadline_utc": utc_display(proposal.deadline),
            "heads": proposal.heads,
            "concordance_override": proposal.concordance_override,
            "settled_override": proposal.settled_override.as_deref().and_then(|json| serde_json::from_str::<serde_json::Value>(json).ok()),
        }),
    }
}

async fn answer(
    state: &AppState,
    record: &DraftRecord,
    heads: Vec<String>,
    status: StatusCode,
    silence: Option<SilenceRecord>,
    proposal: Option<SilenceProposalRecord>,
) -> Result<(StatusCode, Json<SilenceOut>), ApiError> {
    let ppt = ppt_countries(state.store.as_ref(), record).await?;
    let workflow = WorkflowState::new(state.store.workflow(&record.id).await?, &ppt, heads);
    Ok((status, Json(SilenceOut { silence, proposal, objection: None, workflow })))
}
