//! The approval of the text by a chair of a Pro-Tempore Presidency (PPT): it approves the
//! text as it stands (its heads; a version is saved). When every PPT of the draft's meeting
//! has approved the same heads, the text is adopted ([`super::adoption`]) — unless
//! paragraphs are out of concordance and no chair gave a concordance override. A text that
//! is not settled is approved only by a chair's settled override ([`super::settled`]).
//!
//! The decision runs with the document held (see [`crate::workflow`]): no change can slip
//! between reading the heads and recording the approval or the adoption.

use pluma_core::{Country, Draft};
use serde::Serialize;

use super::adoption::{self, How, Outcome};
use super::settled::{self, OverrideRecord, SettledOverride};
use super::view::WorkflowState;
use super::{
    Unconcordant, WorkflowError, auto_version, blocking, deadline, heads_hex, hold, out_of_concordance_phrase, ppt_countries, same_heads,
};
use crate::app_state::AppState;
use crate::ids::ApprovalId;
use crate::model::{DraftRecord, User};
use crate::store::{ApprovalRecord, AuditAction, AuditEntry, WorkflowRecord};
use crate::time::now_ms;

/// What a chair asks for when approving.
#[derive(Debug, Default)]
pub struct Request {
    /// The heads the chair read (hex); the approval is refused if the text changed since.
    pub heads: Option<Vec<String>>,
    /// A reason to adopt although paragraphs are out of concordance (already checked as
    /// input).
    pub concordance_override: Option<String>,
    /// A decision to approve (and adopt) a text that is not settled.
    pub settled_override: Option<SettledOverride>,
}

/// Why adoption waits.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AdoptionBlocked {
    /// In words.
    pub reason: String,
    /// The paragraphs out of concordance.
    pub paragraphs: Vec<Unconcordant>,
}

/// What came of an approval.
#[derive(Debug)]
pub struct Approved {
    /// The approval (a repeated approval of the same heads gives the first).
    pub approval: ApprovalRecord,
    /// Whether this request recorded it (`false`: it was already there).
    pub recorded: bool,
    /// Whether this approval adopted the text.
    pub adopted: bool,
    /// When every PPT approved but concordance stopped adoption.
    pub adoption_blocked: Option<AdoptionBlocked>,
    /// Where the workflow stands now.
    pub workflow: WorkflowState,
}

/// The only people who approve.
const ONLY_PPT_CHAIRS: &str = "only the chair of a Pro-Tempore Presidency approves the text";

/// Approves the draft's text for `who`'s delegation, and adopts it when every PPT has
/// approved these heads. Waits for the document's task to hold the text.
pub async fn approve(state: &AppState, who: &User, record: &DraftRecord, request: Request) -> Result<Approved, WorkflowError> {
    let ppt = ppt_countries(state.store.as_ref(), record).await?;
    let country = approver(who, &ppt)?;
    let held = hold(state, record).await?;
    let heads = heads_hex(&held.heads);
    check_read(request.heads.as_deref(), &heads)?;
    let workflow = state.store.workflow(&record.id).await?;
    check_not_adopted(&workflow)?;
    let bytes = held.bytes.clone();
    let over = request.settled_override;
    let settled_override = blocking(move || {
        let mut draft = Draft::load(&bytes).map_err(|e| WorkflowError::internal("loading a held draft", e))?;
        settled::check(&mut draft, over.as_ref(), "approved")
    })
    .await?;
    let existing = workflow.live_approvals().find(|a| a.country == country && same_heads(&a.heads, &heads)).cloned();
    let recorded = existing.is_none();
    let approval = match existing {
        Some(a) => a,
        None => record_approval(state, who, record, &country, &heads, settled_override.as_ref()).await?,
    };

    // Adopted when every PPT has a live approval of exactly these heads.
    let approved = |c: &Country| c == &country || workflow.live_approvals().any(|a| &a.country == c && same_heads(&a.heads, &heads));
    let mut adopted = false;
    let mut adoption_blocked = None;
    if ppt.iter().all(approved) {
        let overrides = adoption::Overrides { concordance: request.concordance_override, settled: settled_override };
        match adoption::adopt(state.store.as_ref(), record, &held, How::Approvals, overrides, Some(who)).await? {
            Outcome::Adopted(_) => adopted = true,
            Outcome::NotHere => {}
            Outcome::Blocked(paragraphs) => {
                let entry = adoption::refused_entry(record, Some(who), &paragraphs, "both approvals");
                state.store.append_audit(&[entry], now_ms()).await?;
                adoption_blocked = Some(AdoptionBlocked {
                    reason: format!(
                        "every Pro-Tempore Presidency approved, but {}: the secretariat confirms them, or a chair approves again with concordance_override and a reason",
                        out_of_concordance_phrase(&paragraphs)
                    ),
                    paragraphs,
                });
            }
        }
    }
    drop(held);
    let workflow = WorkflowState::new(state.store.workflow(&record.id).await?, &ppt, heads);
    Ok(Approved { approval, recorded, adopted, adoption_blocked, workflow })
}

