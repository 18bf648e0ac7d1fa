//! The three rows of the deployment table — status store, scan queue, secure
//! repository — chosen once from settings, so the install flow, the verdict
//! engine and the worker never know which implementation they hold.
//!
//! `backend = "embedded"` (default): SQLite in the data dir, scans in this
//! process, the local folder (or a `[repo]` team repository).
//! `backend = "aws"`: the DynamoDB table, scan requests on EventBridge for
//! `secpip worker`s, CodeArtifact (or a `[repo]` team repository).

use crate::config::{Backend, Settings};
use crate::ecosystem::Ecosystem;
use crate::queue::eventbridge::EventBridgeQueue;
use crate::queue::ScanQueue;
use crate::repo::codeartifact::CodeArtifactRepo;
use crate::repo::{RepoError, SecureRepo};
use crate::store::dynamodb::DynamoStore;
use crate::store::sqlite::SqliteStore;
use crate::store::{StatusStore, StoreError};
use std::sync::Arc;

/// Opens the status store in force (creating the SQLite file if needed).
pub async fn store(settings: &Settings) -> Result<Arc<dyn StatusStore>, StoreError> {
    match settings.backend {
        Backend::Embedded => Ok(Arc::new(SqliteStore::open(&settings.db_path())?)),
        Backend::Aws => Ok(Arc::new(
            DynamoStore::connect(&settings.aws, settings.policy.secure_ttl_days).await?,
        )),
    }
}

/// Opens the status store only if it exists: read-only commands (`status`,
/// `check`) must not create an empty SQLite file as a side effect.
pub async fn existing_store(
    settings: &Settings,
) -> Result<Option<Arc<dyn StatusStore>>, StoreError> {
    match settings.backend {
        Backend::Embedded => Ok(SqliteStore::open_existing(&settings.db_path())?
            .map(|s| Arc::new(s) as Arc<dyn StatusStore>)),
        Backend::Aws => store(settings).await.map(Some),
    }
}

/// How an install gets its packages scanned.
pub enum Scans {
    /// The embedded pool: a worker in this process publishes to `repo`,
    /// with facts from `sources`.
    InProcess {
        /// Where vetted files go.
        repo: Arc<dyn SecureRepo>,
        /// The HTTP client the worker downloads with.
        client: reqwest::Client,
        /// Where the worker's facts come from.
        sources: Box<crate::worker::Sources>,
    },
    /// Requests go to workers elsewhere (AWS: the event bus).
    Remote(Arc<dyn ScanQueue>),
}

/// The scans of `ecosystem` packages for an install. On AWS nothing is
/// scanned (or published) here, so only the shared repository's presence
/// is checked, before anything is claimed.
pub async fn scans(
    settings: &Settings,
    ecosystem: Ecosystem,
    client: reqwest::Client,
    sources: crate::worker::Sources,
) -> Result<Scans, RepoError> {
    match settings.backend {
        Backend::Embedded => Ok(Scans::InProcess {
            repo: crate::repo::for_settings(settings, ecosystem, client.clone()),
            client,
            sources: Box::new(sources),
        }),
        Backend::Aws => {
            if !codeartifact_configured(settings, ecosystem) && !team_repo_for(settings, ecosystem)
            {
                return Err(no_shared_repo(ecosystem));
            }
            Ok(Scans::Remote(Arc::new(
                EventBridgeQueue::connect(&settings.aws).await,
            )))
        }
    }
}

/// The secure repository vetted files of `ecosystem` are published to.
pub async fn secure_repo(
    settings: &Settings,
    ecosystem: Ecosystem,
    client: reqwest::Client,
) -> Result<Arc<dyn SecureRepo>, RepoError> {
    if settings.backend == Backend::Aws {
        if let Some(ca) = codeartifact_for(settings, ecosystem, client.clone()).await? {
            return Ok(Arc::new(ca));
        }
        if !team_repo_for(settings, ecosystem) {
            return Err(no_shared_repo(ecosystem));
        }
    }
    Ok(crate::repo::for_settings(settings, ecosystem, client))
}

