//! Store behaviour for people, sessions and sync tickets, on every backend.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use pluma_server::model::{NewUser, Role};
use pluma_server::store::{StoreError, TicketGrant};
use pluma_tests::db::TestDb;

fn new_user(login: &str, role: Role, country: Option<&str>) -> NewUser {
    NewUser {
        login: login.into(),
        display_name: format!("{login} display"),
        role,
        country: country.map(|c| c.parse().unwrap()),
        password_hash: "$argon2id$not-a-real-hash".into(),
    }
}

/// A user's Spanish display name is none until set, then read back by every read (by id,
/// by login, the list, a session); clearing it gives none again; an unknown id is NotFound.
#[tokio::test]
async fn display_names_in_spanish_round_trip() {
    for db in TestDb::each().await {
        let store = db.open().await;
        let b = db.backend;
        let pe = store.create_user(&new_user("pe", Role::Delegate, Some("PE")), 1000).await.unwrap();
        assert_eq!(pe.display_name_es, None, "{b}");
        let set = store.set_display_name_es(&pe.id, Some("Delegación de Perú")).await.unwrap();
        assert_eq!(set.display_name_es.as_deref(), Some("Delegación de Perú"), "{b}");
        assert_eq!(set.display_name, "pe display", "{b}");
        let (by_login, _) = store.user_by_login("pe").await.unwrap().unwrap();
        assert_eq!(by_login.display_name_es.as_deref(), Some("Delegación de Perú"), "{b}");
        assert_eq!(store.users().await.unwrap()[0].display_name_es.as_deref(), Some("Delegación de Perú"), "{b}");
        let cleared = store.set_display_name_es(&pe.id, None).await.unwrap();
        assert_eq!(store.user(&pe.id).await.unwrap(), cleared, "{b}");
        assert_eq!(cleared.display_name_es, None, "{b}");
        let unknown: pluma_core::UserId = "u0000000000000000".parse().unwrap();
        assert!(matches!(store.set_display_name_es(&unknown, Some("x")).await, Err(StoreError::NotFound(_))), "{b}");
        store.close().await;
    }
}

/// A user is stored with every field, found by login with their hash, and a second user
/// with the same login is a conflict.
#[tokio::test]
async fn users_round_trip_and_logins_are_unique() {
    for db in TestDb::each().await {
        let store = db.open().await;
        let mx = store.create_user(&new_user("mx", Role::Delegate, Some("MX")), 1000).await.unwrap();
        assert_eq!(mx.login, "mx");
        assert_eq!(mx.role, Role::Delegate);
        assert_eq!(mx.country.as_ref().map(|c| c.as_str()), Some("MX"));
        assert_eq!(mx.created_at, 1000);
        let admin = store.create_user(&new_user("admin", Role::Admin, None), 1000).await.unwrap();
        assert_eq!(admin.country, None);

        let (found, hash) = store.user_by_login("mx").await.unwrap().expect("found by login");
        assert_eq!(found, mx);
        assert_eq!(hash, "$argon2id$not-a-real-hash");
        assert_eq!(store.user(&mx.id).await.unwrap(), mx);
        assert!(store.user_by_login("nobody").await.unwrap().is_none());
        assert!(matches!(store.user(&pluma_core::UserId::random()).await, Err(StoreError::NotFound(_))));

        let again = store.create_user(&new_user("mx", Role::Chair, Some("MX")), 2000).await;
        assert!(matches!(again, Err(StoreError::Conflict("login"))), "{}: {again:?}", db.backend);
        assert_eq!(store.count_users().await.unwrap(), 2);
        store.close().await;
    }
}

/// A session finds its user until it expires or is deleted.
#[tokio::test]
async fn sessions_expire_and_end() {
    for db in TestDb::each().await {
        let store = db.open().await;
        let u = store.create_user(&new_user("ar", Role::Delegate, Some("AR")), 0).await.unwrap();
        let hash = [7u8; 32];
        store.create_session(&hash, &u.id, 100, 200).await.unwrap();
        assert_eq!(store.session_user(&hash, 150).await.unwrap(), Some(u.clone()));
        assert_eq!(store.session_user(&hash, 200).await.unwrap(), None, "{}: expired", db.backend);
        assert_eq!(store.session_user(&[8u8; 32], 150).await.unwrap(), None);
        assert!(store.delete_session(&hash).await.unwrap());
        assert!(!store.delete_session(&hash).await.unwrap());
        assert_eq!(store.session_user(&hash, 150).await.unwrap(), None);
        store.close().await;
    }
}

