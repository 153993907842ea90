//! `GET /api/drafts/{id}/activity`: the draft's audit log a page at a time — newest first
//! going back with `before`, or oldest first going forward with `after` (what a live
//! activity feed polls). `country=PE` keeps what concerns one delegation (see [`concern`]).
//!
//! Going forward, the cursor (`next_after`) stays behind entries younger than [`SETTLE`]:
//! ids come from a sequence, and on PostgreSQL a transaction that took id 10 may commit
//! after one that took id 11, so a cursor moved to 11 at once could skip 10 for ever. Those
//! young entries are returned again on the next poll; readers drop repeats by `id`.

mod concern;

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};

use super::drafts::{current_bytes, find_draft};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::model::DraftRecord;
use crate::store::AuditRecord;
use crate::time::now_ms;
use crate::workflow::blocking;

/// Entries per page unless the request says otherwise.
pub const DEFAULT_PAGE: i64 = 50;
/// The largest page a request may ask for.
pub const MAX_PAGE: i64 = 500;
/// How old (milliseconds) an entry must be before a forward cursor moves past it.
pub const SETTLE: i64 = 5_000;
/// The most entries one request reads from the log while looking for a delegation's.
const MAX_SCAN: usize = 5_000;

/// Paging.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Only entries older than this entry id (the previous page's `next_before`).
    #[param(minimum = 1)]
    pub before: Option<i64>,
    /// Only entries newer than this entry id, oldest first (the previous page's
    /// `next_after`; `0` from the start). Entries younger than a few seconds may come
    /// again on the next page: drop repeats by `id`. Not together with `before`.
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// How many entries (1 to 500; 50 when absent).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// Only entries concerning this delegation, e.g. `PE`: its own, those naming it, those
    /// on alternatives it proposed or co-sponsors, and meeting-wide ones (paragraph status,
    /// approvals, silence, adoption). Entries by others keep only the events concerning it.
    pub country: Option<String>,
}

/// One page.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ActivityPage {
    /// Entries: newest first, or oldest first with `after`.
    #[schema(value_type = Vec<Object>)]
    pub entries: Vec<AuditRecord>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    pub next_before: Option<i64>,
    /// With `after`: pass as `after` for the next poll (always present then).
    pub next_after: Option<i64>,
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
    if query.after.is_some_and(|a| a < 0) {
        return Err(ApiError::BadRequest("after must be an entry id (0 or more)".into()));
    }
    if query.before.is_some() && query.after.is_some() {
        return Err(ApiError::BadRequest("give before or after, not both".into()));
    }
    let country = match &query.country {
        Some(c) => Some(c.parse::<pluma_core::Country>().map_err(|e| ApiError::BadRequest(format!("country: {e}")))?),
        None => None,
    };
    let record = find_draft(&state, &id).await?;
    let mut reader = Reader { state: &state, record: &record, country: country.as_ref().map(|c| c.as_str().to_owned()), owners: None };
    match query.after {
        Some(after) => reader.forward(after, limit).await,
        None => reader.backward(query.before, limit).await,
    }
    .map(Json)
}

/// Reads raw pages of the log and keeps what concerns the delegation asked for.
struct Reader<'a> {
    state: &'a AppState,
    record: &'a DraftRecord,
    country: Option<String>,
    owners: Option<concern::Owners>,
}

impl Reader<'_> {
    /// Reads the owners of the draft's alternatives if `raw` needs them for the delegation.
    async fn prepare(&mut self, raw: &[AuditRecord]) -> Result<(), ApiError> {
        if let Some(country) = &self.country
            && self.owners.is_none()
            && concern::needs_owners(raw, country)
        {
            self.owners = Some(self.alternative_owners().await?);
        }
        Ok(())
    }

    /// The entry as the delegation sees it (as it is without one); `None` if not its concern.
    fn narrow(&self, entry: &AuditRecord) -> Option<AuditRecord> {
        match &self.country {
            None => Some(entry.clone()),
            Some(c) => concern::narrow(entry, c, self.owners.as_ref().unwrap_or(&concern::Owners::new())),
        }
    }

    /// Newest first, before `before`: a full page of concerning entries when the log has
    /// them (reading at most [`MAX_SCAN`] entries).
    async fn backward(&mut self, before: Option<i64>, limit: i64) -> Result<ActivityPage, ApiError> {
        let want = usize::try_from(limit).unwrap_or(1);
        let mut entries = Vec::new();
        let (mut cursor, mut scanned) = (before, 0usize);
        loop {
            // One more than asked tells whether an older page exists.
            let raw = self.state.store.audit_page(&self.record.id, cursor, limit + 1).await?;
            self.prepare(&raw).await?;
            scanned += raw.len();
            let exhausted = raw.len() <= want;
            cursor = raw.last().map(|e| e.id);
            for e in &raw {
                if let Some(seen) = self.narrow(e) {
                    if entries.len() == want {
                        // One more concerning entry exists: the page is full.
                        return Ok(ActivityPage { next_before: entries.last().map(|e: &AuditRecord| e.id), entries, next_after: None });
                    }
                    entries.push(seen);
                }
            }
            if exhausted {
                return Ok(ActivityPage { entries, next_before: None, next_after: None });
            }
            if scanned >= MAX_SCAN {
                // A sparse delegation: hand back what was found and where to go on.
                return Ok(ActivityPage { entries, next_before: cursor, next_after: None });
            }
        }
    }

    /// Oldest first, after `after`, up to `limit` concerning entries.
    async fn forward(&mut self, after: i64, limit: i64) -> Result<ActivityPage, ApiError> {
        let want = usize::try_from(limit).unwrap_or(1);
        let settled_before = now_ms() - SETTLE;
        let mut entries = Vec::new();
        // `next` moves over settled entries only, and stops at the first young one.
        let (mut cursor, mut next, mut young, mut scanned) = (after, after, false, 0usize);
        loop {
            let raw = self.state.store.audit_after(&self.record.id, cursor, limit).await?;
            self.prepare(&raw).await?;
            scanned += raw.len();
            for e in &raw {
                if entries.len() == want {
                    return Ok(ActivityPage { entries, next_before: None, next_after: Some(next) });
                }
                young |= e.at > settled_before;
                if !young {
                    next = e.id;
                }
                cursor = e.id;
                if let Some(seen) = self.narrow(e) {
                    entries.push(seen);
                }
            }
            if raw.len() < want || scanned >= MAX_SCAN {
                return Ok(ActivityPage { entries, next_before: None, next_after: Some(next) });
            }
        }
    }

    /// Who proposed or co-sponsors each alternative of the draft, read from its text.
    async fn alternative_owners(&self) -> Result<concern::Owners, ApiError> {
        let bytes = current_bytes(self.state, self.record).await?;
        blocking(move || {
            let mut draft = pluma_core::Draft::load(&bytes).map_err(|e| ApiError::internal("loading a draft", e))?;
            let mut owners = concern::Owners::new();
            for p in draft.paragraphs().map_err(|e| ApiError::internal("reading a draft's paragraphs", e))? {
                for alt in draft.alternatives(&p.id).map_err(|e| ApiError::internal("reading alternatives", e))? {
                    let set = owners.entry(alt.id.to_string()).or_default();
                    set.insert(alt.proposer.country.as_str().to_owned());
                    set.extend(alt.sponsors.iter().map(|c| c.as_str().to_owned()));
                }
            }
            Ok(owners)
        })
        .await
    }
}
