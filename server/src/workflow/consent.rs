//! The rules a silence procedure follows before it starts: it cannot replace the
//! Presidencies (ARCHITECTURE §5). Each refusal names its rule:
//! - `silence-presidency`: only a chair of a Pro-Tempore Presidency (PPT) delegation of the
//!   draft's meeting proposes a silence procedure or agrees to one;
//! - `silence-consent`: it starts only once every PPT of the meeting has consented (the
//!   proposer's delegation by proposing): with two PPTs, the other Presidency agrees;
//! - `silence-minimum-period`: its deadline is at least the meeting's minimum period after
//!   it starts (24 hours unless an administrator set another, `PATCH /api/meetings/{id}`).

use pluma_core::{Country, Draft};

use super::settled::{OverrideRecord, SettledOverride};
use super::{WorkflowError, blocking, out_of_concordance, out_of_concordance_phrase, ppt_countries};
use crate::model::{DraftRecord, Role, User};
use crate::store::{Store, WorkflowRecord};

/// The minimum period of a meeting that has not set one: 24 hours.
pub const DEFAULT_MINIMUM_MS: i64 = 24 * 3600 * 1000;

/// The acting person's PPT delegation and every PPT of the draft's meeting; refuses anyone
/// but a chair of a PPT delegation (`silence-presidency`). `act` says what they tried.
pub async fn ppt_chair(store: &dyn Store, who: &User, record: &DraftRecord, act: &str) -> Result<(Country, Vec<Country>), WorkflowError> {
    let ppt = ppt_countries(store, record).await?;
    if ppt.is_empty() {
        return Err(WorkflowError::State(format!(
            "rule silence-presidency: this draft belongs to no meeting with Pro-Tempore Presidencies, so nobody {act}"
        )));
    }
    match (who.role, &who.country) {
        (Role::Chair, Some(c)) if ppt.contains(c) => Ok((c.clone(), ppt)),
        _ => Err(WorkflowError::Rule(format!(
            "rule silence-presidency: only the chair of a Pro-Tempore Presidency ({}) {act}; a silence procedure cannot replace the Presidencies",
            ppt.iter().map(Country::as_str).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// The minimum silence period of the draft's meeting, in milliseconds.
pub async fn minimum_period(store: &dyn Store, record: &DraftRecord) -> Result<i64, WorkflowError> {
    match &record.meeting_id {
        Some(meeting) => Ok(store.silence_minimum(meeting).await?),
        None => Ok(DEFAULT_MINIMUM_MS),
    }
}

/// A period in words: "24 h", "90 min", "30 s".
pub fn period_phrase(ms: i64) -> String {
    let secs = ms / 1000;
    if secs % 3600 == 0 && secs > 0 {
        format!("{} h", secs / 3600)
    } else if secs % 60 == 0 && secs > 0 {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} s")
    }
}

/// Refuses a deadline sooner than `minimum` after `now` (`silence-minimum-period`).
pub fn check_deadline(deadline: i64, now: i64, minimum: i64) -> Result<(), String> {
    if deadline < now.saturating_add(minimum) {
        return Err(format!(
            "rule silence-minimum-period: the deadline {} is less than this meeting's minimum silence period ({}) from now: give a deadline at or after {}",
            super::deadline::utc_display(deadline),
            period_phrase(minimum),
            super::deadline::utc_display(now.saturating_add(minimum))
        ));
    }
    Ok(())
}

/// Refuses a text already adopted, or under a running procedure (409).
pub fn check_workflow(workflow: &WorkflowRecord) -> Result<(), WorkflowError> {
    if let Some(a) = &workflow.adoption {
        return Err(WorkflowError::State(format!("the text was already adopted on {}", super::deadline::utc_display(a.adopted_at))));
    }
    if let Some(s) = workflow.running_silence() {
        return Err(WorkflowError::State(format!(
            "a silence procedure is already running until {}",
            super::deadline::utc_display(s.deadline)
        )));
    }
    Ok(())
}

/// Refuses a text that is not settled unless a chair's `settled` decision covers it (see
/// [`super::settled`]), or with paragraphs out of concordance unless an override was given
/// (409): the silence could not adopt it. Returns the settled decision's record, if one was
/// needed.
pub async fn check_text(
    bytes: Vec<u8>,
    overridden: bool,
    settled: Option<SettledOverride>,
) -> Result<Option<OverrideRecord>, WorkflowError> {
    let (record, unconcordant) = blocking(move || {
        let mut draft = Draft::load(&bytes).map_err(|e| WorkflowError::internal("loading a held draft", e))?;
        let record = super::settled::check(&mut draft, settled.as_ref(), "put under silence")?;
        let unconcordant = out_of_concordance(&mut draft).map_err(|e| WorkflowError::internal("checking concordance", e))?;
        Ok::<_, WorkflowError>((record, unconcordant))
    })
    .await?;
    if !unconcordant.is_empty() && !overridden {
        return Err(WorkflowError::State(format!(
            "{}, so the silence could not adopt the text: the secretariat confirms them first, or give concordance_override with a reason",
            out_of_concordance_phrase(&unconcordant)
        )));
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default period is a day; a deadline exactly the period away passes, a second
    /// less is refused naming the rule and the period.
    #[test]
    fn deadlines_respect_the_minimum_period() {
        let now = 1_638_313_200_000;
        assert_eq!(period_phrase(DEFAULT_MINIMUM_MS), "24 h");
        assert_eq!(period_phrase(90 * 60 * 1000), "90 min");
        assert_eq!(period_phrase(2000), "2 s");
        assert!(check_deadline(now + DEFAULT_MINIMUM_MS, now, DEFAULT_MINIMUM_MS).is_ok());
        let refused = check_deadline(now + DEFAULT_MINIMUM_MS - 1000, now, DEFAULT_MINIMUM_MS).unwrap_err();
        assert!(refused.starts_with("rule silence-minimum-period") && refused.contains("(24 h)"), "{refused}");
    }
}
