//! Versions are saved by those who draft, a bounded number of times, and comparisons run a
//! few at a time (finding 6 of issue 18: observers too could save versions, without limit;
//! each version-and-diff pair on a big draft peaked at about 850 MiB, three at once 2.6 GB).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use pluma_server::Config;
use pluma_server::model::Role;
use pluma_tests::db::TestDb;
use pluma_tests::server::TestServer;
use pluma_tests::watch::RssWatch;
use reqwest::Method;
use serde_json::{Value, json};

/// A zero draft of `n` operative paragraphs of about 300 characters each.
fn big_zero_draft(n: usize) -> Value {
    let text = "Recognizing the contribution of migrants to the development of countries of origin, transit and destination, and the need to ensure their human rights regardless of their migratory status, in accordance with the international obligations of each State, and to strengthen cooperation.";
    let paragraphs: Vec<Value> =
        (0..n).map(|i| json!({"kind": "operative", "en": format!("{i}. {text}"), "es": format!("{i}. {text}")})).collect();
    json!({"kind": "communique", "title": {"en": "Big", "es": "Grande"}, "paragraphs": paragraphs})
}

/// Observers and administrators may not save versions (403); delegations, chairs and the
/// secretariat may, each draft at most its hourly bound (429 beyond, with a wait), and a
/// refused save stores nothing.
#[tokio::test]
async fn who_saves_versions_and_how_often() {
    let db = TestDb::sqlite();
    let mut config = Config::with_database(&db.url);
    config.input.versions_per_draft_per_hour = 4;
    let server = TestServer::start_with(config).await;
    let (chair, _) = server.chair_and_draft().await;
    let draft = server.state.store.drafts().await.unwrap()[0].id.clone();
    let path = format!("/api/drafts/{draft}/versions");
    for (login, role, country) in [("iom", Role::Observer, Some("IOM")), ("admin", Role::Admin, None)] {
        let s = server.user_session(login, role, country).await;
        let (status, body) = server.api.call(Method::POST, &path, Some(&s.token), Some(json!({"label": "Mine"}))).await.unwrap();
        assert_eq!(status, 403, "{login}: {body}");
    }
    let pe = server.user_session("pe", Role::Delegate, Some("PE")).await;
    let sec = server.user_session("sec", Role::Secretariat, Some("SEC")).await;
    for (i, who) in [&pe, &sec, &chair, &pe].into_iter().enumerate() {
        let (status, body) = server.api.call(Method::POST, &path, Some(&who.token), Some(json!({"label": format!("V{i}")}))).await.unwrap();
        assert_eq!(status, 201, "{body}");
    }
    let res = server
        .api
        .http()
        .post(format!("{}{path}", server.api.base))
        .bearer_auth(&chair.token)
        .json(&json!({"label": "One more"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    let body: Value = res.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("4 times in the last hour"), "{body}");
    assert_eq!(server.state.store.versions(&draft).await.unwrap().len(), 4, "the refused save stored nothing");
    server.stop().await;
}

/// Six comparisons and exports of a big draft at once run two at a time: the server's
/// memory stays within a bound, and `/healthz` answers within a second throughout.
#[tokio::test]
async fn heavy_work_runs_a_few_at_a_time() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let chair = server.user_session("chair", Role::Chair, Some("MX")).await;
    let draft = server.api.create_draft(&chair.token, big_zero_draft(600)).await.unwrap();
    let id = draft["id"].as_str().unwrap().to_owned();
    let (status, version) = server
        .api
        .call(Method::POST, &format!("/api/drafts/{id}/versions"), Some(&chair.token), Some(json!({"label": "First"})))
        .await
        .unwrap();
    assert_eq!(status, 201, "{version}");
    let v = version["id"].as_str().unwrap().to_owned();
    let watch = RssWatch::start();
    let requests = (0..6).map(|i| {
        let (api, token) = (server.api.clone(), chair.token.clone());
        let path = if i % 2 == 0 {
            format!("/api/drafts/{id}/diff?from={v}&to=current&lang=en&format=docx")
        } else {
            format!("/api/drafts/{id}/export?lang=es&format=docx-tracked")
        };
        async move { api.http().get(format!("{}{path}", api.base)).bearer_auth(token).send().await.unwrap().status().as_u16() }
    });
    let heavy = futures_util::future::join_all(requests);
    let health = async {
        let mut slowest = Duration::ZERO;
        for _ in 0..20 {
            let started = Instant::now();
            let (status, _) = server.api.call(Method::GET, "/healthz", None, None).await.unwrap();
            assert_eq!(status, 200);
            slowest = slowest.max(started.elapsed());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        slowest
    };
    let (statuses, slowest) = tokio::join!(heavy, health);
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert!(slowest < Duration::from_secs(1), "/healthz took {slowest:?} while the heavy work ran");
    // Two at a time rise by about 150 MiB here; all six at once would take three times that.
    assert!(watch.growth_mib() < 300, "the server's memory rose by {} MiB", watch.growth_mib());
    eprintln!("six heavy requests at once: memory rose by {} MiB; /healthz at worst {slowest:?}", watch.growth_mib());
    server.stop().await;
}
