//! # pluma-tests
//!
//! End-to-end tests that start real servers and connect real clients; helpers live here,
//! tests under `tests/`.
//!
//! - [`db`]: a fresh database per test, on SQLite and PostgreSQL.

#![forbid(unsafe_code)]

pub mod db;
