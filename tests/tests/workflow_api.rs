//! The negotiation workflow through the real API and sync path, on SQLite and PostgreSQL:
//! paragraph status and concordance, approvals by both Pro-Tempore Presidencies and how a
//! later change voids them, adoption and the lock it puts on the text (for the sync path
//! and the API alike), the silence procedure (frozen text, objections, the deadline).
//! Two servers on one database: `workflow_two_servers.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../core/tests/support/pdf_text.rs"]
mod pdf_text;

use automerge::transaction::Transactable;
use pluma_server::model::Role;
use pluma_tests::db::TestDb;
use pluma_tests::edits::{self, Proposer};
use pluma_tests::workflow::{World, going_ahead, world};
use reqwest::Method;
use serde_json::{Value, json};

/// Only chairs set a paragraph's status; reopening an agreed paragraph takes a reason,
/// which the audit log keeps; only a PPT's chair approves; the dashboard counts statuses
/// and lists what is still open or bracketed.
#[tokio::test]
async fn status_and_approval_belong_to_chairs() {
    for db in TestDb::each().await {
        let b = db.backend;
        let w = world(&db.url).await;
        let d = w.dashboard().await;
        assert_eq!(d["status_counts"], json!({"open": 2, "bracketed": 0, "agreed_ad_ref": 0, "agreed": 0}), "{b}: {d}");
        assert_eq!(d["unsettled"].as_array().unwrap().len(), 2, "{b}");
        assert_eq!(d["unsettled"][0]["label"], json!({"en": "PP 1", "es": "PP 1"}), "{b}");
        assert_eq!(d["unsettled"][1]["label"], json!({"en": "OP 1", "es": "PO 1"}), "{b}");
        assert_eq!(d["workflow"]["ppt"], json!(["AR", "MX"]), "{b}");
        assert_eq!(d["out_of_concordance"], 2, "{b}: never confirmed");
        let p1 = World::paragraph(&d, 0);
        let status = format!("/paragraphs/{p1}/status");

        for who in [&w.pe, &w.sec, &w.iom] {
            let (code, body) = w.post(&status, who, json!({"status": "bracketed"})).await;
            assert_eq!(code, 403, "{b}: {body}");
        }
        let (code, body) = w.post(&status, &w.mx, json!({"status": "settled"})).await;
        assert_eq!(code, 422, "{b}: {body}");
        let (code, body) = w.post("/paragraphs/p0000000000000000/status", &w.mx, json!({"status": "agreed"})).await;
        assert_eq!(code, 404, "{b}: {body}");
        for step in ["bracketed", "agreed_ad_ref", "agreed"] {
            let (code, body) = w.post(&status, &w.mx, json!({"status": step})).await;
            assert_eq!((code, body["changed"].clone()), (200, json!(true)), "{b}: {step}: {body}");
        }
        let (code, body) = w.post(&status, &w.ar, json!({"status": "open"})).await;
        assert_eq!(code, 422, "{b}: leaving agreed takes a reason: {body}");
        let (code, body) = w.post(&status, &w.ar, json!({"status": "open", "reason": "  "})).await;
        assert_eq!(code, 422, "{b}: {body}");
        let (code, body) = w.post(&status, &w.ar, json!({"status": "bracketed", "reason": "Peru asked to reopen it"})).await;
        assert_eq!(code, 200, "{b}: {body}");
        let d = w.dashboard().await;
        assert_eq!(d["status_counts"]["bracketed"], 1, "{b}: {d}");
        assert_eq!(d["unsettled"][0]["status"], "bracketed", "{b}");
        let changes: Vec<Value> = w.activity(None).await.into_iter().filter(|e| e["action"] == "paragraph_status_changed").collect();
        assert_eq!(changes.len(), 4, "{b}");
        assert_eq!(changes[0]["detail"]["note"]["reason"], "Peru asked to reopen it", "{b}: {}", changes[0]);
        assert_eq!(changes[0]["detail"]["note"]["from"], "agreed", "{b}");
        assert_eq!(changes[0]["country"], "AR", "{b}");

        // Approval: PPT chairs only.
        let co = w.server.user_session("co-chair", Role::Chair, Some("CO")).await;
        for who in [&w.pe, &w.us, &w.sec, &w.iom, &co] {
            let (code, body) = w.post("/approvals", who, json!({})).await;
            assert_eq!(code, 403, "{b}: {body}");
        }
        assert_eq!(w.count("approval_given").await, 0, "{b}");
        let (code, body) = w.post("/approvals", &w.mx, json!({"unknown": 1})).await;
        assert_eq!(code, 422, "{b}: {body}");
        w.server.stop().await;
    }
}

