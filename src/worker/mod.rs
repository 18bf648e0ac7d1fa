//! The scan pipeline for one package version: gather facts, judge them,
//! and either publish the verified files to the secure repository (SECURE)
//! or record the reasons (BLOCK).
//!
//! The claim's lease is renewed while the scan runs, so a live worker keeps
//! its package and a dead one's package is picked up by someone else.

pub mod advisories;
pub mod artifacts;
pub mod facts;
pub mod origins;
pub mod remote;
pub mod sqs;
pub mod upstreams;

pub use advisories::AdvisorySources;
pub use facts::gather_facts;

use crate::ecosystem::PackageId;
use crate::queue::ScanRequest;
use crate::repo::{RepoError, SecureRepo};
use crate::store::{PolicyAction, Status, StatusStore, StoreError};
use crate::verdict::policy::{codes, FailMode, Policy};
use crate::verdict::popular::PopularIndex;
use crate::verdict::{self, Context, Decision, Finding, Risk, Verdict};
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
    /// Advisory sources (OSV API, offline database).
    pub advisories: AdvisorySources,
    /// Upstream npm registry (ends in `/`; empty when not resolving npm).
    pub npm_registry: String,
    /// npm download statistics with `{name}` (empty: not asked).
    pub npm_downloads_url: String,
    /// npm packages whose lifecycle scripts will run (the rest are skipped).
    pub npm_scripts_allowed: Vec<crate::verdict::policy::ListRule>,
}

impl Sources {
    /// Sources from settings, for the upstream PyPI JSON API and npm registry in force.
    pub fn new(
        settings: &crate::config::Settings,
        json_url: String,
        npm_registry: String,
    ) -> Sources {
        Sources {
            json_url,
            downloads_url: settings.sources.downloads_url.clone(),
            github_api_url: settings.sources.github_api_url.clone(),
            github_token: settings.sources.github_token.clone(),
            advisories: AdvisorySources::new(&settings.sources.osv_url, &settings.data_dir),
            npm_registry,
            npm_downloads_url: settings.sources.npm_downloads_url.clone(),
            npm_scripts_allowed: settings.npm.scripts_allowed.clone(),
        }
    }
}

/// The popular-name lists of both ecosystems.
#[derive(Debug, Clone, Copy)]
pub struct PopularSets {
    /// PyPI's.
    pub pypi: &'static PopularIndex,
    /// npm's.
    pub npm: &'static PopularIndex,
}

impl PopularSets {
    /// The lists in force for a data dir (refreshed snapshots win).
    pub fn load(data_dir: &std::path::Path) -> PopularSets {
        PopularSets {
            pypi: crate::data::popular(crate::ecosystem::Ecosystem::Pypi, data_dir),
            npm: crate::data::popular(crate::ecosystem::Ecosystem::Npm, data_dir),
        }
    }

    /// The list of `ecosystem`.
    pub fn of(&self, ecosystem: crate::ecosystem::Ecosystem) -> &'static PopularIndex {
        match ecosystem {
            crate::ecosystem::Ecosystem::Pypi => self.pypi,
            crate::ecosystem::Ecosystem::Npm => self.npm,
        }
    }
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
    popular: PopularSets,
    lease: Duration,
    prefetched: advisories::Prefetched,
}

impl Worker {
    /// A worker over the given store and repository.
    pub fn new(
        store: Arc<dyn StatusStore>,
        repo: Arc<dyn SecureRepo>,
        client: reqwest::Client,
        sources: Sources,
        policy: Policy,
        popular: PopularSets,
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
            prefetched: advisories::Prefetched::default(),
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
        let (mut facts, adv) = tokio::join!(
            facts::gather_facts(
                &self.client,
                &self.sources,
                self.popular.of(id.ecosystem),
                &self.policy.typosquat,
                id
            ),
            advisories::lookup(&self.client, &self.sources.advisories, &self.prefetched, id)
        );
        facts.advisories = adv;
        let entries = self.store.policy_entries().await?;
        let (allow, block): (Vec<_>, Vec<_>) = entries
            .into_iter()
            .partition(|e| e.action == PolicyAction::Allow);
        let allow: Vec<_> = allow.into_iter().map(|e| e.rule).collect();
        let block: Vec<_> = block.into_iter().map(|e| e.rule).collect();
        let ctx = Context {
            policy: &self.policy,
            popular: self.popular.of(id.ecosystem),
            allow: &allow,
            block: &block,
        };
        // Name and list rules can decide before anything is downloaded.
        let early = verdict::verdict(id, &facts, &ctx);
        let explicitly_allowed = early.findings.iter().any(|f| f.code == codes::ALLOWLIST);
        let (v, files) = if early.decision == Decision::Block && early.risk == Risk::Red {
            (early, Vec::new())
        } else {
            let downloaded =
                artifacts::download_verified(&self.client, &req.artifacts, facts.metadata.found())
                    .await
                    .map_err(ScanError::Download)?;
            match downloaded {
                Err(mismatch) => {
                    let mut f = mismatch;
                    f.points = self.policy.weight(&f.code).max(self.policy.red);
                    (Verdict::single(f, Risk::Red, Decision::Block), Vec::new())
                }
                Ok(files) if explicitly_allowed => (early, files),
                Ok(files) => {
                    let scripts_run = self
                        .sources
                        .npm_scripts_allowed
                        .iter()
                        .any(|r| r.matches(id));
                    facts.artifact_findings = artifacts::scan(
                        id.ecosystem,
                        &id.version,
                        &files,
                        facts.metadata.found(),
                        self.policy.only_binary,
                        scripts_run,
                    );
                    (verdict::verdict(id, &facts, &ctx), files)
                }
            }
        };
        let v = self.apply_review_policy(v);
        if v.decision == Decision::Allow {
            for f in &files {
                self.repo
                    .publish(id, &f.filename, &f.bytes, &f.sha256)
                    .await?;
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

    /// A Yellow verdict nobody can approve follows `policy.review`.
    fn apply_review_policy(&self, mut v: Verdict) -> Verdict {
        if v.decision != Decision::Review {
            return v;
        }
        match self.policy.review {
            FailMode::Allow => v.decision = Decision::Allow,
            FailMode::Block => {
                v.decision = Decision::Block;
                v.findings.push(Finding {
                    code: codes::REVIEW_REQUIRED.into(),
                    points: 0,
                    reason: "Needs review: nobody approved this Yellow verdict".into(),
                    evidence: vec![
                        "policy.review = \"block\"; approve with `secpip allow NAME@VERSION --reason …`".into(),
                    ],
                });
            }
        }
        v
    }

    /// Looks up advisories for a whole tree in one batch before its scans start.
    pub async fn prefetch_advisories(&self, ids: &[PackageId]) {
        self.prefetched
            .fill(&self.client, &self.sources.advisories, ids)
            .await;
    }
}
