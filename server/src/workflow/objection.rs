//! Breaking a silence procedure: a delegation (a delegate or a chair, not observers or
//! staff) objects in writing, strictly before the deadline, and the text unfreezes. After
//! the deadline the objection is refused, also when it arrives in the same instant as the
//! timer ([`crate::store::ObjectionOutcome`] decides that in the database).

use pluma_core::Country;

use super::deadline::utc_display;
use super::view::WorkflowState;
use super::{WorkflowError, heads_hex, hold, ppt_countries};
use crate::app_state::AppState;
use crate::ids::ObjectionId;
use crate::model::{DraftRecord, Role, User};
use crate::store::{AuditAction, AuditEntry, ObjectionOutcome, ObjectionRecord, SilenceRecord, SilenceState, WorkflowRecord};
use crate::time::now_ms;

/// What an objection did.
#[derive(Debug)]
pub struct Broken {
    /// The objection recorded.
    pub objection: ObjectionRecord,
    /// The procedure it broke, as it stands now.
    pub silence: SilenceRecord,
    /// Where the workflow stands now.
    pub workflow: WorkflowState,
}

/// Breaks the draft's running silence procedure with `who`'s objection `text` (trimmed,
/// checked as input). Waits for the document's task to hold the text.
pub async fn object(state: &AppState, who: &User, record: &DraftRecord, text: String) -> Result<Broken, WorkflowError> {
    let country = objector(who)?;
    let workflow = state.store.workflow(&record.id).await?;
    let now = now_ms();
    let running = running(&workflow, now)?;

    let held = hold(state, record).await?;
    let objection = ObjectionRecord {
        id: ObjectionId::random(),
        silence_id: running.id.clone(),
        user: who.id.clone(),
        country: country.clone(),
        body: text.clone(),
        created_at: now,
    };
    let audit = [AuditEntry {
        user: Some(who.id.clone()),
        country: Some(country.clone()),
        draft: Some(record.id.clone()),
        action: AuditAction::SilenceBroken,
        detail: serde_json::json!({ "silence": running.id, "objection": objection.id, "text": text, "deadline": running.deadline }),
    }];
    let outcome = state.store.record_objection(&objection, &audit, now).await?;
    let heads = heads_hex(&held.heads);
    drop(held);
    match outcome {
        ObjectionOutcome::Broke => {}
        ObjectionOutcome::TooLate(deadline) => return Err(too_late(deadline)),
        ObjectionOutcome::NotRunning(state) => {
            return Err(WorkflowError::State(format!("the silence procedure is no longer running (it is {})", state.as_str())));
        }
    }
    tracing::info!(draft = %record.id, silence = %running.id, %country, "silence broken by an objection");
    let ppt = ppt_countries(state.store.as_ref(), record).await?;
    let record_now = state.store.workflow(&record.id).await?;
    let silence = record_now.silences.iter().find(|s| s.id == running.id).cloned().unwrap_or(running);
    let workflow = WorkflowState::new(record_now, &ppt, heads);
    Ok(Broken { objection, silence, workflow })
}

/// The delegation `who` objects for: delegates and chairs only.
fn objector(who: &User) -> Result<Country, WorkflowError> {
    match (who.role, &who.country) {
        (Role::Delegate | Role::Chair, Some(c)) => Ok(c.clone()),
        _ => Err(WorkflowError::NotEntitled("only a delegation (a delegate or a chair) objects; observers and staff do not")),
    }
}

/// The procedure running at `now`, or why there is none to object to.
fn running(workflow: &WorkflowRecord, now: i64) -> Result<SilenceRecord, WorkflowError> {
    let Some(running) = workflow.running_silence().cloned() else {
        return Err(WorkflowError::State(match workflow.silences.last() {
            Some(s) if now >= s.deadline && matches!(s.state, SilenceState::Adopted | SilenceState::Lapsed) => format!(
                "the deadline passed at {}: objections are no longer accepted ({})",
                utc_display(s.deadline),
                s.outcome.as_deref().unwrap_or(s.state.as_str())
            ),
            Some(s) => {
                format!("no silence procedure is running: the last one ended ({})", s.outcome.as_deref().unwrap_or(s.state.as_str()))
            }
            None => "no silence procedure is running for this draft".to_owned(),
        }));
    };
    if now >= running.deadline {
        return Err(too_late(running.deadline));
    }
    Ok(running)
}

/// The refusal of an objection at or after the deadline.
fn too_late(deadline: i64) -> WorkflowError {
    WorkflowError::State(format!("the deadline passed at {}: objections are no longer accepted", utc_display(deadline)))
}

#[cfg(test)]
mod tests;
