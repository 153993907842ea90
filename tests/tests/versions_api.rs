//! Versions, comparisons and exports through the real server: delegations propose over the
//! sync protocol, versions are saved around the edits, and the diff and exports credit
//! each change to the right country, in every format.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::io::Read;

use pluma_server::model::Role;
use pluma_tests::api::{Session, small_zero_draft};
use pluma_tests::client;
use pluma_tests::db::TestDb;
use pluma_tests::edits;
use pluma_tests::server::TestServer;
use reqwest::Method;
use serde_json::{Value, json};

/// A raw GET: status, content type and body bytes.
async fn get(server: &TestServer, path: &str, token: &str) -> (u16, String, Vec<u8>) {
    let resp = reqwest::Client::new().get(format!("{}{path}", server.api.base)).bearer_auth(token).send().await.unwrap();
    let status = resp.status().as_u16();
    let ctype = resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, ctype, resp.bytes().await.unwrap().to_vec())
}

fn docx_part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

async fn save_version(server: &TestServer, who: &Session, draft: &str, label: &str) -> Value {
    let (status, body) = server
        .api
        .call(Method::POST, &format!("/api/drafts/{draft}/versions"), Some(&who.token), Some(json!({"label": label})))
        .await
        .unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

/// Mexico proposes in English and Argentina in Spanish between two saved versions; the
/// diff credits each in its language (JSON, HTML, Markdown, DOCX), and the exports of the
/// first version and of the current text show the text of their time, the operative
/// paragraph numbered 1 and the preambular one unnumbered.
#[tokio::test]
async fn versions_diff_and_exports_credit_countries() {
    for db in TestDb::each().await {
        let server = TestServer::start(&db.url).await;
        let chair = server.user_session("chair", Role::Chair, Some("MX")).await;
        let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
        let ar = server.user_session("ar", Role::Delegate, Some("AR")).await;
        let draft = server.api.create_draft(&chair.token, small_zero_draft()).await.unwrap();
        let id = draft["id"].as_str().unwrap().to_owned();
        let doc_id = draft["doc_id"].as_str().unwrap().to_owned();

        let v1 = save_version(&server, &chair, &id, "Zero draft").await;
        assert_eq!(v1["label"], "Zero draft");
        assert_eq!(v1["country"], "MX");

        let mut a = client::connect(&server.sync_url(&mx).await, "peer-mx").await.unwrap();
        let mut b = client::connect(&server.sync_url(&ar).await, "peer-ar").await.unwrap();
        a.open(&doc_id).await.unwrap();
        b.open(&doc_id).await.unwrap();
        a.change(&doc_id, |d| edits::append(d, &edits::Proposer::of(&mx), 1, "en", " in Lima")).await.unwrap();
        b.change(&doc_id, |d| edits::append(d, &edits::Proposer::of(&ar), 1, "es", " en Lima")).await.unwrap();
        a.wait_synced(&doc_id).await.unwrap();
        b.wait_synced(&doc_id).await.unwrap();

        let v2 = save_version(&server, &ar, &id, "After proposals").await;
        let (status, list) = server.api.call(Method::GET, &format!("/api/drafts/{id}/versions"), Some(&mx.token), None).await.unwrap();
        assert_eq!(status, 200);
        let labels: Vec<&str> = list.as_array().unwrap().iter().map(|v| v["label"].as_str().unwrap()).collect();
        assert_eq!(labels, vec!["Zero draft", "After proposals"], "{}", db.backend);

        let (v1, v2) = (v1["id"].as_str().unwrap(), v2["id"].as_str().unwrap());
        let (status, en) =
            server.api.call(Method::GET, &format!("/api/drafts/{id}/diff?from={v1}&to={v2}&lang=en"), Some(&mx.token), None).await.unwrap();
        assert_eq!(status, 200, "{en}");
        let changed: Vec<(String, String, String)> = en["paragraphs"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["pieces"].as_array().unwrap().iter())
            .filter(|p| p["op"] != "equal")
            .map(|p| {
                (p["op"].as_str().unwrap().into(), p["text"].as_str().unwrap().trim().into(), p["country"].as_str().unwrap_or("?").into())
            })
            .collect();
        assert_eq!(changed, vec![("insert".to_owned(), "in Lima".to_owned(), "MX".to_owned())], "{}", db.backend);
        assert_eq!(en["proposals"]["opened"][0]["country"], "MX");

        snapshots_are_kept_and_remade(&db, &server, &mx, (v1, v2), &id, &en).await;

        let (_, es) =
            server.api.call(Method::GET, &format!("/api/drafts/{id}/diff?from={v1}&lang=es"), Some(&mx.token), None).await.unwrap();
        assert_eq!(es["summary"]["by_country"]["AR"]["inserted"], 2, "{es}");
        assert!(es["summary"]["by_country"].get("MX").is_none());

        let (status, ctype, html) =
            get(&server, &format!("/api/drafts/{id}/diff?from={v1}&to=current&lang=en&format=html"), &ar.token).await;
        let html = String::from_utf8(html).unwrap();
        assert_eq!((status, ctype.as_str()), (200, "text/html; charset=utf-8"));
        assert!(html.contains("class=\"pluma-c-MX\"") && html.contains("Zero draft → Current text"), "{html}");
        // Numbered as the web client counts: the operative paragraph is 1 (OP 1), the
        // preambular one has no number and keeps its italics.
        assert!(html.contains("<p><em>Recognizing</em> the value") && html.contains("<p>1. Agree to meet again."), "{html}");
        let (_, _, md) = get(&server, &format!("/api/drafts/{id}/diff?from={v1}&lang=es&format=md"), &ar.token).await;
        assert!(String::from_utf8(md).unwrap().contains("{++ en Lima++}{>>AR<<}"));
        let (status, ctype, docx) = get(&server, &format!("/api/drafts/{id}/diff?from={v1}&lang=es&format=docx"), &ar.token).await;
        assert_eq!(status, 200);
        assert!(ctype.contains("wordprocessingml"));
        assert!(docx_part(&docx, "word/document.xml").contains("w:author=\"Argentina\""));

        for (lang, pp, op) in [
            ("en", "*Recognizing* the value", "1\\. Agree to meet again."),
            ("es", "*Reconociendo* el valor", "1\\. Acuerdan reunirse nuevamente."),
        ] {
            let (_, _, md) = get(&server, &format!("/api/drafts/{id}/export?version={v1}&lang={lang}&format=md"), &mx.token).await;
            let md = String::from_utf8(md).unwrap();
            assert!(md.contains(&format!("\n\n{pp}")) && md.contains(&format!("\n\n{op}")) && !md.contains("2\\."), "{lang}: {md}");
            let (_, _, html) = get(&server, &format!("/api/drafts/{id}/export?version={v1}&lang={lang}&format=html"), &mx.token).await;
            let html = String::from_utf8(html).unwrap();
            assert_eq!(html.matches("class=\"pluma-number\"").count(), 1, "{lang}: {html}");
            assert!(html.contains("<p class=\"pluma-preamble\""), "{lang}: {html}");
        }

        // Exports: the first version has no proposal; the current text has both.
        let (_, _, old) = get(&server, &format!("/api/drafts/{id}/export?version={v1}&lang=en&format=md"), &mx.token).await;
        let old = String::from_utf8(old).unwrap();
        assert!(old.contains("Agree to meet again.") && !old.contains("Lima") && old.contains("Zero draft"), "{old}");
        let (_, ctype, now) = get(&server, &format!("/api/drafts/{id}/export?lang=en&format=html"), &mx.token).await;
        assert!(ctype.starts_with("text/html"));
        assert!(String::from_utf8(now).unwrap().contains("data-country=\"MX\""));
        let (status, _, tracked) =
            get(&server, &format!("/api/drafts/{id}/export?version=current&lang=es&format=docx-tracked"), &mx.token).await;
        assert_eq!(status, 200);
        let doc = docx_part(&tracked, "word/document.xml");
        assert!(doc.contains("<w:ins ") && doc.contains("w:author=\"Argentina\""), "{doc}");
        let (_, _, clean) = get(&server, &format!("/api/drafts/{id}/export?lang=es&format=docx"), &mx.token).await;
        assert!(!docx_part(&clean, "word/document.xml").contains("Lima"));
        server.stop().await;
    }
}

/// Bad requests get precise 4xx errors as JSON; nobody signed out gets anything.
#[tokio::test]
async fn bad_requests_are_precise() {
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let chair = server.user_session("chair", Role::Chair, Some("MX")).await;
    let draft = server.api.create_draft(&chair.token, small_zero_draft()).await.unwrap();
    let id = draft["id"].as_str().unwrap().to_owned();
    let v = save_version(&server, &chair, &id, "  Zero  ").await;
    assert_eq!(v["label"], "Zero");
    let v = v["id"].as_str().unwrap().to_owned();
    let t = Some(chair.token.as_str());
    let cases: Vec<(String, u16, &str)> = vec![
        (format!("/api/drafts/{id}/diff?from={v}"), 400, "lang"),
        (format!("/api/drafts/{id}/diff?from={v}&lang=fr"), 400, "unknown language"),
        (format!("/api/drafts/{id}/diff?from={v}&lang=en&format=pdf"), 400, "unknown format"),
        (format!("/api/drafts/{id}/diff?lang=en"), 400, "from="),
        (format!("/api/drafts/{id}/diff?from=nope&lang=en"), 400, "version id"),
        (format!("/api/drafts/{id}/diff?from=v0000000000000000&lang=en"), 404, "no version"),
        (format!("/api/drafts/{id}/export?lang=en"), 400, "format="),
        (format!("/api/drafts/{id}/export?lang=en&format=docx&version=v0000000000000000"), 404, "no version"),
        ("/api/drafts/d0000000000000000/export?lang=en&format=md".to_owned(), 404, "no draft"),
        ("/api/drafts/xyz/versions".to_owned(), 400, "draft id"),
    ];
    for (path, status, needle) in cases {
        let (got, body) = server.api.call(Method::GET, &path, t, None).await.unwrap();
        assert_eq!(got, status, "{path}: {body}");
        assert!(body["error"].as_str().unwrap().contains(needle), "{path}: {body}");
    }
    for label in ["", "   ", &"x".repeat(201)] {
        let (got, body) =
            server.api.call(Method::POST, &format!("/api/drafts/{id}/versions"), t, Some(json!({"label": label}))).await.unwrap();
        assert_eq!(got, 422, "{body}");
    }
    let (got, _) = server.api.call(Method::POST, &format!("/api/drafts/{id}/versions"), t, Some(json!({"name": "x"}))).await.unwrap();
    assert_eq!(got, 422);
    let (got, _) = server.api.call(Method::GET, &format!("/api/drafts/{id}/versions"), None, None).await.unwrap();
    assert_eq!(got, 401);
    let (got, _) = server.api.call(Method::GET, &format!("/api/drafts/{id}/export?lang=en&format=md"), None, None).await.unwrap();
    assert_eq!(got, 401);
    server.stop().await;
}

/// `POST /api/drafts/import`: English from Markdown and Spanish from DOCX make one
/// bilingual draft whose export shows both; mismatched files and bad content are 422,
/// delegates may not import.
#[tokio::test]
async fn import_markdown_and_docx() {
    use base64::Engine;
    for db in TestDb::each().await {
        let server = TestServer::start(&db.url).await;
        let chair = server.user_session("chair", Role::Chair, Some("MX")).await;
        let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
        let md = "# Joint Communiqué\n\n## Cooperation\n\n1. *Recognizing* the value of cooperation,\n\n2. Agree to meet again.\n";
        // A Spanish DOCX: an export of a draft made from the Spanish Markdown.
        let es_md =
            "# Comunicado Conjunto\n\n## Cooperación\n\n*Reconociendo* el valor de la cooperación,\n\nAcuerdan reunirse nuevamente.\n";
        let es = pluma_core::import::from_markdown(es_md);
        let mut es_draft = pluma_core::Draft::import(pluma_core::DraftKind::Communique, None, Some(es), &Default::default()).unwrap();
        let info = pluma_core::export::ExportInfo::default();
        let docx = es_draft
            .export_docx(
                None,
                pluma_core::Lang::Es,
                &info,
                pluma_core::export::docx::DocxMode::Clean,
                &pluma_core::delegations::CountryNames::builtin(),
            )
            .unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&docx);
        let body = json!({"kind": "communique", "en": {"format": "md", "content": md}, "es": {"format": "docx", "content": b64}});
        let (status, draft) = server.api.call(Method::POST, "/api/drafts/import", Some(&chair.token), Some(body.clone())).await.unwrap();
        assert_eq!(status, 201, "{draft}");
        assert_eq!(draft["title_es"], "Comunicado Conjunto");
        let id = draft["id"].as_str().unwrap();
        let (_, _, out) = get(&server, &format!("/api/drafts/{id}/export?lang=es&format=md"), &chair.token).await;
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains("## Cooperación") && out.contains("1\\. *Reconociendo* el valor") && out.contains("2\\. Acuerdan"),
            "{}: {out}",
            db.backend
        );
        let (_, _, out) = get(&server, &format!("/api/drafts/{id}/export?lang=en&format=md"), &chair.token).await;
        assert!(String::from_utf8(out).unwrap().contains("2\\. Agree to meet again."));

        let (status, _) = server.api.call(Method::POST, "/api/drafts/import", Some(&mx.token), Some(body)).await.unwrap();
        assert_eq!(status, 403);
        for bad in [
            json!({"kind": "communique", "en": {"format": "md", "content": md}, "es": {"format": "md", "content": "Uno.\n"}}),
            json!({"kind": "communique", "es": {"format": "docx", "content": "%%%"}}),
            json!({"kind": "communique", "es": {"format": "docx", "content": "bm90IGEgZG9jeA=="}}),
            json!({"kind": "communique", "en": {"format": "odt", "content": ""}}),
            json!({"kind": "communique"}),
        ] {
            let (status, err) = server.api.call(Method::POST, "/api/drafts/import", Some(&chair.token), Some(bad.clone())).await.unwrap();
            assert_eq!(status, 422, "{bad}: {err}");
            assert!(err["error"].as_str().is_some_and(|e| !e.is_empty()));
        }
        server.stop().await;
    }
}

