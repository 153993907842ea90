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
pub mod session;
pub mod silence;
pub mod suggestions;
pub mod sync;
pub mod sync_tickets;
pub mod versions;
pub mod web;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{FromRequest, Request};
use axum::routing::any;
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::config::InputLimits;
use crate::error::ApiError;
use crate::state::AppState;

/// The whole router. Every documented endpoint is registered through [`routes!`], which
/// adds it to the router and to the OpenAPI document at once: an endpoint cannot exist
/// without its description. Request bodies are bounded in size (imports have their own
/// bound) and in the time between their parts.
pub fn router(state: AppState) -> Router {
    let (documented, _) = documented(Some(&state.config.input)).split_for_parts();
    documented
        .route("/api", any(not_found))
        .route("/api/{*rest}", any(not_found))
        .fallback_service(web::service(&state.config))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(state.config.http.body_timeout))
        .with_state(state)
}

/// The OpenAPI document of every registered endpoint.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    documented(None).into_openapi()
}

/// The documented endpoints; with `limits`, each with its bound on the body's size.
fn documented(limits: Option<&InputLimits>) -> OpenApiRouter<AppState> {
    let mut imports = OpenApiRouter::new().routes(routes!(imports::create));
    let mut rest = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(session::create, session::delete))
        .routes(routes!(session::me))
        .routes(routes!(sync_tickets::create))
        .routes(routes!(drafts::list, drafts::create))
        .routes(routes!(drafts::get))
        .routes(routes!(versions::list, versions::create))
        .routes(routes!(versions::diff))
        .routes(routes!(versions::export))
        .routes(routes!(suggestions::list))
        .routes(routes!(suggestions::accept))
        .routes(routes!(suggestions::reject))
        .routes(routes!(suggestions::withdraw))
        .routes(routes!(activity::page))
        .routes(routes!(paragraphs::set_status))
        .routes(routes!(paragraphs::confirm_concordance))
        .routes(routes!(dashboard::get))
        .routes(routes!(approvals::approve))
        .routes(routes!(silence::start))
        .routes(routes!(silence::agree))
        .routes(routes!(silence::objections::object))
        .routes(routes!(meetings::list))
        .routes(routes!(meetings::get, meetings::change))
        .routes(routes!(openapi::spec))
        .routes(routes!(health::healthz))
        .routes(routes!(health::metrics))
        .routes(routes!(sync::upgrade));
    if let Some(limits) = limits {
        imports = imports.layer(DefaultBodyLimit::max(limits.max_import_bytes));
        rest = rest.layer(DefaultBodyLimit::max(limits.max_body_bytes));
    }
    rest.merge(imports)
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
