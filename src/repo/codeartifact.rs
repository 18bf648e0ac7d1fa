//! AWS CodeArtifact as the secure repository: vetted files go to one
//! CodeArtifact repository per ecosystem, and pip and npm install from it.
//!
//! CodeArtifact speaks the same upload protocols as a team server (twine's
//! upload API for PyPI, `npm publish` for npm), so the HTTP side reuses
//! [`UploadRepo`]; what CodeArtifact adds is the control plane: a
//! short-lived token from `GetAuthorizationToken` (cached, see `token.rs`),
//! the repository's URL per format from `GetRepositoryEndpoint` (cached
//! for the life of the value), and removal through `DeletePackageVersions`
//! (see `remove.rs`), since CodeArtifact has no unpublish over HTTP for PyPI.
//!
//! PyPI uploads go to the endpoint itself with basic auth `aws:TOKEN` (what
//! `aws codeartifact login --tool twine` configures); pip installs from
//! `{endpoint}simple/`. npm publishes and installs at the endpoint with the
//! token as a bearer token. The token never appears in `Debug` output,
//! logs or errors (see [`Secret`]).

mod remove;
mod secret;
mod token;

pub use secret::{Secret, SecretUrl};
pub use token::{REFRESH_MARGIN, TOKEN_SECONDS};

use super::upload::{UploadConfig, UploadError, UploadRepo};
use super::{RepoError, SecureRepo};
use crate::config::aws::CodeArtifactSettings;
use crate::config::AwsSettings;
use crate::ecosystem::{Ecosystem, PackageId};
use aws_sdk_codeartifact::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_codeartifact::types::PackageFormat;
use std::time::SystemTime;
use tokio::sync::OnceCell;

/// The user name that goes with the token in basic auth.
pub const BASIC_AUTH_USER: &str = "aws";

/// A [`SecureRepo`] in a CodeArtifact domain. Cheap to share behind an
/// `Arc`; the token and endpoints are fetched on first use.
pub struct CodeArtifactRepo {
    client: aws_sdk_codeartifact::Client,
    settings: CodeArtifactSettings,
    http: reqwest::Client,
    token: token::TokenCache,
    pypi_endpoint: OnceCell<String>,
    npm_endpoint: OnceCell<String>,
}

impl std::fmt::Debug for CodeArtifactRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeArtifactRepo")
            .field("settings", &self.settings)
            .field("token", &self.token)
            .field("pypi_endpoint", &self.pypi_endpoint.get())
            .field("npm_endpoint", &self.npm_endpoint.get())
            .finish()
    }
}

impl CodeArtifactRepo {
    /// A repository using `client` for the control plane and `http` (whose
    /// timeouts apply) for uploads.
    pub fn new(
        client: aws_sdk_codeartifact::Client,
        settings: CodeArtifactSettings,
        http: reqwest::Client,
    ) -> CodeArtifactRepo {
        CodeArtifactRepo {
            client,
            settings,
            http,
            token: token::TokenCache::default(),
            pypi_endpoint: OnceCell::new(),
            npm_endpoint: OnceCell::new(),
        }
    }

    /// The repository `[aws]` configures, with a client from the shared
    /// SDK configuration (credentials chain, `--profile`, `--region`). No
    /// AWS call is made until the first publish.
    pub async fn connect(
        aws: &AwsSettings,
        http: reqwest::Client,
    ) -> Result<CodeArtifactRepo, RepoError> {
        let settings = aws.codeartifact.clone().ok_or_else(|| {
            RepoError::NotConfigured(
                "no CodeArtifact domain is configured: set `codeartifact_domain` and `codeartifact_pypi_repository` / `codeartifact_npm_repository` under [aws] in secpip.toml".into(),
            )
        })?;
        let sdk = crate::aws::sdk_config(aws).await;
        Ok(CodeArtifactRepo::new(
            crate::aws::codeartifact(&sdk, aws),
            settings,
            http,
        ))
    }

