//! The web UI: static files from the build directory, `index.html` for client routes; a
//! short page saying the UI is not built when there is no build.

use std::path::PathBuf;

use axum::response::Html;
use axum::routing::{MethodRouter, get};
use tower_http::services::{ServeDir, ServeFile};

use crate::config::{Config, DEFAULT_WEB_DIR};

const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Pluma</title></head>\
<body><h1>Pluma</h1><p>The server is running, but the web UI is not built. Build it in <code>client/</code> \
(<code>npm ci &amp;&amp; npm run build</code>) or set <code>PLUMA_WEB_DIR</code>.</p>\
<p>The JSON API is under <code>/api</code>; health at <code>/healthz</code>.</p></body></html>";

/// The directory to serve: the configured one, else `client/dist` if it exists.
pub fn web_dir(config: &Config) -> Option<PathBuf> {
    match &config.web_dir {
        Some(dir) => Some(dir.clone()),
        None => Some(PathBuf::from(DEFAULT_WEB_DIR)).filter(|d| d.join("index.html").is_file()),
    }
}

/// The fallback service for every path the API does not claim.
pub fn service(config: &Config) -> MethodRouter<()> {
    match web_dir(config) {
        Some(dir) => {
            let index = dir.join("index.html");
            axum::routing::get_service(ServeDir::new(dir).fallback(ServeFile::new(index)))
        }
        None => get(|| async { Html(NOT_BUILT) }),
    }
}
