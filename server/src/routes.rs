//! The HTTP surface: JSON API under `/api`, health and metrics, the sync WebSocket, and the
//! web UI's static files.

pub mod drafts;
pub mod health;
pub mod imports;
pub mod meetings;
pub mod session;
pub mod sync;
pub mod sync_tickets;
pub mod versions;
pub mod web;

use axum::extract::{FromRequest, Request};
use axum::routing::{any, get, post};
use axum::Router;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::AppState;

/// The whole router.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/session", post(session::create).delete(session::delete))
        .route("/me", get(session::me))
        .route("/sync-tickets", post(sync_tickets::create))
        .route("/drafts", get(drafts::list).post(drafts::create))
        .route("/drafts/import", post(imports::create))
        .route("/drafts/{id}", get(drafts::get))
        .route("/drafts/{id}/versions", get(versions::list).post(versions::create))
        .route("/drafts/{id}/diff", get(versions::diff))
        .route("/drafts/{id}/export", get(versions::export))
        .route("/meetings", get(meetings::list))
        .fallback(any(not_found));
    Router::new()
        .nest("/api", api)
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(health::metrics))
        .route("/sync", get(sync::upgrade))
        .fallback_service(web::service(&state.config))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::NotFound("no such API endpoint".into())
}

/// `Json` whose rejections are [`ApiError`]s (JSON bodies with precise messages).
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
        Ok(ApiJson(value))
    }
}
