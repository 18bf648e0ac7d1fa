//! Waiting for verdicts: claim what nobody vets yet, submit scans, and poll
//! the store (with backoff) until every package is SECURE or BLOCK.
//!
//! A CHECK whose lease lapsed (its worker died) is claimed again. Ctrl-C
//! releases our claims, so the store never keeps a CHECK nobody works on.

use crate::ecosystem::ResolvedPackage;
use crate::queue::{ScanQueue, ScanRequest};
use crate::report::progress::Progress;
use crate::store::{now_ms, Claim, Record, Status, StatusStore, StoreError};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

/// Why waiting stopped before every package was decided.
#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Submitting a scan failed.
    #[error(transparent)]
    Queue(#[from] crate::queue::QueueError),
    /// The overall timeout passed.
    #[error("timed out after {secs}s waiting for verdicts on: {pending}; raise [install] timeout_secs or --timeout, or check `secpip status`")]
    Timeout {
        /// Seconds waited.
        secs: u64,
        /// Packages still undecided.
        pending: String,
    },
    /// A scan ended without a verdict.
    #[error("the scan of {package} failed: {message}; nothing was installed — run the install again to retry")]
    ScanFailed {
        /// The package.
        package: String,
        /// Why.
        message: String,
    },
    /// Ctrl-C.
    #[error("interrupted; claims released, nothing was installed")]
    Interrupted,
}

/// How often a scan we asked for may end without a verdict before we give up.
const MAX_REMOTE_RETRIES: u32 = 3;

/// A unique claim owner for this process: `user@host:pid:random`.
pub fn owner_id() -> String {
    format!(
        "{}:{}:{:08x}",
        crate::store::whoami(),
        std::process::id(),
        rand::random::<u32>()
    )
}

/// The wait loop's collaborators.
pub struct Waiter<'a> {
    /// Status store.
    pub store: &'a dyn StatusStore,
    /// Where scans go.
    pub queue: &'a dyn ScanQueue,
    /// Progress reporter.
    pub progress: &'a dyn Progress,
    /// Lease of our claims.
    pub lease: Duration,
    /// Overall timeout.
    pub timeout: Duration,
    /// Our claim owner id.
    pub owner: String,
    /// SECURE verdicts recorded before this (Unix ms) are re-checked.
    pub stale_before: Option<i64>,
}

