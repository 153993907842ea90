//! Word files brought back, end to end, with files marked up in LibreOffice itself: Peru's
//! legal office opens the version sent to capitals, with change recording on replaces and
//! deletes words in two paragraphs, adds a paragraph and a comment, and saves as DOCX;
//! meanwhile Mexico and the chair edit the live draft; the secretariat brings the file
//! back for Peru and every change lands as Peru's proposal in the right place of the
//! current text, in every open client, audited, with what could not be placed reported.
//! Bringing the file back again makes nothing twice. Every export kind, opened and saved in
//! LibreOffice without edits, brings back nothing. On SQLite and PostgreSQL.
//!
//! Needs LibreOffice and its Python bridge (`scripts/install-libreoffice`); see
//! `pluma_tests::libreoffice`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use automerge::ReadDoc;
use automerge::transaction::Transactable;
use pluma_core::{Draft, Lang, ParagraphKind, SuggestionKind};
use pluma_server::model::Role;
use pluma_tests::api::Session;
use pluma_tests::client::{self, SyncClient};
use pluma_tests::db::TestDb;
use pluma_tests::edits::{self, Proposer};
use pluma_tests::libreoffice;
use pluma_tests::server::TestServer;
use reqwest::Method;
use serde_json::{Value, json};

fn zero_draft() -> Value {
    json!({
        "kind": "communique",
        "title": {"en": "Joint Communiqué", "es": "Comunicado Conjunto"},
        "paragraphs": [
            {"kind": "preamble", "en": "Recognizing the value of regional cooperation on migration,", "es": "Reconociendo el valor de la cooperación regional en materia de migración,"},
            {"kind": "operative", "en": "Agree to strengthen safe migration pathways.", "es": "Acuerdan fortalecer las vías de migración segura."},
            {"kind": "operative", "en": "Call on states to share data on flows.", "es": "Exhortan a los Estados a compartir datos sobre flujos."},
            {"kind": "operative", "en": "Thank the hosts.", "es": "Agradecen a los anfitriones."}
        ]
    })
}

/// The pending proposals of one delegation in a client's copy: (kind, text) in order.
fn pending_of(doc: &automerge::AutoCommit, country: &str) -> Vec<(SuggestionKind, String)> {
    let mut d = Draft::load(&doc.clone().save()).unwrap();
    d.suggestions().unwrap().into_iter().filter(|s| s.country.as_str() == country).map(|s| (s.kind, s.text)).collect()
}

fn text_of(doc: &automerge::AutoCommit, index: usize) -> String {
    edits::text(doc, index, "en").unwrap()
}

struct World {
    server: TestServer,
    draft: String,
    doc: String,
    chair: Session,
    mx: Session,
    pe: Session,
    sec: Session,
    mx_client: SyncClient,
    chair_client: SyncClient,
}

async fn world(db: &TestDb) -> World {
    let server = TestServer::start(&db.url).await;
    let chair = server.user_session("ar-chair", Role::Chair, Some("AR")).await;
    let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
    let pe = server.user_session("pe", Role::Delegate, Some("PE")).await;
    let sec = server.user_session("sec", Role::Secretariat, Some("SEC")).await;
    let created = server.api.create_draft(&chair.token, zero_draft()).await.unwrap();
    let (draft, doc) = (created["id"].as_str().unwrap().to_owned(), created["doc_id"].as_str().unwrap().to_owned());
    let mut mx_client = client::connect(&server.sync_url(&mx).await, "peer-mx").await.unwrap();
    let mut chair_client = client::connect(&server.sync_url(&chair).await, "peer-chair").await.unwrap();
    mx_client.open(&doc).await.unwrap();
    chair_client.open(&doc).await.unwrap();
    World { server, draft, doc, chair, mx, pe, sec, mx_client, chair_client }
}

/// Saves a version and exports it as `format` in English; returns the file.
async fn export(w: &World, label: &str, format: &str, lang: &str) -> Vec<u8> {
    let path = format!("/api/drafts/{}/versions", w.draft);
    let (status, version) = w.server.api.call(Method::POST, &path, Some(&w.pe.token), Some(json!({"label": label}))).await.unwrap();
    assert_eq!(status, 201, "{version}");
    let vid = version["id"].as_str().unwrap();
    let path = format!("/api/drafts/{}/export?version={vid}&lang={lang}&format={format}", w.draft);
    let (status, file) = w.server.api.bytes(&path, &w.pe.token).await.unwrap();
    assert_eq!(status, 200);
    file
}

