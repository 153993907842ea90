//! Several servers on one PostgreSQL database form one service: clients on different
//! nodes edit one draft at once and converge with every edit; sessions, single-use tickets
//! and actor bindings hold across nodes; compaction by several writers keeps every edit.
//! Skipped (with a note) when `PLUMA_TEST_POSTGRES_URL` is unset.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use automerge::ActorId;
use pluma_server::config::Config;
use pluma_tests::client;
use pluma_tests::cluster::{Cluster, DELEGATES, Writer, wait_listening};
use pluma_tests::edits::{self, Proposer};
use pluma_tests::server::{TestServer, password_of};

/// Every token appears exactly once in `text`.
fn assert_each_once(text: &str, tokens: &[String]) {
    for t in tokens {
        assert_eq!(text.matches(&format!(" {t} ")).count() + usize::from(text.ends_with(&format!(" {t}"))), 1, "{t} in {text:?}");
    }
}

/// Writers on three nodes edit one draft at the same time: each sees every edit of the
/// others (forwarded through PostgreSQL notices), and all three end with the same text.
#[tokio::test]
async fn clients_on_three_nodes_converge_with_every_edit() {
    let Some(cluster) = Cluster::start(3, |url: &str| Config::with_database(url)).await else { return };
    let doc = cluster.shared_draft().await;
    wait_listening(&cluster.apis()).await.unwrap();
    // Every writer has the document open on its node before anyone edits.
    let mut opened = Vec::new();
    for (i, (login, _)) in DELEGATES.iter().enumerate() {
        opened.push(Writer::open(cluster.apis(), i, login, &password_of(login), &doc, &format!("peer-{login}")).await.unwrap());
    }
    let mut tasks = Vec::new();
    for mut w in opened {
        tasks.push(tokio::spawn(async move {
            for n in 0..10 {
                w.edit(&format!("{}{n}", w.node())).await.unwrap();
            }
            w
        }));
    }
    let mut writers = Vec::new();
    for t in tasks {
        writers.push(t.await.unwrap());
    }
    let all: Vec<String> = writers.iter().flat_map(|w| w.acknowledged.clone()).collect();
    assert_eq!(all.len(), 30);
    let mut texts = Vec::new();
    for w in &mut writers {
        w.until(|d| {
            let text = edits::text(d, 0, "en").unwrap();
            all.iter().all(|t| text.contains(&format!(" {t}")))
        })
        .await
        .unwrap();
        assert_eq!(w.reconnects, 0, "nothing failed, nobody reconnected");
        texts.push(edits::text(w.doc(), 0, "en").unwrap());
    }
    assert!(texts.iter().all(|t| *t == texts[0]), "the nodes' clients converge: {texts:?}");
    assert_each_once(&texts[0], &all);
    for node in &cluster.nodes {
        assert!(node.state.metrics.remote_catch_ups() > 0, "every node applied the others' changes");
    }
    cluster.stop().await;
}

