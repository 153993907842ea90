//! `GET /healthz` and `GET /metrics`.

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::Json;

use crate::error::ApiError;
use crate::state::AppState;

/// 200 `{"status":"ok"}` when the database answers, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    state.store.health().await.map_err(|error| {
        tracing::error!(%error, "health check: database unavailable");
        ApiError::Unavailable
    })?;
    Ok(Json(serde_json::json!({ "status": "ok" })))
}

/// Prometheus text exposition.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render())
}
