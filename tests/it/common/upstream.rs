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
//! runtime, so tests stay plain `#[test]` functions and the fixture can also
//! be driven from an example binary (`examples/upstream_fixture.rs`).
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::future::IntoFuture;
use std::io::{Cursor, Write};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// What a release ships: a pure-Python wheel or a source distribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArtifactKind {
    /// `{dist}-{version}-py3-none-any.whl`, with a PEP 658 metadata sidecar.
    Wheel,
    /// `{dist}-{version}.tar.gz`, built by pip through an in-tree backend.
    Sdist,
}

/// One release of a fixture project; it ships exactly one artifact.
#[derive(Clone, Debug)]
pub struct FixtureVersion {
    pub version: String,
    /// PEP 508 `Requires-Dist` lines, e.g. `beta-gadget>=1`.
    pub deps: Vec<String>,
    /// ISO 8601 upload time, e.g. `2026-10-01T12:00:00.000000Z`
    /// (see [`iso_days_ago`]).
    pub upload_time: String,
    pub kind: ArtifactKind,
}

/// A project on the fixture index, with the reputation data the other APIs
/// report for it.
#[derive(Clone, Debug)]
pub struct FixturePackage {
    pub name: String,
    /// Any order; the highest version is the project's latest.
    pub versions: Vec<FixtureVersion>,
    pub summary: String,
    /// `(owner, repo)`: becomes the project's `Source` URL and is answered
    /// by the GitHub API route.
    pub github: Option<(String, String)>,
    pub downloads_last_month: u64,
    pub stars: u64,
    /// Account names the JSON API lists under `ownership.roles`.
    pub owners: Vec<String>,
    /// Extra `(path, text)` files shipped in every artifact (e.g. a payload
    /// for the content scan).
    pub extra_files: Vec<(String, String)>,
}

impl FixturePackage {
    /// A project that looks healthy to reputation rules: five releases (four
    /// older `0.N.0` wheels, then `version` about six weeks ago, the first
    /// about 18 months ago), a GitHub source repository with 2,400 stars and
    /// 850,000 downloads last month. `version` must be above `0.4.0`; every
    /// release carries the same `deps`.
    pub fn healthy(name: &str, version: &str, deps: &[&str]) -> FixturePackage {
        assert!(
            version_key(version) > version_key("0.4.0"),
            "FixturePackage::healthy({name}, {version}): the latest version must be above 0.4.0"
        );
        let deps: Vec<String> = deps.iter().map(|d| d.to_string()).collect();
        let mut versions: Vec<FixtureVersion> = (1..=4)
            .map(|minor| FixtureVersion {
                version: format!("0.{minor}.0"),
                deps: deps.clone(),
                upload_time: iso_days_ago(45 + (5 - minor) * 120),
                kind: ArtifactKind::Wheel,
            })
            .collect();
        versions.push(FixtureVersion {
            version: version.to_string(),
            deps,
            upload_time: iso_days_ago(45),
            kind: ArtifactKind::Wheel,
        });
        FixturePackage {
            name: name.to_string(),
            versions,
            summary: format!(
                "Reliable {} helpers for everyday Python projects",
                name.replace('-', " ")
            ),
            github: Some((format!("{}-dev", normalize(name)), normalize(name))),
            downloads_last_month: 850_000,
            stars: 2_400,
            owners: vec![format!("{}-owner", normalize(name))],
            extra_files: Vec::new(),
        }
    }

    /// The same project with its latest release shipped as `kind`.
    pub fn with_latest_kind(mut self, kind: ArtifactKind) -> FixturePackage {
        let latest = self.latest_index();
        self.versions[latest].kind = kind;
        self
    }

    /// Filename of the artifact that `version` ships.
    pub fn filename(&self, version: &str) -> String {
        let release = self
            .versions
            .iter()
            .find(|v| v.version == version)
            .unwrap_or_else(|| panic!("{} has no version {version}", self.name));
        artifact_filename(&self.name, &release.version, release.kind)
    }

