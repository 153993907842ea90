//! # pluma-tests
//!
//! End-to-end tests that start real servers and connect real clients; helpers live here,
//! tests under `tests/`.

#![forbid(unsafe_code)]
