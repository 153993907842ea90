//! A sync connection lives only as long as the session whose ticket opened it: signing out
//! (on this server or another), or the session vanishing from the database, closes it with
//! an `error` message, and nothing it sends afterwards is stored. Other sessions go on.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use pluma_server::config::Config;
use pluma_server::model::Role;
use pluma_server::sync::session_watch::SESSION_ENDED;
use pluma_tests::api::Session;
use pluma_tests::client::{self, Event, SyncClient};
use pluma_tests::cluster::{Cluster, wait_listening};
use pluma_tests::db::TestDb;
use pluma_tests::edits::{self, Proposer};
use pluma_tests::server::{TestServer, password_of};

async fn logged(server: &TestServer, doc_id: &str) -> i64 {
    server.state.store.logged_change_count(&doc_id.parse().unwrap()).await.unwrap()
}

/// Proposes `text` at the end of the first paragraph and waits until the server has it.
async fn propose(c: &mut SyncClient, who: &Session, doc_id: &str, text: &str) {
    let proposer = Proposer::of(who);
    c.change(doc_id, |d| edits::append(d, &proposer, 0, "en", text)).await.unwrap();
    c.wait_synced(doc_id).await.unwrap();
}

/// Settings under which only a sign-out's own path can close a socket in a test's time.
fn rare_checks(url: &str) -> Config {
    let mut config = Config::with_database(url);
    config.limits.session_check_interval = Duration::from_secs(3600);
    config
}

async fn sign_out(api: &pluma_tests::api::Api, session: &Session) {
    let (status, _) = api.call(reqwest::Method::DELETE, "/api/session", Some(&session.token), None).await.unwrap();
    assert_eq!(status, 204);
}

/// A delegate signs out with a draft open: the socket gets an error saying the session has
/// ended and is closed; the proposal it tries to send afterwards is not stored, and a
/// ticket issued before opens nothing. Another delegate, and the same delegate's other
/// session, go on editing. The periodic check is made too rare to be what closes it.
#[tokio::test]
async fn signing_out_closes_the_sessions_sockets_and_stores_nothing_after() {
    for db in TestDb::each().await {
        let server = TestServer::start_with(rare_checks(&db.url)).await;
        let (_chair, doc_id) = server.chair_and_draft().await;
        let hn = server.user_session("hn", Role::Delegate, Some("HN")).await;
        let hn_phone = server.api.login("hn", &password_of("hn")).await.unwrap();
        let gt = server.user_session("gt", Role::Delegate, Some("GT")).await;

        let mut hn_socket = client::connect(&server.sync_url(&hn).await, "peer-hn").await.unwrap();
        let mut phone_socket = client::connect(&server.sync_url(&hn_phone).await, "peer-hn-phone").await.unwrap();
        let mut gt_socket = client::connect(&server.sync_url(&gt).await, "peer-gt").await.unwrap();
        for c in [&mut hn_socket, &mut phone_socket, &mut gt_socket] {
            c.open(&doc_id).await.unwrap();
        }
        propose(&mut hn_socket, &hn, &doc_id, " before").await;
        let spare_ticket = server.api.ticket(&hn.token).await.unwrap();
        let before = logged(&server, &doc_id).await;

        sign_out(&server.api, &hn).await;
        let error = hn_socket.expect_error().await.unwrap();
        assert_eq!(error, SESSION_ENDED, "{}", db.backend);
        hn_socket.expect_closed().await.unwrap();
        // The socket is closed: a proposal sent now goes nowhere (if the socket still
        // takes it at all), and is not stored.
        let proposer = Proposer::of(&hn);
        let late = hn_socket.change(&doc_id, |d| edits::append(d, &proposer, 0, "en", " after")).await;
        assert!(
            client::connect(&server.api.sync_url(&spare_ticket), "peer-hn-2").await.is_err(),
            "{}: a ticket of the ended session opens nothing",
            db.backend
        );

        propose(&mut gt_socket, &gt, &doc_id, " gt").await;
        propose(&mut phone_socket, &hn_phone, &doc_id, " phone").await;
        assert_eq!(logged(&server, &doc_id).await, before + 2, "{}: only the other sessions' proposals were stored", db.backend);
        if let Ok(heads) = late {
            let stored = server.state.store.logged_changes(&doc_id.parse().unwrap(), &[heads[0].0]).await.unwrap();
            assert!(stored.is_empty(), "{}: the proposal made after signing out is not stored", db.backend);
        }
        assert!(!gt_socket.is_closed() && !phone_socket.is_closed());
        server.stop().await;
    }
}