/// An approval is of exact heads: a change accepted after it voids it, the dashboard and
/// the activity say why, and the other PPT's approval of the new text does not adopt it.
#[tokio::test]
async fn an_edit_after_one_approval_voids_it() {
    for db in TestDb::each().await {
        let b = db.backend;
        let w = world(&db.url).await;
        w.confirm_all().await;
        let (code, first) = w.post("/approvals", &w.mx, json!({"settled_override": going_ahead()})).await;
        assert_eq!(code, 201, "{b}: {first}");
        assert_eq!(first["adopted"], false, "{b}");
        assert_eq!(first["workflow"]["approved_by"], json!(["MX"]), "{b}: {first}");
        assert_eq!(first["workflow"]["awaiting"], json!(["AR"]), "{b}");
        // Approving again is the same approval.
        let (code, again) = w.post("/approvals", &w.mx, json!({"settled_override": going_ahead()})).await;
        assert_eq!((code, &again["approval"]["id"]), (200, &first["approval"]["id"]), "{b}: {again}");

        let mut pe = w.delegate_client(&w.pe, "peer-pe").await;
        pe.change(&w.doc, |d| edits::append(d, &Proposer::of(&w.pe), 1, "en", " and to report back")).await.unwrap();
        pe.wait_synced(&w.doc).await.unwrap();

        let d = w.dashboard().await;
        let approval = &d["workflow"]["approvals"][0];
        assert_eq!(approval["live"], false, "{b}: {d}");
        let reason = approval["void_reason"].as_str().unwrap();
        assert!(reason.contains("PE") && reason.contains("MX"), "{b}: {reason}");
        assert_eq!(d["workflow"]["approved_by"], json!([]), "{b}");
        assert_eq!(d["proposals_by_country"], json!({"PE": 1}), "{b}");
        let voided: Vec<Value> = w.activity(Some("MX")).await.into_iter().filter(|e| e["action"] == "approval_voided").collect();
        assert_eq!(voided.len(), 1, "{b}: the activity of Mexico shows it");

        // Heads read before the change are refused; so is the new text while Peru's
        // proposal is pending. Once it is accepted, Argentina's approval of the new text
        // does not adopt it: Mexico's was of the old one.
        let (code, body) = w.post("/approvals", &w.ar, json!({"heads": first["approval"]["heads"]})).await;
        assert_eq!(code, 409, "{b}: {body}");
        let (code, body) = w.post("/approvals", &w.ar, json!({})).await;
        assert_eq!(code, 409, "{b}: {body}");
        let error = body["error"].as_str().unwrap();
        assert!(error.contains("OP 1 is open and has 1 pending proposal (PE 1)") && error.contains("cannot be approved"), "{b}: {error}");
        assert_eq!(body["unsettled"][1]["pending"], json!([{"country": "PE", "count": 1}]), "{b}: {body}");
        assert_eq!(w.count("approval_given").await, 1, "{b}: nothing recorded");
        let (code, body) = w.post("/suggestions/accept", &w.sec, json!({"all": true})).await;
        assert_eq!(code, 200, "{b}: {body}");
        w.confirm_all().await;
        w.agree_all().await;
        let (code, body) = w.post("/approvals", &w.ar, json!({})).await;
        assert_eq!(code, 201, "{b}: {body}");
        assert_eq!(body["adopted"], false, "{b}");
        assert_eq!(body["workflow"]["approved_by"], json!(["AR"]), "{b}");
        assert!(w.dashboard().await["workflow"]["adopted"].is_null(), "{b}");
        w.server.stop().await;
    }
}

