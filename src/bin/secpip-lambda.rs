//! `secpip-lambda`: the AWS backend's worker as a Lambda function (cargo
//! feature `lambda`). An EventBridge rule invokes it with each
//! `ScanRequested` event directly, no SQS queue in between; it scans
//! exactly as `secpip worker` does (see `worker::remote`).
//!
//! Configuration is the same `secpip.toml` (`SECPIP_CONFIG`) with
//! `backend = "aws"` implied. A transient failure (the table unreadable) is
//! returned as an error so Lambda's asynchronous retries and the function's
//! on-failure destination take over; a refused or failed scan is answered,
//! since the waiting install asks again.

// The scan future (facts, downloads, content scan) nests deeply.
#![recursion_limit = "256"]

use lambda_runtime::{service_fn, LambdaEvent};
use secpip::config::{Overrides, Settings};
use secpip::queue::events::Envelope;
use secpip::worker::remote::{Outcome, RemoteScans};
use serde_json::{json, Value};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env(secpip::config::env::LOG)
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("secpip=info")),
        )
        .with_ansi(false)
        .without_time()
        .init();
    let settings = Settings::load(&Overrides {
        backend: Some("aws".into()),
        ..Overrides::default()
    })?;
    let scans = RemoteScans::from_settings(&settings, Vec::new(), true).await?;
    let scans = &scans;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        handle(scans, event.payload).await
    }))
    .await
}

/// Scans the request in one EventBridge event.
async fn handle(scans: &RemoteScans, payload: Value) -> Result<Value, lambda_runtime::Error> {
    let envelope: Envelope =
        serde_json::from_value(payload).map_err(|e| format!("not an EventBridge event: {e}"))?;
    let request = envelope.scan_request()?;
    Ok(match scans.process(&request).await {
        Outcome::Decided => json!({"package": request.id.key(), "outcome": "decided"}),
        Outcome::Stale => json!({"package": request.id.key(), "outcome": "stale"}),
        Outcome::Unavailable(message) => return Err(message.into()),
        Outcome::Refused(message) | Outcome::Failed(message) => {
            json!({"package": request.id.key(), "outcome": "failed", "error": message})
        }
    })
}
