//! Named versions, comparisons and exports of a draft:
//! - `GET /api/drafts/{id}/versions`, `POST /api/drafts/{id}/versions` (`{"label": …}`)
//! - `GET /api/drafts/{id}/diff?from=V&to=V|current&lang=en|es&format=json|html|md|docx`
//! - `GET /api/drafts/{id}/export?version=V|current&lang=en|es&format=md|html|docx|docx-tracked`
//!
//! Like the other draft routes, any signed-in user may read and save versions. The
//! current text comes from the document's task (`DocCommand::Snapshot`), so it includes
//! every change already acknowledged to a client; comparing and exporting run on the
//! blocking pool.

use std::collections::{HashMap, HashSet};

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pluma_core::automerge::{ActorId, ChangeHash};
use pluma_core::delegations::CountryNames;
use pluma_core::export::docx::DocxMode;
use pluma_core::export::{self, ExportInfo};
use pluma_core::{Country, Draft, Lang};
use serde::Deserialize;

use super::ApiJson;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::ids::{DraftId, VersionId};
use crate::model::DraftRecord;
use crate::state::AppState;
use crate::store::{StoreError, VersionRecord};
use crate::sync::DocCommand;
use crate::time::now_ms;

/// Longest label accepted, in characters.
pub const MAX_LABEL_CHARS: usize = 200;

const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// What `POST /api/drafts/{id}/versions` takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewVersion {
    /// The label, 1 to 200 characters.
    pub label: String,
}

/// A draft's versions, oldest first.
pub async fn list(
    State(state): State<AppState>,
    _who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<VersionRecord>>, ApiError> {
    let draft = find_draft(&state, &id).await?;
    Ok(Json(state.store.versions(&draft.id).await?))
}

/// Saves the draft as it stands under a label.
pub async fn create(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewVersion>,
) -> Result<(StatusCode, Json<VersionRecord>), ApiError> {
    let label = body.label.trim().to_owned();
    if label.is_empty() {
        return Err(ApiError::Unprocessable("the label is empty".into()));
    }
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(ApiError::Unprocessable(format!("the label is longer than {MAX_LABEL_CHARS} characters")));
    }
    let draft = find_draft(&state, &id).await?;
    let bytes = snapshot(&state, &draft).await?;
    let heads = blocking(move || {
        let mut doc = Draft::load(&bytes).map_err(|e| ApiError::internal("loading a draft snapshot", e))?;
        Ok(doc.heads())
    })
    .await?;
    let version = VersionRecord {
        id: VersionId::random(),
        draft_id: draft.id.clone(),
        label,
        heads: heads.iter().map(ToString::to_string).collect(),
        created_by: Some(who.user.id.clone()),
        country: who.user.country.clone(),
        created_at: now_ms(),
    };
    state.store.create_version(&version).await?;
    tracing::info!(draft = %draft.id, version = %version.id, user = %who.user.login, "saved a version");
    Ok((StatusCode::CREATED, Json(version)))
}

/// Query of the diff route.
#[derive(Debug, Deserialize)]
pub struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
    lang: Option<String>,
    format: Option<String>,
}

/// Query of the export route.
#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    version: Option<String>,
    lang: Option<String>,
    format: Option<String>,
}

