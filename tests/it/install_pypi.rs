//! `secpip install` end to end: the real binary, real pip in throwaway
//! venvs, the real SQLite store, and a loopback upstream index
//! (`common::upstream`). Nothing here reaches the internet.
//!
//! Each test owns its `Upstream` and its `TestContext`, so the tests can run
//! in parallel threads.

use std::time::{Duration, Instant};

use crate::common::upstream::{wheel_filename, FixturePackage, Logged, Upstream};
use crate::common::{Ran, Running, TestContext, RUN_TIMEOUT};
use serde_json::Value;

const ALPHA: (&str, &str) = ("alpha-widget", "2.1.0");
const BETA: (&str, &str) = ("beta-gadget", "1.3.0");

/// Two healthy projects (neither name is near a popular one): `alpha-widget`
/// 2.1.0 requires `beta-gadget>=1`, `beta-gadget` 1.3.0 requires nothing.
fn alpha_and_beta() -> Vec<FixturePackage> {
    vec![
        FixturePackage::healthy(ALPHA.0, ALPHA.1, &["beta-gadget>=1"]),
        FixturePackage::healthy(BETA.0, BETA.1, &[]),
    ]
}

fn install(ctx: &TestContext, args: &[&str]) -> Ran {
    let mut full = vec!["install"];
    full.extend_from_slice(args);
    crate::common::run(&mut ctx.secpip(&full))
}

fn status_of(row: &Value) -> &str {
    row["status"].as_str().unwrap_or("<no status>")
}

fn scan_count(row: &Value) -> u64 {
    row["scan_count"]
        .as_u64()
        .unwrap_or_else(|| panic!("row has no numeric scan_count: {row:#}"))
}

fn assert_row(ctx: &TestContext, (name, version): (&str, &str), status: &str, scans: u64) -> Value {
    let row = ctx.expect_row(name, version);
    assert_eq!(
        status_of(&row),
        status,
        "status of {name}@{version}: {row:#}"
    );
    assert_eq!(
        scan_count(&row),
        scans,
        "scan_count of {name}@{version}: {row:#}"
    );
    row
}

/// GETs of any `/files/…` path by secpip's worker.
fn secpip_file_gets(log: &[Logged]) -> Vec<&Logged> {
    log.iter()
        .filter(|r| {
            r.method == "GET"
                && r.path.starts_with("/files/")
                && r.user_agent.starts_with("secpip/")
        })
        .collect()
}

