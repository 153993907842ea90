//! The deadline timer of `pluma serve`: it applies every due silence procedure at start-up
//! (a deadline that passed while the server was down) and then as each deadline comes.
//!
//! Deadlines live in the database. The timer wakes at the earliest running deadline, when
//! this process starts a procedure ([`crate::app_state::AppState::silence_timer`]), and at
//! least every [`POLL`] (for procedures other processes started). Each due procedure is
//! applied with the document held: adopted through [`super::adoption`] (which claims the
//! procedure in the adoption's transaction), or, when adoption is refused, lapsed (claimed
//! the same way). A procedure another process claimed first is left alone, so each fires
//! exactly once.

use std::time::Duration;

use super::WorkflowError;
use super::adoption::{self, How, Outcome};
use super::{heads_hex, hold, out_of_concordance_phrase};
use crate::app_state::AppState;
use crate::store::{AuditAction, AuditEntry, SilenceRecord};
use crate::time::now_ms;

/// The longest the timer sleeps without looking at the database.
pub const POLL: Duration = Duration::from_secs(15);
/// After a failure, how soon the timer tries again.
const RETRY: Duration = Duration::from_secs(2);

/// Starts the timer; it ends when the server shuts down.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(run(state))
}

async fn run(state: AppState) {
    let shutdown = state.hub.shared().shutdown.clone();
    loop {
        let mut wait = POLL;
        match fire_due(&state).await {
            Ok(_) => match state.store.next_silence_deadline().await {
                Ok(Some(next)) => {
                    let ms = u64::try_from(next.saturating_sub(now_ms()).max(0)).unwrap_or(0);
                    wait = wait.min(Duration::from_millis(ms));
                }
                Ok(None) => {}
                Err(error) => {
                    tracing::error!(%error, "silence timer: could not read the next deadline");
                    wait = RETRY;
                }
            },
            Err(error) => {
                tracing::error!(%error, "silence timer: applying due procedures failed; retrying");
                wait = RETRY;
            }
        }
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = state.silence_timer.notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

/// Applies every due procedure; returns how many this process applied.
pub async fn fire_due(state: &AppState) -> Result<usize, WorkflowError> {
    let due = state.store.due_silences(now_ms()).await?;
    let mut applied = 0;
    for silence in due {
        match fire(state, &silence).await {
            Ok(true) => applied += 1,
            Ok(false) => {}
            Err(error) => tracing::error!(silence = %silence.id, %error, "could not apply a due silence procedure"),
        }
    }
    Ok(applied)
}

/// Applies one due procedure: adopts the text, or lapses the procedure saying why.
/// `false` when another process had already applied it.
async fn fire(state: &AppState, silence: &SilenceRecord) -> Result<bool, WorkflowError> {
    let record = state.store.draft(&silence.draft_id).await?;
    let held = hold(state, &record).await?;
    let heads = heads_hex(&held.heads);
    let lapse_reason = if !super::same_heads(&heads, &silence.heads) {
        // The text is frozen during the procedure, so this means a change slipped in
        // through another process; adopting another text than the one under silence
        // would be wrong.
        Some("the text changed during the silence procedure; it was not adopted".to_owned())
    } else {
        match adoption::adopt(
            state.store.as_ref(),
            &record,
            &held,
            How::Silence(silence.id.clone()),
            adoption::Overrides {
                concordance: silence.concordance_override.clone(),
                settled: silence.settled_override.as_deref().and_then(|json| serde_json::from_str(json).ok()),
            },
            None,
        )
        .await?
        {
            Outcome::Adopted(_) => return Ok(true),
            Outcome::NotHere => return Ok(false),
            Outcome::Blocked(list) => {
                Some(format!("the deadline passed without objection, but {}; the text was not adopted", out_of_concordance_phrase(&list)))
            }
        }
    };
    let reason = lapse_reason.unwrap_or_default();
    let audit = [AuditEntry {
        user: None,
        country: None,
        draft: Some(record.id.clone()),
        action: AuditAction::SilenceLapsed,
        detail: serde_json::json!({ "silence": silence.id, "reason": reason, "deadline": silence.deadline }),
    }];
    let lapsed = state.store.lapse_silence(&silence.id, &reason, &audit, now_ms()).await?;
    if lapsed {
        tracing::info!(draft = %record.id, silence = %silence.id, %reason, "silence procedure lapsed");
    }
    drop(held);
    Ok(lapsed)
}
