//! `pluma backup --out` and `pluma restore --in` as an operator runs them: the database URL
//! from `PLUMA_DATABASE_URL` (or `--database-url`), a summary on success, a clear message
//! and a non-zero exit on a non-empty target or a damaged archive.

// Helpers outside #[test] functions unwrap too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn pluma(args: &[&str], url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pluma")).args(args).env("PLUMA_DATABASE_URL", url).env("RUST_LOG", "warn").output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A user added on one SQLite database is backed up, restored into another with the
/// commands, and signs in there; restoring again, or restoring garbage, fails with a message.
#[tokio::test]
async fn backup_and_restore_commands() {
    let dir = tempfile::tempdir().unwrap();
    let source = format!("sqlite:{}/source.db", dir.path().display());
    let target = format!("sqlite:{}/target.db", dir.path().display());
    let archive = dir.path().join("pluma.backup");
    let archive = archive.to_str().unwrap();

    let mut add = Command::new(env!("CARGO_BIN_EXE_pluma"))
        .args(["user", "add", "--login", "sec", "--role", "secretariat", "--country", "SEC"])
        .env("PLUMA_DATABASE_URL", &source)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(b"s3cret\n").unwrap();
    assert!(add.wait().unwrap().success());

    let out = pluma(&["backup", "--out", archive], &source);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("wrote") && text(&out.stdout).contains("schema version"), "{}", text(&out.stdout));

    let out = pluma(&["restore", "--in", archive], &target);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("restored"), "{}", text(&out.stdout));
    let store = pluma_server::store::connect(&target).await.unwrap();
    let (user, _) = store.user_by_login("sec").await.unwrap().unwrap();
    assert_eq!(user.display_name, "sec");
    store.close().await;

    let again = pluma(&["restore", "--in", archive], &target);
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("not empty"), "{}", text(&again.stderr));

    let garbage = dir.path().join("garbage.backup");
    std::fs::write(&garbage, b"not an archive").unwrap();
    let fresh = format!("sqlite:{}/fresh.db", dir.path().display());
    let bad = pluma(&["restore", "--in", garbage.to_str().unwrap()], &fresh);
    assert!(!bad.status.success());
    assert!(text(&bad.stderr).contains("bad archive"), "{}", text(&bad.stderr));
    assert!(!dir.path().join("fresh.db").exists(), "nothing written");

    let flag = pluma(&["backup", "--database-url", &target, "--out", archive], "sqlite:/nonexistent/ignored.db");
    assert!(flag.status.success(), "--database-url wins over the variable: {}", text(&flag.stderr));
}