    fn latest_index(&self) -> usize {
        (0..self.versions.len())
            .max_by_key(|&i| version_key(&self.versions[i].version))
            .unwrap_or_else(|| panic!("fixture package {} has no versions", self.name))
    }
}

/// One request as the fixture saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logged {
    pub method: String,
    /// The URL path without query string, e.g. `/files/x-1.0-py3-none-any.whl`.
    pub path: String,
    /// The `User-Agent` header, or `""` when absent.
    pub user_agent: String,
}

/// A running fixture index. Dropping it stops the server.
pub struct Upstream {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Upstream {
    /// Builds every artifact, binds `127.0.0.1:0` and serves on a background
    /// thread. Returns once the port accepts connections.
    pub fn start(packages: Vec<FixturePackage>) -> Upstream {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("bind the upstream fixture on 127.0.0.1:0");
        let addr = listener
            .local_addr()
            .expect("local address of the upstream fixture");
        listener
            .set_nonblocking(true)
            .expect("make the upstream fixture listener non-blocking");
        let shared = Arc::new(Shared::new(format!("http://{addr}"), packages));
        let app = router(Arc::clone(&shared));
        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("upstream-fixture-{}", addr.port()))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("tokio runtime for the upstream fixture");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)
                        .expect("register the fixture listener");
                    let _ = ready_tx.send(());
                    tokio::select! {
                        served = axum::serve(listener, app).into_future() => {
                            if let Err(err) = served {
                                eprintln!("upstream fixture on {addr} stopped: {err}");
                            }
                        }
                        _ = shutdown_rx => {}
                    }
                });
                // Requests still sleeping in a delay are dropped, not awaited.
                runtime.shutdown_background();
            })
            .expect("spawn the upstream fixture thread");
        ready_rx
            .recv()
            .expect("the upstream fixture thread died before it could serve");
        Upstream {
            shared,
            addr,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        }
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

    /// Requests for `/files/{filename}` (the artifact, not its `.metadata`)
    /// whose user agent starts with `agent_prefix`.
    pub fn artifact_gets(&self, filename: &str, agent_prefix: &str) -> usize {
        let path = format!("/files/{filename}");
        lock(&self.shared.log)
            .iter()
            .filter(|r| {
                r.method == "GET" && r.path == path && r.user_agent.starts_with(agent_prefix)
            })
            .count()
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
        let mut delays = lock(&self.shared.delays);
        delays.retain(|d| !(d.pattern == filename_substring && d.ua_prefix == ua_prefix));
        if !delay.is_zero() {
            delays.push(Delay {
                pattern: filename_substring.to_string(),
                ua_prefix: ua_prefix.to_string(),
                delay,
            });
        }
    }

    /// Serve artifacts whose filename contains `filename_substring` with every
    /// byte flipped to requests whose user agent starts with `ua_prefix`.
    /// Everyone else gets the good file, and every digest the index and the
    /// JSON API publish stays the good one.
    pub fn tamper_for_agent(&self, filename_substring: &str, ua_prefix: &str) {
        lock(&self.shared.tampers).push((filename_substring.to_string(), ua_prefix.to_string()));
    }

    /// Undo every [`Upstream::tamper_for_agent`].
    pub fn clear_tampering(&self) {
        lock(&self.shared.tampers).clear();
    }

    /// The published sha256 (hex) of an artifact or `.metadata` file.
    pub fn sha256_of(&self, filename: &str) -> Option<String> {
        self.shared.file(filename).map(|f| f.sha256.clone())
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// PEP 503 normalized project name: lowercase, runs of `-`, `_`, `.` → `-`.
pub fn normalize(name: &str) -> String {
    collapse_separators(name, '-')
}

/// Wheel/sdist filename component of a project name: runs of `-`, `_`, `.`
/// → `_`, lowercase.
pub fn dist_name(name: &str) -> String {
    collapse_separators(name, '_')
}

/// The importable module each fixture project ships (same as [`dist_name`]).
pub fn module_name(name: &str) -> String {
    dist_name(name)
}

/// `{dist}-{version}-py3-none-any.whl`
pub fn wheel_filename(name: &str, version: &str) -> String {
    format!("{}-{version}-py3-none-any.whl", dist_name(name))
}

/// `{dist}-{version}.tar.gz`
pub fn sdist_filename(name: &str, version: &str) -> String {
    format!("{}-{version}.tar.gz", dist_name(name))
}

fn artifact_filename(name: &str, version: &str, kind: ArtifactKind) -> String {
    match kind {
        ArtifactKind::Wheel => wheel_filename(name, version),
        ArtifactKind::Sdist => sdist_filename(name, version),
    }
}

/// Now minus `days`, as the JSON API writes upload times
/// (`2026-10-01T12:00:00.123456Z`).
pub fn iso_days_ago(days: i64) -> String {
    let at = time::OffsetDateTime::now_utc() - time::Duration::days(days);
    at.format(time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    ))
    .expect("format an ISO 8601 time")
}

