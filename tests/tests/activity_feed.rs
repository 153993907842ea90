//! The activity feed through the API, on SQLite and PostgreSQL: `after` pages forward
//! (oldest first) with a cursor that waits for young entries to settle, and `country`
//! keeps what concerns a delegation — its own acts, events naming it, and meeting-wide
//! ones (paragraph status, silence) — while leaving out what concerns only another.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use pluma_server::model::Role;
use pluma_tests::api::{Session, small_zero_draft};
use pluma_tests::client;
use pluma_tests::db::TestDb;
use pluma_tests::edits::{self, Proposer};
use pluma_tests::server::TestServer;
use pluma_tests::workflow::plenary;
use reqwest::Method;
use serde_json::{Value, json};

async fn get(server: &TestServer, who: &Session, path: &str) -> Value {
    let (status, page) = server.api.call(Method::GET, path, Some(&who.token), None).await.unwrap();
    assert_eq!(status, 200, "{path}: {page}");
    page
}

fn actions(page: &Value) -> Vec<String> {
    page["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
}

fn ids(page: &Value) -> Vec<i64> {
    page["entries"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect()
}

/// Proposals by Peru and the United States, the United States' accepted by a chair, a
/// status change and a broken silence: each delegation's forward feed holds its own and
/// the meeting-wide entries, oldest first, and the cursor moves only over settled ones.
#[tokio::test]
async fn forward_feed_per_delegation() {
    for db in TestDb::each().await {
        let b = db.backend;
        let server = TestServer::start(&db.url).await;
        let ([mx, ar, pe, us], id, doc) = meeting_with_draft(&server, b).await;
        let feed =
            |country: &str, after: i64, limit: usize| format!("/api/drafts/{id}/activity?after={after}&limit={limit}&country={country}");

        for (who, peer) in [(&us, "peer-us"), (&pe, "peer-pe")] {
            let mut c = client::connect(&server.sync_url(who).await, peer).await.unwrap();
            c.open(&doc).await.unwrap();
            c.change(&doc, |d| edits::append(d, &Proposer::of(who), 1, "en", " indeed")).await.unwrap();
            c.wait_synced(&doc).await.unwrap();
        }
        let (code, body) = server
            .api
            .call(Method::POST, &format!("/api/drafts/{id}/suggestions/accept"), Some(&ar.token), Some(json!({"country": "US"})))
            .await
            .unwrap();
        assert_eq!(code, 200, "{b}: {body}");
        let dash = get(&server, &pe, &format!("/api/drafts/{id}/dashboard")).await;
        let p1 = dash["paragraphs"][0]["paragraph"].as_str().unwrap().to_owned();
        let (code, body) = server
            .api
            .call(Method::POST, &format!("/api/drafts/{id}/paragraphs/{p1}/status"), Some(&ar.token), Some(json!({"status": "bracketed"})))
            .await
            .unwrap();
        assert_eq!(code, 200, "{b}: {body}");

        // Peru: its proposal and the status change; not the United States' proposal nor
        // its acceptance. Everything is young, so the cursor stays where it was.
        let page = get(&server, &pe, &feed("PE", 0, 500)).await;
        assert_eq!(actions(&page), ["changes_accepted", "paragraph_status_changed"], "{b}: {page}");
        assert_eq!(page["entries"][0]["country"], "PE", "{b}");
        assert_eq!(page["next_after"], 0, "{b}: young entries do not move the cursor: {page}");
        assert!(page["next_before"].is_null(), "{b}");
        let us_page = get(&server, &us, &feed("US", 0, 500)).await;
        assert_eq!(actions(&us_page), ["changes_accepted", "proposals_accepted", "paragraph_status_changed"], "{b}: {us_page}");
        let everything = get(&server, &mx, &format!("/api/drafts/{id}/activity?after=0&limit=500")).await;
        assert_eq!(
            actions(&everything),
            ["draft_created", "changes_accepted", "changes_accepted", "proposals_accepted", "paragraph_status_changed"],
            "{b}: {everything}"
        );
        assert!(ids(&everything).windows(2).all(|w| w[0] < w[1]), "{b}: oldest first");

        // Once settled, the cursor moves past what was read; one entry at a time walks the
        // same feed.
        tokio::time::sleep(Duration::from_millis(pluma_server::routes::activity::SETTLE as u64 + 300)).await;
        let settled = get(&server, &pe, &feed("PE", 0, 500)).await;
        assert_eq!(ids(&settled), ids(&page), "{b}");
        let cursor = settled["next_after"].as_i64().unwrap();
        assert_eq!(cursor, *ids(&everything).last().unwrap(), "{b}: past every settled entry read, Peru's or not");
        let (mut walked, mut at) = (Vec::new(), 0);
        loop {
            let one = get(&server, &pe, &feed("PE", at, 1)).await;
            walked.extend(ids(&one));
            let next = one["next_after"].as_i64().unwrap();
            if next == at {
                break;
            }
            at = next;
        }
        assert_eq!(walked, ids(&page), "{b}: limit=1 walks the same entries");
        assert_eq!(ids(&get(&server, &pe, &feed("PE", cursor, 500)).await), Vec::<i64>::new(), "{b}: nothing new");

        // Peru's proposal accepted, then a silence proposed by Mexico, agreed by Argentina and
        // broken by the United States: all of it reaches Peru.
        accept_peru_then_break_a_silence(&server, &id, [&mx, &ar, &us], b).await;
        let news = get(&server, &pe, &feed("PE", cursor, 500)).await;
        assert_eq!(
            actions(&news),
            ["proposals_accepted", "silence_proposed", "silence_agreed", "silence_started", "silence_broken"],
            "{b}: {news}"
        );
        assert_eq!(news["entries"][4]["detail"]["text"], "Not yet.", "{b}");
        // Going back, the same filter applies.
        let back = get(&server, &pe, &format!("/api/drafts/{id}/activity?limit=5&country=PE")).await;
        assert_eq!(
            actions(&back),
            ["silence_broken", "silence_started", "silence_agreed", "silence_proposed", "proposals_accepted"],
            "{b}: {back}"
        );
        assert_eq!(back["next_before"], back["entries"][4]["id"], "{b}: an older entry of Peru's remains");

        for bad in ["after=-1", "after=3&before=9", "after=x"] {
            let (status, _) =
                server.api.call(Method::GET, &format!("/api/drafts/{id}/activity?{bad}"), Some(&pe.token), None).await.unwrap();
            assert_eq!(status, 400, "{b}: {bad}");
        }
        server.stop().await;
    }
}

/// Accepts Peru's proposal (Argentina's chair), then Mexico's chair proposes a silence,
/// Argentina's agrees, and the United States breaks it. `chairs_and_us`: Mexico's chair,
/// Argentina's chair, the United States' delegate.
async fn accept_peru_then_break_a_silence(server: &TestServer, id: &str, chairs_and_us: [&Session; 3], b: &str) {
    let [mx, ar, us] = chairs_and_us;
    let (code, body) = server
        .api
        .call(Method::POST, &format!("/api/drafts/{id}/suggestions/accept"), Some(&ar.token), Some(json!({"country": "PE"})))
        .await
        .unwrap();
    assert_eq!(code, 200, "{b}: {body}");
    let (code, body) = server
        .api
        .call(
            Method::POST,
            &format!("/api/drafts/{id}/silence"),
            Some(&mx.token),
            Some(json!({
                "deadline": "2999-01-01T00:00:00Z",
                "concordance_override": "Both texts were read out in the plenary.",
                "settled_override": {"reason": "The plenary decided to consult capitals on the text as it stands"}
            })),
        )
        .await
        .unwrap();
    assert_eq!(code, 202, "{b}: proposed by Mexico's chair: {body}");
    let proposal = json!({"proposal": body["proposal"]["id"]});
    let (code, body) =
        server.api.call(Method::POST, &format!("/api/drafts/{id}/silence/agreement"), Some(&ar.token), Some(proposal)).await.unwrap();
    assert_eq!(code, 201, "{b}: agreed by Argentina's: {body}");
    let (code, body) = server
        .api
        .call(Method::POST, &format!("/api/drafts/{id}/silence/objections"), Some(&us.token), Some(json!({"text": "Not yet."})))
        .await
        .unwrap();
    assert_eq!(code, 201, "{b}: {body}");
}

/// A meeting of Mexico and Argentina (the Presidencies), the United States and Peru, a
/// session for each (the chairs first), and a draft of it: the sessions, the draft's id
/// and its document's.
async fn meeting_with_draft(server: &TestServer, b: &str) -> ([Session; 4], String, String) {
    let meeting = plenary("America/Lima", &[]);
    server.state.store.create_meeting(&meeting, 1).await.unwrap();
    let mx = server.user_session("mx-chair", Role::Chair, Some("MX")).await;
    let ar = server.user_session("ar-chair", Role::Chair, Some("AR")).await;
    let pe = server.user_session("pe", Role::Delegate, Some("PE")).await;
    let us = server.user_session("us", Role::Delegate, Some("US")).await;
    let (status, draft) = server
        .api
        .call(
            Method::POST,
            "/api/drafts",
            Some(&mx.token),
            Some(json!({"meeting_id": meeting.id.as_str(), "zero_draft": small_zero_draft()})),
        )
        .await
        .unwrap();
    assert_eq!(status, 201, "{b}: {draft}");
    let (id, doc) = (draft["id"].as_str().unwrap().to_owned(), draft["doc_id"].as_str().unwrap().to_owned());
    ([mx, ar, pe, us], id, doc)
}
