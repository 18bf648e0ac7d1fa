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