/// A proposal that reaches a server before it has heard that the session ended (as on a
/// server whose notice is late) is refused by the change log: the socket gets the error, and
/// nothing of it is stored.
#[tokio::test]
async fn the_change_log_refuses_changes_of_an_ended_session() {
    for db in TestDb::each().await {
        let server = TestServer::start_with(rare_checks(&db.url)).await;
        let (_chair, doc_id) = server.chair_and_draft().await;
        let hn = server.user_session("hn", Role::Delegate, Some("HN")).await;
        let mut hn_socket = client::connect(&server.sync_url(&hn).await, "peer-hn").await.unwrap();
        hn_socket.open(&doc_id).await.unwrap();
        let before = logged(&server, &doc_id).await;
        // Deleted in the database only: no sign-out route, no notice this server hears.
        db.execute("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE login = 'hn')").await;

        let proposer = Proposer::of(&hn);
        let heads = hn_socket.change(&doc_id, |d| edits::append(d, &proposer, 0, "en", " late")).await.unwrap();
        assert_eq!(hn_socket.expect_error().await.unwrap(), SESSION_ENDED, "{}", db.backend);
        assert_eq!(logged(&server, &doc_id).await, before, "{}", db.backend);
        let stored = server.state.store.logged_changes(&doc_id.parse().unwrap(), &[heads[0].0]).await.unwrap();
        assert!(stored.is_empty(), "{}", db.backend);
        server.stop().await;
    }
}

/// A session deleted in the database behind the server's back (a removed user, an edit by
/// hand) closes its sockets at the next check; while the database cannot be asked, the
/// checks close nothing (PostgreSQL, where the database can be taken away).
#[tokio::test]
async fn the_periodic_check_closes_sockets_of_vanished_sessions_only() {
    for db in TestDb::each().await {
        let mut config = Config::with_database(&db.url);
        config.limits.session_check_interval = Duration::from_millis(100);
        let server = TestServer::start_with(config).await;
        let (_chair, doc_id) = server.chair_and_draft().await;
        let hn = server.user_session("hn", Role::Delegate, Some("HN")).await;
        let gt = server.user_session("gt", Role::Delegate, Some("GT")).await;
        let mut hn_socket = client::connect(&server.sync_url(&hn).await, "peer-hn").await.unwrap();
        let mut gt_socket = client::connect(&server.sync_url(&gt).await, "peer-gt").await.unwrap();
        hn_socket.open(&doc_id).await.unwrap();
        gt_socket.open(&doc_id).await.unwrap();

        if db.backend == "postgres" {
            db.set_reachable(false).await;
            hn_socket.pump_for(Duration::from_secs(1)).await.unwrap();
            assert!(
                !hn_socket.events.iter().any(|e| matches!(e, Event::Error(_) | Event::Closed)),
                "a failed check closes nothing: {:?}",
                hn_socket.events
            );
            db.set_reachable(true).await;
        }

        db.execute("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE login = 'hn')").await;
        assert_eq!(hn_socket.expect_error().await.unwrap(), SESSION_ENDED, "{}", db.backend);
        propose(&mut gt_socket, &gt, &doc_id, " gt").await;
        server.stop().await;
    }
}

/// Signing out through one server closes the session's socket on another server (its
/// notice), while another delegate's socket there goes on. The periodic check is made too
/// rare to be what closes it.
#[tokio::test]
async fn signing_out_on_one_node_closes_the_socket_on_another() {
    let Some(cluster) = Cluster::start(2, rare_checks).await else { return };
    let doc_id = cluster.shared_draft().await;
    wait_listening(&cluster.apis()).await.unwrap();
    let [n0, n1] = [&cluster.nodes[0], &cluster.nodes[1]];
    let mx = n1.api.login("mx", &password_of("mx")).await.unwrap();
    let ar = n1.api.login("ar", &password_of("ar")).await.unwrap();
    let mut mx_socket = client::connect(&n1.sync_url(&mx).await, "peer-mx").await.unwrap();
    let mut ar_socket = client::connect(&n1.sync_url(&ar).await, "peer-ar").await.unwrap();
    mx_socket.open(&doc_id).await.unwrap();
    ar_socket.open(&doc_id).await.unwrap();
    let before = logged(n1, &doc_id).await;

    sign_out(&n0.api, &mx).await;
    assert_eq!(mx_socket.expect_error().await.unwrap(), SESSION_ENDED);
    mx_socket.expect_closed().await.unwrap();
    propose(&mut ar_socket, &ar, &doc_id, " ar").await;
    assert_eq!(logged(n1, &doc_id).await, before + 1);
    cluster.stop().await;
}
