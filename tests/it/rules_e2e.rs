//! Each rule family blocking (or holding back) something in a real install:
//! the real binary, real pip in a throwaway venv, the loopback upstream.

use crate::common::upstream::{
    iso_days_ago, ArtifactKind, FixturePackage, FixtureVersion, Upstream,
};
use crate::common::{Ran, TestContext};
use serde_json::Value;

fn run(ctx: &TestContext, args: &[&str]) -> Ran {
    crate::common::run(&mut ctx.secpip(args))
}

fn installed_version(ctx: &TestContext, name: &str) -> Option<String> {
    let out = ctx
        .python(&ctx.venv)
        .args(["-m", "pip", "show", name])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Version: ").map(str::to_string))
}

fn codes(row: &Value) -> Vec<String> {
    row["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect()
}

/// `delta-gear` 1.0.0 (healthy, weeks old) and 1.1.0 uploaded minutes ago.
fn with_fresh_release() -> FixturePackage {
    let mut p = FixturePackage::healthy("delta-gear", "1.0.0", &[]);
    p.versions.push(FixtureVersion {
        version: "1.1.0".into(),
        deps: vec![],
        upload_time: iso_days_ago(0),
        kind: ArtifactKind::Wheel,
    });
    p
}

#[test]
fn cooldown_picks_the_newest_version_old_enough_and_says_what_it_skipped() {
    let upstream = Upstream::start(vec![with_fresh_release()]);
    let ctx = TestContext::new(&upstream);

    let ran = run(&ctx, &["install", "delta-gear"]);
    ran.assert_code(0);
    assert_eq!(
        installed_version(&ctx, "delta-gear").as_deref(),
        Some("1.0.0")
    );
    assert!(
        ran.stderr.contains("skipped delta-gear 1.1.0")
            && ran.stderr.contains("minimum release age"),
        "{}",
        ran.describe()
    );
    assert!(
        ctx.row("delta-gear", "1.1.0").is_none(),
        "the young version was scanned"
    );

    // Asking for the young version exactly: refused with the reason, exit 3.
    let venv = ctx.new_venv("pinned");
    let ran =
        crate::common::run(&mut ctx.secpip_with_venv(&venv, &["install", "delta-gear==1.1.0"]));
    ran.assert_code(3);
    assert!(
        ran.stderr
            .contains("delta-gear 1.1.0 is not available: released"),
        "{}",
        ran.describe()
    );

    // An exception lets that version in early.
    ctx.append_config("\n[policy]\nrelease_age_exceptions = [\"delta-gear@1.1.0\"]\n");
    let venv = ctx.new_venv("excepted");
    let ran = crate::common::run(&mut ctx.secpip_with_venv(&venv, &["install", "delta-gear"]));
    ran.assert_code(0);
    assert!(ctx.venv_has_in(&venv, "delta-gear"));
    assert_eq!(ctx.expect_row("delta-gear", "1.1.0")["status"], "SECURE");
}

#[test]
fn internal_name_on_the_public_upstream_is_dependency_confusion() {
    let upstream = Upstream::start(vec![FixturePackage::healthy(
        "acme-billing",
        "999.0.0",
        &[],
    )]);
    let ctx = TestContext::new(&upstream);
    ctx.append_config("\n[policy]\ninternal = [\"acme-*\"]\n");

    let ran = run(&ctx, &["install", "acme-billing"]);
    ran.assert_code(3);
    assert!(
        ran.stderr.contains("999.0.0") && ran.stderr.contains("acme-*"),
        "{}",
        ran.describe()
    );
    let row = ctx.expect_row("acme-billing", "999.0.0");
    assert!(
        codes(&row).contains(&"dependency-confusion".to_string()),
        "{row:#}"
    );
    assert!(!ctx.venv_has("acme-billing"));
}

#[test]
fn a_version_made_of_nines_is_blocked_with_no_internal_list() {
    // Healthy and weeks old, but published at the version a
    // dependency-confusion upload picks; the team wrote no `internal`.
    let upstream = Upstream::start(vec![FixturePackage::healthy("acme-ledger", "999.9.9", &[])]);
    let ctx = TestContext::new(&upstream);

    let ran = run(&ctx, &["install", "acme-ledger"]);
    ran.assert_code(3);
    assert!(
        ran.stderr.contains("999.9.9") && ran.stderr.contains("`internal`"),
        "{}",
        ran.describe()
    );
    let row = ctx.expect_row("acme-ledger", "999.9.9");
    assert_eq!(row["status"], "BLOCK", "{row:#}");
    assert_eq!(codes(&row), ["version-race"], "{row:#}");
    assert!(!ctx.venv_has("acme-ledger"));
}

#[test]
fn a_package_whose_summary_says_it_is_a_placeholder_is_blocked_naming_the_one_meant() {
    // Nothing in the name resembles its target; the summary says it all.
    let mut placeholder = FixturePackage::healthy("zeta-vision", "8.0.0", &[]);
    placeholder.summary =
        "The `zeta-vision` package is a placeholder. Please install omega-detect instead.".into();
    let upstream = Upstream::start(vec![placeholder]);
    let ctx = TestContext::new(&upstream);

    let ran = run(&ctx, &["install", "zeta-vision"]);
    ran.assert_code(3);
    assert!(
        ran.stderr.contains("did you mean 'omega-detect'?"),
        "{}",
        ran.describe()
    );
    let row = ctx.expect_row("zeta-vision", "8.0.0");
    assert_eq!(row["status"], "BLOCK", "{row:#}");
    assert!(codes(&row).contains(&"placeholder".to_string()), "{row:#}");
    assert!(!ctx.venv_has("zeta-vision"));
}

#[test]
fn expired_secure_verdict_is_checked_again() {
    let upstream = Upstream::start(vec![FixturePackage::healthy("alpha-widget", "2.1.0", &[])]);
    let ctx = TestContext::new(&upstream);
    run(&ctx, &["install", "alpha-widget"]).assert_code(0);
    assert_eq!(ctx.expect_row("alpha-widget", "2.1.0")["scan_count"], 1);

    // Age the verdict past the TTL, as 31 days would.
    let db = age_verdicts_by_31_days(&ctx);
    assert!(db, "could not age the verdict");
    let venv = ctx.new_venv("again");
    let ran = crate::common::run(&mut ctx.secpip_with_venv(&venv, &["install", "alpha-widget"]));
    ran.assert_code(0);
    let row = ctx.expect_row("alpha-widget", "2.1.0");
    assert_eq!(
        (row["status"].as_str(), row["scan_count"].as_u64()),
        (Some("SECURE"), Some(2)),
        "{row:#}"
    );
}

/// Sets `decided_at` 31 days back with the sqlite3 module of Python (the
/// store is a plain SQLite file; no secpip code is involved).
fn age_verdicts_by_31_days(ctx: &TestContext) -> bool {
    let script = format!(
        "import sqlite3,time\nc=sqlite3.connect({:?})\nc.execute('UPDATE packages SET decided_at=? ', (int((time.time()-31*86400)*1000),))\nc.commit()",
        ctx.db_path().display().to_string()
    );
    std::process::Command::new("python3")
        .args(["-c", &script])
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

#[test]
fn payload_that_execs_base64_is_blocked_by_the_content_scan() {
    let mut p = FixturePackage::healthy("epsilon-tools", "1.2.0", &[]);
    p.extra_files.push((
        "epsilon_tools/_hook.py".into(),
        "import base64\nexec(base64.b64decode('aW1wb3J0IG9zOyBvcy5zeXN0ZW0oJ2lkJyk='))\n".into(),
    ));
    let upstream = Upstream::start(vec![p]);
    let ctx = TestContext::new(&upstream);
    let ran = run(&ctx, &["install", "epsilon-tools"]);
    ran.assert_code(3);
    let row = ctx.expect_row("epsilon-tools", "1.2.0");
    assert!(
        codes(&row).contains(&"content-exec-encoded".to_string()),
        "{row:#}"
    );
    let evidence = row.to_string();
    assert!(
        evidence.contains("epsilon_tools/_hook.py:2"),
        "evidence names file:line: {row:#}"
    );
    assert!(!ctx.venv_has("epsilon-tools"));
    assert!(
        !ctx.data_dir.join("repo/pypi/epsilon-tools").exists(),
        "blocked file was published"
    );
}

#[test]
fn known_malicious_advisory_blocks_and_vulnerability_only_warns() {
    let upstream = Upstream::start(vec![
        FixturePackage::healthy("alpha-widget", "2.1.0", &[]),
        FixturePackage::healthy("beta-gadget", "1.3.0", &[]),
    ]);
    upstream.add_advisory(serde_json::json!({
        "id": "MAL-2026-0042", "modified": "2026-11-01T00:00:00Z",
        "summary": "Malicious code in alpha-widget (PyPI)",
        "affected": [{"package": {"ecosystem": "PyPI", "name": "alpha-widget"}, "versions": ["2.1.0"]}]
    }));
    upstream.add_advisory(serde_json::json!({
        "id": "GHSA-beta-0001", "modified": "2026-11-01T00:00:00Z",
        "summary": "Path traversal in beta-gadget",
        "affected": [{"package": {"ecosystem": "PyPI", "name": "beta-gadget"}, "versions": ["1.3.0"],
                      "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.4.0"}]}]}]
    }));
    let ctx = TestContext::new(&upstream);

    let ran = run(&ctx, &["install", "alpha-widget"]);
    ran.assert_code(3);
    assert!(ran.stderr.contains("MAL-2026-0042"), "{}", ran.describe());
    assert!(
        codes(&ctx.expect_row("alpha-widget", "2.1.0")).contains(&"known-malicious".to_string())
    );

    // A plain vulnerability is reported but, by default, only warns…
    run(&ctx, &["install", "beta-gadget"]).assert_code(0);
    let row = ctx.expect_row("beta-gadget", "1.3.0");
    assert_eq!(row["status"], "SECURE");
    assert!(
        row.to_string().contains("GHSA-beta-0001") && row.to_string().contains("1.4.0"),
        "{row:#}"
    );
}

