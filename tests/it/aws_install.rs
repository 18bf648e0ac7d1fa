//! The AWS backend end to end, against real local stand-ins started by the
//! test setup: dynalite as the DynamoDB status table, moto server for
//! EventBridge → rule → SQS, pypiserver as the secure repository. One
//! `secpip install` (backend "aws") runs beside real `secpip worker`
//! processes; nothing scans inside the install.
//!
//! Credentials reach every process the standard way: a profile file in the
//! test's `$HOME/.aws/credentials` (fake keys; the stand-ins accept any).

use std::time::{Duration, Instant};

use crate::common::artifacts::block;
use crate::common::aws_servers::{Dynalite, Moto};
use crate::common::team_servers::PypiServer;
use crate::common::upstream::{wheel_filename, FixturePackage, Upstream};
use crate::common::{Running, TestContext};
use aws_sdk_sqs::config::{BehaviorVersion, Credentials, Region};
use serde_json::Value;

const REGION: &str = "us-east-1";
const TABLE: &str = "secpip-status";
const BUS: &str = "secpip";

fn credentials() -> Credentials {
    Credentials::new("AKIDTEST", "secret-test", None, None, "test")
}

fn sqs(endpoint: &str) -> aws_sdk_sqs::Client {
    aws_sdk_sqs::Client::from_conf(
        aws_sdk_sqs::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .credentials_provider(credentials())
            .endpoint_url(endpoint)
            .build(),
    )
}

fn events(endpoint: &str) -> aws_sdk_eventbridge::Client {
    aws_sdk_eventbridge::Client::from_conf(
        aws_sdk_eventbridge::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .credentials_provider(aws_sdk_eventbridge::config::Credentials::new(
                "AKIDTEST",
                "secret-test",
                None,
                None,
                "test",
            ))
            .endpoint_url(endpoint)
            .build(),
    )
}

/// The deployment of deploy/secpip.yaml, made by hand on the stand-ins.
struct World {
    upstream: Upstream,
    _dynalite: Dynalite,
    moto: Moto,
    pypi: PypiServer,
    ctx: TestContext,
    _queue_url: String,
    decisions_url: String,
}

impl World {
    fn new(packages: Vec<FixturePackage>, visibility_secs: u32) -> World {
        let upstream = Upstream::start(packages);
        let dynalite = Dynalite::start();
        let moto = Moto::start();
        let pypi = PypiServer::start();
        block(dynalite.create_table(TABLE));
        let (queue_url, decisions_url) = block(wire_bus(&moto.endpoint, visibility_secs));
        let ctx = TestContext::new(&upstream);
        let aws_dir = ctx.home.join(".aws");
        std::fs::create_dir_all(&aws_dir).expect("create ~/.aws");
        std::fs::write(
            aws_dir.join("credentials"),
            "[default]\naws_access_key_id = AKIDTEST\naws_secret_access_key = secret-test\n",
        )
        .expect("write ~/.aws/credentials");
        // A top-level key goes before the first table.
        let cfg = std::fs::read_to_string(&ctx.config_path).expect("read secpip.toml");
        std::fs::write(&ctx.config_path, format!("backend = \"aws\"\n{cfg}"))
            .expect("write secpip.toml");
        ctx.append_config(&format!(
            "\n[aws]\nregion = \"{REGION}\"\ntable = \"{TABLE}\"\nevent_bus = \"{BUS}\"\nqueue_url = \"{queue_url}\"\n\
             dynamodb_endpoint_url = \"{}\"\neventbridge_endpoint_url = \"{}\"\nsqs_endpoint_url = \"{}\"\n\
             visibility_timeout_secs = {visibility_secs}\n\
             \n[repo]\npypi_upload_url = \"{}\"\npypi_index_url = \"{}\"\nusername = \"{}\"\n",
            dynalite.endpoint,
            moto.endpoint,
            moto.endpoint,
            pypi.upload_url(),
            pypi.index_url(),
            pypi.username,
        ));
        World {
            upstream,
            _dynalite: dynalite,
            moto,
            pypi,
            ctx,
            _queue_url: queue_url,
            decisions_url,
        }
    }

    /// A `secpip worker` process.
    fn worker(&self, lease_secs: &str) -> Running {
        Running::spawn(
            self.ctx
                .secpip(&["worker", "--wait-secs", "1", "--concurrency", "4"])
                .env("SECPIP_REPO_PASSWORD", &self.pypi.password)
                .env("SECPIP_LEASE_SECS", lease_secs)
                .env("SECPIP_LOG", "secpip=info"),
        )
    }