/// Both approvals of the same text adopt it: a version "Adopted", a fingerprint on every
/// export, and from then on every change is refused with the reason — a delegate's
/// through the sync path (disconnected), a chair's and the secretariat's through the API —
/// and nothing of them is stored.
#[tokio::test]
async fn both_approvals_adopt_and_then_every_change_is_refused() {
    for db in TestDb::each().await {
        let b = db.backend;
        let w = world(&db.url).await;
        // A pending proposal stops approval (and nothing is recorded) until it is accepted
        // or rejected.
        let mut pe = w.delegate_client(&w.pe, "peer-pe").await;
        pe.change(&w.doc, |d| edits::append(d, &Proposer::of(&w.pe), 1, "en", " soon")).await.unwrap();
        pe.wait_synced(&w.doc).await.unwrap();
        w.confirm_all().await;
        let (code, body) = w.post("/approvals", &w.mx, json!({})).await;
        assert_eq!(code, 409, "{b}: {body}");
        assert!(body["error"].as_str().unwrap().contains("pending proposal (PE 1)"), "{b}: {body}");
        let (code, body) = w.post("/suggestions/reject", &w.sec, json!({"country": "PE"})).await;
        assert_eq!(code, 200, "{b}: {body}");
        w.confirm_all().await;
        w.agree_all().await;

        let (code, body) = w.post("/approvals", &w.mx, json!({})).await;
        assert_eq!((code, body["adopted"].clone()), (201, json!(false)), "{b}: {body}");
        let (code, body) = w.post("/approvals", &w.ar, json!({})).await;
        assert_eq!(code, 201, "{b}: {body}");
        assert_eq!(body["adopted"], true, "{b}: {body}");
        let adopted = &body["workflow"]["adopted"];
        let fingerprint = adopted["fingerprint"].as_str().unwrap().to_owned();
        assert_eq!(fingerprint.len(), 64, "{b}");
        assert!(fingerprint.bytes().all(|c| c.is_ascii_hexdigit()), "{b}");
        assert_eq!(adopted["how"], "approvals", "{b}");
        assert!(body["workflow"]["locked"].as_str().unwrap().contains("adopted"), "{b}");
        let (_, versions) = w.call(Method::GET, "/versions", &w.pe, None).await;
        let labels: Vec<&str> = versions.as_array().unwrap().iter().map(|v| v["label"].as_str().unwrap()).collect();
        assert_eq!(labels, ["Approved by MX", "Approved by AR", "Adopted"], "{b}");
        assert_eq!(w.count("draft_adopted").await, 1, "{b}");
        let heads = w.dashboard().await["workflow"]["heads"].clone();

        // The delegate's next edit through the sync path: refused, disconnected.
        pe.change(&w.doc, |d| edits::append(d, &Proposer::of(&w.pe), 0, "es", " ya")).await.unwrap();
        let error = pe.expect_error().await.unwrap();
        assert!(error.contains("adopted") && error.contains(&fingerprint), "{b}: {error}");
        pe.expect_closed().await.unwrap();
        // A chair and the secretariat through the API: 409 with the reason.
        let p2 = World::paragraph(&w.dashboard().await, 1);
        let (code, body) =
            w.post(&format!("/paragraphs/{p2}/status"), &w.mx, json!({"status": "bracketed", "reason": "Peru asked to reopen it"})).await;
        assert_eq!(code, 409, "{b}: {body}");
        assert!(body["error"].as_str().unwrap().contains("adopted"), "{b}: {body}");
        let (code, body) = w.post("/approvals", &w.mx, json!({})).await;
        assert_eq!(code, 409, "{b}: {body}");
        // The secretariat's direct edit through the sync path: refused too.
        let mut sec = w.delegate_client(&w.sec, "peer-sec").await;
        sec.change(&w.doc, |d| {
            let obj = edits::paragraph_text(d, 1, "en")?;
            d.splice_text(&obj, 0, 0, "Finally, ")?;
            Ok(())
        })
        .await
        .unwrap();
        let error = sec.expect_error().await.unwrap();
        assert!(error.contains("adopted"), "{b}: {error}");
        // Nothing was stored: the same heads, no proposal, no "ya", no "Finally".
        let d = w.dashboard().await;
        assert_eq!(d["workflow"]["heads"], heads, "{b}");
        assert_eq!(d["proposals_by_country"], json!({}), "{b}");
        let late = w.delegate_client(&w.us, "peer-us").await;
        assert!(!edits::text(&late.docs[&w.doc].doc, 0, "es").unwrap().ends_with(" ya"), "{b}");
        assert!(!edits::text(&late.docs[&w.doc].doc, 1, "en").unwrap().starts_with("Finally"), "{b}");
        let refused: Vec<Value> = w.activity(Some("PE")).await.into_iter().filter(|e| e["action"] == "violation_refused").collect();
        assert_eq!(refused[0]["detail"]["rule"], "workflow-lock", "{b}: {refused:?}");

        // Every export prints the fingerprint and the adoption date.
        let date = w.dashboard().await["workflow"]["adopted_utc"].as_str().unwrap().split(' ').next().unwrap().to_owned();
        for (format, lang) in [("md", "en"), ("html", "es")] {
            let resp = w.export(format, lang, &w.pe).await;
            assert_eq!(resp.status(), 200, "{b}");
            let text = resp.text().await.unwrap();
            assert!(text.contains(&fingerprint) && text.contains(&date), "{b}: {format}: {text}");
        }
        for format in ["docx", "docx-tracked"] {
            let bytes = w.export(format, "en", &w.pe).await.bytes().await.unwrap();
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
            let mut xml = String::new();
            std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
            assert!(xml.contains(&fingerprint) && xml.contains("Adopted on"), "{b}: {format}");
        }
        let resp = w.export("pdf", "es", &w.pe).await;
        assert_eq!(resp.status(), 200, "{b}");
        assert_eq!(resp.headers()["content-type"], "application/pdf", "{b}");
        assert!(resp.headers()["content-disposition"].to_str().unwrap().ends_with("-es.pdf\""), "{b}");
        let text = pdf_text::pages_text(&resp.bytes().await.unwrap()).join(" ");
        assert!(text.contains(&fingerprint) && text.contains("Adoptado el"), "{b}: pdf: {text}");
        w.server.stop().await;
    }
}

