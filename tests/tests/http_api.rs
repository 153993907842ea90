//! The JSON API over real HTTP: sessions, tickets, drafts, health, metrics, errors.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use pluma_server::model::Role;
use pluma_tests::api::small_zero_draft;
use pluma_tests::db::TestDb;
use pluma_tests::server::TestServer;
use reqwest::Method;
use serde_json::json;

/// Login sets an HttpOnly, SameSite=Strict session cookie and returns a token; both
/// authenticate `/api/me`; logout ends the session.
#[tokio::test]
async fn sessions_by_cookie_and_bearer() {
    for db in TestDb::each().await {
        let server = TestServer::start(&db.url).await;
        server.add_user("mx", Role::Delegate, Some("MX")).await;
        let http = reqwest::Client::new();
        let resp =
            http.post(format!("{}/api/session", server.api.base)).json(&json!({"login": "mx", "password": "pw-mx"})).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.starts_with("pluma_session="), "{cookie}");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"));
        let body: serde_json::Value = resp.json().await.unwrap();
        let token = body["token"].as_str().unwrap().to_owned();
        assert_eq!(body["user"]["login"], "mx");
        assert_eq!(body["user"]["country"], "MX");
        assert!(body["user"].get("password_hash").is_none());

        let by_cookie = http
            .get(format!("{}/api/me", server.api.base))
            .header("cookie", format!("other=1; pluma_session={token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(by_cookie.status(), 200);
        let (status, me) = server.api.call(Method::GET, "/api/me", Some(&token), None).await.unwrap();
        assert_eq!((status, me["role"].as_str()), (200, Some("delegate")), "{}", db.backend);

        let (status, _) = server.api.call(Method::DELETE, "/api/session", Some(&token), None).await.unwrap();
        assert_eq!(status, 204);
        let (status, body) = server.api.call(Method::GET, "/api/me", Some(&token), None).await.unwrap();
        assert_eq!(status, 401);
        assert!(body["error"].as_str().unwrap().contains("log in again"));
        server.stop().await;
    }
}

/// A wrong password and an unknown login get the same 401 and message; no token.
#[tokio::test]
async fn wrong_credentials_are_one_generic_401() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    server.add_user("mx", Role::Delegate, Some("MX")).await;
    let wrong = server.api.call(Method::POST, "/api/session", None, Some(json!({"login": "mx", "password": "nope"}))).await.unwrap();
    let unknown = server.api.call(Method::POST, "/api/session", None, Some(json!({"login": "zz", "password": "nope"}))).await.unwrap();
    assert_eq!(wrong.0, 401);
    assert_eq!(wrong, unknown);
    assert_eq!(wrong.1, json!({"error": "wrong login or password"}));
    server.stop().await;
}

/// Requests without a session, with malformed JSON, without the JSON content type or with
/// missing fields each get the right status and a precise JSON message.
#[tokio::test]
async fn client_mistakes_get_precise_errors() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let (status, body) = server.api.call(Method::POST, "/api/sync-tickets", None, None).await.unwrap();
    assert_eq!((status, body["error"].as_str()), (401, Some("log in first")));

    let http = reqwest::Client::new();
    let url = format!("{}/api/session", server.api.base);
    let r = http.post(&url).header("content-type", "application/json").body("{not json").send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("not valid JSON"));
    let r = http.post(&url).body("{}").send().await.unwrap();
    assert_eq!(r.status(), 415);
    let (status, body) = server.api.call(Method::POST, "/api/session", None, Some(json!({"login": "x"}))).await.unwrap();
    assert_eq!(status, 422);
    assert!(body["error"].as_str().unwrap().contains("password"), "{body}");

    let (status, body) = server.api.call(Method::GET, "/api/nothing-here", None, None).await.unwrap();
    assert_eq!((status, body), (404, json!({"error": "no such API endpoint"})));
    let r = http.get(format!("{}/sync", server.api.base)).send().await.unwrap();
    assert_eq!(r.status(), 400, "not a WebSocket upgrade");
    server.stop().await;
}

