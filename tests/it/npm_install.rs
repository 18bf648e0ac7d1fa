//! `secpip npm install|ci` end to end: the real binary and real npm against
//! a loopback upstream registry (packuments and tarballs built at test
//! time), with a private npm HOME, cache and empty npmrc files.

use crate::common::npm_upstream::{tarball_file, NpmPackage, NpmProject, NpmUpstream};
use crate::common::upstream::Upstream;
use crate::common::{Ran, TestContext};
use std::process::Command;

const PAD: (&str, &str) = ("quillmoth-pad", "1.4.2");
const STRINGS: (&str, &str) = ("brindle-strings", "2.1.0");
const DIALS: (&str, &str) = ("@larkspur/dials", "3.0.1");
const HOOKS: (&str, &str) = ("thistle-hooks", "1.0.0");
const MARKER: &str = "thistle-hooks.postinstall-ran";
const INSTALL_JS: &str = r#"const fs = require("fs");
const path = require("path");
fs.writeFileSync(path.join(process.env.INIT_CWD || process.cwd(), "thistle-hooks.postinstall-ran"), "ran\n");
"#;

struct Npm {
    registry: NpmUpstream,
    // Serves the GitHub and OSV stand-ins the context points at.
    _pypi: Upstream,
    ctx: TestContext,
}

fn setup(packages: Vec<NpmPackage>, extra_config: &str) -> Npm {
    let registry = NpmUpstream::start(packages);
    let pypi = Upstream::start(vec![]);
    let ctx = TestContext::new(&pypi);
    let cfg = std::fs::read_to_string(&ctx.config_path).unwrap().replace(
        "[sources]\n",
        &format!(
            "[sources]\nnpm_downloads_url = \"{}\"\n",
            registry.downloads_url()
        ),
    );
    let cfg = format!(
        "{cfg}\n[npm]\nregistry = \"{}\"\n{extra_config}",
        registry.registry_url()
    );
    std::fs::write(&ctx.config_path, cfg).unwrap();
    Npm {
        registry,
        _pypi: pypi,
        ctx,
    }
}

fn secpip_npm(n: &Npm, project: &NpmProject, args: &[&str]) -> Ran {
    let dir = project.dir.display().to_string();
    let mut full = vec!["npm"];
    full.extend_from_slice(&args[..1]);
    full.extend_from_slice(&["-C", &dir]);
    full.extend_from_slice(&args[1..]);
    let mut cmd: Command = n.ctx.secpip(&full);
    cmd.env("npm_config_cache", &project.cache)
        .env("npm_config_userconfig", &project.userconfig)
        .env("npm_config_globalconfig", &project.globalconfig)
        .env("npm_config_fetch_retries", "0")
        .env("npm_config_update_notifier", "false");
    crate::common::run(&mut cmd)
}

