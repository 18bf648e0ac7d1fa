//! One `secpip install`: resolve the tree, get a verdict for every package,
//! wait, explain blocks, and run pip against the secure repository only.
//!
//! The warm path skips upstream entirely: a tree resolved before from the
//! same requirements, pip arguments and interpreter, whose every package is
//! still SECURE, goes straight to pip.

pub mod npm;
pub mod remote;
mod suggest;
mod vet;
mod wait;

use crate::config::Settings;
use crate::ecosystem::pypi::view::{Hidden, IndexView, ViewPolicy};
use crate::ecosystem::pypi::{installer, resolver, upstream};
use crate::ecosystem::{PackageId, ResolvedPackage};
use crate::repo::local::LocalRepo;
use crate::repo::serve::IndexServer;
use crate::report::progress::Progress;
use crate::report::prompt::Prompter;
use crate::store::{PolicyAction, Record, Status, StoreError};
use crate::worker::Sources;
use sha2::{Digest, Sha256};
use std::time::Duration;

pub use wait::WaitError;

/// What the user asked for, already validated.
#[derive(Debug, Clone)]
pub struct InstallRequest {
    /// PEP 508 requirements (normalized text).
    pub requirements: Vec<String>,
    /// Pip arguments passed through (checked).
    pub pip_args: Vec<String>,
}

/// How an install ended (errors aside).
#[derive(Debug)]
pub enum Outcome {
    /// pip ran: its exit code, and the newer versions policy skipped.
    Installed {
        /// pip's exit code.
        code: i32,
        /// Versions hidden from the resolver that would otherwise have won.
        skipped: Vec<Hidden>,
    },
    /// Some packages were blocked; pip did not run.
    Blocked(Vec<Record>),
    /// pip could not resolve once policy hid some versions (too young,
    /// blocked): nothing acceptable satisfies the requirements.
    Unresolvable {
        /// pip's explanation.
        pip_error: String,
        /// What was hidden, and why.
        hidden: Vec<Hidden>,
        /// Whether policy refused source builds (`only_binary`).
        only_binary: bool,
    },
}

