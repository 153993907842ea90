//! A paragraph's place in the negotiation, set through the API:
//! - `POST /api/drafts/{id}/paragraphs/{pid}/status` `{status, reason?}`: a chair moves a
//!   paragraph between open, bracketed, agreed ad referendum and agreed, in any direction;
//!   leaving `agreed` takes a reason, kept in the audit log.
//! - `POST /api/drafts/{id}/paragraphs/{pid}/concordance`: the secretariat (or a chair)
//!   confirms that the paragraph's English and Spanish texts, as they stand, say the same.
//!
//! Both make the change on the person's behalf and submit it to the document's task, so the
//! permission rules (only chairs change status; only the secretariat and chairs confirm
//! concordance) and the workflow lock (adopted, under silence) decide as for any change.

use axum::Json;
use axum::extract::{Path, State};
use pluma_core::{Concordance, ParagraphId, Status};
use serde::{Deserialize, Serialize};

use super::ApiJson;
use super::drafts::find_draft;
use super::suggestions::{current_draft, submit_noted};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::model::Role;
use crate::store::AuditAction;

/// What `POST …/status` takes.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusIn {
    /// `open`, `bracketed`, `agreed_ad_ref` or `agreed`.
    pub status: String,
    /// Why; required when the paragraph leaves `agreed`.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A status change.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StatusOut {
    /// The paragraph.
    #[schema(value_type = String)]
    pub paragraph: ParagraphId,
    /// Its status before.
    #[schema(value_type = String)]
    pub from: Status,
    /// Its status now.
    #[schema(value_type = String)]
    pub to: Status,
    /// Whether anything changed (setting the status it has is a no-op).
    pub changed: bool,
}

/// A confirmed concordance.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConcordanceOut {
    /// The paragraph.
    #[schema(value_type = String)]
    pub paragraph: ParagraphId,
    /// `confirmed`.
    #[schema(value_type = String)]
    pub concordance: Concordance,
    /// Whether anything changed (confirming a confirmed paragraph is a no-op).
    pub changed: bool,
}

fn parse_paragraph(pid: &str) -> Result<ParagraphId, ApiError> {
    pid.parse().map_err(|e| ApiError::BadRequest(format!("{e}: paragraph ids are letters, digits, - and _")))
}

/// A trimmed reason, or a precise 422.
pub(crate) fn checked_reason(reason: Option<String>, what: &str, limits: &crate::config::InputLimits) -> Result<Option<String>, ApiError> {
    match reason.map(|r| r.trim().to_owned()) {
        None => Ok(None),
        Some(r) if r.is_empty() => Err(ApiError::Unprocessable(format!("{what} is empty: say why, or leave it out"))),
        Some(r) => {
            crate::input::text(what, &r, limits.max_comment_chars)?;
            Ok(Some(r))
        }
    }
}

fn unknown(e: pluma_core::DraftError) -> ApiError {
    match e {
        pluma_core::DraftError::UnknownParagraph(id) => ApiError::NotFound(format!("no paragraph {id} in this draft")),
        e => ApiError::internal("changing a paragraph", e),
    }
}

/// Sets a paragraph's status (chairs).
#[utoipa::path(post, path = "/api/drafts/{id}/paragraphs/{pid}/status", tag = "workflow",
    params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$"),
        ("pid" = String, Path, description = "paragraph id (letters, digits, - and _)", pattern = "^[A-Za-z0-9_-]{1,64}$")),
    request_body = StatusIn,
    responses((status = 200, body = StatusOut), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 415, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn set_status(
    State(state): State<AppState>,
    who: CurrentUser,
    Path((id, pid)): Path<(String, String)>,
    ApiJson(body): ApiJson<StatusIn>,
) -> Result<Json<StatusOut>, ApiError> {
    let record = find_draft(&state, &id).await?;
    let paragraph = parse_paragraph(&pid)?;
    let to: Status =
        body.status.parse().map_err(|e| ApiError::Unprocessable(format!("{e}: use open, bracketed, agreed_ad_ref or agreed")))?;
    let reason = checked_reason(body.reason, "reason", &state.config.input)?;
    // An early, friendly refusal; the rules are what decide.
    if who.user.role != Role::Chair {
        return Err(ApiError::Forbidden("only a chair sets a paragraph's status"));
    }
    let mut draft = current_draft(&state, &record).await?;
    let from = draft.paragraph(&paragraph).map_err(unknown)?.status;
    if from == to {
        return Ok(Json(StatusOut { paragraph, from, to, changed: false }));
    }
    if from == Status::Agreed && reason.is_none() {
        return Err(ApiError::Unprocessable("the paragraph is agreed: reopening it takes a reason".into()));
    }
    let before = draft.heads();
    draft.set_status(&paragraph, to).map_err(unknown)?;
    let changes = draft.changes_since(&before);
    let note = serde_json::json!({ "paragraph": paragraph, "from": from, "to": to, "reason": reason });
    submit_noted(&state, &record, &who, changes, AuditAction::ParagraphStatusChanged, Some(note)).await?;
    tracing::info!(draft = %record.id, %paragraph, from = from.as_str(), to = to.as_str(), user = %who.user.login, "paragraph status changed");
    Ok(Json(StatusOut { paragraph, from, to, changed: true }))
}

/// Confirms that a paragraph's two texts match (the secretariat and chairs).
#[utoipa::path(post, path = "/api/drafts/{id}/paragraphs/{pid}/concordance", tag = "workflow",
    params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$"),
        ("pid" = String, Path, description = "paragraph id (letters, digits, - and _)", pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses((status = 200, body = ConcordanceOut), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody)))]
pub async fn confirm_concordance(
    State(state): State<AppState>,
    who: CurrentUser,
    Path((id, pid)): Path<(String, String)>,
) -> Result<Json<ConcordanceOut>, ApiError> {
    let record = find_draft(&state, &id).await?;
    let paragraph = parse_paragraph(&pid)?;
    if !matches!(who.user.role, Role::Secretariat | Role::Chair) {
        return Err(ApiError::Forbidden("only the secretariat or a chair confirms concordance"));
    }
    let mut draft = current_draft(&state, &record).await?;
    if draft.concordance(&paragraph).map_err(unknown)? == Concordance::Confirmed {
        return Ok(Json(ConcordanceOut { paragraph, concordance: Concordance::Confirmed, changed: false }));
    }
    let before = draft.heads();
    draft.confirm_concordance(&paragraph).map_err(unknown)?;
    let changes = draft.changes_since(&before);
    let note = serde_json::json!({ "paragraph": paragraph });
    submit_noted(&state, &record, &who, changes, AuditAction::ConcordanceConfirmed, Some(note)).await?;
    tracing::info!(draft = %record.id, %paragraph, user = %who.user.login, "concordance confirmed");
    Ok(Json(ConcordanceOut { paragraph, concordance: Concordance::Confirmed, changed: true }))
}
