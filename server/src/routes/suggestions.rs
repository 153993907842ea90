//! `POST /api/drafts/{id}/suggestions/{accept|reject|withdraw}`: acting on proposals on the
//! server. The server takes the document's current state, makes the change with a fresh
//! actor on the requesting person's behalf, and submits it to the document's task, which
//! checks it against the same permission rules as a peer's change, stores it, applies it and
//! forwards it to every connected delegation.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use pluma_core::{Country, Draft, ParagraphId, Proposal, Selection, Suggestion, SuggestionId};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use super::ApiJson;
use super::drafts::{current_bytes, find_draft};
use crate::app_state::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::model::{DraftRecord, Role};
use crate::store::AuditAction;
use crate::sync::{DocCommand, SubmitError};
use crate::validate::Principal;

/// Which proposals: exactly one of the four fields.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectionIn {
    /// These proposals, by id.
    #[serde(default)]
    pub ids: Option<Vec<String>>,
    /// Every pending proposal of one country (ISO code, e.g. `MX`).
    #[serde(default)]
    pub country: Option<String>,
    /// Every pending proposal in one paragraph.
    #[serde(default)]
    pub paragraph: Option<String>,
    /// Every pending proposal (`true`).
    #[serde(default)]
    pub all: Option<bool>,
}

impl SelectionIn {
    fn parse(self) -> Result<Selection, ApiError> {
        let bad = |what: &str, e: &dyn std::fmt::Display| ApiError::Unprocessable(format!("{what}: {e}"));
        match (self.ids, self.country, self.paragraph, self.all) {
            (Some(ids), None, None, None) => {
                if ids.is_empty() {
                    return Err(ApiError::Unprocessable("ids is empty: name at least one proposal".into()));
                }
                let ids = ids.iter().map(|i| i.parse::<SuggestionId>().map_err(|e| bad("ids", &e))).collect::<Result<Vec<_>, _>>()?;
                Ok(Selection::Ids(ids))
            }
            (None, Some(c), None, None) => Ok(Selection::Country(c.parse::<Country>().map_err(|e| bad("country", &e))?)),
            (None, None, Some(p), None) => Ok(Selection::Paragraph(p.parse::<ParagraphId>().map_err(|e| bad("paragraph", &e))?)),
            (None, None, None, Some(true)) => Ok(Selection::All),
            (None, None, None, Some(false)) => Err(ApiError::Unprocessable("all must be true when given".into())),
            _ => Err(ApiError::Unprocessable("give exactly one of ids, country, paragraph or all".into())),
        }
    }
}

/// What was done.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Acted {
    /// The proposals acted on, whole, as they stood before (empty when the selection matched
    /// none).
    #[schema(value_type = Vec<Object>)]
    pub proposals: Vec<Proposal>,
    /// The text parts of those proposals (their insertions and deletions).
    #[schema(value_type = Vec<Object>)]
    pub suggestions: Vec<Suggestion>,
}

impl Acted {
    fn of(proposals: Vec<Proposal>) -> Acted {
        let suggestions = proposals.iter().flat_map(|p| p.parts.iter().cloned()).collect();
        Acted { proposals, suggestions }
    }
}

/// The three actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Accept,
    Reject,
    Withdraw,
}

impl Action {
    fn audit(self) -> AuditAction {
        match self {
            Action::Accept => AuditAction::ProposalsAccepted,
            Action::Reject => AuditAction::ProposalsRejected,
            Action::Withdraw => AuditAction::ProposalsWithdrawn,
        }
    }
}

/// The pending proposals.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Pending {
    /// Every pending proposal, whole (a replacement with its counterpart is one; so is a
    /// new, deleted or moved paragraph), in reading order of paragraphs.
    #[schema(value_type = Vec<Object>)]
    pub proposals: Vec<Proposal>,
    /// Their text parts: every pending insertion and deletion, in reading order of
    /// paragraphs, English before Spanish.
    #[schema(value_type = Vec<Object>)]
    pub suggestions: Vec<Suggestion>,
}

/// Lists the draft's pending proposals (any signed-in person).
#[utoipa::path(get, path = "/api/drafts/{id}/suggestions", tag = "proposals",
    params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$")),
    responses((status = 200, body = Pending), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody)))]
pub async fn list(State(state): State<AppState>, _who: CurrentUser, Path(id): Path<String>) -> Result<Json<Pending>, ApiError> {
    let record = find_draft(&state, &id).await?;
    let mut draft = current_draft(&state, &record).await?;
    let suggestions = draft.suggestions().map_err(|e| ApiError::internal("listing proposals", e))?;
    let proposals = draft.proposals().map_err(|e| ApiError::internal("listing proposals", e))?;
    Ok(Json(Pending { proposals, suggestions }))
}

/// Accepts proposals (chairs and the secretariat).
#[utoipa::path(post, path = "/api/drafts/{id}/suggestions/accept", tag = "proposals",
    params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$")),
    request_body = SelectionIn,
    responses((status = 200, body = Acted), (status = 400, body = crate::error::ErrorBody), (status = 415, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody)))]
pub async fn accept(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SelectionIn>,
) -> Result<Json<Acted>, ApiError> {
    act(&state, &who, &id, body, Action::Accept).await
}

/// Rejects proposals (chairs and the secretariat).
#[utoipa::path(post, path = "/api/drafts/{id}/suggestions/reject", tag = "proposals",
    params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$")),
    request_body = SelectionIn,
    responses((status = 200, body = Acted), (status = 400, body = crate::error::ErrorBody), (status = 415, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody)))]
