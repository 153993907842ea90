//! Build-time inputs of the server:
//! - the migrations: `sqlx::migrate!` embeds them at compile time, and cargo does not
//!   otherwise notice a new file there;
//! - the web UI: every file of `client/dist` (the client's `npm run build`) is embedded in
//!   the binary (`$OUT_DIR/web_ui.rs`, read by `routes::web`), so the `pluma` binary serves
//!   the app from any folder. Without a build (a fresh clone running `cargo test`) the table
//!   is empty and the server serves `client/dist` under its working directory if there is
//!   one, else a page saying the UI is not built. `scripts/run` and `scripts/test` build the
//!   client before cargo builds the server.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let client = manifest.join("../client");
    let dist = client.join("dist");
    let mut files = Vec::new();
    if dist.join("index.html").is_file() {
        // Cargo scans a directory for any change: a new client build re-embeds.
        println!("cargo:rerun-if-changed=../client/dist");
        collect(&dist, &dist, &mut files);
        files.sort();
    } else if client.is_dir() {
        // The build that creates client/dist must reach the server on the next cargo run.
        println!("cargo:rerun-if-changed=../client");
    }
    let mut out =
        String::from("/// The files of the web UI's build: path under `client/dist`, bytes.\npub static FILES: &[(&str, &[u8])] = &[\n");
    for (rel, abs) in &files {
        let _ = writeln!(out, "    ({rel:?}, include_bytes!({abs:?})),");
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out_dir.join("web_ui.rs"), out).expect("write web_ui.rs");
}

/// Every file under `dir`, as (path relative to `root` with `/`, absolute path).
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let (Ok(rel), Some(abs)) = (path.strip_prefix(root), path.canonicalize().ok().and_then(|p| p.to_str().map(str::to_owned)))
        {
            let rel = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/");
            files.push((rel, abs));
        }
    }
}
