//! The policy side of the CLI, end to end with the real binary: `check`'s
//! firewall JSON, `block`/`allow` with who/why, Yellow verdicts in CI,
//! fail-closed metadata, bad config, Ctrl-C and the overall timeout.

use crate::common::upstream::{wheel_filename, FixturePackage, Upstream};
use crate::common::{Ran, Running, TestContext, RUN_TIMEOUT};
use serde_json::Value;
use std::time::{Duration, Instant};

fn run(ctx: &TestContext, args: &[&str]) -> Ran {
    crate::common::run(&mut ctx.secpip(args))
}

/// A real but obscure project: 2 releases, 40 downloads, a repository with
/// 3 stars. Reputation gives 20 + 10 + 10 = 40 points: Yellow.
fn obscure(name: &str) -> FixturePackage {
    let mut p = FixturePackage::healthy(name, "1.0.0", &[]);
    p.versions
        .retain(|v| v.version == "1.0.0" || v.version == "0.4.0");
    p.downloads_last_month = 40;
    p.stars = 3;
    p
}

#[test]
fn check_json_keeps_the_firewall_shape() {
    let upstream = Upstream::start(vec![
        FixturePackage::healthy("alpha-widget", "2.1.0", &[]),
        FixturePackage::healthy("reqeusts", "2.31.0", &[]),
    ]);
    let ctx = TestContext::new(&upstream);

    let ran = run(&ctx, &["check", "alpha-widget", "--json"]);
    ran.assert_code(0);
    let v: Value =
        serde_json::from_str(&ran.stdout).unwrap_or_else(|e| panic!("{e}\n{}", ran.describe()));
    assert_eq!(v["package_name"], "alpha-widget");
    assert_eq!(v["platform"], "pypi");
    assert_eq!(v["version"], Value::Null);
    assert_eq!(v["score"], 0);
    assert_eq!(v["risk_level"], "Green");
    assert_eq!(v["status"], "Safe");
    assert_eq!(v["message"], "Low risk package");
    assert!(
        v["reasons"].is_object() && v["similar_packages"].is_array(),
        "{v:#}"
    );

    let ran = run(&ctx, &["check", "reqeusts==2.31.0", "--json"]);
    ran.assert_code(3);
    let v: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(v["version"], "2.31.0");
    assert_eq!(v["risk_level"], "Red");
    assert_eq!(v["similar_packages"][0], "requests");
    let reasons = v["reasons"].as_object().unwrap();
    assert!(
        reasons
            .iter()
            .any(|(k, val)| k.contains("requests") && val == "+60 points"),
        "{v:#}"
    );
    // Checking never creates the status store.
    assert!(!ctx.db_path().exists());
}

#[test]
fn a_look_alike_published_by_its_targets_owners_stands() {
    // The registry's `ownership` names the accounts that may publish: a
    // look-alike they also own is their own (a defensive copy, a sibling);
    // the same name by anyone else is a squat.
    let owned_by = |name: &str, owner: &str| {
        let mut p = FixturePackage::healthy(name, "2.31.0", &[]);
        p.owners = vec![owner.to_string()];
        p
    };
    let upstream = Upstream::start(vec![
        owned_by("requests", "psf-release"),
        owned_by("reqeusts", "psf-release"),
        owned_by("requestss", "someone-else"),
    ]);
    let ctx = TestContext::new(&upstream);

    let ran = run(&ctx, &["check", "reqeusts", "--json"]);
    ran.assert_code(0);
    let v: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(v["similar_packages"], serde_json::json!([]), "{v:#}");
    assert_eq!(v["risk_level"], "Green", "{v:#}");

    let ran = run(&ctx, &["check", "requestss", "--json"]);
    ran.assert_code(3);
    let v: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(v["similar_packages"][0], "requests", "{v:#}");
    // The target's owners were asked for, by secpip.
    assert!(
        upstream
            .requests()
            .iter()
            .any(|r| r.path == "/pypi/requests/json"),
        "{:?}",
        upstream.requests()
    );
}

