//! The OpenAPI document at `/api/openapi.json` is OpenAPI 3.1, covers every endpoint, and
//! each endpoint answers only with statuses the document lists.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use pluma_server::model::Role;
use pluma_tests::db::TestDb;
use pluma_tests::server::TestServer;
use reqwest::Method;
use serde_json::{Value, json};

/// Every endpoint of the API, as `METHOD path`.
const ENDPOINTS: &[&str] = &[
    "POST /api/session",
    "DELETE /api/session",
    "GET /api/me",
    "POST /api/sync-tickets",
    "GET /api/meetings",
    "GET /api/meetings/{id}",
    "PATCH /api/meetings/{id}",
    "GET /api/meetings/{id}/directory",
    "GET /api/drafts",
    "POST /api/drafts",
    "GET /api/drafts/{id}",
    "POST /api/drafts/import",
    "GET /api/drafts/{id}/versions",
    "POST /api/drafts/{id}/versions",
    "GET /api/drafts/{id}/diff",
    "GET /api/drafts/{id}/export",
    "GET /api/drafts/{id}/suggestions",
    "POST /api/drafts/{id}/suggestions/accept",
    "POST /api/drafts/{id}/suggestions/reject",
    "POST /api/drafts/{id}/suggestions/withdraw",
    "POST /api/drafts/{id}/returns",
    "GET /api/drafts/{id}/activity",
    "GET /api/drafts/{id}/dashboard",
    "POST /api/drafts/{id}/paragraphs/{pid}/status",
    "POST /api/drafts/{id}/paragraphs/{pid}/concordance",
    "POST /api/drafts/{id}/approvals",
    "POST /api/drafts/{id}/silence",
    "POST /api/drafts/{id}/silence/agreement",
    "POST /api/drafts/{id}/silence/objections",
    "GET /api/openapi.json",
    "GET /healthz",
    "GET /metrics",
    "GET /sync",
];

fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((method.to_uppercase(), path.clone(), op.clone()));
        }
    }
    out
}

#[tokio::test]
async fn the_document_covers_every_endpoint_and_each_answers_as_documented() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let chair = server.user_session("ar-chair", Role::Chair, Some("AR")).await;
    let draft = server.api.create_draft(&chair.token, pluma_tests::api::small_zero_draft()).await.unwrap();
    let draft_id = draft["id"].as_str().unwrap().to_owned();

    let (status, spec) = server.api.call(Method::GET, "/api/openapi.json", None, None).await.unwrap();
    assert_eq!(status, 200);
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"), "{}", spec["openapi"]);
    let ops = operations(&spec);
    let documented: BTreeSet<String> = ops.iter().map(|(m, p, _)| format!("{m} {p}")).collect();
    let expected: BTreeSet<String> = ENDPOINTS.iter().map(|s| s.to_string()).collect();
    assert_eq!(documented, expected, "the document lists exactly the API's endpoints");
    for scheme in ["bearer", "cookie"] {
        assert!(spec["components"]["securitySchemes"][scheme].is_object(), "{scheme}");
    }

    // Each operation, called without a session and as a chair with an empty body, answers
    // with a status its description lists (never a 5xx).
    for (method, path, op) in &ops {
        let listed: BTreeSet<u16> = op["responses"].as_object().unwrap().keys().map(|k| k.parse().unwrap()).collect();
        assert!(!listed.is_empty(), "{method} {path}: no responses");
        let concrete = path.replace("{id}", &draft_id);
        let m: Method = method.parse().unwrap();
        for token in [None, Some(chair.token.as_str())] {
            // Signing out would end the chair's session for the rest of the loop.
            if *method == "DELETE" && token.is_some() {
                continue;
            }
            let body = matches!(m, Method::POST | Method::PATCH).then(|| json!({}));
            let (status, answer) = server.api.call(m.clone(), &concrete, token, body).await.unwrap();
            assert!(status < 500, "{method} {path}: {status} {answer}");
            assert!(listed.contains(&status), "{method} {path} (signed in: {}): {status} not in {listed:?}: {answer}", token.is_some());
            if status >= 400 {
                assert!(answer["error"].as_str().is_some_and(|e| !e.is_empty()), "{method} {path}: error body {answer}");
            }
        }
    }
    let (status, _) = server.api.call(Method::GET, "/api/no-such-thing", None, None).await.unwrap();
    assert_eq!(status, 404);
    server.stop().await;
}
