//! Shared AWS plumbing: one SDK configuration (standard credential chain,
//! `--profile`/`--region`, retries with backoff for throttling) and one way
//! to turn SDK errors into messages that say what to do next.
//!
//! Credentials are never logged or printed: errors carry the service's
//! error code and message, never request headers.

use crate::config::AwsSettings;
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// Attempts per call (the first try included); throttling backs off exponentially.
pub const MAX_ATTEMPTS: u32 = 8;

/// Loaded configurations, by (region, profile): the status table, the
/// scan queue and the secure repository of one process share one, so the
/// credential chain (SSO, STS, IMDS) is walked and its credentials cached
/// once, not once per component.
type Loaded = Mutex<HashMap<(Option<String>, Option<String>), SdkConfig>>;

fn loaded() -> &'static Loaded {
    static LOADED: OnceLock<Loaded> = OnceLock::new();
    LOADED.get_or_init(Loaded::default)
}

/// The SDK configuration for `aws`: region and profile from settings when
/// given, else the standard chain (env, shared config, SSO, IMDS/ECS).
/// Loaded on first use and shared by every client of the process.
pub async fn sdk_config(aws: &AwsSettings) -> SdkConfig {
    let key = (aws.region.clone(), aws.profile.clone());
    // A poisoned lock only means another thread panicked while holding it;
    // the map is still whole (inserts are single calls).
    if let Some(sdk) = loaded()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(&key)
    {
        return sdk.clone();
    }
    // Loaded outside the lock (it awaits); two first callers at once both
    // load, and the first stored wins.
    let sdk = load(aws).await;
    loaded()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .entry(key)
        .or_insert(sdk)
        .clone()
}

async fn load(aws: &AwsSettings) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).retry_config(
        RetryConfig::standard()
            .with_max_attempts(MAX_ATTEMPTS)
            .with_initial_backoff(Duration::from_millis(50)),
    );
    if let Some(region) = &aws.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(profile) = &aws.profile {
        loader = loader.profile_name(profile);
    }
    loader.load().await
}

/// A DynamoDB client honouring `[aws] dynamodb_endpoint_url`.
pub fn dynamodb(sdk: &SdkConfig, aws: &AwsSettings) -> aws_sdk_dynamodb::Client {
    let mut b = aws_sdk_dynamodb::config::Builder::from(sdk);
    if let Some(url) = &aws.endpoints.dynamodb {
        b = b.endpoint_url(url);
    }
    aws_sdk_dynamodb::Client::from_conf(b.build())
}

/// An EventBridge client honouring `[aws] eventbridge_endpoint_url`.
pub fn eventbridge(sdk: &SdkConfig, aws: &AwsSettings) -> aws_sdk_eventbridge::Client {
    let mut b = aws_sdk_eventbridge::config::Builder::from(sdk);
    if let Some(url) = &aws.endpoints.eventbridge {
        b = b.endpoint_url(url);
    }
    aws_sdk_eventbridge::Client::from_conf(b.build())
}

/// An SQS client honouring `[aws] sqs_endpoint_url`.
pub fn sqs(sdk: &SdkConfig, aws: &AwsSettings) -> aws_sdk_sqs::Client {
    let mut b = aws_sdk_sqs::config::Builder::from(sdk);
    if let Some(url) = &aws.endpoints.sqs {
        b = b.endpoint_url(url);
    }
    aws_sdk_sqs::Client::from_conf(b.build())
}

/// A CodeArtifact client honouring `[aws] codeartifact_endpoint_url`.
pub fn codeartifact(sdk: &SdkConfig, aws: &AwsSettings) -> aws_sdk_codeartifact::Client {
    let mut b = aws_sdk_codeartifact::config::Builder::from(sdk);
    if let Some(url) = &aws.endpoints.codeartifact {
        b = b.endpoint_url(url);
    }
    aws_sdk_codeartifact::Client::from_conf(b.build())
}

