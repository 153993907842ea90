//! # pluma-server
//!
//! The server of Pluma (binary `pluma`): accounts and sessions, the JSON API, and an
//! automerge-repo sync server that validates and durably stores every change before any
//! other delegation sees it.
//!
//! ## Layout
//! - [`config`]: settings (flags and `PLUMA_` variables) and the protocol limits.
//! - [`store`]: [`store::Store`], one trait per concern (accounts, meetings, change log,
//!   audit, versions, workflow, returns) implemented by `store/sqlite.rs` and `store/postgres.rs`.
//! - [`app_state`]: [`AppState`], what every handler shares; [`build_state`].
//! - [`input`]: checks of every text the API is given (clean, within its bound).
//! - [`model`], [`ids`]: users, roles, meetings, drafts; draft and document ids.
//! - [`auth`]: argon2 passwords, tokens stored as hashes, the `CurrentUser` extractor.
//! - [`http`]: the HTTP/1.1 listener: header timeout, connections per client address.
//! - [`routes`]: HTTP handlers, one module per resource; [`error`]: `ApiError`.
//! - [`sync`]: the WebSocket protocol, connections, the hub of document tasks, group commit.
//! - [`validate`]: actor binding and the bridge to `pluma_core::rules`, which every incoming
//!   change must pass.
//! - [`rate_limit`]: failed sign-ins per login, incoming sync bytes per user.
//! - [`metrics`]: Prometheus text; [`demo`]: the 2021 RCM–SACM demo meeting.
//! - [`backup`]: `pluma backup` and `pluma restore`, a whole installation to one archive.
//! - [`returns`]: Word files brought back as a delegation's proposals and comments.
//! - [`versions`]: comparisons and exports; [`version_snapshots`]: the saved versions'
//!   comparison snapshots, read from the database or made once from the document.
//! - [`workflow`]: the workflow's decisions (approval, adoption and its fingerprint, silence
//!   procedures, objections) returning [`workflow::WorkflowError`], the deadline timer, the
//!   lock on an adopted or silenced text.
//!
//! ## Decisions
//! - **Validate, persist, then apply.** A change reaches the shared document, other peers
//!   and the heads the server advertises only after its transaction committed.
//! - **One task per document**, talking to connections through channels; no lock spans
//!   documents. Commits are grouped across documents by one writer task.
//! - **A failed load is an error, never an empty document.**
//! - **Several servers, one database (PostgreSQL).** Memory is a cache of the database: a
//!   commit notifies the other servers (`NOTIFY` in its transaction), whose open documents
//!   read what they lack from the change log; tickets, sessions, actor bindings and the
//!   workflow are decided in the database ([`store::cluster`], [`sync::cluster`]).
//! - **Tickets, not tokens, in URLs**: `/sync?ticket=` takes a single-use 60-second ticket.
//!
//! Tests start the real server with [`build_state`] and [`serve`] on `127.0.0.1:0`.

#![forbid(unsafe_code)]

pub mod app_state;
pub mod auth;
pub mod backup;
pub mod config;
pub mod demo;
pub mod error;
pub mod http;
pub mod ids;
pub mod input;
pub mod metrics;
pub mod model;
pub mod rate_limit;
pub mod returns;
pub mod routes;
pub mod store;
pub mod sync;
pub mod time;
pub mod validate;
pub mod version_snapshots;
pub mod versions;
pub mod workflow;

pub use app_state::{AppState, build_state};
pub use config::Config;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// Serves HTTP and sync on `listener` until `shutdown` is cancelled, then closes every sync
/// connection and stops every document task before returning. Every change acknowledged
/// to a client was committed before; nothing is left to flush.
pub async fn serve(listener: TcpListener, state: AppState, shutdown: CancellationToken) -> std::io::Result<()> {
    let hub = state.hub.clone();
    let closer = {
        let hub = hub.clone();
        let shutdown = shutdown.clone();
        // Upgraded sockets outlive axum's graceful shutdown: close them when it starts.
        tokio::spawn(async move {
            shutdown.cancelled().await;
            hub.shutdown().await;
        })
    };
    // Due silence procedures are applied at start-up, then as each deadline comes.
    let silence_timer = workflow::timer::spawn(state.clone());
    let limits = state.config.http.clone();
    let app = routes::router(state);
    let result = http::serve(listener, app, &limits, shutdown.clone()).await;
    shutdown.cancel();
    let _ = closer.await;
    let _ = silence_timer.await;
    result
}