fn show_log(log: &[Logged]) -> String {
    log.iter()
        .map(|r| {
            let agent: String = r.user_agent.chars().take(24).collect();
            format!("  {} {} [{agent}]", r.method, r.path)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn clean_package_and_dependency_install_from_secure_repo() {
    let upstream = Upstream::start(alpha_and_beta());
    let ctx = TestContext::new(&upstream);

    let ran = install(&ctx, &[ALPHA.0]);
    ran.assert_code(0);

    for ((name, version), module) in [(ALPHA, "alpha_widget"), (BETA, "beta_gadget")] {
        let value = ctx.import_value(&ctx.venv, module).unwrap_or_else(|e| {
            panic!(
                "{module} is not importable after install\n{}\n{}",
                e.describe(),
                ran.describe()
            )
        });
        assert_eq!(value, format!("{name} {version}"));
        let row = assert_row(&ctx, (name, version), "SECURE", 1);
        assert_eq!(
            row["risk"], "Green",
            "a healthy fixture should be Green: {row:#}"
        );
    }

    let log = upstream.requests();
    // Resolution went to upstream with pip's own resolver…
    assert!(
        log.iter()
            .any(|r| r.path.ends_with(".whl.metadata") && r.user_agent.starts_with("pip/")),
        "pip's resolver never read upstream metadata:\n{}",
        show_log(&log)
    );
    // …then secpip's worker vetted the files, and the pip that installed
    // never came back to upstream: after the worker's first download, every
    // request upstream saw is secpip's own. (pip's resolver may itself fetch
    // wheels during `--dry-run`: pip < 25.3 does so even with PEP 658
    // metadata; those bytes are never installed.)
    let first_worker = log
        .iter()
        .position(|r| r.user_agent.starts_with("secpip/") && r.path.starts_with("/files/"))
        .unwrap_or_else(|| {
            panic!(
                "secpip's worker never reached upstream:\n{}",
                show_log(&log)
            )
        });
    let late_pip: Vec<&Logged> = log[first_worker..]
        .iter()
        .filter(|r| !r.user_agent.starts_with("secpip/"))
        .collect();
    assert!(
        late_pip.is_empty(),
        "something other than secpip's worker reached upstream after resolution, \
         so the install did not come from the secure repository only:\n{late_pip:#?}\nfull log:\n{}",
        show_log(&log)
    );
    for (name, version) in [ALPHA, BETA] {
        let wheel = wheel_filename(name, version);
        assert!(
            upstream.artifact_gets(&wheel, "secpip/") >= 1,
            "secpip's worker never downloaded {wheel}:\n{}",
            show_log(&log)
        );
    }
}

#[test]
fn typosquat_of_popular_package_is_blocked() {
    let upstream = Upstream::start(vec![FixturePackage::healthy("reqeusts", "2.31.0", &[])]);
    let ctx = TestContext::new(&upstream);

    let ran = install(&ctx, &["reqeusts"]);
    ran.assert_code(3);
    let stderr = ran.stderr.to_lowercase();
    for needle in ["reqeusts", "did you mean", "requests"] {
        assert!(
            stderr.contains(needle),
            "stderr should mention {needle:?}\n{}",
            ran.describe()
        );
    }

    assert!(
        !ctx.venv_has("reqeusts"),
        "a blocked package was installed\n{}",
        ran.describe()
    );
    let row = ctx.expect_row("reqeusts", "2.31.0");
    assert_eq!(status_of(&row), "BLOCK", "{row:#}");
    let codes: Vec<&str> = row["reasons"]
        .as_array()
        .map(|reasons| reasons.iter().filter_map(|r| r["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        codes.contains(&"typosquat"),
        "the block should cite the typosquat rule: {row:#}"
    );
    let similar: Vec<&str> = row["similar"]
        .as_array()
        .map(|similar| similar.iter().filter_map(|s| s["name"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        similar.contains(&"requests"),
        "`similar` should list requests: {row:#}"
    );
}

#[test]
fn a_package_named_after_a_popular_import_name_is_blocked() {
    // `pip install yaml` for PyYAML: a healthy-looking package under the
    // name people import is still not the one they meant.
    let upstream = Upstream::start(vec![FixturePackage::healthy("yaml", "6.0.2", &[])]);
    let ctx = TestContext::new(&upstream);

    let ran = install(&ctx, &["yaml"]);
    ran.assert_code(3);
    for needle in ["did you mean pyyaml?", "imported by"] {
        assert!(
            ran.stderr.contains(needle),
            "{needle:?}\n{}",
            ran.describe()
        );
    }
    assert!(!ctx.venv_has("yaml"), "{}", ran.describe());
    let row = ctx.expect_row("yaml", "6.0.2");
    assert_eq!(status_of(&row), "BLOCK", "{row:#}");
}

#[test]
fn a_mistyped_name_that_is_no_package_gets_the_right_name() {
    // `reqeusts` is not on the index at all: pip's resolver fails before
    // any verdict, and the error names the upstream and the right name.
    let upstream = Upstream::start(vec![FixturePackage::healthy("requests", "2.31.0", &[])]);
    let ctx = TestContext::new(&upstream);

    let ran = install(&ctx, &["reqeusts==2.31.0"]);
    ran.assert_code(1);
    for needle in [
        "No matching distribution found for reqeusts",
        "hint: 'reqeusts' is not on the index; did you mean 'requests'?",
        &upstream.index_url(),
    ] {
        assert!(
            ran.stderr.contains(needle),
            "{needle:?}\n{}",
            ran.describe()
        );
    }
    assert!(!ctx.venv_has("requests"), "{}", ran.describe());
}

#[test]
fn reinstall_of_vetted_package_starts_no_scan() {
    let upstream = Upstream::start(alpha_and_beta());
    let ctx = TestContext::new(&upstream);

    install(&ctx, &[ALPHA.0]).assert_code(0);
    assert_row(&ctx, ALPHA, "SECURE", 1);
    assert_row(&ctx, BETA, "SECURE", 1);

    // Again, into a fresh venv, so pip really has to install both packages.
    upstream.clear_log();
    let second_venv = ctx.new_venv("venv-second");
    let ran = crate::common::run(&mut ctx.secpip_with_venv(&second_venv, &["install", ALPHA.0]));
    ran.assert_code(0);
    for name in [ALPHA.0, BETA.0] {
        assert!(
            ctx.venv_has_in(&second_venv, name),
            "{name} missing after the second install\n{}",
            ran.describe()
        );
    }

    assert_row(&ctx, ALPHA, "SECURE", 1);
    assert_row(&ctx, BETA, "SECURE", 1);
    let log = upstream.requests();
    let downloads = secpip_file_gets(&log);
    assert!(
        downloads.is_empty(),
        "the second install downloaded artifacts for a new scan: {downloads:#?}\n{}",
        ran.describe()
    );
}

#[test]
fn concurrent_installs_of_a_new_package_scan_once() {
    let upstream = Upstream::start(alpha_and_beta());
    let ctx = TestContext::new(&upstream);
    // Keep the first scan in flight long enough for the second install to
    // find it (delaying secpip only, so pip's own resolution is not held).
    upstream.set_delay_for_agent(
        &wheel_filename(ALPHA.0, ALPHA.1),
        "secpip/",
        Duration::from_secs(1),
    );

    let other_venv = ctx.new_venv("venv-other");
    let first = Running::spawn(&mut ctx.secpip(&["install", ALPHA.0]));
    let second = Running::spawn(&mut ctx.secpip_with_venv(&other_venv, &["install", ALPHA.0]));
    let first = first.wait(RUN_TIMEOUT);
    let second = second.wait(RUN_TIMEOUT);
    first.assert_code(0);
    second.assert_code(0);

    for venv in [&ctx.venv, &other_venv] {
        for name in [ALPHA.0, BETA.0] {
            assert!(
                ctx.venv_has_in(venv, name),
                "{name} missing from {}\n{}\n{}",
                venv.display(),
                first.describe(),
                second.describe()
            );
        }
    }
    assert_row(&ctx, ALPHA, "SECURE", 1);
    assert_row(&ctx, BETA, "SECURE", 1);
    for (name, version) in [ALPHA, BETA] {
        let wheel = wheel_filename(name, version);
        assert_eq!(
            upstream.artifact_gets(&wheel, "secpip/"),
            1,
            "{wheel} should be downloaded by exactly one worker:\n{}",
            show_log(&upstream.requests())
        );
    }
}

#[test]
fn expired_lease_of_killed_worker_is_reclaimed() {
    let upstream = Upstream::start(vec![FixturePackage::healthy(BETA.0, BETA.1, &[])]);
    let ctx = TestContext::new(&upstream);
    let wheel = wheel_filename(BETA.0, BETA.1);
    upstream.set_delay_for_agent(&wheel, "secpip/", Duration::from_secs(60));

    let mut first = Running::spawn(
        ctx.secpip(&["install", BETA.0])
            .env("SECPIP_LEASE_SECS", "3"),
    );
    // Wait until the package is claimed (CHECK) and its worker is stuck in
    // the download, then kill the worker's process without warning.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = first.try_status() {
            panic!(
                "the first install ended ({status}) while its download was held\n{}",
                first.output_so_far()
            );
        }
        let claimed = ctx
            .row(BETA.0, BETA.1)
            .is_some_and(|row| status_of(&row) == "CHECK");
        if claimed && upstream.artifact_gets(&wheel, "secpip/") >= 1 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "never saw a CHECK row with the download in flight; status: {:#}\nlog:\n{}\n{}",
            ctx.status_json(),
            show_log(&upstream.requests()),
            first.output_so_far()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    first.kill();
    upstream.set_delay_for_agent(&wheel, "secpip/", Duration::ZERO);

    let ran = Running::spawn(
        ctx.secpip(&["install", BETA.0])
            .env("SECPIP_LEASE_SECS", "3"),
    )
    .wait(Duration::from_secs(90));
    ran.assert_code(0);
    assert!(
        ctx.venv_has(BETA.0),
        "beta-gadget missing after the reclaiming install\n{}",
        ran.describe()
    );
    assert_row(&ctx, BETA, "SECURE", 2);
}

#[test]
fn sha256_mismatch_blocks() {
    let upstream = Upstream::start(alpha_and_beta());
    let ctx = TestContext::new(&upstream);
    // The dependency's wheel arrives corrupted at secpip's worker only; the
    // index and the JSON API keep publishing the good digest.
    upstream.tamper_for_agent(&wheel_filename(BETA.0, BETA.1), "secpip/");

    let ran = install(&ctx, &[ALPHA.0]);
    ran.assert_code(3);
    for name in [ALPHA.0, BETA.0] {
        assert!(
            !ctx.venv_has(name),
            "{name} was installed despite the block\n{}",
            ran.describe()
        );
    }
    let row = ctx.expect_row(BETA.0, BETA.1);
    assert_eq!(status_of(&row), "BLOCK", "{row:#}");
    let codes: Vec<&str> = row["reasons"]
        .as_array()
        .map(|reasons| reasons.iter().filter_map(|r| r["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        codes.contains(&"hash-mismatch"),
        "expected a hash-mismatch reason: {row:#}"
    );
}

#[test]
fn bad_input_is_refused_before_any_network_call() {
    let upstream = Upstream::start(alpha_and_beta());
    let ctx = TestContext::new(&upstream);
    let requirements = ctx.root().join("requirements.txt");
    std::fs::write(
        &requirements,
        "alpha-widget\n--extra-index-url http://127.0.0.1:9/\n",
    )
    .expect("write requirements");
    let requirements = requirements.to_str().expect("utf-8 temp path");
    let long_name = "a".repeat(300);

    // (arguments after `install`, text stderr must contain besides being non-empty)
    let cases: Vec<(Vec<&str>, Option<&str>)> = vec![
        (vec!["--index-url=http://x"], Some("index-url")),
        (vec!["../x"], Some("../x")),
        (
            vec!["git+https://example.invalid/x.git"],
            Some("git+https://example.invalid/x.git"),
        ),
        (vec![""], None),
        (vec![long_name.as_str()], None),
        (
            vec![
                "alpha-widget",
                "--",
                "--index-url",
                "http://127.0.0.1:9/simple",
            ],
            Some("--index-url"),
        ),
        (vec!["--", "--extra-index-url", "http://127.0.0.1:9/"], None),
        (
            vec![
                "alpha-widget",
                "--",
                "--extra-index-url",
                "http://127.0.0.1:9/",
            ],
            Some("--extra-index-url"),
        ),
        (vec!["--", "-f", "/tmp"], None),
        (vec!["alpha-widget", "--", "-f", "/tmp"], Some("-f")),
        (vec!["-r", requirements], Some("--extra-index-url")),
    ];
    for (args, needle) in cases {
        let ran = install(&ctx, &args);
        let case = format!("secpip install {args:?}");
        assert_eq!(
            ran.code(),
            Some(2),
            "{case}: expected exit 2\n{}",
            ran.describe()
        );
        assert!(
            !ran.stderr.trim().is_empty(),
            "{case}: no message on stderr\n{}",
            ran.describe()
        );
        for panic_text in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
            assert!(
                !ran.stderr.contains(panic_text),
                "{case}: secpip panicked\n{}",
                ran.describe()
            );
        }
        if let Some(needle) = needle {
            assert!(
                ran.stderr.contains(needle),
                "{case}: stderr should name {needle:?}\n{}",
                ran.describe()
            );
        }
        let log = upstream.requests();
        assert!(
            log.is_empty(),
            "{case}: upstream was contacted:\n{}",
            show_log(&log)
        );
        if ctx.db_path().exists() {
            let status = ctx.status_json();
            assert_eq!(status, serde_json::json!([]), "{case}: the store changed");
        }
    }
}
