//! `POST /v1/scans`: clients hand over the packages their resolver chose;
//! the server claims each one (a conditional write, so many clients asking
//! for one package start one scan) and queues it for the in-process worker.
//!
//! The queue is the embedded one's shape (a task per request, at most
//! `workers` at once, the real [`Worker`]) plus what a long-running server
//! needs and the CLI does not: a hook when a scan ends (audit row, metrics,
//! BLOCK notification, waking long-polls) and the set of scans in flight, so
//! shutdown can wait for them and release the claims of those it cannot.

use super::auth::Caller;
use super::{check, json_response, ApiError, Shared};
use crate::audit::{AuditEntry, AuditKind, AuditLog};
use crate::ecosystem::{Artifact, PackageId};
use crate::notify::{Notification, Notifier};
use crate::queue::{QueueError, ScanQueue, ScanRequest};
use crate::store::{Claim, Status, StatusStore};
use crate::verdict::{Decision, Verdict};
use crate::worker::Worker;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Most packages one request may submit.
pub const MAX_PACKAGES: usize = 1000;
/// Upstream metadata requests one scan request makes at once.
const VERIFY_AT_ONCE: usize = 16;

/// What happens when a scan ends.
#[derive(Clone)]
pub struct Outcomes {
    /// Where verdicts are recorded.
    pub audit: AuditLog,
    /// Who hears about BLOCKs.
    pub notifier: Notifier,
    /// Counters.
    pub metrics: Arc<super::metrics::Metrics>,
    /// Wakes long-polls.
    pub changed: Arc<super::Changes>,
}

/// The server's [`ScanQueue`]: bounded concurrency, completion hooks, and
/// the requests in flight.
pub struct ServerQueue {
    worker: Arc<Worker>,
    permits: Arc<Semaphore>,
    in_flight: Arc<Mutex<HashMap<String, ScanRequest>>>,
    failures: Arc<Mutex<HashMap<String, String>>>,
    outcomes: Outcomes,
}

impl ServerQueue {
    /// A queue running at most `workers` scans at once.
    pub fn new(worker: Arc<Worker>, workers: usize, outcomes: Outcomes) -> ServerQueue {
        ServerQueue {
            worker,
            permits: Arc::new(Semaphore::new(workers.max(1))),
            in_flight: Arc::new(Mutex::new(HashMap::new())),
            failures: Arc::new(Mutex::new(HashMap::new())),
            outcomes,
        }
    }

    /// Scans submitted and not finished (queued or running).
    pub fn depth(&self) -> usize {
        self.in_flight.lock().map(|m| m.len()).unwrap_or(0)
    }

    /// Waits up to `cap` for in-flight scans; releases the claims of the rest
    /// so another server or CLI can take them at once.
    pub async fn drain(&self, cap: Duration, store: &dyn StatusStore, owner: &str) {
        let deadline = tokio::time::Instant::now() + cap;
        while self.depth() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let left: Vec<PackageId> = self
            .in_flight
            .lock()
            .map(|m| m.values().map(|r| r.id.clone()).collect())
            .unwrap_or_default();
        for id in left {
            tracing::warn!(package = %id, "scan unfinished at shutdown; claim released");
            let _ = store.release(&id, owner).await;
        }
    }
}

/// Records what a finished scan decided: audit row, metrics, notification.
async fn finished(outcomes: &Outcomes, req: &ScanRequest, v: &Verdict) {
    let status = if v.decision == Decision::Allow {
        Status::Secure
    } else {
        Status::Block
    };
    outcomes.metrics.verdict(v.risk);
    let id = &req.id;
    let mut entry = AuditEntry::now(
        AuditKind::Verdict,
        id.ecosystem,
        &id.name,
        Some(&id.version),
    );
    entry.status = Some(status.as_str().into());
    entry.risk = Some(v.risk.as_str().into());
    entry.score = Some(v.score);
    entry.who = req.requested_by.clone();
    entry.why = v.message().into();
    entry.evidence = v
        .findings
        .iter()
        .map(|f| format!("{} (+{}): {}", f.code, f.points, f.reason))
        .collect();
    if let Err(e) = outcomes.audit.record(&entry).await {
        tracing::error!(package = %id, error = %e, "audit entry not written");
    }
    if status == Status::Block {
        outcomes.notifier.send(Notification {
            event: "block".into(),
            ecosystem: id.ecosystem.as_str().into(),
            package: id.name.clone(),
            version: Some(id.version.clone()),
            risk: Some(v.risk.as_str().into()),
            score: Some(v.score),
            reasons: v
                .findings
                .iter()
                .filter(|f| f.points != 0)
                .map(|f| f.reason.clone())
                .collect(),
            who: req.requested_by.clone(),
            at: entry.at,
        });
    }
}