async fn mark_up(soffice: &Path, file: Vec<u8>, spec: Value) -> Vec<u8> {
    let soffice = soffice.to_path_buf();
    tokio::task::spawn_blocking(move || libreoffice::edit(&soffice, &file, &spec)).await.unwrap()
}

fn peru_markup() -> Value {
    json!({"author": "Peru — Legal Office", "record": true, "edits": [
        {"op": "replace", "find": "safe migration", "with": "safe, orderly and regular migration"},
        {"op": "delete", "find": " on flows"},
        {"op": "replace", "find": "the value", "with": "the importance"},
        {"op": "paragraph_after", "find": "in Buenos Aires", "text": "Invite observers to the next meeting."},
        {"op": "comment", "find": "states", "text": "Which states? Those of both conferences?"}
    ]})
}

/// Peru's file lands on the text the live draft has become, as Peru's proposals, in every
/// client; what the chair rewrote meanwhile is reported; nothing is made twice.
#[tokio::test]
async fn a_capital_marks_up_the_version_in_libreoffice_while_the_draft_moves_on() {
    let Some(soffice) = libreoffice::soffice() else { return };
    for db in TestDb::each().await {
        let b = db.backend;
        let mut w = world(&db).await;
        let doc = w.doc.clone();
        // Mexico's pending insertion is in the version sent to capitals.
        let mx = Proposer::of(&w.mx);
        w.mx_client.change(&doc, |d| edits::append(d, &mx, 3, "en", " in Buenos Aires")).await.unwrap();
        w.mx_client.wait_synced(&doc).await.unwrap();
        let sent = export(&w, "Sent to capitals", "docx-tracked", "en").await;
        let returned = mark_up(&soffice, sent, peru_markup()).await;

        // Meanwhile: Mexico proposes "firmly " at the start of OP 1; the chair rewrites PP 1's "value".
        w.mx_client.change(&doc, |d| edits::insert(d, &mx, 1, "en", 0, "Firmly ")).await.unwrap();
        w.chair_client
            .change(&doc, |d| {
                let obj = edits::paragraph_text(d, 0, "en")?;
                let at = d.text(&obj)?.find("value").unwrap();
                d.splice_text(&obj, at, 5, "worth")?;
                Ok(())
            })
            .await
            .unwrap();
        w.mx_client.wait_synced(&doc).await.unwrap();
        w.chair_client.wait_synced(&doc).await.unwrap();

        // Observers and other delegations cannot bring it back for Peru.
        let (status, body) = w.server.api.bring_back(&w.mx.token, &w.draft, &returned, Some("PE")).await.unwrap();
        assert_eq!(status, 403, "{b}: {body}");
        let (status, body) = w.server.api.bring_back(&w.sec.token, &w.draft, &returned, None).await.unwrap();
        assert_eq!(status, 422, "{b}: the secretariat names the delegation: {body}");

        let (status, out) = w.server.api.bring_back(&w.sec.token, &w.draft, &returned, Some("PE")).await.unwrap();
        assert_eq!(status, 201, "{b}: {out}");
        check_report(b, &out);
        check_clients(b, &mut w, &doc).await;
        check_audit(b, &w, &out).await;
        check_nothing_twice(b, &soffice, &mut w, &returned).await;
        w.server.stop().await;
    }
}

fn check_report(b: &str, out: &Value) {
    let report = &out["report"];
    assert_eq!((out["already_returned"].as_bool(), out["brought_back_by"]["on_behalf_of"].as_str()), (Some(false), Some("PE")), "{b}");
    assert_eq!(out["brought_back_by"]["role"], "secretariat", "{b}");
    let proposals = report["proposals"].as_array().unwrap();
    assert_eq!(proposals.len(), 3, "{b}: {report:#}");
    assert!(proposals.iter().all(|p| p["id"].as_str().unwrap().ends_with("-PE") && p["tracked"] == true), "{b}: {report:#}");
    let by_label = |l: &str| proposals.iter().find(|p| p["label"] == l).unwrap_or_else(|| panic!("{b}: no proposal in {l}: {report:#}"));
    // Retyped in LibreOffice as a whole, the replacement is read as the words it adds.
    assert_eq!((by_label("OP 1")["deleted"].as_str(), by_label("OP 1")["inserted"].as_str()), (Some(""), Some(", orderly and regular")));
    assert_eq!(by_label("OP 2")["deleted"], " on flows", "{b}");
    assert_eq!(
        (by_label("OP 3 bis")["kind"].as_str(), by_label("OP 3 bis")["inserted"].as_str()),
        (Some("new_paragraph"), Some("Invite observers to the next meeting."))
    );
    let comments = report["comments"].as_array().unwrap();
    assert_eq!(
        (comments.len(), comments[0]["quote"].as_str(), comments[0]["label"].as_str()),
        (1, Some("states"), Some("OP 2")),
        "{b}: {report:#}"
    );
    // PP 1's "value" was rewritten by the chair after the file was sent: not placed, said why.
    let not_placed = report["not_placed"].as_array().unwrap();
    assert_eq!(not_placed.len(), 1, "{b}: {report:#}");
    assert_eq!(not_placed[0]["label"], "PP 1", "{b}");
    assert!(not_placed[0]["reason"].as_str().unwrap().contains("“value” is no longer in the paragraph"), "{b}: {report:#}");
    let tallies = report["paragraphs"].as_array().unwrap();
    assert_eq!(tallies.len(), 4, "{b}: PP 1, OP 1, OP 2, OP 3 bis: {report:#}");
}

