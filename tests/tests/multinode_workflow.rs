//! The workflow state each node caches follows the database: a silence procedure started
//! through one node freezes the text for clients of another at once (by the database's
//! account, then by the other node's own gate once it heard of it), and an objection made
//! through one node unfreezes it on the other. Skipped (with a note) when
//! `PLUMA_TEST_POSTGRES_URL` is unset.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use pluma_server::config::Config;
use pluma_server::ids::MeetingId;
use pluma_server::model::{Conference, Delegation, Role};
use pluma_server::store::NewMeeting;
use pluma_tests::api::{Session, small_zero_draft};
use pluma_tests::client;
use pluma_tests::cluster::{Cluster, wait_listening};
use pluma_tests::edits::{self, Proposer};
use pluma_tests::server::TestServer;
use reqwest::Method;
use serde_json::{Value, json};

fn delegation(code: &str, conference: Conference, is_ppt: bool) -> Delegation {
    Delegation {
        code: code.parse().unwrap(),
        name_en: code.into(),
        name_es: code.into(),
        conference,
        time_zone: "America/Lima".into(),
        is_ppt,
    }
}

async fn post(node: &TestServer, path: &str, who: &Session, body: Value) -> (u16, Value) {
    node.api.call(Method::POST, path, Some(&who.token), Some(body)).await.unwrap()
}

/// Peru proposes a word through `node`; the error the node answers with, or `None` when
/// the edit was stored.
async fn propose(node: &TestServer, pe: &Session, doc: &str, word: &str) -> Option<String> {
    let mut c = client::connect(&node.sync_url(pe).await, &format!("peer-{word}")).await.unwrap();
    c.open(doc).await.unwrap();
    c.change(doc, |d| edits::append(d, &Proposer::of(pe), 1, "en", &format!(" {word}"))).await.unwrap();
    match c.wait_synced(doc).await {
        Ok(()) => None,
        Err(_) => Some(c.expect_error().await.unwrap()),
    }
}

/// Silence proposed on node 0 and agreed on node 1 freezes the text on node 1; an objection
/// on node 0 unfreezes it.
#[tokio::test]
async fn silence_on_one_node_freezes_and_frees_the_text_on_another() {
    let Some(cluster) = Cluster::start(2, |url: &str| Config::with_database(url)).await else { return };
    wait_listening(&cluster.apis()).await.unwrap();
    let (n0, n1) = (&cluster.nodes[0], &cluster.nodes[1]);
    let meeting = NewMeeting {
        id: MeetingId::random(),
        name_en: "Plenary".into(),
        name_es: "Plenaria".into(),
        delegations: vec![
            delegation("MX", Conference::Rcm, true),
            delegation("AR", Conference::Sacm, true),
            delegation("PE", Conference::Sacm, false),
        ],
    };
    n0.state.store.create_meeting(&meeting, 1).await.unwrap();
    let mx = n0.user_session("mx-chair", Role::Chair, Some("MX")).await;
    let ar = n0.user_session("ar-chair", Role::Chair, Some("AR")).await;
    let pe = n0.user_session("pe", Role::Delegate, Some("PE")).await;
    let sec = n0.user_session("sec", Role::Secretariat, Some("SEC")).await;
    let (status, draft) = post(n0, "/api/drafts", &mx, json!({"meeting_id": meeting.id.as_str(), "zero_draft": small_zero_draft()})).await;
    assert_eq!(status, 201, "{draft}");
    let (id, doc) = (draft["id"].as_str().unwrap().to_owned(), draft["doc_id"].as_str().unwrap().to_owned());

    // Node 1 has the document loaded (a client of its own), and takes a proposal.
    let mut watcher = client::connect(&n1.sync_url(&pe).await, "peer-watch").await.unwrap();
    watcher.open(&doc).await.unwrap();
    assert_eq!(propose(n1, &pe, &doc, "open").await, None);

    // The proposal accepted, concordance confirmed and silence started, all through node 0.
    // (Node 0 may learn of the proposal a moment later.)
    let mut resolved = false;
    for _ in 0..50 {
        let (status, body) = post(n0, &format!("/api/drafts/{id}/suggestions/accept"), &sec, json!({"all": true})).await;
        assert_eq!(status, 200, "{body}");
        if !body["suggestions"].as_array().unwrap().is_empty() {
            resolved = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(resolved, "node 0 accepted the proposal taken by node 1");
    let (status, dashboard) = n0.api.call(Method::GET, &format!("/api/drafts/{id}/dashboard"), Some(&pe.token), None).await.unwrap();
    assert_eq!(status, 200, "{dashboard}");
    for p in dashboard["paragraphs"].as_array().unwrap() {
        let path = format!("/api/drafts/{id}/paragraphs/{}/concordance", p["paragraph"].as_str().unwrap());
        let (status, body) = post(n0, &path, &sec, json!({})).await;
        assert_eq!(status, 200, "{body}");
    }
    let proposal = json!({"deadline": "2999-01-01T00:00:00Z", "settled_override": {"reason": "Consulting capitals"}});
    let (status, body) = post(n0, &format!("/api/drafts/{id}/silence"), &mx, proposal).await;
    assert_eq!(status, 202, "proposed by Mexico's chair: {body}");
    // Argentina's chair agrees through the other node.
    let agreement = json!({"proposal": body["proposal"]["id"]});
    let (status, body) = post(n1, &format!("/api/drafts/{id}/silence/agreement"), &ar, agreement).await;
    assert_eq!(status, 201, "agreed by Argentina's chair: {body}");

    // Node 1 refuses every proposal from now on; soon with its own precise reason.
    let mut precise = false;
    for i in 0..50 {
        let error = propose(n1, &pe, &doc, &format!("frozen{i}")).await.expect("a frozen text takes no change");
        assert!(error.contains("silence"), "{error}");
        if error.contains("under a silence procedure until 2999-01-01") {
            precise = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(precise, "node 1 learned of the silence procedure started on node 0");

    // Peru objects through node 0: node 1 takes proposals again.
    let (status, body) =
        post(n0, &format!("/api/drafts/{id}/silence/objections"), &pe, json!({"text": "Peru cannot join paragraph 2."})).await;
    assert_eq!(status, 201, "{body}");
    let mut accepted = false;
    for i in 0..50 {
        if propose(n1, &pe, &doc, &format!("free{i}")).await.is_none() {
            accepted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(accepted, "node 1 learned that the silence was broken");
    drop(watcher);
    cluster.stop().await;
}
