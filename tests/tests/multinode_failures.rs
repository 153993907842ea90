//! Several servers on one PostgreSQL database when the database fails: connections cut
//! again and again under load lose nothing and blank nothing; a database that is gone is
//! refused clearly (an `error` to sync clients, 503 on the API and `/healthz`), nothing is
//! half-stored, and every node recovers by itself when it is back (listening again, caught
//! up). Skipped (with a note) when `PLUMA_TEST_POSTGRES_URL` is unset.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use pluma_server::config::Config;
use pluma_tests::client;
use pluma_tests::cluster::{Cluster, DELEGATES, Writer, wait_listening};
use pluma_tests::edits;
use pluma_tests::server::password_of;
use reqwest::Method;

fn contains_each_once(text: &str, tokens: &[String]) -> bool {
    tokens.iter().all(|t| text.split(' ').filter(|w| w == t).count() == 1)
}

/// Every connection of every node to the database is ended ten times while clients on
/// three nodes write: every edit ends up stored once, the text keeps its original words,
/// and every node listens again.
#[tokio::test]
async fn connections_cut_under_load_lose_nothing() {
    let Some(cluster) = Cluster::start(3, |url: &str| Config::with_database(url)).await else { return };
    let doc = cluster.shared_draft().await;
    wait_listening(&cluster.apis()).await.unwrap();
    // Every writer has the document open on its node before anyone edits.
    let mut opened = Vec::new();
    for (i, (login, _)) in DELEGATES.iter().enumerate() {
        opened.push(Writer::open(cluster.apis(), i, login, &password_of(login), &doc, &format!("peer-{login}")).await.unwrap());
    }
    let mut tasks = Vec::new();
    for (mut w, (login, _)) in opened.into_iter().zip(DELEGATES) {
        tasks.push(tokio::spawn(async move {
            for n in 0..20 {
                w.edit(&format!("{login}{n}")).await.unwrap();
                tokio::time::sleep(Duration::from_millis(40)).await;
            }
            w
        }));
    }
    let mut ended = 0;
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        ended += cluster.db.cut_connections().await;
    }
    assert!(ended > 0, "connections were cut");
    let mut writers = Vec::new();
    for t in tasks {
        writers.push(t.await.unwrap());
    }
    wait_listening(&cluster.apis()).await.unwrap();
    let all: Vec<String> = writers.iter().flat_map(|w| w.acknowledged.clone()).collect();
    assert_eq!(all.len(), 60);
    for w in &mut writers {
        w.until(|d| contains_each_once(&edits::text(d, 0, "en").unwrap(), &all)).await.unwrap();
    }
    let reconnects: usize = writers.iter().map(|w| w.reconnects).sum();
    eprintln!("{ended} connections cut; writers reconnected {reconnects} times");

    // A new client on each node reads the whole text.
    let mx = cluster.nodes[0].api.login("mx", &password_of("mx")).await.unwrap();
    for node in &cluster.nodes {
        let mut c = client::connect(&node.sync_url(&mx).await, "peer-reader").await.unwrap();
        c.open(&doc).await.unwrap();
        c.pump_until(|c| contains_each_once(&edits::text(&c.docs[&doc].doc, 0, "en").unwrap(), &all)).await.unwrap();
        let text = edits::text(&c.docs[&doc].doc, 0, "en").unwrap();
        assert!(text.starts_with("Recognizing the value of cooperation,"), "not blanked: {text}");
    }
    cluster.stop().await;
}

/// The database becomes unreachable: `/healthz` and the API answer 503, an edit sent to a
/// node gets an automerge-repo `error` and is not stored (the client keeps it); when the
/// database is back, every node listens again by itself, the kept edit is stored once,
/// and a client on another node sees it.
#[tokio::test]
async fn a_lost_database_is_refused_clearly_and_recovered() {
    let Some(cluster) = Cluster::start(3, |url: &str| Config::with_database(url)).await else { return };
    let doc = cluster.shared_draft().await;
    wait_listening(&cluster.apis()).await.unwrap();
    let mut mx = Writer::open(cluster.apis(), 0, "mx", &password_of("mx"), &doc, "peer-mx").await.unwrap();
    let mut ar = Writer::open(cluster.apis(), 1, "ar", &password_of("ar"), &doc, "peer-ar").await.unwrap();
    mx.edit("before").await.unwrap();
    let session = cluster.nodes[2].api.login("br", &password_of("br")).await.unwrap();

    cluster.db.set_reachable(false).await;
    for node in &cluster.nodes {
        let (status, body) = node.api.call(Method::GET, "/healthz", None, None).await.unwrap();
        assert_eq!(status, 503, "{body}");
        let (status, body) = node.api.call(Method::GET, "/api/drafts", Some(&session.token), None).await.unwrap();
        assert_eq!(status, 503, "the API says the service is unavailable: {body}");
    }
    // The edit is made while the database is gone; the writer keeps it and retries.
    let edit = tokio::spawn(async move {
        mx.edit("during").await.unwrap();
        mx
    });
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(!edit.is_finished(), "nothing can be acknowledged without the database");
    cluster.db.set_reachable(true).await;
    let mx = edit.await.unwrap();
    assert!(mx.errors.iter().any(|e| e.contains("could not store")), "the client was told its changes were not stored: {:?}", mx.errors);
    assert!(mx.reconnects > 0);
    wait_listening(&cluster.apis()).await.unwrap();
    let expected = vec!["before".to_owned(), "during".to_owned()];
    ar.until(|d| contains_each_once(&edits::text(d, 0, "en").unwrap(), &expected)).await.unwrap();
    ar.edit("after").await.unwrap();
    let logged = cluster.nodes[2].state.store.logged_change_count(&doc.parse().unwrap()).await.unwrap();
    assert_eq!(logged, 3, "each edit stored once, nothing half-stored");
    cluster.stop().await;
}