fn collapse_separators(name: &str, sep: char) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push(sep);
            }
            in_run = true;
        } else {
            out.push(c.to_ascii_lowercase());
            in_run = false;
        }
    }
    out
}

/// Orders versions like `2.10.0 > 2.9.1`; enough for fixture versions
/// (dot-separated integers, anything else compares as text after them).
fn version_key(version: &str) -> Vec<(u64, String)> {
    version
        .split('.')
        .map(|part| match part.parse::<u64>() {
            Ok(n) => (n, String::new()),
            Err(_) => (0, part.to_string()),
        })
        .collect()
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked while holding a lock must not hide its own failure
    // behind a poisoned-lock panic in the server.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

// ---------------------------------------------------------------------------
// Artifacts, built in memory
// ---------------------------------------------------------------------------

/// A file the fixture serves under `/files/`.
struct ServedFile {
    bytes: Vec<u8>,
    sha256: String,
}

/// A release's artifact plus what the index and the JSON API say about it.
struct Release {
    version: String,
    deps: Vec<String>,
    upload_time: String,
    kind: ArtifactKind,
    filename: String,
    /// sha256 of the PEP 658 sidecar (`{filename}.metadata`), wheels only.
    metadata_sha256: Option<String>,
}

struct Project {
    package: FixturePackage,
    /// Ascending by version.
    releases: Vec<Release>,
}

impl Project {
    fn latest(&self) -> &Release {
        self.releases
            .last()
            .expect("a project has at least one release")
    }
}

/// `METADATA` / `PKG-INFO` (core metadata 2.1).
fn core_metadata(package: &FixturePackage, release: &FixtureVersion) -> String {
    let mut text = format!(
        "Metadata-Version: 2.1\nName: {}\nVersion: {}\nSummary: {}\n",
        package.name, release.version, package.summary
    );
    if let Some((owner, repo)) = &package.github {
        text.push_str(&format!(
            "Home-page: https://github.com/{owner}/{repo}\nProject-URL: Source, https://github.com/{owner}/{repo}\n"
        ));
    }
    text.push_str("Author: Fixture Maintainers\nLicense: MIT\nRequires-Python: >=3.8\n");
    for dep in &release.deps {
        text.push_str(&format!("Requires-Dist: {dep}\n"));
    }
    text
}

fn module_source(package: &FixturePackage, version: &str) -> String {
    format!("VALUE = \"{} {version}\"\n", package.name)
}

const WHEEL_FILE: &str =
    "Wheel-Version: 1.0\nGenerator: secpip-fixture\nRoot-Is-Purelib: true\nTag: py3-none-any\n";

/// RECORD hash: `sha256=` + urlsafe base64 without padding.
fn record_hash(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let digest = Sha256::digest(bytes);
    let mut out = String::from("sha256=");
    for chunk in digest.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// A `py3-none-any` wheel with the package module, METADATA, WHEEL and a
/// RECORD whose hashes and sizes are right.
fn build_wheel(package: &FixturePackage, release: &FixtureVersion, metadata: &str) -> Vec<u8> {
    let module = module_name(&package.name);
    let dist_info = format!("{}-{}.dist-info", dist_name(&package.name), release.version);
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            format!("{module}/__init__.py"),
            module_source(package, &release.version).into_bytes(),
        ),
        (
            format!("{dist_info}/METADATA"),
            metadata.as_bytes().to_vec(),
        ),
        (format!("{dist_info}/WHEEL"), WHEEL_FILE.as_bytes().to_vec()),
    ];
    files.extend(
        package
            .extra_files
            .iter()
            .map(|(path, text)| (path.clone(), text.as_bytes().to_vec())),
    );
    let mut record = String::new();
    for (path, bytes) in &files {
        record.push_str(&format!("{path},{},{}\n", record_hash(bytes), bytes.len()));
    }
    record.push_str(&format!("{dist_info}/RECORD,,\n"));
    files.push((format!("{dist_info}/RECORD"), record.into_bytes()));

    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (path, bytes) in &files {
        zip.start_file(path.as_str(), options)
            .expect("start a wheel member");
        zip.write_all(bytes).expect("write a wheel member");
    }
    zip.finish().expect("finish the wheel").into_inner()
}