    /// The settings in force.
    pub fn settings(&self) -> &CodeArtifactSettings {
        &self.settings
    }

    /// The index pip installs from: `{pypi endpoint}simple/` with
    /// `aws:TOKEN@` embedded (pip takes no separate credentials).
    pub async fn pip_index_url(&self) -> Result<SecretUrl, RepoError> {
        let endpoint = self.endpoint(Ecosystem::Pypi).await?;
        let token = self.token().await?;
        SecretUrl::with_credentials(&format!("{endpoint}simple/"), BASIC_AUTH_USER, &token)
            .map_err(|why| bad_endpoint(endpoint, &why))
    }

    /// The registry npm installs from and the bearer token for it (npm
    /// takes it as `//host/path/:_authToken`).
    pub async fn npm_registry(&self) -> Result<(String, Secret), RepoError> {
        let endpoint = self.endpoint(Ecosystem::Npm).await?.to_string();
        Ok((endpoint, self.token().await?))
    }

    /// The repository configured for `ecosystem`, else which key to set.
    fn repository(&self, ecosystem: Ecosystem) -> Result<&str, RepoError> {
        let (repository, key) = match ecosystem {
            Ecosystem::Pypi => (
                &self.settings.pypi_repository,
                "codeartifact_pypi_repository",
            ),
            Ecosystem::Npm => (&self.settings.npm_repository, "codeartifact_npm_repository"),
        };
        repository.as_deref().ok_or_else(|| {
            RepoError::NotConfigured(format!(
                "no CodeArtifact repository is configured for {ecosystem} packages: set `{key}` under [aws] in secpip.toml (a repository in domain {})",
                self.settings.domain
            ))
        })
    }

    /// The cached token, refreshed shortly before it expires.
    async fn token(&self) -> Result<Secret, RepoError> {
        self.token.get(|| self.fetch_token()).await
    }

