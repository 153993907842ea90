//! A negotiated text is adopted when everything in it is agreed: approval and silence are
//! refused (409) while a paragraph is open, bracketed or agreed ad referendum, or a proposal
//! is pending (of text or of a whole paragraph), naming each paragraph as the web client
//! does; a chair who must go ahead gives a reason, which the audit log keeps and every
//! export prints with the fingerprint; agreed ad referendum counts as agreed only when the
//! chair says so in that decision. On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pluma_tests::db::TestDb;
use pluma_tests::edits::{self, Proposer};
use pluma_tests::workflow::world;
use reqwest::Method;
use serde_json::{Value, json};

fn labels(body: &Value) -> Vec<(String, String)> {
    body["unsettled"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["label"]["en"].as_str().unwrap().to_owned(), u["status"].as_str().unwrap().to_owned()))
        .collect()
}

/// Bracketed, open and proposed paragraphs stop approval and silence, each named; an
/// override without a reason is refused; agreed ad referendum needs the chair's word; the
/// decision is recorded and printed.
#[tokio::test]
async fn only_a_settled_text_is_approved_unless_a_chair_decides() {
    for db in TestDb::each().await {
        let b = db.backend;
        let w = world(&db.url).await;
        w.confirm_all().await;
        let d = w.dashboard().await;
        let (pp1, op1) = (pluma_tests::workflow::World::paragraph(&d, 0), pluma_tests::workflow::World::paragraph(&d, 1));
        let (code, body) = w.post(&format!("/paragraphs/{pp1}/status"), &w.mx, json!({"status": "bracketed"})).await;
        assert_eq!(code, 200, "{b}: {body}");
        // Peru proposes a new paragraph after OP 1: "OP 1 bis".
        let mut pe = w.delegate_client(&w.pe, "peer-pe").await;
        pe.change(&w.doc, |doc| edits::propose_paragraph(doc, &Proposer::of(&w.pe), 1, "Meet yearly.", "Reunirse cada año.").map(drop))
            .await
            .unwrap();
        pe.wait_synced(&w.doc).await.unwrap();

        for (path, extra) in [("/approvals", json!({})), ("/silence", json!({"deadline": "2999-01-01T00:00:00Z"}))] {
            let (code, body) = w.post(path, &w.mx, extra).await;
            assert_eq!(code, 409, "{b}: {path}: {body}");
            assert_eq!(
                labels(&body),
                [("PP 1".into(), "bracketed".into()), ("OP 1".into(), "open".into()), ("OP 1 bis".into(), "open".into())],
                "{b}: {path}: {body}"
            );
            assert_eq!(body["unsettled"][2]["pending"], json!([{"country": "PE", "count": 1}]), "{b}: {body}");
            assert_eq!(body["unsettled"][1]["label"]["es"], "PO 1", "{b}");
            let error = body["error"].as_str().unwrap();
            assert!(error.contains("PP 1 is bracketed; OP 1 is open; OP 1 bis is open and has 1 pending proposal (PE 1)"), "{b}: {error}");
            assert!(!error.contains(&pp1) && !error.contains(&op1), "{b}: named, never by id: {error}");
        }
        assert_eq!(w.dashboard().await["unsettled"].as_array().unwrap().len(), 3, "{b}: the dashboard lists the same");
        let (code, body) = w.post("/approvals", &w.mx, json!({"settled_override": {"reason": " "}})).await;
        assert_eq!(code, 422, "{b}: a decision says why: {body}");
        assert_eq!(w.count("approval_given").await, 0, "{b}: nothing recorded");

        // Settled, but for OP 1, agreed ad referendum.
        let (code, body) = w.post("/suggestions/accept", &w.sec, json!({"all": true})).await;
        assert_eq!(code, 200, "{b}: {body}");
        w.confirm_all().await;
        w.agree_all().await;
        let (code, body) = w
            .post(&format!("/paragraphs/{op1}/status"), &w.ar, json!({"status": "agreed_ad_ref", "reason": "Peru consults its capital"}))
            .await;
        assert_eq!(code, 200, "{b}: {body}");
        let (code, body) = w.post("/approvals", &w.mx, json!({})).await;
        assert_eq!((code, labels(&body)), (409, vec![("OP 1".into(), "agreed_ad_ref".into())]), "{b}: {body}");
        let going = json!({"reason": "Peru confirmed in the plenary", "ad_referendum_agreed": false});
        let (code, body) = w.post("/approvals", &w.mx, json!({"settled_override": going})).await;
        assert_eq!(code, 409, "{b}: agreed ad referendum counts only when the chair says so: {body}");
        assert!(body["error"].as_str().unwrap().contains("OP 1 agreed ad referendum"), "{b}: {body}");
        let going = json!({"reason": "Peru confirmed in the plenary", "ad_referendum_agreed": true});
        for chair in [&w.mx, &w.ar] {
            let (code, body) = w.post("/approvals", chair, json!({"settled_override": going})).await;
            assert_eq!(code, 201, "{b}: {body}");
        }
        let d = w.wait_adopted().await;
        assert_eq!(d["workflow"]["adopted"]["how"], "approvals", "{b}");
        let adopted: Vec<Value> = w.activity(None).await.into_iter().filter(|e| e["action"] == "draft_adopted").collect();
        let decision = &adopted[0]["detail"]["settled_override"];
        assert_eq!(decision["reason"], "Peru confirmed in the plenary", "{b}: {decision}");
        assert_eq!(decision["unsettled"], "OP 1 is agreed ad referendum", "{b}: {decision}");

        // Printed with the fingerprint, in both languages.
        for (lang, words) in [
            ("en", "adopted by a chair's decision although OP 1 is agreed ad referendum: Peru confirmed in the plenary"),
            ("es", "adoptado por decisión de la Presidencia aunque"),
        ] {
            let path = format!("/api/drafts/{}/export?format=md&lang={lang}", w.draft);
            let (code, body) = w.server.api.call(Method::GET, &path, Some(&w.pe.token), None).await.unwrap();
            assert_eq!(code, 200, "{b}: {body}");
            assert!(body.as_str().unwrap().contains(words), "{b}: {lang}: {body}");
        }
        w.server.stop().await;
    }
}
