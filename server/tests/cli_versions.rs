//! `pluma diff` and `pluma export` read a draft and its versions straight from the
//! database, on every backend, with the same outputs as the HTTP API.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::process::Command;

use pluma_server::model::Role;
use pluma_tests::api::small_zero_draft;
use pluma_tests::client;
use pluma_tests::db::TestDb;
use pluma_tests::edits;
use pluma_tests::server::TestServer;
use serde_json::json;

fn pluma(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pluma")).args(args).env("PLUMA_DATABASE_URL", url).env("RUST_LOG", "warn").output().unwrap()
}

/// A version saved before Mexico's proposal: the command-line diff credits Mexico, the
/// export of the version lacks the proposal, a DOCX needs --out, a wrong version id lists
/// the draft's versions.
#[tokio::test]
async fn diff_and_export_from_the_database() {
    for db in TestDb::each().await {
        let server = TestServer::start(&db.url).await;
        let chair = server.user_session("chair", Role::Chair, Some("AR")).await;
        let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
        let draft = server.api.create_draft(&chair.token, small_zero_draft()).await.unwrap();
        let (id, doc_id) = (draft["id"].as_str().unwrap().to_owned(), draft["doc_id"].as_str().unwrap().to_owned());
        let (status, v1) = server
            .api
            .call(reqwest::Method::POST, &format!("/api/drafts/{id}/versions"), Some(&chair.token), Some(json!({"label": "Zero draft"})))
            .await
            .unwrap();
        assert_eq!(status, 201);
        let v1 = v1["id"].as_str().unwrap().to_owned();
        let mut c = client::connect(&server.sync_url(&mx).await, "peer-mx").await.unwrap();
        c.open(&doc_id).await.unwrap();
        c.change(&doc_id, |d| edits::append(d, &edits::Proposer::of(&mx), 1, "en", " in Lima")).await.unwrap();
        c.wait_synced(&doc_id).await.unwrap();
        server.stop().await;

        let out = pluma(&db.url, &["diff", "--draft", &id, "--from", &v1, "--lang", "en", "--format", "md"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let md = String::from_utf8(out.stdout).unwrap();
        assert!(md.contains("{++ in Lima++}{>>MX<<}"), "{}: {md}", db.backend);

        let out = pluma(&db.url, &["diff", "--draft", &id, "--from", &v1, "--lang", "en"]);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["summary"]["by_country"]["MX"]["inserted"], 2);

        let out = pluma(&db.url, &["export", "--draft", &id, "--version", &v1, "--lang", "en", "--format", "md"]);
        let md = String::from_utf8(out.stdout).unwrap();
        assert!(md.contains("Agree to meet again.") && !md.contains("Lima") && md.contains("Zero draft"), "{md}");

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tracked.docx");
        let out = pluma(&db.url, &["export", "--draft", &id, "--lang", "en", "--format", "docx-tracked", "--out", file.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(std::fs::read(&file).unwrap().starts_with(b"PK"), "a zip file");

        let out = pluma(&db.url, &["export", "--draft", &id, "--lang", "en", "--format", "docx"]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("--out"));
        let out = pluma(&db.url, &["diff", "--draft", &id, "--from", "v0000000000000000", "--lang", "en"]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("no version") && err.contains(&v1) && err.contains("Zero draft"), "{err}");
        let out = pluma(&db.url, &["export", "--draft", &id, "--lang", "en", "--format", "pdf"]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("--out"), "a PDF is written to a file");
        let out = pluma(&db.url, &["export", "--draft", &id, "--lang", "en", "--format", "odt"]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("unknown format"));
    }
}