/// Every open client receives Peru's proposals, where they belong in the current text.
async fn check_clients(b: &str, w: &mut World, doc: &str) {
    for c in [&mut w.mx_client, &mut w.chair_client] {
        c.pump_until(|c| pending_of(&c.docs[doc].doc, "PE").len() >= 2).await.unwrap();
        let d = &c.docs[doc].doc;
        assert_eq!(
            pending_of(d, "PE"),
            vec![(SuggestionKind::Insert, ", orderly and regular".to_owned()), (SuggestionKind::Delete, " on flows".to_owned()),],
            "{b}"
        );
        assert_eq!(text_of(d, 1), "Firmly Agree to strengthen safe, orderly and regular migration pathways.", "{b}");
        assert_eq!(text_of(d, 0), "Recognizing the worth of regional cooperation on migration,", "{b}");
        let mut draft = Draft::load(&d.clone().save()).unwrap();
        let ids = draft.paragraph_ids().unwrap();
        let new = draft.paragraph_proposals().unwrap().into_iter().find(|p| p.country.as_str() == "PE").expect("Peru's new paragraph");
        assert_eq!(ids.iter().position(|p| p == &new.paragraph), Some(4), "{b}: right after OP 3");
        assert_eq!(draft.paragraph(&new.paragraph).unwrap().kind, ParagraphKind::Operative);
        assert_eq!(draft.text(&new.paragraph, Lang::En).unwrap(), "Invite observers to the next meeting.");
        let thread = draft.threads().unwrap().into_iter().find(|t| t.messages[0].country.as_str() == "PE").expect("Peru's thread");
        assert_eq!(thread.quote, "states", "{b}");
        assert!(thread.messages[0].body.starts_with("Which states? Those of both conferences?"), "{b}");
    }
}

/// The audit log names the secretariat person, acting for Peru.
async fn check_audit(b: &str, w: &World, out: &Value) {
    let path = format!("/api/drafts/{}/activity?limit=50", w.draft);
    let (status, page) = w.server.api.call(Method::GET, &path, Some(&w.chair.token), None).await.unwrap();
    assert_eq!(status, 200, "{b}: {page}");
    let entries = page["entries"].as_array().unwrap();
    let entry = entries.iter().find(|e| e["action"] == "word_returned").unwrap_or_else(|| panic!("{b}: {page:#}"));
    assert_eq!((entry["user"].as_str(), entry["country"].as_str()), (w.sec.user["id"].as_str(), Some("PE")), "{b}: {entry}");
    assert_eq!(entry["detail"]["note"]["on_behalf_of"], "PE", "{b}: {entry}");
    assert_eq!(entry["detail"]["note"]["return"], out["id"], "{b}: {entry}");
    let events = entry["detail"]["events"].as_array().unwrap();
    assert!(events.iter().any(|e| e["event"] == "proposal_made" && e["country"] == "PE"), "{b}: {entry}");
}

/// The same file again answers the earlier report; the same edits in a copy re-saved in
/// LibreOffice are recognised change by change.
async fn check_nothing_twice(b: &str, soffice: &Path, w: &mut World, returned: &[u8]) {
    let count = |w: &World| pending_of(&w.mx_client.docs[&w.doc].doc, "PE").len();
    let before = count(w);
    let (status, again) = w.server.api.bring_back(&w.sec.token, &w.draft, returned, Some("PE")).await.unwrap();
    assert_eq!((status, again["already_returned"].as_bool()), (200, Some(true)), "{b}: {again}");
    let resaved = mark_up(soffice, returned.to_vec(), json!({"author": "Peru", "edits": []})).await;
    assert_ne!(resaved, returned, "{b}: LibreOffice wrote another file");
    let (status, third) = w.server.api.bring_back(&w.sec.token, &w.draft, &resaved, Some("PE")).await.unwrap();
    assert_eq!(status, 201, "{b}: {third}");
    let report = &third["report"];
    assert!(report["proposals"].as_array().unwrap().is_empty() && report["comments"].as_array().unwrap().is_empty(), "{b}: {report:#}");
    assert_eq!(report["already_brought_back"].as_array().unwrap().len(), 4, "{b}: {report:#}");
    w.mx_client.pump_for(std::time::Duration::from_millis(300)).await.unwrap();
    assert_eq!(count(w), before, "{b}: nothing new reached the clients");
}

