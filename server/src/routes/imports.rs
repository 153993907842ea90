//! `POST /api/drafts/import`: a new draft from Markdown or DOCX files, one per language.
//!
//! Body: `{"kind": "communique", "meeting_id"?: "m…", "title"?: {"en", "es"},
//! "en"?: {"format": "md"|"docx", "content": "…"}, "es"?: {…}}` — Markdown as text, DOCX as
//! standard base64. Who may create drafts may import them; the new draft is stored like
//! one created empty (record and first snapshot in one transaction).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use pluma_core::import::{self, ImportedText};
use pluma_core::{Bilingual, Draft, DraftError, DraftKind};
use serde::Deserialize;

use super::ApiJson;
use super::drafts::{DraftOut, PreparedDraft, check_meeting, check_paragraph_count, check_title, store_draft};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::config::InputLimits;
use crate::error::ApiError;

/// One language's file.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportFile {
    /// `md` or `docx`.
    pub format: String,
    /// Markdown text, or the DOCX file in standard base64.
    pub content: String,
}

/// What `POST /api/drafts/import` takes.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// Communiqué or concept note.
    #[schema(value_type = String)]
    pub kind: DraftKind,
    /// The meeting it belongs to.
    #[serde(default)]
    pub meeting_id: Option<String>,
    /// Title when a file has none.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub title: Option<Bilingual<String>>,
    /// The English file.
    #[serde(default)]
    pub en: Option<ImportFile>,
    /// The Spanish file.
    #[serde(default)]
    pub es: Option<ImportFile>,
}

fn read(file: Option<ImportFile>, lang: &str, limits: &InputLimits) -> Result<Option<ImportedText>, ApiError> {
    let Some(file) = file else { return Ok(None) };
    let too_large =
        || ApiError::PayloadTooLarge(format!("{lang}: the file holds more than {} bytes of text", limits.max_import_text_bytes));
    let text = match file.format.as_str() {
        "md" if file.content.len() > limits.max_import_text_bytes => return Err(too_large()),
        "md" => import::from_markdown(&file.content),
        "docx" => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(file.content.trim())
                .map_err(|e| ApiError::Unprocessable(format!("{lang}: the DOCX content is not base64: {e}")))?;
            import::from_docx_within(&bytes, limits.max_import_text_bytes).map_err(|e| match e {
                DraftError::ImportTooLarge { .. } => too_large(),
                e => ApiError::Unprocessable(format!("{lang}: {e}")),
            })?
        }
        other => return Err(ApiError::Unprocessable(format!("{lang}: unknown format {other:?}: use md or docx"))),
    };
    check_text(&text, lang, limits)?;
    Ok(Some(text))
}

/// An imported file's title and paragraphs are within their bounds and clean.
fn check_text(text: &ImportedText, lang: &str, limits: &InputLimits) -> Result<(), ApiError> {
    if let Some(title) = &text.title {
        crate::input::text(&format!("the title ({lang})"), title, limits.max_title_chars)?;
    }
    check_paragraph_count(text.paragraphs.len(), limits)?;
    for (i, (_, paragraph)) in text.paragraphs.iter().enumerate() {
        crate::input::text(&format!("paragraph {} ({lang})", i + 1), paragraph, limits.max_text_chars)?;
    }
    Ok(())
}

/// Creates a draft from the files.
#[utoipa::path(post, path = "/api/drafts/import", tag = "drafts", request_body = ImportRequest,
    responses((status = 201, body = super::drafts::DraftOut), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody), (status = 415, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiJson(body): ApiJson<ImportRequest>,
) -> Result<(StatusCode, Json<DraftOut>), ApiError> {
    if !who.user.role.may_create_drafts() {
        return Err(ApiError::Forbidden("only chairs, the secretariat and admins may create drafts"));
    }
    let limits = state.config.input.clone();
    if let Some(title) = &body.title {
        check_title(&title.en, &title.es, &limits)?;
    }
    let meeting_id = match &body.meeting_id {
        Some(m) => Some(check_meeting(&state, m).await?),
        None => None,
    };
    let kind = body.kind;
    let fallback = body.title.unwrap_or_default();
    let (en, es) = (body.en, body.es);
    let _permit = state.heavy_permit().await?;
    let prepared = crate::workflow::blocking(move || {
        let (en, es) = (read(en, "en", &limits)?, read(es, "es", &limits)?);
        let mut draft = Draft::import(kind, en, es, &fallback).map_err(|e| ApiError::Unprocessable(e.to_string()))?;
        PreparedDraft::new(&mut draft)
    })
    .await?;
    let record = store_draft(state.store.as_ref(), prepared, meeting_id, Some(&who.user)).await?;
    tracing::info!(draft = %record.id, user = %who.user.login, "imported a draft");
    Ok((StatusCode::CREATED, Json(record.into())))
}
