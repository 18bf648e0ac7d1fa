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
//! `Accept` header. The knobs match the PyPI fixture ([`super::upstream`]): a
//! per-tarball delay and per-agent tampering (flipped bytes while the
//! published integrity stays the good one, so npm fails with `EINTEGRITY`).
//!
//! [`NpmProject`] is the other half: a temp npm project whose npm runs with a
//! clean environment (own HOME, cache, empty user and global npmrc, no
//! inherited `npm_config_*`), so the machine's npm configuration cannot leak
//! into a test.
//!
//! The server runs on its own thread with its own single-threaded tokio
//! runtime, so tests stay plain `#[test]` functions.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};
use sha2::{Digest, Sha512};
use tempfile::TempDir;

/// The mtime of every tarball member (npm pack uses the same instant).
const TARBALL_MTIME: u64 = 499_162_500;

/// One published version of a fixture package.
#[derive(Clone, Debug)]
pub struct NpmVersion {
    pub version: String,
    /// `dependencies` of its `package.json`, e.g. `("left-thing", "^1.2.0")`.
    pub dependencies: BTreeMap<String, String>,
    /// `scripts` of its `package.json`, e.g. `("postinstall", "node install.js")`.
    pub scripts: BTreeMap<String, String>,
    /// Extra text files in the tarball, relative to `package/`, e.g.
    /// `("install.js", "…")`. A path equal to a generated one (`index.js`,
    /// `package.json`) replaces the generated file.
    pub files: Vec<(String, String)>,
    /// ISO 8601 publish time (`time[version]`), see [`npm_iso_days_ago`].
    pub published: String,
    /// The registry's deprecation message for this version.
    pub deprecated: Option<String>,
}

impl NpmVersion {
    /// `version` with `dependencies`, no scripts or extra files, published
    /// 45 days ago.
    pub fn new(version: &str, dependencies: &[(&str, &str)]) -> NpmVersion {
        NpmVersion {
            version: version.to_string(),
            dependencies: pairs(dependencies),
            scripts: BTreeMap::new(),
            files: Vec::new(),
            published: npm_iso_days_ago(45),
            deprecated: None,
        }
    }

    /// Adds (or replaces) a lifecycle or other script.
    pub fn with_script(mut self, stage: &str, command: &str) -> NpmVersion {
        self.scripts.insert(stage.to_string(), command.to_string());
        self
    }

    /// Adds (or replaces) a file in the tarball.
    pub fn with_file(mut self, path: &str, contents: &str) -> NpmVersion {
        self.files.retain(|(p, _)| p != path);
        self.files.push((path.to_string(), contents.to_string()));
        self
    }

    pub fn published_days_ago(mut self, days: i64) -> NpmVersion {
        self.published = npm_iso_days_ago(days);
        self
    }

    pub fn deprecated(mut self, message: &str) -> NpmVersion {
        self.deprecated = Some(message.to_string());
        self
    }
}

/// A package on the fixture registry, with the reputation data the
/// packument and the downloads API report for it.
#[derive(Clone, Debug)]
pub struct NpmPackage {
    /// Plain (`left-thing`) or scoped (`@acme/ui`).
    pub name: String,
    /// Any order.
    pub versions: Vec<NpmVersion>,
    pub description: String,
    /// The packument's `repository.url`, e.g. `git+https://github.com/o/r.git`.
    pub repository: Option<String>,
    /// Maintainer user names; each gets the email `{name}@example.org`.
    pub maintainers: Vec<String>,
    pub downloads_last_month: u64,
    /// `dist-tags`; when it has no `latest`, the highest version is `latest`.
    pub dist_tags: BTreeMap<String, String>,
}

impl NpmPackage {
    /// One version, no repository, one maintainer, 40 downloads, empty
    /// description: a bare package that tests dress up field by field.
    pub fn bare(name: &str, version: NpmVersion) -> NpmPackage {
        NpmPackage {
            name: name.to_string(),
            versions: vec![version],
            description: String::new(),
            repository: None,
            maintainers: vec!["fixture-maintainer".to_string()],
            downloads_last_month: 40,
            dist_tags: BTreeMap::new(),
        }
    }

