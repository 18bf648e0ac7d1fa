//! The popular-package snapshot: the script that makes `data/` and the
//! `secpip data refresh-popular` command that replaces it at run time.

use crate::common::upstream::Upstream;
use crate::common::TestContext;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

#[test]
fn make_popular_script_normalizes_ranks_and_dedupes() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = dir.path().join("in.tsv");
    std::fs::write(
        &tsv,
        "name\tversion\tmonth\trank_among_15000_most_downloaded\tsummary\n\
         Zope.Interface\t1\t2026-01\t2\tx\n\
         unranked\t1\t2026-01\t\tx\n\
         boto3\t1\t2026-01\t1\tx\n\
         zope_interface\t1\t2026-01\t7\tdup\n",
    )
    .unwrap();
    let out = dir.path().join("out.json");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/make_popular.py");
    let st = Command::new("python3")
        .arg(&script)
        .arg(&tsv)
        .arg(&out)
        .status()
        .unwrap();
    assert!(st.success());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let rows: Vec<(String, u64)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["project"].as_str().unwrap().to_string(),
                r["rank"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![("boto3".to_string(), 1), ("zope-interface".to_string(), 2)]
    );

    // Bad input is refused with exit 2 and a message, not a traceback.
    std::fs::write(&tsv, "nope\n").unwrap();
    let o = Command::new("python3")
        .arg(&script)
        .arg(&tsv)
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("Traceback"));
}

#[test]
fn refresh_popular_from_a_url_changes_what_counts_as_a_look_alike() {
    let upstream = Upstream::start(vec![]);
    let ctx = TestContext::new(&upstream);
    // Before: `zorbaltt-kit` looks like nothing popular.
    let check = |ctx: &TestContext| {
        let o = crate::common::run(&mut ctx.secpip(&["check", "zorbaltt-kit", "--json"]));
        serde_json::from_str::<serde_json::Value>(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}\n{}", o.describe()))
    };
    assert_eq!(check(&ctx)["similar_packages"], serde_json::json!([]));

    // A top-pypi-packages file served by a real HTTP server on loopback.
    let site = tempfile::tempdir().unwrap();
    std::fs::write(
        site.path().join("top.json"),
        r#"{"last_update":"2026-11-01","rows":[{"project":"zorblatt-kit","download_count":9000000},{"project":"requests","download_count":8000000}]}"#,
    )
    .unwrap();
    let mut server = Command::new("python3")
        .args([
            "-u",
            "-m",
            "http.server",
            "0",
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(site.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .split("port ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| panic!("unexpected http.server banner {line:?}"))
        .to_string();
    let url = format!("http://127.0.0.1:{port}/top.json");
    let ran = crate::common::run(&mut ctx.secpip(&["data", "refresh-popular", "--url", &url]));
    let missing = crate::common::run(&mut ctx.secpip(&[
        "data",
        "refresh-popular",
        "--url",
        &format!("http://127.0.0.1:{port}/nope.json"),
    ]));
    let _ = server.kill();
    let _ = server.wait();
    ran.assert_code(0);
    assert!(ctx.data_dir.join("pypi-popular.json").is_file());
    assert_eq!(
        check(&ctx)["similar_packages"],
        serde_json::json!(["zorblatt-kit"])
    );
    // A failed refresh keeps the snapshot in force.
    assert_ne!(missing.code(), Some(0), "{}", missing.describe());
    assert!(missing.stderr.contains("404"), "{}", missing.describe());
    assert_eq!(
        check(&ctx)["similar_packages"],
        serde_json::json!(["zorblatt-kit"])
    );
}

/// Runs `scripts/{script}` on a popular snapshot (`popular`, JSON) and
/// returns its rows as `(other name, project, rank)`, with its stderr.
fn run_known_as_script(
    script: &str,
    popular: &str,
    name_field: &str,
    setup: impl FnOnce(&mut Command),
) -> (Vec<(String, String, u64)>, String) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("popular.json");
    std::fs::write(&input, popular).unwrap();
    let out = dir.path().join("out.json");
    let mut cmd = Command::new("python3");
    cmd.arg(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scripts")
            .join(script),
    )
    .arg(&input)
    .arg(&out);
    setup(&mut cmd);
    let ran = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&ran.stderr).into_owned();
    assert!(ran.status.success(), "{stderr}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let rows = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[name_field].as_str().unwrap().to_string(),
                r["project"].as_str().unwrap().to_string(),
                r["rank"].as_u64().unwrap(),
            )
        })
        .collect();
    (rows, stderr)
}