#[test]
fn unreachable_advisory_source_fails_closed() {
    let upstream = Upstream::start(vec![FixturePackage::healthy("alpha-widget", "2.1.0", &[])]);
    let ctx = TestContext::new(&upstream);
    let cfg = std::fs::read_to_string(&ctx.config_path)
        .unwrap()
        .replace(&upstream.osv_url(), "http://127.0.0.1:9/osv");
    std::fs::write(&ctx.config_path, cfg).unwrap();
    let ran = run(&ctx, &["install", "alpha-widget"]);
    ran.assert_code(3);
    assert!(
        codes(&ctx.expect_row("alpha-widget", "2.1.0")).contains(&"advisories-unknown".to_string())
    );
}

#[test]
fn sdist_only_release_scores_install_script_and_only_binary_refuses_it() {
    let p =
        FixturePackage::healthy("zeta-build", "3.0.0", &[]).with_latest_kind(ArtifactKind::Sdist);
    let upstream = Upstream::start(vec![p]);
    let ctx = TestContext::new(&upstream);
    ctx.append_config("\n[policy]\nonly_binary = true\n");
    let ran = run(&ctx, &["install", "zeta-build==3.0.0"]);
    ran.assert_code(3);
    assert!(ran.stderr.contains("only_binary"), "{}", ran.describe());
    assert!(ctx.row("zeta-build", "3.0.0").is_none());

    // Without only_binary the sdist is allowed, with the setup.py reason on record.
    let cfg = std::fs::read_to_string(&ctx.config_path)
        .unwrap()
        .replace("only_binary = true", "only_binary = false");
    std::fs::write(&ctx.config_path, cfg).unwrap();
    run(&ctx, &["install", "zeta-build==3.0.0"]).assert_code(0);
    let row = ctx.expect_row("zeta-build", "3.0.0");
    assert!(
        codes(&row).contains(&"install-script".to_string()),
        "{row:#}"
    );
}