/// Compares two versions (or a version and the current text) in one language.
pub async fn diff(
    State(state): State<AppState>,
    _who: CurrentUser,
    Path(id): Path<String>,
    query: Result<Query<DiffQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let lang = parse_lang(q.lang.as_deref())?;
    let format = match q.format.as_deref().unwrap_or("json") {
        f @ ("json" | "html" | "md" | "docx") => f.to_owned(),
        other => return Err(ApiError::BadRequest(format!("unknown format {other:?}: use json, html, md or docx"))),
    };
    let draft = find_draft(&state, &id).await?;
    let from_ref = q.from.as_deref().ok_or_else(|| ApiError::BadRequest("give from=<version id>".into()))?;
    let from = find_version(&state, &draft, Some(from_ref)).await?;
    let to = find_version(&state, &draft, q.to.as_deref()).await?;
    let bytes = snapshot(&state, &draft).await?;
    let owners = actor_owners(&state, &bytes).await?;
    let meeting = meeting_name(&state, &draft, lang).await?;
    let names = CountryNames::builtin();
    let label = |v: &Option<VersionRecord>| v.as_ref().map_or_else(|| current(lang).to_owned(), |v| v.label.clone());
    let heading = format!("{} → {}", label(&from), label(&to));
    let (from_heads, to_heads) = (heads_of(&from)?, heads_of(&to)?);
    let info = ExportInfo {
        meeting,
        version: Some(heading.clone()),
        date: export::date(to.as_ref().map_or_else(now_ms, |v| v.created_at)),
    };
    let to_ms = to.as_ref().map_or_else(now_ms, |v| v.created_at);
    blocking(move || {
        let mut doc = Draft::load(&bytes).map_err(|e| ApiError::internal("loading a draft snapshot", e))?;
        let who = |a: &ActorId| owners.get(&a.to_hex_string()).cloned();
        let cmp = doc
            .compare(from_heads.as_deref(), to_heads.as_deref(), lang, &who)
            .map_err(|e| ApiError::internal("comparing versions", e))?;
        Ok(match format.as_str() {
            "json" => Json(cmp).into_response(),
            "html" => text("text/html; charset=utf-8", cmp.to_html(&names, &heading)),
            "md" => text("text/markdown; charset=utf-8", cmp.to_markdown(&names)),
            _ => {
                let bytes = cmp.to_docx(&names, &info, to_ms).map_err(|e| ApiError::internal("writing a DOCX", e))?;
                attachment(&draft, lang, "redline", bytes)
            }
        })
    })
    .await
}

/// Exports the current text or a version in one language.
pub async fn export(
    State(state): State<AppState>,
    _who: CurrentUser,
    Path(id): Path<String>,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let lang = parse_lang(q.lang.as_deref())?;
    let format = match q.format.as_deref() {
        Some(f @ ("md" | "html" | "docx" | "docx-tracked")) => f.to_owned(),
        Some(other) => {
            return Err(ApiError::BadRequest(format!("unknown format {other:?}: use md, html, docx or docx-tracked")))
        }
        None => return Err(ApiError::BadRequest("give format=md, html, docx or docx-tracked".into())),
    };
    let draft = find_draft(&state, &id).await?;
    let version = find_version(&state, &draft, q.version.as_deref()).await?;
    let heads = heads_of(&version)?;
    let bytes = snapshot(&state, &draft).await?;
    let info = ExportInfo {
        meeting: meeting_name(&state, &draft, lang).await?,
        version: version.as_ref().map(|v| v.label.clone()),
        date: export::date(version.as_ref().map_or_else(now_ms, |v| v.created_at)),
    };
    blocking(move || {
        let mut doc = Draft::load(&bytes).map_err(|e| ApiError::internal("loading a draft snapshot", e))?;
        let failed = |e| ApiError::internal("exporting a draft", e);
        let names = CountryNames::builtin();
        Ok(match format.as_str() {
            "md" => text("text/markdown; charset=utf-8", doc.export_markdown(heads.as_deref(), lang, &info).map_err(failed)?),
            "html" => text("text/html; charset=utf-8", doc.export_html(heads.as_deref(), lang, &info).map_err(failed)?),
            "docx" => {
                let bytes = doc.export_docx(heads.as_deref(), lang, &info, DocxMode::Clean, &names).map_err(failed)?;
                attachment(&draft, lang, "clean", bytes)
            }
            _ => {
                let bytes = doc.export_docx(heads.as_deref(), lang, &info, DocxMode::Tracked, &names).map_err(failed)?;
                attachment(&draft, lang, "tracked", bytes)
            }
        })
    })
    .await
}

fn current(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Current text",
        Lang::Es => "Texto actual",
    }
}

