//! A negotiation to run the workflow on: a meeting with two Pro-Tempore Presidencies
//! (Mexico for the RCM, Argentina for the SACM), their chairs, delegates of Peru and the
//! United States, the secretariat, an observer, and a small draft; with the steps every
//! workflow test takes (reading the dashboard, settling the text, confirming concordance).
//! A helper of tests: a failed step panics, as the test would.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use pluma_server::ids::MeetingId;
use pluma_server::model::{Conference, Delegation, Role};
use pluma_server::store::NewMeeting;
use reqwest::Method;
use serde_json::{Value, json};

use crate::api::{Session, small_zero_draft};
use crate::client;
use crate::server::TestServer;

/// A meeting with two PPTs (Mexico for the RCM, Argentina for the SACM), their chairs,
/// delegates of Peru and the United States, the secretariat, an observer, and a draft.
#[derive(Debug)]
pub struct World {
    pub server: TestServer,
    pub mx: Session,
    pub ar: Session,
    pub pe: Session,
    pub us: Session,
    pub sec: Session,
    pub iom: Session,
    pub draft: String,
    pub doc: String,
}

/// A delegation named by its code, in `conference` and `time_zone`; `is_ppt` when it holds
/// its conference's Pro-Tempore Presidency.
pub fn delegation(code: &str, conference: Conference, time_zone: &str, is_ppt: bool) -> Delegation {
    Delegation { code: code.parse().unwrap(), name_en: code.into(), name_es: code.into(), conference, time_zone: time_zone.into(), is_ppt }
}

/// The plenary of both conferences: Mexico (RCM) and Argentina (SACM) hold the
/// Presidencies, with the United States (RCM), Peru (SACM) and `observers`, every delegation
/// in `time_zone`.
pub fn plenary(time_zone: &str, observers: &[&str]) -> NewMeeting {
    let mut delegations = vec![
        delegation("MX", Conference::Rcm, time_zone, true),
        delegation("US", Conference::Rcm, time_zone, false),
        delegation("AR", Conference::Sacm, time_zone, true),
        delegation("PE", Conference::Sacm, time_zone, false),
    ];
    delegations.extend(observers.iter().map(|code| delegation(code, Conference::Observer, time_zone, false)));
    NewMeeting { id: MeetingId::random(), name_en: "Plenary".into(), name_es: "Plenaria".into(), delegations }
}

async fn meeting(server: &TestServer) -> MeetingId {
    let meeting = plenary("America/Mexico_City", &["IOM"]);
    server.state.store.create_meeting(&meeting, 1).await.unwrap();
    // Deadlines a few seconds away, so that a silence passes within a test; the default of
    // 24 hours, and the rules of who proposes and agrees, are tests/tests/silence_presidencies.rs'.
    server.state.store.set_silence_minimum(&meeting.id, 1000).await.unwrap();
    meeting.id
}

/// The world, on the database at `url`.
pub async fn world(url: &str) -> World {
    let server = TestServer::start(url).await;
    let meeting = meeting(&server).await;
    let mx = server.user_session("mx-chair", Role::Chair, Some("MX")).await;
    let ar = server.user_session("ar-chair", Role::Chair, Some("AR")).await;
    let pe = server.user_session("pe", Role::Delegate, Some("PE")).await;
    let us = server.user_session("us", Role::Delegate, Some("US")).await;
    let sec = server.user_session("sec", Role::Secretariat, Some("SEC")).await;
    let iom = server.user_session("iom", Role::Observer, Some("IOM")).await;
    let (status, draft) = server
        .api
        .call(Method::POST, "/api/drafts", Some(&mx.token), Some(json!({"meeting_id": meeting.as_str(), "zero_draft": small_zero_draft()})))
        .await
        .unwrap();
    assert_eq!(status, 201, "{draft}");
    let (draft, doc) = (draft["id"].as_str().unwrap().to_owned(), draft["doc_id"].as_str().unwrap().to_owned());
    World { server, mx, ar, pe, us, sec, iom, draft, doc }
}

impl World {
    pub async fn call(&self, method: Method, path: &str, who: &Session, body: Option<Value>) -> (u16, Value) {
        let path = format!("/api/drafts/{}{path}", self.draft);
        self.server.api.call(method, &path, Some(&who.token), body).await.unwrap()
    }

