//! Named versions, comparisons and exports of a draft:
//! - `GET /api/drafts/{id}/versions`, `POST /api/drafts/{id}/versions` (`{"label": …}`)
//! - `GET /api/drafts/{id}/diff?from=V&to=V|current&lang=en|es&format=json|html|md|docx`
//! - `GET /api/drafts/{id}/export?version=V|current&lang=en|es&format=md|html|docx|docx-tracked`
//!
//! Any signed-in user may read versions, compare and export; the people who draft
//! (delegates, chairs, the secretariat) may save them, each draft at most
//! `PLUMA_VERSIONS_PER_DRAFT_PER_HOUR` an hour (observers read and comment only, admins do
//! not draft). The current text comes from the document's task (`DocCommand::Snapshot`),
//! so it includes every change already acknowledged to a client; saving, comparing and
//! exporting run on the blocking pool, a few at a time (`PLUMA_HEAVY_WORK_CONCURRENCY`).

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use pluma_core::{Draft, Lang};
use serde::Deserialize;

use super::ApiJson;
use super::drafts::{current_bytes, find_draft};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::ids::VersionId;
use crate::model::DraftRecord;
use crate::model::Role;
use crate::store::{StoreError, VersionRecord};
use crate::time::now_ms;
use crate::version_snapshots::{self, SnapshotsError};
use crate::versions::{self, DiffFormat, DiffRequest, ExportFormat, Output};

/// What `POST /api/drafts/{id}/versions` takes.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVersion {
    /// The label, 1 to `PLUMA_MAX_LABEL_CHARS` (200) characters.
    pub label: String,
}

/// A draft's versions, oldest first.
#[utoipa::path(get, path = "/api/drafts/{id}/versions", tag = "versions", params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$")),
    responses((status = 200, body = Vec<Object>), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn list(State(state): State<AppState>, _who: CurrentUser, Path(id): Path<String>) -> Result<Json<Vec<VersionRecord>>, ApiError> {
    let draft = find_draft(&state, &id).await?;
    Ok(Json(state.store.versions(&draft.id).await?))
}

/// Saves the draft as it stands under a label.
#[utoipa::path(post, path = "/api/drafts/{id}/versions", tag = "versions", params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$")), request_body = NewVersion,
    responses((status = 201, body = Object), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 415, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewVersion>,
) -> Result<(StatusCode, Json<VersionRecord>), ApiError> {
    if matches!(who.user.role, Role::Observer | Role::Admin) {
        return Err(ApiError::Forbidden("only delegations, chairs and the secretariat save versions; observers and admins do not"));
    }
    let label = body.label.trim().to_owned();
    if label.is_empty() {
        return Err(ApiError::Unprocessable("the label is empty".into()));
    }
    crate::input::text("the label", &label, state.config.input.max_label_chars)?;
    let draft = find_draft(&state, &id).await?;
    if let Err(wait) = state.version_saves.try_take(draft.id.as_str(), 1.0, std::time::Instant::now()) {
        let most = state.config.input.versions_per_draft_per_hour;
        tracing::warn!(draft = %draft.id, user = %who.user.login, "version refused: too many this hour");
        return Err(ApiError::too_many(format!("this draft's versions were saved {most} times in the last hour, the limit"), wait));
    }
    let _permit = state.heavy_permit().await?;
    let bytes = current_bytes(&state, &draft).await?;
    let heads = blocking(move || {
        let mut doc = Draft::load(&bytes).map_err(|e| ApiError::internal("loading a draft snapshot", e))?;
        Ok(doc.heads())
    })
    .await?;
    let version = VersionRecord {
        id: VersionId::random(),
        draft_id: draft.id.clone(),
        label,
        heads: heads.iter().map(ToString::to_string).collect(),
        created_by: Some(who.user.id.clone()),
        country: who.user.country.clone(),
        created_at: now_ms(),
    };
    state.store.create_version(&version).await?;
    tracing::info!(draft = %draft.id, version = %version.id, user = %who.user.login, "saved a version");
    Ok((StatusCode::CREATED, Json(version)))
}

/// Query of the diff route.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
    lang: Option<String>,
    format: Option<String>,
}

/// Query of the export route.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    version: Option<String>,
    lang: Option<String>,
    format: Option<String>,
}

