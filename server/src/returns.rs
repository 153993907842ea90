//! Word files brought back (`POST /api/drafts/{id}/returns`, `pluma return`): a returned
//! DOCX read by `pluma_core::returns` and its changes submitted to the document's task as
//! the returning delegation's, through the same permission rules and audit log as every
//! other proposal.
//!
//! ## Who the proposals are by
//! - A delegate (or chair) brings back their own delegation's file: the proposals are
//!   theirs, exactly as if typed in the browser.
//! - The secretariat brings back a delegation's file, naming the delegation: the proposals
//!   carry that delegation's country (its colour, its proposals to withdraw) and the
//!   secretariat person's user id, and the rules judge them as a delegate of that
//!   delegation would be judged (no direct edits, nothing in an agreed paragraph): the
//!   secretariat gains no right by acting for a delegation, and a delegation's proposals are
//!   never credited to a person of another. The audit entry names the secretariat person
//!   and, in its detail, `on_behalf_of` the delegation; the actor of the changes is bound to
//!   that person *with that delegation's country*, so the text is credited to the
//!   delegation.
//!
//! ## Nothing twice
//! A file already brought back for a delegation (same SHA-256) answers its earlier report.
//! Each change has a digest of what it is and what it was made against; a return claims
//! the digests of its changes in the database before making them (table
//! `word_return_changes`), so the same edits in another copy of the file, or two returns
//! racing, make each proposal once. A return that fails releases its claims; one left
//! pending by a crash releases them after [`STALE_AFTER_MS`].

use std::collections::HashSet;

use pluma_core::delegations::CountryNames;
use pluma_core::returns::{self, ApplyOptions, Plan, ReadOptions, ReturnError};
use pluma_core::{Country, Draft, Stamp};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::app_state::AppState;
use crate::error::ApiError;
use crate::ids::ReturnId;
use crate::model::{Conference, DraftRecord, Role, User};
use crate::routes::drafts::current_bytes;
use crate::routes::suggestions::submit_as;
use crate::store::{AuditAction, NewReturn};
use crate::time::now_ms;
use crate::validate::Principal;

/// A return still pending after this long was cut short (a crash): its claims go.
pub const STALE_AFTER_MS: i64 = 10 * 60 * 1000;
/// Saved versions a file without a source is matched against, newest first, after the
/// current text.
const CANDIDATE_VERSIONS: usize = 20;

/// What a return answers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReturnOut {
    /// The return.
    #[schema(value_type = String)]
    pub id: ReturnId,
    /// Whether this very file was brought back before for this delegation: nothing was
    /// made now, and `report` is that return's.
    pub already_returned: bool,
    /// Who brought it back, and for which delegation.
    pub brought_back_by: BroughtBackBy,
    /// What was made, paragraph by paragraph, and what was not and why.
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
}

/// Who brought a file back.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BroughtBackBy {
    /// The person.
    #[schema(value_type = String)]
    pub user: pluma_core::UserId,
    /// Their role.
    #[schema(value_type = String)]
    pub role: Role,
    /// The delegation whose proposals these are.
    #[schema(value_type = String)]
    pub on_behalf_of: Country,
}

/// The principal a return acts as: the person themselves for their own delegation, or the
/// secretariat person as a delegate of the delegation it brings the file back for.
pub async fn principal(
    state: &AppState,
    record: &DraftRecord,
    person: &User,
    country: Option<Country>,
) -> Result<(Principal, Country), ApiError> {
    match person.role {
        Role::Delegate | Role::Chair => {
            let own = person.country.clone().ok_or(ApiError::Forbidden("only a delegation brings back its own Word files"))?;
            if country.as_ref().is_some_and(|c| c != &own) {
                return Err(ApiError::Forbidden("a delegation brings back its own Word files; the secretariat brings back another's"));
            }
            Ok((Principal::from(person), own))
        }
        Role::Secretariat => {
            let country = country.ok_or_else(|| ApiError::Unprocessable("name the delegation whose file this is (as: PE)".into()))?;
            if let Some(meeting) = &record.meeting_id {
                let member =
                    state.store.delegations(meeting).await?.into_iter().any(|d| d.code == country && d.conference != Conference::Observer);
                if !member {
                    return Err(ApiError::Unprocessable(format!("{country} is not a member delegation of this draft's meeting")));
                }
            }
            Ok((Principal { user: person.id.clone(), role: Role::Delegate, country: Some(country.clone()) }, country))
        }
        Role::Observer | Role::Admin => Err(ApiError::Forbidden("observers and administrators do not bring back Word files")),
    }
}

fn refusal(e: ReturnError) -> ApiError {
    if e.is_input() { ApiError::Unprocessable(e.to_string()) } else { ApiError::internal("reading a returned Word file", e) }
}

/// Runs CPU work on the blocking pool within the return timeout.
async fn blocking<T: Send + 'static>(state: &AppState, f: impl FnOnce() -> Result<T, ApiError> + Send + 'static) -> Result<T, ApiError> {
    let limit = state.config.returns.return_timeout;
    match tokio::time::timeout(limit, tokio::task::spawn_blocking(f)).await {
        Ok(joined) => joined.map_err(|e| ApiError::internal("a blocking task failed", e))?,
        Err(_) => {
            Err(ApiError::Unprocessable(format!("reading this Word file took longer than {} s; it was not brought back", limit.as_secs())))
        }
    }
}

