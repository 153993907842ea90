//! Store behaviour of the workflow, on every backend: a silence procedure leaves `running`
//! exactly once (an objection before the deadline, a claim at or after it), an objection
//! after the deadline is refused without writing anything, and a draft is adopted once.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use pluma_core::DraftKind;
use pluma_server::ids::{DraftId, ObjectionId, SilenceId, VersionId};
use pluma_server::model::{DraftRecord, NewUser, Role, User};
use pluma_server::store::{
    AdoptionRecord, ObjectionOutcome, ObjectionRecord, SilenceRecord, SilenceState, Store, StoreError, VersionRecord,
};
use pluma_tests::db::{TestDb, stored_draft};

async fn draft(store: &Arc<dyn Store>) -> DraftRecord {
    let bytes = pluma_core::Draft::new(DraftKind::Communique, pluma_core::Bilingual { en: "a", es: "b" }).unwrap().save();
    stored_draft(store, &bytes).await
}

async fn user(store: &Arc<dyn Store>, login: &str, country: &str) -> User {
    let new = NewUser {
        login: login.into(),
        display_name: login.into(),
        role: Role::Delegate,
        country: Some(country.parse().unwrap()),
        password_hash: "x".into(),
    };
    store.create_user(&new, 0).await.unwrap()
}

fn version(draft: &DraftId, label: &str) -> VersionRecord {
    VersionRecord {
        id: VersionId::random(),
        draft_id: draft.clone(),
        label: label.into(),
        heads: vec!["ab".repeat(32)],
        created_by: None,
        country: None,
        created_at: 10,
    }
}

fn silence(draft: &DraftId, deadline: i64) -> SilenceRecord {
    SilenceRecord {
        id: SilenceId::random(),
        draft_id: draft.clone(),
        heads: vec!["ab".repeat(32)],
        version_id: None,
        deadline,
        state: SilenceState::Running,
        started_by: None,
        country: None,
        concordance_override: None,
        settled_override: Some(r#"{"reason":"The plenary asked for it","ad_referendum_agreed":false,"unsettled":"OP 2 is open"}"#.into()),
        started_at: 10,
        ended_at: None,
        outcome: None,
    }
}

fn objection(silence: &SilenceId, by: &User, at: i64) -> ObjectionRecord {
    ObjectionRecord {
        id: ObjectionId::random(),
        silence_id: silence.clone(),
        user: by.id.clone(),
        country: by.country.clone().unwrap(),
        body: "We object.".into(),
        created_at: at,
    }
}

fn adoption(draft: &DraftId, version: &VersionRecord, silence: Option<&SilenceId>) -> AdoptionRecord {
    AdoptionRecord {
        draft_id: draft.clone(),
        heads: vec!["ab".repeat(32)],
        fingerprint: "f".repeat(64),
        version_id: Some(version.id.clone()),
        how: if silence.is_some() { "silence".into() } else { "approvals".into() },
        silence_id: silence.cloned(),
        concordance_override: None,
        settled_override: Some(
            r#"{"reason":"The plenary asked for it","ad_referendum_agreed":true,"unsettled":"OP 3 is agreed ad referendum"}"#.into(),
        ),
        adopted_at: 2000,
    }
}

/// One running procedure per draft; an objection after the deadline is refused and writes
/// nothing; before it, it breaks the procedure once.
#[tokio::test]
async fn objections_break_a_running_procedure_only_before_its_deadline() {
    for db in TestDb::each().await {
        let b = db.backend;
        let store = db.open().await;
        let d = draft(&store).await;
        let us = user(&store, "us", "US").await;
        let s = silence(&d.id, 1000);
        store.start_silence(&s, Some(&version(&d.id, "Under silence")), &[], 10).await.unwrap();
        let again = store.start_silence(&silence(&d.id, 5000), None, &[], 11).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{b}: {again:?}");

        let late = store.record_objection(&objection(&s.id, &us, 1000), &[], 1000).await.unwrap();
        assert_eq!(late, ObjectionOutcome::TooLate(1000), "{b}: at the deadline is too late");
        let w = store.workflow(&d.id).await.unwrap();
        assert!(w.objections.is_empty(), "{b}: nothing written");
        assert_eq!(w.running_silence().map(|s| s.id.clone()), Some(s.id.clone()), "{b}");

        assert_eq!(store.record_objection(&objection(&s.id, &us, 999), &[], 999).await.unwrap(), ObjectionOutcome::Broke, "{b}");
        assert_eq!(
            store.record_objection(&objection(&s.id, &us, 999), &[], 999).await.unwrap(),
            ObjectionOutcome::NotRunning(SilenceState::Broken),
            "{b}"
        );
        let w = store.workflow(&d.id).await.unwrap();
        assert_eq!(w.silences[0].state, SilenceState::Broken, "{b}");
        assert_eq!(w.objections.len(), 1, "{b}");
        assert!(store.due_silences(i64::MAX).await.unwrap().is_empty(), "{b}: a broken procedure is never due");
        // A new procedure may start once the last one ended.
        store.start_silence(&silence(&d.id, 3000), None, &[], 12).await.unwrap();
        assert_eq!(store.next_silence_deadline().await.unwrap(), Some(3000), "{b}");
    }
}

/// A due procedure is claimed once: the first adoption (or lapse) wins, every later claim
/// writes nothing; a procedure not yet due cannot be claimed; a draft is adopted once.
#[tokio::test]
async fn a_due_procedure_and_a_draft_are_claimed_once() {
    for db in TestDb::each().await {
        let b = db.backend;
        let store = db.open().await;
        let d = draft(&store).await;
        let s = silence(&d.id, 1000);
        store.start_silence(&s, None, &[], 10).await.unwrap();
        assert!(store.due_silences(999).await.unwrap().is_empty(), "{b}");
        assert_eq!(store.due_silences(1000).await.unwrap().len(), 1, "{b}");

        let v = version(&d.id, "Adopted");
        let early = store.record_adoption(&adoption(&d.id, &v, Some(&s.id)), &v, &[], 999).await.unwrap();
        assert!(!early, "{b}: not due yet");
        assert!(store.versions(&d.id).await.unwrap().is_empty(), "{b}: nothing written");
        assert!(!store.lapse_silence(&s.id, "not yet", &[], 999).await.unwrap(), "{b}");

        // Two claims at once: exactly one wins.
        let (v1, v2) = (version(&d.id, "Adopted"), version(&d.id, "Adopted"));
        let (a1, a2) = (adoption(&d.id, &v1, Some(&s.id)), adoption(&d.id, &v2, Some(&s.id)));
        let (one, two) = tokio::join!(store.record_adoption(&a1, &v1, &[], 2000), store.record_adoption(&a2, &v2, &[], 2000));
        assert_eq!([one.unwrap(), two.unwrap()].iter().filter(|x| **x).count(), 1, "{b}");
        assert!(!store.lapse_silence(&s.id, "too late", &[], 2001).await.unwrap(), "{b}");
        let w = store.workflow(&d.id).await.unwrap();
        assert_eq!(w.silences[0].state, SilenceState::Adopted, "{b}");
        assert_eq!(w.adoption.as_ref().map(|a| a.how.as_str()), Some("silence"), "{b}");
        assert_eq!(store.versions(&d.id).await.unwrap().len(), 1, "{b}: one version Adopted");

        // Adopted once: approvals cannot adopt it again.
        let v3 = version(&d.id, "Adopted");
        assert!(!store.record_adoption(&adoption(&d.id, &v3, None), &v3, &[], 3000).await.unwrap(), "{b}");
        assert_eq!(store.versions(&d.id).await.unwrap().len(), 1, "{b}");
    }
}
