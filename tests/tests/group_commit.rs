//! Group commit: appends that arrive while a transaction is in progress share the next one.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use pluma_core::DraftKind;
use pluma_server::ids::{DocumentId, DraftId};
use pluma_server::metrics::Metrics;
use pluma_server::model::{ActorOwner, DraftRecord, NewUser, Role};
use pluma_server::store::{AppendRequest, LoggedChange};
use pluma_server::sync::persist::Persister;
use pluma_tests::db::TestDb;
use sqlx::Connection;

/// While the database is locked, nine appends from different documents queue behind the
/// first; once it unlocks they are written in one transaction: two commits for ten jobs,
/// every change stored.
#[tokio::test]
async fn appends_waiting_for_a_commit_share_the_next_one() {
    let db = TestDb::sqlite();
    let store = db.open().await;
    let user = store
        .create_user(
            &NewUser {
                login: "mx".into(),
                display_name: "mx".into(),
                role: Role::Delegate,
                country: Some("MX".parse().unwrap()),
                password_hash: "x".into(),
            },
            0,
        )
        .await
        .unwrap();
    let mut docs = Vec::new();
    for _ in 0..10 {
        let record = DraftRecord {
            id: DraftId::random(),
            doc_id: DocumentId::random(),
            meeting_id: None,
            kind: DraftKind::Communique,
            title_en: "t".into(),
            title_es: "t".into(),
            created_by: None,
            created_at: 0,
        };
        store.create_draft(&record, b"s").await.unwrap();
        docs.push(record.doc_id);
    }
    let request = |i: usize| AppendRequest {
        doc_id: docs[i].clone(),
        bind: vec![(format!("a{i}"), ActorOwner { user: user.id.clone(), country: user.country.clone() })],
        changes: vec![LoggedChange { hash: [i as u8; 32], actor: format!("a{i}"), bytes: vec![i as u8] }],
        audit: vec![],
        session: None,
    };
    let metrics = Arc::new(Metrics::default());
    let persister = Persister::spawn(store.clone(), metrics.clone());

    // Another connection holds the write lock.
    let mut blocker = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut blocker).await.unwrap();

    let first = persister.submit(vec![request(0)]).await.unwrap();
    // The writer takes the first job and waits for the lock.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while persister.waiting() > 0 {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut rest = Vec::new();
    for i in 1..10 {
        rest.push(persister.submit(vec![request(i)]).await.unwrap());
    }
    assert_eq!(persister.waiting(), 9);
    sqlx::query("ROLLBACK").execute(&mut blocker).await.unwrap();

    assert_eq!(first.outcome().await.unwrap()[0].as_ref().unwrap().len(), 1);
    for r in rest {
        assert_eq!(r.outcome().await.unwrap()[0].as_ref().unwrap().len(), 1);
    }
    assert_eq!(metrics.commits(), 2, "one commit for the first job, one for the nine that waited");
    assert_eq!(metrics.changes_persisted(), 10);
    for d in &docs {
        assert_eq!(store.logged_change_count(d).await.unwrap(), 1);
    }
}