    /// A package that looks healthy to reputation rules: five versions over
    /// the last year (`0.1.0` … `0.4.0` about 345, 270, 195 and 120 days ago,
    /// then `version` about six weeks ago), a GitHub repository, two
    /// maintainers, a description and 850,000 downloads last month.
    /// `version` must be above `0.4.0`; every version has the same `deps`.
    pub fn healthy(name: &str, version: &str, deps: &[(&str, &str)]) -> NpmPackage {
        assert!(
            version_key(version) > version_key("0.4.0"),
            "NpmPackage::healthy({name}, {version}): the latest version must be above 0.4.0"
        );
        let mut versions: Vec<NpmVersion> = (1..=4)
            .map(|minor| {
                NpmVersion::new(&format!("0.{minor}.0"), deps)
                    .published_days_ago(45 + (5 - minor) * 75)
            })
            .collect();
        versions.push(NpmVersion::new(version, deps).published_days_ago(45));
        let (owner, repo) = match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
            Some((scope, base)) => (scope.to_string(), base.to_string()),
            None => (format!("{name}-dev"), name.to_string()),
        };
        NpmPackage {
            name: name.to_string(),
            versions,
            description: format!(
                "Small, well-tested {} utilities for Node.js",
                basename(name).replace('-', " ")
            ),
            repository: Some(format!("git+https://github.com/{owner}/{repo}.git")),
            maintainers: vec![format!("{owner}-lead"), format!("{owner}-bot")],
            downloads_last_month: 850_000,
            dist_tags: BTreeMap::new(),
        }
    }

    /// Adds a version (e.g. a newer one with a `postinstall`).
    pub fn with_version(mut self, version: NpmVersion) -> NpmPackage {
        self.versions.retain(|v| v.version != version.version);
        self.versions.push(version);
        self
    }

    /// Adds a script to the highest version.
    pub fn with_script(mut self, stage: &str, command: &str) -> NpmPackage {
        let i = self.highest_index();
        self.versions[i] = self.versions[i].clone().with_script(stage, command);
        self
    }

    /// Adds a file to the highest version's tarball.
    pub fn with_file(mut self, path: &str, contents: &str) -> NpmPackage {
        let i = self.highest_index();
        self.versions[i] = self.versions[i].clone().with_file(path, contents);
        self
    }

    /// What `dist-tags.latest` says.
    pub fn latest(&self) -> String {
        self.dist_tags
            .get("latest")
            .cloned()
            .unwrap_or_else(|| self.versions[self.highest_index()].version.clone())
    }

    fn highest_index(&self) -> usize {
        (0..self.versions.len())
            .max_by_key(|&i| version_key(&self.versions[i].version))
            .unwrap_or_else(|| panic!("fixture package {} has no versions", self.name))
    }
}

/// One request as the fixture saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logged {
    pub method: String,
    /// The URL path as sent, still percent-encoded and without query string,
    /// e.g. `/@acme%2fui` or `/@acme/ui/-/ui-1.0.0.tgz`.
    pub path: String,
    /// The `User-Agent` header, or `""`.
    pub user_agent: String,
    /// The `Accept` header, or `""`.
    pub accept: String,
}

