//! The scan pipeline for one package version: gather facts, judge them,
//! and either publish the verified files to the secure repository (SECURE)
//! or record the reasons (BLOCK).
//!
//! The claim's lease is renewed while the scan runs, so a live worker keeps
//! its package and a dead one's package is picked up by someone else.

use crate::ecosystem::{github, pypi::metadata, PackageId};
use crate::queue::ScanRequest;
use crate::repo::{RepoError, SecureRepo};
use crate::store::{PolicyAction, Status, StatusStore, StoreError};
use crate::verdict::facts::{Facts, Lookup, ProjectMetadata};
use crate::verdict::policy::{codes, FailMode, Policy};
use crate::verdict::popular::PopularIndex;
use crate::verdict::{self, Context, Decision, Finding, Risk, Verdict};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;

/// Where the worker gets its facts.
#[derive(Debug, Clone)]
pub struct Sources {
    /// JSON metadata API base of the upstream.
    pub json_url: String,
    /// Stats endpoint with `{name}` (empty: not asked).
    pub downloads_url: String,
    /// GitHub API base (empty: not asked).
    pub github_api_url: String,
    /// GitHub token.
    pub github_token: Option<String>,
}

/// Why a scan ended without a verdict (the claim is released for a retry).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The secure repository failed.
    #[error(transparent)]
    Repo(#[from] RepoError),
    /// Downloading an artifact failed.
    #[error("downloading {0}")]
    Download(String),
    /// Someone else took the claim over (our lease lapsed).
    #[error("lost the claim on {0} (lease expired); another worker finishes it")]
    LostClaim(String),
}

/// Runs scans; shared by every queue implementation.
pub struct Worker {
    store: Arc<dyn StatusStore>,
    repo: Arc<dyn SecureRepo>,
    client: reqwest::Client,
    sources: Sources,
    policy: Policy,
    popular: &'static PopularIndex,
    lease: Duration,
}

impl Worker {
    /// A worker over the given store and repository.
    pub fn new(
        store: Arc<dyn StatusStore>,
        repo: Arc<dyn SecureRepo>,
        client: reqwest::Client,
        sources: Sources,
        policy: Policy,
        popular: &'static PopularIndex,
        lease: Duration,
    ) -> Worker {
        Worker {
            store,
            repo,
            client,
            sources,
            policy,
            popular,
            lease,
        }
    }

    /// Scans one package and records the verdict. On error the claim is
    /// released so the next install can try again.
    pub async fn scan(&self, req: &ScanRequest) -> Result<Verdict, ScanError> {
        let heartbeat = {
            let store = self.store.clone();
            let id = req.id.clone();
            let owner = req.owner.clone();
            let lease = self.lease;
            tokio::spawn(async move {
                let every = (lease / 3).max(Duration::from_millis(200));
                loop {
                    tokio::time::sleep(every).await;
                    if !matches!(store.renew(&id, &owner, lease).await, Ok(true)) {
                        break;
                    }
                }
            })
        };
        let result = self.scan_inner(req).await;
        heartbeat.abort();
        match result {
            Ok(v) => Ok(v),
            Err(e) => {
                let _ = self.store.release(&req.id, &req.owner).await;
                Err(e)
            }
        }
    }

    async fn scan_inner(&self, req: &ScanRequest) -> Result<Verdict, ScanError> {
        let id = &req.id;
        let facts = gather_facts(&self.client, &self.sources, self.popular, id).await;
        let entries = self.store.policy_entries().await?;
        let (allow, block): (Vec<_>, Vec<_>) = entries
            .into_iter()
            .partition(|e| e.action == PolicyAction::Allow);
        let allow: Vec<_> = allow.into_iter().map(|e| e.rule).collect();
        let block: Vec<_> = block.into_iter().map(|e| e.rule).collect();
        let ctx = Context {
            policy: &self.policy,
            popular: self.popular,
            allow: &allow,
            block: &block,
        };
        let mut v = verdict::verdict(id, &facts, &ctx);
        if v.decision == Decision::Review {
            match self.policy.review {
                FailMode::Allow => v.decision = Decision::Allow,
                FailMode::Block => {
                    v.decision = Decision::Block;
                    v.findings.push(Finding {
                        code: codes::REVIEW_REQUIRED.into(),
                        points: 0,
                        reason: "Needs review: nobody approved this Yellow verdict".into(),
                        evidence: vec!["policy.review = \"block\"; approve with `secpip allow NAME@VERSION --reason …`".into()],
                    });
                }
            }
        }
        if v.decision == Decision::Allow {
            if let Some(mismatch) = self.fetch_and_publish(req, facts.metadata.found()).await? {
                v = Verdict::single(mismatch, Risk::Red, Decision::Block);
            }
        }
        let status = if v.decision == Decision::Allow {
            Status::Secure
        } else {
            Status::Block
        };
        if !self.store.finish(id, &req.owner, status, &v).await? {
            return Err(ScanError::LostClaim(id.to_string()));
        }
        tracing::info!(package = %id, status = status.as_str(), score = v.score, "verdict recorded");
        Ok(v)
    }