impl Waiter<'_> {
    /// Returns the final row of every package once all are SECURE or BLOCK.
    pub async fn decide_all(&self, tree: &[ResolvedPackage]) -> Result<Vec<Record>, WaitError> {
        let mut mine: HashSet<String> = HashSet::new();
        let result = tokio::select! {
            r = self.run(tree, &mut mine) => r,
            _ = tokio::signal::ctrl_c() => Err(WaitError::Interrupted),
        };
        if result.is_err() {
            for p in tree.iter().filter(|p| mine.contains(&p.id.key())) {
                let _ = self.store.release(&p.id, &self.owner).await;
            }
        }
        result
    }

    /// Claims `p`; when we get it, its scan request joins `batch` (sent
    /// with [`ScanQueue::submit_many`], so event buses get full batches).
    async fn claim(
        &self,
        p: &ResolvedPackage,
        mine: &mut HashSet<String>,
        batch: &mut Vec<ScanRequest>,
    ) -> Result<Option<Record>, WaitError> {
        match self
            .store
            .claim(&p.id, &self.owner, self.lease, self.stale_before)
            .await?
        {
            Claim::Claimed => {
                mine.insert(p.id.key());
                self.progress.scanning(&p.id);
                batch.push(ScanRequest {
                    id: p.id.clone(),
                    artifacts: p.artifacts.clone(),
                    owner: self.owner.clone(),
                    requested_by: crate::store::whoami(),
                });
                Ok(None)
            }
            Claim::Taken(r) => Ok(Some(*r)),
        }
    }

    async fn submit(&self, batch: &mut Vec<ScanRequest>) -> Result<(), WaitError> {
        if !batch.is_empty() {
            self.queue.submit_many(std::mem::take(batch)).await?;
        }
        Ok(())
    }

    async fn run(
        &self,
        tree: &[ResolvedPackage],
        mine: &mut HashSet<String>,
    ) -> Result<Vec<Record>, WaitError> {
        let started = Instant::now();
        let ids: Vec<_> = tree.iter().map(|p| p.id.clone()).collect();
        let rows = self.store.get_many(&ids).await?;
        let mut done: BTreeMap<String, Record> = BTreeMap::new();
        let mut pending: Vec<&ResolvedPackage> = Vec::new();
        let mut watched: HashSet<String> = HashSet::new();
        for (p, row) in tree.iter().zip(rows) {
            match row {
                Some(r) if r.status != Status::Check && !r.secure_is_stale(self.stale_before) => {
                    done.insert(p.id.key(), r);
                }
                _ => pending.push(p),
            }
        }
        self.progress.start(tree.len(), done.len());
        let mut batch: Vec<ScanRequest> = Vec::new();
        // Scans released without a verdict by workers elsewhere, per package.
        let mut released: HashMap<String, u32> = HashMap::new();
        // First pass: claim what is absent (or abandoned); watch the rest.
        for p in &pending {
            let row = self
                .store
                .get_many(std::slice::from_ref(&p.id))
                .await?
                .pop()
                .flatten();
            let taken = match row {
                Some(r) if r.secure_is_stale(self.stale_before) => {
                    self.progress.note(&format!(
                        "{}: verdict older than the SECURE TTL; checking again",
                        p.id
                    ));
                    self.claim(p, mine, &mut batch).await?
                }
                Some(r) if !r.lease_expired(now_ms()) => Some(r),
                _ => self.claim(p, mine, &mut batch).await?,
            };
            if let Some(r) = taken {
                if r.status == Status::Check && watched.insert(p.id.key()) {
                    self.progress.scanning(&p.id);
                }
            }
        }
        self.submit(&mut batch).await?;
        let mut delay = Duration::from_millis(25);
        while !pending.is_empty() {
            if started.elapsed() > self.timeout {
                return Err(WaitError::Timeout {
                    secs: self.timeout.as_secs(),
                    pending: pending
                        .iter()
                        .map(|p| p.id.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 3 / 2).min(Duration::from_millis(500));
            let ids: Vec<_> = pending.iter().map(|p| p.id.clone()).collect();
            let rows = self.store.get_many(&ids).await?;
            let mut still = Vec::new();
            for (p, row) in pending.into_iter().zip(rows) {
                let key = p.id.key();
                match row {
                    Some(r) if r.status != Status::Check => {
                        self.progress.decided(&p.id, r.status);
                        done.insert(key, r);
                    }
                    Some(r) if r.lease_expired(now_ms()) => {
                        // Its worker died: take it over.
                        self.progress.note(&format!(
                            "{}: previous scan abandoned (lease expired); scanning again",
                            p.id
                        ));
                        if let Some(r) = self.claim(p, mine, &mut batch).await? {
                            if r.status != Status::Check {
                                self.progress.decided(&p.id, r.status);
                                done.insert(key, r);
                                continue;
                            }
                        }
                        still.push(p);
                    }
                    Some(_) => still.push(p),
                    None => {
                        if mine.contains(&key) {
                            if let Some(message) = self.queue.failure(&key) {
                                return Err(WaitError::ScanFailed {
                                    package: p.id.to_string(),
                                    message,
                                });
                            }
                        }
                        // Released by someone (interrupted, or failed on a remote
                        // worker, which logs why): claim it again, a few times.
                        let count = released.entry(key.clone()).or_default();
                        *count += 1;
                        if mine.contains(&key) && *count > MAX_REMOTE_RETRIES {
                            return Err(WaitError::ScanFailed {
                                package: p.id.to_string(),
                                message: format!(
                                    "it ended without a verdict {count} times; see the worker logs"
                                ),
                            });
                        }
                        mine.remove(&key);
                        if let Some(r) = self.claim(p, mine, &mut batch).await? {
                            if r.status != Status::Check {
                                self.progress.decided(&p.id, r.status);
                                done.insert(key, r);
                                continue;
                            }
                        }
                        still.push(p);
                    }
                }
            }
            pending = still;
            self.submit(&mut batch).await?;
        }
        Ok(tree
            .iter()
            .filter_map(|p| done.remove(&p.id.key()))
            .collect())
    }
}