/// Chairs create drafts from a zero draft; the draft has its `automerge:` URL and is listed;
/// delegates may not create; bad zero drafts and ids are refused precisely.
#[tokio::test]
async fn drafts_are_created_listed_and_fetched() {
    for db in TestDb::each().await {
        let server = TestServer::start(&db.url).await;
        let chair = server.user_session("chair", Role::Chair, Some("MX")).await;
        let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;

        let draft = server.api.create_draft(&chair.token, small_zero_draft()).await.unwrap();
        let id = draft["id"].as_str().unwrap();
        assert_eq!(draft["url"], format!("automerge:{}", draft["doc_id"].as_str().unwrap()));
        assert_eq!(draft["title_en"], "Test Communiqué");
        assert_eq!(draft["kind"], "communique");

        let (status, got) = server.api.call(Method::GET, &format!("/api/drafts/{id}"), Some(&mx.token), None).await.unwrap();
        assert_eq!((status, &got), (200, &draft), "{}", db.backend);
        let (_, list) = server.api.call(Method::GET, "/api/drafts", Some(&mx.token), None).await.unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);

        let empty = json!({"kind": "concept_note", "title": {"en": "Concept Note", "es": "Nota Conceptual"}});
        let (status, note) = server.api.call(Method::POST, "/api/drafts", Some(&chair.token), Some(empty)).await.unwrap();
        assert_eq!(status, 201);
        assert_eq!(note["kind"], "concept_note");

        let (status, body) =
            server.api.call(Method::POST, "/api/drafts", Some(&mx.token), Some(json!({"zero_draft": small_zero_draft()}))).await.unwrap();
        assert_eq!(status, 403, "{body}");
        let bad = json!({"zero_draft": {"kind": "communique", "title": {"en": "x", "es": "y"}, "paragraphs": [{"kind": "limerick", "en": "", "es": ""}]}});
        let (status, body) = server.api.call(Method::POST, "/api/drafts", Some(&chair.token), Some(bad)).await.unwrap();
        assert_eq!(status, 422);
        assert!(body["error"].as_str().unwrap().contains("limerick"), "{body}");
        let (status, _) =
            server.api.call(Method::POST, "/api/drafts", Some(&chair.token), Some(json!({"kind": "communique"}))).await.unwrap();
        assert_eq!(status, 422);
        let (status, body) = server
            .api
            .call(
                Method::POST,
                "/api/drafts",
                Some(&chair.token),
                Some(json!({"zero_draft": small_zero_draft(), "meeting_id": "m0000000000000000"})),
            )
            .await
            .unwrap();
        assert_eq!(status, 422, "{body}");

        let (status, _) = server.api.call(Method::GET, "/api/drafts/d0000000000000000", Some(&mx.token), None).await.unwrap();
        assert_eq!(status, 404);
        let (status, body) = server.api.call(Method::GET, "/api/drafts/nonsense", Some(&mx.token), None).await.unwrap();
        assert_eq!(status, 400, "{body}");
        server.stop().await;
    }
}

/// Tickets are issued to logged-in users with a 60 s expiry.
#[tokio::test]
async fn tickets_expire_within_a_minute() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
    let (status, body) = server.api.call(Method::POST, "/api/sync-tickets", Some(&mx.token), None).await.unwrap();
    assert_eq!(status, 201);
    let ttl = body["expires_at"].as_i64().unwrap() - pluma_server::time::now_ms();
    assert!((50_000..=60_000).contains(&ttl), "{ttl}");
    assert_eq!(body["ticket"].as_str().unwrap().len(), 43);
    server.stop().await;
}

/// Health answers ok with a live database and 503 without; metrics name every figure;
/// a client route gets the app's page from the build embedded in the binary, or a page
/// saying the web UI is not built when there is none.
#[tokio::test]
async fn health_metrics_and_web_fallback() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let (status, body) = server.api.call(Method::GET, "/healthz", None, None).await.unwrap();
    assert_eq!((status, body), (200, json!({"status": "ok", "database": "ok", "feed": "single"})));
    let text = reqwest::get(format!("{}/metrics", server.api.base)).await.unwrap().text().await.unwrap();
    for name in [
        "pluma_connections",
        "pluma_documents_loaded",
        "pluma_changes_persisted_total",
        "pluma_remote_catch_ups_total",
        "pluma_sync_latency_seconds_bucket",
    ] {
        assert!(text.contains(name), "{name} missing");
    }
    let page = reqwest::get(format!("{}/some/client/route", server.api.base)).await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    // A server compiled after the client was built carries it (server/build.rs).
    match pluma_server::routes::web::has_embedded_ui() {
        true => assert!(page.contains("<div id=\"app\"") && !page.contains("not built"), "{page}"),
        false => assert!(page.contains("web UI is not built"), "{page}"),
    }

    server.state.store.close().await;
    let (status, body) = server.api.call(Method::GET, "/healthz", None, None).await.unwrap();
    assert_eq!(status, 503);
    assert_eq!(body, json!({"error": "service unavailable"}));
}

/// With a built web UI, files are served and unknown paths fall back to index.html.
#[tokio::test]
async fn web_ui_is_served_with_index_fallback() {
    let db = TestDb::sqlite();
    let web = tempfile::tempdir().unwrap();
    std::fs::write(web.path().join("index.html"), "<p>pluma app</p>").unwrap();
    std::fs::write(web.path().join("app.js"), "console.log(1)").unwrap();
    let mut config = pluma_server::Config::with_database(&db.url);
    config.web_dir = Some(web.path().to_owned());
    let server = TestServer::start_with(config).await;
    let js = reqwest::get(format!("{}/app.js", server.api.base)).await.unwrap().text().await.unwrap();
    assert_eq!(js, "console.log(1)");
    let route = reqwest::get(format!("{}/drafts/d1", server.api.base)).await.unwrap().text().await.unwrap();
    assert_eq!(route, "<p>pluma app</p>");
    server.stop().await;
}
