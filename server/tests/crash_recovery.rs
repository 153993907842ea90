//! Crash recovery of the real `pluma` binary: clients write continuously while the server
//! process is killed with SIGKILL at random moments and restarted. Every change whose hash
//! a client saw the server advertise before a kill is present after the restart, and in
//! the end every client converges with every change it made.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use automerge::{AutoCommit, ChangeHash, ReadDoc};
use pluma_tests::api::{Api, small_zero_draft};
use pluma_tests::client::{self, SyncClient};
use pluma_tests::db::TestDb;
use pluma_tests::edits;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const WRITERS: usize = 3;
const KILLS: usize = 4;
const PASSWORD: &str = "crash-test-password";

struct Server {
    child: Child,
    api: Api,
}

/// Starts `pluma serve` on a free port and waits for its "listening" line.
async fn start(database_url: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pluma"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("PLUMA_DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
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
    // Keep draining stdout so the child never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Server { child, api: Api::new(addr) }
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
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("created user {login}")));
}

async fn connect(api: &Api, login: &str, peer: &str) -> (SyncClient, edits::Proposer) {
    let session = api.login(login, PASSWORD).await.expect("login");
    let ticket = api.ticket(&session.token).await.expect("ticket");
    (client::connect(&api.sync_url(&ticket), peer).await.expect("connect"), edits::Proposer::of(&session))
}

/// One writer's connection: appends to its paragraph until the server goes away. Returns
/// its replica and every head the server advertised.
async fn write_until_killed(
    mut c: SyncClient,
    who: edits::Proposer,
    doc_id: String,
    writer: usize,
    round: usize,
) -> (AutoCommit, HashSet<ChangeHash>) {
    let mut n = 0;
    while !c.is_closed() {
        let edit = c.change(&doc_id, |d| edits::append(d, &who, writer % 2, "en", &format!(" w{writer}r{round}n{n}"))).await;
        if edit.is_err() {
            break;
        }
        n += 1;
        if c.pump_for(Duration::from_millis(15)).await.is_err() {
            break;
        }
    }
    let entry = c.docs.remove(&doc_id).expect("document");
    (entry.doc, entry.advertised)
}

/// Syncs every client until all hold the same heads and the server advertised them.
async fn converge(clients: &mut [SyncClient], doc_id: &str) {
    for _ in 0..50 {
        for c in clients.iter_mut() {
            c.wait_synced(doc_id).await.expect("synced");
        }
        for c in clients.iter_mut() {
            c.pump_for(Duration::from_millis(30)).await.expect("pump");
        }
        let heads: Vec<_> = clients.iter().map(|c| sorted(c.docs[doc_id].doc.clone().get_heads())).collect();
        if heads.windows(2).all(|w| w[0] == w[1])
            && clients.iter().all(|c| c.docs[doc_id].state.their_heads.as_ref().map(|h| sorted(h.clone())) == Some(heads[0].clone()))
        {
            return;
        }
    }
    panic!("clients did not converge");
}

fn sorted(mut v: Vec<ChangeHash>) -> Vec<ChangeHash> {
    v.sort();
    v
}

/// The crash test itself, on every backend.
#[tokio::test]
async fn sigkill_never_loses_an_advertised_change() {
    for db in TestDb::each().await {
        // Migrate and create the users through the binary's own commands.
        let migrate = std::process::Command::new(env!("CARGO_BIN_EXE_pluma"))
            .arg("migrate")
            .env("PLUMA_DATABASE_URL", &db.url)
            .output()
            .expect("pluma migrate");
        assert!(migrate.status.success(), "pluma migrate failed");
        add_user(&db.url, "chair", "chair", "MX");
        let logins: Vec<String> = (0..WRITERS).map(|i| format!("w{i}")).collect();
        for (i, login) in logins.iter().enumerate() {
            add_user(&db.url, login, "delegate", ["MX", "AR", "US"][i % 3]);
        }

        let mut server = start(&db.url).await;
        let chair = server.api.login("chair", PASSWORD).await.unwrap();
        let draft = server.api.create_draft(&chair.token, small_zero_draft()).await.unwrap();
        let doc_id = draft["doc_id"].as_str().unwrap().to_owned();

        let mut replicas: Vec<Option<AutoCommit>> = vec![None; WRITERS];
        let mut advertised: HashSet<ChangeHash> = HashSet::new();
        let mut written_total = 0usize;
        for round in 0..KILLS {
            let mut tasks = Vec::new();
            for (i, login) in logins.iter().enumerate() {
                let (mut c, who) = connect(&server.api, login, &format!("peer-{login}-{round}")).await;
                match replicas[i].take() {
                    Some(doc) => c.resume(&doc_id, doc).await.unwrap(),
                    None => c.open(&doc_id).await.unwrap(),
                }
                tasks.push(tokio::spawn(write_until_killed(c, who, doc_id.clone(), i, round)));
            }
            let delay = 300 + rand::random::<u64>() % 900;
            tokio::time::sleep(Duration::from_millis(delay)).await;
            server.child.kill().await.expect("SIGKILL the server");
            for (i, t) in tasks.into_iter().enumerate() {
                let (doc, seen) = t.await.expect("writer task");
                advertised.extend(seen);
                replicas[i] = Some(doc);
            }

            server = start(&db.url).await;
            let (mut check, _) = connect(&server.api, "chair", &format!("peer-check-{round}")).await;
            check.open(&doc_id).await.unwrap();
            let server_doc = &mut check.docs.get_mut(&doc_id).unwrap().doc;
            let missing: Vec<_> = advertised.iter().filter(|h| ReadDoc::get_change_by_hash(&*server_doc, h).is_none()).collect();
            assert!(missing.is_empty(), "{}: round {round}: advertised changes lost: {missing:?}", db.backend);
            written_total = server_doc.get_changes(&[]).len();
        }
        eprintln!("{}: {KILLS} kills, {written_total} changes on the server, {} advertised heads checked", db.backend, advertised.len());
        assert!(!advertised.is_empty() && written_total > 4 * KILLS, "{}: the writers wrote ({written_total} changes)", db.backend);

        // Finally every writer reconnects with its replica: all converge, nothing lost.
        let mut clients = Vec::new();
        for (i, login) in logins.iter().enumerate() {
            let (mut c, _) = connect(&server.api, login, &format!("peer-{login}-final")).await;
            c.resume(&doc_id, replicas[i].take().unwrap()).await.unwrap();
            clients.push(c);
        }
        converge(&mut clients, &doc_id).await;
        let (mut fresh, _) = connect(&server.api, "chair", "peer-final-check").await;
        fresh.open(&doc_id).await.unwrap();
        let mut server_doc = fresh.docs.remove(&doc_id).unwrap().doc;
        assert_eq!(sorted(server_doc.get_heads()), sorted(clients[0].docs[&doc_id].doc.clone().get_heads()), "{}", db.backend);
        for c in &mut clients {
            for change in c.docs.get_mut(&doc_id).unwrap().doc.get_changes(&[]) {
                assert!(server_doc.get_change_by_hash(&change.hash()).is_some(), "{}: a client's change is missing", db.backend);
            }
        }
        server.child.kill().await.ok();
    }
}
