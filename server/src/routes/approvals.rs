//! `POST /api/drafts/{id}/approvals`: a chair of a Pro-Tempore Presidency approves the text
//! as it stands (its heads; a version is saved). When every PPT of the draft's meeting has
//! approved the same heads, the text is adopted: locked, a version "Adopted" saved, and
//! its certified fingerprint recorded — unless paragraphs are out of concordance and no
//! chair gave `concordance_override` with a reason. A text that is not settled (paragraphs
//! not agreed, proposals pending) is approved only by a chair's `settled_override` (see
//! [`crate::workflow::settled`]).
//!
//! The decision is [`crate::workflow::approval`]'s; this handler reads the request and
//! answers.

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
use crate::store::ApprovalRecord;
use crate::workflow::approval::{self, AdoptionBlocked};
use crate::workflow::settled::SettledOverride;
use crate::workflow::view::WorkflowState;

/// What `POST /api/drafts/{id}/approvals` takes (every field optional).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalIn {
    /// The heads the chair read (hex); refused with 409 if the text has changed since.
    #[serde(default)]
    pub heads: Option<Vec<String>>,
    /// A chair's reason to adopt although paragraphs are out of concordance.
    #[serde(default)]
    pub concordance_override: Option<String>,
    /// A chair's decision to approve (and adopt) although paragraphs are not agreed or
    /// proposals are pending: a reason, and whether paragraphs agreed ad referendum count
    /// as agreed.
    #[serde(default)]
    pub settled_override: Option<SettledOverride>,
}

/// The answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApprovalOut {
    /// The approval (a repeated approval of the same heads returns the first).
    #[schema(value_type = Object)]
    pub approval: ApprovalRecord,
    /// Whether this approval adopted the text.
    pub adopted: bool,
    /// When every PPT approved but concordance stopped adoption.
    pub adoption_blocked: Option<AdoptionBlocked>,
    /// Where the workflow stands now.
    pub workflow: WorkflowState,
}

/// Approves the text as it stands (a chair of a PPT delegation).
#[utoipa::path(post, path = "/api/drafts/{id}/approvals", tag = "workflow",
    params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$")),
    request_body = ApprovalIn,
    responses((status = 200, body = ApprovalOut, description = "already approved: the same approval"), (status = 201, body = ApprovalOut),
        (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 415, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ApprovalIn>,
) -> Result<(StatusCode, Json<ApprovalOut>), ApiError> {
    let record = find_draft(&state, &id).await?;
    let concordance_override = checked_reason(body.concordance_override, "concordance_override", &state.config.input)?;
    let request = approval::Request { heads: body.heads, concordance_override, settled_override: body.settled_override };
    let done = approval::approve(&state, &who.user, &record, request).await?;
    let status = if done.recorded { StatusCode::CREATED } else { StatusCode::OK };
    Ok((
        status,
        Json(ApprovalOut {
            approval: done.approval,
            adopted: done.adopted,
            adoption_blocked: done.adoption_blocked,
            workflow: done.workflow,
        }),
    ))
}
