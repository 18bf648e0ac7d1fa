//! Proves the loopback npm registry (`tests/it/common/npm_upstream/`) is good
//! enough for real npm: lock-only resolution, installs, lifecycle scripts and
//! integrity failures all behave as they do against the public registry.
//! Every npm runs through [`NpmProject`], with its own HOME, cache and empty
//! npmrc files, so nothing of the machine's npm configuration leaks in.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::npm_upstream::{
    module_value, packument_path, tarball_file, tarball_path, NpmPackage, NpmProject, NpmUpstream,
};
use crate::common::{run, Ran};
use serde_json::Value;

const PAD: (&str, &str) = ("quillmoth-pad", "1.4.2");
const STRINGS: (&str, &str) = ("brindle-strings", "2.1.0");
const DIALS: (&str, &str) = ("@larkspur/dials", "3.0.1");
const HOOKS: (&str, &str) = ("thistle-hooks", "1.0.0");
const MARROW: (&str, &str) = ("marrowfield", "1.0.0");

/// `thistle-hooks`' postinstall: leaves a marker in the directory npm was
/// started in (npm exports it to scripts as `INIT_CWD`).
const INSTALL_JS: &str = r#"const fs = require("fs");
const path = require("path");
const marker = path.join(process.env.INIT_CWD || process.cwd(), "thistle-hooks.postinstall-ran");
fs.writeFileSync(marker, require("./package.json").version + "\n");
"#;
const MARKER: &str = "thistle-hooks.postinstall-ran";

fn fixture() -> NpmUpstream {
    NpmUpstream::start(vec![
        NpmPackage::healthy(PAD.0, PAD.1, &[]),
        NpmPackage::healthy(STRINGS.0, STRINGS.1, &[(PAD.0, "^1.2.0")]),
        NpmPackage::healthy(DIALS.0, DIALS.1, &[]),
        NpmPackage::healthy(HOOKS.0, HOOKS.1, &[])
            .with_script("postinstall", "node install.js")
            .with_file("install.js", INSTALL_JS),
        NpmPackage::healthy(MARROW.0, MARROW.1, &[]),
    ])
}

#[track_caller]
fn assert_ok(ran: &Ran) {
    assert!(ran.status.success(), "command failed\n{}", ran.describe());
}

/// `require(name)` in the project, printed by node.
#[track_caller]
fn required_value(project: &NpmProject, name: &str) -> String {
    let ran = run(&mut project.node(&["-e", &format!("console.log(require({name:?}))")]));
    assert_ok(&ran);
    ran.stdout.trim().to_string()
}

#[test]
fn lock_only_resolution_points_every_entry_at_the_fixture() {
    let started = Instant::now();
    let upstream = fixture();
    let project = NpmProject::new(
        &upstream.registry_url(),
        &[(STRINGS.0, "^2.0.0"), (DIALS.0, "^3.0.0")],
    );

    let ran = run(&mut project.npm(&["install", "--package-lock-only", "--ignore-scripts"]));
    assert_ok(&ran);

    let lock = project.lockfile().expect("npm wrote package-lock.json");
    let packages = lock["packages"]
        .as_object()
        .unwrap_or_else(|| panic!("no `packages` in the lockfile: {lock:#}"));
    let mut keys: Vec<&str> = packages.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "",
            "node_modules/@larkspur/dials",
            "node_modules/brindle-strings",
            "node_modules/quillmoth-pad",
        ],
        "the lockfile should hold the root, both direct deps and the transitive one: {lock:#}"
    );
    for (name, version) in [PAD, STRINGS, DIALS] {
        let entry = &packages[&format!("node_modules/{name}")];
        assert_eq!(entry["version"], version, "{name} in {entry:#}");
        assert_eq!(
            entry["resolved"],
            upstream.tarball_url(name, version).as_str(),
            "{name}'s `resolved` should be the fixture's tarball URL"
        );
        assert_eq!(
            entry["integrity"],
            upstream.integrity_of(name, version).as_str(),
            "{name}'s `integrity`"
        );
    }
    assert_eq!(
        packages["node_modules/brindle-strings"]["dependencies"][PAD.0],
        "^1.2.0"
    );

    // Resolution reads packuments only: no tarball, nothing installed.
    let requests = upstream.requests();
    assert!(
        requests.iter().all(|r| !r.path.contains("/-/")),
        "lock-only resolution downloaded a tarball: {requests:#?}"
    );
    assert!(!project.dir.join("node_modules").exists());
    for (name, _) in [PAD, STRINGS, DIALS] {
        assert_eq!(
            upstream.packument_gets(name, "npm/"),
            1,
            "npm (agent `npm/…`) should fetch {name}'s packument once: {requests:#?}"
        );
    }
    let scoped: Vec<(&str, &str)> = requests
        .iter()
        .filter(|r| r.path.contains("larkspur"))
        .map(|r| (r.path.as_str(), r.accept.as_str()))
        .collect();
    eprintln!(
        "npm agent: {:?}\nscoped packument requests (path, accept): {scoped:?}\nin {:?}",
        requests[0].user_agent,
        started.elapsed()
    );
}

