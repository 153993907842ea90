//! `GET /api/drafts`, `POST /api/drafts`, `GET /api/drafts/{id}`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use pluma_core::{Bilingual, Draft, DraftKind, Lang};
use serde::{Deserialize, Serialize};

use super::ApiJson;
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::ids::{DocumentId, DraftId, MeetingId};
use crate::model::{DraftRecord, User};
use crate::store::{AuditAction, AuditEntry, Store};
use crate::time::now_ms;

/// A draft as the API shows it: its record plus the automerge-repo URL to open it with.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DraftOut {
    /// The record.
    #[serde(flatten)]
    pub record: DraftRecord,
    /// `automerge:<doc_id>`, for `repo.find`.
    pub url: String,
}

impl From<DraftRecord> for DraftOut {
    fn from(record: DraftRecord) -> Self {
        let url = record.doc_id.url();
        DraftOut { record, url }
    }
}

/// What `POST /api/drafts` takes: a zero draft, or a kind and title for an empty draft.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDraft {
    /// The meeting it belongs to.
    #[serde(default)]
    pub meeting_id: Option<String>,
    /// Communiqué or concept note (required without `zero_draft`).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub kind: Option<DraftKind>,
    /// Title in both languages (required without `zero_draft`).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub title: Option<Bilingual<String>>,
    /// A zero draft (`{kind, title, paragraphs}`) to start from.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub zero_draft: Option<serde_json::Value>,
}

