//! # pluma-server
//!
//! The server of Pluma (binary `pluma`).

#![forbid(unsafe_code)]

pub mod ids;
pub mod model;
pub mod store;
