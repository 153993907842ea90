//! The demo meeting through the real server, on SQLite and PostgreSQL: `GET
//! /api/meetings/{id}` serves its conferences with their PPTs, its delegations and the
//! parsed agenda; the Concept Note seeded next to the communiqué lets a session's lead
//! country edit its questions directly through the sync path, while another country's
//! direct edit is refused and its proposal accepted.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use automerge::ActorId;
use pluma_core::{Draft, DraftKind, Lang, ParagraphKind, Stamp};
use pluma_server::demo::{DEMO_PASSWORD, seed};
use pluma_tests::client;
use pluma_tests::db::TestDb;
use pluma_tests::server::TestServer;
use reqwest::Method;
use serde_json::Value;

async fn demo_server(db: &TestDb) -> TestServer {
    let server = TestServer::start(&db.url).await;
    seed(server.state.store.as_ref()).await.unwrap().expect("an empty database is seeded");
    server
}

/// The meeting, its two conferences with Mexico and Argentina as PPTs, every delegation
/// with its capital's zone, and the agenda with absolute times and lead countries.
#[tokio::test]
async fn meeting_endpoint_serves_conferences_delegations_and_agenda() {
    for db in TestDb::each().await {
        let server = demo_server(&db).await;
        let pe = server.api.login("pe", DEMO_PASSWORD).await.unwrap();
        let (status, meetings) = server.api.call(Method::GET, "/api/meetings", Some(&pe.token), None).await.unwrap();
        assert_eq!(status, 200, "{}", db.backend);
        let id = meetings[0]["id"].as_str().unwrap().to_owned();
        let (status, m) = server.api.call(Method::GET, &format!("/api/meetings/{id}"), Some(&pe.token), None).await.unwrap();
        assert_eq!(status, 200, "{}: {m}", db.backend);
        assert_eq!(m["id"], id.as_str());
        let conf = |code: &str| m["conferences"].as_array().unwrap().iter().find(|c| c["code"] == code).unwrap().clone();
        assert_eq!(conf("rcm")["ppt"], "MX");
        assert_eq!(conf("sacm")["ppt"], "AR");
        assert_eq!(conf("sacm")["short_es"], "CSM");
        assert_eq!(conf("rcm")["members"].as_array().unwrap().len(), 11);
        assert_eq!(conf("sacm")["members"].as_array().unwrap().len(), 12);
        let peru = m["delegations"].as_array().unwrap().iter().find(|d| d["code"] == "PE").unwrap();
        assert_eq!(peru["time_zone"], "America/Lima");
        let days = m["agenda"]["days"].as_array().unwrap();
        assert_eq!(days.len(), 2);
        let sessions: Vec<&Value> = days.iter().flat_map(|d| d["items"].as_array().unwrap()).filter(|i| i["kind"] == "session").collect();
        assert_eq!(sessions.len(), 6);
        // Session 3, Peru, 12:10–13:15 GMT-6 on 9 September 2021.
        assert_eq!(sessions[2]["leads"], serde_json::json!(["PE"]));
        assert_eq!(sessions[2]["start"], 1_631_211_000_000i64);
        assert_eq!(sessions[2]["end"], 1_631_214_900_000i64);
        assert_eq!(sessions[2]["title"]["es"], "Integración de las personas migrantes y lucha contra la xenofobia");

        // Names in both languages: the agenda's "led by", the people of the directory.
        let led: Vec<&Value> = days.iter().flat_map(|d| d["items"].as_array().unwrap()).filter(|i| !i["led_by"].is_null()).collect();
        assert_eq!(led[0]["led_by"], "RCM PPT and SACM PPT", "{}", db.backend);
        assert_eq!(led[0]["led_by_es"], "PPT de la CRM y PPT de la CSM", "{}", db.backend);
        let (status, people) = server.api.call(Method::GET, &format!("/api/meetings/{id}/directory"), Some(&pe.token), None).await.unwrap();
        assert_eq!(status, 200, "{}: {people}", db.backend);
        let person = |login_name: &str| people.as_array().unwrap().iter().find(|p| p["display_name"] == login_name).cloned();
        let chair = person("Pro-Tempore Presidency of the RCM (Mexico)").unwrap_or_else(|| panic!("{people}"));
        assert_eq!(chair["display_name_es"], "Presidencia Pro Tempore de la CRM (México)", "{}", db.backend);
        let peru = person("Delegation of Peru").unwrap_or_else(|| panic!("{people}"));
        assert_eq!(peru["display_name_es"], "Delegación de Perú", "{}", db.backend);
        let (_, me) = server.api.call(Method::GET, "/api/me", Some(&pe.token), None).await.unwrap();
        assert_eq!(me["display_name_es"], "Delegación de Perú", "{}: {me}", db.backend);

        // Bad and unknown ids, and no session.
        let (status, body) = server.api.call(Method::GET, "/api/meetings/nope", Some(&pe.token), None).await.unwrap();
        assert_eq!((status, body["error"].is_string()), (400, true));
        let (status, _) = server.api.call(Method::GET, "/api/meetings/m0000000000000000", Some(&pe.token), None).await.unwrap();
        assert_eq!(status, 404);
        let (status, _) = server.api.call(Method::GET, &format!("/api/meetings/{id}"), None, None).await.unwrap();
        assert_eq!(status, 401);
        server.stop().await;
    }
}