/// Every draft.
#[utoipa::path(get, path = "/api/drafts", tag = "drafts",
    responses((status = 200, body = Vec<DraftOut>), (status = 401, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn list(State(state): State<AppState>, _who: CurrentUser) -> Result<Json<Vec<DraftOut>>, ApiError> {
    let drafts = state.store.drafts().await?;
    Ok(Json(drafts.into_iter().map(DraftOut::from).collect()))
}

/// One draft.
#[utoipa::path(get, path = "/api/drafts/{id}", tag = "drafts", params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$")),
    responses((status = 200, body = DraftOut), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn get(State(state): State<AppState>, _who: CurrentUser, Path(id): Path<String>) -> Result<Json<DraftOut>, ApiError> {
    Ok(Json(find_draft(&state, &id).await?.into()))
}

/// The record of draft `id` (from a request path), or 400/404.
pub(crate) async fn find_draft(state: &AppState, id: &str) -> Result<DraftRecord, ApiError> {
    let id: DraftId = id.parse().map_err(|e| ApiError::BadRequest(format!("{e}: draft ids look like d0123456789abcdef")))?;
    match state.store.draft(&id).await {
        Ok(record) => Ok(record),
        Err(crate::store::StoreError::NotFound(_)) => Err(ApiError::NotFound(format!("no draft {id}"))),
        Err(e) => Err(e.into()),
    }
}

/// The document's bytes as its task holds it now (loading it if needed); 503 when it
/// cannot be loaded.
pub(crate) async fn current_bytes(state: &AppState, record: &DraftRecord) -> Result<Vec<u8>, ApiError> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    state.hub.send(&record.doc_id, crate::sync::DocCommand::Snapshot { reply }).await.map_err(|_| ApiError::Unavailable)?;
    // The task drops the reply when the document cannot be loaded.
    answer.await.map_err(|_| {
        tracing::error!(draft = %record.id, "the draft's document is unavailable");
        ApiError::Unavailable
    })
}

/// Creates a draft on the server and stores its first snapshot (chairs, secretariat, admin).
#[utoipa::path(post, path = "/api/drafts", tag = "drafts", request_body = NewDraft,
    responses((status = 201, body = DraftOut), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 415, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiJson(body): ApiJson<NewDraft>,
) -> Result<(StatusCode, Json<DraftOut>), ApiError> {
    if !who.user.role.may_create_drafts() {
        return Err(ApiError::Forbidden("only chairs, the secretariat and admins may create drafts"));
    }
    check_new_draft(&body, &state.config.input)?;
    let meeting_id = match &body.meeting_id {
        Some(m) => Some(check_meeting(&state, m).await?),
        None => None,
    };
    let _permit = state.heavy_permit().await?;
    let prepared = crate::workflow::blocking(move || PreparedDraft::new(&mut build(body)?)).await?;
    let record = store_draft(state.store.as_ref(), prepared, meeting_id, Some(&who.user)).await?;
    tracing::info!(draft = %record.id, user = %who.user.login, "created a draft");
    Ok((StatusCode::CREATED, Json(record.into())))
}

/// The bounds of a new draft, checked on the request before any work: its title, the
/// number of paragraphs of a zero draft and each of their texts (whose shape the core
/// checks when it reads the zero draft).
fn check_new_draft(body: &NewDraft, limits: &crate::config::InputLimits) -> Result<(), ApiError> {
    if let Some(title) = &body.title {
        check_title(title.en.as_str(), title.es.as_str(), limits)?;
    }
    let Some(zero) = &body.zero_draft else { return Ok(()) };
    let str_at = |v: &serde_json::Value, key: &str| v.get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
    if let Some(title) = zero.get("title") {
        check_title(&str_at(title, "en").unwrap_or_default(), &str_at(title, "es").unwrap_or_default(), limits)?;
    }
    let paragraphs = zero.get("paragraphs").and_then(serde_json::Value::as_array).map(Vec::as_slice).unwrap_or_default();
    check_paragraph_count(paragraphs.len(), limits)?;
    for (i, p) in paragraphs.iter().enumerate() {
        for lang in ["en", "es"] {
            let text = str_at(p, lang).unwrap_or_default();
            crate::input::text(&format!("paragraph {} ({lang})", i + 1), &text, limits.max_text_chars)?;
        }
    }
    Ok(())
}

/// Both titles of a draft are clean and within their bound.
pub(crate) fn check_title(en: &str, es: &str, limits: &crate::config::InputLimits) -> Result<(), ApiError> {
    crate::input::text("the title (en)", en, limits.max_title_chars)?;
    crate::input::text("the title (es)", es, limits.max_title_chars)
}

/// A new draft has at most [`crate::config::InputLimits::max_paragraphs`] paragraphs (413).
pub(crate) fn check_paragraph_count(n: usize, limits: &crate::config::InputLimits) -> Result<(), ApiError> {
    if n > limits.max_paragraphs {
        return Err(ApiError::PayloadTooLarge(format!("the draft has {n} paragraphs; the limit is {}", limits.max_paragraphs)));
    }
    Ok(())
}

/// The meeting a new draft belongs to: it exists and has room for one more draft.
pub(crate) async fn check_meeting(state: &AppState, id: &str) -> Result<MeetingId, ApiError> {
    let store: &dyn Store = state.store.as_ref();
    let id: MeetingId = id.parse().map_err(|e| ApiError::Unprocessable(format!("{e}")))?;
    if !store.meetings().await?.iter().any(|m| m.id == id) {
        return Err(ApiError::Unprocessable(format!("no meeting {id}")));
    }
    let most = state.config.input.max_drafts_per_meeting;
    let held = store.drafts().await?.iter().filter(|d| d.meeting_id.as_ref() == Some(&id)).count();
    if held >= most {
        return Err(ApiError::Unprocessable(format!("meeting {id} already has {held} drafts; the limit is {most}")));
    }
    Ok(id)
}

fn build(body: NewDraft) -> Result<Draft, ApiError> {
    let invalid = |e: pluma_core::DraftError| ApiError::Unprocessable(e.to_string());
    match (body.zero_draft, body.kind, body.title) {
        (Some(zero), None, None) => Draft::from_zero_draft_json(&zero.to_string()).map_err(invalid),
        (None, Some(kind), Some(title)) => Draft::new(kind, Bilingual { en: title.en.as_str(), es: title.es.as_str() }).map_err(invalid),
        (Some(_), _, _) => Err(ApiError::Unprocessable("give either zero_draft or kind and title, not both".into())),
        (None, _, _) => Err(ApiError::Unprocessable("give zero_draft, or both kind and title".into())),
    }
}

/// A new draft read and saved, ready to store. Making it is CPU work: the routes make it
/// on the blocking pool.
#[derive(Debug)]
pub struct PreparedDraft {
    kind: DraftKind,
    title_en: String,
    title_es: String,
    snapshot: Vec<u8>,
}

impl PreparedDraft {
    /// Reads the draft's kind and titles and saves it.
    pub fn new(draft: &mut Draft) -> Result<PreparedDraft, ApiError> {
        let unreadable = |e: pluma_core::DraftError| ApiError::internal("reading a new draft", e);
        Ok(PreparedDraft {
            kind: draft.kind().map_err(unreadable)?,
            title_en: draft.title(Lang::En).map_err(unreadable)?,
            title_es: draft.title(Lang::Es).map_err(unreadable)?,
            snapshot: draft.save(),
        })
    }
}

/// Stores a new draft (record and first snapshot, one transaction) and notes its creation in
/// the audit log. Shared by creation, import and the demo.
pub async fn store_draft(
    store: &dyn Store,
    prepared: PreparedDraft,
    meeting_id: Option<MeetingId>,
    created_by: Option<&User>,
) -> Result<DraftRecord, ApiError> {
    let record = DraftRecord {
        id: DraftId::random(),
        doc_id: DocumentId::random(),
        meeting_id,
        kind: prepared.kind,
        title_en: prepared.title_en,
        title_es: prepared.title_es,
        created_by: created_by.map(|u| u.id.clone()),
        created_at: now_ms(),
    };
    store.create_draft(&record, &prepared.snapshot).await?;
    let entry = AuditEntry {
        user: created_by.map(|u| u.id.clone()),
        country: created_by.and_then(|u| u.country.clone()),
        draft: Some(record.id.clone()),
        action: AuditAction::DraftCreated,
        detail: serde_json::json!({ "kind": record.kind, "title_en": record.title_en, "title_es": record.title_es }),
    };
    store.append_audit(&[entry], now_ms()).await?;
    Ok(record)
}

/// [`store_draft`] of a draft made here (the demo's; small, so read on this thread).
pub async fn create_draft(
    store: &dyn Store,
    draft: &mut Draft,
    meeting_id: Option<MeetingId>,
    created_by: Option<&User>,
) -> Result<DraftRecord, ApiError> {
    store_draft(store, PreparedDraft::new(draft)?, meeting_id, created_by).await
}
