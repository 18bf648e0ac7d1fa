//! Local stand-ins for AWS in tests: dynalite (a DynamoDB server on
//! LevelDB, here in memory) and moto's server (SQS, EventBridge and the
//! rest), so the AWS backend is tested against servers that speak the real
//! wire protocols, never against the account of whoever runs the tests.
//!
//! Both follow `team_servers`: installed once per machine, pinned, into
//! `<cargo target dir>/test-servers/` under an install lock; started by
//! absolute path with a cleared environment on `127.0.0.1` and a free port;
//! killed by PID when dropped. Clients get fake static credentials built
//! into their configuration, not process environment variables, so tests
//! running in parallel threads never race on `std::env`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TableStatus, TimeToLiveSpecification,
};
use secpip::config::AwsSettings;
use sha1::{Digest, Sha1};
use tempfile::TempDir;

use super::team_servers::{cache_root, free_port, install_once, npm_folder, pip_venv, Server};

/// The dynalite version installed (runs on Node 20).
pub const DYNALITE_VERSION: &str = "4.0.0";
/// moto with its `server` extra and every dependency, pinned as resolved
/// (one `name==version` a line, `#` comments), so a new release of any of
/// them cannot change the tests.
const MOTO_REQUIREMENTS: &str = include_str!("moto-requirements.txt");
/// The region every stand-in and client uses.
pub const REGION: &str = "us-east-1";
/// How long an install may take before the test gives up.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(540);

/// Fake static credentials and region for child processes (secpip run as a
/// binary against the stand-ins); IMDS is disabled so nothing probes the
/// network for an instance role.
pub fn aws_test_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", REGION),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]
}

/// `[aws]` settings whose every endpoint is `endpoint` (a stand-in).
pub fn aws_settings(endpoint: &str, table: &str) -> AwsSettings {
    let mut aws = AwsSettings {
        region: Some(REGION.into()),
        table: table.into(),
        ..AwsSettings::default()
    };
    aws.endpoints.dynamodb = Some(endpoint.into());
    aws.endpoints.eventbridge = Some(endpoint.into());
    aws.endpoints.sqs = Some(endpoint.into());
    aws.endpoints.codeartifact = Some(endpoint.into());
    aws
}

/// An SDK configuration with fake static credentials, the test region and
/// `max_attempts` tries per call (keep it small where a failure is expected).
pub async fn sdk_config(max_attempts: u32) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new("test", "test", None, None, "secpip-tests"))
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(max_attempts)
                .with_initial_backoff(Duration::from_millis(20)),
        )
        .load()
        .await
}

/// A DynamoDB client for `endpoint`, built the way secpip builds its own.
pub async fn dynamodb_client(endpoint: &str, max_attempts: u32) -> aws_sdk_dynamodb::Client {
    let sdk = sdk_config(max_attempts).await;
    secpip::aws::dynamodb(&sdk, &aws_settings(endpoint, "unused"))
}

/// An npm folder with dynalite (`<cache>/dynalite-<version>`).
fn dynalite_home() -> &'static Path {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let dir = cache_root().join(format!("dynalite-{DYNALITE_VERSION}"));
        install_once(dir, |dir| {
            npm_folder(
                dir,
                serde_json::json!({
                    "name": "secpip-test-dynalite",
                    "private": true,
                    "dependencies": { "dynalite": DYNALITE_VERSION },
                }),
                "dynalite",
            )
        })
    })
}

/// A venv with moto's server (`<cache>/moto-<version>`).
fn moto_home() -> &'static Path {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let pins: Vec<&str> = MOTO_REQUIREMENTS
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect();
        let moto = pins
            .iter()
            .find(|pin| pin.starts_with("moto=="))
            .expect("moto-requirements.txt pins moto");
        // A new pin list is a new venv: the name carries a digest of it.
        let digest = &hex::encode(Sha1::digest(MOTO_REQUIREMENTS.as_bytes()))[..10];
        let dir = cache_root().join(format!("{}-{digest}", moto.replace("==", "-")));
        install_once(dir, |dir| pip_venv(dir, &pins, "moto"))
    })
}

/// A running dynalite, in memory, with table state changes made instant.
pub struct Dynalite {
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    server: Server,
    _dir: TempDir,
}