    /// Downloads every artifact, checks its sha256 against what the resolver
    /// and the metadata API published, and publishes it. Returns a finding
    /// instead when a digest does not match (nothing is published then).
    async fn fetch_and_publish(
        &self,
        req: &ScanRequest,
        meta: Option<&ProjectMetadata>,
    ) -> Result<Option<Finding>, ScanError> {
        let mut verified = Vec::new();
        for a in &req.artifacts {
            let bytes =
                crate::http::get_bytes(&self.client, &a.url, &[], crate::http::MAX_ARTIFACT_BYTES)
                    .await
                    .map_err(|e| ScanError::Download(e.to_string()))?;
            let actual = hex::encode(Sha256::digest(&bytes));
            let published = meta
                .and_then(|m| {
                    m.releases
                        .values()
                        .flatten()
                        .find(|f| f.filename == a.filename)
                })
                .and_then(|f| f.sha256.clone());
            let mut evidence = Vec::new();
            if actual != a.sha256 {
                evidence.push(format!(
                    "{}: index lists sha256 {}, download has {}",
                    a.filename, a.sha256, actual
                ));
            }
            if let Some(p) = published.filter(|p| *p != actual) {
                evidence.push(format!(
                    "{}: metadata API lists sha256 {}, download has {}",
                    a.filename, p, actual
                ));
            }
            if !evidence.is_empty() {
                return Ok(Some(Finding {
                    code: codes::HASH_MISMATCH.into(),
                    points: self
                        .policy
                        .weight(codes::HASH_MISMATCH)
                        .max(self.policy.red),
                    reason: "Downloaded file does not match its published sha256".into(),
                    evidence,
                }));
            }
            verified.push((a, bytes, actual));
        }
        for (a, bytes, sha) in verified {
            self.repo
                .publish(&req.id, &a.filename, &bytes, &sha)
                .await?;
        }
        Ok(None)
    }
}

/// Gathers the facts the verdict engine judges `id` by (metadata, downloads, stars).
pub async fn gather_facts(
    client: &reqwest::Client,
    sources: &Sources,
    popular: &PopularIndex,
    id: &PackageId,
) -> Facts {
    let popular_rank = popular.rank(&id.name);
    let metadata = async {
        match metadata::fetch_project(client, &sources.json_url, &id.name).await {
            Ok(m) => Lookup::Found(m),
            Err(e) => Lookup::Unknown(e),
        }
    };
    let downloads = async {
        if let Some(rank) = popular_rank {
            // The shipped snapshot is download evidence; no need to ask.
            return Lookup::Unknown(format!(
                "not asked: rank {rank} in the popular-package snapshot"
            ));
        }
        if sources.downloads_url.is_empty() {
            return Lookup::Unknown("no download statistics source configured".into());
        }
        match metadata::fetch_downloads(client, &sources.downloads_url, &id.name).await {
            Ok(n) => Lookup::Found(n),
            Err(e) => Lookup::Unknown(e.to_string()),
        }
    };
    let (metadata, downloads) = tokio::join!(metadata, downloads);
    let stars = match metadata.found().and_then(ProjectMetadata::github_repo) {
        None if metadata.found().is_some() => Lookup::Found(None),
        None => Lookup::Unknown("project metadata unavailable".into()),
        Some(_) if sources.github_api_url.is_empty() => {
            Lookup::Unknown("no GitHub API configured".into())
        }
        Some((owner, repo)) => match github::fetch_stars(
            client,
            &sources.github_api_url,
            sources.github_token.as_deref(),
            &owner,
            &repo,
        )
        .await
        {
            Ok(n) => Lookup::Found(Some(n)),
            Err(e) => Lookup::Unknown(e.to_string()),
        },
    };
    Facts {
        metadata,
        downloads,
        stars,
        now: time::OffsetDateTime::now_utc(),
    }
}
