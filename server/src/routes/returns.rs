//! `POST /api/drafts/{id}/returns`: a Word file brought back, made into the returning
//! delegation's proposals and comments on the current text ([`crate::returns`]).
//!
//! The file comes as `{"content": "<standard base64>", "as"?: "PE"}` (the way
//! `POST /api/drafts/import` takes DOCX), or as the raw body with the DOCX (or
//! `application/octet-stream`) content type and `?as=PE`. A delegate or chair brings back
//! their own delegation's file (`as` may be left out); the secretariat names the
//! delegation. Answers 201 with the report, or 200 with the earlier report when this very
//! file was already brought back for that delegation.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header::CONTENT_TYPE};
use base64::Engine;
use pluma_core::Country;
use serde::Deserialize;

use super::drafts::find_draft;
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::returns::{self, ReturnOut};
use crate::versions::DOCX_TYPE;

/// The JSON form of the request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnIn {
    /// The DOCX file in standard base64.
    pub content: String,
    /// The delegation whose file it is (required for the secretariat).
    #[serde(default, rename = "as")]
    pub as_country: Option<String>,
}

/// The query of the raw form.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReturnQuery {
    /// The delegation whose file it is (required for the secretariat).
    #[serde(default, rename = "as")]
    #[param(rename = "as")]
    as_country: Option<String>,
}

/// Base64 makes a file a third larger; JSON adds a little.
fn body_limit(max_file: usize) -> usize {
    max_file.saturating_mul(4) / 3 + 64 * 1024
}

fn country(value: Option<String>) -> Result<Option<Country>, ApiError> {
    value.filter(|v| !v.trim().is_empty()).map(|v| v.trim().parse().map_err(|e| ApiError::Unprocessable(format!("as: {e}")))).transpose()
}

/// Brings back a Word file as a delegation's proposals and comments.
#[utoipa::path(post, path = "/api/drafts/{id}/returns", tag = "proposals",
    params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$"), ReturnQuery),
    request_body(content = ReturnIn, description = "the DOCX as base64 in JSON, or the raw DOCX with its content type and ?as="),
    responses((status = 200, body = ReturnOut, description = "this file was already brought back: the earlier report"),
        (status = 201, body = ReturnOut, description = "the proposals and comments made, and what was not made and why"),
        (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody),
        (status = 415, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<ReturnQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<ReturnOut>), ApiError> {
    let record = find_draft(&state, &id).await?;
    let limit = body_limit(state.config.returns.max_return_bytes);
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| ApiError::PayloadTooLarge(format!("the body is larger than {limit} bytes (or was cut short)")))?;
    let kind = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().split(';').next().unwrap_or_default().trim();
    let (file, as_country) = match kind {
        "application/json" => {
            let body: ReturnIn = serde_json::from_slice(&bytes).map_err(|e| ApiError::Unprocessable(format!("the body: {e}")))?;
            let file = base64::engine::general_purpose::STANDARD
                .decode(body.content.trim())
                .map_err(|e| ApiError::Unprocessable(format!("content is not base64: {e}")))?;
            (file, body.as_country.or(query.as_country))
        }
        DOCX_TYPE | "application/octet-stream" => (bytes.to_vec(), query.as_country),
        _ => {
            return Err(ApiError::UnsupportedMediaType(format!(
                "send the DOCX as JSON {{\"content\": base64}} or as the raw body with Content-Type {DOCX_TYPE}"
            )));
        }
    };
    let out = returns::bring_back(&state, &record, &who.user, country(as_country)?, file).await?;
    let status = if out.already_returned { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(out)))
}
