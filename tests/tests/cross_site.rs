//! Cookie-authenticated state changes from another site are refused (finding 11 of issue
//! 18: a POST with `Origin: https://evil.example` and a form content type was accepted,
//! `SameSite=Strict` being the only defence), and the session cookie can carry `Secure`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pluma_server::Config;
use pluma_server::model::Role;
use pluma_tests::db::TestDb;
use pluma_tests::server::{TestServer, password_of};

/// Signs in and returns the session cookie as the browser would send it, and the whole
/// `Set-Cookie` header.
async fn cookie(server: &TestServer, login: &str) -> (String, String) {
    let res = server
        .api
        .http()
        .post(format!("{}/api/session", server.api.base))
        .json(&serde_json::json!({"login": login, "password": password_of(login)}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let set = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    (set.split(';').next().unwrap().to_owned(), set)
}

/// From another site (by `Origin` or by `Sec-Fetch-Site`), with a form's content type or
/// JSON, the cookie's state change is 403 and creates nothing; from the server's own page,
/// or with a bearer token (which no other site's page can attach), it goes through.
#[tokio::test]
async fn another_sites_form_cannot_act_with_the_cookie() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    server.add_user("chair", Role::Chair, Some("MX")).await;
    let (session, set) = cookie(&server, "chair").await;
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict") && !set.contains("Secure"),
        "on loopback, no Secure by default: {set}"
    );
    let body = r#"{"kind": "communique", "title": {"en": "Forged", "es": "Falso"}}"#;
    let url = format!("{}/api/drafts", server.api.base);
    let own = format!("http://{}", server.addr);
    let attempts = [
        ("application/x-www-form-urlencoded", Some(("origin", "https://evil.example"))),
        ("text/plain", Some(("origin", "https://evil.example"))),
        ("application/json", Some(("origin", "https://evil.example"))),
        ("application/json", Some(("sec-fetch-site", "cross-site"))),
        ("application/json", Some(("origin", "null"))),
    ];
    for (content_type, (name, value)) in attempts.iter().map(|(c, h)| (*c, h.unwrap())) {
        let res = server.http_post(&url, &session, content_type, name, value, body).await;
        assert_eq!(res.0, 403, "{content_type} with {name}: {value}: {}", res.1);
        assert!(res.1.contains("another site"), "{}", res.1);
    }
    assert!(server.state.store.drafts().await.unwrap().is_empty(), "nothing was created");
    let same = server.http_post(&url, &session, "application/json", "origin", &own, body).await;
    assert_eq!(same.0, 201, "from the server's own page: {}", same.1);
    let fetch = server.http_post(&url, &session, "application/json", "sec-fetch-site", "same-origin", body).await;
    assert_eq!(fetch.0, 201, "{}", fetch.1);
    let token = server.api.login("chair", &password_of("chair")).await.unwrap().token;
    let bearer = server
        .api
        .http()
        .post(&url)
        .bearer_auth(&token)
        .header("origin", "https://evil.example")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), 201, "a bearer token is no ambient credential");
    server.stop().await;
}

/// `--secure-cookies true` marks the cookie `Secure`; by default it is on wherever the
/// server listens beyond loopback.
#[tokio::test]
async fn the_cookie_can_be_secure() {
    let db = TestDb::sqlite();
    let mut config = Config::with_database(&db.url);
    config.secure_cookies = Some(true);
    let server = TestServer::start_with(config).await;
    server.add_user("chair", Role::Chair, Some("MX")).await;
    let (_, set) = cookie(&server, "chair").await;
    assert!(set.contains("; Secure"), "{set}");
    server.stop().await;
    let mut outside = Config::with_database("sqlite:unused");
    outside.listen = "0.0.0.0:7373".parse().unwrap();
    assert!(outside.cookies_are_secure(), "on by default beyond loopback");
    outside.secure_cookies = Some(false);
    assert!(!outside.cookies_are_secure(), "unless turned off");
    assert!(!Config::with_database("sqlite:unused").cookies_are_secure(), "off on loopback");
}