fn parse_lang(lang: Option<&str>) -> Result<Lang, ApiError> {
    match lang {
        Some(l) => l.parse().map_err(|_| ApiError::BadRequest(format!("unknown language {l:?}: use en or es"))),
        None => Err(ApiError::BadRequest("give lang=en or lang=es".into())),
    }
}

async fn find_draft(state: &AppState, id: &str) -> Result<DraftRecord, ApiError> {
    let id: DraftId = id.parse().map_err(|e| ApiError::BadRequest(format!("{e}: draft ids look like d0123456789abcdef")))?;
    match state.store.draft(&id).await {
        Ok(record) => Ok(record),
        Err(StoreError::NotFound(_)) => Err(ApiError::NotFound(format!("no draft {id}"))),
        Err(e) => Err(e.into()),
    }
}

/// A version of the draft by id; `None` for "current" or nothing.
async fn find_version(state: &AppState, draft: &DraftRecord, reference: Option<&str>) -> Result<Option<VersionRecord>, ApiError> {
    let Some(reference) = reference.filter(|r| *r != "current") else { return Ok(None) };
    let id: VersionId = reference
        .parse()
        .map_err(|e| ApiError::BadRequest(format!("{e}: give a version id (v0123456789abcdef) or current")))?;
    match state.store.version(&draft.id, &id).await {
        Ok(v) => Ok(Some(v)),
        Err(StoreError::NotFound(_)) => Err(ApiError::NotFound(format!("no version {id} of draft {}", draft.id))),
        Err(e) => Err(e.into()),
    }
}

fn heads_of(version: &Option<VersionRecord>) -> Result<Option<Vec<ChangeHash>>, ApiError> {
    version
        .as_ref()
        .map(|v| v.change_hashes().map_err(|e| ApiError::internal("reading a version", e)))
        .transpose()
}

/// The document's current bytes, from its task (loading it if needed).
async fn snapshot(state: &AppState, draft: &DraftRecord) -> Result<Vec<u8>, ApiError> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    state
        .hub
        .send(&draft.doc_id, DocCommand::Snapshot { reply })
        .await
        .map_err(|_| ApiError::Unavailable)?;
    answer.await.map_err(|_| ApiError::internal("reading a draft", "its document could not be loaded"))
}

/// The delegation of every actor of the document that is bound to one.
async fn actor_owners(state: &AppState, bytes: &[u8]) -> Result<HashMap<String, Country>, ApiError> {
    let bytes = bytes.to_vec();
    let actors: Vec<String> = blocking(move || {
        let mut doc = Draft::load(&bytes).map_err(|e| ApiError::internal("loading a draft snapshot", e))?;
        let set: HashSet<String> = doc.actors().iter().map(ActorId::to_hex_string).collect();
        Ok(set.into_iter().collect())
    })
    .await?;
    let owners = state.store.actor_owners(&actors).await?;
    Ok(owners.into_iter().filter_map(|(actor, owner)| owner.country.map(|c| (actor, c))).collect())
}

async fn meeting_name(state: &AppState, draft: &DraftRecord, lang: Lang) -> Result<Option<String>, ApiError> {
    let Some(id) = &draft.meeting_id else { return Ok(None) };
    Ok(state.store.meetings().await?.into_iter().find(|m| &m.id == id).map(|m| match lang {
        Lang::En => m.name_en,
        Lang::Es => m.name_es,
    }))
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, ApiError> + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal("a blocking task failed", e))?
}

fn text(content_type: &'static str, body: String) -> Response {
    ([(CONTENT_TYPE, content_type)], body).into_response()
}

fn attachment(draft: &DraftRecord, lang: Lang, what: &str, bytes: Vec<u8>) -> Response {
    let name = format!("attachment; filename=\"{}-{}-{what}.docx\"", draft.id, lang.as_str());
    ([(CONTENT_TYPE, DOCX_TYPE.to_owned()), (CONTENT_DISPOSITION, name)], bytes).into_response()
}