pub async fn reject(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SelectionIn>,
) -> Result<Json<Acted>, ApiError> {
    act(&state, &who, &id, body, Action::Reject).await
}

/// Withdraws the requesting delegation's own proposals.
#[utoipa::path(post, path = "/api/drafts/{id}/suggestions/withdraw", tag = "proposals",
    params(("id" = String, Path, description = "draft id", pattern = "^d[0-9a-f]{16}$")),
    request_body = SelectionIn,
    responses((status = 200, body = Acted), (status = 400, body = crate::error::ErrorBody), (status = 415, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SelectionIn>,
) -> Result<Json<Acted>, ApiError> {
    act(&state, &who, &id, body, Action::Withdraw).await
}

async fn act(state: &AppState, who: &CurrentUser, id: &str, body: SelectionIn, action: Action) -> Result<Json<Acted>, ApiError> {
    let record = find_draft(state, id).await?;
    let selection = body.parse()?;
    // Early, friendly refusals; the rules below are what actually decide.
    let country = match action {
        Action::Accept | Action::Reject => {
            if !matches!(who.user.role, Role::Chair | Role::Secretariat) {
                return Err(ApiError::Forbidden("only the chairs and the secretariat accept or reject proposals"));
            }
            None
        }
        Action::Withdraw => match (&who.user.role, &who.user.country) {
            (Role::Delegate | Role::Chair, Some(c)) => Some(c.clone()),
            _ => return Err(ApiError::Forbidden("only a delegation withdraws its own proposals")),
        },
    };
    if let (Some(own), Selection::Country(other)) = (&country, &selection)
        && own != other
    {
        return Err(ApiError::Refused(format!(
            "a delegation withdraws only its own proposals: those of {other} are not {own}'s to withdraw"
        )));
    }

    let mut draft = current_draft(state, &record).await?;
    let before = draft.heads();
    let unknown = |e: pluma_core::DraftError| match e {
        pluma_core::DraftError::UnknownSuggestion(id) => ApiError::NotFound(format!("no pending proposal {id} in this draft")),
        pluma_core::DraftError::UnknownParagraph(id) => ApiError::NotFound(format!("no paragraph {id} in this draft")),
        pluma_core::DraftError::NotProposer { .. } => ApiError::Refused(e.to_string()),
        e => ApiError::internal("acting on proposals", e),
    };
    let proposals = match (action, &country) {
        (Action::Accept, _) => draft.accept(&selection).map_err(unknown)?,
        (Action::Reject, _) => draft.reject(&selection).map_err(unknown)?,
        (Action::Withdraw, Some(c)) => draft.withdraw(c, &selection).map_err(unknown)?,
        (Action::Withdraw, None) => return Err(ApiError::Forbidden("only a delegation withdraws its own proposals")),
    };
    if proposals.is_empty() {
        return Ok(Json(Acted::of(proposals)));
    }
    let changes = draft.changes_since(&before);
    submit(state, &record, who, changes, action.audit()).await?;
    tracing::info!(draft = %record.id, user = %who.user.login, count = proposals.len(), ?action, "acted on proposals");
    Ok(Json(Acted::of(proposals)))
}

/// The document as its task holds it now (loading it if needed), as a `Draft` with a fresh
/// actor.
pub(crate) async fn current_draft(state: &AppState, record: &DraftRecord) -> Result<Draft, ApiError> {
    let bytes = current_bytes(state, record).await?;
    Draft::load(&bytes).map_err(|e| ApiError::internal("reading a stored draft", e))
}

/// Hands changes made on `who`'s behalf to the document's task and waits until they are
/// stored and applied, or refused.
pub(crate) async fn submit(
    state: &AppState,
    record: &DraftRecord,
    who: &CurrentUser,
    changes: Vec<automerge::Change>,
    action: AuditAction,
) -> Result<pluma_core::rules::Summary, ApiError> {
    submit_noted(state, record, who, changes, action, None).await
}

/// [`submit`] with more for the audit entry (`note`: a reason, a paragraph).
pub(crate) async fn submit_noted(
    state: &AppState,
    record: &DraftRecord,
    who: &CurrentUser,
    changes: Vec<automerge::Change>,
    action: AuditAction,
    note: Option<serde_json::Value>,
) -> Result<pluma_core::rules::Summary, ApiError> {
    submit_as(state, record, Principal::from(&who.user), changes, action, note).await
}

/// [`submit_noted`] for a principal other than the requesting person as they are: the
/// secretariat bringing back a delegation's Word file acts with that delegation's country
/// and a delegate's rights ([`crate::returns`]).
pub(crate) async fn submit_as(
    state: &AppState,
    record: &DraftRecord,
    who: Principal,
    changes: Vec<automerge::Change>,
    action: AuditAction,
    note: Option<serde_json::Value>,
) -> Result<pluma_core::rules::Summary, ApiError> {
    let (reply, answer) = oneshot::channel();
    let who = Arc::new(who);
    state.hub.send(&record.doc_id, DocCommand::Submit { who, changes, action, note, reply }).await.map_err(|_| ApiError::Unavailable)?;
    match answer.await {
        Ok(Ok(summary)) => Ok(summary),
        Ok(Err(SubmitError::Refused(reason))) => Err(ApiError::Refused(reason)),
        Ok(Err(SubmitError::Locked(reason))) => Err(ApiError::Conflict(reason)),
        Ok(Err(SubmitError::NotStored)) | Err(_) => Err(ApiError::Unavailable),
    }
}