/// A running fixture registry. Dropping it stops the server.
pub struct NpmUpstream {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl NpmUpstream {
    /// Builds every tarball, binds `127.0.0.1:0` and serves on a background
    /// thread. Returns once the port accepts connections.
    pub fn start(packages: Vec<NpmPackage>) -> NpmUpstream {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("bind the npm upstream fixture on 127.0.0.1:0");
        let addr = listener
            .local_addr()
            .expect("local address of the npm upstream fixture");
        listener
            .set_nonblocking(true)
            .expect("make the npm fixture listener non-blocking");
        let shared = Arc::new(Shared::new(format!("http://{addr}"), packages));
        let app = Router::new()
            .fallback(dispatch)
            .with_state(Arc::clone(&shared));
        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("npm-upstream-fixture-{}", addr.port()))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("tokio runtime for the npm upstream fixture");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)
                        .expect("register the npm fixture listener");
                    let _ = ready_tx.send(());
                    tokio::select! {
                        served = axum::serve(listener, app).into_future() => {
                            if let Err(err) = served {
                                eprintln!("npm upstream fixture on {addr} stopped: {err}");
                            }
                        }
                        _ = shutdown_rx => {}
                    }
                });
                // Requests still sleeping in a delay are dropped, not awaited.
                runtime.shutdown_background();
            })
            .expect("spawn the npm upstream fixture thread");
        ready_rx
            .recv()
            .expect("the npm upstream fixture thread died before it could serve");
        NpmUpstream {
            shared,
            addr,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        }
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
        self.addr.port()
    }

    /// Every request so far, in arrival order (logged before it is served, so
    /// a delayed request shows up while it waits).
    pub fn requests(&self) -> Vec<Logged> {
        lock(&self.shared.log).clone()
    }

    pub fn clear_log(&self) {
        lock(&self.shared.log).clear();
    }

    /// GET requests for a tarball whose user agent starts with
    /// `agent_prefix`. `file` is the tarball's file name
    /// (`ui-1.0.0.tgz`, see [`tarball_file`]) or any longer tail of its
    /// decoded path (`@acme/ui/-/ui-1.0.0.tgz`, to tell scopes apart).
    pub fn tarball_gets(&self, file: &str, agent_prefix: &str) -> usize {
        let tail = format!("/{}", file.trim_start_matches('/'));
        lock(&self.shared.log)
            .iter()
            .filter(|r| {
                let decoded = percent_decode(&r.path);
                r.method == "GET"
                    && decoded.contains("/-/")
                    && decoded.ends_with(&tail)
                    && r.user_agent.starts_with(agent_prefix)
            })
            .count()
    }

    /// GET requests for `name`'s packument (any spelling of a scoped name)
    /// whose user agent starts with `agent_prefix`.
    pub fn packument_gets(&self, name: &str, agent_prefix: &str) -> usize {
        let wanted = format!("/{name}");
        lock(&self.shared.log)
            .iter()
            .filter(|r| {
                r.method == "GET"
                    && percent_decode(&r.path) == wanted
                    && r.user_agent.starts_with(agent_prefix)
            })
            .count()
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
        let mut delays = lock(&self.shared.delays);
        delays.retain(|d| !(d.pattern == substring && d.ua_prefix == ua_prefix));
        if !delay.is_zero() {
            delays.push(Delay {
                pattern: substring.to_string(),
                ua_prefix: ua_prefix.to_string(),
                delay,
            });
        }
    }

    /// Serve tarballs whose decoded path contains `substring` with every byte
    /// flipped to requests whose user agent starts with `ua_prefix`. Everyone
    /// else gets the good tarball, and the packument keeps publishing the good
    /// integrity and shasum.
    pub fn tamper_for_agent(&self, substring: &str, ua_prefix: &str) {
        lock(&self.shared.tampers).push((substring.to_string(), ua_prefix.to_string()));
    }

    /// Undo every [`NpmUpstream::tamper_for_agent`].
    pub fn clear_tampering(&self) {
        lock(&self.shared.tampers).clear();
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

impl Drop for NpmUpstream {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The part of a package name after its scope: `@acme/ui` → `ui`.
pub fn basename(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// `ui-1.0.0.tgz` for `@acme/ui@1.0.0`.
pub fn tarball_file(name: &str, version: &str) -> String {
    format!("{}-{version}.tgz", basename(name))
}

/// `/@acme/ui/-/ui-1.0.0.tgz` (the layout of the public registry).
pub fn tarball_path(name: &str, version: &str) -> String {
    format!("/{name}/-/{}", tarball_file(name, version))
}

/// The path npm requests a packument at: `/@acme%2fui`, `/left-thing`.
pub fn packument_path(name: &str) -> String {
    format!("/{}", name.replacen('/', "%2f", 1))
}

/// What `require(name)` returns for a fixture package: `"<name>@<version>"`.
pub fn module_value(name: &str, version: &str) -> String {
    format!("{name}@{version}")
}

/// Now minus `days`, as the registry writes times (`2026-10-01T12:00:00.123Z`).
pub fn npm_iso_days_ago(days: i64) -> String {
    let at = time::OffsetDateTime::now_utc() - time::Duration::days(days);
    at.format(time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    ))
    .expect("format an ISO 8601 time")
}

/// Lifecycle scripts npm runs on install (the registry's `hasInstallScript`).
pub const INSTALL_SCRIPTS: [&str; 3] = ["preinstall", "install", "postinstall"];

fn pairs(items: &[(&str, &str)]) -> BTreeMap<String, String> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Orders `1.10.0 > 1.9.2 > 1.9.2-beta.1`; enough for fixture versions.
fn version_key(version: &str) -> (Vec<u64>, bool, String) {
    let (release, pre) = match version.split_once('-') {
        Some((release, pre)) => (release, pre),
        None => (version, ""),
    };
    let numbers = release
        .split('.')
        .map(|part| part.parse::<u64>().unwrap_or(0))
        .collect();
    (numbers, pre.is_empty(), pre.to_string())
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked while holding a lock must not hide its own failure
    // behind a poisoned-lock panic in the server.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Decodes `%XX` escapes (e.g. `%2f`, `%40`); anything malformed stays as is.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------
// Digests (sha1 and base64 are small enough to carry here)
// ---------------------------------------------------------------------------

/// SHA-1 (FIPS 180-4), only for the registry's legacy `shasum` field.
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&((data.len() as u64).wrapping_mul(8)).to_be_bytes());
    for block in message.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (word, bytes) in w.iter_mut().zip(block.chunks_exact(4)) {
            *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
        for t in 16..80 {
            w[t] = (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (t, &word) in w.iter().enumerate() {
            let (f, k) = match t {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let next = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(word);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = next;
        }
        for (state, value) in h.iter_mut().zip([a, b, c, d, e]) {
            *state = state.wrapping_add(value);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// Standard base64 with `=` padding (what Subresource Integrity uses).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `sha512-<base64>` of `bytes`.
pub fn sri_sha512(bytes: &[u8]) -> String {
    format!("sha512-{}", base64(&Sha512::digest(bytes)))
}

/// sha1 hex of `bytes`.
pub fn sha1_hex(bytes: &[u8]) -> String {
    hex::encode(sha1(bytes))
}

// ---------------------------------------------------------------------------
// Tarballs, built in memory
// ---------------------------------------------------------------------------

fn repository_json(package: &NpmPackage) -> Value {
    match &package.repository {
        Some(url) => json!({ "type": "git", "url": url }),
        None => Value::Null,
    }
}

/// The `package.json` inside the tarball.
fn package_json(package: &NpmPackage, version: &NpmVersion) -> Value {
    let mut doc = json!({
        "name": package.name,
        "version": version.version,
        "description": package.description,
        "main": "index.js",
        "license": "MIT",
        "dependencies": version.dependencies,
        "scripts": version.scripts,
    });
    if package.repository.is_some() {
        doc["repository"] = repository_json(package);
    }
    doc
}

/// A gzip'd tar with everything under `package/`, fixed mtimes and modes,
/// so the same package always yields the same bytes.
fn build_tarball(package: &NpmPackage, version: &NpmVersion) -> (Vec<u8>, usize, usize) {
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "package.json".to_string(),
            serde_json::to_vec_pretty(&package_json(package, version))
                .expect("serialize package.json"),
        ),
        (
            "index.js".to_string(),
            format!(
                "module.exports = {};\n",
                serde_json::to_string(&module_value(&package.name, &version.version))
                    .expect("quote the module value")
            )
            .into_bytes(),
        ),
    ];
    for (path, contents) in &version.files {
        files.retain(|(p, _)| p != path);
        files.push((path.clone(), contents.clone().into_bytes()));
    }
    let unpacked_size = files.iter().map(|(_, bytes)| bytes.len()).sum();
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut archive = tar::Builder::new(encoder);
    for (path, bytes) in &files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(TARBALL_MTIME);
        header.set_entry_type(tar::EntryType::Regular);
        archive
            .append_data(&mut header, format!("package/{path}"), bytes.as_slice())
            .expect("append a tarball member");
    }
    let bytes = archive
        .into_inner()
        .expect("finish the tarball's tar")
        .finish()
        .expect("finish the tarball's gzip");
    (bytes, files.len(), unpacked_size)
}

// ---------------------------------------------------------------------------
// Server state
// ---------------------------------------------------------------------------

struct Tarball {
    bytes: Vec<u8>,
    integrity: String,
    shasum: String,
    file_count: usize,
    unpacked_size: usize,
}

struct Delay {
    pattern: String,
    /// `""` matches every agent.
    ua_prefix: String,
    delay: Duration,
}

struct Shared {
    base_url: String,
    /// Keyed by exact name.
    packages: BTreeMap<String, NpmPackage>,
    /// Keyed by decoded tarball path without the leading `/`
    /// (`@acme/ui/-/ui-1.0.0.tgz`).
    tarballs: BTreeMap<String, Tarball>,
    log: Mutex<Vec<Logged>>,
    delays: Mutex<Vec<Delay>>,
    tampers: Mutex<Vec<(String, String)>>,
}

impl Shared {
    fn new(base_url: String, packages: Vec<NpmPackage>) -> Shared {
        let mut by_name = BTreeMap::new();
        let mut tarballs = BTreeMap::new();
        for mut package in packages {
            assert!(
                !package.versions.is_empty(),
                "fixture package {} has no versions",
                package.name
            );
            package.versions.sort_by_key(|v| version_key(&v.version));
            for version in &package.versions {
                let (bytes, file_count, unpacked_size) = build_tarball(&package, version);
                let key = tarball_path(&package.name, &version.version)[1..].to_string();
                let tarball = Tarball {
                    integrity: sri_sha512(&bytes),
                    shasum: sha1_hex(&bytes),
                    bytes,
                    file_count,
                    unpacked_size,
                };
                assert!(
                    tarballs.insert(key.clone(), tarball).is_none(),
                    "two fixture tarballs live at /{key}"
                );
            }
            let name = package.name.clone();
            assert!(
                by_name.insert(name.clone(), package).is_none(),
                "two fixture packages are named {name}"
            );
        }
        Shared {
            base_url,
            packages: by_name,
            tarballs,
            log: Mutex::new(Vec::new()),
            delays: Mutex::new(Vec::new()),
            tampers: Mutex::new(Vec::new()),
        }
    }

    #[track_caller]
    fn tarball(&self, name: &str, version: &str) -> &Tarball {
        let key = &tarball_path(name, version)[1..];
        self.tarballs
            .get(key)
            .unwrap_or_else(|| panic!("the npm fixture has no {name}@{version}"))
    }

    fn delay_for(&self, path: &str, user_agent: &str) -> Duration {
        lock(&self.delays)
            .iter()
            .filter(|d| path.contains(d.pattern.as_str()) && user_agent.starts_with(&d.ua_prefix))
            .map(|d| d.delay)
            .max()
            .unwrap_or(Duration::ZERO)
    }

    fn tampered_for(&self, path: &str, user_agent: &str) -> bool {
        lock(&self.tampers).iter().any(|(pattern, prefix)| {
            path.contains(pattern.as_str()) && user_agent.starts_with(prefix.as_str())
        })
    }

    /// `versions[v]` of the packument (also served at `/{name}/{version}`).
    fn version_json(&self, package: &NpmPackage, version: &NpmVersion) -> Value {
        let tarball = self.tarball(&package.name, &version.version);
        let mut doc = package_json(package, version);
        doc["_id"] = json!(format!("{}@{}", package.name, version.version));
        doc["maintainers"] = self.maintainers_json(package);
        if let Some(publisher) = package.maintainers.first() {
            // The registry records the account that published the version.
            doc["_npmUser"] =
                json!({ "name": publisher, "email": format!("{publisher}@example.org") });
        }
        doc["dist"] = json!({
            "tarball": format!("{}{}", self.base_url, tarball_path(&package.name, &version.version)),
            "integrity": tarball.integrity,
            "shasum": tarball.shasum,
            "fileCount": tarball.file_count,
            "unpackedSize": tarball.unpacked_size,
        });
        if INSTALL_SCRIPTS
            .iter()
            .any(|stage| version.scripts.contains_key(*stage))
        {
            doc["hasInstallScript"] = json!(true);
        }
        if let Some(message) = &version.deprecated {
            doc["deprecated"] = json!(message);
        }
        doc
    }

    fn maintainers_json(&self, package: &NpmPackage) -> Value {
        package
            .maintainers
            .iter()
            .map(|name| json!({ "name": name, "email": format!("{name}@example.org") }))
            .collect()
    }

    fn packument(&self, package: &NpmPackage) -> Value {
        let mut dist_tags = package.dist_tags.clone();
        dist_tags
            .entry("latest".to_string())
            .or_insert_with(|| package.latest());
        let versions: serde_json::Map<String, Value> = package
            .versions
            .iter()
            .map(|v| (v.version.clone(), self.version_json(package, v)))
            .collect();
        let mut times: serde_json::Map<String, Value> = serde_json::Map::new();
        let published = package.versions.iter().map(|v| v.published.as_str());
        times.insert("created".into(), json!(published.clone().min()));
        times.insert("modified".into(), json!(published.max()));
        for version in &package.versions {
            times.insert(version.version.clone(), json!(version.published));
        }
        let mut doc = json!({
            "_id": package.name,
            "name": package.name,
            "description": package.description,
            "dist-tags": dist_tags,
            "versions": versions,
            "time": times,
            "maintainers": self.maintainers_json(package),
            "license": "MIT",
            "readme": format!("# {}\n\n{}\n", package.name, package.description),
        });
        if package.repository.is_some() {
            doc["repository"] = repository_json(package);
        }
        doc
    }
}

// ---------------------------------------------------------------------------
// Routes (one dispatcher: scoped names put a `/` or a `%2f` in the path)
// ---------------------------------------------------------------------------

type AppState = Arc<Shared>;

async fn dispatch(State(shared): State<AppState>, request: Request) -> Response {
    let raw_path = request.uri().path().to_string();
    let headers = request.headers();
    let agent = header_text(headers, header::USER_AGENT);
    lock(&shared.log).push(Logged {
        method: request.method().to_string(),
        path: raw_path.clone(),
        user_agent: agent.clone(),
        accept: header_text(headers, header::ACCEPT),
    });
    if request.method() != axum::http::Method::GET && request.method() != axum::http::Method::HEAD {
        return not_found();
    }
    let path = percent_decode(raw_path.trim_start_matches('/'));
    if let Some(name) = path.strip_prefix("downloads/point/last-month/") {
        return downloads(&shared, name);
    }
    if path.contains("/-/") {
        return tarball(&shared, &path, &agent).await;
    }
    if let Some(package) = shared.packages.get(&path) {
        return json_response(shared.packument(package));
    }
    // `/{name}/{version}` or `/{name}/{dist-tag}`.
    if let Some((name, wanted)) = path.rsplit_once('/') {
        if let Some(package) = shared.packages.get(name) {
            let version = package
                .dist_tags
                .get(wanted)
                .cloned()
                .or_else(|| (wanted == "latest").then(|| package.latest()))
                .unwrap_or_else(|| wanted.to_string());
            if let Some(found) = package.versions.iter().find(|v| v.version == version) {
                return json_response(shared.version_json(package, found));
            }
        }
    }
    not_found()
}

async fn tarball(shared: &Shared, path: &str, agent: &str) -> Response {
    let Some(found) = shared.tarballs.get(path) else {
        return not_found();
    };
    let logged_path = format!("/{path}");
    let arrived = Instant::now();
    loop {
        let delay = shared.delay_for(&logged_path, agent);
        let waited = arrived.elapsed();
        if waited >= delay {
            break;
        }
        tokio::time::sleep((delay - waited).min(Duration::from_millis(50))).await;
    }
    let mut bytes = found.bytes.clone();
    if shared.tampered_for(&logged_path, agent) {
        bytes.iter_mut().for_each(|b| *b = !*b);
    }
    (
        [(header::CONTENT_TYPE, "application/octet-stream")],
        Body::from(bytes),
    )
        .into_response()
}

fn downloads(shared: &Shared, name: &str) -> Response {
    let Some(package) = shared.packages.get(name) else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "application/json")],
            format!(r#"{{"error":"package {name} not found"}}"#),
        )
            .into_response();
    };
    let day = |days: i64| npm_iso_days_ago(days)[..10].to_string();
    json_response(json!({
        "downloads": package.downloads_last_month,
        "start": day(30),
        "end": day(1),
        "package": package.name,
    }))
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> String {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"error":"Not found"}"#,
    )
        .into_response()
}