    fn row(&self, name: &str, version: &str) -> Option<Value> {
        self.ctx.row(name, version)
    }

    /// Decision events the second rule delivered so far.
    fn decisions(&self) -> Vec<Value> {
        block(async {
            let client = sqs(&self.moto.endpoint);
            let mut out = Vec::new();
            loop {
                let got = client
                    .receive_message()
                    .queue_url(&self.decisions_url)
                    .max_number_of_messages(10)
                    .wait_time_seconds(1)
                    .send()
                    .await
                    .expect("read the decisions queue");
                let messages = got.messages.unwrap_or_default();
                if messages.is_empty() {
                    return out;
                }
                for m in messages {
                    out.push(serde_json::from_str(m.body().unwrap_or("null")).expect("event JSON"));
                }
            }
        })
    }
}

/// Bus + scan rule → scan queue (with a DLQ), and a decision rule → a queue the test reads.
async fn wire_bus(endpoint: &str, visibility_secs: u32) -> (String, String) {
    let sqs = sqs(endpoint);
    let eb = events(endpoint);
    let dlq = sqs
        .create_queue()
        .queue_name("secpip-scans-dlq")
        .send()
        .await
        .expect("create the DLQ");
    let dlq_arn = queue_arn(&sqs, dlq.queue_url().unwrap_or_default()).await;
    let scans = sqs
        .create_queue()
        .queue_name("secpip-scans")
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
            visibility_secs.to_string(),
        )
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::RedrivePolicy,
            serde_json::json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"}).to_string(),
        )
        .send()
        .await
        .expect("create the scan queue");
    let scans_url = scans.queue_url().unwrap_or_default().to_string();
    let decisions = sqs
        .create_queue()
        .queue_name("secpip-decisions")
        .send()
        .await
        .expect("create the decisions queue");
    let decisions_url = decisions.queue_url().unwrap_or_default().to_string();
    eb.create_event_bus()
        .name(BUS)
        .send()
        .await
        .expect("create the bus");
    for (rule, types, url) in [
        ("secpip-scan-requests", vec!["ScanRequested"], &scans_url),
        (
            "secpip-decisions",
            vec!["PackageSecured", "PackageBlocked"],
            &decisions_url,
        ),
    ] {
        eb.put_rule()
            .name(rule)
            .event_bus_name(BUS)
            .event_pattern(
                serde_json::json!({"source": ["secpip"], "detail-type": types}).to_string(),
            )
            .send()
            .await
            .expect("put the rule");
        let arn = queue_arn(&sqs, url).await;
        eb.put_targets()
            .rule(rule)
            .event_bus_name(BUS)
            .targets(
                aws_sdk_eventbridge::types::Target::builder()
                    .id("queue")
                    .arn(arn)
                    .build()
                    .expect("a target"),
            )
            .send()
            .await
            .expect("put the target");
    }
    (scans_url, decisions_url)
}

async fn queue_arn(sqs: &aws_sdk_sqs::Client, url: &str) -> String {
    let attrs = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("queue attributes");
    attrs
        .attributes()
        .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn))
        .cloned()
        .expect("the queue has an ARN")
}

fn status_of(row: &Value) -> &str {
    row["status"].as_str().unwrap_or("<no status>")
}

fn scan_count(row: &Value) -> u64 {
    row["scan_count"].as_u64().unwrap_or(0)
}

