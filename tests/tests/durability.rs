//! Durability: edits survive restarts, compaction keeps every change, and a document that
//! cannot be loaded or stored is an error, never an empty document or a silent loss.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use pluma_server::config::Config;
use pluma_server::model::Role;
use pluma_tests::api::{Session, small_zero_draft};
use pluma_tests::client::{self, Event};
use pluma_tests::db::TestDb;
use pluma_tests::edits;
use pluma_tests::server::{TestServer, password_of};

async fn draft(server: &TestServer) -> (String, Session) {
    let chair = server.user_session("chair", Role::Chair, Some("MX")).await;
    let draft = server.api.create_draft(&chair.token, small_zero_draft()).await.unwrap();
    (draft["doc_id"].as_str().unwrap().to_owned(), chair)
}

async fn wait_until(mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + client::WAIT;
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "condition not reached in time");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// After enough changes the document is compacted (snapshot written, covered changes
/// dropped); after a restart a new client finds every edit.
#[tokio::test]
async fn compaction_and_restart_keep_every_edit() {
    for db in TestDb::each().await {
        let mut config = Config::with_database(&db.url);
        config.compaction_threshold = 5;
        let server = TestServer::start_with(config.clone()).await;
        let (doc_id, chair) = draft(&server).await;
        let mut c = client::connect(&server.sync_url(&chair).await, "peer-1").await.unwrap();
        c.open(&doc_id).await.unwrap();
        for i in 0..12 {
            c.change(&doc_id, |d| edits::append(d, &edits::Proposer::of(&chair), 0, "en", &format!(" e{i}"))).await.unwrap();
            c.wait_synced(&doc_id).await.unwrap();
        }
        let logged = server.state.store.logged_change_count(&doc_id.parse().unwrap()).await.unwrap();
        assert!(logged < 5, "{}: {logged} changes left after compaction", db.backend);
        assert_eq!(server.state.metrics.changes_persisted(), 12);
        let expected = edits::text(&c.docs[&doc_id].doc, 0, "en").unwrap();
        drop(c);
        server.stop().await;

        let server = TestServer::start_with(config).await;
        let chair = server.api.login("chair", &password_of("chair")).await.unwrap();
        let mut fresh = client::connect(&server.sync_url(&chair).await, "peer-2").await.unwrap();
        fresh.open(&doc_id).await.unwrap();
        let text = edits::text(&fresh.docs[&doc_id].doc, 0, "en").unwrap();
        assert_eq!(text, expected, "{}", db.backend);
        assert!(text.ends_with(" e0 e1 e2 e3 e4 e5 e6 e7 e8 e9 e10 e11"), "{text}");
        server.stop().await;
    }
}

/// A document whose stored bytes do not load is unavailable, is logged, and its stored
/// bytes are left untouched: never replaced by an empty document.
#[tokio::test]
async fn corrupt_documents_are_unavailable_not_blank() {
    for db in TestDb::each().await {
        let server = TestServer::start(&db.url).await;
        let (doc_id, chair) = draft(&server).await;
        server.stop().await;
        if db.backend == "postgres" {
            db.execute("UPDATE snapshots SET bytes = 'garbage'::bytea").await;
        } else {
            db.execute("UPDATE snapshots SET bytes = CAST('garbage' AS BLOB)").await;
        }

        let server = TestServer::start(&db.url).await;
        let chair = server.api.login("chair", &password_of("chair")).await.unwrap_or(chair);
        let mut c = client::connect(&server.sync_url(&chair).await, "peer-1").await.unwrap();
        let err = c.open(&doc_id).await.unwrap_err();
        assert!(err.to_string().contains("unavailable"), "{}: {err}", db.backend);
        assert!(server.state.metrics.render().contains("pluma_documents_unavailable_total 1"));
        let stored = server.state.store.load_document(&doc_id.parse().unwrap()).await.unwrap();
        assert_eq!(stored.snapshot.as_deref(), Some(&b"garbage"[..]), "stored bytes untouched");
        assert_eq!(stored.changes.len(), 0);
        server.stop().await;
    }
}

/// When the database cannot be read, the document is unavailable rather than empty.
#[tokio::test]
async fn database_failures_make_documents_unavailable() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let (doc_id, chair) = draft(&server).await;
    let mut c = client::connect(&server.sync_url(&chair).await, "peer-1").await.unwrap();
    server.state.store.close().await;
    let err = c.open(&doc_id).await.unwrap_err();
    assert!(err.to_string().contains("unavailable"), "{err}");
    assert_eq!(c.events, vec![Event::Unavailable(doc_id.clone())]);
}

