//! A node killed with SIGKILL while its clients edit: three `pluma serve` processes share
//! one PostgreSQL database; the clients of the killed node reconnect to another node and
//! carry on, and no edit any server acknowledged is lost (nor any other: clients keep
//! theirs and sync them again). Skipped (with a note) when `PLUMA_TEST_POSTGRES_URL` is
//! unset. Here rather than in `tests/` because only this crate's tests find the binary.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use pluma_tests::api::{Api, small_zero_draft};
use pluma_tests::client;
use pluma_tests::cluster::{Writer, wait_listening};
use pluma_tests::db::TestDb;
use pluma_tests::edits;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const PASSWORD: &str = "multinode-test-password";

/// Starts `pluma serve` on a free port; its API once it says it listens.
async fn start(database_url: &str) -> (Child, Api) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pluma"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("PLUMA_DATABASE_URL", database_url)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn pluma");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let addr = tokio::time::timeout(client::WAIT, async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            if let Some(addr) = line.strip_prefix("Pluma listening on http://") {
                return addr.to_owned();
            }
        }
        panic!("pluma exited before listening");
    })
    .await
    .expect("pluma started in time");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, Api::new(addr))
}

/// `pluma user add`, password on stdin.
fn add_user(database_url: &str, login: &str, role: &str, country: &str) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pluma"))
        .args(["user", "add", "--login", login, "--role", role, "--country", country])
        .env("PLUMA_DATABASE_URL", database_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn pluma user add");
    writeln!(child.stdin.take().expect("stdin"), "{PASSWORD}").expect("write password");
    let out = child.wait_with_output().expect("pluma user add");
    assert!(out.status.success(), "pluma user add {login} failed");
}

/// Three nodes, a writer on each; node 0 is killed (SIGKILL) in the middle of its writer's
/// edits. That writer moves to another node; every writer's every edit is in the text
/// each of them ends with and in what a new client reads, once.
#[tokio::test]
async fn a_killed_node_loses_no_acknowledged_edit() {
    let Some(db) = TestDb::postgres().await else {
        eprintln!("note: skipped: several servers need PostgreSQL");
        return;
    };
    let migrate =
        std::process::Command::new(env!("CARGO_BIN_EXE_pluma")).arg("migrate").env("PLUMA_DATABASE_URL", &db.url).output().unwrap();
    assert!(migrate.status.success(), "pluma migrate failed");
    add_user(&db.url, "chair", "chair", "MX");
    for (login, country) in [("mx", "MX"), ("ar", "AR"), ("br", "BR")] {
        add_user(&db.url, login, "delegate", country);
    }
    let mut nodes = Vec::new();
    for _ in 0..3 {
        nodes.push(start(&db.url).await);
    }
    let apis: Vec<Api> = nodes.iter().map(|(_, api)| api.clone()).collect();
    wait_listening(&apis).await.unwrap();
    let chair = apis[1].login("chair", PASSWORD).await.unwrap();
    let draft = apis[1].create_draft(&chair.token, small_zero_draft()).await.unwrap();
    let doc = draft["doc_id"].as_str().unwrap().to_owned();

    let (halfway, reached) = tokio::sync::oneshot::channel();
    let mut halfway = Some(halfway);
    let mut tasks = Vec::new();
    for (i, login) in ["mx", "ar", "br"].into_iter().enumerate() {
        let mut w = Writer::open(apis.clone(), i, login, PASSWORD, &doc, &format!("peer-{login}")).await.unwrap();
        let signal = if i == 0 { halfway.take() } else { None };
        tasks.push(tokio::spawn(async move {
            let mut signal = signal;
            for n in 0..30 {
                w.edit(&format!("{login}{n}")).await.unwrap();
                if n == 10
                    && let Some(s) = signal.take()
                {
                    let _ = s.send(());
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            w
        }));
    }
    reached.await.unwrap();
    tokio::time::sleep(Duration::from_millis(30)).await;
    let (victim, _) = &mut nodes[0];
    victim.start_kill().unwrap();
    victim.wait().await.unwrap();

    let mut writers = Vec::new();
    for t in tasks {
        writers.push(t.await.unwrap());
    }
    assert!(writers[0].reconnects > 0 && writers[0].node() != 0, "the killed node's writer moved to another node");
    let all: Vec<String> = writers.iter().flat_map(|w| w.acknowledged.clone()).collect();
    assert_eq!(all.len(), 90);
    let each_once = |text: &str| all.iter().all(|t| text.split(' ').filter(|w| w == t).count() == 1);
    for w in &mut writers {
        w.until(|d| each_once(&edits::text(d, 0, "en").unwrap())).await.unwrap();
    }
    let session = apis[2].login("br", PASSWORD).await.unwrap();
    let ticket = apis[2].ticket(&session.token).await.unwrap();
    let mut reader = client::connect(&apis[2].sync_url(&ticket), "peer-reader").await.unwrap();
    reader.open(&doc).await.unwrap();
    reader.pump_until(|c| each_once(&edits::text(&c.docs[&doc].doc, 0, "en").unwrap())).await.unwrap();
    for (mut child, _) in nodes {
        let _ = child.start_kill();
        let _ = child.wait().await;
    }
}
