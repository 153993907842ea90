//! The silence procedure cannot replace the Presidencies (finding 7 of issue 18: a chair
//! started one with a deadline 3 s away and the text was adopted and locked with no
//! approval from either Presidency; it worked for a chair whose delegation holds no
//! presidency, and the other Presidency then got 409 on objecting). On SQLite and
//! PostgreSQL: who may propose and agree, the minimum period (24 h by default, set per
//! meeting by an administrator), and each refusal naming its rule.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pluma_server::ids::MeetingId;
use pluma_server::model::Role;
use pluma_server::time::now_ms;
use pluma_tests::api::{Session, small_zero_draft};
use pluma_tests::client;
use pluma_tests::db::TestDb;
use pluma_tests::edits::{self, Proposer};
use pluma_tests::server::TestServer;
use pluma_tests::workflow::plenary;
use reqwest::Method;
use serde_json::{Value, json};

const HOUR: i64 = 3600 * 1000;

struct World {
    server: TestServer,
    meeting: MeetingId,
    draft: String,
    doc: String,
    mx: Session,
    ar: Session,
    us_chair: Session,
    pe: Session,
    admin: Session,
}

async fn world(url: &str) -> World {
    let server = TestServer::start(url).await;
    let meeting = plenary("UTC", &[]);
    server.state.store.create_meeting(&meeting, 1).await.unwrap();
    let mx = server.user_session("mx-chair", Role::Chair, Some("MX")).await;
    let ar = server.user_session("ar-chair", Role::Chair, Some("AR")).await;
    let us_chair = server.user_session("us-chair", Role::Chair, Some("US")).await;
    let pe = server.user_session("pe", Role::Delegate, Some("PE")).await;
    let admin = server.user_session("admin", Role::Admin, None).await;
    let body = json!({"meeting_id": meeting.id.as_str(), "zero_draft": small_zero_draft()});
    let (status, draft) = server.api.call(Method::POST, "/api/drafts", Some(&mx.token), Some(body)).await.unwrap();
    assert_eq!(status, 201, "{draft}");
    let (draft, doc) = (draft["id"].as_str().unwrap().to_owned(), draft["doc_id"].as_str().unwrap().to_owned());
    let w = World { server, meeting: meeting.id, draft, doc, mx, ar, us_chair, pe, admin };
    let d = w.get("/dashboard").await;
    for p in d["paragraphs"].as_array().unwrap() {
        let sec = &w.mx;
        let (status, body) = w.post(&format!("/paragraphs/{}/concordance", p["paragraph"].as_str().unwrap()), sec, json!({})).await;
        assert_eq!(status, 200, "{body}");
    }
    w
}

impl World {
    async fn post(&self, path: &str, who: &Session, body: Value) -> (u16, Value) {
        self.server.api.call(Method::POST, &format!("/api/drafts/{}{path}", self.draft), Some(&who.token), Some(body)).await.unwrap()
    }

    async fn get(&self, path: &str) -> Value {
        self.server.api.call(Method::GET, &format!("/api/drafts/{}{path}", self.draft), Some(&self.pe.token), None).await.unwrap().1
    }

    async fn set_minimum(&self, who: &Session, secs: i64) -> (u16, Value) {
        let path = format!("/api/meetings/{}", self.meeting);
        self.server.api.call(Method::PATCH, &path, Some(&who.token), Some(json!({"silence_minimum_secs": secs}))).await.unwrap()
    }
}

/// A proposal of a silence until `deadline` (unix ms), on the demo's text as it stands: its
/// paragraphs are open, so the chair goes ahead with a reason.
fn proposal(deadline: i64) -> Value {
    json!({"deadline": deadline, "settled_override": {"reason": "Capitals are consulted on the text as it stands"}})
}

fn error(body: &Value) -> String {
    body["error"].as_str().unwrap_or_default().to_owned()
}