    /// Asks CodeArtifact for a new token.
    async fn fetch_token(&self) -> Result<(Secret, SystemTime), RepoError> {
        let domain = &self.settings.domain;
        let out = self
            .client
            .get_authorization_token()
            .domain(domain)
            .set_domain_owner(self.settings.domain_owner.clone())
            .duration_seconds(TOKEN_SECONDS)
            .send()
            .await
            .map_err(|e| {
                remote(
                    "getting a CodeArtifact authorization token",
                    &format!("domain {domain}"),
                    &e,
                )
            })?;
        let token = out
            .authorization_token()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                RepoError::Remote(format!(
                    "getting a CodeArtifact authorization token (domain {domain}): the answer has no token; retry, and check the [aws] codeartifact_endpoint_url if one is set"
                ))
            })?;
        let expires = token::expiry(out.expiration(), SystemTime::now());
        tracing::debug!(domain = %domain, "fetched a CodeArtifact authorization token");
        Ok((Secret::new(token), expires))
    }

    /// The repository's URL for `ecosystem`'s format (ending in `/`),
    /// fetched once.
    async fn endpoint(&self, ecosystem: Ecosystem) -> Result<&str, RepoError> {
        let repository = self.repository(ecosystem)?;
        let (cell, format) = match ecosystem {
            Ecosystem::Pypi => (&self.pypi_endpoint, PackageFormat::Pypi),
            Ecosystem::Npm => (&self.npm_endpoint, PackageFormat::Npm),
        };
        let url = cell
            .get_or_try_init(|| self.fetch_endpoint(repository, format))
            .await?;
        Ok(url.as_str())
    }

    /// Asks CodeArtifact where `repository` serves `format`.
    async fn fetch_endpoint(
        &self,
        repository: &str,
        format: PackageFormat,
    ) -> Result<String, RepoError> {
        let resource = format!(
            "{} repository {repository} of domain {}",
            format.as_str(),
            self.settings.domain
        );
        let out = self
            .client
            .get_repository_endpoint()
            .domain(&self.settings.domain)
            .set_domain_owner(self.settings.domain_owner.clone())
            .repository(repository)
            .format(format)
            .send()
            .await
            .map_err(|e| {
                remote(
                    "looking up the CodeArtifact repository endpoint",
                    &resource,
                    &e,
                )
            })?;
        let url = out.repository_endpoint().unwrap_or_default();
        match url::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(if url.ends_with('/') {
                url.to_string()
            } else {
                format!("{url}/")
            }),
            _ => Err(bad_endpoint(url, &format!("for the {resource}"))),
        }
    }

    /// The upload settings for one call: the endpoint and the token.
    fn upload_config(ecosystem: Ecosystem, endpoint: &str, token: &Secret) -> UploadConfig {
        match ecosystem {
            Ecosystem::Pypi => UploadConfig {
                pypi_upload_url: Some(endpoint.to_string()),
                username: Some(BASIC_AUTH_USER.into()),
                password: Some(token.expose().to_string()),
                ..UploadConfig::default()
            },
            Ecosystem::Npm => UploadConfig {
                npm_registry_url: Some(endpoint.to_string()),
                token: Some(token.expose().to_string()),
                ..UploadConfig::default()
            },
        }
    }

    /// An upload failure in CodeArtifact's terms: a refused token is
    /// forgotten (the next try fetches another) and the hint names the AWS
    /// permissions, not the `[repo]` settings.
    async fn upload_failed(&self, e: UploadError, token: &Secret, repository: &str) -> RepoError {
        match e {
            UploadError::Unauthorized { url } | UploadError::Forbidden { url } => {
                self.token.forget(token).await;
                RepoError::Remote(format!(
                    "publishing to CodeArtifact repository {repository}: {url} refused the authorization token\n  hint: the next try fetches a new token; if it keeps failing, the role needs codeartifact:PublishPackageVersion, codeartifact:GetAuthorizationToken and sts:GetServiceBearerToken (deploy/secpip.yaml)"
                ))
            }
            other => RepoError::from(other),
        }
    }
}

#[async_trait::async_trait]
impl SecureRepo for CodeArtifactRepo {
    async fn publish(
        &self,
        id: &PackageId,
        filename: &str,
        bytes: &[u8],
        sha256: &str,
    ) -> Result<(), RepoError> {
        if !super::safe_component(filename) {
            return Err(RepoError::UnsafeName(filename.into()));
        }
        let repository = self.repository(id.ecosystem)?;
        let endpoint = self.endpoint(id.ecosystem).await?;
        let token = self.token().await?;
        let upload = UploadRepo::new(
            Self::upload_config(id.ecosystem, endpoint, &token),
            self.http.clone(),
        );
        let published = match id.ecosystem {
            Ecosystem::Pypi => upload.publish_pypi(id, filename, bytes, sha256).await,
            Ecosystem::Npm => upload.publish_npm(id, filename, bytes, sha256).await,
        };
        match published {
            Ok(()) => Ok(()),
            Err(e) => Err(self.upload_failed(e, &token, repository).await),
        }
    }

    async fn remove(
        &self,
        ecosystem: Ecosystem,
        name: &str,
        version: Option<&str>,
    ) -> Result<usize, RepoError> {
        self.remove_versions(ecosystem, name, version).await
    }
}

/// An SDK error as a [`RepoError`] that says what to do next.
fn remote<E, R>(doing: &str, resource: &str, err: &SdkError<E, R>) -> RepoError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    RepoError::Remote(crate::aws::explain(doing, resource, err))
}

/// CodeArtifact answered an endpoint we cannot use.
fn bad_endpoint(url: &str, why: &str) -> RepoError {
    RepoError::Remote(format!(
        "CodeArtifact returned an unusable repository endpoint {:?} ({why}); check the [aws] codeartifact_endpoint_url if one is set",
        crate::http::redact_url(url)
    ))
}