impl Dynalite {
    /// Installs dynalite if needed and starts it.
    pub fn start() -> Dynalite {
        let home = dynalite_home();
        let dir = tempfile::Builder::new()
            .prefix("secpip-dynalite-")
            .tempdir()
            .expect("temp dir for dynalite");
        let port = free_port();
        let mut cmd = Command::new("node");
        cmd.arg(home.join("node_modules/dynalite/cli.js"))
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--createTableMs", "0", "--deleteTableMs", "0"])
            .args(["--updateTableMs", "0"]);
        let server = Server::start("dynalite", &mut cmd, dir.path(), port);
        Dynalite {
            endpoint: format!("http://127.0.0.1:{port}"),
            server,
            _dir: dir,
        }
    }

    /// A client for this server (3 tries per call).
    pub async fn client(&self) -> aws_sdk_dynamodb::Client {
        dynamodb_client(&self.endpoint, 3).await
    }

    /// Creates `name` with secpip's schema (see `secpip::store::dynamodb`)
    /// and waits until it is ACTIVE. dynalite has no UpdateTimeToLive, so
    /// the TTL specification is only tried.
    pub async fn create_table(&self, name: &str) {
        self.create_table_with(name, true).await
    }

    /// Creates `name` with secpip's key but, unless `with_index`, no `gsi1`
    /// (a table made by hand, which secpip must refuse).
    pub async fn create_table_with(&self, name: &str, with_index: bool) {
        let client = self.client().await;
        let attr = |n: &str| {
            AttributeDefinition::builder()
                .attribute_name(n)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .expect("attribute definition")
        };
        let key = |n: &str, t: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(n)
                .key_type(t)
                .build()
                .expect("key schema element")
        };
        let gsi = GlobalSecondaryIndex::builder()
            .index_name("gsi1")
            .key_schema(key("gsi1pk", KeyType::Hash))
            .key_schema(key("gsi1sk", KeyType::Range))
            .projection(
                Projection::builder()
                    .projection_type(ProjectionType::All)
                    .build(),
            )
            .build()
            .expect("gsi1");
        let mut create = client
            .create_table()
            .table_name(name)
            .attribute_definitions(attr("pk"))
            .key_schema(key("pk", KeyType::Hash))
            .billing_mode(BillingMode::PayPerRequest);
        if with_index {
            create = create
                .attribute_definitions(attr("gsi1pk"))
                .attribute_definitions(attr("gsi1sk"))
                .global_secondary_indexes(gsi);
        }
        create
            .send()
            .await
            .unwrap_or_else(|e| panic!("create table {name}: {e:?}\n{}", self.log()));
        for _ in 0..200 {
            let out = client
                .describe_table()
                .table_name(name)
                .send()
                .await
                .expect("describe the new table");
            if out.table().and_then(|t| t.table_status()) == Some(&TableStatus::Active) {
                let _ = client
                    .update_time_to_live()
                    .table_name(name)
                    .time_to_live_specification(
                        TimeToLiveSpecification::builder()
                            .enabled(true)
                            .attribute_name("expires_at")
                            .build()
                            .expect("ttl spec"),
                    )
                    .send()
                    .await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("table {name} did not become ACTIVE\n{}", self.log());
    }

    /// The server's log so far (for failure messages).
    pub fn log(&self) -> String {
        self.server.log()
    }
}

/// A running moto server (every service moto mocks, one endpoint).
pub struct Moto {
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    server: Server,
    _dir: TempDir,
}

impl Moto {
    /// Installs moto if needed and starts it.
    pub fn start() -> Moto {
        let home = moto_home();
        let dir = tempfile::Builder::new()
            .prefix("secpip-moto-")
            .tempdir()
            .expect("temp dir for moto");
        let port = free_port();
        let mut cmd = Command::new(home.join("venv").join("bin").join("moto_server"));
        cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
        let server = Server::start("moto", &mut cmd, dir.path(), port);
        Moto {
            endpoint: format!("http://127.0.0.1:{port}"),
            server,
            _dir: dir,
        }
    }

    /// The server's log so far (for failure messages).
    pub fn log(&self) -> String {
        self.server.log()
    }
}