/// The in-tree PEP 517 backend shipped in every fixture sdist: standard
/// library only, so pip builds it in an isolated environment without
/// fetching anything.
fn backend_py(package: &FixturePackage, version: &str) -> String {
    let header = format!(
        "\"\"\"In-tree PEP 517 backend of a secpip test fixture (standard library only).\"\"\"\n\n\
         import base64\nimport hashlib\nimport os\nimport tarfile\nimport zipfile\n\n\
         DIST = {:?}\nVERSION = {:?}\nMODULE = {:?}\n",
        dist_name(&package.name),
        version,
        module_name(&package.name),
    );
    header + BACKEND_BODY
}

const BACKEND_BODY: &str = r#"HERE = os.path.dirname(os.path.abspath(__file__))
DIST_INFO = DIST + "-" + VERSION + ".dist-info"
WHEEL = "Wheel-Version: 1.0\nGenerator: secpip-fixture-backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
SDIST_FILES = ["pyproject.toml", "backend.py", "PKG-INFO", MODULE + "/__init__.py"]


def _read(relative):
    with open(os.path.join(HERE, relative), "rb") as handle:
        return handle.read()


def _record_hash(data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    target = os.path.join(metadata_directory, DIST_INFO)
    os.makedirs(target, exist_ok=True)
    with open(os.path.join(target, "METADATA"), "wb") as handle:
        handle.write(_read("PKG-INFO"))
    with open(os.path.join(target, "WHEEL"), "w", encoding="utf-8") as handle:
        handle.write(WHEEL)
    return DIST_INFO


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    files = [
        (MODULE + "/__init__.py", _read(MODULE + "/__init__.py")),
        (DIST_INFO + "/METADATA", _read("PKG-INFO")),
        (DIST_INFO + "/WHEEL", WHEEL.encode("utf-8")),
    ]
    record = "".join(
        "%s,%s,%d\n" % (name, _record_hash(data), len(data)) for name, data in files
    )
    record += DIST_INFO + "/RECORD,,\n"
    files.append((DIST_INFO + "/RECORD", record.encode("utf-8")))
    filename = DIST + "-" + VERSION + "-py3-none-any.whl"
    path = os.path.join(wheel_directory, filename)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return filename


def build_sdist(sdist_directory, config_settings=None):
    base = DIST + "-" + VERSION
    path = os.path.join(sdist_directory, base + ".tar.gz")
    with tarfile.open(path, "w:gz") as archive:
        for relative in SDIST_FILES:
            archive.add(os.path.join(HERE, relative), arcname=base + "/" + relative)
    return base + ".tar.gz"
"#;

const PYPROJECT_TOML: &str =
    "[build-system]\nrequires = []\nbuild-backend = \"backend\"\nbackend-path = [\".\"]\n";

/// A `.tar.gz` sdist: `pyproject.toml` naming the in-tree backend,
/// `backend.py`, `PKG-INFO` and the package module, under `{dist}-{version}/`.
fn build_sdist(package: &FixturePackage, release: &FixtureVersion, metadata: &str) -> Vec<u8> {
    let module = module_name(&package.name);
    let root = format!("{}-{}", dist_name(&package.name), release.version);
    let files: Vec<(String, Vec<u8>)> = vec![
        (
            "pyproject.toml".to_string(),
            PYPROJECT_TOML.as_bytes().to_vec(),
        ),
        (
            "backend.py".to_string(),
            backend_py(package, &release.version).into_bytes(),
        ),
        ("PKG-INFO".to_string(), metadata.as_bytes().to_vec()),
        (
            format!("{module}/__init__.py"),
            module_source(package, &release.version).into_bytes(),
        ),
    ];
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut archive = tar::Builder::new(encoder);
    for (path, bytes) in &files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_700_000_000);
        header.set_entry_type(tar::EntryType::Regular);
        archive
            .append_data(&mut header, format!("{root}/{path}"), bytes.as_slice())
            .expect("append an sdist member");
    }
    archive
        .into_inner()
        .expect("finish the sdist tar")
        .finish()
        .expect("finish the sdist gzip")
}

