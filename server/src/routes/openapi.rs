//! `GET /api/openapi.json`: the OpenAPI 3.1 description of the HTTP API, generated from the
//! handlers' annotations (`utoipa`), so it cannot drift from the code unnoticed (see
//! `tests/tests/openapi.rs`).

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "Pluma", description = "Collaborative drafting of negotiated texts: accounts, drafts, proposals, activity, and the automerge-repo sync endpoint."),
    modifiers(&Security),
    security(("bearer" = []), ("cookie" = [])),
)]
#[derive(Debug)]
pub struct ApiDoc;

#[derive(Debug)]
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
        components.add_security_scheme("cookie", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::SESSION_COOKIE))));
    }
}

/// This document, covering every endpoint the router registers.
#[utoipa::path(get, path = "/api/openapi.json", tag = "operations", security(()),
    responses((status = 200, body = Object, description = "OpenAPI 3.1")))]
pub async fn spec() -> Json<utoipa::openapi::OpenApi> {
    Json(super::openapi_document())
}
