//! `GET /api/drafts/{id}/activity`: the draft's audit log, newest first, a page at a time;
//! `country=MX` keeps the entries concerning one delegation.

use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::drafts::find_draft;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::AuditRecord;

/// Entries per page unless the request says otherwise.
pub const DEFAULT_PAGE: i64 = 50;
/// The largest page a request may ask for.
pub const MAX_PAGE: i64 = 500;

/// Paging.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Only entries older than this entry id (the previous page's `next_before`).
    #[param(minimum = 1)]
    pub before: Option<i64>,
    /// How many entries (1 to 500; 50 when absent).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// Only entries concerning this delegation (its own, and those naming it), e.g. `MX`.
    pub country: Option<String>,
}

/// One page.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ActivityPage {
    /// Entries, newest first.
    #[schema(value_type = Vec<Object>)]
    pub entries: Vec<AuditRecord>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    pub next_before: Option<i64>,
}

/// A page of the draft's activity (any signed-in person).
#[utoipa::path(get, path = "/api/drafts/{id}/activity", tag = "drafts",
    params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$"), PageQuery),
    responses((status = 200, body = ActivityPage), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody)))]
pub async fn page(
    State(state): State<AppState>,
    _who: CurrentUser,
    Path(id): Path<String>,
    query: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ActivityPage>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::BadRequest(format!("bad paging: {}", e.body_text())))?;
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::BadRequest(format!("limit must be between 1 and {MAX_PAGE}")));
    }
    if query.before.is_some_and(|b| b < 1) {
        return Err(ApiError::BadRequest("before must be a positive entry id".into()));
    }
    let country = match &query.country {
        Some(c) => Some(c.parse::<pluma_core::Country>().map_err(|e| ApiError::BadRequest(format!("country: {e}")))?),
        None => None,
    };
    let record = find_draft(&state, &id).await?;
    // One more than asked tells whether an older page exists.
    let mut entries = match &country {
        Some(c) => state.store.audit_page_of_country(&record.id, c, query.before, limit + 1).await?,
        None => state.store.audit_page(&record.id, query.before, limit + 1).await?,
    };
    let more = entries.len() as i64 > limit;
    entries.truncate(limit as usize);
    let next_before = if more { entries.last().map(|e| e.id) } else { None };
    Ok(Json(ActivityPage { entries, next_before }))
}
