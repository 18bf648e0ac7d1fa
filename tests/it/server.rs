//! `secpip serve`: the real binary as a child process on a free loopback
//! port, real SQLite, the loopback upstream fixture, and plain HTTP.

use crate::common::serve::{fixtures, metric, pick, scan_body, Server};
use crate::common::upstream::{wheel_filename, FixturePackage, Upstream};
use crate::common::TestContext;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const ADMIN: &str = "alice:admin-token-0123456789abcdef";
const ADMIN_SECRET: &str = "admin-token-0123456789abcdef";

/// Collects the JSON bodies POSTed to a loopback webhook (answers 200).
fn webhook_receiver() -> (String, mpsc::Receiver<Value>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut len = 0;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0; len];
            let _ = reader.read_exact(&mut body);
            let _ = (&stream)
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            if let Ok(v) = serde_json::from_slice(&body) {
                let _ = tx.send(v);
            }
        }
    });
    (url, rx)
}

fn wait_for_event(rx: &mpsc::Receiver<Value>, event: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(v) = rx.recv_timeout(Duration::from_millis(200)) {
            if v["event"] == event {
                return v;
            }
        }
    }
    panic!("no {event} notification arrived");
}

/// The audit log of `package`, through `secpip audit --json`.
fn audit(ctx: &TestContext, package: &str) -> Vec<Value> {
    let ran = crate::common::run(&mut ctx.secpip(&["audit", "--json", "--package", package]));
    ran.assert_code(0);
    ran.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn package_check_answers_typosquats_healthy_packages_and_serves_scanned_ones_from_the_store() {
    let upstream = fixtures();
    let ctx = TestContext::new(&upstream);
    let server = Server::start(&ctx, &[], &[]);

    let (s, v) = server.get("/package-check?package_name=reqeusts&platform=pypi&version=2.31.0");
    assert_eq!(s, 200, "{v}");
    let fields = ["risk_level", "status", "similar_packages", "version"];
    assert_eq!(
        pick(&v, &fields),
        json!(["Red", "Warning", ["requests"], "2.31.0"]),
        "{v:#}"
    );
    let (s, v) = server.get("/package-check?package_name=alpha-widget&platform=pypi");
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        pick(&v, &["risk_level", "score", "version"]),
        json!(["Green", 0, null]),
        "{v:#}"
    );

    for bad in [
        "/package-check?platform=pypi",
        "/package-check?package_name=../etc&platform=pypi",
        "/package-check?package_name=x&platform=cargo",
        "/package-check?package_name=x&platform=pypi&version=not%20a%20version",
    ] {
        let (s, v) = server.get(bad);
        assert!(s == 400 && v["error"].is_string(), "{bad}: {s} {v}");
    }
    // Computed answers are not stored.
    assert_eq!(server.get("/v1/status/pypi/reqeusts/2.31.0").0, 404);

    let (_, m) = server.call("GET", "/metrics", &[], None);
    assert_eq!(metric(&m, "secpip_package_check_cache_hits_total"), 0.0);
    let (s, v) = server.post(
        "/v1/scans",
        None,
        &scan_body(&upstream, "alpha-widget", "2.1.0"),
    );
    assert_eq!(s, 202, "{v}");
    let (_, row) = server.get("/v1/status/pypi/alpha-widget/2.1.0?wait=30");
    assert_eq!(row["status"], "SECURE", "{row}\n{}", server.log());

    upstream.clear_log();
    for path in [
        "/package-check?package_name=Alpha_Widget&platform=pypi&version=2.1.0",
        "/package-check?package_name=alpha-widget&platform=pypi&version=2.1.0",
        "/package-check?package_name=alpha-widget&platform=pypi",
    ] {
        let (s, v) = server.get(path);
        assert_eq!(
            (s, pick(&v, &["risk_level", "package_name"])),
            (200, json!(["Green", "alpha-widget"]))
        );
    }
    assert!(
        upstream.requests().is_empty(),
        "cached answers asked upstream: {:?}",
        upstream.requests()
    );
    let (_, m) = server.call("GET", "/metrics", &[], None);
    assert_eq!(
        metric(&m, "secpip_package_check_cache_hits_total"),
        3.0,
        "{m}"
    );
}

