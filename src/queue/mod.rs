//! Scan requests: how an install asks for a package to be vetted. The
//! embedded queue runs scans in this process; other backends send the same
//! [`ScanRequest`] to a server or an event bus.

pub mod eventbridge;
pub mod events;
pub mod local;

use crate::ecosystem::{Artifact, PackageId};
use serde::{Deserialize, Serialize};

/// One package version to vet, with the files the resolver chose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanRequest {
    /// What to scan.
    pub id: PackageId,
    /// The exact files pip will install, with upstream digests.
    pub artifacts: Vec<Artifact>,
    /// The claim owner the verdict must be recorded under.
    pub owner: String,
    /// Who asked (`user@host`), for the record.
    pub requested_by: String,
}

/// Why a request could not be queued.
#[derive(Debug, thiserror::Error)]
#[error("could not queue the scan of {id}: {message}")]
pub struct QueueError {
    /// The package.
    pub id: String,
    /// Why.
    pub message: String,
}

/// Somewhere scan requests go.
#[async_trait::async_trait]
pub trait ScanQueue: Send + Sync {
    /// Submits a request; returns once it is accepted (not when it is done).
    async fn submit(&self, request: ScanRequest) -> Result<(), QueueError>;
    /// Submits several requests (queues that batch override this).
    async fn submit_many(&self, requests: Vec<ScanRequest>) -> Result<(), QueueError> {
        for r in requests {
            self.submit(r).await?;
        }
        Ok(())
    }
    /// Why the scan of `key` ended without a verdict, if this queue knows.
    fn failure(&self, key: &str) -> Option<String>;
}
