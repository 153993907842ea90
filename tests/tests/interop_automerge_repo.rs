//! Interop with the real `@automerge/automerge-repo` 2.5 client (Node, `tests/js`): two
//! delegations edit one draft concurrently with `ins:XX` proposals and converge through the
//! server; after a restart a third client finds every edit.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use pluma_core::{Draft, Lang, SuggestionKind};
use pluma_server::model::Role;
use pluma_tests::api::small_zero_draft;
use pluma_tests::db::TestDb;
use pluma_tests::server::{TestServer, password_of};
use serde_json::{Value, json};

fn js_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("js")
}

/// Whether Node can run; the test is skipped (with a message) only if it cannot.
async fn node_available() -> bool {
    let ok = tokio::process::Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("SKIPPED: `node` is not installed; the automerge-repo interop test needs Node 20+");
    }
    ok
}

/// Runs a script of `tests/js` with `config` and returns the JSON it printed last.
async fn run_node(script: &str, config: Value) -> Value {
    assert!(
        js_dir().join("node_modules/@automerge/automerge-repo").is_dir(),
        "tests/js has no node_modules: run `npm ci` in tests/js (scripts/test does)"
    );
    let child = tokio::process::Command::new("node")
        .arg(script)
        .current_dir(js_dir())
        .env("PLUMA_INTEROP", config.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn node");
    let out =
        tokio::time::timeout(Duration::from_secs(90), child.wait_with_output()).await.expect("node finished in time").expect("node ran");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{script} failed ({}):\n{stdout}\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|e| panic!("{script} printed no JSON ({e}): {stdout}"))
}

fn marks(paragraph: &Value, lang: &str) -> Vec<(String, String)> {
    let text = paragraph[lang].as_str().unwrap();
    paragraph[format!("marks_{lang}")]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let chars: Vec<char> = text.chars().collect();
            let (s, e) = (m["start"].as_u64().unwrap() as usize, m["end"].as_u64().unwrap() as usize);
            (m["name"].as_str().unwrap().to_owned(), chars[s..e].iter().collect())
        })
        .collect()
}

/// Two real automerge-repo clients edit concurrently and converge; a third client after a
/// server restart finds every edit and both countries' proposals, which the server's own
/// copy (read with pluma-core) shows too, with each actor bound to its delegation.
#[tokio::test]
async fn automerge_repo_clients_converge_and_survive_restart() {
    if !node_available().await {
        return;
    }
    for db in TestDb::each().await {
        let server = TestServer::start(&db.url).await;
        let chair = server.user_session("chair", Role::Chair, Some("MX")).await;
        let mx = server.user_session("mx", Role::Delegate, Some("MX")).await;
        let ar = server.user_session("ar", Role::Delegate, Some("AR")).await;
        let draft = server.api.create_draft(&chair.token, small_zero_draft()).await.unwrap();
        let doc_url = draft["url"].as_str().unwrap().to_owned();

        let edited = run_node(
            "concurrent-edit.mjs",
            json!({
                "docUrl": doc_url,
                "a": {"url": server.sync_url(&mx).await, "user": mx.user["id"], "country": "MX"},
                "b": {"url": server.sync_url(&ar).await, "user": ar.user["id"], "country": "AR"},
            }),
        )
        .await;
        assert_eq!(edited["identical"], true, "{}: both replicas hold the same draft", db.backend);
        assert_eq!(edited["cursor"]["cursor"]["pos"], 3, "presence was relayed");
        let p = &edited["paragraphs"][1];
        assert_eq!(p["en"], "Agree to meet regularly again in 2022.");
        assert_eq!(p["es"], "Acuerdan reunirse periódicamente nuevamente en 2022.");

        // Every change was committed before the server advertised it.
        let doc_id = draft["doc_id"].as_str().unwrap().parse().unwrap();
        assert_eq!(server.state.store.logged_change_count(&doc_id).await.unwrap(), 4, "{}", db.backend);
        let owners = server
            .state
            .store
            .actor_owners(&[edited["actors"]["a"].as_str().unwrap().into(), edited["actors"]["b"].as_str().unwrap().into()])
            .await
            .unwrap();
        let countries: Vec<_> = owners.iter().map(|(_, o)| o.country.as_ref().unwrap().to_string()).collect();
        assert_eq!(owners.len(), 2);
        assert!(countries.contains(&"MX".into()) && countries.contains(&"AR".into()));
        server.stop().await;

        // Restart on the same database; a third client finds everything.
        let server = TestServer::start(&db.url).await;
        server.add_user("us", Role::Delegate, Some("US")).await;
        let us = server.api.login("us", &password_of("us")).await.unwrap();
        let read = run_node("read-draft.mjs", json!({"docUrl": doc_url, "url": server.sync_url(&us).await})).await;
        assert_eq!(read["paragraphs"], edited["paragraphs"], "{}: every edit survived the restart", db.backend);
        let mut heads: Vec<_> = read["heads"].as_array().unwrap().clone();
        let mut before: Vec<_> = edited["heads"].as_array().unwrap().clone();
        heads.sort_by_key(|h| h.to_string());
        before.sort_by_key(|h| h.to_string());
        assert_eq!(heads, before);
        let p = &read["paragraphs"][1];
        let en = marks(p, "en");
        // Each insertion mark names its country and the actor that typed it.
        let actor = |who: &str| edited["actors"][who].as_str().unwrap().to_owned();
        assert!(en.contains(&(format!("ins:MX:{}", actor("a")), " in 2022".into())), "{en:?}");
        assert!(en.contains(&(format!("ins:AR:{}", actor("b")), " regularly".into())), "{en:?}");

        // The server's copy, read with pluma-core: both proposals, attributed.
        let stored = server.state.store.load_document(&doc_id).await.unwrap();
        let mut copy = Draft::load(&stored.snapshot.unwrap()).unwrap();
        for (_, bytes) in stored.changes {
            copy.load_incremental(&bytes).unwrap();
        }
        let suggestions = copy.view().suggestions().unwrap();
        let found: Vec<_> = suggestions.iter().map(|s| (s.country.to_string(), s.kind, s.lang, s.text.clone())).collect();
        assert!(found.contains(&("MX".into(), SuggestionKind::Insert, Lang::En, " in 2022".into())), "{found:?}");
        assert!(found.contains(&("AR".into(), SuggestionKind::Insert, Lang::Es, " periódicamente".into())), "{found:?}");

        // A document nobody created is reported unavailable to the real client.
        let missing = pluma_server::ids::DocumentId::random();
        let gone = run_node("unavailable.mjs", json!({"docUrl": missing.url(), "url": server.sync_url(&us).await})).await;
        assert_eq!(gone["unavailable"], true);
        server.stop().await;
    }
}
