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
use axum::extract::DefaultBodyLimit;
use axum::extract::{FromRequest, Request};
use axum::routing::any;
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app_state::AppState;
use crate::config::InputLimits;
use crate::error::ApiError;

/// The whole router. Every documented endpoint is registered through [`routes!`], which
/// adds it to the router and to the OpenAPI document at once: an endpoint cannot exist
/// without its description. Request bodies are bounded in size (imports have their own
/// bound) and in the time between their parts.
pub fn router(state: AppState) -> Router {
    let (documented, _) = documented(Some((&state.config.input, &state.config.returns))).split_for_parts();
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
/// The documented API. With `limits`, each route takes bodies up to its bound: imports and
/// Word files brought back theirs, every other route the general one.
fn documented(limits: Option<(&InputLimits, &crate::config::ReturnSettings)>) -> OpenApiRouter<AppState> {
    let mut imports = OpenApiRouter::new().routes(routes!(imports::create));
    let mut returned = OpenApiRouter::new().routes(routes!(returns::create));
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
        .routes(routes!(meetings::directory))
        .routes(routes!(openapi::spec))
        .routes(routes!(health::healthz))
        .routes(routes!(health::metrics))
        .routes(routes!(sync::upgrade));
    if let Some((limits, returns)) = limits {
        imports = imports.layer(DefaultBodyLimit::max(limits.max_import_bytes));
        // The file itself, or in JSON as base64 (a third larger), with room for the rest.
        returned = returned.layer(DefaultBodyLimit::max(returns.max_return_bytes / 3 * 4 + 64 * 1024));
        rest = rest.layer(DefaultBodyLimit::max(limits.max_body_bytes));
    }
    rest.merge(imports).merge(returned)
}

async fn not_found() -> ApiError {
    ApiError::NotFound("no such API endpoint".into())
}

/// `Json` whose rejections are [`ApiError`]s (JSON bodies with precise messages): a body
/// that is not JSON is 400 "not valid JSON"; valid JSON of the wrong shape is 422 and says
/// where and what (serde reports some wrong shapes, such as a number where an enum's name
/// belongs, as syntax errors: the body is parsed as JSON first, then read as `T`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(str::trim)
            .is_some_and(|m| m.eq_ignore_ascii_case("application/json") || m.to_ascii_lowercase().ends_with("+json"));
        if !json {
            return Err(ApiError::UnsupportedMediaType("send the body as JSON with Content-Type: application/json".into()));
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(ApiError::from_bytes_rejection)?;
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))?;
        let value = serde_path_to_error::deserialize(value)
            .map_err(|e| ApiError::Unprocessable(format!("the body is valid JSON of the wrong shape: {e}")))?;
        Ok(ApiJson(value))
    }
}
