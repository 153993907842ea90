//! `POST /api/drafts/{id}/silence/objections` `{text}`: a delegation (a delegate or a
//! chair, not observers or staff) breaks the running silence procedure with a written
//! objection, strictly before the deadline; the text unfreezes. After the deadline: 409.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::SilenceOut;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::ids::ObjectionId;
use crate::model::Role;
use crate::routes::ApiJson;
use crate::routes::drafts::find_draft;
use crate::state::AppState;
use crate::store::{AuditAction, AuditEntry, ObjectionOutcome, ObjectionRecord, SilenceState};
use crate::time::now_ms;
use crate::workflow::deadline::utc_display;
use crate::workflow::view::WorkflowState;
use crate::workflow::{heads_hex, hold, ppt_countries};

/// What `POST /api/drafts/{id}/silence/objections` takes.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionIn {
    /// The objection, 1 to `PLUMA_MAX_COMMENT_CHARS` (10 000) characters.
    pub text: String,
}

/// Breaks the running silence procedure with a written objection (a delegation).
#[utoipa::path(post, path = "/api/drafts/{id}/silence/objections", tag = "workflow",
    params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$")),
    request_body = ObjectionIn,
    responses((status = 201, body = SilenceOut), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 415, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn object(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ObjectionIn>,
) -> Result<(StatusCode, Json<SilenceOut>), ApiError> {
    let record = find_draft(&state, &id).await?;
    let text = body.text.trim().to_owned();
    if text.is_empty() {
        return Err(ApiError::Unprocessable("the objection is empty: write what the delegation objects to".into()));
    }
    crate::input::text("the objection", &text, state.config.input.max_comment_chars)?;
    let country = match (who.user.role, &who.user.country) {
        (Role::Delegate | Role::Chair, Some(c)) => c.clone(),
        _ => return Err(ApiError::Forbidden("only a delegation (a delegate or a chair) objects; observers and staff do not")),
    };
    let workflow = state.store.workflow(&record.id).await?;
    let now = now_ms();
    let Some(running) = workflow.running_silence().cloned() else {
        return Err(ApiError::Conflict(match workflow.silences.last() {
            Some(s) if now >= s.deadline && matches!(s.state, SilenceState::Adopted | SilenceState::Lapsed) => format!(
                "the deadline passed at {}: objections are no longer accepted ({})",
                utc_display(s.deadline),
                s.outcome.as_deref().unwrap_or(s.state.as_str())
            ),
            Some(s) => {
                format!("no silence procedure is running: the last one ended ({})", s.outcome.as_deref().unwrap_or(s.state.as_str()))
            }
            None => "no silence procedure is running for this draft".to_owned(),
        }));
    };
    if now >= running.deadline {
        return Err(ApiError::Conflict(format!(
            "the deadline passed at {}: objections are no longer accepted",
            utc_display(running.deadline)
        )));
    }

    let held = hold(&state, &record).await?;
    let objection = ObjectionRecord {
        id: ObjectionId::random(),
        silence_id: running.id.clone(),
        user: who.user.id.clone(),
        country: country.clone(),
        body: text.clone(),
        created_at: now,
    };
    let audit = [AuditEntry {
        user: Some(who.user.id.clone()),
        country: Some(country.clone()),
        draft: Some(record.id.clone()),
        action: AuditAction::SilenceBroken,
        detail: serde_json::json!({ "silence": running.id, "objection": objection.id, "text": text, "deadline": running.deadline }),
    }];
    let outcome = state.store.record_objection(&objection, &audit, now).await?;
    let heads = heads_hex(&held.heads);
    drop(held);
    match outcome {
        ObjectionOutcome::Broke => {}
        ObjectionOutcome::TooLate(deadline) => {
            return Err(ApiError::Conflict(format!("the deadline passed at {}: objections are no longer accepted", utc_display(deadline))));
        }
        ObjectionOutcome::NotRunning(state) => {
            return Err(ApiError::Conflict(format!("the silence procedure is no longer running (it is {})", state.as_str())));
        }
    }
    tracing::info!(draft = %record.id, silence = %running.id, %country, "silence broken by an objection");
    let ppt = ppt_countries(state.store.as_ref(), &record).await?;
    let record_now = state.store.workflow(&record.id).await?;
    let silence = record_now.silences.iter().find(|s| s.id == running.id).cloned().unwrap_or(running);
    let workflow = WorkflowState::new(record_now, &ppt, heads);
    Ok((StatusCode::CREATED, Json(SilenceOut { silence: Some(silence), proposal: None, objection: Some(objection), workflow })))
}