fn row_status(n: &Npm, name: &str, version: &str) -> String {
    n.ctx
        .status_json()
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == format!("npm:{name}@{version}"))
        .map(|r| r["status"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

fn codes_of(n: &Npm, name: &str, version: &str) -> Vec<String> {
    n.ctx
        .status_json()
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == format!("npm:{name}@{version}"))
        .map(|r| {
            r["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["code"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn clean_packages_with_dependencies_install_from_the_secure_registry() {
    let n = setup(
        vec![
            NpmPackage::healthy(PAD.0, PAD.1, &[]),
            NpmPackage::healthy(STRINGS.0, STRINGS.1, &[(PAD.0, "^1.2.0")]),
            NpmPackage::healthy(DIALS.0, DIALS.1, &[]),
        ],
        "",
    );
    let project = NpmProject::new(&n.registry.registry_url(), &[(STRINGS.0, "^2.0.0")]);
    let ran = secpip_npm(&n, &project, &["install", DIALS.0]);
    ran.assert_code(0);
    assert_eq!(
        project.installed_version(STRINGS.0).as_deref(),
        Some(STRINGS.1),
        "{}",
        ran.describe()
    );
    assert_eq!(project.installed_version(PAD.0).as_deref(), Some(PAD.1));
    assert_eq!(project.installed_version(DIALS.0).as_deref(), Some(DIALS.1));
    for (name, version) in [PAD, STRINGS, DIALS] {
        assert_eq!(row_status(&n, name, version), "SECURE");
    }
    // package.json and the lockfile end up as plain npm leaves them: the new
    // dependency recorded, `resolved` pointing at upstream, not at secpip's
    // loopback registry that is gone now.
    let pkg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(project.dir.join("package.json")).unwrap())
            .unwrap();
    assert!(pkg["dependencies"][DIALS.0].is_string(), "{pkg:#}");
    let lock = project.lockfile().expect("a lockfile");
    for (path, entry) in lock["packages"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| !k.is_empty())
    {
        let resolved = entry["resolved"].as_str().unwrap_or("");
        assert!(
            resolved.starts_with(&n.registry.url()),
            "{path}: {resolved}"
        );
    }
    // Every tarball that left upstream went to secpip's worker; npm itself
    // only read packuments (during resolution) and installed from secpip.
    for r in n.registry.requests() {
        if r.path.ends_with(".tgz") {
            assert!(
                r.user_agent.starts_with("secpip/"),
                "npm fetched a tarball upstream: {r:?}"
            );
        }
    }
}

#[test]
fn postinstall_is_skipped_unless_allowlisted() {
    let hooks = || {
        NpmPackage::healthy(HOOKS.0, HOOKS.1, &[])
            .with_script("postinstall", "node install.js")
            .with_file("install.js", INSTALL_JS)
    };
    let n = setup(vec![hooks()], "");
    let project = NpmProject::new(&n.registry.registry_url(), &[(HOOKS.0, "^1.0.0")]);
    let ran = secpip_npm(&n, &project, &["install"]);
    ran.assert_code(0);
    assert_eq!(project.installed_version(HOOKS.0).as_deref(), Some(HOOKS.1));
    assert!(
        !project.dir.join(MARKER).exists(),
        "the postinstall script ran"
    );
    assert!(
        ran.stderr.contains("lifecycle scripts skipped") && ran.stderr.contains(HOOKS.0),
        "{}",
        ran.describe()
    );
    assert!(codes_of(&n, HOOKS.0, HOOKS.1).contains(&"install-script".to_string()));

    let n = setup(vec![hooks()], "scripts = [\"thistle-hooks\"]\n");
    let project = NpmProject::new(&n.registry.registry_url(), &[(HOOKS.0, "^1.0.0")]);
    secpip_npm(&n, &project, &["install"]).assert_code(0);
    assert!(
        project.dir.join(MARKER).exists(),
        "the allowlisted postinstall did not run"
    );
}

#[test]
fn typosquat_of_a_popular_npm_package_is_blocked() {
    let n = setup(vec![NpmPackage::healthy("lodahs", "4.17.21", &[])], "");
    let project = NpmProject::new(&n.registry.registry_url(), &[]);
    let ran = secpip_npm(&n, &project, &["install", "lodahs"]);
    ran.assert_code(3);
    assert!(
        ran.stderr.contains("did you mean") && ran.stderr.contains("lodash"),
        "{}",
        ran.describe()
    );
    assert_eq!(row_status(&n, "lodahs", "4.17.21"), "BLOCK");
    assert!(project.installed_version("lodahs").is_none());
    // The user's project is untouched by a blocked install.
    let pkg = std::fs::read_to_string(project.dir.join("package.json")).unwrap();
    assert!(!pkg.contains("lodahs"), "{pkg}");
}

#[test]
fn a_package_named_after_a_popular_command_is_blocked() {
    // `npm install ng` for the Angular CLI, whose command is `ng`.
    let n = setup(vec![NpmPackage::healthy("ng", "1.0.0", &[])], "");
    let project = NpmProject::new(&n.registry.registry_url(), &[]);
    let ran = secpip_npm(&n, &project, &["install", "ng"]);
    ran.assert_code(3);
    for needle in ["did you mean @angular/cli?", "taken from a command of"] {
        assert!(
            ran.stderr.contains(needle),
            "{needle:?}\n{}",
            ran.describe()
        );
    }
    assert_eq!(row_status(&n, "ng", "1.0.0"), "BLOCK");
    assert!(project.installed_version("ng").is_none());
}

#[test]
fn a_version_made_of_nines_is_blocked_as_a_version_race() {
    // A company's internal scope on the public registry at the version a
    // dependency-confusion upload picks; no `internal` list is configured.
    let n = setup(
        vec![NpmPackage::healthy(
            "@acme-corp/billing-ui",
            "9999.0.0",
            &[],
        )],
        "",
    );
    let project = NpmProject::new(&n.registry.registry_url(), &[]);
    let ran = secpip_npm(&n, &project, &["install", "@acme-corp/billing-ui"]);
    ran.assert_code(3);
    assert!(
        ran.stderr.contains("9999.0.0") && ran.stderr.contains("version-race number"),
        "{}",
        ran.describe()
    );
    assert_eq!(row_status(&n, "@acme-corp/billing-ui", "9999.0.0"), "BLOCK");
    let codes = codes_of(&n, "@acme-corp/billing-ui", "9999.0.0");
    assert!(codes.contains(&"version-race".to_string()), "{codes:?}");
    assert!(project.installed_version("@acme-corp/billing-ui").is_none());
}

#[test]
fn a_mistyped_name_that_is_no_package_gets_the_right_name() {
    // `lodahs` is not on the registry at all: npm fails to resolve, and
    // the error says which name was meant.
    let n = setup(vec![NpmPackage::healthy("lodash", "4.17.21", &[])], "");
    let project = NpmProject::new(&n.registry.registry_url(), &[]);
    let ran = secpip_npm(&n, &project, &["install", "lodahs@4.17.21"]);
    ran.assert_code(1);
    assert!(
        ran.stderr
            .contains("hint: 'lodahs' is not on the registry; did you mean 'lodash'?"),
        "{}",
        ran.describe()
    );
    assert!(project.installed_version("lodash").is_none());
}

#[test]
fn a_look_alike_published_by_its_targets_maintainer_stands() {
    // `lodahs` published by one of `lodash`'s maintainers is theirs; by
    // anyone else, a squat, even one that lists that maintainer (the
    // fixture records the first maintainer as the publisher, `_npmUser`).
    let maintained_by = |name: &str, who: &[&str]| {
        let mut p = NpmPackage::healthy(name, "4.17.21", &[]);
        p.maintainers = who.iter().map(|w| w.to_string()).collect();
        p
    };
    let n = setup(
        vec![
            maintained_by("lodash", &["jdd", "mathias"]),
            maintained_by("lodahs", &["mathias"]),
            maintained_by("lodashh", &["mallory"]),
            maintained_by("lodsah", &["mallory", "jdd"]),
        ],
        "",
    );
    let check = |name: &str| {
        crate::common::run(
            &mut n
                .ctx
                .secpip(&["check", "--platform", "npm", name, "--json"]),
        )
    };
    let ran = check("lodahs");
    ran.assert_code(0);
    let v: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(v["similar_packages"], serde_json::json!([]), "{v:#}");
    for squat in ["lodashh", "lodsah"] {
        let ran = check(squat);
        ran.assert_code(3);
        let v: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
        assert_eq!(v["similar_packages"][0], "lodash", "{v:#}");
    }
}

#[test]
fn integrity_mismatch_is_blocked() {
    let n = setup(vec![NpmPackage::healthy(PAD.0, PAD.1, &[])], "");
    n.registry
        .tamper_for_agent(&tarball_file(PAD.0, PAD.1), "secpip/");
    let project = NpmProject::new(&n.registry.registry_url(), &[(PAD.0, "^1.0.0")]);
    let ran = secpip_npm(&n, &project, &["install"]);
    ran.assert_code(3);
    assert!(
        codes_of(&n, PAD.0, PAD.1).contains(&"hash-mismatch".to_string()),
        "{}",
        ran.describe()
    );
    assert!(project.installed_version(PAD.0).is_none());
}

#[test]
fn npm_ci_installs_an_existing_lockfile() {
    let n = setup(
        vec![
            NpmPackage::healthy(PAD.0, PAD.1, &[]),
            NpmPackage::healthy(STRINGS.0, STRINGS.1, &[(PAD.0, "^1.2.0")]),
        ],
        "",
    );
    let project = NpmProject::new(&n.registry.registry_url(), &[(STRINGS.0, "^2.0.0")]);
    let made = crate::common::run(&mut project.npm(&[
        "install",
        "--package-lock-only",
        "--ignore-scripts",
    ]));
    assert!(made.status.success(), "{}", made.describe());
    let before = std::fs::read_to_string(project.lockfile_path()).unwrap();
    let ran = secpip_npm(&n, &project, &["ci"]);
    ran.assert_code(0);
    assert_eq!(
        project.installed_version(STRINGS.0).as_deref(),
        Some(STRINGS.1),
        "{}",
        ran.describe()
    );
    assert_eq!(project.installed_version(PAD.0).as_deref(), Some(PAD.1));
    assert_eq!(
        std::fs::read_to_string(project.lockfile_path()).unwrap(),
        before,
        "npm ci changed the lockfile"
    );
}

#[test]
fn non_registry_specs_and_registry_options_are_refused() {
    let n = setup(vec![], "");
    let project = NpmProject::new(&n.registry.registry_url(), &[]);
    for args in [
        vec!["install", "git+https://example.invalid/x.git"],
        vec!["install", "user/repo"],
        vec!["install", "./local"],
        vec!["install", "@Lodash/core"],
        vec![
            "install",
            "left-pad",
            "--",
            "--registry=http://127.0.0.1:9/",
        ],
        vec!["ci", "left-pad"],
    ] {
        let ran = secpip_npm(&n, &project, &args);
        ran.assert_code(2);
        assert!(!ran.stderr.contains("panicked"), "{}", ran.describe());
    }
    assert!(
        n.registry.requests().is_empty(),
        "{:?}",
        n.registry.requests()
    );
}