#[test]
fn make_import_names_script_reads_wheels_from_the_index_pip_uses() {
    use crate::common::upstream::FixturePackage;
    // One project whose wheel installs packages and modules under other
    // names; a namespace folder, a private package and tests name nothing.
    let mut gadget = FixturePackage::healthy("alpha-gadget", "1.2.0", &[]);
    gadget.extra_files = vec![
        ("agadget/__init__.py".into(), "".into()),
        ("agadget_cli.py".into(), "".into()),
        ("sharedns/plugin.py".into(), "".into()),
        ("_agadget_impl/__init__.py".into(), "".into()),
        ("tests/__init__.py".into(), "".into()),
        // Commands: a console script under another name counts, its own
        // name (any spelling) and a GUI script do not.
        (
            "alpha_gadget-1.2.0.dist-info/entry_points.txt".into(),
            "[console_scripts]\ngadget = agadget:main\nAlpha.Gadget = agadget:main\n\n\
             [gui_scripts]\ngadget-gui = agadget:gui\n"
                .into(),
        ),
    ];
    let plain = FixturePackage::healthy("beta-plain", "1.0.0", &[]);
    let upstream = Upstream::start(vec![gadget, plain]);

    let commands_dir = tempfile::tempdir().unwrap();
    let commands = commands_dir.path().join("commands.json");
    let (rows, stderr) = run_known_as_script(
        "make_import_names.py",
        r#"{"rows":[{"project":"Alpha_Gadget","rank":1},{"project":"beta-plain","rank":2},{"project":"not-listed-here","rank":3}]}"#,
        "import",
        |cmd| {
            cmd.env("PIP_INDEX_URL", upstream.index_url())
                .env_remove("PIP_FIND_LINKS")
                .arg("--commands")
                .arg(&commands);
        },
    );
    let commands: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&commands).unwrap()).unwrap();
    assert_eq!(
        commands["rows"],
        serde_json::json!([{"command": "gadget", "project": "alpha-gadget", "rank": 1}]),
        "{stderr}"
    );
    // The fixture ignores Range, so the wheels were read whole: same answer.
    assert_eq!(
        rows,
        [
            ("agadget".to_string(), "alpha-gadget".to_string(), 1),
            ("agadget_cli".to_string(), "alpha-gadget".to_string(), 1)
        ],
        "{stderr}"
    );
    assert!(
        stderr.contains("1 without a wheel on the index, 0 bundles of more than 20, 0 unreadable"),
        "the project the index lacks is counted: {stderr}"
    );

    // Not a snapshot: exit 2 and a message, not a traceback.
    let dir = tempfile::tempdir().unwrap();
    let popular = dir.path().join("popular.json");
    std::fs::write(&popular, "[]").unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/make_import_names.py");
    let bad = Command::new("python3")
        .arg(&script)
        .arg(&popular)
        .arg(dir.path().join("out.json"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("not a popular-package snapshot"),
        "{stderr}"
    );
    assert!(!stderr.contains("Traceback"), "{stderr}");
}

#[test]
fn make_npm_commands_script_reads_bin_from_the_latest_manifest() {
    use crate::common::npm_upstream::{NpmPackage, NpmUpstream, NpmVersion};
    // `zeta-compiler` installs `zc` besides its own name; `@acme/tool`
    // installs `tool` (its bare name, no game) and `acme-tool`.
    let zeta = NpmPackage::healthy("zeta-compiler", "1.0.0", &[]).with_version(
        NpmVersion::new("1.1.0", &[])
            .with_bin("zc", "bin/zc.js")
            .with_bin("zeta-compiler", "bin/zeta.js"),
    );
    let acme = NpmPackage::healthy("@acme/tool", "1.0.0", &[]).with_version(
        NpmVersion::new("1.1.0", &[])
            .with_bin("tool", "cli.js")
            .with_bin("acme-tool", "cli.js"),
    );
    let plain = NpmPackage::healthy("plain-lib", "1.0.0", &[]);
    let registry = NpmUpstream::start(vec![zeta, acme, plain]);

    let (rows, stderr) = run_known_as_script(
        "make_npm_commands.py",
        r#"{"rows":[{"project":"zeta-compiler","rank":1},{"project":"@acme/tool","rank":2},{"project":"plain-lib","rank":3},{"project":"gone-lib","rank":4}]}"#,
        "command",
        |cmd| {
            cmd.args(["--registry", &registry.registry_url()]);
        },
    );
    assert_eq!(
        rows,
        [
            ("zc".to_string(), "zeta-compiler".to_string(), 1),
            ("acme-tool".to_string(), "@acme/tool".to_string(), 2)
        ],
        "{stderr}"
    );
    assert!(
        stderr.contains("1 not on the registry"),
        "the package the registry lacks is counted: {stderr}"
    );
}