#[test]
fn npm_installs_from_the_fixture_and_require_sees_the_version() {
    let started = Instant::now();
    let upstream = fixture();
    let project = NpmProject::new(
        &upstream.registry_url(),
        &[(STRINGS.0, "^2.0.0"), (DIALS.0, "^3.0.0")],
    );

    assert_ok(&run(&mut project.npm(&["install"])));

    for (name, version) in [PAD, STRINGS, DIALS] {
        assert_eq!(
            project.installed_version(name).as_deref(),
            Some(version),
            "{name} in node_modules"
        );
        assert_eq!(required_value(&project, name), module_value(name, version));
        assert_eq!(
            upstream.tarball_gets(&tarball_file(name, version), "npm/"),
            1,
            "npm should download {name}'s tarball once: {:#?}",
            upstream.requests()
        );
    }
    assert_eq!(
        upstream.tarball_gets(&tarball_path(DIALS.0, DIALS.1), "npm/"),
        1,
        "the scoped tarball is fetched at its scoped path"
    );
    assert_eq!(
        upstream.tarball_gets(&tarball_file(HOOKS.0, HOOKS.1), ""),
        0
    );
    assert_eq!(project.installed_version(HOOKS.0), None);

    // A second project with only the lockfile: `npm ci` installs the same tree.
    let lockfile = std::fs::read_to_string(project.lockfile_path()).expect("read the lockfile");
    let again = NpmProject::with_lockfile(
        &upstream.registry_url(),
        &[(STRINGS.0, "^2.0.0"), (DIALS.0, "^3.0.0")],
        &lockfile,
    );
    upstream.clear_log();
    assert_ok(&run(&mut again.npm(&["ci"])));
    for (name, version) in [PAD, STRINGS, DIALS] {
        assert_eq!(again.installed_version(name).as_deref(), Some(version));
        assert_eq!(
            upstream.tarball_gets(&tarball_file(name, version), "npm/"),
            1
        );
    }
    let paths: Vec<String> = upstream.requests().into_iter().map(|r| r.path).collect();
    eprintln!(
        "npm ci from the lockfile requested {paths:?}; both installs took {:?}",
        started.elapsed()
    );
}

#[test]
fn postinstall_runs_only_without_ignore_scripts() {
    let started = Instant::now();
    let upstream = fixture();
    let deps = [(HOOKS.0, "^1.0.0")];

    let skipped = NpmProject::new(&upstream.registry_url(), &deps);
    assert_ok(&run(&mut skipped.npm(&["install", "--ignore-scripts"])));
    assert_eq!(skipped.installed_version(HOOKS.0).as_deref(), Some(HOOKS.1));
    assert!(
        skipped
            .dir
            .join("node_modules")
            .join(HOOKS.0)
            .join("install.js")
            .is_file(),
        "the tarball's extra file is installed"
    );
    assert!(
        !skipped.dir.join(MARKER).exists(),
        "--ignore-scripts still ran the postinstall"
    );
    let lock = skipped.lockfile().expect("npm wrote package-lock.json");
    assert_eq!(
        lock["packages"]["node_modules/thistle-hooks"]["hasInstallScript"], true,
        "npm records the install script in the lockfile: {lock:#}"
    );

    let ran_scripts = NpmProject::new(&upstream.registry_url(), &deps);
    let ran = run(&mut ran_scripts.npm(&["install"]));
    assert_ok(&ran);
    let marker = std::fs::read_to_string(ran_scripts.dir.join(MARKER)).unwrap_or_else(|e| {
        panic!(
            "the postinstall should have left {MARKER} ({e})\n{}",
            ran.describe()
        )
    });
    assert_eq!(marker.trim(), HOOKS.1);
    eprintln!("both installs took {:?}", started.elapsed());
}

