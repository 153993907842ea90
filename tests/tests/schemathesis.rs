//! Schemathesis (property-based API testing from the OpenAPI document) against a running
//! server, signed in as each role: no 5xx, no undocumented status, no response that breaks
//! its schema or content type.
//!
//! `scripts/test` installs schemathesis (`scripts/install-schemathesis`) and sets
//! `PLUMA_SCHEMATHESIS` to it and `PLUMA_REQUIRE_SCHEMATHESIS=1`; without the tool and
//! without that requirement the test says so and does nothing else.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pluma_server::model::Role;
use pluma_tests::client;
use pluma_tests::db::TestDb;
use pluma_tests::edits::{self, Proposer};
use pluma_tests::server::TestServer;

/// Examples per operation and phase; enough to reach every branch of the handlers' input
/// checks, small enough for CI.
const MAX_EXAMPLES: &str = "25";

fn schemathesis() -> Option<String> {
    match std::env::var("PLUMA_SCHEMATHESIS") {
        Ok(path) if std::path::Path::new(&path).is_file() => Some(path),
        _ => {
            assert!(
                std::env::var_os("PLUMA_REQUIRE_SCHEMATHESIS").is_none(),
                "PLUMA_REQUIRE_SCHEMATHESIS is set but PLUMA_SCHEMATHESIS does not name the schemathesis command"
            );
            eprintln!("SKIPPED: schemathesis is not installed (run scripts/install-schemathesis, or scripts/test)");
            None
        }
    }
}

#[tokio::test]
async fn schemathesis_finds_nothing_for_any_role() {
    let Some(tool) = schemathesis() else { return };
    let db = TestDb::sqlite();
    let server = TestServer::start(&db.url).await;
    let chair = server.user_session("ar-chair", Role::Chair, Some("AR")).await;
    let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
    let draft = server.api.create_draft(&chair.token, pluma_tests::api::small_zero_draft()).await.unwrap();
    let doc_id = draft["doc_id"].as_str().unwrap().to_owned();
    // A pending proposal, so accept/reject/withdraw have something real to find.
    let mut c = client::connect(&server.sync_url(&mx).await, "peer-mx").await.unwrap();
    c.open(&doc_id).await.unwrap();
    c.change(&doc_id, |d| edits::append(d, &Proposer::of(&mx), 1, "en", " and to review progress")).await.unwrap();
    c.wait_synced(&doc_id).await.unwrap();
    drop(c);

    let sessions = [
        ("chair", chair.token.clone()),
        ("delegate", mx.token.clone()),
        ("secretariat", server.user_session("sec", Role::Secretariat, Some("SEC")).await.token),
        ("observer", server.user_session("iom", Role::Observer, Some("IOM")).await.token),
        ("admin", server.user_session("admin", Role::Admin, None).await.token),
        ("anonymous", String::new()),
    ];
    let spec = format!("http://{}/api/openapi.json", server.addr);
    let mut failures = Vec::new();
    // schemathesis writes a cache (.schemathesis/) where it runs: not in the work tree.
    let scratch = tempfile::tempdir().unwrap();
    for (role, token) in sessions {
        let mut cmd = tokio::process::Command::new(&tool);
        cmd.current_dir(scratch.path());
        cmd.args(["run", &spec, "--checks"])
            .arg("not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance")
            // Signing out would end the session the rest of the run uses.
            .args(["--exclude-method", "DELETE", "--max-examples", MAX_EXAMPLES, "--workers", "1", "--seed", "20210913"])
            .env("NO_COLOR", "1")
            .kill_on_drop(true);
        if !token.is_empty() {
            cmd.args(["-H", &format!("Authorization: Bearer {token}")]);
        }
        let out = cmd.output().await.expect("run schemathesis");
        let text = String::from_utf8_lossy(&out.stdout);
        let summary: Vec<&str> = text.lines().filter(|l| l.contains("generated,")).collect();
        eprintln!("schemathesis as {role}: {}", summary.join(" "));
        if !out.status.success() {
            failures.push(format!("as {role}:\n{text}\n{}", String::from_utf8_lossy(&out.stderr)));
        }
    }
    assert!(failures.is_empty(), "schemathesis found problems:\n{}", failures.join("\n\n"));
    server.stop().await;
}
