//! `GET /healthz` and `GET /metrics`.

use axum::Json;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;

use crate::app_state::AppState;
use crate::error::ApiError;

/// 200 `{"status":"ok","database":"ok","feed":…}` when the database answers, 503 otherwise.
/// `feed` says whether this server hears the others on the same database: `single` (SQLite,
/// no others), `listening`, or `reconnecting` (it catches up once listening again).
#[utoipa::path(get, path = "/healthz", security(()), tag = "operations",
    responses((status = 200, body = Object, description = "the server and its database answer"), (status = 503, body = crate::error::ErrorBody)))]
pub async fn healthz(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    state.store.health().await.map_err(|error| {
        tracing::error!(%error, "health check: database unavailable");
        ApiError::Unavailable
    })?;
    Ok(Json(serde_json::json!({ "status": "ok", "database": "ok", "feed": state.store.feed() })))
}

/// Prometheus text exposition.
#[utoipa::path(get, path = "/metrics", security(()), tag = "operations",
    responses((status = 200, content_type = "text/plain", body = String, description = "Prometheus text format")))]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render())
}
