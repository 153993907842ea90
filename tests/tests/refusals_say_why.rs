//! Every refusal says why (finding 13 of issue 18): a frame one byte over the limit and the
//! document one over the limit of a connection end with the server's `error` message and a
//! close frame carrying the reason, every time (never a bare 1006); JSON of the wrong shape
//! is named as such; withdrawing another delegation's proposals is 403; and the sign-in
//! endpoint refuses unknown fields like every other.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pluma_server::Config;
use pluma_server::model::Role;
use pluma_server::sync::protocol::Message;
use pluma_tests::client;
use pluma_tests::db::TestDb;
use pluma_tests::edits::{self, Proposer};
use pluma_tests::server::TestServer;
use reqwest::Method;
use serde_bytes::ByteBuf;
use serde_json::json;

/// A frame one byte over the limit, sent five times on five connections: each time the
/// error message names the limit and the close frame carries the reason.
#[tokio::test]
async fn an_oversized_frame_is_answered_with_its_reason() {
    let db = TestDb::sqlite();
    let mut config = Config::with_database(&db.url);
    config.limits.max_frame_bytes = 64 * 1024;
    let server = TestServer::start_with(config).await;
    let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
    for i in 0..5 {
        let mut c = client::connect(&server.sync_url(&mx).await, &format!("peer-{i}")).await.unwrap();
        c.send_raw(vec![0xa0; 64 * 1024 + 1]).await.unwrap();
        let error = c.expect_error().await.unwrap();
        assert!(error.contains("message too large") && error.contains("65536"), "{error}");
        c.expect_closed().await.unwrap();
        let (code, reason) = c.close_frame.clone().expect("a close frame, not an abrupt end");
        assert_eq!(code, 1008, "policy violation");
        assert!(reason.contains("message too large"), "the close frame says why: {reason:?}");
    }
    server.stop().await;
}

/// The document one over the connection's limit, requested right behind the others while
/// the client goes on sending: the error and the close frame say so, every time.
#[tokio::test]
async fn the_document_over_the_limit_is_answered_with_its_reason() {
    let db = TestDb::sqlite();
    let mut config = Config::with_database(&db.url);
    config.limits.max_documents_per_connection = 8;
    let server = TestServer::start_with(config).await;
    let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
    let empty = automerge::sync::Message {
        heads: vec![],
        need: vec![],
        have: vec![],
        changes: automerge::sync::ChunkList::empty(),
        flags: None,
        version: automerge::sync::MessageVersion::V1,
    }
    .encode();
    for round in 0..10 {
        let mut c = client::connect(&server.sync_url(&mx).await, &format!("peer-{round}")).await.unwrap();
        for _ in 0..12 {
            let request = Message::Request {
                sender_id: c.peer_id.clone(),
                target_id: c.server_peer_id.clone(),
                document_id: pluma_server::ids::DocumentId::random().to_string(),
                data: ByteBuf::from(empty.clone()),
            };
            // The server may already have closed: what matters is what it said.
            if c.send(&request).await.is_err() {
                break;
            }
        }
        let error = c.expect_error().await.unwrap();
        assert!(error.contains("too many documents on one connection: the limit is 8"), "round {round}: {error}");
        c.expect_closed().await.unwrap();
        let (_, reason) = c.close_frame.clone().unwrap_or_else(|| panic!("round {round}: closed without a close frame"));
        assert!(reason.contains("too many documents"), "round {round}: {reason:?}");
    }
    server.stop().await;
}

/// Valid JSON of the wrong shape is named as such (422), invalid JSON as invalid (400);
/// the sign-in endpoint refuses unknown fields (422) and still signs in without them.
#[tokio::test]
async fn bodies_are_judged_precisely() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let chair = server.user_session("chair", Role::Chair, Some("MX")).await;
    let (status, body) = server.api.call(Method::POST, "/api/drafts/import", Some(&chair.token), Some(json!({"kind": 5}))).await.unwrap();
    assert_eq!(status, 422, "{body}");
    let error = body["error"].as_str().unwrap();
    assert!(error.starts_with("the body is valid JSON of the wrong shape") && error.contains("kind"), "{error}");
    assert!(!error.contains("not valid JSON"), "{error}");
    let raw = server
        .api
        .http()
        .post(format!("{}/api/drafts", server.api.base))
        .bearer_auth(&chair.token)
        .header("content-type", "application/json")
        .body("{\"kind\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    assert!(raw.text().await.unwrap().contains("not valid JSON"));

    server.add_user("mx", Role::Delegate, Some("MX")).await;
    let login = json!({"login": "mx", "password": pluma_tests::server::password_of("mx"), "remember": true});
    let (status, body) = server.api.call(Method::POST, "/api/session", None, Some(login)).await.unwrap();
    assert_eq!(status, 422, "unknown fields are refused: {body}");
    assert!(body["error"].as_str().unwrap().contains("remember"), "{body}");
    assert!(server.api.login("mx", &pluma_tests::server::password_of("mx")).await.is_ok());
    server.stop().await;
}

/// Argentina withdrawing Mexico's proposals is refused (403, naming both), and Mexico's
/// proposal stays pending.
#[tokio::test]
async fn withdrawing_another_delegations_proposals_is_forbidden() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let (_chair, doc_id) = server.chair_and_draft().await;
    let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
    let ar = server.user_session("ar", Role::Delegate, Some("AR")).await;
    let mut c = client::connect(&server.sync_url(&mx).await, "peer-mx").await.unwrap();
    c.open(&doc_id).await.unwrap();
    c.change(&doc_id, |d| edits::append(d, &Proposer::of(&mx), 1, "en", " soon")).await.unwrap();
    c.wait_synced(&doc_id).await.unwrap();
    let drafts = server.state.store.drafts().await.unwrap();
    let draft = drafts.iter().find(|d| d.doc_id.to_string() == doc_id).unwrap();
    let path = format!("/api/drafts/{}/suggestions/withdraw", draft.id);
    let (status, body) = server.api.call(Method::POST, &path, Some(&ar.token), Some(json!({"country": "MX"}))).await.unwrap();
    assert_eq!(status, 403, "{body}");
    let error = body["error"].as_str().unwrap();
    assert!(error.contains("MX") && error.contains("AR"), "{error}");
    let (_, pending) = server.api.call(Method::GET, &format!("/api/drafts/{}/suggestions", draft.id), Some(&ar.token), None).await.unwrap();
    assert_eq!(pending["suggestions"].as_array().map(Vec::len), Some(1), "Mexico's proposal is still pending: {pending}");
    let (status, body) = server.api.call(Method::POST, &path, Some(&mx.token), Some(json!({"country": "MX"}))).await.unwrap();
    assert_eq!(status, 200, "a delegation withdraws its own: {body}");
    server.stop().await;
}
