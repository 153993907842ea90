//! The web UI, for every path the API does not claim: a file of the UI's build, else
//! `index.html` (client routes such as `/drafts/…` are the app's). Where the build comes
//! from, first found:
//! 1. `--web-dir` (`PLUMA_WEB_DIR`): a directory on disk, for developing the client;
//! 2. the build embedded in the binary (`client/dist` when the server was compiled: see
//!    `server/build.rs`), so `pluma serve` serves the app from any folder;
//! 3. `client/dist` under the working directory (a server compiled before the client was
//!    built);
//! 4. else a short page saying the UI is not built.

use std::fmt;
use std::path::PathBuf;

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use tower_http::services::{ServeDir, ServeFile};

use crate::config::{Config, DEFAULT_WEB_DIR};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/web_ui.rs"));
}

const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Pluma</title></head>\
<body><h1>Pluma</h1><p>The server is running, but the web UI is not built. Build it in <code>client/</code> \
(<code>npm ci &amp;&amp; npm run build</code>) and build the server again, or set <code>PLUMA_WEB_DIR</code>.</p>\
<p>The JSON API is under <code>/api</code>; health at <code>/healthz</code>.</p></body></html>";

/// Where the web UI is served from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebUi {
    /// A directory on disk.
    Dir(PathBuf),
    /// The build embedded in the binary.
    Embedded,
    /// No build: a page saying so.
    NotBuilt,
}

impl fmt::Display for WebUi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebUi::Dir(dir) => {
                let shown = std::path::absolute(dir).unwrap_or_else(|_| dir.clone());
                write!(f, "the directory {}", shown.display())
            }
            WebUi::Embedded => write!(f, "the build embedded in this binary ({} files)", embedded::FILES.len()),
            WebUi::NotBuilt => f.write_str("nothing: the web UI is not built (a page says so)"),
        }
    }
}

/// Whether this binary carries the web UI's build.
pub fn has_embedded_ui() -> bool {
    embedded_file("index.html").is_some()
}

/// Where the UI is served from under this configuration (and working directory).
pub fn source(config: &Config) -> WebUi {
    if let Some(dir) = &config.web_dir {
        return WebUi::Dir(dir.clone());
    }
    if has_embedded_ui() {
        return WebUi::Embedded;
    }
    let dir = PathBuf::from(DEFAULT_WEB_DIR);
    if dir.join("index.html").is_file() { WebUi::Dir(dir) } else { WebUi::NotBuilt }
}

/// The fallback service for every path the API does not claim.
pub fn service(config: &Config) -> MethodRouter<()> {
    match source(config) {
        WebUi::Dir(dir) => {
            let index = dir.join("index.html");
            axum::routing::get_service(ServeDir::new(dir).fallback(ServeFile::new(index)))
        }
        WebUi::Embedded => get(serve_embedded),
        WebUi::NotBuilt => get(|| async { Html(NOT_BUILT) }),
    }
}

fn embedded_file(path: &str) -> Option<&'static [u8]> {
    embedded::FILES.iter().find(|(p, _)| *p == path).map(|(_, bytes)| *bytes)
}

/// A file of the embedded build, else `index.html` for the app's own routes. A missing
/// file under `assets/` is a 404: a stale page asking for an old chunk must not get HTML.
async fn serve_embedded(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    let (path, bytes) = match embedded_file(path) {
        Some(bytes) => (path, bytes),
        None if path.starts_with("assets/") => return StatusCode::NOT_FOUND.into_response(),
        None => match embedded_file("index.html") {
            Some(bytes) => ("index.html", bytes),
            None => return StatusCode::NOT_FOUND.into_response(),
        },
    };
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    // Files under assets/ are named by their content's hash; everything else (index.html,
    // a service worker) must be checked again on every load.
    let cache = if path.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
    let content_type = HeaderValue::from_str(mime.as_ref()).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, HeaderValue::from_static(cache))], bytes).into_response()
}