/// The secure repository a `secpip worker` publishes to: CodeArtifact when
/// `[aws]` names a domain, else the `[repo]` team repository.
pub async fn worker_repo(
    settings: &Settings,
    client: reqwest::Client,
) -> Result<Arc<dyn SecureRepo>, RepoError> {
    if settings.aws.codeartifact.is_some() {
        return Ok(Arc::new(
            CodeArtifactRepo::connect(&settings.aws, client).await?,
        ));
    }
    if settings.repo.configured() {
        return Ok(Arc::new(crate::repo::upload::UploadRepo::new(
            crate::repo::upload::UploadConfig::from(&settings.repo),
            client,
        )));
    }
    Err(no_shared_repo(Ecosystem::Pypi))
}

/// The index pip installs from when it is not the embedded local folder:
/// CodeArtifact's (token embedded) on AWS, else the team repository's.
/// `Ok(None)` means "serve the local folder"; on AWS there must be a
/// shared repository.
pub async fn pip_index(settings: &Settings) -> Result<Option<String>, RepoError> {
    if settings.backend == Backend::Aws {
        let http = crate::http::client(std::time::Duration::from_secs(
            settings.sources.timeout_secs,
        ));
        if let Some(ca) = codeartifact_for(settings, Ecosystem::Pypi, http).await? {
            return Ok(Some(ca.pip_index_url().await?.expose().to_string()));
        }
    }
    let team = settings
        .repo
        .pypi_upload_url
        .as_ref()
        .and_then(|_| crate::repo::upload::UploadConfig::from(&settings.repo).pip_index_url());
    if team.is_none() && settings.backend == Backend::Aws {
        return Err(no_shared_repo(Ecosystem::Pypi));
    }
    Ok(team)
}

/// The registry npm installs from (with its token) when it is not the
/// embedded local one: CodeArtifact's on AWS, else the team registry.
pub async fn npm_registry(
    settings: &Settings,
) -> Result<Option<(String, Option<String>)>, RepoError> {
    if settings.backend == Backend::Aws {
        let http = crate::http::client(std::time::Duration::from_secs(
            settings.sources.timeout_secs,
        ));
        if let Some(ca) = codeartifact_for(settings, Ecosystem::Npm, http).await? {
            let (url, token) = ca.npm_registry().await?;
            return Ok(Some((url, Some(token.expose().to_string()))));
        }
    }
    let team = settings.repo.npm_registry_url.as_ref().map(|u| {
        let url = if u.ends_with('/') {
            u.clone()
        } else {
            format!("{u}/")
        };
        (url, settings.repo.token.clone())
    });
    if team.is_none() && settings.backend == Backend::Aws {
        return Err(no_shared_repo(Ecosystem::Npm));
    }
    Ok(team)
}

/// CodeArtifact, when `[aws]` configures a repository for `ecosystem`.
async fn codeartifact_for(
    settings: &Settings,
    ecosystem: Ecosystem,
    client: reqwest::Client,
) -> Result<Option<CodeArtifactRepo>, RepoError> {
    if !codeartifact_configured(settings, ecosystem) {
        return Ok(None);
    }
    CodeArtifactRepo::connect(&settings.aws, client)
        .await
        .map(Some)
}

/// Does `[aws]` name a CodeArtifact repository for `ecosystem`?
fn codeartifact_configured(settings: &Settings, ecosystem: Ecosystem) -> bool {
    settings
        .aws
        .codeartifact
        .as_ref()
        .is_some_and(|ca| match ecosystem {
            Ecosystem::Pypi => ca.pypi_repository.is_some(),
            Ecosystem::Npm => ca.npm_repository.is_some(),
        })
}

fn team_repo_for(settings: &Settings, ecosystem: Ecosystem) -> bool {
    match ecosystem {
        Ecosystem::Pypi => settings.repo.pypi_upload_url.is_some(),
        Ecosystem::Npm => settings.repo.npm_registry_url.is_some(),
    }
}

/// Workers on other machines cannot publish to this machine's folder.
fn no_shared_repo(ecosystem: Ecosystem) -> RepoError {
    let key = match ecosystem {
        Ecosystem::Pypi => "codeartifact_pypi_repository",
        Ecosystem::Npm => "codeartifact_npm_repository",
    };
    RepoError::NotConfigured(format!(
        "backend \"aws\" needs a shared secure repository for {eco}: set [aws] codeartifact_domain and {key}, or a team repository under [repo]",
        eco = ecosystem.as_str()
    ))
}
