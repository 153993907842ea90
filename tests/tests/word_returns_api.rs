//! `POST /api/drafts/{id}/returns` refuses what it cannot take, each with its reason, and
//! takes a file in either form (base64 in JSON, or the raw DOCX with `?as=`): not a Word
//! file, a file of another draft, a file larger than the setting, an unknown content type,
//! an observer, a delegation bringing back another's file. On SQLite and PostgreSQL.
//! (The files here are edited in their XML, as Word writes it; LibreOffice's own are in
//! `word_returns.rs`.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};

use pluma_server::Config;
use pluma_server::model::Role;
use pluma_tests::api::small_zero_draft;
use pluma_tests::db::TestDb;
use pluma_tests::server::TestServer;
use reqwest::Method;
use serde_json::json;

/// The file without its Pluma source (as a program that drops custom parts would save it).
fn stripped(docx: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().to_owned();
        if name.starts_with("customXml/") || name == "docProps/custom.xml" {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The file with `from` replaced by `to` in its document.
fn edited(docx: &[u8], from: &str, to: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().to_owned();
        let mut s = String::new();
        entry.read_to_string(&mut s).unwrap();
        if name == "word/document.xml" {
            assert!(s.contains(from), "{from}");
            s = s.replace(from, to);
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(s.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[tokio::test]
async fn returns_refuse_with_reasons_and_take_both_forms() {
    for db in TestDb::each().await {
        let b = db.backend;
        let mut config = Config::with_database(&db.url);
        config.returns.max_return_bytes = 64 * 1024;
        let server = TestServer::start_with(config).await;
        let chair = server.user_session("chair", Role::Chair, Some("AR")).await;
        let pe = server.user_session("pe", Role::Delegate, Some("PE")).await;
        let iom = server.user_session("iom", Role::Observer, Some("IOM")).await;
        let one = server.api.create_draft(&chair.token, small_zero_draft()).await.unwrap();
        let other = server.api.create_draft(&chair.token, small_zero_draft()).await.unwrap();
        let (id, other_id) = (one["id"].as_str().unwrap(), other["id"].as_str().unwrap());
        let export = |d: &str| format!("/api/drafts/{d}/export?version=current&lang=en&format=docx");
        let (_, file) = server.api.bytes(&export(id), &pe.token).await.unwrap();
        let (_, foreign) = server.api.bytes(&export(other_id), &pe.token).await.unwrap();
        let marked = edited(&file, "Agree to meet again.", "Agree to meet again soon.");

        let refusals = [
            (server.api.bring_back(&pe.token, id, b"not a zip", None).await.unwrap(), 422, "not a Word (DOCX) file"),
            (server.api.bring_back(&pe.token, id, &foreign, None).await.unwrap(), 422, "another draft"),
            (server.api.bring_back(&pe.token, id, &vec![0u8; 100 * 1024], None).await.unwrap(), 413, "larger than"),
            (server.api.bring_back(&pe.token, id, &marked, Some("MX")).await.unwrap(), 403, "its own"),
            (server.api.bring_back(&iom.token, id, &marked, None).await.unwrap(), 403, "observers"),
            (server.api.bring_back(&chair.token, "d0000000000000000", &marked, None).await.unwrap(), 404, "no draft"),
        ];
        for ((status, body), expected, words) in refusals {
            assert_eq!(status, expected, "{b}: {body}");
            assert!(body["error"].as_str().unwrap().contains(words), "{b}: {body}");
        }
        let path = format!("/api/drafts/{id}/returns");
        let (status, body) = server.api.call(Method::POST, &path, Some(&pe.token), Some(json!({"content": "%%%"}))).await.unwrap();
        assert_eq!(status, 422, "{b}: {body}");

        // The raw form: the DOCX as the body, the delegation in the query.
        let resp = reqwest::Client::new()
            .post(format!("{}{path}?as=PE", server.api.base))
            .bearer_auth(&pe.token)
            .header("content-type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            .body(marked.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 201, "{b}");
        let out: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(out["report"]["proposals"][0]["inserted"], " soon", "{b}: {out}");
        assert_eq!(out["brought_back_by"]["role"], "delegate", "{b}: {out}");
        let resp = reqwest::Client::new()
            .post(format!("{}{path}", server.api.base))
            .bearer_auth(&pe.token)
            .header("content-type", "text/plain")
            .body("x")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 415, "{b}");
        // The same file in the JSON form: the earlier report, nothing made again.
        let (status, again) = server.api.bring_back(&pe.token, id, &marked, None).await.unwrap();
        assert_eq!((status, again["already_returned"].as_bool(), &again["id"]), (200, Some(true), &out["id"]), "{b}: {again}");
        let (_, list) = server.api.call(Method::GET, &format!("/api/drafts/{id}/suggestions"), Some(&pe.token), None).await.unwrap();
        assert_eq!(list["suggestions"].as_array().unwrap().len(), 1, "{b}: {list}");

        // Without its source, a file is matched by its text; a file of other text is refused.
        let plain = stripped(&edited(&foreign, "Agree to meet again.", "Agree to meet again in Lima."));
        let (status, out) = server.api.bring_back(&pe.token, other_id, &plain, None).await.unwrap();
        assert_eq!((status, out["report"]["matched_by"].as_str()), (201, Some("text")), "{b}: {out}");
        assert_eq!(out["report"]["proposals"][0]["inserted"], " in Lima", "{b}: {out}");
        let unrelated =
            edited(&edited(&plain, "Agree to meet again in Lima.", "Something else."), "the value of cooperation", "nothing at all");
        let (status, body) = server.api.bring_back(&pe.token, other_id, &unrelated, None).await.unwrap();
        assert_eq!(status, 422, "{b}: {body}");
        assert!(body["error"].as_str().unwrap().contains("do not match the draft's"), "{b}: {body}");
        server.stop().await;
    }
}
