//! # pluma-load
//!
//! A load harness for automerge-repo sync servers. It opens many WebSocket clients speaking
//! the automerge-repo protocol (the Rust client of `pluma-tests`), each appending suggested
//! text to a draft at a fixed rate, and measures how long each edit takes to become visible
//! at every other client on the same draft.
//!
//! ## Layout
//! - [`target`]: how clients reach a server: Pluma (sign in, one sync ticket per
//!   connection, drafts created through the API) or any plain automerge-repo server (no auth,
//!   the harness creates the documents).
//! - [`driver`]: one task per client: connect, edit on a schedule, record what arrives.
//! - [`report`]: latency percentiles, edits/s, errors, lost edits, the server's peak RSS.
//!
//! ## How visibility is measured
//! Every edit is one automerge change whose commit message is a token
//! `pluma-load <client> <seq> <µs since start>`; the appended text carries the same
//! `<client>.<seq>`. A client notes every change its replica receives from the server with
//! the moment the sync message holding it was applied, so latency is that moment minus the
//! sender's send time (one process, one clock). An edit is **lost** when some other client
//! on its draft has not received it by the end of the drain period. A client drains until
//! it has every other edit of its draft and the server holds all of its own: automerge's
//! sync protocol may send a change only when the server asks for it by hash, so a client
//! that hung up right after its last edit could take that edit with it.

#![forbid(unsafe_code)]

pub mod driver;
pub mod report;
pub mod target;

use std::time::Duration;

pub use report::Report;
pub use target::Target;

/// What to run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The server and how to reach it.
    pub target: Target,
    /// Number of WebSocket clients.
    pub clients: usize,
    /// Number of drafts; client `i` edits draft `i % drafts`.
    pub drafts: usize,
    /// Edits per second of each client.
    pub rate: f64,
    /// How long clients edit.
    pub duration: Duration,
    /// After editing stops, how long clients may still wait for others' edits.
    pub drain: Duration,
    /// Connections opened at the same time while setting up.
    pub connect_concurrency: usize,
    /// The server's process id, to read its peak resident set size.
    pub server_pid: Option<u32>,
}

/// A problem that stops the run before any edit (a server that cannot be reached, a login
/// that fails). Problems during the run are counted in the [`Report`] instead.
pub type SetupError = anyhow::Error;

/// Runs the load and returns the report. Blocks (asynchronously) for the run's duration
/// plus set-up and drain.
pub async fn run(settings: &Settings) -> Result<Report, SetupError> {
    anyhow::ensure!(settings.clients >= 2, "at least two clients are needed to see each other's edits");
    anyhow::ensure!(
        settings.drafts >= 1 && settings.drafts <= settings.clients,
        "the number of drafts must be between 1 and the number of clients"
    );
    anyhow::ensure!(settings.rate > 0.0 && settings.rate.is_finite(), "the edit rate must be positive");
    let prepared = target::prepare(settings).await?;
    let outcome = driver::drive(settings, prepared).await;
    Ok(report::Report::new(settings, outcome))
}
