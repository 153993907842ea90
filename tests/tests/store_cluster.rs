//! The store as several servers share it: compactions of one document take turns and never
//! replace a snapshot they do not include; the catch-up reads (log index, changes by hash)
//! give exactly what is logged. On every backend; the concurrent case on PostgreSQL.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use pluma_server::model::{ActorOwner, NewUser, Role};
use pluma_server::store::{AppendRequest, Compaction, LoggedChange, Store};
use pluma_tests::db::{TestDb, stored_draft};

fn change(n: u8) -> LoggedChange {
    LoggedChange { hash: [n; 32], actor: "aa".into(), bytes: vec![n; 3] }
}

async fn append(store: &Arc<dyn Store>, doc: &pluma_server::ids::DocumentId, changes: Vec<LoggedChange>) -> Vec<i64> {
    let user = match store.user_by_login("mx").await.unwrap() {
        Some((u, _)) => u,
        None => {
            let new = NewUser {
                login: "mx".into(),
                display_name: "mx".into(),
                role: Role::Delegate,
                country: Some("MX".parse().unwrap()),
                password_hash: "x".into(),
            };
            store.create_user(&new, 0).await.unwrap()
        }
    };
    let req = AppendRequest {
        doc_id: doc.clone(),
        bind: vec![("aa".into(), ActorOwner { user: user.id.clone(), country: user.country.clone() })],
        changes,
        audit: vec![],
        session: None,
    };
    store.append_changes(&[req], 1).await.unwrap()[0].clone().unwrap()
}

/// A compaction based on a snapshot that is no longer the newest writes nothing: the newer
/// snapshot and the changes stay, and loading still gives everything.
#[tokio::test]
async fn a_superseded_compaction_writes_nothing() {
    for db in TestDb::each().await {
        let store = db.open().await;
        let d = stored_draft(&store, b"s1").await;
        let base = store.load_document(&d.doc_id).await.unwrap().snapshot_id;
        let first = append(&store, &d.doc_id, vec![change(1)]).await;
        let second = append(&store, &d.doc_id, vec![change(2)]).await;
        let Compaction::Done { snapshot_id } = store.compact(&d.doc_id, b"s2", &first, base, 2).await.unwrap() else {
            panic!("{}: the first compaction was refused", db.backend);
        };
        // A second server, still on the first snapshot, tries to compact change 2.
        assert_eq!(store.compact(&d.doc_id, b"stale", &second, base, 3).await.unwrap(), Compaction::Superseded, "{}", db.backend);
        let doc = store.load_document(&d.doc_id).await.unwrap();
        assert_eq!(doc.snapshot.as_deref(), Some(&b"s2"[..]), "{}", db.backend);
        assert_eq!(doc.snapshot_id, Some(snapshot_id));
        assert_eq!(doc.changes, vec![(second[0], vec![2u8; 3])], "{}", db.backend);
        store.close().await;
    }
}

/// The log index lists every logged change with the newest snapshot, and changes are read
/// back by hash; hashes not in the log are left out.
#[tokio::test]
async fn catch_up_reads_give_what_is_logged() {
    for db in TestDb::each().await {
        let store = db.open().await;
        let d = stored_draft(&store, b"s1").await;
        let seqs = append(&store, &d.doc_id, vec![change(1), change(2), change(3)]).await;
        let index = store.log_index(&d.doc_id).await.unwrap();
        assert_eq!(index.snapshot_id, store.load_document(&d.doc_id).await.unwrap().snapshot_id);
        assert_eq!(index.changes, vec![(seqs[0], [1; 32]), (seqs[1], [2; 32]), (seqs[2], [3; 32])], "{}", db.backend);
        let read = store.logged_changes(&d.doc_id, &[[3; 32], [9; 32], [1; 32]]).await.unwrap();
        assert_eq!(read, vec![(seqs[0], vec![1u8; 3]), (seqs[2], vec![3u8; 3])], "{}", db.backend);
        store.close().await;
    }
}

/// Many servers compacting one document at once from the same snapshot: exactly one
/// succeeds (the advisory lock makes them take turns, and the others see a newer snapshot),
/// and no change is lost.
#[tokio::test]
async fn concurrent_compactions_take_turns() {
    let Some(db) = TestDb::postgres().await else { return };
    let stores: Vec<Arc<dyn Store>> = futures_util::future::join_all((0..6).map(|_| db.open())).await;
    let d = stored_draft(&stores[0], b"s1").await;
    let base = stores[0].load_document(&d.doc_id).await.unwrap().snapshot_id;
    let seqs = append(&stores[0], &d.doc_id, (1..=6).map(change).collect()).await;
    let tasks = stores.iter().enumerate().map(|(i, store)| {
        let store = store.clone();
        let doc = d.doc_id.clone();
        // Each covers a different change: a winner that was not the only one would lose
        // the changes the others deleted.
        let covered = vec![seqs[i]];
        async move { store.compact(&doc, format!("s-{i}").as_bytes(), &covered, base, 2).await.unwrap() }
    });
    let outcomes = futures_util::future::join_all(tasks).await;
    let done: Vec<usize> = outcomes.iter().enumerate().filter(|(_, o)| matches!(o, Compaction::Done { .. })).map(|(i, _)| i).collect();
    assert_eq!(done.len(), 1, "{outcomes:?}");
    let doc = stores[0].load_document(&d.doc_id).await.unwrap();
    assert_eq!(doc.snapshot, Some(format!("s-{}", done[0]).into_bytes()));
    assert_eq!(doc.changes.len(), 5, "only the winner's covered change is gone");
    for store in stores {
        store.close().await;
    }
}