// ---------------------------------------------------------------------------
// Server state
// ---------------------------------------------------------------------------

struct Delay {
    pattern: String,
    /// `""` matches every agent.
    ua_prefix: String,
    delay: Duration,
}

struct Shared {
    base_url: String,
    /// Keyed by normalized name.
    projects: BTreeMap<String, Project>,
    /// Keyed by filename; includes the `.metadata` sidecars.
    files: HashMap<String, ServedFile>,
    log: Mutex<Vec<Logged>>,
    delays: Mutex<Vec<Delay>>,
    tampers: Mutex<Vec<(String, String)>>,
    /// OSV records served by the `/osv` API.
    advisories: Mutex<Vec<serde_json::Value>>,
}

impl Shared {
    fn new(base_url: String, packages: Vec<FixturePackage>) -> Shared {
        let mut projects = BTreeMap::new();
        let mut files = HashMap::new();
        for package in packages {
            let mut ordered = package.versions.clone();
            ordered.sort_by_key(|v| version_key(&v.version));
            let mut releases = Vec::new();
            for release in &ordered {
                let metadata = core_metadata(&package, release);
                let filename = artifact_filename(&package.name, &release.version, release.kind);
                let (bytes, metadata_sha256) = match release.kind {
                    ArtifactKind::Wheel => {
                        let sidecar = metadata.clone().into_bytes();
                        let sidecar_sha = sha256_hex(&sidecar);
                        files.insert(
                            format!("{filename}.metadata"),
                            ServedFile {
                                bytes: sidecar,
                                sha256: sidecar_sha.clone(),
                            },
                        );
                        (build_wheel(&package, release, &metadata), Some(sidecar_sha))
                    }
                    ArtifactKind::Sdist => (build_sdist(&package, release, &metadata), None),
                };
                let sha256 = sha256_hex(&bytes);
                let previous = files.insert(filename.clone(), ServedFile { bytes, sha256 });
                assert!(
                    previous.is_none(),
                    "two fixture artifacts are named {filename}"
                );
                releases.push(Release {
                    version: release.version.clone(),
                    deps: release.deps.clone(),
                    upload_time: release.upload_time.clone(),
                    kind: release.kind,
                    filename,
                    metadata_sha256,
                });
            }
            assert!(
                !releases.is_empty(),
                "fixture package {} has no versions",
                package.name
            );
            let key = normalize(&package.name);
            let previous = projects.insert(key.clone(), Project { package, releases });
            assert!(
                previous.is_none(),
                "two fixture packages normalize to {key}"
            );
        }
        Shared {
            base_url,
            projects,
            files,
            log: Mutex::new(Vec::new()),
            delays: Mutex::new(Vec::new()),
            tampers: Mutex::new(Vec::new()),
            advisories: Mutex::new(Vec::new()),
        }
    }

