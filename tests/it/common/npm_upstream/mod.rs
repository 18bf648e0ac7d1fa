//! A loopback stand-in for the upstream npm registry.
//!
//! `secpip npm install` resolves the tree with real npm against upstream,
//! vets every `name@version` and then installs from the secure registry. Its
//! integration tests run real npm against this module instead of the
//! internet. One HTTP server on `127.0.0.1` serves:
//!
//! * packuments: `GET /{name}`, and for scoped names `GET /@scope%2fname`
//!   (what npm sends) or `GET /@scope/name`; the full document whatever the
//!   `Accept` header asks for (npm is fine with a full document where it asked
//!   for the abbreviated `application/vnd.npm.install-v1+json` one);
//! * one version's manifest: `GET /{name}/{version}` (also `/{name}/latest`);
//! * tarballs: `GET /{name}/-/{basename}-{version}.tgz`, e.g.
//!   `/@acme/ui/-/ui-1.0.0.tgz`: real npm tarballs (`package/package.json`,
//!   `package/index.js`, extra files), built in memory when the fixture starts,
//!   byte-for-byte reproducible; `dist.integrity` (`sha512-<base64>`) and
//!   `dist.shasum` (sha1 hex) in the packument are right;
//! * a download-stats API: `GET /downloads/point/last-month/{name}`
//!   → `{"downloads": N, "package": name, …}` (see [`NpmUpstream::downloads_url`]);
//! * `404 {"error":"Not found"}` for anything else.
//!
//! Every request is logged with its user agent (npm's starts with `npm/`,
//! e.g. `npm/11.19.1 node/v20.20.2 linux x64 workspaces/false`) and its
//! `Accept` header. The knobs are the PyPI fixture's ([`super::upstream`]),
//! from the same [`super::faults`]: a per-tarball delay and per-agent
//! tampering (flipped bytes while the published integrity stays the good one,
//! so npm fails with `EINTEGRITY`).
//!
//! [`NpmProject`] is the other half: a temp npm project whose npm runs with a
//! clean environment (own HOME, cache, empty user and global npmrc, no
//! inherited `npm_config_*`), so the machine's npm configuration cannot leak
//! into a test.
//!
//! The server runs on its own thread with its own single-threaded tokio
//! runtime ([`super::loopback`]), so tests stay plain `#[test]` functions.
//!
//! This file is the fixture's API; the rest lives beside it: the packages a
//! test describes (`package.rs`), the paths they live at (`paths.rs`), their
//! tarballs (`tarball.rs`), what the running server holds (`state.rs`), the
//! packuments built from it (`packument.rs`), the request dispatcher
//! (`routes.rs`) and [`NpmProject`] (`project.rs`).
#![allow(dead_code)]

mod package;
mod packument;
mod paths;
mod project;
mod routes;
mod state;
mod tarball;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;

use super::faults;
use super::loopback::{Loopback, LoopbackServer};
use routes::dispatch;
use state::Shared;

// The fixture's API, whether or not a test uses each item today.
#[allow(unused_imports)]
pub use {
    faults::Logged,
    package::{npm_iso_days_ago, NpmPackage, NpmVersion, INSTALL_SCRIPTS},
    paths::{basename, packument_path, percent_decode, tarball_file, tarball_path},
    project::NpmProject,
    tarball::{module_value, sha1_hex, sri_sha512},
};

/// A running fixture registry. Dropping it stops the server.
pub struct NpmUpstream {
    server: LoopbackServer,
    shared: Arc<Shared>,
}

