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
//! [`crate::workflow::settled`]). At the deadline, [`crate::workflow::timer`] adopts an
//! unbroken text. The decisions are [`crate::workflow::silence`]'s; these handlers read
//! the request and answer.

pub mod objections;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::ApiJson;
use super::drafts::find_draft;
use super::paragraphs::checked_reason;
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::ids::{SilenceProposalId, VersionId};
use crate::store::{ObjectionRecord, SilenceProposalRecord, SilenceRecord};
use crate::workflow::deadline::DeadlineIn;
use crate::workflow::settled::SettledOverride;
use crate::workflow::silence::{self, Proposal, Step};
use crate::workflow::view::WorkflowState;

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
    let concordance_override = checked_reason(body.concordance_override, "concordance_override", &state.config.input)?;
    let version = match &body.version {
        None => None,
        Some(v) => {
            Some(v.parse::<VersionId>().map_err(|e| ApiError::Unprocessable(format!("{e}: give a version id (v0123456789abcdef)")))?)
        }
    };
    let asked = Proposal { deadline, version, concordance_override, settled_override: body.settled_override };
    let step = silence::propose(&state, &who.user, &record, asked).await?;
    // Started at once in a meeting of one Presidency; otherwise waiting for the other.
    Ok(answer(if step.started.is_some() { StatusCode::CREATED } else { StatusCode::ACCEPTED }, step))
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
    let step = silence::agree(&state, &who.user, &record, &proposal_id).await?;
    Ok(answer(if step.started.is_some() { StatusCode::CREATED } else { StatusCode::OK }, step))
}

/// The answer to a proposal or an agreement.
fn answer(status: StatusCode, step: Step) -> (StatusCode, Json<SilenceOut>) {
    (status, Json(SilenceOut { silence: step.started, proposal: Some(step.proposal), objection: None, workflow: step.workflow }))
}