/// What went wrong in an AWS call, with the next step: `doing` says what we
/// were doing ("reading the status table"), `resource` names what we asked
/// for ("table secpip-status").
pub fn explain<E, R>(doing: &str, resource: &str, err: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let detail = match err {
        SdkError::ServiceError(e) => {
            let e = e.err();
            match (e.code(), e.message()) {
                (Some(code), Some(msg)) => format!("{code}: {msg}"),
                (Some(code), None) => code.to_string(),
                _ => DisplayErrorContext(e).to_string(),
            }
        }
        other => {
            let top = other.to_string();
            match std::error::Error::source(other) {
                Some(source) => format!("{top}: {}", crate::http::causes(source)),
                None => top,
            }
        }
    };
    let hint = hint(
        err.code(),
        &detail,
        matches!(
            err,
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_)
        ),
    );
    match hint {
        Some(hint) => format!("{doing} ({resource}): {detail}\n  hint: {hint}"),
        None => format!("{doing} ({resource}): {detail}"),
    }
}

/// The next step for an error code or transport failure.
fn hint(code: Option<&str>, detail: &str, unreachable: bool) -> Option<&'static str> {
    let code = code.unwrap_or("");
    if code == "ResourceNotFoundException" || code.ends_with("NotFound") {
        return Some("it does not exist in this account and region: deploy deploy/secpip.yaml, or set the names under [aws] in secpip.toml (and --region)");
    }
    if code.contains("AccessDenied")
        || code == "UnrecognizedClientException"
        || code == "InvalidSignatureException"
        || code == "UnauthorizedOperation"
    {
        return Some("access denied: the role or user needs the secpip policy from deploy/secpip.yaml (developer/CI or worker role)");
    }
    if code == "ExpiredTokenException" || code == "ExpiredToken" {
        return Some("the AWS session expired: log in again (e.g. `aws sso login --profile NAME`)");
    }
    if code.contains("Throttl")
        || code == "ProvisionedThroughputExceededException"
        || code == "RequestLimitExceeded"
    {
        return Some("still throttled after retries: use on-demand capacity for the table or raise its limits, and run fewer workers");
    }
    let lower = detail.to_ascii_lowercase();
    if lower.contains("credential") {
        return Some("no usable AWS credentials: pass --profile NAME, set AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    }
    if lower.contains("region") && (lower.contains("missing") || lower.contains("no region")) {
        return Some("no AWS region: pass --region, set AWS_REGION, or set region under [aws]");
    }
    if unreachable {
        return Some("the AWS endpoint could not be reached: check the network, proxy, and any endpoint_url under [aws]");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{hint, load, sdk_config};
    use crate::config::AwsSettings;

    /// The credentials provider's identity: its cache partition, which
    /// `Debug` shows, tells one loaded chain from another.
    fn provider_id(sdk: &aws_config::SdkConfig) -> String {
        format!("{:?}", sdk.credentials_provider().map(|p| format!("{p:?}")))
    }

    #[tokio::test]
    async fn one_configuration_per_process() {
        let aws = AwsSettings {
            region: Some("eu-test-1".into()),
            ..AwsSettings::default()
        };
        let first = sdk_config(&aws).await;
        let second = sdk_config(&aws).await;
        assert_eq!(provider_id(&first), provider_id(&second));
        assert_eq!(second.region().map(|r| r.as_ref()), Some("eu-test-1"));
        // A fresh load is another chain with its own credential cache.
        assert_ne!(provider_id(&first), provider_id(&load(&aws).await));
        // Other settings, other configuration.
        let other = AwsSettings {
            region: Some("eu-test-2".into()),
            ..AwsSettings::default()
        };
        let other = sdk_config(&other).await;
        assert_eq!(other.region().map(|r| r.as_ref()), Some("eu-test-2"));
    }

    #[test]
    fn hints_name_the_next_step() {
        assert!(hint(Some("ResourceNotFoundException"), "", false)
            .unwrap()
            .contains("deploy/secpip.yaml"));
        assert!(hint(Some("AccessDeniedException"), "", false)
            .unwrap()
            .contains("policy"));
        assert!(
            hint(Some("ProvisionedThroughputExceededException"), "", false)
                .unwrap()
                .contains("throttled")
        );
        assert!(hint(None, "failed to load credentials: no providers", true)
            .unwrap()
            .contains("--profile"));
        assert!(hint(None, "connection refused", true)
            .unwrap()
            .contains("endpoint"));
        assert_eq!(hint(Some("ValidationException"), "bad key", false), None);
    }
}
