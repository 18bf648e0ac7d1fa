//! secpip: a supply-chain firewall for pip (and, later, npm).
//!
//! The binary in `main.rs` only parses arguments and calls [`cli::run`]. Every
//! step of an install has a module named after it, following the flow in
//! `DESIGN.md`: requirements are parsed and resolved by [`ecosystem`], each
//! package gets a [`verdict`], the [`store`] remembers CHECK / SECURE / BLOCK,
//! the [`queue`] hands scans to the [`worker`], vetted files land in the
//! secure [`repo`], and the [`install`] flow ties them together.
#![deny(missing_docs)]

pub mod advisories;
pub mod audit;
pub mod aws;
pub mod backend;
pub mod cli;
pub mod config;
pub mod data;
pub mod ecosystem;
pub mod http;
pub mod install;
pub mod notify;
pub mod queue;
pub mod repo;
pub mod report;
pub mod server;
pub mod store;
pub mod verdict;
pub mod worker;
