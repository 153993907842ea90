//! Acting on proposals through the API: the server makes the change on the requester's
//! behalf, checks it with the same rules as a peer's change, stores it, and every connected
//! client receives it. The activity log records who did what.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pluma_core::Draft;
use pluma_server::model::Role;
use pluma_tests::api::{Session, small_zero_draft};
use pluma_tests::client;
use pluma_tests::db::TestDb;
use pluma_tests::edits::{self, Proposer};
use pluma_tests::server::TestServer;
use reqwest::Method;
use serde_json::{Value, json};

/// The pending proposals a client's copy holds.
fn pending(doc: &automerge::AutoCommit) -> Vec<pluma_core::Suggestion> {
    Draft::load(&doc.clone().save()).unwrap().suggestions().unwrap()
}

#[tokio::test]
async fn chairs_accept_and_reject_delegations_withdraw_everyone_sees_it() {
    for db in TestDb::each().await {
        let b = db.backend;
        let server = TestServer::start(&db.url).await;
        let chair = server.user_session("ar-chair", Role::Chair, Some("AR")).await;
        let draft = server.api.create_draft(&chair.token, small_zero_draft()).await.unwrap();
        let (draft_id, doc_id) = (draft["id"].as_str().unwrap().to_owned(), draft["doc_id"].as_str().unwrap().to_owned());
        let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
        let co = server.user_session("co", Role::Delegate, Some("CO")).await;
        let pe = server.user_session("pe", Role::Delegate, Some("PE")).await;
        let mut a = client::connect(&server.sync_url(&mx).await, "peer-mx").await.unwrap();
        let mut c = client::connect(&server.sync_url(&co).await, "peer-co").await.unwrap();
        a.open(&doc_id).await.unwrap();
        c.open(&doc_id).await.unwrap();

        a.change(&doc_id, |d| edits::append(d, &Proposer::of(&mx), 1, "en", " [MX]")).await.unwrap();
        a.change(&doc_id, |d| edits::append(d, &Proposer::of(&mx), 0, "es", " [MX-es]")).await.unwrap();
        c.change(&doc_id, |d| edits::append(d, &Proposer::of(&co), 1, "en", " [CO]")).await.unwrap();
        c.change(&doc_id, |d| edits::append(d, &Proposer::of(&co), 0, "en", " [CO2]")).await.unwrap();
        a.wait_synced(&doc_id).await.unwrap();
        c.wait_synced(&doc_id).await.unwrap();

        let base = format!("/api/drafts/{draft_id}/suggestions");
        let (status, list) = server.api.call(Method::GET, &base, Some(&pe.token), None).await.unwrap();
        assert_eq!(status, 200, "{b}: {list}");
        assert_eq!(list["suggestions"].as_array().unwrap().len(), 4, "{b}: {list}");

        // A delegate may not accept, not even their own proposal; nothing changes.
        let (status, body) =
            server.api.call(Method::POST, &format!("{base}/accept"), Some(&mx.token), Some(json!({"all": true}))).await.unwrap();
        assert_eq!(status, 403, "{b}: {body}");
        // Withdrawing another country's proposal by id is refused.
        let co_id =
            list["suggestions"].as_array().unwrap().iter().find(|s| s["country"] == "CO" && s["text"] == " [CO]").unwrap()["id"].clone();
        let (status, body) =
            server.api.call(Method::POST, &format!("{base}/withdraw"), Some(&mx.token), Some(json!({"ids": [co_id]}))).await.unwrap();
        assert_eq!(status, 403, "{b}: {body}");
        malformed_selections_are_clear_errors(&server, &base, &chair, b).await;
        a.pump_until(|cl| pending(&cl.docs[&doc_id].doc).len() == 4).await.unwrap();
        let (_, again) = server.api.call(Method::GET, &base, Some(&pe.token), None).await.unwrap();
        assert_eq!(again, list, "{b}: refused requests changed nothing");

        // The chair accepts Mexico's proposals and rejects Colombia's in paragraph 2.
        let (status, body) =
            server.api.call(Method::POST, &format!("{base}/accept"), Some(&chair.token), Some(json!({"country": "MX"}))).await.unwrap();
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(body["suggestions"].as_array().unwrap().len(), 2, "{b}: {body}");
        let p2 = list["suggestions"].as_array().unwrap().iter().find(|s| s["text"] == " [CO]").unwrap()["paragraph"].clone();
        let (status, body) =
            server.api.call(Method::POST, &format!("{base}/reject"), Some(&chair.token), Some(json!({"paragraph": p2}))).await.unwrap();
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(body["suggestions"].as_array().unwrap().len(), 1, "{b}: only Colombia's is left there: {body}");
        // Colombia withdraws its own remaining proposal.
        let (status, body) =
            server.api.call(Method::POST, &format!("{base}/withdraw"), Some(&co.token), Some(json!({"country": "CO"}))).await.unwrap();
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(body["suggestions"][0]["text"], " [CO2]", "{b}: {body}");
        // Nothing left: a second accept-all is a no-op, not an error.
        let (status, body) =
            server.api.call(Method::POST, &format!("{base}/accept"), Some(&chair.token), Some(json!({"all": true}))).await.unwrap();
        assert_eq!((status, body["suggestions"].as_array().unwrap().len()), (200, 0), "{b}");

        // Both clients receive the server's changes and agree with what the server stores.
        let expected_en1 = "Agree to meet again. [MX]";
        for cl in [&mut a, &mut c] {
            cl.pump_until(|cl| {
                edits::text(&cl.docs[&doc_id].doc, 1, "en").unwrap() == expected_en1
                    && edits::text(&cl.docs[&doc_id].doc, 0, "en").unwrap() == "Recognizing the value of cooperation,"
            })
            .await
            .unwrap();
            assert!(pending(&cl.docs[&doc_id].doc).is_empty(), "{b}: no proposals left");
        }
        assert_eq!(edits::text(&a.docs[&doc_id].doc, 0, "es").unwrap(), "Reconociendo el valor de la cooperación, [MX-es]");
        let mut late = client::connect(&server.sync_url(&pe).await, "peer-pe").await.unwrap();
        late.open(&doc_id).await.unwrap();
        assert_eq!(edits::text(&late.docs[&doc_id].doc, 1, "en").unwrap(), expected_en1, "{b}: stored");

        the_activity_log_names_each_action(&server, &draft_id, &pe, &chair, b).await;
        server.stop().await;
    }
}