#[test]
fn scans_are_claimed_once_waited_for_and_published_to_the_index() {
    let upstream = fixtures();
    let ctx = TestContext::new(&upstream);
    let server = Server::start(&ctx, &[], &[]);
    let body = scan_body(&upstream, "alpha-widget", "2.1.0");

    let (s, v) = server.post("/v1/scans", None, &body);
    assert_eq!(
        (s, &v["keys"], &v["packages"][0]["queued"]),
        (202, &json!(["pypi:alpha-widget@2.1.0"]), &json!(true))
    );
    let (s, row) = server.get("/v1/status/pypi/alpha-widget/2.1.0?wait=30");
    assert_eq!(
        (s, pick(&row, &["status", "scan_count"])),
        (200, json!(["SECURE", 1])),
        "{}",
        server.log()
    );

    // Asking again starts no scan.
    let (s, v) = server.post("/v1/scans", None, &body);
    assert_eq!(
        (s, pick(&v["packages"][0], &["queued", "status"])),
        (202, json!([false, "SECURE"]))
    );
    let keys = json!({"keys": ["pypi:alpha-widget@2.1.0", "pypi:nothing-here@1.0"]});
    let (s, rows) = server.post("/v1/status?wait=5", None, &keys);
    assert_eq!((s, &rows[0]["scan_count"]), (200, &json!(1)), "{rows}");
    assert_eq!(
        rows[1],
        json!({"key": "pypi:nothing-here@1.0", "status": null})
    );

    // The vetted wheel is on the secure index, as HTML and as PEP 691 JSON.
    let wheel = wheel_filename("alpha-widget", "2.1.0");
    let sha = upstream.sha256_of(&wheel).unwrap();
    let (s, html) = server.call("GET", "/simple/alpha-widget/", &[], None);
    assert!(
        s == 200 && html.contains(&format!("{wheel}#sha256={sha}")),
        "{s} {html}"
    );
    let accept = [(
        "accept",
        "application/vnd.pypi.simple.v1+json, text/html; q=0.01",
    )];
    let (s, j) = server.call("GET", "/simple/alpha-widget/", &accept, None);
    let j: Value = serde_json::from_str(&j).unwrap_or_else(|e| panic!("{e}: {j}"));
    assert_eq!(
        (s, pick(&j["files"][0], &["filename", "hashes"])),
        (200, json!([wheel, {"sha256": sha}]))
    );

    // Artifacts must come from the upstream and carry a digest.
    let mut evil = body.clone();
    evil["packages"][0]["artifacts"][0]["url"] = json!("http://127.0.0.1:1/files/x.whl");
    assert_eq!(server.post("/v1/scans", None, &evil).0, 400);
    let mut forged = scan_body(&upstream, "reqeusts", "2.31.0");
    forged["packages"][0]["artifacts"][0]["sha256"] = json!("0".repeat(64));
    assert_eq!(
        server.post("/v1/scans", None, &forged).0,
        400,
        "a wrong digest would block it for everyone"
    );
    assert_eq!(server.get("/v1/status/pypi/reqeusts/2.31.0").0, 404);
    let mut undigested = body.clone();
    undigested["packages"][0]["artifacts"][0]["sha256"] = json!("");
    assert_eq!(server.post("/v1/scans", None, &undigested).0, 400);

    // The verdict is in the audit log.
    let entries = audit(&ctx, "alpha-widget");
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(
        pick(&entries[0], &["kind", "status", "who"]),
        json!(["verdict", "SECURE", "anonymous"])
    );
}

