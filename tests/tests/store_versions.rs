//! Store behaviour for named versions, on every backend.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use pluma_core::DraftKind;
use pluma_server::ids::{DraftId, VersionId};
use pluma_server::model::{DraftRecord, NewUser, Role};
use pluma_server::store::{Store, StoreError, VersionRecord};
use pluma_tests::db::{TestDb, stored_draft};

async fn draft(store: &Arc<dyn Store>) -> DraftRecord {
    let bytes = pluma_core::Draft::new(DraftKind::Communique, pluma_core::Bilingual { en: "a", es: "b" }).unwrap().save();
    stored_draft(store, &bytes).await
}

fn version(draft: &DraftId, label: &str, at: i64, user: Option<&pluma_server::model::User>) -> VersionRecord {
    VersionRecord {
        id: VersionId::random(),
        draft_id: draft.clone(),
        label: label.into(),
        heads: vec!["ab".repeat(32), "cd".repeat(32)],
        created_by: user.map(|u| u.id.clone()),
        country: user.and_then(|u| u.country.clone()),
        created_at: at,
    }
}

/// Versions are stored with every field, listed oldest first per draft, found by id only
/// under their own draft, and an id cannot be stored twice.
#[tokio::test]
async fn versions_round_trip_per_draft() {
    for db in TestDb::each().await {
        let store = db.open().await;
        let mx = store
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
        let a = draft(&store).await;
        let b = draft(&store).await;
        let later = version(&a.id, "Sent to capitals — día 2", 200, Some(&mx));
        let earlier = version(&a.id, "Zero draft", 100, None);
        store.create_version(&later).await.unwrap();
        store.create_version(&earlier).await.unwrap();
        store.create_version(&version(&b.id, "Other draft", 50, None)).await.unwrap();

        let listed = store.versions(&a.id).await.unwrap();
        assert_eq!(listed, vec![earlier.clone(), later.clone()], "{}", db.backend);
        assert_eq!(listed[1].heads.len(), 2);
        assert_eq!(listed[1].change_hashes().unwrap().len(), 2);
        assert_eq!(store.version(&a.id, &later.id).await.unwrap(), later);
        assert!(matches!(store.version(&b.id, &later.id).await, Err(StoreError::NotFound(_))), "{}", db.backend);
        assert!(matches!(store.version(&a.id, &VersionId::random()).await, Err(StoreError::NotFound(_))));
        let again = store.create_version(&later).await;
        assert!(matches!(again, Err(StoreError::Conflict("version"))), "{}: {again:?}", db.backend);
        assert!(store.versions(&DraftId::random()).await.unwrap().is_empty());
        store.close().await;
    }
}

/// A version's comparison snapshot is stored under the version, replaced by a newer one,
/// and absent for a version that has none.
#[tokio::test]
async fn version_snapshots_are_stored_and_replaced() {
    for db in TestDb::each().await {
        let store = db.open().await;
        let a = draft(&store).await;
        let v = version(&a.id, "Zero draft", 100, None);
        let other = version(&a.id, "Later", 200, None);
        store.create_version(&v).await.unwrap();
        store.create_version(&other).await.unwrap();
        assert_eq!(store.version_snapshot(&v.id).await.unwrap(), None, "{}", db.backend);
        store.put_version_snapshot(&v.id, 1, r#"{"old":true}"#, 300).await.unwrap();
        store.put_version_snapshot(&v.id, 2, r#"{"new":"sí"}"#, 400).await.unwrap();
        assert_eq!(store.version_snapshot(&v.id).await.unwrap(), Some((2, r#"{"new":"sí"}"#.to_owned())), "{}", db.backend);
        assert_eq!(store.version_snapshot(&other.id).await.unwrap(), None);
        // Only a stored version can have one.
        assert!(store.put_version_snapshot(&VersionId::random(), 1, "{}", 500).await.is_err(), "{}", db.backend);
    }
}