/// Failed sign-ins are limited per login (429 with Retry-After); other logins, and the
/// audit log's record of attempts, are unaffected.
#[tokio::test]
async fn failed_sign_ins_are_rate_limited() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    server.add_user("mx", Role::Delegate, Some("MX")).await;
    server.add_user("ar", Role::Delegate, Some("AR")).await;
    let limit = pluma_server::config::FAILED_SIGN_INS_PER_MINUTE;
    for _ in 0..limit {
        let (status, _) =
            server.api.call(Method::POST, "/api/session", None, Some(json!({"login": "mx", "password": "wrong"}))).await.unwrap();
        assert_eq!(status, 401);
    }
    let resp = reqwest::Client::new()
        .post(format!("http://{}/api/session", server.addr))
        .json(&json!({"login": "MX", "password": pluma_tests::server::password_of("mx")}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 429, "even the right password waits: the login is under attack");
    let retry: u64 = resp.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // Another delegation signs in normally.
    server.api.login("ar", &pluma_tests::server::password_of("ar")).await.unwrap();
    server.stop().await;
}

/// Malformed selections and unknown ids are clear errors (422, 404; 401 without a session).
async fn malformed_selections_are_clear_errors(server: &TestServer, base: &str, chair: &Session, b: &str) {
    for bad in [
        json!({}),
        json!({"all": true, "country": "MX"}),
        json!({"ids": []}),
        json!({"country": "mexico"}),
        json!({"all": false}),
        json!({"every": true}),
    ] {
        let (status, body) = server.api.call(Method::POST, &format!("{base}/accept"), Some(&chair.token), Some(bad.clone())).await.unwrap();
        assert_eq!(status, 422, "{b}: {bad} -> {body}");
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()), "{body}");
    }
    let (status, body) = server
        .api
        .call(Method::POST, &format!("{base}/accept"), Some(&chair.token), Some(json!({"ids": ["s0000000000000000"]})))
        .await
        .unwrap();
    assert_eq!(status, 404, "{b}: {body}");
    let (status, _) = server
        .api
        .call(Method::POST, "/api/drafts/d0000000000000000/suggestions/accept", Some(&chair.token), Some(json!({"all": true})))
        .await
        .unwrap();
    assert_eq!(status, 404, "{b}");
    let (status, _) = server.api.call(Method::POST, &format!("{base}/accept"), None, Some(json!({"all": true}))).await.unwrap();
    assert_eq!(status, 401, "{b}");
}

/// The activity log names each action and its author, newest first, in pages.
async fn the_activity_log_names_each_action(server: &TestServer, draft_id: &str, pe: &Session, chair: &Session, b: &str) {
    let (status, page) =
        server.api.call(Method::GET, &format!("/api/drafts/{draft_id}/activity?limit=4"), Some(&pe.token), None).await.unwrap();
    assert_eq!(status, 200, "{b}: {page}");
    let actions: Vec<&str> = page["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["proposals_withdrawn", "proposals_rejected", "proposals_accepted", "changes_accepted"], "{b}: {page}");
    assert_eq!(page["entries"][2]["user"], chair.user["id"], "{b}");
    assert_eq!(page["entries"][2]["country"], "AR", "{b}");
    let mut all: Vec<Value> = page["entries"].as_array().unwrap().clone();
    let mut before = page["next_before"].as_i64();
    while let Some(cursor) = before {
        let (status, next) = server
            .api
            .call(Method::GET, &format!("/api/drafts/{draft_id}/activity?limit=4&before={cursor}"), Some(&pe.token), None)
            .await
            .unwrap();
        assert_eq!(status, 200, "{b}: {next}");
        all.extend(next["entries"].as_array().unwrap().iter().cloned());
        before = next["next_before"].as_i64();
    }
    let count = |action: &str| all.iter().filter(|e| e["action"] == action).count();
    assert_eq!(count("draft_created"), 1, "{b}");
    // A client may send two of its edits in one message, which is one entry: count the
    // changes the entries record.
    let accepted_changes: usize =
        all.iter().filter(|e| e["action"] == "changes_accepted").map(|e| e["detail"]["hashes"].as_array().map_or(0, Vec::len)).sum();
    assert_eq!(accepted_changes, 4, "{b}: the four proposals: {all:?}");
    assert!(all.windows(2).all(|w| w[0]["id"].as_i64() > w[1]["id"].as_i64()), "{b}: newest first, no repeats");
    for bad in ["limit=0", "limit=501", "before=0", "limit=x"] {
        let (status, _) =
            server.api.call(Method::GET, &format!("/api/drafts/{draft_id}/activity?{bad}"), Some(&pe.token), None).await.unwrap();
        assert_eq!(status, 400, "{b}: {bad}");
    }
}