impl NpmUpstream {
    /// Builds every tarball, binds `127.0.0.1:0` and serves on a background
    /// thread. Returns once the port accepts connections.
    pub fn start(packages: Vec<NpmPackage>) -> NpmUpstream {
        let loopback = Loopback::bind("npm upstream fixture");
        let shared = Arc::new(Shared::new(format!("http://{}", loopback.addr()), packages));
        let app = Router::new()
            .fallback(dispatch)
            .with_state(Arc::clone(&shared));
        let server = loopback.serve(app);
        NpmUpstream { server, shared }
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// What npm's `registry` setting wants: `http://127.0.0.1:PORT/`.
    pub fn registry_url(&self) -> String {
        format!("{}/", self.shared.base_url)
    }

    /// Download-stats template with a literal `{name}` for the client to fill:
    /// `http://127.0.0.1:PORT/downloads/point/last-month/{name}`.
    pub fn downloads_url(&self) -> String {
        format!(
            "{}/downloads/point/last-month/{{name}}",
            self.shared.base_url
        )
    }

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

    /// GET requests for a tarball whose user agent starts with
    /// `agent_prefix`. `file` is the tarball's file name
    /// (`ui-1.0.0.tgz`, see [`tarball_file`]) or any longer tail of its
    /// decoded path (`@acme/ui/-/ui-1.0.0.tgz`, to tell scopes apart).
    pub fn tarball_gets(&self, file: &str, agent_prefix: &str) -> usize {
        let tail = format!("/{}", file.trim_start_matches('/'));
        self.shared.faults.count(|r| {
            let decoded = percent_decode(&r.path);
            r.method == "GET"
                && decoded.contains("/-/")
                && decoded.ends_with(&tail)
                && r.user_agent.starts_with(agent_prefix)
        })
    }

    /// GET requests for `name`'s packument (any spelling of a scoped name)
    /// whose user agent starts with `agent_prefix`.
    pub fn packument_gets(&self, name: &str, agent_prefix: &str) -> usize {
        let wanted = format!("/{name}");
        self.shared.faults.count(|r| {
            r.method == "GET"
                && percent_decode(&r.path) == wanted
                && r.user_agent.starts_with(agent_prefix)
        })
    }

    /// Hold back tarball downloads whose decoded path
    /// (`/@acme/ui/-/ui-1.0.0.tgz`) contains `substring` until `delay` has
    /// passed since each request arrived. The delay is read live: lowering it
    /// (or setting it to zero, which removes it) releases requests that are
    /// already waiting. Packuments are never delayed.
    pub fn set_delay(&self, substring: &str, delay: Duration) {
        self.set_delay_for_agent(substring, "", delay);
    }

    /// [`NpmUpstream::set_delay`] for requests whose user agent starts with
    /// `ua_prefix` only (e.g. `"secpip/"` to hold the worker and not npm).
    pub fn set_delay_for_agent(&self, substring: &str, ua_prefix: &str, delay: Duration) {
        self.shared.faults.set_delay(substring, ua_prefix, delay);
    }

    /// Serve tarballs whose decoded path contains `substring` with every byte
    /// flipped to requests whose user agent starts with `ua_prefix`. Everyone
    /// else gets the good tarball, and the packument keeps publishing the good
    /// integrity and shasum.
    pub fn tamper_for_agent(&self, substring: &str, ua_prefix: &str) {
        self.shared.faults.tamper(substring, ua_prefix);
    }

    /// Undo every [`NpmUpstream::tamper_for_agent`].
    pub fn clear_tampering(&self) {
        self.shared.faults.clear_tampering();
    }

    /// The absolute URL the packument lists as `dist.tarball`.
    pub fn tarball_url(&self, name: &str, version: &str) -> String {
        format!("{}{}", self.shared.base_url, tarball_path(name, version))
    }

    /// `sha512-<base64>` of the good tarball.
    pub fn integrity_of(&self, name: &str, version: &str) -> String {
        self.shared.tarball(name, version).integrity.clone()
    }

    /// sha1 hex of the good tarball.
    pub fn shasum_of(&self, name: &str, version: &str) -> String {
        self.shared.tarball(name, version).shasum.clone()
    }

    /// The good tarball's bytes.
    pub fn tarball_bytes(&self, name: &str, version: &str) -> Vec<u8> {
        self.shared.tarball(name, version).bytes.clone()
    }
}