/// A chair puts the text under silence: it is frozen for everyone; a delegation's
/// objection breaks the silence and the text unfreezes; observers do not object. A second
/// silence that passes unbroken adopts the text at its deadline, after which an objection
/// is refused because the deadline passed.
#[tokio::test]
async fn silence_freezes_the_text_an_objection_breaks_it_and_the_deadline_adopts() {
    for db in TestDb::each().await {
        let b = db.backend;
        let w = world(&db.url).await;
        w.confirm_all().await;
        let (code, body) = w.post("/silence/objections", &w.us, json!({"text": "No."})).await;
        assert_eq!(code, 409, "{b}: nothing to object to: {body}");
        let (code, body) = w.post("/silence", &w.pe, json!({"deadline": "2999-01-01T00:00:00Z"})).await;
        assert_eq!(code, 403, "{b}: {body}");
        for bad in [json!({"deadline": "tomorrow"}), json!({"deadline": "2001-01-01T00:00:00Z"}), json!({}), json!({"deadline": 1, "x": 1})]
        {
            let (code, body) = w.post("/silence", &w.mx, bad.clone()).await;
            assert_eq!(code, 422, "{b}: {bad}: {body}");
        }
        let (code, body) = w.silence(json!({"deadline": "2999-01-01T00:00:00-05:00", "settled_override": going_ahead()})).await;
        assert_eq!(code, 201, "{b}: {body}");
        assert_eq!(body["silence"]["state"], "running", "{b}");
        assert_eq!(body["workflow"]["silence"]["deadline_utc"], "2999-01-01 05:00 UTC", "{b}");
        let (code, body) = w.post("/silence", &w.ar, json!({"deadline": 32_503_680_000_000_i64})).await;
        assert_eq!(code, 409, "{b}: one at a time: {body}");

        // Frozen: the delegate's edit through sync, the chair's through the API.
        let heads = w.dashboard().await["workflow"]["heads"].clone();
        let mut pe = w.delegate_client(&w.pe, "peer-pe").await;
        pe.change(&w.doc, |d| edits::append(d, &Proposer::of(&w.pe), 1, "en", " now")).await.unwrap();
        let error = pe.expect_error().await.unwrap();
        assert!(error.contains("silence"), "{b}: {error}");
        let p1 = World::paragraph(&w.dashboard().await, 0);
        let (code, body) = w.post(&format!("/paragraphs/{p1}/status"), &w.ar, json!({"status": "agreed"})).await;
        assert_eq!(code, 409, "{b}: {body}");
        assert_eq!(w.dashboard().await["workflow"]["heads"], heads, "{b}: nothing stored");

        // Objections: observers and staff may not; a delegation may.
        for who in [&w.iom, &w.sec] {
            let (code, body) = w.post("/silence/objections", who, json!({"text": "We object."})).await;
            assert_eq!(code, 403, "{b}: {body}");
        }
        let (code, body) = w.post("/silence/objections", &w.us, json!({"text": "  "})).await;
        assert_eq!(code, 422, "{b}: {body}");
        let (code, body) = w.post("/silence/objections", &w.us, json!({"text": "The United States cannot join paragraph 2."})).await;
        assert_eq!(code, 201, "{b}: {body}");
        assert_eq!(body["silence"]["state"], "broken", "{b}: {body}");
        assert_eq!(body["objection"]["country"], "US", "{b}");
        assert!(body["workflow"]["locked"].is_null(), "{b}: unfrozen");
        let broken: Vec<Value> = w.activity(Some("US")).await.into_iter().filter(|e| e["action"] == "silence_broken").collect();
        assert_eq!(broken.len(), 1, "{b}");
        let (code, body) = w.post("/silence/objections", &w.pe, json!({"text": "Also."})).await;
        assert_eq!(code, 409, "{b}: already broken: {body}");
        let mut pe = w.delegate_client(&w.pe, "peer-pe-2").await;
        pe.change(&w.doc, |d| edits::append(d, &Proposer::of(&w.pe), 1, "en", " now")).await.unwrap();
        pe.wait_synced(&w.doc).await.unwrap();
        // Not while Peru's proposal is pending.
        let (code, body) = w.post("/silence", &w.mx, json!({"deadline": "2999-01-01T00:00:00Z"})).await;
        assert_eq!(code, 409, "{b}: {body}");
        assert!(body["error"].as_str().unwrap().contains("cannot be put under silence"), "{b}: {body}");
        assert!(body["error"].as_str().unwrap().contains("1 pending proposal (PE 1)"), "{b}: {body}");
        let (code, body) = w.post("/suggestions/accept", &w.sec, json!({"all": true})).await;
        assert_eq!(code, 200, "{b}: {body}");

        // A second silence, on a saved version of the current text, passes unbroken (once
        // the secretariat confirmed the edited paragraph's concordance again).
        w.confirm_all().await;
        w.agree_all().await;
        let (code, version) = w.post("/versions", &w.mx, json!({"label": "To capitals"})).await;
        assert_eq!(code, 201, "{b}: {version}");
        let deadline = pluma_server::time::now_ms() + 5000;
        let (code, body) = w.silence(json!({"deadline": deadline, "version": version["id"]})).await;
        assert_eq!(code, 201, "{b}: {body}");
        let d = w.wait_adopted().await;
        assert_eq!(d["workflow"]["adopted"]["how"], "silence", "{b}: {d}");
        assert_eq!(d["workflow"]["silence"]["state"], "adopted", "{b}: {d}");
        let (code, body) = w.post("/silence/objections", &w.pe, json!({"text": "Too late?"})).await;
        assert_eq!(code, 409, "{b}: {body}");
        assert!(body["error"].as_str().unwrap().contains("deadline passed"), "{b}: {body}");
        assert_eq!(w.count("draft_adopted").await, 1, "{b}");
        w.server.stop().await;
    }
}

