//! `[aws]` in `secpip.toml`: the scale-out backend (DynamoDB status table,
//! EventBridge scan requests, SQS-fed workers, CodeArtifact secure repos).
//!
//! Credentials never appear here: the SDK's standard chain (env, profile,
//! SSO, instance/task role) supplies them, so nothing secret sits in a file
//! that people commit.

use serde::Deserialize;

/// Default DynamoDB table name (matches `deploy/secpip.yaml`).
pub const DEFAULT_TABLE: &str = "secpip-status";
/// Default EventBridge bus name (matches `deploy/secpip.yaml`).
pub const DEFAULT_EVENT_BUS: &str = "secpip";

/// Which implementation of store, queue and repository is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// SQLite + in-process worker + local folder (no setup).
    #[default]
    Embedded,
    /// DynamoDB + EventBridge + CodeArtifact (or a team repository).
    Aws,
}

impl Backend {
    /// Parses `embedded` or `aws`.
    pub fn parse(s: &str) -> Result<Backend, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "embedded" | "local" => Ok(Backend::Embedded),
            "aws" => Ok(Backend::Aws),
            other => Err(format!(
                "unknown backend {other:?}: use \"embedded\" (default) or \"aws\""
            )),
        }
    }
}

/// The raw `[aws]` table; unknown keys are errors.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAws {
    region: Option<String>,
    profile: Option<String>,
    table: Option<String>,
    event_bus: Option<String>,
    queue_url: Option<String>,
    endpoint_url: Option<String>,
    dynamodb_endpoint_url: Option<String>,
    eventbridge_endpoint_url: Option<String>,
    sqs_endpoint_url: Option<String>,
    codeartifact_endpoint_url: Option<String>,
    codeartifact_domain: Option<String>,
    codeartifact_domain_owner: Option<String>,
    codeartifact_pypi_repository: Option<String>,
    codeartifact_npm_repository: Option<String>,
    worker_concurrency: Option<usize>,
    visibility_timeout_secs: Option<u64>,
}

/// Per-service endpoint overrides (local stand-ins, VPC endpoints). The
/// SDK's own `AWS_ENDPOINT_URL[_SERVICE]` variables work as well.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsEndpoints {
    /// DynamoDB.
    pub dynamodb: Option<String>,
    /// EventBridge.
    pub eventbridge: Option<String>,
    /// SQS.
    pub sqs: Option<String>,
    /// CodeArtifact.
    pub codeartifact: Option<String>,
}

/// Where vetted files go on AWS: a CodeArtifact domain with one secure
/// repository per ecosystem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeArtifactSettings {
    /// Domain name.
    pub domain: String,
    /// Account that owns the domain (defaults to the caller's).
    pub domain_owner: Option<String>,
    /// Secure repository for PyPI packages.
    pub pypi_repository: Option<String>,
    /// Secure repository for npm packages.
    pub npm_repository: Option<String>,
}

/// Resolved `[aws]` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsSettings {
    /// Region (else the SDK's chain: `AWS_REGION`, profile).
    pub region: Option<String>,
    /// Named profile (else `AWS_PROFILE` / default).
    pub profile: Option<String>,
    /// DynamoDB status table.
    pub table: String,
    /// EventBridge bus scan requests and decisions go to.
    pub event_bus: String,
    /// SQS queue the bus rule targets; `secpip worker` reads it.
    pub queue_url: Option<String>,
    /// Endpoint overrides.
    pub endpoints: AwsEndpoints,
    /// CodeArtifact secure repositories (else `[repo]` or nothing).
    pub codeartifact: Option<CodeArtifactSettings>,
    /// Scans one `secpip worker` runs at once.
    pub worker_concurrency: usize,
    /// How long a received message stays invisible to other workers.
    pub visibility_timeout_secs: u64,
}

impl Default for AwsSettings {
    fn default() -> Self {
        AwsSettings {
            region: None,
            profile: None,
            table: DEFAULT_TABLE.into(),
            event_bus: DEFAULT_EVENT_BUS.into(),
            queue_url: None,
            endpoints: AwsEndpoints::default(),
            codeartifact: None,
            worker_concurrency: 16,
            visibility_timeout_secs: 300,
        }
    }
}

impl RawAws {
    /// Resolves the table; `--profile`/`--region` flags win over the file.
    pub(super) fn resolve(
        self,
        profile: Option<String>,
        region: Option<String>,
    ) -> Result<AwsSettings, String> {
        let all = self.endpoint_url;
        let pick = |one: Option<String>| one.or_else(|| all.clone());
        let codeartifact = match self.codeartifact_domain {
            Some(domain) => Some(CodeArtifactSettings {
                domain,
                domain_owner: self.codeartifact_domain_owner,
                pypi_repository: self.codeartifact_pypi_repository,
                npm_repository: self.codeartifact_npm_repository,
            }),
            None if self.codeartifact_pypi_repository.is_some()
                || self.codeartifact_npm_repository.is_some() =>
            {
                return Err(
                    "codeartifact_*_repository is set but codeartifact_domain is not".into(),
                )
            }
            None => None,
        };
        let defaults = AwsSettings::default();
        Ok(AwsSettings {
            region: region.or(self.region),
            profile: profile.or(self.profile),
            table: self.table.unwrap_or(defaults.table),
            event_bus: self.event_bus.unwrap_or(defaults.event_bus),
            queue_url: self.queue_url,
            endpoints: AwsEndpoints {
                dynamodb: pick(self.dynamodb_endpoint_url),
                eventbridge: pick(self.eventbridge_endpoint_url),
                sqs: pick(self.sqs_endpoint_url),
                codeartifact: pick(self.codeartifact_endpoint_url),
            },
            codeartifact,
            worker_concurrency: self
                .worker_concurrency
                .unwrap_or(defaults.worker_concurrency)
                .clamp(1, 256),
            visibility_timeout_secs: self
                .visibility_timeout_secs
                .unwrap_or(defaults.visibility_timeout_secs)
                .clamp(1, 43_200),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_and_one_endpoint_serves_all() {
        let raw: RawAws = toml::from_str(
            r#"
            region = "eu-west-1"
            endpoint_url = "http://127.0.0.1:4000"
            sqs_endpoint_url = "http://127.0.0.1:5000"
            "#,
        )
        .unwrap();
        let aws = raw.resolve(None, Some("us-east-2".into())).unwrap();
        assert_eq!(aws.region.as_deref(), Some("us-east-2"));
        assert_eq!(aws.table, DEFAULT_TABLE);
        assert_eq!(
            aws.endpoints.dynamodb.as_deref(),
            Some("http://127.0.0.1:4000")
        );
        assert_eq!(aws.endpoints.sqs.as_deref(), Some("http://127.0.0.1:5000"));
    }

    #[test]
    fn repository_without_domain_is_refused() {
        let raw: RawAws = toml::from_str(r#"codeartifact_pypi_repository = "secure""#).unwrap();
        assert!(raw
            .resolve(None, None)
            .unwrap_err()
            .contains("codeartifact_domain"));
        assert!(toml::from_str::<RawAws>("tabel = \"x\"").is_err());
    }

    #[test]
    fn backend_names() {
        assert_eq!(Backend::parse("AWS"), Ok(Backend::Aws));
        assert_eq!(Backend::parse("embedded"), Ok(Backend::Embedded));
        assert!(Backend::parse("gcp").unwrap_err().contains("embedded"));
    }
}