#[test]
fn install_completes_from_the_secure_repo_with_workers_beside_it() {
    let world = World::new(
        vec![
            FixturePackage::healthy("alpha-widget", "2.1.0", &["beta-gadget>=1"]),
            FixturePackage::healthy("beta-gadget", "1.3.0", &[]),
        ],
        30,
    );
    let w1 = world.worker("60");
    let w2 = world.worker("60");
    let ran = Running::spawn(
        world
            .ctx
            .secpip(&["install", "alpha-widget"])
            .env("SECPIP_REPO_PASSWORD", &world.pypi.password),
    )
    .wait(Duration::from_secs(180));
    let logs = format!(
        "worker 1:\n{}\nworker 2:\n{}",
        w1.output_so_far(),
        w2.output_so_far()
    );
    ran.assert_code(0);
    assert!(
        world.ctx.venv_has("alpha-widget") && world.ctx.venv_has("beta-gadget"),
        "not installed\n{}\n{logs}",
        ran.describe()
    );
    // No scan ran inside the install: the workers did them.
    assert!(
        !ran.stderr.contains("verdict recorded"),
        "the install scanned in-process\n{}",
        ran.describe()
    );
    for (name, version) in [("alpha-widget", "2.1.0"), ("beta-gadget", "1.3.0")] {
        let row = world
            .row(name, version)
            .unwrap_or_else(|| panic!("no row for {name}\n{logs}"));
        assert_eq!(status_of(&row), "SECURE", "{row:#}");
        assert_eq!(scan_count(&row), 1, "{row:#}");
        assert!(
            world
                .pypi
                .packages
                .join(wheel_filename(name, version))
                .is_file(),
            "{name} was not published to the secure repository\n{logs}"
        );
        assert!(
            !world.ctx.data_dir.join("repo/pypi").join(name).exists(),
            "published locally instead"
        );
    }
    assert!(
        logs.contains("verdict recorded"),
        "no worker recorded a verdict\n{logs}"
    );
    // The decisions went out on the bus for security teams to route.
    let decisions = world.decisions();
    let secured: Vec<&str> = decisions
        .iter()
        .filter(|e| e["detail-type"] == "PackageSecured")
        .filter_map(|e| e["detail"]["key"].as_str())
        .collect();
    assert!(
        secured.contains(&"pypi:alpha-widget@2.1.0") && secured.contains(&"pypi:beta-gadget@1.3.0"),
        "decision events: {decisions:#?}"
    );
    for w in [w1, w2] {
        w.kill();
    }
}