/// Adoption is refused while paragraphs are out of concordance — by approvals and by
/// silence — unless a chair overrides with a reason, which the audit log keeps. Messages
/// name the paragraphs as the web client does (PP 1, OP 1), never by id.
#[tokio::test]
async fn concordance_blocks_adoption_unless_a_chair_overrides() {
    for db in TestDb::each().await {
        let b = db.backend;
        let w = world(&db.url).await;
        let d = w.dashboard().await;
        let p1 = World::paragraph(&d, 0);
        let (code, body) = w.post(&format!("/paragraphs/{p1}/concordance"), &w.pe, json!({})).await;
        assert_eq!(code, 403, "{b}: {body}");
        let (code, body) = w.post(&format!("/paragraphs/{p1}/concordance"), &w.sec, json!({})).await;
        assert_eq!((code, body["changed"].clone()), (200, json!(true)), "{b}: {body}");
        let d = w.dashboard().await;
        assert_eq!(d["paragraphs"][0]["concordance"], "confirmed", "{b}: {d}");
        assert_eq!(d["paragraphs"][1]["concordance"], "unconfirmed", "{b}");
        assert_eq!(w.count("concordance_confirmed").await, 1, "{b}");

        // Editing one language puts the paragraph out of concordance.
        let mut pe = w.delegate_client(&w.pe, "peer-pe").await;
        pe.change(&w.doc, |d| edits::append(d, &Proposer::of(&w.pe), 0, "es", " y la solidaridad")).await.unwrap();
        pe.wait_synced(&w.doc).await.unwrap();
        let (code, body) = w.post("/suggestions/accept", &w.sec, json!({"all": true})).await;
        assert_eq!(code, 200, "{b}: {body}");
        assert_eq!(w.dashboard().await["paragraphs"][0]["concordance"], "out_of_concordance", "{b}");
        w.agree_all().await;

        let (code, body) = w.post("/silence", &w.mx, json!({"deadline": "2999-01-01T00:00:00Z"})).await;
        assert_eq!(code, 409, "{b}: {body}");
        // Named as the web client names them (PP 1, OP 1), never by id.
        let error = body["error"].as_str().unwrap();
        assert!(error.starts_with("PP 1 and OP 1 are out of concordance, so the silence"), "{b}: {body}");
        assert!(!error.contains(&p1) && !error.contains(&World::paragraph(&d, 1)), "{b}: {body}");

        let (code, body) = w.post("/approvals", &w.mx, json!({})).await;
        assert_eq!(code, 201, "{b}: {body}");
        let (code, body) = w.post("/approvals", &w.ar, json!({})).await;
        assert_eq!(code, 201, "{b}: {body}");
        assert_eq!(body["adopted"], false, "{b}: {body}");
        assert_eq!(body["adoption_blocked"]["paragraphs"].as_array().unwrap().len(), 2, "{b}: {body}");
        // The structured fields stay as they were: reading-order numbers and ids.
        assert_eq!(
            body["adoption_blocked"]["paragraphs"][0],
            json!({"number": 1, "paragraph": p1, "concordance": "out_of_concordance"}),
            "{b}: {body}"
        );
        assert!(body["adoption_blocked"]["reason"].as_str().unwrap().contains("but PP 1 and OP 1 are out of concordance:"), "{b}: {body}");
        assert!(body["workflow"]["adopted"].is_null(), "{b}");
        assert_eq!(w.count("adoption_refused").await, 1, "{b}");
        let refused: Vec<Value> = w.activity(None).await.into_iter().filter(|e| e["action"] == "adoption_refused").collect();
        assert_eq!(refused[0]["detail"]["reason"], "PP 1 and OP 1 are out of concordance", "{b}: {refused:?}");
        let (code, body) = w.post("/approvals", &w.ar, json!({"concordance_override": ""})).await;
        assert_eq!(code, 422, "{b}: {body}");

        let (code, body) =
            w.post("/approvals", &w.ar, json!({"concordance_override": "The interpreters checked both texts in the room"})).await;
        assert_eq!(code, 200, "{b}: the same approval: {body}");
        assert_eq!(body["adopted"], true, "{b}: {body}");
        assert_eq!(body["workflow"]["adopted"]["concordance_override"], "The interpreters checked both texts in the room", "{b}");
        let adopted: Vec<Value> = w.activity(None).await.into_iter().filter(|e| e["action"] == "draft_adopted").collect();
        assert_eq!(adopted.len(), 1, "{b}");
        assert_eq!(adopted[0]["detail"]["concordance_override"]["reason"], "The interpreters checked both texts in the room", "{b}");
        assert_eq!(adopted[0]["detail"]["concordance_override"]["note"], "adopted although PP 1 and OP 1 are out of concordance", "{b}");
        assert_eq!(adopted[0]["country"], "AR", "{b}");
        w.server.stop().await;
    }
}
