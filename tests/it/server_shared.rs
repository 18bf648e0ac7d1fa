//! One `secpip serve` shared by several clients, and how its settings and
//! verdict TTL behave: real binaries (server and CLI processes), real
//! SQLite, the loopback upstream fixture.

use crate::common::serve::{fixtures, metric, pick, scan_body, Server};
use crate::common::{Running, TestContext, RUN_TIMEOUT};
use serde_json::json;

/// The scan counter and the row's own count, as `(scans_total, scan_count)`.
fn scans(server: &Server, path: &str) -> (f64, serde_json::Value) {
    let (_, m) = server.call("GET", "/metrics", &[], None);
    let (_, row) = server.get(path);
    (metric(&m, "secpip_scans_total"), row["scan_count"].clone())
}

#[test]
fn two_cli_processes_installing_the_same_new_package_start_one_scan() {
    let upstream = fixtures();
    let server_ctx = TestContext::new(&upstream);
    let server = Server::start(&server_ctx, &[], &[]);
    // Two "machines": each its own data dir, config and venv; they share
    // nothing but the server.
    let a = TestContext::new(&upstream);
    let b = TestContext::new(&upstream);
    let install = |ctx: &TestContext| {
        Running::spawn(&mut ctx.secpip(&["--server", &server.url, "install", "alpha-widget"]))
    };
    // Both at once: the server's conditional claim lets only one scan start.
    let (first, second) = (install(&a), install(&b));
    let (first, second) = (first.wait(RUN_TIMEOUT), second.wait(RUN_TIMEOUT));
    first.assert_code(0);
    second.assert_code(0);
    assert!(a.venv_has("alpha-widget"), "{}", first.describe());
    assert!(b.venv_has("alpha-widget"), "{}", second.describe());
    let row = "/v1/status/pypi/alpha-widget/2.1.0";
    assert_eq!(
        scans(&server, row),
        (1.0, json!(1)),
        "two concurrent installs started more than one scan\n{}",
        server.log()
    );
    for ctx in [&a, &b] {
        assert!(
            !ctx.db_path().exists(),
            "a remote install touched the client's own store"
        );
    }

    // A third machine, later: the verdict is served, no scan is started.
    let c = TestContext::new(&upstream);
    let ran = install(&c).wait(RUN_TIMEOUT);
    ran.assert_code(0);
    assert!(c.venv_has("alpha-widget"));
    assert_eq!(scans(&server, row), (1.0, json!(1)), "{}", server.log());
}

