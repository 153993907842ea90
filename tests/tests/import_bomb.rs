//! An import cannot make the server unpack more than its bound (finding 1 of issue 18: a
//! 103 KB DOCX whose `word/document.xml` held one 100 MiB run of text grew the server past
//! 23 GB before the kernel killed it). Scaled: a DOCX of a few tens of kilobytes that
//! unpacks to 24 MiB, against the default bound of 4 MiB.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};

use base64::Engine;
use pluma_core::delegations::CountryNames;
use pluma_core::export::ExportInfo;
use pluma_core::export::docx::DocxMode;
use pluma_core::{Bilingual, Draft, DraftKind, NewParagraph, ParagraphKind};
use pluma_server::model::Role;
use pluma_tests::client;
use pluma_tests::db::TestDb;
use pluma_tests::edits::{self, Proposer};
use pluma_tests::server::TestServer;
use pluma_tests::watch::RssWatch;
use reqwest::Method;
use serde_json::json;

/// A real DOCX export of a one-paragraph draft, its paragraph's text replaced by `text`.
fn docx_with(text: &str) -> Vec<u8> {
    let mut d = Draft::new(DraftKind::Communique, Bilingual { en: "Joint Communiqué", es: "Comunicado" }).unwrap();
    let p = NewParagraph {
        kind: ParagraphKind::Operative,
        section: None,
        editors: vec![],
        text: Bilingual { en: "PLACEHOLDER".into(), es: String::new() },
    };
    d.insert_paragraph(0, p).unwrap();
    d.commit();
    let info = ExportInfo { meeting: None, version: None, date: "2021-11-30".into(), certified: None };
    let docx = d.export_docx(None, pluma_core::Lang::En, &info, DocxMode::Clean, &CountryNames::builtin()).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().to_owned();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        if name == "word/document.xml" {
            content = String::from_utf8(content).unwrap().replace("PLACEHOLDER", text).into_bytes();
        }
        out.start_file(name, options).unwrap();
        out.write_all(&content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The tests of this file one at a time: one measures the process's memory.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn import_body(docx: &[u8]) -> serde_json::Value {
    json!({"kind": "communique", "en": {"format": "docx", "content": base64::engine::general_purpose::STANDARD.encode(docx)}})
}

/// The bomb is refused with 413 once unpacking passes the bound; nothing is stored, the
/// server's memory rises by less than 64 MiB, a delegate's proposal goes through
/// meanwhile, and an ordinary DOCX still imports.
#[tokio::test]
async fn a_docx_bomb_is_refused_within_its_bound() {
    let _one = ONE_AT_A_TIME.lock().await;
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let (chair, doc_id) = server.chair_and_draft().await;
    let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
    let bomb = docx_with(&"a".repeat(24 * 1024 * 1024));
    assert!(bomb.len() < 200 * 1024, "the bomb is small: {} bytes", bomb.len());
    let body = import_body(&bomb);
    let drafts = server.state.store.drafts().await.unwrap().len();

    let watch = RssWatch::start();
    let attack = async {
        let mut statuses = Vec::new();
        for _ in 0..3 {
            statuses.push(server.api.call(Method::POST, "/api/drafts/import", Some(&chair.token), Some(body.clone())).await.unwrap());
        }
        statuses
    };
    let edit = async {
        let mut c = client::connect(&server.sync_url(&mx).await, "peer-mx").await.unwrap();
        c.open(&doc_id).await.unwrap();
        c.change(&doc_id, |d| edits::append(d, &Proposer::of(&mx), 1, "en", " meanwhile")).await.unwrap();
        c.wait_synced(&doc_id).await.unwrap();
    };
    let (answers, ()) = tokio::join!(attack, edit);
    for (status, answer) in answers {
        assert_eq!(status, 413, "{answer}");
        assert!(answer["error"].as_str().unwrap().contains("more than 4194304 bytes of text"), "{answer}");
    }
    assert!(watch.growth_mib() < 64, "the server's memory rose by {} MiB", watch.growth_mib());
    assert_eq!(server.state.store.drafts().await.unwrap().len(), drafts, "nothing stored");
    let doc: pluma_server::ids::DocumentId = doc_id.parse().unwrap();
    assert!(server.state.store.logged_change_count(&doc).await.unwrap() >= 1, "the delegate's proposal was stored");

    let (status, body) = server
        .api
        .call(Method::POST, "/api/drafts/import", Some(&chair.token), Some(import_body(&docx_with("Agree to meet."))))
        .await
        .unwrap();
    assert_eq!(status, 201, "an ordinary DOCX imports: {body}");
    server.stop().await;
}

/// A paragraph longer than its bound, an import body over its bound, and more paragraphs
/// than a draft may have are each refused before a draft is built.
#[tokio::test]
async fn imports_are_bounded_in_every_dimension() {
    let _one = ONE_AT_A_TIME.lock().await;
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let (chair, _) = server.chair_and_draft().await;
    let call = |body| server.api.call(Method::POST, "/api/drafts/import", Some(&chair.token), Some(body));
    let (status, body) = call(import_body(&docx_with(&"word ".repeat(5000)))).await.unwrap();
    assert_eq!(status, 422, "{body}");
    assert!(body["error"].as_str().unwrap().contains("paragraph 1 (en) is longer than 20000 characters"), "{body}");
    let md = "Paragraph.\n\n".repeat(1001);
    let (status, body) = call(json!({"kind": "communique", "en": {"format": "md", "content": md}})).await.unwrap();
    assert_eq!(status, 413, "{body}");
    assert!(body["error"].as_str().unwrap().contains("1001 paragraphs; the limit is 1000"), "{body}");
    let (status, body) = call(json!({"kind": "communique", "en": {"format": "md", "content": "x".repeat(9 * 1024 * 1024)}})).await.unwrap();
    assert_eq!(status, 413, "{body}");
    assert_eq!(server.state.store.drafts().await.unwrap().len(), 1, "nothing stored");
    server.stop().await;
}