/// LibreOffice kept both copies of the source when it saved the file: the custom XML part
/// and the custom document property.
fn assert_source_kept(docx: &[u8], draft: &str) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let items: Vec<String> = names.iter().filter(|n| n.starts_with("customXml/item") && !n.contains("Props")).map(|n| read(n)).collect();
    assert!(
        items.iter().any(|x| x.contains("urn:x-pluma:word-source:1") && x.contains(draft)),
        "the custom XML part survived LibreOffice: {names:?}"
    );
    let props = read("docProps/custom.xml");
    assert!(props.contains("PlumaSource") && props.contains(draft), "the custom property survived LibreOffice: {props}");
}

/// Every DOCX export kind of a text with pending proposals of every kind and a comment,
/// opened and saved in LibreOffice without edits and brought back by Peru itself, makes
/// no proposal, no comment, and reports nothing.
#[tokio::test]
async fn every_export_kind_round_trips_through_libreoffice_without_a_proposal() {
    let Some(soffice) = libreoffice::soffice() else { return };
    for db in TestDb::each().await {
        let b = db.backend;
        let mut w = world(&db).await;
        let doc = w.doc.clone();
        let mx = Proposer::of(&w.mx);
        w.mx_client.change(&doc, |d| edits::append(d, &mx, 3, "en", " in Buenos Aires")).await.unwrap();
        w.mx_client.change(&doc, |d| edits::append(d, &mx, 0, "es", " y sudamericana")).await.unwrap();
        w.mx_client
            .change(&doc, |d| edits::propose_paragraph(d, &mx, 2, "Share best practices.", "Compartir buenas prácticas.").map(|_| ()))
            .await
            .unwrap();
        let stamp = pluma_core::Stamp { user: mx.user.parse().unwrap(), country: "MX".parse().unwrap(), at: 1_631_196_000_000 };
        w.mx_client
            .change(&doc, |d| {
                edits::with_draft(d, |draft| {
                    let ids = draft.paragraph_ids()?;
                    draft.propose_paragraph_deletion(&ids[4], &stamp)?;
                    draft.propose_paragraph_move(&ids[0], Some(&ids[1]), &stamp)?;
                    draft.suggest_delete(&ids[2], Lang::En, 0, 5, &stamp)?;
                    draft.create_thread(&ids[1], Lang::Es, 0, 8, "¿Por qué?", &stamp)?;
                    Ok(())
                })
            })
            .await
            .unwrap();
        w.mx_client.wait_synced(&doc).await.unwrap();
        let before = pending_of(&w.mx_client.docs[&doc].doc, "MX");
        for (format, lang) in [("docx", "en"), ("docx", "es"), ("docx-tracked", "en"), ("docx-tracked", "es")] {
            let file = export(&w, &format!("{format} {lang}"), format, lang).await;
            let saved = mark_up(&soffice, file, json!({"author": "Peru", "edits": []})).await;
            assert_source_kept(&saved, &w.draft);
            let (status, out) = w.server.api.bring_back(&w.pe.token, &w.draft, &saved, None).await.unwrap();
            assert_eq!(status, 201, "{b} {format} {lang}: {out}");
            let report = &out["report"];
            for list in ["proposals", "comments", "not_placed", "already_brought_back"] {
                assert!(report[list].as_array().unwrap().is_empty(), "{b} {format} {lang}: {list}: {report:#}");
            }
            assert_eq!(report["matched_by"], "source", "{b} {format} {lang}: the source part survived LibreOffice");
        }
        w.mx_client.pump_for(std::time::Duration::from_millis(200)).await.unwrap();
        assert!(pending_of(&w.mx_client.docs[&doc].doc, "PE").is_empty(), "{b}");
        assert_eq!(pending_of(&w.mx_client.docs[&doc].doc, "MX"), before, "{b}");
        w.server.stop().await;
    }
}
