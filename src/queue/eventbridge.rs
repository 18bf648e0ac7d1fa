//! The AWS scan queue: scan requests become `ScanRequested` events on an
//! EventBridge bus (a rule routes them to the workers' SQS queue), and
//! workers publish their decisions on the same bus.
//!
//! PutEvents takes at most 10 entries and may accept some and refuse others
//! (`FailedEntryCount`): refused entries are sent again with backoff, and
//! what still fails is a clear error naming the packages and codes.

use super::events::{DecisionDetail, SCAN_REQUESTED, SOURCE};
use super::{QueueError, ScanQueue, ScanRequest};
use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use std::time::Duration;

/// PutEvents' limit on entries per call.
pub const MAX_BATCH: usize = 10;
/// Rounds of re-sending refused entries before giving up.
const ROUNDS: u32 = 4;

/// [`ScanQueue`] that publishes to an EventBridge bus.
#[derive(Clone)]
pub struct EventBridgeQueue {
    client: aws_sdk_eventbridge::Client,
    bus: String,
}

impl std::fmt::Debug for EventBridgeQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventBridgeQueue")
            .field("bus", &self.bus)
            .finish()
    }
}

/// One event to put: its detail-type, JSON detail and a label for errors.
struct Pending {
    label: String,
    entry: PutEventsRequestEntry,
}

impl EventBridgeQueue {
    /// A queue publishing to `bus` with `client`.
    pub fn new(client: aws_sdk_eventbridge::Client, bus: String) -> EventBridgeQueue {
        EventBridgeQueue { client, bus }
    }

    /// A queue from `[aws]` settings (standard credential chain).
    pub async fn connect(aws: &crate::config::AwsSettings) -> EventBridgeQueue {
        let sdk = crate::aws::sdk_config(aws).await;
        EventBridgeQueue::new(crate::aws::eventbridge(&sdk, aws), aws.event_bus.clone())
    }

    fn entry(&self, detail_type: &str, detail: String) -> PutEventsRequestEntry {
        PutEventsRequestEntry::builder()
            .event_bus_name(&self.bus)
            .source(SOURCE)
            .detail_type(detail_type)
            .detail(detail)
            .build()
    }

    fn scan_entry(&self, request: &ScanRequest) -> Result<Pending, QueueError> {
        let detail = serde_json::to_string(request).map_err(|e| QueueError {
            id: request.id.to_string(),
            message: format!("cannot encode the request: {e}"),
        })?;
        Ok(Pending {
            label: request.id.to_string(),
            entry: self.entry(SCAN_REQUESTED, detail),
        })
    }

    /// Publishes a decision (`PackageSecured` / `PackageBlocked`) so teams can route it.
    pub async fn publish_decision(&self, decision: &DecisionDetail) -> Result<(), QueueError> {
        let detail = serde_json::to_string(decision).map_err(|e| QueueError {
            id: decision.key.clone(),
            message: format!("cannot encode the decision: {e}"),
        })?;
        let entry = self.entry(decision.detail_type(), detail);
        self.put(vec![Pending {
            label: decision.key.clone(),
            entry,
        }])
        .await
    }

    /// Puts entries in batches of [`MAX_BATCH`], re-sending refused ones.
    async fn put(&self, entries: Vec<Pending>) -> Result<(), QueueError> {
        for chunk in chunks(entries) {
            self.put_batch(chunk).await?;
        }
        Ok(())
    }

    async fn put_batch(&self, mut batch: Vec<Pending>) -> Result<(), QueueError> {
        let mut delay = Duration::from_millis(100);
        let mut last_codes: Vec<String> = Vec::new();
        for round in 0..ROUNDS {
            if round > 0 {
                tokio::time::sleep(delay).await;
                delay *= 3;
            }
            let out = self
                .client
                .put_events()
                .set_entries(Some(batch.iter().map(|p| p.entry.clone()).collect()))
                .send()
                .await
                .map_err(|e| QueueError {
                    id: labels(&batch),
                    message: crate::aws::explain(
                        "sending scan requests",
                        &format!("event bus {}", self.bus),
                        &e,
                    ),
                })?;
            if out.failed_entry_count() == 0 {
                return Ok(());
            }
            // Results are positional: entry i answers request entry i.
            let results = out.entries();
            let mut refused = Vec::new();
            last_codes.clear();
            for (i, p) in batch.into_iter().enumerate() {
                if let Some(code) = results.get(i).and_then(|r| r.error_code()) {
                    let msg = results.get(i).and_then(|r| r.error_message()).unwrap_or("");
                    last_codes.push(format!("{}: {code} {msg}", p.label).trim().to_string());
                    refused.push(p);
                }
            }
            if refused.is_empty() {
                // The count said failures but no entry carries one: trust the entries.
                return Ok(());
            }
            tracing::debug!(
                refused = refused.len(),
                round,
                "PutEvents refused entries; retrying"
            );
            batch = refused;
        }
        Err(QueueError {
            id: labels(&batch),
            message: format!(
                "the event bus {} refused them after {ROUNDS} attempts ({}); check the bus name and the events:PutEvents permission",
                self.bus,
                last_codes.join("; ")
            ),
        })
    }
}

fn labels(batch: &[Pending]) -> String {
    batch
        .iter()
        .map(|p| p.label.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn chunks(entries: Vec<Pending>) -> Vec<Vec<Pending>> {
    let mut out: Vec<Vec<Pending>> = Vec::new();
    for e in entries {
        match out.last_mut() {
            Some(last) if last.len() < MAX_BATCH => last.push(e),
            _ => out.push(vec![e]),
        }
    }
    out
}

#[async_trait::async_trait]
impl ScanQueue for EventBridgeQueue {
    async fn submit(&self, request: ScanRequest) -> Result<(), QueueError> {
        self.submit_many(vec![request]).await
    }

    async fn submit_many(&self, requests: Vec<ScanRequest>) -> Result<(), QueueError> {
        let entries = requests
            .iter()
            .map(|r| self.scan_entry(r))
            .collect::<Result<Vec<_>, _>>()?;
        self.put(entries).await
    }

    fn failure(&self, _key: &str) -> Option<String> {
        // Remote workers release a failed claim; the wait loop counts retries.
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_hold_at_most_ten() {
        let entries: Vec<Pending> = (0..23)
            .map(|i| Pending {
                label: i.to_string(),
                entry: PutEventsRequestEntry::builder().detail("{}").build(),
            })
            .collect();
        let sizes: Vec<usize> = chunks(entries).iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![10, 10, 3]);
    }
}