/// Records a new approval of `heads` with its version and audit entry.
async fn record_approval(
    state: &AppState,
    who: &User,
    record: &DraftRecord,
    country: &Country,
    heads: &[String],
    settled_override: Option<&OverrideRecord>,
) -> Result<ApprovalRecord, WorkflowError> {
    let now = now_ms();
    let version = auto_version(record, format!("Approved by {country}"), heads, Some(who), now);
    let approval = ApprovalRecord {
        id: ApprovalId::random(),
        draft_id: record.id.clone(),
        country: country.clone(),
        user: who.id.clone(),
        heads: heads.to_vec(),
        version_id: Some(version.id.clone()),
        created_at: now,
        voided_at: None,
        void_reason: None,
    };
    let audit = [AuditEntry {
        user: Some(who.id.clone()),
        country: Some(country.clone()),
        draft: Some(record.id.clone()),
        action: AuditAction::ApprovalGiven,
        detail: serde_json::json!({ "approval": approval.id, "heads": heads, "version": version.id, "settled_override": settled_override }),
    }];
    state.store.record_approval(&approval, &version, &audit, now).await?;
    tracing::info!(draft = %record.id, %country, user = %who.login, "approved");
    Ok(approval)
}

/// The delegation `who` approves for: a chair of one of the meeting's PPTs (`ppt`).
fn approver(who: &User, ppt: &[Country]) -> Result<Country, WorkflowError> {
    let country = match (who.role, &who.country) {
        (crate::model::Role::Chair, Some(c)) => c.clone(),
        _ => return Err(WorkflowError::NotEntitled(ONLY_PPT_CHAIRS)),
    };
    if ppt.is_empty() {
        return Err(WorkflowError::State(
            "this draft belongs to no meeting with Pro-Tempore Presidencies, so nobody can approve it".into(),
        ));
    }
    if !ppt.contains(&country) {
        return Err(WorkflowError::NotEntitled(ONLY_PPT_CHAIRS));
    }
    Ok(country)
}

/// Refuses when the chair read other heads than the text's `heads`.
fn check_read(read: Option<&[String]>, heads: &[String]) -> Result<(), WorkflowError> {
    match read {
        Some(read) if !same_heads(read, heads) => Err(WorkflowError::State(format!(
            "the text changed since you read it; its heads are now {}: read it again before approving",
            heads.join(" ")
        ))),
        _ => Ok(()),
    }
}

/// Refuses an adopted text.
fn check_not_adopted(workflow: &WorkflowRecord) -> Result<(), WorkflowError> {
    match &workflow.adoption {
        Some(a) => Err(WorkflowError::State(format!(
            "the text was already adopted on {} (certified fingerprint {})",
            deadline::utc_display(a.adopted_at),
            a.fingerprint
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
