//! `GET /api/meetings`: meetings with their delegations (names, conference, time zone).

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::model::{Delegation, Meeting};
use crate::state::AppState;

/// A meeting and who takes part.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeetingOut {
    /// The meeting.
    #[serde(flatten)]
    pub meeting: Meeting,
    /// Its delegations.
    pub delegations: Vec<Delegation>,
}

/// Every meeting.
#[utoipa::path(get, path = "/api/meetings", tag = "meetings",
    responses((status = 200, body = Vec<MeetingOut>), (status = 401, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn list(State(state): State<AppState>, _who: CurrentUser) -> Result<Json<Vec<MeetingOut>>, ApiError> {
    let mut out = Vec::new();
    for meeting in state.store.meetings().await? {
        let delegations = state.store.delegations(&meeting.id).await?;
        out.push(MeetingOut { meeting, delegations });
    }
    Ok(Json(out))
}
