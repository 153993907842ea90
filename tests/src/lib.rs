//! # pluma-tests
//!
//! End-to-end tests that start real servers and connect real clients; helpers live here,
//! tests under `tests/`.
//!
//! - [`docx_xml`]: where text sits in a DOCX part (inside which revision, by whom).
//! - [`db`]: a fresh database per test, on SQLite and PostgreSQL.
//! - [`holdings`]: every table's rows and every document of a database, read directly.
//! - [`server`]: the real server in-process on `127.0.0.1:0`.
//! - [`api`]: an HTTP client for the JSON API.
//! - [`client`]: a Rust automerge-repo sync client.
//! - [`cluster`]: several servers on one PostgreSQL database, and clients that fail over.
//! - [`workflow`]: a negotiation with two Presidencies, to run the workflow on.
//! - [`edits`]: automerge edits of a draft as a client makes them.
//! - [`watch`]: the test process's resident memory while an attack runs.
//! - [`libreoffice`]: DOCX files marked up in LibreOffice itself, with change recording on.

#![forbid(unsafe_code)]

pub mod api;
pub mod client;
pub mod cluster;
pub mod db;
pub mod docx_xml;
pub mod edits;
pub mod holdings;
pub mod libreoffice;
pub mod server;
pub mod watch;
pub mod workflow;