#[test]
fn a_worker_killed_mid_scan_loses_nothing() {
    let world = World::new(
        vec![FixturePackage::healthy("beta-gadget", "1.3.0", &[])],
        4,
    );
    let wheel = wheel_filename("beta-gadget", "1.3.0");
    world
        .upstream
        .set_delay_for_agent(&wheel, "secpip/", Duration::from_secs(120));
    let first = world.worker("3");
    let install = Running::spawn(
        world
            .ctx
            .secpip(&["install", "beta-gadget"])
            .env("SECPIP_REPO_PASSWORD", &world.pypi.password)
            .env("SECPIP_LEASE_SECS", "3"),
    );
    // Wait until the first worker is stuck downloading, then kill it.
    let deadline = Instant::now() + Duration::from_secs(90);
    while world.upstream.artifact_gets(&wheel, "secpip/") == 0 {
        assert!(
            Instant::now() < deadline,
            "the worker never started the download\n{}\n{}",
            first.output_so_far(),
            install.output_so_far()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    first.kill();
    world
        .upstream
        .set_delay_for_agent(&wheel, "secpip/", Duration::ZERO);
    let second = world.worker("3");
    let ran = install.wait(Duration::from_secs(120));
    let logs = second.output_so_far();
    ran.assert_code(0);
    assert!(
        world.ctx.venv_has("beta-gadget"),
        "{}\n{logs}",
        ran.describe()
    );
    let row = world.row("beta-gadget", "1.3.0").expect("a row");
    assert_eq!(status_of(&row), "SECURE", "{row:#}");
    assert!(
        logs.contains("verdict recorded"),
        "the second worker did not finish it\n{logs}"
    );
    second.kill();
}

#[test]
fn twenty_concurrent_installs_of_one_new_package_cause_one_scan() {
    let world = World::new(
        vec![FixturePackage::healthy("gamma-tool", "1.4.0", &[])],
        30,
    );
    let wheel = wheel_filename("gamma-tool", "1.4.0");
    // Hold the scan's download so every install arrives while it is in flight.
    world
        .upstream
        .set_delay_for_agent(&wheel, "secpip/", Duration::from_secs(8));
    let w1 = world.worker("60");
    let w2 = world.worker("60");
    let installs: Vec<(std::path::PathBuf, Running)> = (0..20)
        .map(|i| {
            let venv = world.ctx.new_venv(&format!("venv-{i}"));
            let run = Running::spawn(
                world
                    .ctx
                    .secpip_with_venv(&venv, &["install", "gamma-tool"])
                    .env("SECPIP_REPO_PASSWORD", &world.pypi.password),
            );
            (venv, run)
        })
        .collect();
    for (venv, run) in installs {
        let ran = run.wait(Duration::from_secs(240));
        ran.assert_code(0);
        assert!(
            world.ctx.venv_has_in(&venv, "gamma-tool"),
            "{}",
            ran.describe()
        );
    }
    let row = world.row("gamma-tool", "1.4.0").expect("a row");
    assert_eq!(status_of(&row), "SECURE", "{row:#}");
    assert_eq!(scan_count(&row), 1, "one claim, one scan: {row:#}");
    assert_eq!(
        world.upstream.artifact_gets(&wheel, "secpip/"),
        1,
        "the wheel was downloaded for more than one scan"
    );
    for w in [w1, w2] {
        w.kill();
    }
}

#[test]
fn npm_install_on_the_aws_backend_publishes_to_the_team_registry() {
    use crate::common::npm_upstream::{NpmPackage, NpmProject, NpmUpstream};
    use crate::common::team_servers::Verdaccio;

    let registry = NpmUpstream::start(vec![
        NpmPackage::healthy("quillmoth-pad", "1.4.2", &[]),
        NpmPackage::healthy("brindle-strings", "2.1.0", &[("quillmoth-pad", "^1.2.0")]),
    ]);
    let verdaccio = Verdaccio::start();
    let token = block(secpip::repo::upload::npm_login(
        &reqwest::Client::new(),
        &verdaccio.registry_url(),
        "secpip-ci",
        "team-password-1",
    ))
    .unwrap_or_else(|e| panic!("npm login: {e}\n{}", verdaccio.log()));
    let dynalite = Dynalite::start();
    let moto = Moto::start();
    block(dynalite.create_table(TABLE));
    let (queue_url, _decisions) = block(wire_bus(&moto.endpoint, 30));
    let pypi = Upstream::start(vec![]);
    let ctx = TestContext::new(&pypi);
    let aws_dir = ctx.home.join(".aws");
    std::fs::create_dir_all(&aws_dir).expect("create ~/.aws");
    std::fs::write(
        aws_dir.join("credentials"),
        "[default]\naws_access_key_id = AKIDTEST\naws_secret_access_key = secret-test\n",
    )
    .expect("write ~/.aws/credentials");
    let cfg = std::fs::read_to_string(&ctx.config_path).expect("read secpip.toml");
    std::fs::write(&ctx.config_path, format!("backend = \"aws\"\n{cfg}")).expect("write");
    ctx.append_config(&format!(
        "\n[npm]\nregistry = \"{}\"\n[repo]\nnpm_registry_url = \"{}\"\n\
         [aws]\nregion = \"{REGION}\"\ntable = \"{TABLE}\"\nevent_bus = \"{BUS}\"\nqueue_url = \"{queue_url}\"\n\
         dynamodb_endpoint_url = \"{}\"\neventbridge_endpoint_url = \"{}\"\nsqs_endpoint_url = \"{}\"\n",
        registry.registry_url(),
        verdaccio.registry_url(),
        dynalite.endpoint,
        moto.endpoint,
        moto.endpoint,
    ));
    let worker = Running::spawn(
        ctx.secpip(&["worker", "--wait-secs", "1"])
            .env("SECPIP_REPO_TOKEN", &token)
            .env("SECPIP_LOG", "secpip=info"),
    );
    let project = NpmProject::new(&registry.registry_url(), &[("brindle-strings", "^2.0.0")]);
    let dir = project.dir.display().to_string();
    let ran = Running::spawn(
        ctx.secpip(&["npm", "install", "-C", &dir])
            .env("SECPIP_REPO_TOKEN", &token)
            .env("npm_config_cache", &project.cache)
            .env("npm_config_userconfig", &project.userconfig)
            .env("npm_config_globalconfig", &project.globalconfig)
            .env("npm_config_fetch_retries", "0"),
    )
    .wait(Duration::from_secs(180));
    let logs = worker.output_so_far();
    ran.assert_code(0);
    assert_eq!(
        project.installed_version("brindle-strings").as_deref(),
        Some("2.1.0"),
        "{}\n{logs}",
        ran.describe()
    );
    assert_eq!(
        project.installed_version("quillmoth-pad").as_deref(),
        Some("1.4.2")
    );
    assert!(
        logs.contains("verdict recorded"),
        "the worker did not scan\n{logs}"
    );
    assert!(
        !ran.stderr.contains("verdict recorded"),
        "scanned in-process"
    );
    let doc: Value = block(async {
        reqwest::get(format!("{}quillmoth-pad", verdaccio.registry_url()))
            .await
            .expect("GET the packument")
            .json()
            .await
            .expect("packument JSON")
    });
    assert!(
        doc["versions"]["1.4.2"].is_object(),
        "{doc:#}\n{}",
        verdaccio.log()
    );
    assert!(!ran.stderr.contains(&token) && !logs.contains(&token));
    worker.kill();
}
