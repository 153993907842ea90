//! What the document task keeps of the workflow (ARCHITECTURE §5): the outcome of its
//! decisions, read from the database, that refuses changes to an adopted text or a text
//! under a silence procedure, and finds the approvals a change makes stale. The decisions
//! themselves are taken above the sync layer (`crate::workflow`), which reads this type;
//! the sync layer depends on nothing above it.

use crate::ids::ApprovalId;
use crate::store::{AdoptionRecord, ApprovalRecord, SilenceRecord, WorkflowRecord};
use crate::time::utc_display;

/// What the document task keeps of the workflow: enough to refuse changes and to void
/// approvals without asking the database on every change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lock {
    adopted: Option<AdoptionRecord>,
    silence: Option<SilenceRecord>,
    approvals: Vec<ApprovalRecord>,
}

impl Lock {
    /// The lock a draft's stored workflow puts on its text.
    pub fn from_record(record: &WorkflowRecord) -> Lock {
        Lock {
            adopted: record.adoption.clone(),
            silence: record.running_silence().cloned(),
            approvals: record.live_approvals().cloned().collect(),
        }
    }

    /// Why no change is accepted now, or `None` when changes may go on.
    pub fn refusal(&self) -> Option<String> {
        if let Some(a) = &self.adopted {
            return Some(format!(
                "the text was adopted on {} (certified fingerprint {}): it is locked and accepts no further change",
                utc_display(a.adopted_at),
                a.fingerprint
            ));
        }
        self.silence.as_ref().map(|s| {
            format!(
                "the text is under a silence procedure until {}: it is frozen and accepts no change until the silence is broken or ends",
                utc_display(s.deadline)
            )
        })
    }

    /// The live approvals of heads other than `heads` (hex).
    pub fn stale_approvals(&self, heads: &[String]) -> Vec<ApprovalRecord> {
        self.approvals.iter().filter(|a| !same_heads(&a.heads, heads)).cloned().collect()
    }

    /// Drops approvals that were voided.
    pub fn forget_approvals<'a>(&mut self, ids: impl Iterator<Item = &'a ApprovalId>) {
        let ids: Vec<&ApprovalId> = ids.collect();
        self.approvals.retain(|a| !ids.contains(&&a.id));
    }
}

/// Whether two sets of heads (hex) are the same, in any order.
pub fn same_heads(a: &[String], b: &[String]) -> bool {
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort();
    b.sort();
    a == b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DraftId, SilenceId};
    use crate::store::SilenceState;

    fn approval(country: &str, heads: &[&str]) -> ApprovalRecord {
        ApprovalRecord {
            id: ApprovalId::random(),
            draft_id: DraftId::random(),
            country: country.parse().unwrap(),
            user: pluma_core::UserId::random(),
            heads: heads.iter().map(|h| (*h).to_owned()).collect(),
            version_id: None,
            created_at: 1,
            voided_at: None,
            void_reason: None,
        }
    }

    /// An adopted text is refused naming its fingerprint; a running silence naming its
    /// deadline; otherwise changes go on. Approvals of other heads (in any order) are stale.
    #[test]
    fn the_lock_says_why_and_finds_stale_approvals() {
        let mut record = WorkflowRecord { approvals: vec![approval("MX", &["b", "a"]), approval("AR", &["c"])], ..Default::default() };
        let lock = Lock::from_record(&record);
        assert_eq!(lock.refusal(), None);
        let stale = lock.stale_approvals(&["a".to_owned(), "b".to_owned()]);
        assert_eq!(stale.iter().map(|a| a.country.as_str()).collect::<Vec<_>>(), ["AR"]);

        record.silences.push(SilenceRecord {
            id: SilenceId::random(),
            draft_id: DraftId::random(),
            heads: vec![],
            version_id: None,
            deadline: 1_638_313_200_000,
            state: SilenceState::Running,
            started_by: None,
            country: None,
            concordance_override: None,
            settled_override: None,
            started_at: 0,
            ended_at: None,
            outcome: None,
        });
        let frozen = Lock::from_record(&record).refusal().unwrap();
        assert!(frozen.contains("silence") && frozen.contains("2021-11-30 23:00 UTC"), "{frozen}");

        record.adoption = Some(AdoptionRecord {
            draft_id: DraftId::random(),
            heads: vec![],
            fingerprint: "f00d".into(),
            version_id: None,
            how: "approvals".into(),
            silence_id: None,
            concordance_override: None,
            settled_override: None,
            adopted_at: 0,
        });
        let locked = Lock::from_record(&record).refusal().unwrap();
        assert!(locked.contains("adopted") && locked.contains("f00d"), "{locked}");
    }
}