#[test]
fn package_check_does_not_serve_a_secure_verdict_past_its_ttl() {
    let upstream = fixtures();
    let ctx = TestContext::new(&upstream);
    let server = Server::start(&ctx, &[], &[]);
    let (s, _) = server.post(
        "/v1/scans",
        None,
        &scan_body(&upstream, "alpha-widget", "2.1.0"),
    );
    assert_eq!(s, 202);
    let (_, row) = server.get("/v1/status/pypi/alpha-widget/2.1.0?wait=30");
    assert_eq!(row["status"], "SECURE", "{row}\n{}", server.log());
    let check = "/package-check?package_name=alpha-widget&platform=pypi&version=2.1.0";
    let (_, fresh) = server.get(check);
    assert!(fresh.get("recheck_due").is_none(), "{fresh}");

    // The verdict was recorded 31 days ago ([policy] secure_ttl_days = 30).
    let old = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
        - 31 * 86_400_000;
    let db = rusqlite::Connection::open(ctx.db_path()).unwrap();
    let changed = db
        .execute(
            "UPDATE packages SET decided_at = ?1 WHERE key = 'pypi:alpha-widget@2.1.0'",
            [old],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(db);
    // Answers rendered from a row are reused for at most a second.
    std::thread::sleep(std::time::Duration::from_millis(1200));

    upstream.clear_log();
    let (_, m) = server.call("GET", "/metrics", &[], None);
    let computed_before = metric(&m, "secpip_package_check_computed_total");
    for path in [
        check,
        "/package-check?package_name=alpha-widget&platform=pypi",
    ] {
        let (s, v) = server.get(path);
        assert_eq!(s, 200, "{v}");
        assert_eq!(
            pick(&v, &["risk_level", "recheck_due"]),
            json!(["Green", true]),
            "{v:#}"
        );
        let message = v["message"].as_str().unwrap();
        assert!(
            message.contains("older than secure_ttl_days = 30") && message.contains("re-scans"),
            "{message}"
        );
    }
    assert!(
        !upstream.requests().is_empty(),
        "a stale verdict was answered without asking upstream"
    );
    let (_, m) = server.call("GET", "/metrics", &[], None);
    assert_eq!(
        metric(&m, "secpip_package_check_computed_total") - computed_before,
        2.0,
        "{m}"
    );

    // The row is due: the next scan request re-scans it.
    let (s, v) = server.post(
        "/v1/scans",
        None,
        &scan_body(&upstream, "alpha-widget", "2.1.0"),
    );
    assert_eq!((s, &v["packages"][0]["queued"]), (202, &json!(true)), "{v}");
    let (_, row) = server.get("/v1/status/pypi/alpha-widget/2.1.0?wait=30");
    assert_eq!(pick(&row, &["status", "scan_count"]), json!(["SECURE", 2]));
    std::thread::sleep(std::time::Duration::from_millis(1200));
    let (_, v) = server.get(check);
    assert!(
        v.get("recheck_due").is_none(),
        "the re-scanned verdict is current again: {v}"
    );
}

#[test]
fn the_serve_table_in_secpip_toml_configures_the_server() {
    let upstream = fixtures();
    let ctx = TestContext::new(&upstream);
    ctx.append_config(
        "\n[serve]\npublic_read = false\n\
         read_tokens = [\"ci:file-read-token-0123456789\"]\n\
         admin_tokens = \"alice:file-admin-token-0123456789\"\n\
         body_limit_bytes = 4096\n",
    );
    let server = Server::start(&ctx, &[], &[]);
    let path = "/package-check?package_name=alpha-widget&platform=pypi";
    assert_eq!(server.json("GET", path, None, None).0, 401);
    let read = Some("file-read-token-0123456789");
    assert_eq!(server.json("GET", path, read, None).0, 200);
    let block = json!({"package": "beta-gadget", "reason": "test"});
    assert_eq!(server.post("/v1/policy/block", read, &block).0, 403);
    let (s, v) = server.post(
        "/v1/policy/block",
        Some("file-admin-token-0123456789"),
        &block,
    );
    assert_eq!((s, &v["by"]), (200, &json!("alice")), "{v}");
    let auth = [("authorization", "Bearer file-read-token-0123456789")];
    let (s, _) = server.call("POST", "/v1/scans", &auth, Some(vec![b' '; 8192]));
    assert_eq!(s, 413, "[serve] body_limit_bytes was not applied");
    // The environment beats the file for admin tokens; a named variable
    // that is unset falls back to the file.
    drop(server);
    let open = Server::start(
        &ctx,
        &["--read-token-env", "NO_SUCH_VAR"],
        &[("SECPIP_ADMIN_TOKEN", "bob:env-admin-token-0123456789")],
    );
    assert_eq!(
        open.json("GET", path, None, None).0,
        401,
        "read tokens from the file still gate reads"
    );
    let (s, v) = open.post(
        "/v1/policy/block",
        Some("env-admin-token-0123456789"),
        &block,
    );
    assert_eq!((s, &v["by"]), (200, &json!("bob")), "{v}");
    assert_eq!(
        open.post(
            "/v1/policy/block",
            Some("file-admin-token-0123456789"),
            &block
        )
        .0,
        403
    );
    let log = open.log();
    assert!(
        !log.contains("0123456789"),
        "a token reached the log:\n{log}"
    );
}
