//! `secpip worker`: the AWS backend's scanner. Long-polls the SQS queue the
//! event bus fills, scans, publishes to the secure repository, records the
//! verdict in the DynamoDB table and announces it on the bus. Run as many as
//! the queue needs; SIGTERM / Ctrl-C stop receiving and let in-flight scans
//! finish.

use super::{runtime, Failure};
use crate::config::{Backend, Settings};
use crate::worker::remote::RemoteScans;
use crate::worker::sqs::{SqsOptions, SqsWorker};
use clap::Args;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// Arguments of `secpip worker`.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// SQS queue the scan-request rule targets (default: [aws] queue_url).
    #[arg(long, value_name = "URL")]
    queue_url: Option<String>,
    /// Scans at once (default: [aws] worker_concurrency, 16).
    #[arg(long, value_name = "N")]
    concurrency: Option<usize>,
    /// Seconds each receive long-polls (1-20).
    #[arg(long, value_name = "SECS", default_value_t = 20)]
    wait_secs: u64,
    /// Where scan requests' artifacts may be downloaded from (repeatable;
    /// default: the configured upstreams).
    #[arg(long = "artifact-origin", value_name = "URL")]
    artifact_origins: Vec<String>,
    /// Do not publish PackageSecured / PackageBlocked events.
    #[arg(long)]
    no_events: bool,
}

/// Runs `secpip worker`.
pub fn run(settings: Settings, args: WorkerArgs) -> Result<u8, Failure> {
    if settings.backend != Backend::Aws {
        return Err(Failure::usage(anyhow::anyhow!(
            "secpip worker serves the AWS backend: set backend = \"aws\" in secpip.toml or pass --backend aws (the embedded backend scans inside `secpip install`; a team server scans in `secpip serve`)"
        )));
    }
    let queue_url = args
        .queue_url
        .clone()
        .or_else(|| settings.aws.queue_url.clone())
        .ok_or_else(|| {
            Failure::usage(anyhow::anyhow!(
                "no scan queue: pass --queue-url or set [aws] queue_url (the QueueUrl output of deploy/secpip.yaml)"
            ))
        })?;
    let mut extra = Vec::new();
    for o in &args.artifact_origins {
        let u = url::Url::parse(o)
            .map_err(|e| Failure::usage(anyhow::anyhow!("--artifact-origin {o}: {e}")))?;
        extra.push(u.origin().ascii_serialization());
    }
    let concurrency = args
        .concurrency
        .unwrap_or(settings.aws.worker_concurrency)
        .clamp(1, 256);
    runtime()?.block_on(async move {
        let scans = RemoteScans::from_settings(&settings, extra, !args.no_events)
            .await
            .map_err(Failure::error)?;
        let sdk = crate::aws::sdk_config(&settings.aws).await;
        let options = SqsOptions {
            queue_url: queue_url.clone(),
            concurrency,
            visibility: Duration::from_secs(settings.aws.visibility_timeout_secs),
            wait: Duration::from_secs(args.wait_secs.clamp(1, 20)),
        };
        let sqs = Arc::new(SqsWorker::new(
            scans,
            crate::aws::sqs(&sdk, &settings.aws),
            options,
        ));
        let stats = sqs.stats();
        if settings.output.quiet == 0 && !settings.output.json {
            eprintln!("secpip worker: reading {queue_url} ({concurrency} scans at once)");
        }
        let result = sqs.run(crate::server::listen::shutdown_signal()).await;
        let summary = serde_json::json!({
            "received": stats.received.load(Ordering::Relaxed),
            "decided": stats.decided.load(Ordering::Relaxed),
            "stale": stats.stale.load(Ordering::Relaxed),
            "failed": stats.failed.load(Ordering::Relaxed),
        });
        if settings.output.json {
            println!("{summary}");
        } else if settings.output.quiet == 0 {
            eprintln!("secpip worker: stopped ({summary})");
        }
        result.map_err(|e| Failure::error(anyhow::anyhow!(e)))?;
        Ok(0)
    })
}