/// A session made on one node works on every node; a sync ticket is single use across
/// nodes; one actor cannot be bound to two users by two nodes racing.
#[tokio::test]
async fn sessions_tickets_and_actor_bindings_hold_across_nodes() {
    let Some(cluster) = Cluster::start(3, |url: &str| Config::with_database(url)).await else { return };
    let doc = cluster.shared_draft().await;
    let [n0, n1, n2] = [&cluster.nodes[0], &cluster.nodes[1], &cluster.nodes[2]];
    let mx = n0.api.login("mx", &password_of("mx")).await.unwrap();
    let ar = n1.api.login("ar", &password_of("ar")).await.unwrap();

    // A ticket from node 2 for node 0's session, used on node 1, then refused on node 0.
    let ticket = n2.api.ticket(&mx.token).await.unwrap();
    let mut on_n1 = client::connect(&n1.api.sync_url(&ticket), "peer-a").await.unwrap();
    on_n1.open(&doc).await.unwrap();
    assert!(client::connect(&n0.api.sync_url(&ticket), "peer-b").await.is_err(), "a used ticket is refused by every node");
    drop(on_n1);

    // The same actor id, first used at once by Mexico on node 0 and Argentina on node 1.
    let actor = ActorId::random();
    let mut a = client::connect(&n0.sync_url(&mx).await, "peer-mx").await.unwrap();
    let mut b = client::connect(&n1.sync_url(&ar).await, "peer-ar").await.unwrap();
    a.open(&doc).await.unwrap();
    b.open(&doc).await.unwrap();
    for (c, s, word) in [(&mut a, &mx, " mexico"), (&mut b, &ar, " argentina")] {
        let actor = actor.clone();
        c.change(&doc, move |d| {
            d.set_actor(actor);
            edits::append(d, &Proposer::of(s), 0, "en", word)
        })
        .await
        .unwrap();
    }
    let (ra, rb) = tokio::join!(a.wait_synced(&doc), b.wait_synced(&doc));
    assert!(ra.is_ok() != rb.is_ok(), "exactly one of the two is accepted: {ra:?} / {rb:?}");
    let refused = if ra.is_ok() { &mut b } else { &mut a };
    let error = refused.expect_error().await.unwrap();
    assert!(error.contains("actor"), "{error}");
    let owners = n2.state.store.actor_owners(&[actor.to_hex_string()]).await.unwrap();
    assert_eq!(owners.len(), 1);
    let winner = if ra.is_ok() { &mx } else { &ar };
    assert_eq!(owners[0].1.user.as_str(), winner.user["id"].as_str().unwrap());

    // A third node serves the text with the winner's word only.
    let mut c = client::connect(&n2.sync_url(&mx).await, "peer-c").await.unwrap();
    c.open(&doc).await.unwrap();
    let (kept, lost) = if ra.is_ok() { (" mexico", " argentina") } else { (" argentina", " mexico") };
    c.pump_until(|c| edits::text(&c.docs[&doc].doc, 0, "en").unwrap().contains(kept)).await.unwrap();
    assert!(!edits::text(&c.docs[&doc].doc, 0, "en").unwrap().contains(lost));
    cluster.stop().await;
}

/// Three nodes writing one draft with a low compaction threshold compact it many times
/// (one at a time, each including the others' snapshots): after every node stops, a new
/// server loads every edit.
#[tokio::test]
async fn compaction_by_several_writers_keeps_every_edit() {
    let config = |url: &str| {
        let mut c = Config::with_database(url);
        c.compaction_threshold = 4;
        c
    };
    let Some(cluster) = Cluster::start(3, config).await else { return };
    let doc = cluster.shared_draft().await;
    wait_listening(&cluster.apis()).await.unwrap();
    // Every writer has the document open on its node before anyone edits.
    let mut opened = Vec::new();
    for (i, (login, _)) in DELEGATES.iter().enumerate() {
        opened.push(Writer::open(cluster.apis(), i, login, &password_of(login), &doc, &format!("peer-{login}")).await.unwrap());
    }
    let mut tasks = Vec::new();
    for mut w in opened {
        tasks.push(tokio::spawn(async move {
            for n in 0..12 {
                w.edit(&format!("c{}-{n}", w.node())).await.unwrap();
            }
            w
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap().acknowledged);
    }
    let doc_id = doc.parse().unwrap();
    let logged = cluster.nodes[0].state.store.logged_change_count(&doc_id).await.unwrap();
    assert!(logged < 36, "compacted: {logged} changes left in the log");
    let url = cluster.db.url.clone();
    let Cluster { nodes, db } = cluster;
    for node in nodes {
        node.stop().await;
    }
    let fresh = TestServer::start(&url).await;
    let mx = fresh.api.login("mx", &password_of("mx")).await.unwrap();
    let mut c = client::connect(&fresh.sync_url(&mx).await, "peer-fresh").await.unwrap();
    c.open(&doc).await.unwrap();
    let text = edits::text(&c.docs[&doc].doc, 0, "en").unwrap();
    assert_each_once(&text, &all);
    let counts: HashMap<char, usize> = all.iter().filter_map(|t| t.chars().nth(1)).fold(HashMap::new(), |mut m, n| {
        *m.entry(n).or_default() += 1;
        m
    });
    assert_eq!(counts.len(), 3, "all three nodes wrote: {counts:?}");
    fresh.stop().await;
    drop(db);
}
