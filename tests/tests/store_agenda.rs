//! A meeting and its agenda in the store, on SQLite and PostgreSQL: one meeting found by id,
//! an agenda stored, replaced and read back, and unknown meetings reported as not found.

#![allow(clippy::unwrap_used)]

use pluma_server::ids::MeetingId;
use pluma_server::store::{NewMeeting, StoreError};
use pluma_tests::db::TestDb;

/// The agenda is kept whole per meeting; the latest write wins; nothing is stored for a
/// meeting that does not exist.
#[tokio::test]
async fn agenda_round_trips_per_meeting() {
    for db in TestDb::each().await {
        let store = db.open().await;
        let id = MeetingId::random();
        let meeting = NewMeeting { id: id.clone(), name_en: "Plenary".into(), name_es: "Plenaria".into(), delegations: vec![] };
        store.create_meeting(&meeting, 1000).await.unwrap();
        assert_eq!(store.meeting(&id).await.unwrap().name_es, "Plenaria", "{}", db.backend);
        assert_eq!(store.agenda(&id).await.unwrap(), None);

        store.set_agenda(&id, r#"{"days":[1]}"#, 2000).await.unwrap();
        store.set_agenda(&id, r#"{"days":[2]}"#, 3000).await.unwrap();
        assert_eq!(store.agenda(&id).await.unwrap().as_deref(), Some(r#"{"days":[2]}"#), "{}", db.backend);

        let unknown = MeetingId::random();
        assert!(matches!(store.meeting(&unknown).await, Err(StoreError::NotFound(_))), "{}", db.backend);
        assert!(matches!(store.set_agenda(&unknown, "{}", 4000).await, Err(StoreError::NotFound(_))), "{}", db.backend);
        assert_eq!(store.agenda(&unknown).await.unwrap(), None);
        store.close().await;
    }
}
