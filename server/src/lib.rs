//! # pluma-server
//!
//! The server of Pluma. Its sync server, storage and HTTP API arrive with their issue.

#![forbid(unsafe_code)]
