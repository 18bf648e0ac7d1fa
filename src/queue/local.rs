//! The embedded scan queue: a tokio task per request, at most `workers` at
//! once, running the [`Worker`] in this process.

use super::{QueueError, ScanQueue, ScanRequest};
use crate::worker::Worker;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// In-process [`ScanQueue`] with bounded concurrency.
pub struct LocalQueue {
    worker: Arc<Worker>,
    permits: Arc<Semaphore>,
    failures: Arc<Mutex<HashMap<String, String>>>,
}

impl LocalQueue {
    /// A queue running at most `workers` scans at once.
    pub fn new(worker: Arc<Worker>, workers: usize) -> LocalQueue {
        LocalQueue {
            worker,
            permits: Arc::new(Semaphore::new(workers.max(1))),
            failures: Arc::new(Mutex::new(HashMap::new())),
        }
    }
}

#[async_trait::async_trait]
impl ScanQueue for LocalQueue {
    async fn submit(&self, request: ScanRequest) -> Result<(), QueueError> {
        let worker = self.worker.clone();
        let permits = self.permits.clone();
        let failures = self.failures.clone();
        tokio::spawn(async move {
            // The semaphore is never closed, so acquiring only waits.
            let Ok(_permit) = permits.acquire_owned().await else {
                return;
            };
            let key = request.id.key();
            if let Err(e) = worker.scan(&request).await {
                tracing::warn!(package = %request.id, error = %e, "scan failed");
                if let Ok(mut f) = failures.lock() {
                    f.insert(key, e.to_string());
                }
            }
        });
        Ok(())
    }

    fn failure(&self, key: &str) -> Option<String> {
        self.failures.lock().ok()?.get(key).cloned()
    }
}