    fn project(&self, name: &str) -> Option<&Project> {
        self.projects.get(&normalize(name))
    }

    fn file(&self, filename: &str) -> Option<&ServedFile> {
        self.files.get(filename)
    }

    fn delay_for(&self, filename: &str, user_agent: &str) -> Duration {
        lock(&self.delays)
            .iter()
            .filter(|d| {
                filename.contains(d.pattern.as_str())
                    && user_agent.starts_with(d.ua_prefix.as_str())
            })
            .map(|d| d.delay)
            .max()
            .unwrap_or(Duration::ZERO)
    }

    fn tampered_for(&self, filename: &str, user_agent: &str) -> bool {
        lock(&self.tampers).iter().any(|(pattern, prefix)| {
            filename.contains(pattern.as_str()) && user_agent.starts_with(prefix.as_str())
        })
    }

    fn file_json(&self, release: &Release) -> Value {
        let file = &self.files[&release.filename];
        let (packagetype, python_version) = match release.kind {
            ArtifactKind::Wheel => ("bdist_wheel", "py3"),
            ArtifactKind::Sdist => ("sdist", "source"),
        };
        json!({
            "comment_text": "",
            "digests": { "sha256": file.sha256 },
            "downloads": -1,
            "filename": release.filename,
            "has_sig": false,
            "packagetype": packagetype,
            "python_version": python_version,
            "requires_python": ">=3.8",
            "size": file.bytes.len(),
            "upload_time": release.upload_time.get(..19).unwrap_or(&release.upload_time),
            "upload_time_iso_8601": release.upload_time,
            "url": format!("{}/files/{}", self.base_url, release.filename),
            "yanked": false,
            "yanked_reason": null,
        })
    }

    fn info_json(&self, project: &Project, release: &Release) -> Value {
        let package = &project.package;
        let source = package
            .github
            .as_ref()
            .map(|(owner, repo)| format!("https://github.com/{owner}/{repo}"));
        let project_urls = source
            .as_ref()
            .map(|url| json!({ "Homepage": url, "Source": url }))
            .unwrap_or(Value::Null);
        let requires_dist = if release.deps.is_empty() {
            Value::Null
        } else {
            json!(release.deps)
        };
        let project_url = format!("{}/project/{}/", self.base_url, normalize(&package.name));
        json!({
            "author": "Fixture Maintainers",
            "author_email": "maintainers@example.org",
            "classifiers": [
                "License :: OSI Approved :: MIT License",
                "Programming Language :: Python :: 3",
            ],
            "description": format!(
                "# {}\n\n{}.\n\nInstall it with `pip install {}` and import `{}`.\n",
                package.name, package.summary, package.name, module_name(&package.name)
            ),
            "description_content_type": "text/markdown",
            "home_page": source.clone().unwrap_or_default(),
            "keywords": "",
            "license": "MIT",
            "maintainer": "Fixture Maintainers",
            "maintainer_email": "maintainers@example.org",
            "name": package.name,
            "package_url": project_url,
            "project_url": project_url,
            "project_urls": project_urls,
            "release_url": format!("{project_url}{}/", release.version),
            "requires_dist": requires_dist,
            "requires_python": ">=3.8",
            "summary": package.summary,
            "version": release.version,
            "yanked": false,
            "yanked_reason": null,
        })
    }
}

// ---------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------

type AppState = Arc<Shared>;