/// A ticket is consumed once and grants its user and session: the second use, an expired
/// ticket and an unknown ticket give nothing, also when many consumers race for the same
/// ticket.
#[tokio::test]
async fn tickets_are_single_use_and_expire() {
    for db in TestDb::each().await {
        let store = db.open().await;
        let u = store.create_user(&new_user("us", Role::Delegate, Some("US")), 0).await.unwrap();
        let session = [9u8; 32];
        store.create_session(&session, &u.id, 0, 1_000_000).await.unwrap();
        store.create_ticket(&[1u8; 32], &session, &u.id, 0, 60_000).await.unwrap();
        let grant = TicketGrant { user: u.clone(), session, session_expires_at: 1_000_000 };
        assert_eq!(store.consume_ticket(&[1u8; 32], 10).await.unwrap(), Some(grant));
        assert_eq!(store.consume_ticket(&[1u8; 32], 20).await.unwrap(), None, "{}: reused", db.backend);

        store.create_ticket(&[2u8; 32], &session, &u.id, 0, 60_000).await.unwrap();
        assert_eq!(store.consume_ticket(&[2u8; 32], 60_000).await.unwrap(), None, "expired");
        assert_eq!(store.consume_ticket(&[3u8; 32], 10).await.unwrap(), None, "unknown");

        store.create_ticket(&[4u8; 32], &session, &u.id, 0, 60_000).await.unwrap();
        let racers: Vec<_> = (0..8)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.consume_ticket(&[4u8; 32], 10).await.unwrap() })
            })
            .collect();
        let mut winners = 0;
        for r in racers {
            winners += usize::from(r.await.unwrap().is_some());
        }
        assert_eq!(winners, 1, "{}: exactly one consumer wins", db.backend);
        store.close().await;
    }
}

/// A ticket whose session has ended, or expired, opens nothing; `live_sessions` names
/// exactly the sessions that exist and have not expired.
#[tokio::test]
async fn tickets_end_with_their_session() {
    for db in TestDb::each().await {
        let store = db.open().await;
        let u = store.create_user(&new_user("cl", Role::Delegate, Some("CL")), 0).await.unwrap();
        let (ended, expiring, live) = ([1u8; 32], [2u8; 32], [3u8; 32]);
        store.create_session(&ended, &u.id, 0, 1_000_000).await.unwrap();
        store.create_session(&expiring, &u.id, 0, 500).await.unwrap();
        store.create_session(&live, &u.id, 0, 1_000_000).await.unwrap();
        store.create_ticket(&[11u8; 32], &ended, &u.id, 0, 60_000).await.unwrap();
        store.create_ticket(&[12u8; 32], &expiring, &u.id, 0, 60_000).await.unwrap();
        assert!(store.delete_session(&ended).await.unwrap());
        assert_eq!(store.consume_ticket(&[11u8; 32], 10).await.unwrap(), None, "{}: signed out", db.backend);
        assert_eq!(store.consume_ticket(&[12u8; 32], 600).await.unwrap(), None, "{}: session expired", db.backend);

        let mut found = store.live_sessions(&[ended, expiring, live, [4u8; 32]], 600).await.unwrap();
        found.sort();
        assert_eq!(found, vec![live], "{}", db.backend);
        assert_eq!(store.live_sessions(&[expiring, live], 10).await.unwrap().len(), 2, "{}", db.backend);
        // More sessions than one statement asks about.
        let mut many: Vec<[u8; 32]> = (0..1200u32).map(|i| std::array::from_fn(|b| if b < 4 { i.to_be_bytes()[b] } else { 1 })).collect();
        many.push(live);
        assert_eq!(store.live_sessions(&many, 10).await.unwrap(), vec![live], "{}", db.backend);
        store.close().await;
    }
}

/// The storage id is created once and then stays the same.
#[tokio::test]
async fn storage_id_is_stable() {
    for db in TestDb::each().await {
        let store = db.open().await;
        let first = store.storage_id().await.unwrap();
        assert_eq!(first.len(), 36, "a UUID");
        assert_eq!(store.storage_id().await.unwrap(), first);
        store.close().await;
        let reopened = db.open().await;
        assert_eq!(reopened.storage_id().await.unwrap(), first, "{}", db.backend);
        reopened.close().await;
    }
}
