//! Store behaviour for meetings, drafts, the change log, actor bindings and compaction, on
//! every backend.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use pluma_server::ids::{DocumentId, DraftId, MeetingId};
use pluma_server::model::{ActorOwner, Conference, Delegation, DraftRecord, NewUser, Role, User};
use pluma_server::store::{AppendRefusal, AppendRequest, Compaction, LoggedChange, NewMeeting, Store, StoreError};
use pluma_tests::db::{TestDb, stored_draft};

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

async fn draft(store: &Arc<dyn Store>, snapshot: &[u8]) -> DraftRecord {
    stored_draft(store, snapshot).await
}

fn change(n: u8, actor: &str) -> LoggedChange {
    LoggedChange { hash: [n; 32], actor: actor.into(), bytes: vec![n; 3] }
}

fn owner(u: &User) -> ActorOwner {
    ActorOwner { user: u.id.clone(), country: u.country.clone() }
}

/// A meeting keeps its delegations; a draft is found by id and document id with its first
/// snapshot, and unknown ids are `NotFound`.
#[tokio::test]
async fn meetings_and_drafts_round_trip() {
    for db in TestDb::each().await {
        let store = db.open().await;
        let meeting = NewMeeting {
            id: MeetingId::random(),
            name_en: "II Plenary".into(),
            name_es: "II Plenaria".into(),
            delegations: vec![Delegation {
                code: "MX".parse().unwrap(),
                name_en: "Mexico".into(),
                name_es: "México".into(),
                conference: Conference::Rcm,
                time_zone: "America/Mexico_City".into(),
                is_ppt: true,
            }],
        };
        store.create_meeting(&meeting, 1).await.unwrap();
        assert_eq!(store.meetings().await.unwrap()[0].id, meeting.id);
        assert_eq!(store.delegations(&meeting.id).await.unwrap(), meeting.delegations);

        let d = draft(&store, b"snapshot-1").await;
        assert_eq!(store.draft(&d.id).await.unwrap(), d);
        assert_eq!(store.draft_by_document(&d.doc_id).await.unwrap(), d);
        assert_eq!(store.drafts().await.unwrap(), vec![d.clone()]);
        let loaded = store.load_document(&d.doc_id).await.unwrap();
        assert_eq!(loaded.snapshot.as_deref(), Some(&b"snapshot-1"[..]), "{}", db.backend);
        assert!(loaded.changes.is_empty());
        assert!(matches!(store.draft(&DraftId::random()).await, Err(StoreError::NotFound(_))));
        assert!(matches!(store.draft_by_document(&DocumentId::random()).await, Err(StoreError::NotFound(_))));
        store.close().await;
    }
}

/// A group commit appends each document's changes in order, binds new actors, skips a
/// change already logged, and refuses only the request whose actor belongs to someone else.
#[tokio::test]
async fn group_commit_appends_binds_and_refuses_alone() {
    for db in TestDb::each().await {
        let store = db.open().await;
        let mx = user(&store, "mx", "MX").await;
        let ar = user(&store, "ar", "AR").await;
        let d1 = draft(&store, b"s1").await;
        let d2 = draft(&store, b"s2").await;

        let first = vec![
            AppendRequest {
                doc_id: d1.doc_id.clone(),
                bind: vec![("aa".into(), owner(&mx))],
                changes: vec![change(1, "aa"), change(2, "aa")],
                audit: vec![],
                session: None,
            },
            AppendRequest {
                doc_id: d2.doc_id.clone(),
                bind: vec![("bb".into(), owner(&ar))],
                changes: vec![change(3, "bb")],
                audit: vec![],
                session: None,
            },
        ];
        let out = store.append_changes(&first, 10).await.unwrap();
        let seqs = out[0].clone().unwrap();
        assert_eq!(seqs.len(), 2);
        assert!(seqs[0] < seqs[1]);
        assert_eq!(out[1].as_ref().unwrap().len(), 1);

        let owners = store.actor_owners(&["aa".into(), "bb".into(), "cc".into()]).await.unwrap();
        assert_eq!(owners.len(), 2);
        assert!(owners.contains(&("aa".into(), owner(&mx))));
        assert!(owners.contains(&("bb".into(), owner(&ar))));

        let second = vec![
            // AR tries to bind MX's actor: refused, nothing of it stored.
            AppendRequest {
                doc_id: d1.doc_id.clone(),
                bind: vec![("cc".into(), owner(&ar)), ("aa".into(), owner(&ar))],
                changes: vec![change(4, "aa")],
                audit: vec![],
                session: None,
            },
            // MX resends change 2 (already logged) and adds change 5.
            AppendRequest {
                doc_id: d1.doc_id.clone(),
                bind: vec![],
                changes: vec![change(2, "aa"), change(5, "aa")],
                audit: vec![],
                session: None,
            },
        ];
        let out = store.append_changes(&second, 20).await.unwrap();
        assert_eq!(out[0], Err(AppendRefusal::ActorTaken { actor: "aa".into() }), "{}", db.backend);
        assert_eq!(out[1].as_ref().unwrap().len(), 1, "only change 5 is new");
        assert!(store.actor_owners(&["cc".into()]).await.unwrap().is_empty(), "refused binding rolled back");

        let doc = store.load_document(&d1.doc_id).await.unwrap();
        let bytes: Vec<Vec<u8>> = doc.changes.iter().map(|(_, b)| b.clone()).collect();
        assert_eq!(bytes, vec![vec![1; 3], vec![2; 3], vec![5; 3]]);
        assert_eq!(store.logged_change_count(&d1.doc_id).await.unwrap(), 3);
        assert_eq!(store.logged_change_count(&d2.doc_id).await.unwrap(), 1);
        store.close().await;
    }
}