fn json_response(value: Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string(&value).expect("serialize fixture JSON"),
    )
        .into_response()
}

// ---------------------------------------------------------------------------
// A project that runs real npm in a clean environment
// ---------------------------------------------------------------------------

/// A temp npm project (`package.json`, optionally `package-lock.json`) with
/// its own HOME, npm cache and empty user and global npmrc.
pub struct NpmProject {
    root: TempDir,
    /// The project directory (holds `package.json`, `node_modules/`).
    pub dir: PathBuf,
    pub home: PathBuf,
    pub cache: PathBuf,
    pub userconfig: PathBuf,
    pub globalconfig: PathBuf,
    /// The `registry` npm is pointed at.
    pub registry: String,
}

impl NpmProject {
    /// A project depending on `dependencies` (`("@acme/ui", "^1.0.0")`),
    /// whose npm uses `registry` (e.g. [`NpmUpstream::registry_url`]).
    pub fn new(registry: &str, dependencies: &[(&str, &str)]) -> NpmProject {
        let root = tempfile::Builder::new()
            .prefix("secpip-npm-test-")
            .tempdir()
            .expect("create the npm project's temp dir");
        let dir = |name: &str| {
            let path = root.path().join(name);
            std::fs::create_dir_all(&path)
                .unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
            path
        };
        let project = NpmProject {
            dir: dir("project"),
            home: dir("home"),
            cache: dir("npm-cache"),
            userconfig: root.path().join("user.npmrc"),
            globalconfig: root.path().join("global.npmrc"),
            registry: registry.to_string(),
            root,
        };
        for config in [&project.userconfig, &project.globalconfig] {
            std::fs::write(config, "")
                .unwrap_or_else(|e| panic!("write {}: {e}", config.display()));
        }
        project.write_package_json(dependencies);
        project
    }

