//! `pluma return --draft D --as PE file.docx`: a file exported with `pluma export` and
//! marked up in LibreOffice (change recording on) is brought back from the command line as
//! Peru's proposals and comment, by the installation's secretariat account, through the
//! same rules, audit log and "nothing twice" as the API. On PostgreSQL the running server
//! hears of it and its clients see the proposals at once; on SQLite (one server per file)
//! it runs while the server is stopped.

#![allow(clippy::unwrap_used)]

use std::process::Command;

use pluma_core::{Draft, SuggestionKind};
use pluma_server::model::Role;
use pluma_tests::client;
use pluma_tests::db::TestDb;
use pluma_tests::libreoffice;
use pluma_tests::server::TestServer;
use serde_json::{Value, json};

fn pluma(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pluma")).args(args).env("PLUMA_DATABASE_URL", url).env("RUST_LOG", "warn").output().unwrap()
}

fn peru(doc: &automerge::AutoCommit) -> Vec<(SuggestionKind, String)> {
    let mut d = Draft::load(&doc.clone().save()).unwrap();
    d.suggestions().unwrap().into_iter().filter(|s| s.country.as_str() == "PE").map(|s| (s.kind, s.text)).collect()
}

#[tokio::test]
async fn a_word_file_brought_back_from_the_command_line() {
    let Some(soffice) = libreoffice::soffice() else { return };
    for db in TestDb::each().await {
        let b = db.backend;
        let server = TestServer::start(&db.url).await;
        let chair = server.user_session("chair", Role::Chair, Some("AR")).await;
        let sec = server.add_user("sec", Role::Secretariat, Some("SEC")).await;
        let draft = server.api.create_draft(&chair.token, pluma_tests::api::small_zero_draft()).await.unwrap();
        let (id, doc_id) = (draft["id"].as_str().unwrap().to_owned(), draft["doc_id"].as_str().unwrap().to_owned());

        let dir = tempfile::tempdir().unwrap();
        let (sent, back) = (dir.path().join("sent.docx"), dir.path().join("back.docx"));
        let out = pluma(&db.url, &["export", "--draft", &id, "--lang", "en", "--format", "docx", "--out", sent.to_str().unwrap()]);
        assert!(out.status.success(), "{b}: {}", String::from_utf8_lossy(&out.stderr));
        let spec = json!({"author": "Peru", "edits": [
            {"op": "replace", "find": "meet again", "with": "meet again in Lima"},
            {"op": "comment", "find": "cooperation", "text": "Regional cooperation?"}
        ]});
        let file = std::fs::read(&sent).unwrap();
        let lo = soffice.clone();
        let marked = tokio::task::spawn_blocking(move || libreoffice::edit(&lo, &file, &spec)).await.unwrap();
        std::fs::write(&back, &marked).unwrap();

        // SQLite belongs to one server: stop it. PostgreSQL's running server hears the command.
        let live = if b == "postgres" {
            let mut c = client::connect(&server.sync_url(&chair).await, "peer-chair").await.unwrap();
            c.open(&doc_id).await.unwrap();
            Some((server, c))
        } else {
            server.stop().await;
            None
        };
        let args = ["return", "--draft", &id, "--as", "PE", back.to_str().unwrap()];
        let out = pluma(&db.url, &args);
        assert!(out.status.success(), "{b}: {}", String::from_utf8_lossy(&out.stderr));
        let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(answer["brought_back_by"]["user"], sec.id.as_str(), "{b}: the only secretariat account: {answer}");
        let report = &answer["report"];
        assert_eq!(report["proposals"].as_array().unwrap().len(), 1, "{b}: {report:#}");
        assert_eq!(report["proposals"][0]["label"], "OP 1", "{b}: {report:#}");
        assert_eq!(report["comments"][0]["quote"], "cooperation", "{b}: {report:#}");
        assert!(report["not_placed"].as_array().unwrap().is_empty(), "{b}: {report:#}");

        let server = match live {
            Some((server, mut c)) => {
                c.pump_until(|c| !peru(&c.docs[&doc_id].doc).is_empty()).await.unwrap();
                assert_eq!(peru(&c.docs[&doc_id].doc), vec![(SuggestionKind::Insert, " in Lima".to_owned())], "{b}");
                server
            }
            None => TestServer::start(&db.url).await,
        };
        let (status, list) =
            server.api.call(reqwest::Method::GET, &format!("/api/drafts/{id}/suggestions"), Some(&chair.token), None).await.unwrap();
        assert_eq!(status, 200, "{b}: {list}");
        let pe: Vec<&Value> = list["suggestions"].as_array().unwrap().iter().filter(|s| s["country"] == "PE").collect();
        assert_eq!((pe.len(), pe[0]["text"].as_str(), pe[0]["user"].as_str()), (1, Some(" in Lima"), Some(sec.id.as_str())), "{b}: {list}");
        server.stop().await;

        // Again: nothing made twice, and it says so.
        let out = pluma(&db.url, &args);
        assert!(out.status.success(), "{b}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("already brought back"), "{b}");
        // Not a Word file, an unknown draft, two secretariat accounts: clear refusals.
        let out = pluma(&db.url, &["return", "--draft", &id, "--as", "PE", dir.path().join("missing.docx").to_str().unwrap()]);
        assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("missing.docx"), "{b}");
        std::fs::write(dir.path().join("text.docx"), "not a document").unwrap();
        let out = pluma(&db.url, &["return", "--draft", &id, "--as", "PE", dir.path().join("text.docx").to_str().unwrap()]);
        assert!(String::from_utf8_lossy(&out.stderr).contains("not a Word (DOCX) file"), "{b}: {}", String::from_utf8_lossy(&out.stderr));
        let out = pluma(&db.url, &["return", "--draft", "d0000000000000000", "--as", "PE", back.to_str().unwrap()]);
        assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("d0000000000000000"), "{b}");
        let server = TestServer::start(&db.url).await;
        server.add_user("sec2", Role::Secretariat, Some("SEC")).await;
        server.stop().await;
        let out = pluma(&db.url, &args);
        assert!(String::from_utf8_lossy(&out.stderr).contains("--user"), "{b}: {}", String::from_utf8_lossy(&out.stderr));
    }
}
