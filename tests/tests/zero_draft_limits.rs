//! Zero drafts are bounded and built in time proportional to their size, off the request
//! threads (finding 8 of issue 18: 500 / 1,000 / 2,000 paragraphs took 0.87 / 3.2 / 12.3 s
//! on the request threads, two at once froze `/healthz` for 12.5 s, and a 1.9 MB title took
//! 10–18 s and came back in every draft listing).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use pluma_server::model::Role;
use pluma_tests::db::TestDb;
use pluma_tests::server::TestServer;
use reqwest::Method;
use serde_json::{Value, json};

fn zero_draft(n: usize, title: &str) -> Value {
    let paragraphs: Vec<Value> = (0..n)
        .map(|i| json!({"kind": "operative", "en": format!("Agree on point {i} of the plan."), "es": format!("Acuerdan el punto {i} del plan.")}))
        .collect();
    json!({"kind": "communique", "title": {"en": title, "es": "Comunicado"}, "paragraphs": paragraphs})
}

/// Over the bounds (paragraphs, title, body) a zero draft is refused before any work and
/// nothing is stored; the draft listing stays as it was.
#[tokio::test]
async fn zero_drafts_over_their_bounds_are_refused() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let chair = server.user_session("chair", Role::Chair, Some("MX")).await;
    let create = |body: Value| server.api.call(Method::POST, "/api/drafts", Some(&chair.token), Some(json!({"zero_draft": body})));
    let (status, body) = create(zero_draft(2000, "Communiqué")).await.unwrap();
    assert_eq!(status, 413, "{body}");
    assert!(body["error"].as_str().unwrap().contains("2000 paragraphs; the limit is 1000"), "{body}");
    let (status, body) = create(zero_draft(1, &"T".repeat(400))).await.unwrap();
    assert_eq!(status, 422, "{body}");
    assert!(body["error"].as_str().unwrap().contains("the title (en) is longer than 300 characters"), "{body}");
    let (status, body) = create(zero_draft(1, &"T".repeat(1_900_000))).await.unwrap();
    assert_eq!(status, 413, "{body}");
    let (status, list) = server.api.call(Method::GET, "/api/drafts", Some(&chair.token), None).await.unwrap();
    assert_eq!((status, list), (200, json!([])), "nothing stored");
    server.stop().await;
}

/// Two zero drafts of 1,000 paragraphs at once are built off the request threads:
/// `/healthz` answers within a second throughout, and both are stored.
#[tokio::test]
async fn large_zero_drafts_leave_the_server_responsive() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let chair = server.user_session("chair", Role::Chair, Some("MX")).await;
    let creations = futures_util::future::join_all((0..2).map(|_| server.api.create_draft(&chair.token, zero_draft(1000, "Communiqué"))));
    let health = async {
        let mut slowest = Duration::ZERO;
        for _ in 0..20 {
            let started = Instant::now();
            assert_eq!(server.api.call(Method::GET, "/healthz", None, None).await.unwrap().0, 200);
            slowest = slowest.max(started.elapsed());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        slowest
    };
    let (created, slowest) = tokio::join!(creations, health);
    assert!(created.iter().all(Result::is_ok), "{created:?}");
    assert!(slowest < Duration::from_secs(1), "/healthz took {slowest:?} while the drafts were built");
    assert_eq!(server.state.store.drafts().await.unwrap().len(), 2);
    server.stop().await;
}

/// Building a zero draft costs in proportion to its paragraphs: four times the paragraphs
/// take about four times as long (the quadratic build took about sixteen times). Compared
/// as a ratio of two builds in one process, the best of three tries.
#[test]
fn building_a_zero_draft_is_linear() {
    let time = |n: usize| {
        let json = zero_draft(n, "Communiqué").to_string();
        let started = Instant::now();
        let draft = pluma_core::Draft::from_zero_draft_json(&json).unwrap();
        let took = started.elapsed();
        drop(draft);
        took
    };
    let ratios: Vec<f64> = (0..3).map(|_| time(1000).as_secs_f64() / time(250).as_secs_f64()).collect();
    let best = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(best < 10.0, "1,000 paragraphs took {best:.1} times as long as 250 ({ratios:?})");
}