#[test]
fn block_and_allow_are_recorded_and_applied() {
    let upstream = Upstream::start(vec![FixturePackage::healthy("alpha-widget", "2.1.0", &[])]);
    let ctx = TestContext::new(&upstream);
    run(&ctx, &["install", "alpha-widget"]).assert_code(0);

    let ran = run(&ctx, &["block", "alpha-widget", "--reason", "incident 42"]);
    ran.assert_code(0);
    let row = ctx.expect_row("alpha-widget", "2.1.0");
    assert_eq!(row["status"], "BLOCK", "{row:#}");
    let reason = row["reasons"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("incident 42"), "{row:#}");
    assert!(!row["updated_by"].as_str().unwrap().is_empty());
    let repo_file = ctx
        .data_dir
        .join("repo/pypi/alpha-widget")
        .join(wheel_filename("alpha-widget", "2.1.0"));
    assert!(
        !repo_file.exists(),
        "blocked file still in the secure repository"
    );

    // The warm path must not bypass a block.
    let venv = ctx.new_venv("venv-after-block");
    let ran = crate::common::run(&mut ctx.secpip_with_venv(&venv, &["install", "alpha-widget"]));
    ran.assert_code(3);
    assert!(ran.stderr.contains("incident 42"), "{}", ran.describe());
    assert!(!ctx.venv_has_in(&venv, "alpha-widget"));

    run(&ctx, &["allow", "alpha-widget", "--reason", "false alarm"]).assert_code(0);
    let ran = crate::common::run(&mut ctx.secpip_with_venv(&venv, &["install", "alpha-widget"]));
    ran.assert_code(0);
    assert!(ctx.venv_has_in(&venv, "alpha-widget"));
    assert_eq!(ctx.expect_row("alpha-widget", "2.1.0")["status"], "SECURE");

    // A reason is required, and the name is validated.
    run(&ctx, &["block", "alpha-widget", "--reason", " "]).assert_code(2);
    run(&ctx, &["block", "../x", "--reason", "r"]).assert_code(2);
}

#[test]
fn yellow_verdict_is_blocked_in_ci_unless_policy_allows_review() {
    let upstream = Upstream::start(vec![obscure("gamma-sprocket")]);
    let ctx = TestContext::new(&upstream);

    let ran = run(&ctx, &["install", "gamma-sprocket"]);
    ran.assert_code(3);
    assert!(ran.stderr.contains("gamma-sprocket"), "{}", ran.describe());
    let row = ctx.expect_row("gamma-sprocket", "1.0.0");
    assert_eq!(row["risk"], "Yellow", "{row:#}");
    assert_eq!(row["score"], 40, "{row:#}");
    let codes: Vec<&str> = row["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    for code in [
        "low-downloads",
        "low-stars",
        "few-releases",
        "review-required",
    ] {
        assert!(codes.contains(&code), "{code} missing: {row:#}");
    }
    assert!(!ctx.venv_has("gamma-sprocket"));

    // Policy may let Yellow through when nobody can be asked; the block is
    // lifted by a person first (BLOCK verdicts are kept until then).
    ctx.append_config("\n[policy]\nreview = \"allow\"\n");
    run(
        &ctx,
        &["allow", "gamma-sprocket@1.0.0", "--reason", "reviewed"],
    )
    .assert_code(0);
    run(&ctx, &["install", "gamma-sprocket"]).assert_code(0);
    assert!(ctx.venv_has("gamma-sprocket"));
}