/// Does an OSV record list `name@version` (by its explicit `versions`)?
fn osv_affects(record: &serde_json::Value, name: &str, version: &str) -> bool {
    record["affected"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|a| {
            normalize(a["package"]["name"].as_str().unwrap_or("")) == normalize(name)
                && a["versions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|v| v.as_str() == Some(version))
        })
}

async fn osv_querybatch(State(shared): State<AppState>, body: axum::body::Bytes) -> Response {
    let query: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    let records = lock(&shared.advisories).clone();
    let results: Vec<serde_json::Value> = query["queries"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|q| {
            let name = q["package"]["name"].as_str().unwrap_or("");
            let version = q["version"].as_str().unwrap_or("");
            let vulns: Vec<serde_json::Value> = records
                .iter()
                .filter(|r| osv_affects(r, name, version))
                .map(|r| serde_json::json!({"id": r["id"], "modified": r["modified"]}))
                .collect();
            if vulns.is_empty() {
                serde_json::json!({})
            } else {
                serde_json::json!({ "vulns": vulns })
            }
        })
        .collect();
    (
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::json!({ "results": results }).to_string(),
    )
        .into_response()
}

async fn osv_vuln(State(shared): State<AppState>, Path(id): Path<String>) -> Response {
    match lock(&shared.advisories)
        .iter()
        .find(|r| r["id"] == id.as_str())
    {
        Some(r) => ([(header::CONTENT_TYPE, "application/json")], r.to_string()).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            "{\"code\":5,\"message\":\"Bug not found.\"}",
        )
            .into_response(),
    }
}

fn router(shared: AppState) -> Router {
    Router::new()
        .route("/simple/", get(simple_root))
        .route("/simple/{project}/", get(simple_project))
        .route("/files/{filename}", get(files))
        .route("/pypi/{name}/json", get(project_json))
        .route("/pypi/{name}/{version}/json", get(release_json))
        .route("/stats/{name}", get(stats))
        .route("/github/repos/{owner}/{repo}", get(github_repo))
        .route("/osv/v1/querybatch", axum::routing::post(osv_querybatch))
        .route("/osv/v1/vulns/{id}", get(osv_vuln))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&shared),
            log_request,
        ))
        .with_state(shared)
}

async fn log_request(State(shared): State<AppState>, request: Request, next: Next) -> Response {
    lock(&shared.log).push(Logged {
        method: request.method().to_string(),
        path: request.uri().path().to_string(),
        user_agent: user_agent(request.headers()),
    });
    next.run(request).await
}

fn user_agent(headers: &HeaderMap) -> String {
    headers
        .get(header::USER_AGENT)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default()
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found\n").into_response()
}

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

fn json_response(value: Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string_pretty(&value).expect("serialize fixture JSON"),
    )
        .into_response()
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn simple_root(State(shared): State<AppState>) -> Response {
    let mut body = String::from(
        "<!DOCTYPE html>\n<html>\n<head><meta name=\"pypi:repository-version\" content=\"1.0\"><title>Simple index</title></head>\n<body>\n",
    );
    for key in shared.projects.keys() {
        body.push_str(&format!("<a href=\"/simple/{key}/\">{key}</a><br/>\n"));
    }
    body.push_str("</body>\n</html>\n");
    html(body)
}

async fn simple_project(State(shared): State<AppState>, Path(project): Path<String>) -> Response {
    let Some(found) = shared.project(&project) else {
        return not_found().await;
    };
    let title = escape_html(&found.package.name);
    let mut body = format!(
        "<!DOCTYPE html>\n<html>\n<head><meta name=\"pypi:repository-version\" content=\"1.0\"><title>Links for {title}</title></head>\n<body>\n<h1>Links for {title}</h1>\n"
    );
    for release in &found.releases {
        let file = &shared.files[&release.filename];
        let metadata_attrs = release
            .metadata_sha256
            .as_ref()
            .map(|sha| {
                format!(
                    " data-dist-info-metadata=\"sha256={sha}\" data-core-metadata=\"sha256={sha}\""
                )
            })
            .unwrap_or_default();
        body.push_str(&format!(
            "<a href=\"/files/{name}#sha256={sha}\" data-requires-python=\"&gt;=3.8\"{metadata_attrs}>{name}</a><br/>\n",
            name = release.filename,
            sha = file.sha256,
        ));
    }
    body.push_str("</body>\n</html>\n");
    html(body)
}