    /// The same, plus `package-lock.json` with `lockfile` as its contents.
    pub fn with_lockfile(
        registry: &str,
        dependencies: &[(&str, &str)],
        lockfile: &str,
    ) -> NpmProject {
        let project = NpmProject::new(registry, dependencies);
        project.write_lockfile(lockfile);
        project
    }

    /// The temp dir that holds the project, HOME, the cache and the npmrcs.
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// Rewrites `package.json` with these dependencies.
    pub fn write_package_json(&self, dependencies: &[(&str, &str)]) {
        let doc = json!({
            "name": "secpip-npm-fixture-project",
            "version": "1.0.0",
            "private": true,
            "dependencies": pairs(dependencies),
        });
        let path = self.dir.join("package.json");
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&doc).expect("serialize package.json"),
        )
        .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    pub fn write_lockfile(&self, contents: &str) {
        let path = self.lockfile_path();
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    pub fn lockfile_path(&self) -> PathBuf {
        self.dir.join("package-lock.json")
    }

    /// `package-lock.json` parsed, if npm wrote one.
    pub fn lockfile(&self) -> Option<Value> {
        let text = std::fs::read_to_string(self.lockfile_path()).ok()?;
        Some(serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!("package-lock.json is not JSON ({e}):\n{text}");
        }))
    }

    /// Clears `cmd`'s environment and gives it PATH plus this project's npm
    /// settings: HOME, `npm_config_cache`, `npm_config_userconfig` and
    /// `npm_config_globalconfig` (empty files), `npm_config_registry`, no
    /// audit, fund, update notifier or progress bar, no fetch retries (a
    /// loopback registry either answers or the test should fail fast). No
    /// `npm_config_*`, proxy or `NODE_*` variable of the parent gets through.
    pub fn apply_env<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("npm_config_cache", &self.cache)
            .env("npm_config_userconfig", &self.userconfig)
            .env("npm_config_globalconfig", &self.globalconfig)
            .env("npm_config_registry", &self.registry)
            .env("npm_config_audit", "false")
            .env("npm_config_fund", "false")
            .env("npm_config_update_notifier", "false")
            .env("npm_config_progress", "false")
            .env("npm_config_fetch_retries", "0")
            .env("NO_COLOR", "1")
    }

    /// `npm <args>` in the project directory, with [`NpmProject::apply_env`].
    pub fn npm(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("npm");
        cmd.args(args).current_dir(&self.dir);
        self.apply_env(&mut cmd);
        cmd
    }

    /// `node <args>` in the project directory, same environment.
    pub fn node(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("node");
        cmd.args(args).current_dir(&self.dir);
        self.apply_env(&mut cmd);
        cmd
    }

    /// `version` of `node_modules/<name>/package.json`, if installed.
    pub fn installed_version(&self, name: &str) -> Option<String> {
        let path = self
            .dir
            .join("node_modules")
            .join(name)
            .join("package.json");
        let text = std::fs::read_to_string(path).ok()?;
        let doc: Value = serde_json::from_str(&text).ok()?;
        doc["version"].as_str().map(str::to_string)
    }
}
