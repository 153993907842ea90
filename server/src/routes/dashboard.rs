//! `GET /api/drafts/{id}/dashboard`: where the negotiation of a draft stands — paragraphs
//! per status, those still open or bracketed, pending proposals per country, translation
//! concordance per paragraph, and the workflow (approvals and why any were voided, the
//! silence procedure, the adoption and its fingerprint).

use axum::Json;
use axum::extract::{Path, State};

use super::drafts::{current_bytes, find_draft};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::workflow::view::{Dashboard, WorkflowState, text_figures};
use crate::workflow::{blocking, heads_hex, ppt_countries};

/// The draft's dashboard (any signed-in person).
#[utoipa::path(get, path = "/api/drafts/{id}/dashboard", tag = "workflow",
    params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$")),
    responses((status = 200, body = Dashboard), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody)))]
pub async fn get(State(state): State<AppState>, _who: CurrentUser, Path(id): Path<String>) -> Result<Json<Dashboard>, ApiError> {
    let record = find_draft(&state, &id).await?;
    let bytes = current_bytes(&state, &record).await?;
    let (text, heads) = blocking(move || {
        let mut draft = pluma_core::Draft::load(&bytes).map_err(|e| ApiError::internal("loading a draft", e))?;
        let figures = text_figures(&mut draft).map_err(|e| ApiError::internal("reading a draft's figures", e))?;
        Ok::<_, ApiError>((figures, heads_hex(&draft.heads())))
    })
    .await?;
    let ppt = ppt_countries(state.store.as_ref(), &record).await?;
    let workflow = WorkflowState::new(state.store.workflow(&record.id).await?, &ppt, heads);
    Ok(Json(Dashboard { text, workflow }))
}