#[test]
fn admin_needs_the_right_token_and_changes_are_audited_and_announced() {
    let upstream = fixtures();
    let ctx = TestContext::new(&upstream);
    let (hook, events) = webhook_receiver();
    let server = Server::start(
        &ctx,
        &["--webhook-url", &hook],
        &[("SECPIP_ADMIN_TOKEN", ADMIN)],
    );
    let (s, _) = server.post(
        "/v1/scans",
        None,
        &scan_body(&upstream, "alpha-widget", "2.1.0"),
    );
    assert_eq!(s, 202);
    let (_, row) = server.get("/v1/status/pypi/alpha-widget/2.1.0?wait=30");
    assert_eq!(row["status"], "SECURE", "{row}\n{}", server.log());
    let check = "/package-check?package_name=alpha-widget&platform=pypi&version=2.1.0";
    assert_eq!(server.get(check).1["risk_level"], "Green");

    let block = json!({"package": "alpha-widget", "reason": "incident 42"});
    assert_eq!(server.post("/v1/policy/block", None, &block).0, 401);
    let wrong = Some("wrong-token-0123456789abcdef");
    assert_eq!(server.post("/v1/policy/block", wrong, &block).0, 403);
    let labelled = Some("alice:admin-token-0123456789abcdef");
    let (s, v) = server.post("/v1/rescan/pypi/alpha-widget/2.1.0", labelled, &json!({}));
    assert_eq!(s, 403, "the label is not part of the secret: {v}");
    let (_, row) = server.get("/v1/status/pypi/alpha-widget/2.1.0");
    assert_eq!(
        row["status"], "SECURE",
        "refused requests changed the row: {row}"
    );
    assert_eq!(
        audit(&ctx, "alpha-widget").len(),
        1,
        "refused requests were audited"
    );

    let (s, v) = server.post("/v1/policy/block", Some(ADMIN_SECRET), &block);
    assert_eq!(
        (s, pick(&v, &["rows_affected", "by"])),
        (200, json!([1, "alice"])),
        "{v}"
    );
    let (_, row) = server.get("/v1/status/pypi/alpha-widget/2.1.0");
    assert_eq!(
        pick(&row, &["status", "updated_by"]),
        json!(["BLOCK", "alice"]),
        "{row}"
    );
    let (s, _) = server.call("GET", "/simple/alpha-widget/", &[], None);
    assert_eq!(s, 404, "blocked files are still on the index");
    let (_, v) = server.get(check);
    assert_eq!(
        v["risk_level"], "Red",
        "a stale cached answer was served: {v}"
    );
    let n = wait_for_event(&events, "policy-block");
    assert_eq!(
        pick(&n, &["package", "who", "reasons"]),
        json!(["alpha-widget", "alice", ["incident 42"]])
    );

    let last = audit(&ctx, "alpha-widget").pop().unwrap();
    assert_eq!(
        pick(&last, &["kind", "who", "why"]),
        json!(["block", "alice", "incident 42"])
    );
    let human = crate::common::run(&mut ctx.secpip(&["audit"]));
    assert!(
        human.stdout.contains("block") && human.stdout.contains("by alice: incident 42"),
        "{}",
        human.stdout
    );

    // A scan that ends in BLOCK is announced with its risk and reasons.
    let (s, _) = server.post(
        "/v1/scans",
        None,
        &scan_body(&upstream, "reqeusts", "2.31.0"),
    );
    assert_eq!(s, 202);
    let n = wait_for_event(&events, "block");
    assert_eq!(
        pick(&n, &["package", "risk"]),
        json!(["reqeusts", "Red"]),
        "{n}"
    );
    assert!(n["reasons"].to_string().contains("requests"), "{n}");

    // Allow and rescan are admin actions too.
    let allow = json!({"package": "alpha-widget@2.1.0", "reason": "fixed"});
    let (s, v) = server.post("/v1/policy/allow", Some(ADMIN_SECRET), &allow);
    assert_eq!((s, &v["action"]), (200, &json!("allowed")), "{v}");
    let (s, _) = server.get("/v1/status/pypi/alpha-widget/2.1.0");
    assert_eq!(s, 404, "allow forgets the row so it is vetted again");
    let (s, v) = server.post(
        "/v1/rescan/pypi/reqeusts/2.31.0",
        Some(ADMIN_SECRET),
        &json!({}),
    );
    assert_eq!((s, &v["rows_affected"]), (200, &json!(1)), "{v}");
    assert!(!server.log().contains(ADMIN_SECRET), "the token was logged");
}

#[test]
fn health_metrics_limits_read_tokens_and_graceful_shutdown() {
    let upstream = fixtures();
    let ctx = TestContext::new(&upstream);
    let server = Server::start(&ctx, &[], &[]);
    assert_eq!(server.get("/healthz"), (200, json!({"status": "ok"})));
    let (s, m) = server.call("GET", "/metrics", &[], None);
    assert_eq!(s, 200);
    for name in [
        "secpip_scans_total",
        "secpip_verdicts_total{risk=\"Red\"}",
        "secpip_queue_depth",
        "secpip_http_request_duration_seconds_bucket{le=\"0.005\"}",
        "secpip_http_request_duration_seconds_count",
        "secpip_package_check_cache_hits_total",
    ] {
        assert!(m.contains(name), "{name} missing:\n{m}");
    }
    let (s, _) = server.call("POST", "/v1/scans", &[], Some(vec![b' '; 2 * 1024 * 1024]));
    assert_eq!(s, 413);
    assert_eq!(server.get("/no/such/thing").0, 404);

    // A scan in flight is finished before the server exits.
    upstream.set_delay_for_agent("alpha_widget-2.1.0", "secpip/", Duration::from_millis(1500));
    let (s, _) = server.post(
        "/v1/scans",
        None,
        &scan_body(&upstream, "alpha-widget", "2.1.0"),
    );
    assert_eq!(s, 202);
    std::thread::sleep(Duration::from_millis(300));
    let (code, took) = server.terminate(Duration::from_secs(40));
    assert!(
        code == 0 && took >= Duration::from_millis(800),
        "exit {code} after {took:?}"
    );
    assert_eq!(ctx.expect_row("alpha-widget", "2.1.0")["status"], "SECURE");

    // Reads gated by a read token: none → 401, wrong → 403, read or admin token → 200.
    let env = [
        ("TEAM_READ", "ci:read-token-0123456789abcdef"),
        ("SECPIP_ADMIN_TOKEN", ADMIN),
    ];
    let gated = Server::start(&ctx, &["--read-token-env", "TEAM_READ"], &env);
    let path = "/package-check?package_name=alpha-widget&platform=pypi&version=2.1.0";
    let status = |token: Option<&str>| gated.json("GET", path, token, None).0;
    assert_eq!(status(None), 401);
    assert_eq!(status(Some("nope-nope-nope-nope-nope")), 403);
    assert_eq!(status(Some("read-token-0123456789abcdef")), 200);
    assert_eq!(status(Some(ADMIN_SECRET)), 200);
    assert_eq!(gated.get("/healthz").0, 200);
    // A read token is not an admin token.
    let block = json!({"package": "x", "reason": "y"});
    assert_eq!(
        gated
            .post(
                "/v1/policy/block",
                Some("read-token-0123456789abcdef"),
                &block
            )
            .0,
        403
    );
}