async fn files(
    State(shared): State<AppState>,
    Path(filename): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(file) = shared.file(&filename) else {
        return not_found().await;
    };
    let is_sidecar = filename.ends_with(".metadata");
    let agent = user_agent(&headers);
    let mut bytes = file.bytes.clone();
    if !is_sidecar {
        let arrived = Instant::now();
        loop {
            let delay = shared.delay_for(&filename, &agent);
            let waited = arrived.elapsed();
            if waited >= delay {
                break;
            }
            tokio::time::sleep((delay - waited).min(Duration::from_millis(50))).await;
        }
        if shared.tampered_for(&filename, &agent) {
            bytes.iter_mut().for_each(|b| *b = !*b);
        }
    }
    let content_type = if is_sidecar {
        "text/plain; charset=utf-8"
    } else {
        "application/octet-stream"
    };
    ([(header::CONTENT_TYPE, content_type)], Body::from(bytes)).into_response()
}

async fn project_json(State(shared): State<AppState>, Path(name): Path<String>) -> Response {
    let Some(project) = shared.project(&name) else {
        return not_found().await;
    };
    let latest = project.latest();
    let releases: serde_json::Map<String, Value> = project
        .releases
        .iter()
        .map(|r| (r.version.clone(), json!([shared.file_json(r)])))
        .collect();
    let roles: Vec<Value> = project
        .package
        .owners
        .iter()
        .map(|user| json!({ "role": "Owner", "user": user }))
        .collect();
    json_response(json!({
        "info": shared.info_json(project, latest),
        "last_serial": 1,
        "ownership": { "organization": null, "roles": roles },
        "releases": releases,
        "urls": [shared.file_json(latest)],
        "vulnerabilities": [],
    }))
}

async fn release_json(
    State(shared): State<AppState>,
    Path((name, version)): Path<(String, String)>,
) -> Response {
    let Some(project) = shared.project(&name) else {
        return not_found().await;
    };
    let Some(release) = project.releases.iter().find(|r| r.version == version) else {
        return not_found().await;
    };
    json_response(json!({
        "info": shared.info_json(project, release),
        "last_serial": 1,
        "urls": [shared.file_json(release)],
        "vulnerabilities": [],
    }))
}

async fn stats(State(shared): State<AppState>, Path(name): Path<String>) -> Response {
    let Some(project) = shared.project(&name) else {
        return not_found().await;
    };
    let month = project.package.downloads_last_month;
    json_response(json!({
        "data": { "last_day": month / 30, "last_week": month / 4, "last_month": month },
        "package": normalize(&project.package.name),
        "type": "recent_downloads",
    }))
}

async fn github_repo(
    State(shared): State<AppState>,
    Path((owner, repo)): Path<(String, String)>,
) -> Response {
    let found = shared.projects.values().find_map(|p| {
        let (o, r) = p.package.github.as_ref()?;
        (o.eq_ignore_ascii_case(&owner) && r.eq_ignore_ascii_case(&repo)).then_some(p)
    });
    let Some(project) = found else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"message":"Not Found","status":"404"}"#,
        )
            .into_response();
    };
    let (o, r) = project
        .package
        .github
        .as_ref()
        .expect("found by its GitHub repository");
    let first = &project.releases[0];
    let latest = project.latest();
    json_response(json!({
        "id": 1,
        "name": r,
        "full_name": format!("{o}/{r}"),
        "html_url": format!("https://github.com/{o}/{r}"),
        "description": project.package.summary,
        "fork": false,
        "archived": false,
        "disabled": false,
        "stargazers_count": project.package.stars,
        "watchers_count": project.package.stars,
        "forks_count": project.package.stars / 10,
        "open_issues_count": 7,
        "created_at": first.upload_time,
        "pushed_at": latest.upload_time,
        "updated_at": latest.upload_time,
    }))
}
