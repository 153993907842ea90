//! The `pluma` binary's commands: `serve --demo` seeding and its loopback guard,
//! `user add`, `migrate`.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Stdio};

use pluma_tests::api::Api;
use tokio::io::{AsyncBufReadExt, BufReader};

fn pluma() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pluma"));
    c.env("RUST_LOG", "warn");
    c
}

/// `--demo` on a non-loopback address is refused unless forced, before anything is written.
#[test]
fn demo_refuses_public_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let out = pluma()
        .args(["serve", "--demo", "--listen", "0.0.0.0:0"])
        .env("PLUMA_DATABASE_URL", format!("sqlite:{}/p.db", dir.path().display()))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("loopback") && err.contains("--force-demo"), "{err}");
    assert!(!dir.path().join("p.db").exists(), "nothing written");
}

/// `pluma serve --demo` seeds an empty database (23 delegations, 2 observers, 2 chairs,
/// secretariat, admin), prints the logins, serves the demo communiqué; a restart does not
/// seed again. The default database lives under ./pluma-data/.
#[tokio::test]
async fn demo_seeds_once_and_serves() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..2 {
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_pluma"))
            .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
            .current_dir(dir.path())
            .env_remove("PLUMA_DATABASE_URL")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut printed = Vec::new();
        let addr = loop {
            let line = lines.next_line().await.unwrap().expect("pluma printed its address");
            if let Some(addr) = line.strip_prefix("Pluma listening on http://") {
                break addr.to_owned();
            }
            printed.push(line);
        };
        let printed = printed.join("\n");
        if round == 0 {
            for login in ["mx ", "ar ", "us ", "ve ", "iom ", "unhcr ", "mx-chair", "ar-chair", "secretariat", "admin"] {
                assert!(printed.contains(login), "{login} missing from:\n{printed}");
            }
            let rows = printed.lines().filter(|l| l.contains("delegate") || l.contains("observer") || l.contains("chair ")).count();
            assert_eq!(rows, 27, "23 delegations, 2 observers, 2 chairs:\n{printed}");
            assert!(printed.contains("pluma-demo"));
        } else {
            assert!(printed.contains("not seeded again"), "{printed}");
        }
        assert!(dir.path().join("pluma-data/pluma.db").exists());

        let api = Api::new(&addr);
        let chair = api.login("ar-chair", "pluma-demo").await.unwrap();
        assert_eq!(chair.user["role"], "chair");
        assert_eq!(chair.user["country"], "AR");
        let (_, drafts) = api.call(reqwest::Method::GET, "/api/drafts", Some(&chair.token), None).await.unwrap();
        let mut kinds: Vec<_> = drafts.as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
        kinds.sort_unstable();
        assert_eq!(kinds, ["communique", "concept_note"], "one communiqué and one concept note, not re-created");
        let (_, meetings) = api.call(reqwest::Method::GET, "/api/meetings", Some(&chair.token), None).await.unwrap();
        let delegations = meetings[0]["delegations"].as_array().unwrap();
        assert_eq!(delegations.len(), 25);
        let ppts: Vec<_> = delegations.iter().filter(|d| d["is_ppt"] == true).map(|d| d["code"].as_str().unwrap()).collect();
        assert_eq!(ppts, vec!["AR", "MX"]);
        child.kill().await.unwrap();
    }
}

/// `pluma user add` reads the password from stdin; the user can log in; a role other than
/// admin needs a country; an empty password is refused.
#[tokio::test]
async fn user_add_reads_the_password_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}/p.db", dir.path().display());
    let migrate = pluma().arg("migrate").env("PLUMA_DATABASE_URL", &url).output().unwrap();
    assert!(migrate.status.success());

    let add = |args: &[&str], stdin: &str| {
        let mut child = pluma()
            .args(["user", "add"])
            .args(args)
            .env("PLUMA_DATABASE_URL", &url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let ok = add(&["--login", "sec", "--role", "secretariat", "--country", "SEC", "--display-name", "Secretaría"], "s3cret\n");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let no_country = add(&["--login", "x", "--role", "delegate"], "pw\n");
    assert!(!no_country.status.success());
    assert!(String::from_utf8_lossy(&no_country.stderr).contains("--country is required"));
    let empty = add(&["--login", "y", "--role", "admin"], "\n");
    assert!(!empty.status.success());
    let taken = add(&["--login", "sec", "--role", "admin"], "pw\n");
    assert!(String::from_utf8_lossy(&taken.stderr).contains("login already exists"));

    let store = pluma_server::store::connect(&url).await.unwrap();
    let (user, hash) = store.user_by_login("sec").await.unwrap().unwrap();
    assert_eq!(user.display_name, "Secretaría");
    assert!(pluma_server::auth::verify_password("s3cret", &hash), "the trailing newline is not part of the password");
}
