//! One `secpip serve` shared by several clients, and how its settings and
//! verdict TTL behave: real binaries (server and CLI processes), real
//! SQLite, the loopback upstream fixture.

mod common;

use common::serve::{fixtures, metric, pick, scan_body, Server};
use common::{Running, TestContext, RUN_TIMEOUT};
use serde_json::json;

/// The scan counter and the row's own count, as `(scans_total, scan_count)`.
fn scans(server: &Server, path: &str) -> (f64, serde_json::Value) {
    let (_, m) = server.call("GET", "/metrics", &[], None);
    let (_, row) = server.get(path);
    (metric(&m, "secpip_scans_total"), row["scan_count"].clone())
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
