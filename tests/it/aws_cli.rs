//! The AWS backend's errors at the command line: each says what to do next,
//! and none needs AWS (the SDK fails before sending, or the endpoint is a
//! closed loopback port).

use crate::common::upstream::Upstream;
use crate::common::{run, TestContext};

/// A context whose config selects the AWS backend with `extra` under `[aws]`.
fn aws_context(upstream: &Upstream, extra: &str) -> TestContext {
    let ctx = TestContext::new(upstream);
    let cfg = std::fs::read_to_string(&ctx.config_path).expect("read secpip.toml");
    std::fs::write(&ctx.config_path, format!("backend = \"aws\"\n{cfg}")).expect("write");
    ctx.append_config(&format!("\n[aws]\nregion = \"us-east-1\"\n{extra}"));
    ctx
}

/// A loopback port nobody listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

#[test]
fn missing_credentials_name_the_ways_to_provide_them() {
    let upstream = Upstream::start(vec![]);
    let ctx = aws_context(
        &upstream,
        &format!(
            "dynamodb_endpoint_url = \"http://127.0.0.1:{}\"\n",
            closed_port()
        ),
    );
    let ran = run(ctx
        .secpip(&["status"])
        .env("AWS_EC2_METADATA_DISABLED", "true"));
    ran.assert_code(1);
    assert!(ran.stderr.contains("--profile"), "{}", ran.describe());
    assert!(ran.stderr.contains("secpip-status"), "{}", ran.describe());
    assert!(
        !ran.stderr.contains("DispatchFailure {"),
        "a Debug dump leaked:\n{}",
        ran.describe()
    );
}

#[test]
fn an_unreachable_endpoint_says_so() {
    let upstream = Upstream::start(vec![]);
    let ctx = aws_context(
        &upstream,
        &format!(
            "dynamodb_endpoint_url = \"http://127.0.0.1:{}\"\n",
            closed_port()
        ),
    );
    let ran = run(ctx
        .secpip(&["install", "anything"])
        .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
        .env("AWS_SECRET_ACCESS_KEY", "secret"));
    ran.assert_code(1);
    assert!(
        ran.stderr.contains("could not be reached"),
        "{}",
        ran.describe()
    );
    assert!(!ctx.venv_has("anything"));
}

#[test]
fn worker_usage_errors() {
    let upstream = Upstream::start(vec![]);
    let ctx = TestContext::new(&upstream);
    let ran = run(&mut ctx.secpip(&["worker"]));
    ran.assert_code(2);
    assert!(ran.stderr.contains("--backend aws"), "{}", ran.describe());

    let ran = run(&mut ctx.secpip(&["--backend", "gcp", "status"]));
    ran.assert_code(2);
    assert!(ran.stderr.contains("\"embedded\""), "{}", ran.describe());

    let ctx = aws_context(&upstream, "");
    let ran = run(&mut ctx.secpip(&["worker"]));
    ran.assert_code(2);
    assert!(ran.stderr.contains("queue_url"), "{}", ran.describe());
}

#[test]
fn aws_without_a_shared_repository_is_refused_before_anything_runs() {
    let upstream = Upstream::start(vec![]);
    let ctx = aws_context(&upstream, "");
    let ran = run(ctx
        .secpip(&[
            "--backend",
            "aws",
            "worker",
            "--queue-url",
            "http://127.0.0.1:1/q",
        ])
        .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env(
            "AWS_ENDPOINT_URL",
            format!("http://127.0.0.1:{}", closed_port()),
        ));
    ran.assert_code(1);
    assert!(
        ran.stderr.contains("codeartifact_domain"),
        "{}",
        ran.describe()
    );
    assert!(
        !ran.stderr.contains("could not be reached"),
        "{}",
        ran.describe()
    );
}
