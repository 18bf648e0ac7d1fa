//! One scan request that arrived from another machine (an SQS message or a
//! Lambda event): check it, skip it if it is stale, scan it, and announce
//! the decision. Shared by `secpip worker` and the Lambda handler, so both
//! treat a request the same way.

use super::{ScanError, Worker};
use crate::queue::eventbridge::EventBridgeQueue;
use crate::queue::events::DecisionDetail;
use crate::queue::ScanRequest;
use crate::store::{Status, StatusStore};
use std::sync::Arc;

/// What became of a request; each tells the transport what to do with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A verdict was recorded: done.
    Decided,
    /// Nothing to do (decided already, or no longer claimed by the
    /// requester): done.
    Stale,
    /// The request itself is unacceptable (artifacts off the upstreams, no
    /// digest): keep it for a person (the dead-letter queue).
    Refused(String),
    /// The scan failed and its claim was released; the waiting install
    /// asks again, so this request is done.
    Failed(String),
    /// The status table could not be read: the same request may succeed
    /// later, so hand it back.
    Unavailable(String),
}

/// Scans requests from other machines.
pub struct RemoteScans {
    worker: Arc<Worker>,
    store: Arc<dyn StatusStore>,
    events: Option<EventBridgeQueue>,
    artifact_origins: Vec<String>,
    name: String,
}

impl RemoteScans {
    /// Scans with `worker`; decisions go to `events` when set; artifacts
    /// only from `artifact_origins`; `name` identifies this worker.
    pub fn new(
        worker: Arc<Worker>,
        store: Arc<dyn StatusStore>,
        events: Option<EventBridgeQueue>,
        artifact_origins: Vec<String>,
        name: String,
    ) -> RemoteScans {
        RemoteScans {
            worker,
            store,
            events,
            artifact_origins,
            name,
        }
    }

    /// Everything a remote worker needs, from settings (backend aws): the
    /// status table, the secure repository, the upstreams (asked once), and
    /// the event bus for decisions unless `events` is false.
    pub async fn from_settings(
        settings: &crate::config::Settings,
        extra_origins: Vec<String>,
        events: bool,
    ) -> Result<RemoteScans, anyhow::Error> {
        let client = crate::http::client(std::time::Duration::from_secs(
            settings.sources.timeout_secs,
        ));
        // The repository first: a missing one is a configuration error
        // worth reporting before any AWS call.
        let repo = crate::backend::worker_repo(settings, client.clone()).await?;
        let store = crate::backend::store(settings).await?;
        let upstreams = super::upstreams::discover(settings).await;
        let mut origins = super::origins::origins_of(
            [
                settings.pypi.index_url.as_deref(),
                upstreams.pypi_json_url.as_deref(),
                upstreams.npm_registry.as_deref(),
            ]
            .into_iter()
            .flatten(),
        );
        origins.extend(extra_origins);
        let worker = Arc::new(Worker::new(
            store.clone(),
            repo,
            client,
            upstreams.sources.clone(),
            settings.policy.clone(),
            super::PopularSets::load(&settings.data_dir),
            std::time::Duration::from_secs(settings.install.lease_secs),
        ));
        let events = if events {
            Some(EventBridgeQueue::connect(&settings.aws).await)
        } else {
            None
        };
        Ok(RemoteScans::new(
            worker,
            store,
            events,
            origins,
            format!("{}:{}", crate::store::whoami(), std::process::id()),
        ))
    }

    /// Handles one request.
    pub async fn process(&self, request: &ScanRequest) -> Outcome {
        for a in &request.artifacts {
            if let Err(message) = super::origins::check_artifact(a, &self.artifact_origins) {
                tracing::error!(package = %request.id, error = %message, "refusing a scan request");
                return Outcome::Refused(message);
            }
        }
        match self.still_wanted(request).await {
            Ok(true) => {}
            Ok(false) => return Outcome::Stale,
            Err(message) => {
                tracing::warn!(package = %request.id, error = %message, "cannot read the status table");
                return Outcome::Unavailable(message);
            }
        }
        match self.worker.scan(request).await {
            Ok(_) => {
                self.publish_decision(request).await;
                Outcome::Decided
            }
            Err(ScanError::LostClaim(_)) => Outcome::Stale,
            Err(e) => {
                // The claim was released; the waiting install claims and asks again.
                tracing::warn!(package = %request.id, error = %e, "scan failed");
                Outcome::Failed(e.to_string())
            }
        }
    }

    /// Is the package still claimed by the request's owner (so the scan is wanted)?
    async fn still_wanted(&self, request: &ScanRequest) -> Result<bool, String> {
        let row = self
            .store
            .get_many(std::slice::from_ref(&request.id))
            .await
            .map_err(|e| e.to_string())?
            .pop()
            .flatten();
        Ok(row.is_some_and(|r| {
            r.status == Status::Check && r.owner.as_deref() == Some(request.owner.as_str())
        }))
    }

    async fn publish_decision(&self, request: &ScanRequest) {
        let Some(events) = &self.events else { return };
        let row = match self.store.get_many(std::slice::from_ref(&request.id)).await {
            Ok(mut rows) => rows.pop().flatten(),
            Err(e) => {
                tracing::warn!(package = %request.id, error = %e, "decision not published");
                return;
            }
        };
        let Some(detail) = row
            .as_ref()
            .and_then(|r| DecisionDetail::from_record(r, &request.requested_by, &self.name))
        else {
            return;
        };
        // Never on the decision path: a failure is logged, the verdict stands.
        if let Err(e) = events.publish_decision(&detail).await {
            tracing::warn!(package = %request.id, error = %e, "decision event not published");
        }
    }
}