/// Why an install could not finish.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// Upstream could not be determined.
    #[error(transparent)]
    Upstream(#[from] upstream::UpstreamError),
    /// pip's resolver failed.
    #[error(transparent)]
    Resolve(#[from] resolver::ResolveError),
    /// The status store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Waiting failed (timeout, interrupt, scan error).
    #[error(transparent)]
    Wait(#[from] WaitError),
    /// The team server failed.
    #[error(transparent)]
    Remote(#[from] remote::RemoteError),
    /// The npm side failed before npm ran.
    #[error(transparent)]
    Npm(#[from] npm::NpmError),
    /// The secure repository is missing or failed.
    #[error(transparent)]
    Repo(#[from] crate::repo::RepoError),
    /// The secure index could not be served or pip not started.
    #[error("could not run pip against the secure index: {0}")]
    Pip(std::io::Error),
}

/// The cache key of a resolution: same requirements, pip args and interpreter.
fn tree_key(req: &InstallRequest, settings: &Settings) -> String {
    let mut h = Sha256::new();
    h.update(b"secpip-tree-v1\0");
    // A policy change (cooldown, blocks, only_binary…) invalidates cached trees.
    h.update(
        serde_json::to_string(&settings.policy)
            .unwrap_or_default()
            .as_bytes(),
    );
    h.update(settings.pypi.python.display().to_string().as_bytes());
    for r in &req.requirements {
        h.update(b"\0r");
        h.update(r.as_bytes());
    }
    for a in &req.pip_args {
        h.update(b"\0a");
        h.update(a.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Runs the whole install flow.
pub async fn install(
    settings: &Settings,
    req: &InstallRequest,
    progress: &dyn Progress,
    prompter: &dyn Prompter,
) -> Result<Outcome, InstallError> {
    let store = crate::backend::store(settings).await?;
    let repo = LocalRepo::new(settings.repo_dir());
    let key = tree_key(req, settings);
    let max_age = Duration::from_secs(settings.install.resolve_cache_secs);

    if let Some(ids) = store.cached_tree(&key, max_age).await? {
        let rows = store.get_many(&ids).await?;
        if rows
            .iter()
            .all(|r| r.as_ref().is_some_and(|r| r.status == Status::Secure))
        {
            tracing::debug!("warm path: {} packages already SECURE", ids.len());
            return run_pip(settings, req, &repo, &ids, Vec::new()).await;
        }
    }

    let up = upstream::discover(
        &settings.pypi.python,
        settings.pypi.index_url.as_deref(),
        settings.pypi.json_url.as_deref(),
    )
    .await?;
    let client = crate::http::client(Duration::from_secs(settings.sources.timeout_secs));
    let entries = store.policy_entries().await?;
    let (allow, block): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .partition(|e| e.action == PolicyAction::Allow);
    let policy = &settings.policy;
    let view = IndexView::start(
        ViewPolicy {
            index_url: up.index_url.clone(),
            json_url: up.json_url.clone(),
            min_age: time::Duration::hours(policy.min_release_age_hours as i64),
            age_exceptions: policy.release_age_exceptions.clone(),
            block: policy
                .block
                .iter()
                .cloned()
                .chain(block.into_iter().map(|e| e.rule))
                .collect(),
            allow: policy
                .allow
                .iter()
                .cloned()
                .chain(allow.into_iter().map(|e| e.rule))
                .collect(),
        },
        client.clone(),
        store.clone(),
    )
    .await
    .map_err(InstallError::Pip)?;
    progress.resolving(&req.requirements.join(" "));
    let resolved = resolver::resolve(
        &settings.pypi.python,
        &view.index_url(),
        &req.requirements,
        &pip_args(settings, req),
    )
    .await;
    let hidden = view.hidden();
    view.stop().await;
    let tree: Vec<ResolvedPackage> = match resolved {
        Ok(tree) => tree,
        Err(resolver::ResolveError::Pip { stderr, .. })
            if !hidden.is_empty() || settings.policy.only_binary =>
        {
            progress.finish();
            return Ok(Outcome::Unresolvable {
                pip_error: stderr,
                hidden,
                only_binary: settings.policy.only_binary,
            });
        }
        // Name the upstream, not the view's loopback port that is gone,
        // and the right name when a typo is no package at all.
        Err(e) => {
            return Err(suggest::explain_pip_error(
                e,
                &up.index_url,
                &settings.data_dir,
                &settings.policy.typosquat,
            )
            .into())
        }
    };
    let skipped = skipped_versions(&tree, hidden);
    for h in &skipped {
        progress.note(&format!("skipped {} {}: {}", h.name, h.version, h.reason));
    }

    let ctx = vet::VetContext {
        settings,
        store: store.clone(),
        scans: crate::backend::scans(
            settings,
            crate::ecosystem::Ecosystem::Pypi,
            client,
            Sources::new(settings, up.json_url.clone(), String::new()),
        )
        .await?,
        progress,
        prompter,
    };
    if let Some(blocked) = vet::vet(&ctx, &tree).await? {
        return Ok(Outcome::Blocked(blocked));
    }
    progress.finish();
    let ids: Vec<PackageId> = tree.iter().map(|p| p.id.clone()).collect();
    store.cache_tree(&key, &ids).await?;
    run_pip(settings, req, &repo, &ids, skipped).await
}

/// The user's pip arguments, plus `--only-binary=:all:` when policy refuses
/// sdists: then not even resolution runs a package's build code.
fn pip_args(settings: &Settings, req: &InstallRequest) -> Vec<String> {
    let mut args = req.pip_args.clone();
    if settings.policy.only_binary {
        args.push("--only-binary=:all:".into());
    }
    args
}

/// Hidden versions newer than the version chosen for the same project.
fn skipped_versions(tree: &[ResolvedPackage], hidden: Vec<Hidden>) -> Vec<Hidden> {
    let newer = |a: &str, b: &str| match (
        a.parse::<pep440_rs::Version>(),
        b.parse::<pep440_rs::Version>(),
    ) {
        (Ok(a), Ok(b)) => a > b,
        _ => false,
    };
    hidden
        .into_iter()
        .filter_map(|mut h| {
            let chosen = tree.iter().find(|p| p.id.name == h.name)?;
            if !newer(&h.version, &chosen.id.version) {
                return None;
            }
            h.reason = format!("{}; using {}", h.reason, chosen.id.version);
            Some(h)
        })
        .collect()
}

async fn run_pip(
    settings: &Settings,
    req: &InstallRequest,
    repo: &LocalRepo,
    pins: &[PackageId],
    skipped: Vec<Hidden>,
) -> Result<Outcome, InstallError> {
    // A team repository serves its own index; the local folder is served here.
    let team_index = crate::backend::pip_index(settings).await?;
    let server = match team_index {
        Some(_) => None,
        None => Some(
            IndexServer::start(repo.clone(), ([127, 0, 0, 1], 0).into())
                .await
                .map_err(InstallError::Pip)?,
        ),
    };
    let index = match (&team_index, &server) {
        (Some(url), _) => url.clone(),
        (None, Some(s)) => s.index_url(),
        (None, None) => unreachable!("the local index is served when no team repository is set"),
    };
    let code = installer::install(
        &settings.pypi.python,
        &index,
        &req.requirements,
        pins,
        &pip_args(settings, req),
        settings.output.json,
    )
    .await
    .map_err(InstallError::Pip);
    if let Some(s) = server {
        s.stop().await;
    }
    Ok(Outcome::Installed {
        code: code?,
        skipped,
    })
}