/// A commit that fails refuses the changes: the sender gets an error and is disconnected,
/// nothing is applied or forwarded, and the server serves the document on.
#[tokio::test]
async fn failed_commits_refuse_the_changes() {
    for db in TestDb::each().await {
        let server = TestServer::start(&db.url).await;
        let (doc_id, chair) = draft(&server).await;
        let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
        let mut watcher = client::connect(&server.sync_url(&chair).await, "peer-watch").await.unwrap();
        watcher.open(&doc_id).await.unwrap();
        let mut writer = client::connect(&server.sync_url(&mx).await, "peer-write").await.unwrap();
        writer.open(&doc_id).await.unwrap();

        if db.backend == "postgres" {
            db.execute(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$ LANGUAGE plpgsql;;
                 CREATE TRIGGER refuse BEFORE INSERT ON changes FOR EACH ROW EXECUTE FUNCTION refuse()",
            )
            .await;
        } else {
            db.execute("CREATE TRIGGER refuse BEFORE INSERT ON changes BEGIN SELECT RAISE(ABORT, 'disk on fire'); END").await;
        }
        writer.change(&doc_id, |d| edits::append(d, &edits::Proposer::of(&mx), 1, "en", " LOST?")).await.unwrap();
        let text = writer.expect_error().await.unwrap();
        assert!(text.contains("could not store your changes"), "{}: {text}", db.backend);
        writer.expect_closed().await.unwrap();

        let drop_trigger = if db.backend == "postgres" { "DROP TRIGGER refuse ON changes" } else { "DROP TRIGGER refuse" };
        db.execute(drop_trigger).await;
        let mut late = client::connect(&server.sync_url(&chair).await, "peer-late").await.unwrap();
        late.open(&doc_id).await.unwrap();
        assert!(!edits::text(&late.docs[&doc_id].doc, 1, "en").unwrap().contains("LOST?"), "not applied");
        watcher.change(&doc_id, |d| edits::append(d, &edits::Proposer::of(&chair), 1, "en", " kept")).await.unwrap();
        watcher.wait_synced(&doc_id).await.unwrap();
        let t = edits::text(&watcher.docs[&doc_id].doc, 1, "en").unwrap();
        assert!(t.ends_with(" kept") && !t.contains("LOST?"), "never forwarded: {t}");
        assert_eq!(server.state.store.logged_change_count(&doc_id.parse().unwrap()).await.unwrap(), 1);
        server.stop().await;
    }
}

/// A document without peers is unloaded after the idle time, and loads again on demand.
#[tokio::test]
async fn idle_documents_are_unloaded() {
    let db = TestDb::sqlite();
    let mut config = Config::with_database(&db.url);
    config.limits.document_idle = Duration::from_millis(100);
    let server = TestServer::start_with(config).await;
    let (doc_id, chair) = draft(&server).await;
    let doc: pluma_server::ids::DocumentId = doc_id.parse().unwrap();
    let mut c = client::connect(&server.sync_url(&chair).await, "peer-1").await.unwrap();
    c.open(&doc_id).await.unwrap();
    assert!(server.state.hub.is_loaded(&doc));
    assert_eq!(server.state.metrics.documents_loaded(), 1);
    drop(c);
    wait_until(|| !server.state.hub.is_loaded(&doc) && server.state.metrics.documents_loaded() == 0).await;

    let mut again = client::connect(&server.sync_url(&chair).await, "peer-2").await.unwrap();
    again.open(&doc_id).await.unwrap();
    assert_eq!(server.state.metrics.documents_loaded(), 1);
    server.stop().await;
}

/// SQLite runs with the write-ahead log and `synchronous = FULL` on every connection of the
/// pool: a transaction is on disk when its commit returns, so an acknowledged edit survives
/// a power cut, not only a crash of the process.
#[tokio::test]
async fn sqlite_commits_are_durable() {
    let db = TestDb::sqlite();
    let store = pluma_server::store::SqliteStore::open(&db.url).await.unwrap();
    for _ in 0..4 {
        let mut conn = store.pool().acquire().await.unwrap();
        let (synchronous,): (i64,) = sqlx::query_as("PRAGMA synchronous").fetch_one(&mut *conn).await.unwrap();
        assert_eq!(synchronous, 2, "synchronous = FULL (2), not NORMAL (1) or OFF (0)");
        let (journal,): (String,) = sqlx::query_as("PRAGMA journal_mode").fetch_one(&mut *conn).await.unwrap();
        assert_eq!(journal, "wal");
    }
    store.pool().close().await;
}
