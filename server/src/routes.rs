//! The HTTP surface: JSON API under `/api`, health and metrics, the sync WebSocket, and the
//! web UI's static files.

pub mod activity;
pub mod approvals;
pub mod dashboard;
pub mod drafts;
pub mod health;
pub mod imports;
pub mod meetings;
pub mod openapi;
pub mod paragraphs;
pub mod returns;
pub mod session;
pub mod silence;
pub mod suggestions;
pub mod sync;
pub mod sync_tickets;
pub mod versions;
pub mod web;

use axum::Router;
use axum::extract::{FromRequest, Request};
use axum::routing::any;
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::state::AppState;

/// The whole router. Every documented endpoint is registered through [`routes!`], which
/// adds it to the router and to the OpenAPI document at once: an endpoint cannot exist
/// without its description.
pub fn router(state: AppState) -> Router {
    let (documented, _) = documented().split_for_parts();
    documented
        .route("/api", any(not_found))
        .route("/api/{*rest}", any(not_found))
        .fallback_service(web::service(&state.config))
        .with_state(state)
}

/// The OpenAPI document of every registered endpoint.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    documented().into_openapi()
}

fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(session::create, session::delete))
        .routes(routes!(session::me))
        .routes(routes!(sync_tickets::create))
        .routes(routes!(drafts::list, drafts::create))
        .routes(routes!(drafts::get))
        .routes(routes!(imports::create))
        .routes(routes!(versions::list, versions::create))
        .routes(routes!(versions::diff))
        .routes(routes!(versions::export))
        .routes(routes!(suggestions::list))
        .routes(routes!(suggestions::accept))
        .routes(routes!(suggestions::reject))
        .routes(routes!(suggestions::withdraw))
        .routes(routes!(returns::create))
        .routes(routes!(activity::page))
        .routes(routes!(paragraphs::set_status))
        .routes(routes!(paragraphs::confirm_concordance))
        .routes(routes!(dashboard::get))
        .routes(routes!(approvals::approve))
        .routes(routes!(silence::start))
        .routes(routes!(silence::object))
        .routes(routes!(meetings::list))
        .routes(routes!(meetings::get))
        .routes(routes!(meetings::directory))
        .routes(routes!(openapi::spec))
        .routes(routes!(health::healthz))
        .routes(routes!(health::metrics))
        .routes(routes!(sync::upgrade))
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
