//! `POST /api/drafts/{id}/silence/objections` `{text}`: a delegation (a delegate or a
//! chair, not observers or staff) breaks the running silence procedure with a written
//! objection, strictly before the deadline; the text unfreezes. After the deadline: 409.
//! The decision is [`crate::workflow::objection`]'s.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::SilenceOut;
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::routes::ApiJson;
use crate::routes::drafts::find_draft;
use crate::workflow::objection;

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
    let broken = objection::object(&state, &who.user, &record, text).await?;
    let out = SilenceOut { silence: Some(broken.silence), proposal: None, objection: Some(broken.objection), workflow: broken.workflow };
    Ok((StatusCode::CREATED, Json(out)))
}