#[test]
fn tampered_tarball_makes_npm_fail_with_eintegrity() {
    let started = Instant::now();
    let upstream = fixture();
    let deps = [(MARROW.0, "^1.0.0")];
    upstream.tamper_for_agent(&tarball_file(MARROW.0, MARROW.1), "npm/");

    let project = NpmProject::new(&upstream.registry_url(), &deps);
    let ran = run(&mut project.npm(&["install"]));
    assert!(
        !ran.status.success(),
        "npm accepted a tampered tarball\n{}",
        ran.describe()
    );
    // npm 11 prints `code EINTEGRITY` and `… integrity checksum failed when
    // using sha512: wanted <published> but got <actual>`.
    let output = format!("{}{}", ran.stdout, ran.stderr);
    let good = upstream.integrity_of(MARROW.0, MARROW.1);
    assert!(
        output.contains("EINTEGRITY") && output.contains(&format!("wanted {good}")),
        "npm should fail with EINTEGRITY against the published {good}\n{}",
        ran.describe()
    );
    assert_eq!(project.installed_version(MARROW.0), None);
    let tries = upstream.tarball_gets(&tarball_file(MARROW.0, MARROW.1), "npm/");
    assert!(tries >= 1, "npm never fetched the tarball");

    // Control: the same install succeeds once the tampering stops.
    upstream.clear_tampering();
    let control = NpmProject::new(&upstream.registry_url(), &deps);
    assert_ok(&run(&mut control.npm(&["install"])));
    assert_eq!(
        control.installed_version(MARROW.0).as_deref(),
        Some(MARROW.1)
    );
    eprintln!(
        "npm fetched the tampered tarball {tries} times; both installs took {:?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------
// The routes themselves, over plain HTTP
// ---------------------------------------------------------------------------

struct Reply {
    status: u16,
    body: Vec<u8>,
}

impl Reply {
    #[track_caller]
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// A bare HTTP/1.0 GET (the server closes the connection after the body).
fn get(upstream: &NpmUpstream, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut stream =
        TcpStream::connect(("127.0.0.1", upstream.port())).expect("connect to the fixture");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("set a read timeout");
    let mut request = format!(
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{}\r\n",
        upstream.port()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .expect("send the request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "unexpected chunked reply to HTTP/1.0: {head}"
    );
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("bad status line in {head}"));
    Reply {
        status,
        body: raw[split + 4..].to_vec(),
    }
}

/// sha1 hex and `sha512-<base64>` of a file, computed by node's crypto (an
/// implementation independent of the fixture's).
fn node_digests(project: &NpmProject, file: &Path) -> (String, String) {
    let script =
        "const c = require('crypto'); const b = require('fs').readFileSync(process.argv[1]); \
                  console.log(c.createHash('sha1').update(b).digest('hex')); \
                  console.log('sha512-' + c.createHash('sha512').update(b).digest('base64'));";
    let ran = run(&mut project.node(&["-e", script, &file.to_string_lossy()]));
    assert_ok(&ran);
    let mut lines = ran.stdout.lines().map(str::to_string);
    (
        lines.next().unwrap_or_default(),
        lines.next().unwrap_or_default(),
    )
}

#[test]
fn routes_serve_packuments_tarballs_and_downloads_as_documented() {
    let upstream = fixture();
    let (dials, dials_version) = DIALS;

    // Scoped packument: every spelling and both Accept headers give one document.
    let canonical = get(&upstream, &packument_path(dials), &[]);
    assert_eq!(canonical.status, 200);
    for (path, accept) in [
        ("/@larkspur%2Fdials", "application/json"),
        ("/@larkspur/dials", "application/json"),
        (
            "/@larkspur%2fdials",
            "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*",
        ),
    ] {
        let other = get(&upstream, path, &[("Accept", accept)]);
        assert_eq!(other.status, 200, "{path}");
        assert_eq!(
            other.json(),
            canonical.json(),
            "{path} with Accept {accept}"
        );
    }
    let doc = canonical.json();
    assert_eq!(doc["name"], dials);
    assert_eq!(doc["dist-tags"]["latest"], dials_version);
    let version = &doc["versions"][dials_version];
    assert_eq!(
        version["dist"]["tarball"],
        upstream.tarball_url(dials, dials_version).as_str()
    );
    assert_eq!(
        version["repository"]["url"],
        "git+https://github.com/larkspur/dials.git"
    );
    assert_eq!(doc["repository"]["url"], version["repository"]["url"]);
    assert_eq!(doc["versions"].as_object().map(|v| v.len()), Some(5));
    assert!(doc["time"][dials_version]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    assert!(doc["time"]["created"].as_str() < doc["time"]["modified"].as_str());
    assert!(doc["maintainers"].as_array().is_some_and(|m| !m.is_empty()));
    assert!(doc["description"].as_str().is_some_and(|d| !d.is_empty()));
    assert!(version.get("deprecated").is_none());

    // Lifecycle scripts are visible in the packument.
    let hooks = get(&upstream, "/thistle-hooks", &[]).json();
    assert_eq!(
        hooks["versions"][HOOKS.1]["scripts"]["postinstall"],
        "node install.js"
    );
    assert_eq!(hooks["versions"][HOOKS.1]["hasInstallScript"], true);
    assert!(hooks["versions"]["0.4.0"].get("hasInstallScript").is_none());

    // One version's manifest, by version and by dist-tag.
    let manifest = get(&upstream, "/brindle-strings/2.1.0", &[]).json();
    assert_eq!(manifest["dependencies"][PAD.0], "^1.2.0");
    assert_eq!(
        get(&upstream, "/brindle-strings/latest", &[]).json(),
        manifest
    );

    // The tarball's published digests are right (checked by node's crypto).
    let project = NpmProject::new(&upstream.registry_url(), &[]);
    let tgz = get(
        &upstream,
        &tarball_path(dials, dials_version),
        &[("User-Agent", "secpip/0.1.0")],
    );
    assert_eq!(tgz.status, 200);
    assert_eq!(tgz.body, upstream.tarball_bytes(dials, dials_version));
    let file = project.root().join("dials.tgz");
    std::fs::write(&file, &tgz.body).expect("write the tarball");
    let (sha1, sri) = node_digests(&project, &file);
    assert_eq!(version["dist"]["shasum"], sha1.as_str());
    assert_eq!(version["dist"]["integrity"], sri.as_str());
    assert_eq!(sri, upstream.integrity_of(dials, dials_version));
    // Built twice, byte for byte the same.
    assert_eq!(fixture().tarball_bytes(dials, dials_version), tgz.body);

    // Tampering hits one agent only.
    let pad_path = tarball_path(PAD.0, PAD.1);
    let good = upstream.tarball_bytes(PAD.0, PAD.1);
    upstream.tamper_for_agent(&tarball_file(PAD.0, PAD.1), "npm/");
    let flipped: Vec<u8> = good.iter().map(|b| !b).collect();
    assert_eq!(
        get(
            &upstream,
            &pad_path,
            &[("User-Agent", "npm/11.0.0 node/v20")]
        )
        .body,
        flipped
    );
    assert_eq!(
        get(&upstream, &pad_path, &[("User-Agent", "secpip/0.1.0")]).body,
        good
    );
    upstream.clear_tampering();
    assert_eq!(
        get(
            &upstream,
            &pad_path,
            &[("User-Agent", "npm/11.0.0 node/v20")]
        )
        .body,
        good
    );

    // Delays hold one agent only, and packuments never.
    upstream.set_delay_for_agent(PAD.0, "slow/", Duration::from_millis(400));
    let t = Instant::now();
    get(&upstream, &pad_path, &[("User-Agent", "slow/1")]);
    assert!(
        t.elapsed() >= Duration::from_millis(400),
        "the delay did not hold"
    );
    let t = Instant::now();
    get(&upstream, &pad_path, &[("User-Agent", "fast/1")]);
    get(&upstream, "/quillmoth-pad", &[("User-Agent", "slow/1")]);
    assert!(
        t.elapsed() < Duration::from_millis(400),
        "the delay hit another agent or a packument"
    );
    upstream.set_delay(PAD.0, Duration::ZERO);

    // Downloads API, plain and scoped.
    let downloads = get(
        &upstream,
        "/downloads/point/last-month/brindle-strings",
        &[],
    )
    .json();
    assert_eq!(downloads["downloads"], 850_000);
    assert_eq!(downloads["package"], "brindle-strings");
    for path in [
        "/downloads/point/last-month/@larkspur/dials",
        "/downloads/point/last-month/@larkspur%2fdials",
    ] {
        assert_eq!(get(&upstream, path, &[]).json()["package"], dials, "{path}");
    }
    assert_eq!(
        upstream.downloads_url().replace("{name}", "quillmoth-pad"),
        format!(
            "{}/downloads/point/last-month/quillmoth-pad",
            upstream.url()
        )
    );

    // Unknown names.
    for path in [
        "/no-such-package",
        "/@larkspur%2fnope",
        "/quillmoth-pad/-/quillmoth-pad-9.9.9.tgz",
        "/quillmoth-pad/9.9.9",
    ] {
        let missing = get(&upstream, path, &[]);
        assert_eq!(missing.status, 404, "{path}");
        assert_eq!(
            missing.json(),
            serde_json::json!({"error": "Not found"}),
            "{path}"
        );
    }
    assert_eq!(
        get(
            &upstream,
            "/downloads/point/last-month/no-such-package",
            &[]
        )
        .status,
        404
    );

    // The log saw all of it, with agents and Accept headers.
    let log = upstream.requests();
    assert!(log.iter().any(|r| r.path == "/@larkspur%2fdials"
        && r.accept.starts_with("application/vnd.npm.install-v1+json")));
    assert_eq!(
        upstream.tarball_gets(&tarball_file(PAD.0, PAD.1), "npm/"),
        2
    );
    assert_eq!(upstream.tarball_gets(&tarball_file(PAD.0, PAD.1), ""), 5);
    upstream.clear_log();
    assert!(upstream.requests().is_empty());
    assert!(upstream.url().starts_with("http://127.0.0.1:") && !upstream.url().ends_with('/'));
    assert_eq!(upstream.registry_url(), format!("{}/", upstream.url()));
}