#[test]
fn unreachable_metadata_fails_closed() {
    let upstream = Upstream::start(vec![FixturePackage::healthy("alpha-widget", "2.1.0", &[])]);
    let ctx = TestContext::new(&upstream);
    // Port 9 (discard) on loopback: nothing listens there.
    let cfg = std::fs::read_to_string(&ctx.config_path)
        .unwrap()
        .replace(&upstream.json_url(), "http://127.0.0.1:9/pypi");
    std::fs::write(&ctx.config_path, cfg).unwrap();

    let ran = run(&ctx, &["install", "alpha-widget"]);
    ran.assert_code(3);
    let row = ctx.expect_row("alpha-widget", "2.1.0");
    assert_eq!(row["status"], "BLOCK");
    assert!(
        row["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "metadata-unavailable"),
        "{row:#}"
    );
    assert!(!ctx.venv_has("alpha-widget"));
}

#[test]
fn invalid_config_is_a_usage_error_naming_the_file() {
    let upstream = Upstream::start(vec![]);
    let ctx = TestContext::new(&upstream);
    ctx.append_config("\n[policy]\nyellow = 80\nred = 50\n[policy.weights]\ntypo = 1\n");
    let ran = run(&ctx, &["install", "alpha-widget"]);
    ran.assert_code(2);
    let path = ctx.config_path.display().to_string();
    for needle in [path.as_str(), "red = 50", "\"typo\""] {
        assert!(
            ran.stderr.contains(needle),
            "stderr lacks {needle:?}\n{}",
            ran.describe()
        );
    }
    assert!(upstream.requests().is_empty());
}

fn wait_for_worker_request(upstream: &Upstream, wheel: &str, child: &mut Running) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while upstream.artifact_gets(wheel, "secpip/") == 0 {
        assert!(
            child.try_status().is_none(),
            "install ended early\n{}",
            child.output_so_far()
        );
        assert!(
            Instant::now() < deadline,
            "the worker never asked for {wheel}\n{}",
            child.output_so_far()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn ctrl_c_releases_the_claim_and_installs_nothing() {
    let upstream = Upstream::start(vec![FixturePackage::healthy("alpha-widget", "2.1.0", &[])]);
    let ctx = TestContext::new(&upstream);
    let wheel = wheel_filename("alpha-widget", "2.1.0");
    upstream.set_delay_for_agent(&wheel, "secpip/", Duration::from_secs(60));

    let mut child = Running::spawn(&mut ctx.secpip(&["install", "alpha-widget"]));
    wait_for_worker_request(&upstream, &wheel, &mut child);
    assert_eq!(ctx.expect_row("alpha-widget", "2.1.0")["status"], "CHECK");
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.pid().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let ran = child.wait(Duration::from_secs(30));
    ran.assert_code(130);
    assert!(ran.stderr.contains("interrupted"), "{}", ran.describe());
    assert!(
        ctx.row("alpha-widget", "2.1.0").is_none(),
        "an interrupted install left its claim behind: {:#}",
        ctx.status_json()
    );
    assert!(!ctx.venv_has("alpha-widget"));
    upstream.set_delay_for_agent(&wheel, "secpip/", Duration::ZERO);
}

#[test]
fn timeout_names_the_pending_package() {
    let upstream = Upstream::start(vec![FixturePackage::healthy("alpha-widget", "2.1.0", &[])]);
    let ctx = TestContext::new(&upstream);
    let wheel = wheel_filename("alpha-widget", "2.1.0");
    upstream.set_delay_for_agent(&wheel, "secpip/", Duration::from_secs(60));
    let ran = Running::spawn(&mut ctx.secpip(&["install", "--timeout", "3", "alpha-widget"]))
        .wait(RUN_TIMEOUT);
    upstream.set_delay_for_agent(&wheel, "secpip/", Duration::ZERO);
    ran.assert_code(1);
    assert!(
        ran.stderr.contains("timed out") && ran.stderr.contains("alpha-widget@2.1.0"),
        "{}",
        ran.describe()
    );
    assert!(
        ctx.row("alpha-widget", "2.1.0").is_none(),
        "{:#}",
        ctx.status_json()
    );
    assert!(!ctx.venv_has("alpha-widget"));
}

/// Runs `secpip args` on a pseudo-terminal (util-linux `script`), answers
/// the first "Install anyway?" with `answer`, and returns (exit code, screen).
fn install_on_a_terminal(ctx: &TestContext, pkg: &str, answer: &str) -> (Option<i32>, String) {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    let template = ctx.secpip(&[]);
    let mut cmd = Command::new("script");
    let line = format!("{} install {pkg}", env!("CARGO_BIN_EXE_secpip"));
    cmd.args(["-qfec", &line, "/dev/null"])
        .current_dir(ctx.root())
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in template.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    cmd.env_remove("SECPIP_CI").env("TERM", "dumb");
    let mut child = cmd.spawn().expect("start `script` (util-linux)");
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut screen = String::new();
    let mut stdin = child.stdin.take().unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut answered = false;
    loop {
        if let Ok(chunk) = rx.recv_timeout(Duration::from_millis(100)) {
            screen.push_str(&String::from_utf8_lossy(&chunk));
        }
        if !answered && screen.contains("Install anyway?") {
            stdin.write_all(answer.as_bytes()).unwrap();
            stdin.flush().unwrap();
            answered = true;
        }
        if let Some(status) = child.try_wait().unwrap() {
            while let Ok(chunk) = rx.recv_timeout(Duration::from_millis(200)) {
                screen.push_str(&String::from_utf8_lossy(&chunk));
            }
            return (status.code(), screen);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("no exit within 90 s; screen so far:\n{screen}");
        }
    }
}

#[test]
fn interactive_yellow_verdict_asks_and_defaults_to_no() {
    let upstream = Upstream::start(vec![obscure("gamma-sprocket")]);
    let ctx = TestContext::new(&upstream);

    // Enter takes the default: no.
    let (code, screen) = install_on_a_terminal(&ctx, "gamma-sprocket", "\r");
    assert_eq!(code, Some(3), "{screen}");
    assert!(screen.contains("needs review"), "{screen}");
    assert!(!ctx.venv_has("gamma-sprocket"));

    // The Yellow BLOCK is asked about again; a yes installs it and is
    // recorded as an allow entry with who approved it.
    let (code, screen) = install_on_a_terminal(&ctx, "gamma-sprocket", "y");
    assert_eq!(code, Some(0), "{screen}");
    assert!(screen.contains("Install anyway?"), "{screen}");
    assert!(ctx.venv_has("gamma-sprocket"));
    let row = ctx.expect_row("gamma-sprocket", "1.0.0");
    assert_eq!(row["status"], "SECURE", "{row:#}");
    assert_eq!(row["reasons"][0]["code"], "allowlist", "{row:#}");
    assert!(
        row["reasons"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("approved at the prompt"),
        "{row:#}"
    );
}

/// `secpip check --json` output: one JSON object a line, each parsed.
fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn offline_batch_check_screens_a_list_without_network() {
    let upstream = Upstream::start(vec![]);
    let ctx = TestContext::new(&upstream);
    let out = run_piped(
        &ctx,
        &["check", "--offline", "--json", "--platform", "pypi", "-"],
        // CRLF line ends are line ends; a line that is not UTF-8 is an
        // invalid name, reported, and the lines after it are still checked.
        b"reqeusts\r\nflask\n# a comment\n\n../bad\n\xff\xfe\nnumpyy==1.0\n",
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(lines.len(), 5, "one JSON object per input line: {lines:#?}");
    assert_eq!(lines[0]["package_name"], "reqeusts");
    assert_eq!(lines[0]["risk_level"], "Red");
    assert_eq!(lines[0]["rules"]["typosquat"], 60);
    assert_eq!(lines[1]["risk_level"], "Green");
    assert!(lines[2]["error"].is_string());
    assert!(
        lines[3]["error"]
            .as_str()
            .is_some_and(|e| e.contains("not a valid package name")),
        "{:#}",
        lines[3]
    );
    assert_eq!(
        (
            lines[4]["package_name"].as_str(),
            lines[4]["version"].as_str()
        ),
        (Some("numpyy"), Some("1.0"))
    );
    assert!(
        upstream.requests().is_empty(),
        "offline check used the network"
    );

    // npm names follow npm's rules and list.
    let out = run_piped(
        &ctx,
        &["check", "--offline", "--json", "--platform", "npm", "-"],
        b"lodahs\nreact\n",
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        text.lines().next().unwrap().contains("\"lodash\""),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn two_popular_names_joined_are_yellow_with_their_own_code() {
    let upstream = Upstream::start(vec![]);
    let ctx = TestContext::new(&upstream);
    let out = run_piped(
        &ctx,
        &["check", "--offline", "--json", "--platform", "pypi", "-"],
        b"matplotlib-requests\nflask-sqlalchemy\n",
    );
    let lines = json_lines(&String::from_utf8_lossy(&out.stdout));
    let joined = &lines[0];
    assert_eq!(
        (
            joined["risk_level"].as_str(),
            joined["decision"].as_str(),
            joined["rules"]["name-combination"].as_i64(),
            joined["rules"]["typosquat"].as_i64(),
        ),
        (Some("Yellow"), Some("review"), Some(30), Some(0)),
        "{joined:#}"
    );
    assert_eq!(joined["similar_packages"], serde_json::json!([]));
    // A real integration of the two is popular itself: Green.
    assert_eq!(lines[1]["risk_level"], "Green", "{:#}", lines[1]);
    // Review is not a block: `check` exits 0, unless told to fail on it.
    assert_eq!(out.status.code(), Some(0));
    for (names, code) in [
        (&b"matplotlib-requests\n"[..], Some(3)),
        (&b"flask-sqlalchemy\n"[..], Some(0)),
    ] {
        let out = run_piped(
            &ctx,
            &["check", "--offline", "--json", "--fail-on", "review", "-"],
            names,
        );
        assert_eq!(
            out.status.code(),
            code,
            "{}",
            String::from_utf8_lossy(names)
        );
    }

    // Policy re-weights it like any other code.
    ctx.append_config("\n[policy.weights]\nname-combination = 0\n");
    let out = run_piped(
        &ctx,
        &["check", "--offline", "--json", "--platform", "pypi", "-"],
        b"matplotlib-requests\n",
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("\"risk_level\":\"Green\""), "{text}");
}

#[test]
fn check_takes_several_names_on_the_command_line() {
    let upstream = Upstream::start(vec![]);
    let ctx = TestContext::new(&upstream);
    let ran = run(
        &ctx,
        &[
            "check",
            "--offline",
            "--json",
            "numpyy",
            "flask",
            "reqeusts==2.0",
        ],
    );
    assert_eq!(ran.code(), Some(3), "{}", ran.stderr);
    let names: Vec<(String, String)> = json_lines(&ran.stdout)
        .into_iter()
        .map(|v| {
            (
                v["package_name"].as_str().unwrap_or_default().to_owned(),
                v["risk_level"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [("numpyy", "Red"), ("flask", "Green"), ("reqeusts", "Red")]
            .map(|(n, r)| (n.to_owned(), r.to_owned()))
    );

    // For people: the finding says how the name was changed, the hint
    // names the package meant.
    let ran = run(&ctx, &["check", "--offline", "numpyy", "flask"]);
    assert_eq!(ran.code(), Some(3), "{}", ran.stderr);
    assert!(
        ran.stdout
            .contains("numpy (rank 20): repeated character 'y'")
            && ran.stdout.contains("  did you mean 'numpy'?\n")
            && ran.stdout.contains("flask (any version): Green"),
        "{}",
        ran.stdout
    );

    // A bad name typed on the command line is a usage error before
    // anything is checked; `-` cannot be mixed with names.
    let ran = run(&ctx, &["check", "--offline", "--json", "numpyy", "../bad"]);
    assert_eq!(ran.code(), Some(2));
    assert!(ran.stdout.is_empty(), "{}", ran.stdout);
    assert!(
        ran.stderr.contains("not a valid package name"),
        "{}",
        ran.stderr
    );
    let ran = run(&ctx, &["check", "--offline", "-", "numpyy"]);
    assert_eq!(ran.code(), Some(2));
    assert!(ran.stderr.contains("cannot be mixed"), "{}", ran.stderr);
    assert!(
        upstream.requests().is_empty(),
        "offline check used the network"
    );
}

#[test]
fn offline_batch_check_stops_quietly_when_the_reader_goes_away() {
    // `secpip check - < names | head -1`: the reader closes the pipe after
    // the first line; secpip must stop without a panic or a backtrace, and
    // its exit code still reports the block it wrote (fail closed).
    use std::io::{BufRead, BufReader, Write};
    let upstream = Upstream::start(vec![]);
    let ctx = TestContext::new(&upstream);
    let mut child = spawn_piped(
        &ctx,
        &["check", "--offline", "--json", "--platform", "pypi", "-"],
    );
    let names: String = std::iter::once("reqeusts\n".to_owned())
        .chain((0..20_000).map(|i| format!("sturdy-widget-{i}\n")))
        .collect();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(names.as_bytes());
    });
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(
        first.contains("\"reqeusts\"") && first.contains("Red"),
        "{first}"
    );
    // The read end is dropped here: later writes hit a closed pipe.
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(3), "{stderr}");
}

/// `secpip ARGS` with standard input, output and error piped.
fn spawn_piped(ctx: &TestContext, args: &[&str]) -> std::process::Child {
    ctx.secpip(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Runs secpip with `args`, writes `input` to its stdin, closes it and
/// waits for the output.
fn run_piped(ctx: &TestContext, args: &[&str], input: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = spawn_piped(ctx, args);
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// Runs `check --offline --format F -` on `names` and parses stdout.
fn check_document(ctx: &TestContext, format: &str, names: &[u8]) -> (Option<i32>, Value) {
    let out = run_piped(
        ctx,
        &[
            "check",
            "--offline",
            "--format",
            format,
            "--manifest",
            "requirements.txt",
            "-",
        ],
        names,
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    (
        out.status.code(),
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
    )
}

#[test]
fn sarif_and_asff_reports_carry_the_required_fields() {
    let upstream = Upstream::start(vec![]);
    let ctx = TestContext::new(&upstream);
    let (code, sarif) = check_document(&ctx, "sarif", b"reqeusts\nflask\n");
    assert_eq!(code, Some(3));
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "secpip");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "only the typosquat scored: {results:#?}");
    let r = &results[0];
    assert_eq!(
        (r["ruleId"].as_str(), r["level"].as_str()),
        (Some("typosquat"), Some("error"))
    );
    assert!(
        rules.contains(&"typosquat"),
        "every ruleId must be a declared rule"
    );
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "requirements.txt"
    );
    assert!(r["message"]["text"]
        .as_str()
        .unwrap()
        .contains("Did you mean requests?"));

    let (code, asff) = check_document(&ctx, "asff", b"reqeusts\nflask\n");
    assert_eq!(code, Some(3));
    let findings = asff.as_array().unwrap();
    assert_eq!(findings.len(), 1, "Green packages are not findings");
    let f = &findings[0];
    for field in [
        "SchemaVersion",
        "Id",
        "ProductArn",
        "GeneratorId",
        "AwsAccountId",
        "Types",
        "CreatedAt",
        "UpdatedAt",
        "Severity",
        "Title",
        "Description",
        "Resources",
    ] {
        assert!(!f[field].is_null(), "ASFF requires {field}: {f:#}");
    }
    assert_eq!(f["SchemaVersion"], "2018-10-08");
    assert_eq!(f["Severity"]["Label"], "HIGH");
    assert!(f["AwsAccountId"].as_str().unwrap().len() == 12);
    assert!(f["Resources"][0]["Type"].is_string() && f["Resources"][0]["Id"].is_string());
}