/// Compaction stores the new snapshot, drops exactly the covered changes and older
/// snapshots; loading then gives the new snapshot and the changes logged after it.
#[tokio::test]
async fn compaction_replaces_covered_changes() {
    for db in TestDb::each().await {
        let store = db.open().await;
        let mx = user(&store, "mx", "MX").await;
        let d = draft(&store, b"s1").await;
        let req = |changes| AppendRequest {
            doc_id: d.doc_id.clone(),
            bind: vec![("aa".into(), owner(&mx))],
            changes,
            audit: vec![],
            session: None,
        };
        let covered = store.append_changes(&[req(vec![change(1, "aa"), change(2, "aa")])], 1).await.unwrap();
        let covered = covered[0].clone().unwrap();
        store.append_changes(&[req(vec![change(3, "aa")])], 2).await.unwrap();

        let base = store.load_document(&d.doc_id).await.unwrap().snapshot_id;
        assert!(matches!(store.compact(&d.doc_id, b"s2", &covered, base, 3).await.unwrap(), Compaction::Done { .. }));
        let doc = store.load_document(&d.doc_id).await.unwrap();
        assert_eq!(doc.snapshot.as_deref(), Some(&b"s2"[..]), "{}", db.backend);
        assert_eq!(doc.changes.iter().map(|(_, b)| b.clone()).collect::<Vec<_>>(), vec![vec![3u8; 3]]);
        assert_eq!(store.logged_change_count(&d.doc_id).await.unwrap(), 1);
        store.close().await;
    }
}

/// Changes of a document that does not exist are refused by the database (foreign key),
/// so a typo can never create a log for an unknown document.
#[tokio::test]
async fn changes_need_an_existing_document() {
    for db in TestDb::each().await {
        let store = db.open().await;
        let mx = user(&store, "mx", "MX").await;
        let req = AppendRequest {
            doc_id: DocumentId::random(),
            bind: vec![("aa".into(), owner(&mx))],
            changes: vec![change(1, "aa")],
            audit: vec![],
            session: None,
        };
        assert!(store.append_changes(&[req], 1).await.is_err(), "{}", db.backend);
        assert!(store.actor_owners(&["aa".into()]).await.unwrap().is_empty(), "whole batch rolled back");
        store.close().await;
    }
}

/// Changes sent over a connection are stored only while its session lives: once the session
/// is deleted (signed out, perhaps on another server) or has expired, the request is
/// refused alone and nothing of it is written; the others of the batch are stored.
#[tokio::test]
async fn changes_of_an_ended_session_are_refused() {
    for db in TestDb::each().await {
        let store = db.open().await;
        let mx = user(&store, "mx", "MX").await;
        let ar = user(&store, "ar", "AR").await;
        let d = draft(&store, b"s1").await;
        let (signed_out, expiring, live) = ([1u8; 32], [2u8; 32], [3u8; 32]);
        store.create_session(&signed_out, &mx.id, 0, 1_000).await.unwrap();
        store.create_session(&expiring, &mx.id, 0, 50).await.unwrap();
        store.create_session(&live, &ar.id, 0, 1_000).await.unwrap();
        assert!(store.delete_session(&signed_out).await.unwrap());
        let req = |actor: &str, owner_of: &pluma_server::model::User, n: u8, session: [u8; 32]| AppendRequest {
            doc_id: d.doc_id.clone(),
            bind: vec![(actor.into(), owner(owner_of))],
            changes: vec![change(n, actor)],
            audit: vec![],
            session: Some(session),
        };
        let out = store
            .append_changes(&[req("aa", &mx, 1, signed_out), req("bb", &mx, 2, expiring), req("cc", &ar, 3, live)], 100)
            .await
            .unwrap();
        assert_eq!(out[0], Err(AppendRefusal::SessionEnded), "{}: signed out", db.backend);
        assert_eq!(out[1], Err(AppendRefusal::SessionEnded), "{}: expired", db.backend);
        assert_eq!(out[2].as_ref().map(Vec::len), Ok(1), "{}: the live session's change", db.backend);
        assert_eq!(store.logged_change_count(&d.doc_id).await.unwrap(), 1, "{}", db.backend);
        assert!(store.actor_owners(&["aa".into(), "bb".into()]).await.unwrap().is_empty(), "refused bindings rolled back");
        store.close().await;
    }
}