/// The demo's two drafts start their activity log like any other draft: created by the
/// secretariat.
#[tokio::test]
async fn demo_drafts_record_their_creation() {
    for db in TestDb::each().await {
        let server = demo_server(&db).await;
        let drafts = server.state.store.drafts().await.unwrap();
        assert_eq!(drafts.len(), 2, "{}", db.backend);
        for draft in drafts {
            let log = server.state.store.audit_page(&draft.id, None, 10).await.unwrap();
            let created: Vec<_> = log.iter().filter(|e| e.action == "draft_created").collect();
            assert_eq!(created.len(), 1, "{}: {log:?}", db.backend);
            assert_eq!(created[0].country.as_deref(), Some("SEC"), "{}", db.backend);
            assert_eq!(created[0].user.as_deref(), draft.created_by.as_ref().map(|u| u.as_str()), "{}", db.backend);
        }
        server.stop().await;
    }
}

/// Peru, lead of session 3, edits its question directly; the United States may not, but
/// its proposal on the same question is accepted and stored.
#[tokio::test]
async fn lead_country_edits_its_question_others_propose() {
    for db in TestDb::each().await {
        let server = demo_server(&db).await;
        let note = server
            .state
            .store
            .drafts()
            .await
            .unwrap()
            .into_iter()
            .find(|d| d.kind == DraftKind::ConceptNote)
            .expect("the demo has a concept note");
        let doc_id = note.doc_id.to_string();
        let pe = server.api.login("pe", DEMO_PASSWORD).await.unwrap();
        let us = server.api.login("us", DEMO_PASSWORD).await.unwrap();
        let logged = || async { server.state.store.logged_change_count(&note.doc_id).await.unwrap() };
        let start = logged().await;

        // Peru's direct edit of a session-3 question.
        let mut c = client::connect(&server.sync_url(&pe).await, "peer-pe").await.unwrap();
        c.open(&doc_id).await.unwrap();
        let mut d = Draft::load(&c.docs[&doc_id].doc.clone().save()).unwrap();
        let question = d.paragraphs().unwrap().into_iter().find(|p| p.kind == ParagraphKind::Question && p.section == Some(3)).unwrap();
        assert_eq!(question.editors, ["PE".parse().unwrap()]);
        d.set_actor(ActorId::random());
        let heads = d.heads();
        d.splice(&question.id, Lang::En, 0, 0, "What are the ").unwrap();
        let changes = d.changes_since(&heads);
        c.change(&doc_id, |doc| Ok(doc.apply_changes(changes)?)).await.unwrap();
        c.wait_synced(&doc_id).await.unwrap();
        assert_eq!(logged().await, start + 1, "{}: Peru's edit is stored", db.backend);

        // The United States' direct edit of the same question is refused whole.
        let mut c = client::connect(&server.sync_url(&us).await, "peer-us").await.unwrap();
        c.open(&doc_id).await.unwrap();
        let mut d = Draft::load(&c.docs[&doc_id].doc.clone().save()).unwrap();
        assert!(d.text(&question.id, Lang::En).unwrap().starts_with("What are the "));
        d.set_actor(ActorId::random());
        let heads = d.heads();
        d.splice(&question.id, Lang::En, 0, 4, "Which").unwrap();
        let changes = d.changes_since(&heads);
        c.change(&doc_id, |doc| Ok(doc.apply_changes(changes)?)).await.unwrap();
        let error = c.expect_error().await.unwrap();
        assert!(error.contains("direct-edit"), "{}: {error}", db.backend);
        c.expect_closed().await.unwrap();
        assert_eq!(logged().await, start + 1, "{}: nothing of the refused edit is stored", db.backend);

        // Its proposal is accepted.
        let mut c = client::connect(&server.sync_url(&us).await, "peer-us-2").await.unwrap();
        c.open(&doc_id).await.unwrap();
        let mut d = Draft::load(&c.docs[&doc_id].doc.clone().save()).unwrap();
        d.set_actor(ActorId::random());
        let heads = d.heads();
        let by = Stamp { user: us.user["id"].as_str().unwrap().parse().unwrap(), country: "US".parse().unwrap(), at: 1 };
        d.suggest_insert(&question.id, Lang::En, 0, "Regionally: ", &by).unwrap();
        let changes = d.changes_since(&heads);
        c.change(&doc_id, |doc| Ok(doc.apply_changes(changes)?)).await.unwrap();
        c.wait_synced(&doc_id).await.unwrap();
        assert_eq!(logged().await, start + 2, "{}: the proposal is stored", db.backend);
        let (status, pending) =
            server.api.call(Method::GET, &format!("/api/drafts/{}/suggestions", note.id), Some(&us.token), None).await.unwrap();
        assert_eq!(status, 200);
        let mine: Vec<&Value> = pending["suggestions"].as_array().unwrap().iter().filter(|s| s["country"] == "US").collect();
        assert_eq!(mine.len(), 1, "{}: {pending}", db.backend);
        server.stop().await;
    }
}