/// Only a chair of a PPT proposes (a delegate and the chair of a delegation without a
/// presidency get 403 naming silence-presidency); the default minimum is 24 hours (a
/// deadline 3 s or 23 h away is refused naming silence-minimum-period); a proposal freezes
/// nothing and adopts nothing; the proposer cannot agree to its own proposal; the other
/// PPT's chair agrees and only then does the procedure start and the text freeze.
#[tokio::test]
async fn only_both_presidencies_start_a_silence() {
    for db in TestDb::each().await {
        let b = db.backend;
        let w = world(&db.url).await;
        let soon = proposal(now_ms() + 3000);
        for who in [&w.pe, &w.us_chair] {
            let (code, body) = w.post("/silence", who, soon.clone()).await;
            assert_eq!(code, 403, "{b}: {body}");
            assert!(error(&body).starts_with("rule silence-presidency"), "{b}: {body}");
        }
        let (code, body) = w.post("/silence", &w.mx, soon.clone()).await;
        assert_eq!(code, 422, "{b}: {body}");
        assert!(error(&body).starts_with("rule silence-minimum-period") && error(&body).contains("(24 h)"), "{b}: {body}");
        let (code, body) = w.post("/silence", &w.mx, proposal(now_ms() + 23 * HOUR)).await;
        assert_eq!(code, 422, "{b}: {body}");

        let deadline = now_ms() + 25 * HOUR;
        let (code, proposed) = w.post("/silence", &w.mx, proposal(deadline)).await;
        assert_eq!(code, 202, "{b}: {proposed}");
        assert!(proposed["silence"].is_null() && proposed["workflow"]["locked"].is_null(), "{b}: a proposal freezes nothing");
        assert_eq!(proposed["workflow"]["silence_proposal"]["awaiting"], json!(["AR"]), "{b}");
        let id = proposed["proposal"]["id"].clone();
        // The text is not frozen: Peru still proposes.
        let mut pe = client::connect(&w.server.sync_url(&w.pe).await, "peer-pe").await.unwrap();
        pe.open(&w.doc).await.unwrap();
        for who in [&w.mx, &w.us_chair, &w.pe] {
            let (code, body) = w.post("/silence/agreement", who, json!({"proposal": id})).await;
            assert!(code == 409 || code == 403, "{b}: {body}");
            assert!(error(&body).contains("rule silence-"), "{b}: {body}");
        }
        let (code, started) = w.post("/silence/agreement", &w.ar, json!({"proposal": id})).await;
        assert_eq!(code, 201, "{b}: {started}");
        assert_eq!(started["silence"]["state"], "running", "{b}");
        assert_eq!(started["silence"]["deadline"], deadline, "{b}");
        assert!(started["workflow"]["locked"].as_str().unwrap().contains("silence"), "{b}");
        let (code, body) = w.post("/silence/agreement", &w.ar, json!({"proposal": id})).await;
        assert_eq!(code, 409, "{b}: agreed once: {body}");
        // Frozen now; and the other Presidency may still object.
        pe.change(&w.doc, |d| edits::append(d, &Proposer::of(&w.pe), 1, "en", " frozen")).await.unwrap();
        assert!(pe.expect_error().await.unwrap().contains("silence"), "{b}");
        let (code, body) = w.post("/silence/objections", &w.ar, json!({"text": "Argentina objects."})).await;
        assert_eq!(code, 201, "{b}: {body}");
        let actions: Vec<String> = w.get("/activity?limit=50").await["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect();
        for action in ["silence_proposed", "silence_agreed", "silence_started", "silence_broken"] {
            assert!(actions.contains(&action.to_owned()), "{b}: {action} in {actions:?}");
        }
        assert!(w.get("/dashboard").await["workflow"]["adopted"].is_null(), "{b}: nothing was adopted");
        w.server.stop().await;
    }
}

/// The minimum period is the meeting's, set by an administrator only (others 403, values
/// out of range 422), and shown with the meeting; a proposal whose deadline came within the
/// minimum period before the other Presidency agreed is refused at agreement; a proposal on
/// a text that changed since is refused at agreement; a newer proposal replaces an older.
#[tokio::test]
async fn the_minimum_period_is_the_meetings_and_holds_at_agreement() {
    for db in TestDb::each().await {
        let b = db.backend;
        let w = world(&db.url).await;
        for who in [&w.mx, &w.pe] {
            let (code, body) = w.set_minimum(who, 1).await;
            assert_eq!(code, 403, "{b}: {body}");
        }
        for bad in [-1, 31 * 24 * 3600] {
            let (code, body) = w.set_minimum(&w.admin, bad).await;
            assert_eq!(code, 422, "{b}: {bad}: {body}");
        }
        let path = format!("/api/meetings/{}", w.meeting);
        let (_, meeting) = w.server.api.call(Method::GET, &path, Some(&w.pe.token), None).await.unwrap();
        assert_eq!(meeting["silence_minimum_secs"], 86400, "{b}: a day by default");
        let (code, meeting) = w.set_minimum(&w.admin, 2).await;
        assert_eq!((code, meeting["silence_minimum_secs"].clone()), (200, json!(2)), "{b}: {meeting}");

        // Proposed 3 s ahead; by the time Argentina agrees, less than 2 s remain.
        let (code, proposed) = w.post("/silence", &w.mx, proposal(now_ms() + 3000)).await;
        assert_eq!(code, 202, "{b}: {proposed}");
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        let (code, body) = w.post("/silence/agreement", &w.ar, json!({"proposal": proposed["proposal"]["id"]})).await;
        assert_eq!(code, 409, "{b}: {body}");
        assert!(error(&body).starts_with("rule silence-minimum-period"), "{b}: {body}");

        // A newer proposal replaces it; then the text changes before Argentina agrees.
        let (code, newer) = w.post("/silence", &w.ar, proposal(now_ms() + HOUR)).await;
        assert_eq!(code, 202, "{b}: {newer}");
        let (code, body) = w.post("/silence/agreement", &w.ar, json!({"proposal": proposed["proposal"]["id"]})).await;
        assert_eq!(code, 409, "{b}: the older one was replaced: {body}");
        let p1 = w.get("/dashboard").await["paragraphs"][0]["paragraph"].as_str().unwrap().to_owned();
        let (code, body) = w.post(&format!("/paragraphs/{p1}/status"), &w.mx, json!({"status": "bracketed"})).await;
        assert_eq!(code, 200, "{b}: {body}");
        let (code, body) = w.post("/silence/agreement", &w.mx, json!({"proposal": newer["proposal"]["id"]})).await;
        assert_eq!(code, 409, "{b}: {body}");
        assert!(error(&body).contains("the text changed since AR proposed the silence"), "{b}: {body}");
        w.server.stop().await;
    }
}
