//! The `pluma` binary serves the web UI from any working directory: the build embedded at
//! compile time (when `client/dist` existed then, as in `scripts/run` and `scripts/test`),
//! and its start-up log says what it serves.

use std::process::Stdio;

use pluma_server::routes::web::has_embedded_ui;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Started in an empty temporary folder (no `client/dist` there), the server answers `/`
/// and a client route with the app's `index.html` and an asset with its bytes and type;
/// its log names the embedded build. Without an embedded build it says the UI is not built,
/// in its log and on the page.
#[tokio::test]
async fn serves_the_embedded_app_from_any_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite:{}", dir.path().join("pluma.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_pluma"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env("PLUMA_DATABASE_URL", &db)
        .env_remove("PLUMA_WEB_DIR")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn pluma");
    let mut out = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut err = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let (addr, log) = tokio::time::timeout(WAIT, async {
        let mut log = String::new();
        while let Some(line) = err.next_line().await.expect("read stderr") {
            log.push_str(&line);
            if line.contains("web UI: serving") {
                break;
            }
        }
        while let Some(line) = out.next_line().await.expect("read stdout") {
            if let Some(addr) = line.strip_prefix("Pluma listening on http://") {
                return (addr.to_owned(), log);
            }
        }
        panic!("pluma exited before listening; log: {log}");
    })
    .await
    .expect("pluma started in time");
    tokio::spawn(async move { while let Ok(Some(_)) = err.next_line().await {} });
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("http://{addr}{path}")).send();
    let root = get("/").await.expect("GET /");
    assert_eq!(root.status(), 200);
    let index = root.text().await.expect("index body");
    if !has_embedded_ui() {
        assert!(log.contains("the web UI is not built"), "{log}");
        assert!(index.contains("the web UI is not built"), "{index}");
        return;
    }
    assert!(log.contains("embedded in this binary"), "{log}");
    assert!(index.contains("<div id=\"app\"") || index.contains("type=\"module\""), "{index}");
    let route = get("/drafts/some-draft").await.expect("GET a client route");
    assert_eq!(route.text().await.expect("route body"), index);
    let asset = index
        .split('"')
        .find(|s| s.starts_with("/assets/") && s.ends_with(".js"))
        .unwrap_or_else(|| panic!("index.html names a script under /assets/: {index}"))
        .to_owned();
    let resp = get(&asset).await.expect("GET the asset");
    assert_eq!(resp.status(), 200);
    let kind = resp.headers()[reqwest::header::CONTENT_TYPE].to_str().expect("content type").to_owned();
    assert!(kind.contains("javascript"), "{asset}: {kind}");
    assert!(resp.bytes().await.expect("asset body").len() > 1000);
    let missing = get("/assets/no-such-chunk.js").await.expect("GET a missing asset");
    assert_eq!(missing.status(), 404);
}
