//! Who may do what through the JSON API, on SQLite and PostgreSQL: observers and
//! administrators on accepting, withdrawing, saving versions, the silence procedure and
//! objections; and a chair of a delegation without a presidency, who drafts and decides
//! proposals like any chair but neither approves nor proposes silence.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pluma_server::model::Role;
use pluma_tests::api::{Session, small_zero_draft};
use pluma_tests::db::TestDb;
use pluma_tests::server::TestServer;
use pluma_tests::workflow::plenary;
use reqwest::Method;
use serde_json::{Value, json};

/// The matrix on one backend: every (persona, action) and the status it gets.
async fn matrix(url: &str) -> Vec<String> {
    let server = TestServer::start(url).await;
    let meeting = plenary("UTC", &["IOM"]);
    server.state.store.create_meeting(&meeting, 1).await.unwrap();
    let mut people: Vec<(&str, Session)> = Vec::new();
    for (login, role, country) in [
        ("pe", Role::Delegate, Some("PE")),
        ("us-chair", Role::Chair, Some("US")),
        ("sec", Role::Secretariat, Some("SEC")),
        ("iom", Role::Observer, Some("IOM")),
        ("admin", Role::Admin, None),
        ("mx-chair", Role::Chair, Some("MX")),
    ] {
        people.push((login, server.user_session(login, role, country).await));
    }
    let who = |login: &str| &people.iter().find(|(l, _)| *l == login).unwrap().1;
    let body = json!({"meeting_id": meeting.id.as_str(), "zero_draft": small_zero_draft()});
    let (_, draft) = server.api.call(Method::POST, "/api/drafts", Some(&who("mx-chair").token), Some(body)).await.unwrap();
    let draft = draft["id"].as_str().unwrap().to_owned();
    let call = |login: &str, path: &str, body: Value| {
        let token = who(login).token.clone();
        let path = format!("/api/drafts/{draft}{path}");
        let api = server.api.clone();
        async move { api.call(Method::POST, &path, Some(&token), Some(body)).await.unwrap() }
    };
    let mut out = Vec::new();
    let mut note = |login: &str, action: &str, (status, body): (u16, Value)| {
        out.push(format!("{action} by {login}: {status}"));
        assert!(status < 500, "{action} by {login}: {body}");
    };
    for login in ["pe", "us-chair", "sec", "iom", "admin"] {
        note(login, "accept", call(login, "/suggestions/accept", json!({"all": true})).await);
        let country = who(login).user["country"].as_str().unwrap_or("MX").to_owned();
        note(login, "withdraw", call(login, "/suggestions/withdraw", json!({"country": country})).await);
        note(login, "approve", call(login, "/approvals", json!({})).await);
        note(
            login,
            "propose silence",
            call(login, "/silence", json!({"deadline": "2999-01-01T00:00:00Z", "settled_override": {"reason": "Consulting capitals"}}))
                .await,
        );
    }
    // Versions, up to the hourly bound of a draft (30): one each.
    for login in ["pe", "us-chair", "sec", "iom", "admin"] {
        note(login, "save a version", call(login, "/versions", json!({"label": format!("By {login}")})).await);
    }
    // A running silence (both PPT chairs), then objections: refusals first, then a chair
    // of a delegation without a presidency breaks it.
    let p1 = server.api.call(Method::GET, &format!("/api/drafts/{draft}/dashboard"), Some(&who("pe").token), None).await.unwrap().1;
    for p in p1["paragraphs"].as_array().unwrap() {
        call("sec", &format!("/paragraphs/{}/concordance", p["paragraph"].as_str().unwrap()), json!({})).await;
    }
    let ar = server.user_session("ar-chair", Role::Chair, Some("AR")).await;
    let (status, proposed) =
        call("mx-chair", "/silence", json!({"deadline": "2999-01-01T00:00:00Z", "settled_override": {"reason": "Consulting capitals"}}))
            .await;
    assert_eq!(status, 202, "{proposed}");
    let agreement = json!({"proposal": proposed["proposal"]["id"]});
    for login in ["us-chair", "pe", "sec", "iom", "admin"] {
        note(login, "agree to silence", call(login, "/silence/agreement", agreement.clone()).await);
    }
    let path = format!("/api/drafts/{draft}/silence/agreement");
    let (status, body) = server.api.call(Method::POST, &path, Some(&ar.token), Some(agreement)).await.unwrap();
    assert_eq!(status, 201, "{body}");
    for login in ["sec", "iom", "admin", "us-chair"] {
        note(login, "object", call(login, "/silence/objections", json!({"text": "We object."})).await);
    }
    server.stop().await;
    out
}

/// The expected status of every (persona, action).
#[tokio::test]
async fn who_may_do_what_through_the_api() {
    let expected: Vec<String> = [
        "accept by pe: 403",
        "withdraw by pe: 200",
        "approve by pe: 403",
        "propose silence by pe: 403",
        "accept by us-chair: 200",
        "withdraw by us-chair: 200",
        "approve by us-chair: 403",
        "propose silence by us-chair: 403",
        "accept by sec: 200",
        "withdraw by sec: 403",
        "approve by sec: 403",
        "propose silence by sec: 403",
        "accept by iom: 403",
        "withdraw by iom: 403",
        "approve by iom: 403",
        "propose silence by iom: 403",
        "accept by admin: 403",
        "withdraw by admin: 403",
        "approve by admin: 403",
        "propose silence by admin: 403",
        "save a version by pe: 201",
        "save a version by us-chair: 201",
        "save a version by sec: 201",
        "save a version by iom: 403",
        "save a version by admin: 403",
        "agree to silence by us-chair: 403",
        "agree to silence by pe: 403",
        "agree to silence by sec: 403",
        "agree to silence by iom: 403",
        "agree to silence by admin: 403",
        "object by sec: 403",
        "object by iom: 403",
        "object by admin: 403",
        "object by us-chair: 201",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for db in TestDb::each().await {
        assert_eq!(matrix(&db.url).await, expected, "{}", db.backend);
    }
}
