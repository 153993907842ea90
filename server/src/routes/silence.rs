//! The silence procedure:
//! - `POST /api/drafts/{id}/silence` `{deadline, version?, concordance_override?}`: a chair
//!   puts the text (the current text, or a version that is the current text) under silence
//!   until the deadline (RFC 3339 or unix milliseconds). The text is frozen meanwhile. A
//!   text with pending proposals cannot be (see [`crate::workflow::pending`]).
//! - `POST /api/drafts/{id}/silence/objections` `{text}`: a delegation (a delegate or a
//!   chair, not observers or staff) breaks the silence with a written objection, strictly
//!   before the deadline; the text unfreezes. After the deadline: 409.
//!
//! At the deadline, [`crate::workflow::silence`] adopts an unbroken text.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::ApiJson;
use super::drafts::find_draft;
use super::paragraphs::checked_reason;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::ids::{ObjectionId, SilenceId, VersionId};
use crate::model::Role;
use crate::state::AppState;
use crate::store::{AuditAction, AuditEntry, ObjectionOutcome, ObjectionRecord, SilenceRecord, SilenceState, StoreError};
use crate::time::now_ms;
use crate::workflow::deadline::{DeadlineIn, utc_display};
use crate::workflow::view::WorkflowState;
use crate::workflow::{auto_version, blocking, heads_hex, hold, out_of_concordance, out_of_concordance_phrase, ppt_countries, same_heads};

/// What `POST /api/drafts/{id}/silence` takes.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SilenceIn {
    /// The deadline: RFC 3339 text (`2021-11-30T18:00:00-05:00`) or unix milliseconds.
    pub deadline: DeadlineIn,
    /// A saved version to put under silence; it must be the current text.
    #[serde(default)]
    pub version: Option<String>,
    /// A chair's reason to adopt at the deadline although paragraphs are out of concordance.
    #[serde(default)]
    pub concordance_override: Option<String>,
}

/// What `POST /api/drafts/{id}/silence/objections` takes.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionIn {
    /// The objection, 1 to 10 000 characters.
    pub text: String,
}

/// The answer to both.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SilenceOut {
    /// The procedure as it stands after the request.
    #[schema(value_type = Object)]
    pub silence: SilenceRecord,
    /// The objection recorded, for an objection.
    #[schema(value_type = Option<Object>)]
    pub objection: Option<ObjectionRecord>,
    /// Where the workflow stands now.
    pub workflow: WorkflowState,
}

/// Puts the text under a silence procedure (chairs).
#[utoipa::path(post, path = "/api/drafts/{id}/silence", tag = "workflow",
    params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$")),
    request_body = SilenceIn,
    responses((status = 201, body = SilenceOut), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
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
    if who.user.role != Role::Chair {
        return Err(ApiError::Forbidden("only a chair starts a silence procedure"));
    }
    if deadline <= now_ms() {
        return Err(ApiError::Unprocessable(format!("the deadline {} has already passed", utc_display(deadline))));
    }
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
    let workflow = state.store.workflow(&record.id).await?;
    if let Some(a) = &workflow.adoption {
        return Err(ApiError::Conflict(format!("the text was already adopted on {}", utc_display(a.adopted_at))));
    }
    if let Some(s) = workflow.running_silence() {
        return Err(ApiError::Conflict(format!("a silence procedure is already running until {}", utc_display(s.deadline))));
    }
    if let Some(v) = &version
        && !same_heads(&v.heads, &heads)
    {
        return Err(ApiError::Conflict(format!(
            "version {} ({:?}) is not the current text: it changed since; put the current text under silence or save a new version",
            v.id, v.label
        )));
    }
    let bytes = held.bytes.clone();
    let unconcordant = blocking(move || {
        let mut draft = pluma_core::Draft::load(&bytes).map_err(|e| ApiError::internal("loading a held draft", e))?;
        crate::workflow::pending::refuse_if_any(&mut draft, "put under silence")?;
        out_of_concordance(&mut draft).map_err(|e| ApiError::internal("checking concordance", e))
    })
    .await?;
    if !unconcordant.is_empty() && override_reason.is_none() {
        return Err(ApiError::Conflict(format!(
            "{}, so the silence could not adopt the text: the secretariat confirms them first, or give concordance_override with a reason",
            out_of_concordance_phrase(&unconcordant)
        )));
    }

    let now = now_ms();
    let new_version = match &version {
        Some(_) => None,
        None => Some(auto_version(&record, format!("Under silence until {}", utc_display(deadline)), &heads, Some(&who.user), now)),
    };
    let silence = SilenceRecord {
        id: SilenceId::random(),
        draft_id: record.id.clone(),
        heads: heads.clone(),
        version_id: version.as_ref().or(new_version.as_ref()).map(|v| v.id.clone()),
        deadline,
        state: SilenceState::Running,
        started_by: Some(who.user.id.clone()),
        country: who.user.country.clone(),
        concordance_override: override_reason.clone(),
        started_at: now,
        ended_at: None,
        outcome: None,
    };
    let audit = [AuditEntry {
        user: Some(who.user.id.clone()),
        country: who.user.country.clone(),
        draft: Some(record.id.clone()),
        action: AuditAction::SilenceStarted,
        detail: serde_json::json!({
            "silence": silence.id,
            "deadline": deadline,
            "deadline_utc": utc_display(deadline),
            "version": silence.version_id,
            "heads": heads,
            "concordance_override": override_reason,
        }),
    }];
    match state.store.start_silence(&silence, new_version.as_ref(), &audit, now).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => return Err(ApiError::Conflict("a silence procedure is already running for this draft".into())),
        Err(e) => return Err(e.into()),
    }
    drop(held);
    state.silence_timer.notify_one();
    tracing::info!(draft = %record.id, silence = %silence.id, deadline = %utc_display(deadline), user = %who.user.login, "silence procedure started");
    let ppt = ppt_countries(state.store.as_ref(), &record).await?;
    let workflow = WorkflowState::new(state.store.workflow(&record.id).await?, &ppt, heads);
    Ok((StatusCode::CREATED, Json(SilenceOut { silence, objection: None, workflow })))
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
    Ok((StatusCode::CREATED, Json(SilenceOut { silence, objection: Some(objection), workflow })))
}