/// Brings back `file` for `country` (see the module docs); `person` is who sends it.
pub async fn bring_back(
    state: &AppState,
    record: &DraftRecord,
    person: &User,
    country: Option<Country>,
    file: Vec<u8>,
) -> Result<ReturnOut, ApiError> {
    let (who, country) = principal(state, record, person, country).await?;
    let settings = &state.config.returns;
    if file.len() > settings.max_return_bytes {
        return Err(ApiError::PayloadTooLarge(format!("the Word file is larger than {} bytes", settings.max_return_bytes)));
    }
    let by = BroughtBackBy { user: person.id.clone(), role: person.role, on_behalf_of: country.clone() };
    let digest = format!("{:x}", Sha256::digest(&file));
    if let Some(earlier) = state.store.return_of_file(&record.id, &digest, &country).await? {
        let report = serde_json::from_str(&earlier.report).map_err(|e| ApiError::internal("reading a stored return", e))?;
        return Ok(ReturnOut { id: earlier.id, already_returned: true, brought_back_by: by, report });
    }
    let plan = plan(state, record, &country, file).await?;
    let id = ReturnId::random();
    let now = now_ms();
    let digests: Vec<String> = plan.items.iter().map(|i| i.digest.clone()).collect();
    let new = NewReturn {
        id: id.clone(),
        draft: record.id.clone(),
        country: country.clone(),
        user: person.id.clone(),
        file_digest: digest.clone(),
        created_at: now,
    };
    let claimed: HashSet<String> = state.store.begin_return(&new, &digests, now - STALE_AFTER_MS).await?.into_iter().collect();
    let made = make(state, record, &who, plan, claimed, serde_json::json!({ "return": id, "file": digest }), now).await;
    let (report, kept) = match made {
        Ok(m) => m,
        Err(e) => {
            if let Err(error) = state.store.finish_return(&id, None, &[], now_ms()).await {
                tracing::error!(%error, "could not release a failed return's claims");
            }
            return Err(e);
        }
    };
    let report = serde_json::to_value(&report).map_err(|e| ApiError::internal("writing a return's report", e))?;
    state.store.finish_return(&id, Some(&report.to_string()), &kept, now_ms()).await?;
    tracing::info!(draft = %record.id, user = %person.login, %country, file = %digest, "brought back a Word file");
    Ok(ReturnOut { id, already_returned: false, brought_back_by: by, report })
}

/// Reads the file against the draft: which version, which changes.
async fn plan(state: &AppState, record: &DraftRecord, country: &Country, file: Vec<u8>) -> Result<Plan, ApiError> {
    let bytes = current_bytes(state, record).await?;
    let mut versions = state.store.versions(&record.id).await?;
    versions.reverse();
    let versions: Vec<_> = versions.into_iter().take(CANDIDATE_VERSIONS).filter_map(|v| v.change_hashes().ok()).collect();
    let limits = state.config.returns.limits();
    let timeout = state.config.returns.return_timeout;
    let (draft_id, country) = (record.id.to_string(), country.clone());
    blocking(state, move || {
        let deadline = std::time::Instant::now() + timeout / 2;
        let mut draft = Draft::load(&bytes).map_err(|e| ApiError::internal("loading a draft", e))?;
        let mut candidates = vec![draft.heads()];
        candidates.extend(versions);
        let names = CountryNames::builtin();
        let opts = ReadOptions {
            draft_id: Some(&draft_id),
            country: &country,
            names: &names,
            limits: &limits,
            candidates: &candidates,
            deadline: Some(deadline),
        };
        returns::read(&mut draft, &file, &opts).map_err(refusal)
    })
    .await
}

/// Places the claimed changes on the current text and submits them as `who`, with `note`
/// (the return and the file's digest) in the audit entry. Returns the report and the
/// digests of the changes made.
async fn make(
    state: &AppState,
    record: &DraftRecord,
    who: &Principal,
    plan: Plan,
    claimed: HashSet<String>,
    mut note: serde_json::Value,
    now: i64,
) -> Result<(pluma_core::returns::Report, Vec<String>), ApiError> {
    let bytes = current_bytes(state, record).await?;
    let skip: HashSet<String> = plan.items.iter().map(|i| i.digest.clone()).filter(|d| !claimed.contains(d)).collect();
    let country = who.country.clone().ok_or(ApiError::Internal)?;
    let stamp = Stamp { user: who.user.clone(), country, at: now };
    let rules = who.who();
    let (applied, heads) = blocking(state, move || {
        let mut draft = Draft::load(&bytes).map_err(|e| ApiError::internal("loading a draft", e))?;
        let applied = returns::apply(&mut draft, &plan, &ApplyOptions { by: &stamp, who: &rules, skip: &skip }).map_err(refusal)?;
        Ok((applied, plan.origin.heads.iter().map(ToString::to_string).collect::<Vec<_>>()))
    })
    .await?;
    if applied.changes.is_empty() {
        return Ok((applied.report, applied.made));
    }
    note["file_version"] = serde_json::json!(heads);
    note["on_behalf_of"] = serde_json::json!(who.country);
    note["proposals"] = serde_json::json!(applied.report.proposals.len());
    note["comments"] = serde_json::json!(applied.report.comments.len());
    note["not_placed"] = serde_json::json!(applied.report.not_placed.len());
    submit_as(state, record, who.clone(), applied.changes, AuditAction::WordReturned, Some(note)).await?;
    Ok((applied.report, applied.made))
}