    /// The draft exported as `format` in `lang`, read by `who`: the response, status unchecked.
    pub async fn export(&self, format: &str, lang: &str, who: &Session) -> reqwest::Response {
        reqwest::Client::new()
            .get(format!("{}/api/drafts/{}/export?format={format}&lang={lang}", self.server.api.base, self.draft))
            .bearer_auth(&who.token)
            .send()
            .await
            .unwrap()
    }

    pub async fn post(&self, path: &str, who: &Session, body: Value) -> (u16, Value) {
        self.call(Method::POST, path, who, Some(body)).await
    }

    /// Mexico's chair proposes a silence procedure and Argentina's agrees: the answer to the
    /// agreement (201 when it started), or the proposal's when the proposal was refused.
    pub async fn silence(&self, body: Value) -> (u16, Value) {
        let (code, proposed) = self.post("/silence", &self.mx, body).await;
        if code != 202 {
            return (code, proposed);
        }
        assert_eq!(proposed["workflow"]["silence_proposal"]["awaiting"], json!(["AR"]), "{proposed}");
        self.post("/silence/agreement", &self.ar, json!({"proposal": proposed["proposal"]["id"]})).await
    }

    pub async fn dashboard(&self) -> Value {
        let (status, d) = self.call(Method::GET, "/dashboard", &self.pe, None).await;
        assert_eq!(status, 200, "{d}");
        d
    }

    pub fn paragraph(d: &Value, i: usize) -> String {
        d["paragraphs"][i]["paragraph"].as_str().unwrap().to_owned()
    }

    /// A chair sets every paragraph to agreed: the text is settled. (Confirm concordance
    /// first: an agreed paragraph is the chairs' alone.)
    pub async fn agree_all(&self) {
        let d = self.dashboard().await;
        for p in d["paragraphs"].as_array().unwrap() {
            let path = format!("/paragraphs/{}/status", p["paragraph"].as_str().unwrap());
            let (status, body) = self.post(&path, &self.mx, json!({"status": "agreed"})).await;
            assert_eq!(status, 200, "{body}");
        }
        assert_eq!(self.dashboard().await["unsettled"], json!([]));
    }

    /// The secretariat confirms every paragraph's concordance.
    pub async fn confirm_all(&self) {
        let d = self.dashboard().await;
        for p in d["paragraphs"].as_array().unwrap() {
            let (status, body) =
                self.post(&format!("/paragraphs/{}/concordance", p["paragraph"].as_str().unwrap()), &self.sec, json!({})).await;
            assert_eq!(status, 200, "{body}");
        }
        assert_eq!(self.dashboard().await["out_of_concordance"], 0);
    }

    /// Every activity entry (newest first), or those concerning one country.
    pub async fn activity(&self, country: Option<&str>) -> Vec<Value> {
        let query = country.map_or_else(|| "?limit=500".to_owned(), |c| format!("?limit=500&country={c}"));
        let (status, page) = self.call(Method::GET, &format!("/activity{query}"), &self.pe, None).await;
        assert_eq!(status, 200, "{page}");
        page["entries"].as_array().unwrap().clone()
    }

    pub async fn count(&self, action: &str) -> usize {
        self.activity(None).await.iter().filter(|e| e["action"] == action).count()
    }

    /// A delegate's client proposing text in paragraph 2.
    pub async fn delegate_client(&self, who: &Session, peer: &str) -> client::SyncClient {
        let mut c = client::connect(&self.server.sync_url(who).await, peer).await.unwrap();
        c.open(&self.doc).await.unwrap();
        c
    }

    /// Waits until the dashboard says the text is adopted.
    pub async fn wait_adopted(&self) -> Value {
        for _ in 0..200 {
            let d = self.dashboard().await;
            if !d["workflow"]["adopted"].is_null() {
                return d;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the text was not adopted: {}", self.dashboard().await);
    }
}

/// A chair's decision to go ahead with a text that is not settled.
pub fn going_ahead() -> Value {
    json!({"reason": "The plenary decided to go ahead with the text as it stands", "ad_referendum_agreed": true})
}
