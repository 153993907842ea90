//! `POST /api/sync-tickets`: a single-use ticket to open the sync WebSocket, so no
//! long-lived token ever appears in a URL.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::app_state::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::ApiError;
use crate::time::now_ms;

/// How long a ticket may wait before use: long enough to open a socket, short enough that a
/// ticket in a log or history is useless.
pub const TICKET_TTL: Duration = Duration::from_secs(60);

/// A new ticket.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Ticket {
    /// Pass as `GET /sync?ticket=…`; works once.
    pub ticket: String,
    /// Unix milliseconds after which it no longer works.
    pub expires_at: i64,
}

/// Issues a ticket bound to the caller and their session: the connection it opens ends with
/// the session.
#[utoipa::path(post, path = "/api/sync-tickets", tag = "sync",
    responses((status = 201, body = Ticket), (status = 401, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn create(State(state): State<AppState>, who: CurrentUser) -> Result<(StatusCode, Json<Ticket>), ApiError> {
    let (ticket, hash) = auth::new_token();
    let now = now_ms();
    let expires_at = now + i64::try_from(TICKET_TTL.as_millis()).unwrap_or(60_000);
    state.store.create_ticket(&hash, &who.token_hash, &who.user.id, now, expires_at).await?;
    Ok((StatusCode::CREATED, Json(Ticket { ticket, expires_at })))
}