/// Compares two versions (or a version and the current text) in one language.
#[utoipa::path(get, path = "/api/drafts/{id}/diff", tag = "versions", params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$"), DiffQuery),
    responses((status = 200, description = "the comparison: JSON, HTML, Markdown (CriticMarkup) or DOCX, by format"), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn diff(
    State(state): State<AppState>,
    _who: CurrentUser,
    Path(id): Path<String>,
    query: Result<Query<DiffQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let lang = parse_lang(q.lang.as_deref())?;
    let format: DiffFormat = q.format.as_deref().unwrap_or("json").parse().map_err(ApiError::BadRequest)?;
    let draft = find_draft(&state, &id).await?;
    let from_ref = q.from.as_deref().ok_or_else(|| ApiError::BadRequest("give from=<version id>".into()))?;
    let from = find_version(&state, &draft, Some(from_ref)).await?;
    let to = find_version(&state, &draft, q.to.as_deref()).await?;
    let _permit = state.heavy_permit().await?;
    let now = now_ms();
    let snapshots = version_snapshots::comparison_snapshots(
        state.store.as_ref(),
        Some(&state.snapshots),
        [from.as_ref(), to.as_ref()],
        current_bytes(&state, &draft),
        now,
    )
    .await
    .map_err(|e| match e {
        SnapshotsError::Document(e) => e,
        SnapshotsError::Store(e) => e.into(),
        other => ApiError::internal("reading the versions to compare", other),
    })?;
    let meeting = versions::meeting_name(state.store.as_ref(), &draft, lang).await?;
    let req = DiffRequest { from, to, lang, format, meeting, now };
    let out =
        blocking(move || versions::render_diff(&draft, &snapshots, &req).map_err(|e| ApiError::internal("comparing versions", e))).await?;
    Ok(respond(out))
}

/// Exports the current text or a version in one language.
#[utoipa::path(get, path = "/api/drafts/{id}/export", tag = "versions", params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$"), ExportQuery),
    responses((status = 200, description = "the text: Markdown, HTML, DOCX, DOCX with tracked changes, or PDF (the clean text, with an adopted text's fingerprint), by format"), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    _who: CurrentUser,
    Path(id): Path<String>,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let lang = parse_lang(q.lang.as_deref())?;
    let format: ExportFormat = q
        .format
        .as_deref()
        .ok_or_else(|| ApiError::BadRequest("give format=md, html, docx, docx-tracked or pdf".into()))?
        .parse()
        .map_err(ApiError::BadRequest)?;
    let draft = find_draft(&state, &id).await?;
    let version = find_version(&state, &draft, q.version.as_deref()).await?;
    let _permit = state.heavy_permit().await?;
    let bytes = current_bytes(&state, &draft).await?;
    let meeting = versions::meeting_name(state.store.as_ref(), &draft, lang).await?;
    let certified = crate::workflow::certification(state.store.as_ref(), &draft, version.as_ref()).await?;
    let out = blocking(move || {
        versions::render_export(&draft, &bytes, version.as_ref(), lang, format, meeting, certified, now_ms())
            .map_err(|e| ApiError::internal("exporting a draft", e))
    })
    .await?;
    Ok(respond(out))
}

fn respond(out: Output) -> Response {
    match out.file_name {
        Some(name) => {
            ([(CONTENT_TYPE, out.content_type.to_owned()), (CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))], out.body)
                .into_response()
        }
        None => ([(CONTENT_TYPE, out.content_type)], out.body).into_response(),
    }
}

fn parse_lang(lang: Option<&str>) -> Result<Lang, ApiError> {
    match lang {
        Some(l) => l.parse().map_err(|_| ApiError::BadRequest(format!("unknown language {l:?}: use en or es"))),
        None => Err(ApiError::BadRequest("give lang=en or lang=es".into())),
    }
}

/// A version of the draft by id; `None` for "current" or nothing.
async fn find_version(state: &AppState, draft: &DraftRecord, reference: Option<&str>) -> Result<Option<VersionRecord>, ApiError> {
    let Some(reference) = reference.filter(|r| *r != "current") else { return Ok(None) };
    let id: VersionId =
        reference.parse().map_err(|e| ApiError::BadRequest(format!("{e}: give a version id (v0123456789abcdef) or current")))?;
    match state.store.version(&draft.id, &id).await {
        Ok(v) => Ok(Some(v)),
        Err(StoreError::NotFound(_)) => Err(ApiError::NotFound(format!("no version {id} of draft {}", draft.id))),
        Err(e) => Err(e.into()),
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, ApiError> + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ApiError::internal("a blocking task failed", e))?
}
