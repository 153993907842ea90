//! Records for the unit tests of the workflow's decisions: a person, a silence procedure,
//! an adoption, with only what a test varies as arguments.

use crate::ids::{DraftId, SilenceId};
use crate::model::{Role, User};
use crate::store::{AdoptionRecord, SilenceRecord, SilenceState};

/// A person of `role` in `country`'s delegation (none for an administrator).
pub fn user(role: Role, country: Option<&str>) -> User {
    User {
        id: pluma_core::UserId::random(),
        login: "someone".into(),
        display_name: "Someone".into(),
        display_name_es: None,
        role,
        country: country.map(|c| c.parse().unwrap()),
        created_at: 0,
    }
}

/// A silence procedure in `state` with `deadline` (unix ms) and `outcome`.
pub fn silence(state: SilenceState, deadline: i64, outcome: Option<&str>) -> SilenceRecord {
    SilenceRecord {
        id: SilenceId::random(),
        draft_id: DraftId::random(),
        heads: vec![],
        version_id: None,
        deadline,
        state,
        started_by: None,
        country: None,
        concordance_override: None,
        settled_override: None,
        started_at: 0,
        ended_at: None,
        outcome: outcome.map(str::to_owned),
    }
}

/// An adoption by both approvals at `adopted_at` (unix ms) with `fingerprint`.
pub fn adoption(fingerprint: &str, adopted_at: i64) -> AdoptionRecord {
    AdoptionRecord {
        draft_id: DraftId::random(),
        heads: vec![],
        fingerprint: fingerprint.into(),
        version_id: None,
        how: "approvals".into(),
        silence_id: None,
        concordance_override: None,
        settled_override: None,
        adopted_at,
    }
}
