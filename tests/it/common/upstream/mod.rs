//! A loopback stand-in for the upstream Python package index.
//!
//! secpip's integration tests must run real pip against a real index without
//! touching the internet, so this module serves everything secpip and pip ask
//! upstream for, from one HTTP server on `127.0.0.1`:
//!
//! * the PEP 503 simple index (`/simple/`, `/simple/{project}/`), with PEP 658
//!   / PEP 714 metadata attributes on wheel links so pip's resolver reads
//!   `/files/{wheel}.metadata` instead of downloading the wheel;
//! * the artifacts themselves (`/files/{filename}`): real `py3-none-any`
//!   wheels and real sdists with an in-tree PEP 517 backend, all built in
//!   memory when the fixture starts (no binary files are committed);
//! * the registry's JSON API (`/pypi/{name}/json`,
//!   `/pypi/{name}/{version}/json`), a download-stats API (`/stats/{name}`)
//!   and the GitHub repository API (`/github/repos/{owner}/{repo}`).
//!
//! Every request is logged with its user agent, so a test can prove *who*
//! fetched what (pip's agent starts with `pip/`, secpip's worker sends
//! `secpip/<version>`). Two knobs change behaviour while the server runs: a
//! per-file delay (to keep a scan in flight) and per-agent tampering (to serve
//! corrupt bytes to one client while every published digest stays good).
//!
//! The server runs on its own thread with its own single-threaded tokio
//! runtime ([`super::loopback`]), so tests stay plain `#[test]` functions and
//! the fixture can also be driven from an example binary
//! (`examples/upstream_fixture.rs`, which includes this folder, `faults.rs`
//! and `loopback.rs` by path).
//!
//! This file is the fixture's API; the rest lives beside it: the projects a
//! test describes (`package.rs`) and how their names are spelled
//! (`names.rs`), the artifacts built from them (`artifacts.rs`), what the
//! running server holds (`state.rs`), and its routes (`routes.rs`), split by
//! API: the simple index and files (`simple.rs`), the JSON documents
//! (`json_api.rs`) and OSV (`osv.rs`). The request log, delays and tampering
//! are shared with the npm fixture ([`super::faults`]).
#![allow(dead_code)]

mod artifacts;
mod json_api;
mod names;
mod osv;
mod package;
mod routes;
mod simple;
mod state;

use std::sync::Arc;
use std::time::Duration;

use super::faults::{self, lock};
use super::loopback::{Loopback, LoopbackServer};
use routes::router;
use state::Shared;

// The fixture's API, whether or not a test uses each item today.
#[allow(unused_imports)]
pub use {
    faults::Logged,
    names::{dist_name, module_name, normalize, sdist_filename, wheel_filename},
    package::{iso_days_ago, ArtifactKind, FixturePackage, FixtureVersion},
};

/// A running fixture index. Dropping it stops the server.
pub struct Upstream {
    server: LoopbackServer,
    shared: Arc<Shared>,
}

impl Upstream {
    /// Builds every artifact, binds `127.0.0.1:0` and serves on a background
    /// thread. Returns once the port accepts connections.
    pub fn start(packages: Vec<FixturePackage>) -> Upstream {
        let loopback = Loopback::bind("upstream fixture");
        let shared = Arc::new(Shared::new(format!("http://{}", loopback.addr()), packages));
        let server = loopback.serve(router(Arc::clone(&shared)));
        Upstream { server, shared }
    }

    /// Serves an OSV record (JSON, OSV schema) from the `/osv` API.
    pub fn add_advisory(&self, record: serde_json::Value) {
        lock(&self.shared.advisories).push(record);
    }

    /// Base of the fixture's OSV-compatible API.
    pub fn osv_url(&self) -> String {
        format!("{}/osv", self.url())
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The PEP 503 index: `http://127.0.0.1:PORT/simple/`
    pub fn index_url(&self) -> String {
        format!("{}/simple/", self.shared.base_url)
    }

    /// Base of the JSON API: `http://127.0.0.1:PORT/pypi`
    pub fn json_url(&self) -> String {
        format!("{}/pypi", self.shared.base_url)
    }

    /// Download-stats template with a literal `{name}` for the client to fill.
    pub fn downloads_url(&self) -> String {
        format!("{}/stats/{{name}}", self.shared.base_url)
    }

    /// Base of the GitHub API: `http://127.0.0.1:PORT/github`
    pub fn github_api_url(&self) -> String {
        format!("{}/github", self.shared.base_url)
    }

    /// The port the fixture listens on.
    pub fn port(&self) -> u16 {
        self.server.addr().port()
    }

    /// Every request so far, in arrival order (logged before it is served, so
    /// a delayed request shows up while it waits).
    pub fn requests(&self) -> Vec<Logged> {
        self.shared.faults.requests()
    }

    pub fn clear_log(&self) {
        self.shared.faults.clear_log();
    }

    /// Requests for `/files/{filename}` (the artifact, not its `.metadata`)
    /// whose user agent starts with `agent_prefix`.
    pub fn artifact_gets(&self, filename: &str, agent_prefix: &str) -> usize {
        let path = format!("/files/{filename}");
        self.shared.faults.count(|r| {
            r.method == "GET" && r.path == path && r.user_agent.starts_with(agent_prefix)
        })
    }

    /// Hold back artifact downloads whose filename contains
    /// `filename_substring` until `delay` has passed since each request
    /// arrived. The delay is read live: lowering it (or setting it to zero,
    /// which removes it) releases requests that are already waiting.
    /// `.metadata` sidecars are never delayed.
    pub fn set_delay(&self, filename_substring: &str, delay: Duration) {
        self.set_delay_for_agent(filename_substring, "", delay);
    }

    /// [`Upstream::set_delay`] for requests whose user agent starts with
    /// `ua_prefix` only. Tests that must hold secpip's worker, and not pip's
    /// resolver, use `"secpip/"`: pip before 25.3 downloads every wheel at the
    /// end of `install --dry-run`, and a delay on it would stall resolution.
    pub fn set_delay_for_agent(&self, filename_substring: &str, ua_prefix: &str, delay: Duration) {
        self.shared
            .faults
            .set_delay(filename_substring, ua_prefix, delay);
    }

    /// Serve artifacts whose filename contains `filename_substring` with every
    /// byte flipped to requests whose user agent starts with `ua_prefix`.
    /// Everyone else gets the good file, and every digest the index and the
    /// JSON API publish stays the good one.
    pub fn tamper_for_agent(&self, filename_substring: &str, ua_prefix: &str) {
        self.shared.faults.tamper(filename_substring, ua_prefix);
    }

    /// Undo every [`Upstream::tamper_for_agent`].
    pub fn clear_tampering(&self) {
        self.shared.faults.clear_tampering();
    }

    /// The published sha256 (hex) of an artifact or `.metadata` file.
    pub fn sha256_of(&self, filename: &str) -> Option<String> {
        self.shared.file(filename).map(|f| f.sha256.clone())
    }
}
