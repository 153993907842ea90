//! Text that no document should carry is refused at the edge, the same way on SQLite and
//! PostgreSQL (finding 12 of issue 18: U+0000 in a login, title or version label answered
//! 500 on PostgreSQL and was stored by SQLite): 422 naming the field and the character,
//! nothing stored, on both backends alike.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pluma_server::model::Role;
use pluma_tests::db::TestDb;
use pluma_tests::server::TestServer;
use reqwest::Method;
use serde_json::{Value, json};

/// Every kind of text, with each kind of forbidden character: the answer on each backend.
async fn answers(url: &str) -> Vec<(String, u16, String)> {
    let server = TestServer::start(url).await;
    let (chair, _) = server.chair_and_draft().await;
    let drafts = server.state.store.drafts().await.unwrap();
    let draft = drafts[0].id.clone();
    let mut out = Vec::new();
    for bad in ["\u{0}", "\u{1}", "\u{b}", "\u{fffe}"] {
        let zero = |en: &str| {
            json!({"zero_draft": {"kind": "communique", "title": {"en": "T", "es": "T"},
                "paragraphs": [{"kind": "operative", "en": en, "es": "Acuerdan."}]}})
        };
        let calls: Vec<(&str, Method, String, Option<&str>, Value)> = vec![
            ("login", Method::POST, "/api/session".into(), None, json!({"login": format!("mx{bad}"), "password": "x"})),
            (
                "title",
                Method::POST,
                "/api/drafts".into(),
                Some(&chair.token),
                json!({"kind": "communique", "title": {"en": format!("T{bad}"), "es": "T"}}),
            ),
            ("zero draft", Method::POST, "/api/drafts".into(), Some(&chair.token), zero(&format!("Agree{bad}."))),
            (
                "import",
                Method::POST,
                "/api/drafts/import".into(),
                Some(&chair.token),
                json!({"kind": "communique", "en": {"format": "md", "content": format!("# T\n\nAgree{bad}.\n")}}),
            ),
            ("label", Method::POST, format!("/api/drafts/{draft}/versions"), Some(&chair.token), json!({"label": format!("v{bad}1")})),
        ];
        for (what, method, path, token, body) in calls {
            let (status, answer) = server.api.call(method, &path, token, Some(body)).await.unwrap();
            out.push((format!("{what} with U+{:04X}", u32::from(bad.chars().next().unwrap())), status, answer["error"].to_string()));
        }
    }
    let drafts_after = server.state.store.drafts().await.unwrap().len();
    let versions = server.state.store.versions(&draft).await.unwrap().len();
    out.push(("nothing stored".into(), u16::try_from(drafts_after * 100 + versions).unwrap(), String::new()));
    server.stop().await;
    out
}

/// Each text is refused with 422 naming it and the character, nothing is stored, and both
/// backends answer exactly alike.
#[tokio::test]
async fn forbidden_characters_are_refused_alike_on_both_backends() {
    let mut seen = Vec::new();
    for db in TestDb::each().await {
        let got = answers(&db.url).await;
        for (what, status, error) in &got {
            if what == "nothing stored" {
                assert_eq!(*status, 100, "{}: one draft, no version", db.backend);
                continue;
            }
            assert_eq!(*status, 422, "{}: {what}: {error}", db.backend);
            assert!(error.contains("U+") && error.contains("is not allowed"), "{}: {what}: {error}", db.backend);
        }
        seen.push((db.backend, got));
    }
    if let [(_, sqlite), (_, postgres)] = seen.as_slice() {
        assert_eq!(sqlite, postgres, "SQLite and PostgreSQL answer alike");
    }
}

/// A signed-in user's own name shows that clean text still passes: a login with accents
/// and a tab-free title are accepted.
#[tokio::test]
async fn clean_text_passes() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let (chair, _) = server.chair_and_draft().await;
    let (status, body) = server
        .api
        .call(
            Method::POST,
            "/api/drafts",
            Some(&chair.token),
            Some(json!({"kind": "communique", "title": {"en": "Comunicado — Año 2021", "es": "Ñandú"}})),
        )
        .await
        .unwrap();
    assert_eq!(status, 201, "{body}");
    server.add_user("pérez", Role::Delegate, Some("PE")).await;
    assert!(server.api.login("pérez", &pluma_tests::server::password_of("pérez")).await.is_ok());
    server.stop().await;
}