/// The comparison of `versions` kept both versions' snapshots; the next one reads them and
/// answers the same (`en`). A damaged stored snapshot is made again from the document.
async fn snapshots_are_kept_and_remade(db: &TestDb, server: &TestServer, mx: &Session, versions: (&str, &str), id: &str, en: &Value) {
    let (v1, v2) = versions;
    let store = db.open().await;
    let (v1_id, v2_id) = (v1.parse().unwrap(), v2.parse().unwrap());
    let kept = store.version_snapshot(&v1_id).await.unwrap().expect("v1's snapshot kept");
    assert_eq!(kept.0, i64::from(pluma_core::compare::SNAPSHOT_FORMAT));
    assert!(store.version_snapshot(&v2_id).await.unwrap().is_some(), "{}", db.backend);
    let path = format!("/api/drafts/{id}/diff?from={v1}&to={v2}&lang=en");
    let (_, again) = server.api.call(Method::GET, &path, Some(&mx.token), None).await.unwrap();
    assert_eq!(&again, en, "{}", db.backend);
    // A server keeps decoded snapshots in memory; a second server on the same database
    // reads the stored one, finds it damaged, makes it again and stores it.
    store.put_version_snapshot(&v2_id, kept.0, "{not json", 0).await.unwrap();
    let second = TestServer::start(&db.url).await;
    let (status, remade) = second.api.call(Method::GET, &path, Some(&mx.token), None).await.unwrap();
    assert_eq!((status, &remade), (200, en), "{}", db.backend);
    assert_ne!(store.version_snapshot(&v2_id).await.unwrap().unwrap().1, "{not json", "{}", db.backend);
    second.stop().await;
    store.close().await;
}
