//! The workflow with two servers on one database, on SQLite and PostgreSQL: a deadline that
//! passed while the server was down is applied once when two servers start together, and a
//! text adopted through one server is locked on the other.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use pluma_tests::client;
use pluma_tests::db::TestDb;
use pluma_tests::edits::{self, Proposer};
use pluma_tests::server::TestServer;
use pluma_tests::workflow::{World, going_ahead, world};
use reqwest::Method;
use serde_json::{Value, json};

/// A deadline that passes while the server is down is applied at the next start, exactly
/// once, even when two servers on the same database start together and race for it.
#[tokio::test]
async fn a_deadline_passed_while_down_is_applied_once_at_the_next_start() {
    for db in TestDb::each().await {
        let b = db.backend;
        let w = world(&db.url).await;
        w.confirm_all().await;
        w.agree_all().await;
        let deadline = pluma_server::time::now_ms() + 5000;
        let (code, body) = w.silence(json!({"deadline": deadline})).await;
        assert_eq!(code, 201, "{b}: {body}");
        let World { server, pe, draft, .. } = w;
        server.stop().await;
        let wait = deadline + 300 - pluma_server::time::now_ms();
        tokio::time::sleep(Duration::from_millis(wait.max(0) as u64)).await;

        let (one, two) = tokio::join!(TestServer::start(&db.url), TestServer::start(&db.url));
        let path = format!("/api/drafts/{draft}/dashboard");
        let mut adopted = Value::Null;
        for _ in 0..200 {
            let (_, d) = one.api.call(Method::GET, &path, Some(&pe.token), None).await.unwrap();
            if !d["workflow"]["adopted"].is_null() {
                adopted = d;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(adopted["workflow"]["adopted"]["how"], "silence", "{b}: {adopted}");
        assert_eq!(adopted["workflow"]["silence"]["state"], "adopted", "{b}");
        // Both servers see it; give the slower one time to try, then count.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (_, other) = two.api.call(Method::GET, &path, Some(&pe.token), None).await.unwrap();
        assert_eq!(other["workflow"]["adopted"], adopted["workflow"]["adopted"], "{b}");
        let (_, page) = two.api.call(Method::GET, &format!("/api/drafts/{draft}/activity?limit=500"), Some(&pe.token), None).await.unwrap();
        let entries = page["entries"].as_array().unwrap();
        assert_eq!(entries.iter().filter(|e| e["action"] == "draft_adopted").count(), 1, "{b}");
        assert_eq!(entries.iter().filter(|e| e["action"] == "silence_lapsed").count(), 0, "{b}");
        let (_, versions) = one.api.call(Method::GET, &format!("/api/drafts/{draft}/versions"), Some(&pe.token), None).await.unwrap();
        assert_eq!(versions.as_array().unwrap().iter().filter(|v| v["label"] == "Adopted").count(), 1, "{b}");
        one.stop().await;
        two.stop().await;
    }
}

/// A text adopted through one server is locked on another server of the same database,
/// even where that server read the draft's workflow state before the adoption: the append
/// transaction checks the database, and nothing is stored.
#[tokio::test]
async fn a_text_adopted_through_one_server_is_locked_on_another() {
    for db in TestDb::each().await {
        let b = db.backend;
        let w = world(&db.url).await;
        w.confirm_all().await;
        let other = TestServer::start(&db.url).await;
        // Peru works on the other server, whose document task loads (and caches the
        // workflow state) now, before the adoption.
        let mut pe = client::connect(&other.sync_url(&w.pe).await, "peer-pe").await.unwrap();
        pe.open(&w.doc).await.unwrap();
        let doc: pluma_server::ids::DocumentId = w.doc.parse().unwrap();
        let logged = other.state.store.logged_change_count(&doc).await.unwrap();

        // Approved as it stands, paragraphs still open: the delegate's edit meets the lock.
        for chair in [&w.mx, &w.ar] {
            let (code, body) = w.post("/approvals", chair, json!({"settled_override": going_ahead()})).await;
            assert_eq!(code, 201, "{b}: {body}");
        }
        assert!(!w.dashboard().await["workflow"]["adopted"].is_null(), "{b}");

        pe.change(&w.doc, |d| edits::append(d, &Proposer::of(&w.pe), 1, "en", " later")).await.unwrap();
        let error = pe.expect_error().await.unwrap();
        assert!(error.contains("adopted"), "{b}: {error}");
        assert_eq!(other.state.store.logged_change_count(&doc).await.unwrap(), logged, "{b}: nothing stored");
        // Reconnected, the other server now names the adoption precisely.
        let mut again = client::connect(&other.sync_url(&w.pe).await, "peer-pe-2").await.unwrap();
        again.open(&w.doc).await.unwrap();
        again.change(&w.doc, |d| edits::append(d, &Proposer::of(&w.pe), 1, "en", " later")).await.unwrap();
        let error = again.expect_error().await.unwrap();
        assert!(error.contains("certified fingerprint"), "{b}: {error}");
        assert_eq!(other.state.store.logged_change_count(&doc).await.unwrap(), logged, "{b}: nothing stored");
        other.stop().await;
        w.server.stop().await;
    }
}
