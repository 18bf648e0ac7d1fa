//! `secpip worker`: long-polls the SQS queue the bus rule fills with
//! `ScanRequested` events and runs many scans at once.
//!
//! A message is deleted once its scan recorded a verdict, or when it turns
//! out to be stale (the package was decided, or is now claimed by someone
//! else). While a scan runs its visibility is extended, so a slow scan is not
//! handed to a second worker; if this process dies the message becomes
//! visible again after the visibility timeout and another worker takes it
//! (after `maxReceiveCount` receives the queue's redrive policy moves it to
//! the dead-letter queue). Any number of workers can run: the store's
//! conditional claim is what keeps one package to one verdict.

use super::remote::{Outcome, RemoteScans};
use crate::queue::events::parse_scan_request;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// SQS's limit on messages per receive.
const MAX_RECEIVE: usize = 10;

/// How the loop runs.
#[derive(Debug, Clone)]
pub struct SqsOptions {
    /// The queue URL.
    pub queue_url: String,
    /// Scans in flight at once.
    pub concurrency: usize,
    /// Visibility timeout for received messages.
    pub visibility: Duration,
    /// Long-poll wait per receive (SQS allows up to 20 s).
    pub wait: Duration,
}

/// Counters the loop keeps (printed at shutdown, handy in tests).
#[derive(Debug, Default)]
pub struct SqsStats {
    /// Messages received.
    pub received: AtomicU64,
    /// Scans that recorded a verdict.
    pub decided: AtomicU64,
    /// Stale messages deleted without a scan.
    pub stale: AtomicU64,
    /// Messages left for redelivery / the dead-letter queue.
    pub failed: AtomicU64,
}

/// Why the loop stopped.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SqsError(pub String);

/// The long-poll loop.
pub struct SqsWorker {
    scans: RemoteScans,
    sqs: aws_sdk_sqs::Client,
    options: SqsOptions,
    stats: Arc<SqsStats>,
}

impl SqsWorker {
    /// A loop feeding `scans` from the queue.
    pub fn new(scans: RemoteScans, sqs: aws_sdk_sqs::Client, options: SqsOptions) -> SqsWorker {
        SqsWorker {
            scans,
            sqs,
            options,
            stats: Arc::new(SqsStats::default()),
        }
    }

    /// The loop's counters.
    pub fn stats(&self) -> Arc<SqsStats> {
        self.stats.clone()
    }

    /// Receives and scans until `shutdown` resolves, then lets in-flight
    /// scans finish (their messages are deleted as usual).
    pub async fn run(
        self: Arc<Self>,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> Result<(), SqsError> {
        let permits = Arc::new(Semaphore::new(self.options.concurrency.max(1)));
        let mut failures = 0u32;
        tokio::pin!(shutdown);
        loop {
            // Ask only for as many messages as we can start now.
            let free = tokio::select! {
                _ = &mut shutdown => break,
                p = permits.clone().acquire_many_owned(1) => p,
            };
            drop(free);
            let want = permits.available_permits().clamp(1, MAX_RECEIVE);
            let received = tokio::select! {
                _ = &mut shutdown => break,
                r = self.receive(want) => r,
            };
            let messages = match received {
                Ok(m) => {
                    failures = 0;
                    m
                }
                Err(e) => {
                    failures += 1;
                    tracing::warn!(error = %e, "receiving from the scan queue failed");
                    if failures >= 5 {
                        return Err(SqsError(e));
                    }
                    tokio::time::sleep(Duration::from_secs(1 << failures.min(4))).await;
                    continue;
                }
            };
            for m in messages {
                let Ok(permit) = permits.clone().acquire_owned().await else {
                    break;
                };
                self.stats.received.fetch_add(1, Ordering::Relaxed);
                let me = self.clone();
                tokio::spawn(async move {
                    me.handle(m).await;
                    drop(permit);
                });
            }
        }
        // Graceful: wait for every in-flight scan to hand its permit back.
        let total = self.options.concurrency.max(1) as u32;
        let _ = permits.acquire_many(total).await;
        Ok(())
    }

    async fn receive(&self, want: usize) -> Result<Vec<aws_sdk_sqs::types::Message>, String> {
        let out = self
            .sqs
            .receive_message()
            .queue_url(&self.options.queue_url)
            .max_number_of_messages(want as i32)
            .wait_time_seconds(self.options.wait.as_secs().min(20) as i32)
            .visibility_timeout(self.visibility_secs())
            .send()
            .await
            .map_err(|e| {
                crate::aws::explain(
                    "receiving scan requests",
                    &format!("queue {}", self.options.queue_url),
                    &e,
                )
            })?;
        Ok(out.messages.unwrap_or_default())
    }

    fn visibility_secs(&self) -> i32 {
        self.options.visibility.as_secs().clamp(1, 43_200) as i32
    }

    async fn handle(&self, message: aws_sdk_sqs::types::Message) {
        let Some(receipt) = message.receipt_handle().map(str::to_string) else {
            return;
        };
        let request = match parse_scan_request(message.body().unwrap_or("")) {
            Ok(r) => r,
            Err(e) => {
                // Left alone: after maxReceiveCount it lands in the DLQ for a person to read.
                tracing::error!(error = %e, "unreadable message on the scan queue");
                self.stats.failed.fetch_add(1, Ordering::Relaxed);
                return;
            }
        };
        let keeper = self.keep_invisible(receipt.clone());
        let outcome = self.scans.process(&request).await;
        keeper.abort();
        match outcome {
            Outcome::Decided => {
                self.stats.decided.fetch_add(1, Ordering::Relaxed);
                self.delete(&receipt).await;
            }
            Outcome::Stale => {
                self.stats.stale.fetch_add(1, Ordering::Relaxed);
                self.delete(&receipt).await;
            }
            Outcome::Failed(_) => {
                self.stats.failed.fetch_add(1, Ordering::Relaxed);
                self.delete(&receipt).await;
            }
            // Left alone: a refused request ends in the DLQ for a person;
            // an unavailable table is retried when the message returns.
            Outcome::Refused(_) | Outcome::Unavailable(_) => {
                self.stats.failed.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Extends the message's visibility every half timeout while a scan runs.
    fn keep_invisible(&self, receipt: String) -> tokio::task::JoinHandle<()> {
        let sqs = self.sqs.clone();
        let url = self.options.queue_url.clone();
        let secs = self.visibility_secs();
        tokio::spawn(async move {
            let every = Duration::from_millis((secs as u64 * 1000 / 2).max(500));
            loop {
                tokio::time::sleep(every).await;
                let r = sqs
                    .change_message_visibility()
                    .queue_url(&url)
                    .receipt_handle(&receipt)
                    .visibility_timeout(secs)
                    .send()
                    .await;
                if let Err(e) = r {
                    tracing::warn!(
                        "{}",
                        crate::aws::explain("extending a message's visibility", &url, &e)
                    );
                }
            }
        })
    }

    async fn delete(&self, receipt: &str) {
        let r = self
            .sqs
            .delete_message()
            .queue_url(&self.options.queue_url)
            .receipt_handle(receipt)
            .send()
            .await;
        if let Err(e) = r {
            // The message comes back; the next worker finds it stale.
            tracing::warn!(
                "{}",
                crate::aws::explain("deleting a finished message", &self.options.queue_url, &e)
            );
        }
    }
}