#[test]
fn a_remote_install_is_vetted_by_the_server_and_installed_from_its_index() {
    let upstream = fixtures();
    let ctx = TestContext::new(&upstream);
    let server = Server::start(&ctx, &[], &[]);
    let ran =
        crate::common::run(&mut ctx.secpip(&["--server", &server.url, "install", "alpha-widget"]));
    ran.assert_code(0);
    assert!(ctx.venv_has("alpha-widget"), "{}", ran.describe());
    let (_, row) = server.get("/v1/status/pypi/alpha-widget/2.1.0");
    assert_eq!(
        pick(&row, &["status", "scan_count"]),
        json!(["SECURE", 1]),
        "{row}"
    );
    // The typosquat is refused by the server's verdict.
    let ran =
        crate::common::run(&mut ctx.secpip(&["--server", &server.url, "install", "reqeusts"]));
    ran.assert_code(3);
    assert!(!ctx.venv_has("reqeusts"));
}

#[test]
fn check_through_a_server_exits_by_the_decision_it_reports() {
    let upstream = Upstream::start(vec![
        FixturePackage::healthy("alpha-widget", "2.1.0", &[]),
        FixturePackage::healthy("reqeusts", "2.31.0", &[]),
        FixturePackage::healthy("matplotlib-requests", "1.0.0", &[]),
    ]);
    let ctx = TestContext::new(&upstream);
    let server = Server::start(&ctx, &[], &[]);
    let check = |args: &[&str]| {
        let mut all = vec!["--server", server.url.as_str(), "check", "--json"];
        all.extend_from_slice(args);
        crate::common::run(&mut ctx.secpip(&all))
    };
    let ran = check(&["reqeusts"]);
    ran.assert_code(3);
    let joined = check(&["matplotlib-requests"]);
    let answer: Value = serde_json::from_str(joined.stdout.trim()).unwrap();
    assert_eq!(answer["decision"], "review", "{answer:#}");
    joined.assert_code(0);
    check(&["--fail-on", "review", "matplotlib-requests"]).assert_code(3);
    check(&["--fail-on", "review", "alpha-widget"]).assert_code(0);
}

#[test]
fn check_through_an_older_or_broken_server_fails_closed() {
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(MockServer::start());
    // An older server reports only the risk level; a broken one neither it
    // nor a decision.
    for (name, answer) in [
        (
            "red-one",
            json!({"package_name": "red-one", "risk_level": "Red", "score": 60}),
        ),
        (
            "yellow-one",
            json!({"package_name": "yellow-one", "risk_level": "Yellow", "score": 30}),
        ),
        (
            "green-one",
            json!({"package_name": "green-one", "risk_level": "Green", "score": 0}),
        ),
        (
            "silent-one",
            json!({"package_name": "silent-one", "score": 0}),
        ),
    ] {
        rt.block_on(
            Mock::given(method("GET"))
                .and(path("/package-check"))
                .and(query_param("package_name", name))
                .respond_with(ResponseTemplate::new(200).set_body_json(answer))
                .mount(&server),
        );
    }
    let upstream = Upstream::start(vec![]);
    let ctx = TestContext::new(&upstream);
    let uri = server.uri();
    let check = |args: &[&str]| {
        let mut all = vec!["--server", uri.as_str(), "check"];
        all.extend_from_slice(args);
        crate::common::run(&mut ctx.secpip(&all))
    };
    check(&["red-one"]).assert_code(3);
    check(&["yellow-one"]).assert_code(0);
    check(&["--fail-on", "review", "yellow-one"]).assert_code(3);
    check(&["green-one"]).assert_code(0);
    let silent = check(&["silent-one"]);
    silent.assert_code(1);
    assert!(
        silent.stderr.contains("no decision and no risk level"),
        "{}",
        silent.describe()
    );
    // Several names: the broken answer still fails the run, not only its line.
    check(&["green-one", "silent-one"]).assert_code(1);
}