#[async_trait::async_trait]
impl ScanQueue for ServerQueue {
    async fn submit(&self, request: ScanRequest) -> Result<(), QueueError> {
        let key = request.id.key();
        if let Ok(mut m) = self.in_flight.lock() {
            m.insert(key.clone(), request.clone());
        }
        if let Ok(mut f) = self.failures.lock() {
            f.remove(&key);
        }
        let worker = self.worker.clone();
        let permits = self.permits.clone();
        let in_flight = self.in_flight.clone();
        let failures = self.failures.clone();
        let outcomes = self.outcomes.clone();
        tokio::spawn(async move {
            // The semaphore is never closed, so acquiring only waits.
            if let Ok(_permit) = permits.acquire_owned().await {
                match worker.scan(&request).await {
                    Ok(v) => finished(&outcomes, &request, &v).await,
                    Err(e) => {
                        tracing::warn!(package = %request.id, error = %e, "scan failed");
                        if let Ok(mut f) = failures.lock() {
                            f.insert(key.clone(), e.to_string());
                        }
                    }
                }
            }
            if let Ok(mut m) = in_flight.lock() {
                m.remove(&key);
            }
            outcomes.changed.bump();
        });
        Ok(())
    }

    fn failure(&self, key: &str) -> Option<String> {
        self.failures.lock().ok()?.get(key).cloned()
    }
}

/// One package of a scan request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageIn {
    ecosystem: String,
    name: String,
    version: String,
    #[serde(default)]
    artifacts: Vec<Artifact>,
}

/// The body of `POST /v1/scans`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScansIn {
    packages: Vec<PackageIn>,
    /// Who the client says it is (`user@host`); recorded when no token names it.
    #[serde(default)]
    requested_by: Option<String>,
}

/// Claims each package and queues the scans of those we claimed.
async fn claim_all(
    state: Shared,
    requests: Vec<(PackageId, Vec<Artifact>)>,
    who: String,
) -> Result<Vec<serde_json::Value>, ApiError> {
    let lease = Duration::from_secs(state.settings.install.lease_secs);
    let stale = crate::store::secure_stale_before(state.settings.policy.secure_ttl_days);
    // Files of packages that will be scanned must be the upstream's own.
    let ids: Vec<PackageId> = requests.iter().map(|(id, _)| id.clone()).collect();
    let rows = state.store.get_many(&ids).await?;
    let undecided: Vec<_> = requests
        .iter()
        .zip(&rows)
        .filter(|(_, row)| {
            row.as_ref()
                .is_none_or(|r| r.status == Status::Check || r.secure_is_stale(stale))
        })
        .map(|(req, _)| req)
        .collect();
    for chunk in undecided.chunks(VERIFY_AT_ONCE) {
        futures_util::future::try_join_all(
            chunk
                .iter()
                .map(|(id, artifacts)| super::verify::published(&state, id, artifacts)),
        )
        .await?;
    }
    let mut out = Vec::with_capacity(requests.len());
    for (id, artifacts) in requests {
        let (status, queued) = match state.store.claim(&id, &state.owner, lease, stale).await? {
            Claim::Claimed => {
                state.metrics.scan_started();
                state
                    .queue
                    .submit(ScanRequest {
                        id: id.clone(),
                        artifacts,
                        owner: state.owner.clone(),
                        requested_by: who.clone(),
                    })
                    .await
                    .map_err(|e| ApiError::unavailable(e.to_string()))?;
                (Status::Check, true)
            }
            Claim::Taken(r) => (r.status, false),
        };
        out.push(serde_json::json!({ "key": id.key(), "status": status, "queued": queued }));
    }
    Ok(out)
}

/// `POST /v1/scans`: claims every package nobody vets yet and queues its
/// scan; answers 202 with each key and its current status.
pub async fn submit(
    State(state): State<Shared>,
    caller: Option<Extension<Caller>>,
    Json(body): Json<ScansIn>,
) -> Result<Response, ApiError> {
    if body.packages.is_empty() || body.packages.len() > MAX_PACKAGES {
        return Err(ApiError::bad_request(format!(
            "packages must hold 1 to {MAX_PACKAGES} entries"
        )));
    }
    let mut requests = Vec::with_capacity(body.packages.len());
    for p in body.packages {
        let eco = check::ecosystem(&p.ecosystem)?;
        check::validate(eco, &p.name, Some(&p.version)).map_err(ApiError::bad_request)?;
        if !state.upstreams.known(eco) {
            return Err(ApiError::unavailable(format!(
                "the {eco} upstream is not configured on this server"
            )));
        }
        if p.artifacts.is_empty() {
            return Err(ApiError::bad_request(format!(
                "{}@{}: artifacts are required",
                p.name, p.version
            )));
        }
        for a in &p.artifacts {
            crate::worker::origins::check_artifact(a, &state.artifact_origins)
                .map_err(ApiError::bad_request)?;
        }
        requests.push((PackageId::new(eco, &p.name, &p.version), p.artifacts));
    }
    let who = match (caller, body.requested_by) {
        (Some(Extension(Caller(label))), _) => label,
        (None, Some(claimed)) if !claimed.trim().is_empty() => {
            format!("{} (unauthenticated)", claimed.trim())
        }
        _ => "anonymous".to_string(),
    };
    // Claim and submit on a task of its own: if the client hangs up half-way,
    // no claim is left without its scan.
    let out = tokio::spawn(claim_all(state.clone(), requests, who))
        .await
        .map_err(|e| ApiError::unavailable(format!("claiming failed: {e}")))??;
    let keys: Vec<_> = out.iter().map(|o| o["key"].clone()).collect();
    Ok(json_response(
        StatusCode::ACCEPTED,
        &serde_json::json!({ "keys": keys, "packages": out }),
    ))
}
