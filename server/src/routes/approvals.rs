//! `POST /api/drafts/{id}/approvals`: a chair of a Pro-Tempore Presidency approves the text
//! as it stands (its heads; a version is saved). When every PPT of the draft's meeting has
//! approved the same heads, the text is adopted: locked, a version "Adopted" saved, and
//! its certified fingerprint recorded — unless paragraphs are out of concordance and no
//! chair gave `concordance_override` with a reason. A text that is not settled (paragraphs
//! not agreed, proposals pending) is approved only by a chair's `settled_override` (see
//! [`crate::workflow::settled`]).
//!
//! The decision runs with the document held (see [`crate::workflow`]): no change can slip
//! between reading the heads and recording the approval or the adoption.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use pluma_core::Draft;
use serde::{Deserialize, Serialize};

use super::ApiJson;
use super::drafts::find_draft;
use super::paragraphs::checked_reason;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::ids::ApprovalId;
use crate::model::Role;
use crate::state::AppState;
use crate::store::{ApprovalRecord, AuditAction, AuditEntry};
use crate::time::now_ms;
use crate::workflow::adoption::{self, How, Outcome};
use crate::workflow::settled::{self, SettledOverride};
use crate::workflow::view::WorkflowState;
use crate::workflow::{Unconcordant, auto_version, blocking, heads_hex, hold, out_of_concordance_phrase, ppt_countries, same_heads};

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

/// Why adoption waits.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AdoptionBlocked {
    /// In words.
    pub reason: String,
    /// The paragraphs out of concordance.
    pub paragraphs: Vec<Unconcordant>,
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
    let override_reason = checked_reason(body.concordance_override, "concordance_override", &state.config.input)?;
    let country = match (who.user.role, &who.user.country) {
        (Role::Chair, Some(c)) => c.clone(),
        _ => return Err(ApiError::Forbidden("only the chair of a Pro-Tempore Presidency approves the text")),
    };
    let ppt = ppt_countries(state.store.as_ref(), &record).await?;
    if ppt.is_empty() {
        return Err(ApiError::Conflict("this draft belongs to no meeting with Pro-Tempore Presidencies, so nobody can approve it".into()));
    }
    if !ppt.contains(&country) {
        return Err(ApiError::Forbidden("only the chair of a Pro-Tempore Presidency approves the text"));
    }

    let held = hold(&state, &record).await?;
    let heads = heads_hex(&held.heads);
    if let Some(read) = &body.heads
        && !same_heads(read, &heads)
    {
        return Err(ApiError::Conflict(format!(
            "the text changed since you read it; its heads are now {}: read it again before approving",
            heads.join(" ")
        )));
    }
    let workflow = state.store.workflow(&record.id).await?;
    if let Some(a) = &workflow.adoption {
        return Err(ApiError::Conflict(format!(
            "the text was already adopted on {} (certified fingerprint {})",
            crate::workflow::deadline::utc_display(a.adopted_at),
            a.fingerprint
        )));
    }
    let bytes = held.bytes.clone();
    let over = body.settled_override.clone();
    let settled_override = blocking(move || {
        let mut draft = Draft::load(&bytes).map_err(|e| ApiError::internal("loading a held draft", e))?;
        settled::check(&mut draft, over.as_ref(), "approved")
    })
    .await?;
    let now = now_ms();
    let existing = workflow.live_approvals().find(|a| a.country == country && same_heads(&a.heads, &heads)).cloned();
    let (approval, status) = match existing {
        Some(a) => (a, StatusCode::OK),
        None => {
            let version = auto_version(&record, format!("Approved by {country}"), &heads, Some(&who.user), now);
            let approval = ApprovalRecord {
                id: ApprovalId::random(),
                draft_id: record.id.clone(),
                country: country.clone(),
                user: who.user.id.clone(),
                heads: heads.clone(),
                version_id: Some(version.id.clone()),
                created_at: now,
                voided_at: None,
                void_reason: None,
            };
            let audit = [AuditEntry {
                user: Some(who.user.id.clone()),
                country: Some(country.clone()),
                draft: Some(record.id.clone()),
                action: AuditAction::ApprovalGiven,
                detail: serde_json::json!({ "approval": approval.id, "heads": heads, "version": version.id, "settled_override": settled_override }),
            }];
            state.store.record_approval(&approval, &version, &audit, now).await?;
            tracing::info!(draft = %record.id, %country, user = %who.user.login, "approved");
            (approval, StatusCode::CREATED)
        }
    };

    // Adopted when every PPT has a live approval of exactly these heads.
    let approved =
        |c: &pluma_core::Country| c == &country || workflow.live_approvals().any(|a| &a.country == c && same_heads(&a.heads, &heads));
    let mut adopted = false;
    let mut adoption_blocked = None;
    if ppt.iter().all(approved) {
        let overrides = adoption::Overrides { concordance: override_reason, settled: settled_override };
        match adoption::adopt(state.store.as_ref(), &record, &held, How::Approvals, overrides, Some(&who.user)).await? {
            Outcome::Adopted(_) => adopted = true,
            Outcome::NotHere => {}
            Outcome::Blocked(paragraphs) => {
                let entry = adoption::refused_entry(&record, Some(&who.user), &paragraphs, "both approvals");
                state.store.append_audit(&[entry], now_ms()).await?;
                adoption_blocked = Some(AdoptionBlocked {
                    reason: format!(
                        "every Pro-Tempore Presidency approved, but {}: the secretariat confirms them, or a chair approves again with concordance_override and a reason",
                        out_of_concordance_phrase(&paragraphs)
                    ),
                    paragraphs,
                });
            }
        }
    }
    drop(held);
    let workflow = WorkflowState::new(state.store.workflow(&record.id).await?, &ppt, heads);
    Ok((status, Json(ApprovalOut { approval, adopted, adoption_blocked, workflow })))
}
