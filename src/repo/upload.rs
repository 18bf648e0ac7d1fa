//! The team secure repository: an existing package server that secpip
//! publishes vetted files to through the server's own upload API, instead of
//! a folder on one machine.
//!
//! Teams already run such servers (pypiserver, devpi, Nexus, Artifactory for
//! Python; verdaccio, Nexus for npm), and pip and npm already know how to
//! install from them, so the only thing secpip has to speak is the upload
//! side:
//!
//! * PyPI: the legacy upload API that twine speaks (a `multipart/form-data`
//!   POST with `:action=file_upload`), see [`pypi`];
//! * npm: the registry publish protocol that `npm publish` speaks (a `PUT` of
//!   the package document with the tarball attached), see [`npm`].
//!
//! Publishing must be idempotent (two workers may vet the same file, and a
//! retry after a timeout re-sends it), but the repository must never end up
//! serving different bytes than the ones that were vetted. So an "already
//! exists" answer is success only after the copy on the server was checked
//! to have the same digest; anything else is an error.
//!
//! Credentials only travel in `Authorization` headers, never in URLs we
//! print, and no `Debug` or error text shows them.

mod multipart;
pub mod npm;
pub mod pypi;

use super::{RepoError, SecureRepo};
use crate::ecosystem::{Ecosystem, PackageId};
use crate::http::redact_url;
use std::fmt;

pub use npm::npm_login;

/// Largest error body quoted in an error message.
const ERROR_BODY_CHARS: usize = 300;
/// Largest index page or packument read back from the server.
const MAX_DOC_BYTES: usize = crate::http::MAX_JSON_BYTES;

/// Where the team repository lives and how to log in to it (built from
/// [`crate::config::RepoSettings`]: the `[repo]` section of `secpip.toml`,
/// password and token from the environment). Any field may be absent: an
/// ecosystem without its URL cannot be published to.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct UploadConfig {
    /// The PyPI upload endpoint twine would use, e.g. pypiserver's root
    /// `http://host:8080/`, devpi's `http://host/user/index/`, Nexus's
    /// `http://host/repository/pypi-hosted/`.
    pub pypi_upload_url: Option<String>,
    /// The simple index pip installs from; defaults to
    /// `{pypi_upload_url}/simple/` (right for pypiserver, Nexus and
    /// Artifactory; devpi needs `…/user/index/+simple/`).
    pub pypi_index_url: Option<String>,
    /// The npm registry to publish to and install from, e.g.
    /// `http://host:4873/`.
    pub npm_registry_url: Option<String>,
    /// User name (PyPI basic auth; npm basic auth when there is no token).
    pub username: Option<String>,
    /// Password (PyPI basic auth; npm basic auth when there is no token).
    pub password: Option<String>,
    /// API token: npm `Bearer` token; for PyPI, used as the password when
    /// `password` is unset (of `username`, or of `__token__` without one).
    pub token: Option<String>,
}

impl fmt::Debug for UploadConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |s: &Option<String>| s.as_ref().map(|_| "<redacted>");
        let url = |s: &Option<String>| s.as_deref().map(redact_url);
        f.debug_struct("UploadConfig")
            .field("pypi_upload_url", &url(&self.pypi_upload_url))
            .field("pypi_index_url", &url(&self.pypi_index_url))
            .field("npm_registry_url", &url(&self.npm_registry_url))
            .field("username", &self.username)
            .field("password", &secret(&self.password))
            .field("token", &secret(&self.token))
            .finish()
    }
}

impl UploadConfig {
    /// The simple index pip should install from: `pypi_index_url`, else
    /// `{pypi_upload_url}/simple/` (no credentials added).
    pub fn pip_index_url(&self) -> Option<String> {
        if let Some(url) = &self.pypi_index_url {
            return Some(with_slash(url));
        }
        let upload = self.pypi_upload_url.as_deref()?;
        Some(format!("{}simple/", with_slash(upload)))
    }
}

impl From<&crate::config::RepoSettings> for UploadConfig {
    fn from(r: &crate::config::RepoSettings) -> UploadConfig {
        UploadConfig {
            pypi_upload_url: r.pypi_upload_url.clone(),
            pypi_index_url: r.pypi_index_url.clone(),
            npm_registry_url: r.npm_registry_url.clone(),
            username: r.username.clone(),
            password: r.password.clone(),
            token: r.token.clone(),
        }
    }
}

/// Why an upload (or a look at what the server holds) failed. Every variant
/// names the URL (without credentials) and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The ecosystem has no URL configured.
    #[error("no team repository is configured for {ecosystem}: set `{key}` in the [repo] section of secpip.toml")]
    NotConfigured {
        /// `pypi` or `npm`.
        ecosystem: &'static str,
        /// The missing setting.
        key: &'static str,
    },
    /// HTTP 401: no or unknown credentials.
    #[error(
        "{url} answered HTTP 401 Unauthorized: check [repo] credentials (`username` in secpip.toml, {pw} or {token})",
        pw = crate::config::env::REPO_PASSWORD,
        token = crate::config::env::REPO_TOKEN
    )]
    Unauthorized {
        /// The URL.
        url: String,
    },
    /// HTTP 403: credentials refused or not allowed to publish.
    #[error(
        "{url} answered HTTP 403 Forbidden: the server refused the login or this account may not publish there; check [repo] credentials (`username`, {pw}, {token}) and the account's upload permission",
        pw = crate::config::env::REPO_PASSWORD,
        token = crate::config::env::REPO_TOKEN
    )]
    Forbidden {
        /// The URL.
        url: String,
    },
    /// HTTP 413: the file is over the server's size limit.
    #[error("{url} answered HTTP 413: {filename} ({size} bytes) is larger than the server accepts; raise its upload limit (verdaccio `max_body_size`, nginx `client_max_body_size`, Nexus/Artifactory request size)")]
    TooLarge {
        /// The URL.
        url: String,
        /// The file.
        filename: String,
        /// Its size in bytes.
        size: usize,
    },
    /// Nothing answered.
    #[error("cannot connect to {url}: {message}; is the server running, and is the URL in [repo] right?")]
    Connect {
        /// The URL.
        url: String,
        /// What happened.
        message: String,
    },
    /// Timeout or another transport failure.
    #[error("request to {url} failed: {message}")]
    Transport {
        /// The URL.
        url: String,
        /// What happened.
        message: String,
    },
    /// Another non-success status.
    #[error("{url} answered HTTP {status}: {body}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
        /// The start of the response body.
        body: String,
    },
    /// The server already holds this file (or version) with other contents.
    #[error("{url} already holds {filename} with different contents ({existing}, vetted file has {ours}); the secure repository must not serve unvetted bytes: remove the server's copy or find out who published it")]
    Conflict {
        /// Where the existing copy was found.
        url: String,
        /// File name (or `name@version` for npm).
        filename: String,
        /// The existing copy's digest, or why it could not be checked.
        existing: String,
        /// The vetted file's digest.
        ours: String,
    },
    /// The artifact cannot be read or is not what it claims to be.
    #[error("cannot publish {filename}: {message}")]
    BadArtifact {
        /// The file.
        filename: String,
        /// What is wrong.
        message: String,
    },
    /// The server answered something the protocol does not allow.
    #[error("{url} sent an unexpected answer: {message}")]
    Protocol {
        /// The URL.
        url: String,
        /// What was wrong.
        message: String,
    },
}

impl From<UploadError> for RepoError {
    fn from(e: UploadError) -> RepoError {
        let path = match &e {
            UploadError::NotConfigured { .. } => "[repo]".to_string(),
            UploadError::BadArtifact { filename, .. } => filename.clone(),
            UploadError::Unauthorized { url }
            | UploadError::Forbidden { url }
            | UploadError::TooLarge { url, .. }
            | UploadError::Connect { url, .. }
            | UploadError::Transport { url, .. }
            | UploadError::Status { url, .. }
            | UploadError::Conflict { url, .. }
            | UploadError::Protocol { url, .. } => url.clone(),
        };
        RepoError::Io {
            path,
            message: e.to_string(),
        }
    }
}

/// A [`SecureRepo`] on a team's package servers.
#[derive(Debug, Clone)]
pub struct UploadRepo {
    config: UploadConfig,
    client: reqwest::Client,
}

impl UploadRepo {
    /// A repository publishing with `client` (whose timeouts apply).
    pub fn new(config: UploadConfig, client: reqwest::Client) -> UploadRepo {
        UploadRepo { config, client }
    }

    /// The configuration (its `Debug` hides secrets).
    pub fn config(&self) -> &UploadConfig {
        &self.config
    }

    /// The simple index pip should install from (no credentials added).
    pub fn pip_index_url(&self) -> Option<String> {
        self.config.pip_index_url()
    }

    /// The npm registry npm should install from (no credentials added).
    pub fn npm_registry_url(&self) -> Option<String> {
        self.config.npm_registry_url.as_deref().map(with_slash)
    }

    /// Publishes a vetted PyPI file; the typed-error form of
    /// [`SecureRepo::publish`].
    pub async fn publish_pypi(
        &self,
        id: &PackageId,
        filename: &str,
        bytes: &[u8],
        sha256: &str,
    ) -> Result<(), UploadError> {
        let sha256 = check_file(filename, bytes, sha256)?;
        pypi::publish(self, id, filename, bytes, &sha256).await
    }

    /// Publishes a vetted npm tarball; the typed-error form of
    /// [`SecureRepo::publish`].
    pub async fn publish_npm(
        &self,
        id: &PackageId,
        filename: &str,
        bytes: &[u8],
        sha256: &str,
    ) -> Result<(), UploadError> {
        check_file(filename, bytes, sha256)?;
        npm::publish(self, id, filename, bytes).await
    }

    /// Basic auth for PyPI: `username`/`password`, or the token as password
    /// (of `username`, else of `__token__`).
    fn pypi_auth(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let c = &self.config;
        let password = c.password.as_ref().or(c.token.as_ref());
        match (c.username.as_deref(), password) {
            (Some(user), Some(pw)) => req.basic_auth(user, Some(pw)),
            (None, Some(pw)) => req.basic_auth("__token__", Some(pw)),
            (Some(user), None) => req.basic_auth(user, None::<&str>),
            (None, None) => req,
        }
    }

    /// npm auth: `Bearer` token, else basic auth, else none.
    fn npm_auth(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let c = &self.config;
        match (&c.token, &c.username, &c.password) {
            (Some(token), _, _) => req.bearer_auth(token),
            (None, Some(user), Some(pw)) => req.basic_auth(user, Some(pw)),
            _ => req,
        }
    }
}

#[async_trait::async_trait]
impl SecureRepo for UploadRepo {
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
        match id.ecosystem {
            Ecosystem::Pypi => self.publish_pypi(id, filename, bytes, sha256).await,
            Ecosystem::Npm => self.publish_npm(id, filename, bytes, sha256).await,
        }
        .map_err(RepoError::from)
    }

    async fn remove(
        &self,
        ecosystem: Ecosystem,
        name: &str,
        version: Option<&str>,
    ) -> Result<usize, RepoError> {
        match ecosystem {
            Ecosystem::Pypi => pypi::remove(self, name, version).await,
            Ecosystem::Npm => npm::remove(self, name, version).await,
        }
        .map_err(RepoError::from)
    }
}

/// Refuses unsafe file names and bytes whose sha256 is not the vetted one;
/// returns the digest in lowercase.
fn check_file(filename: &str, bytes: &[u8], sha256: &str) -> Result<String, UploadError> {
    let bad = |message: String| UploadError::BadArtifact {
        filename: filename.into(),
        message,
    };
    if !super::safe_component(filename) || filename.contains(['"', '\r', '\n']) {
        return Err(bad("unsafe file name".into()));
    }
    let actual = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes));
    if !actual.eq_ignore_ascii_case(sha256) {
        return Err(bad(format!(
            "its sha256 is {actual}, not the vetted {sha256}"
        )));
    }
    Ok(actual)
}

/// `url` with a trailing `/`.
fn with_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

/// A response read into memory: status and (capped) body.
struct Answer {
    status: u16,
    body: Vec<u8>,
}

impl Answer {
    fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The start of the body as text, for error messages.
    fn snippet(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let text = text.trim();
        let mut out: String = text.chars().take(ERROR_BODY_CHARS).collect();
        if out.len() < text.len() {
            out.push('…');
        }
        out.replace(['\r', '\n'], " ")
    }

    /// The error for a non-success status: 401, 403 and 413 get their own
    /// advice, others quote the body.
    fn error(&self, url: &str, filename: &str, size: usize) -> UploadError {
        let url = redact_url(url);
        match self.status {
            401 => UploadError::Unauthorized { url },
            403 => UploadError::Forbidden { url },
            413 => UploadError::TooLarge {
                url,
                filename: filename.to_string(),
                size,
            },
            status => UploadError::Status {
                url,
                status,
                body: self.snippet(),
            },
        }
    }
}

/// Sends `req` (to `url`) and reads at most [`MAX_DOC_BYTES`] of the answer.
async fn send(req: reqwest::RequestBuilder, url: &str) -> Result<Answer, UploadError> {
    let transport = |e: reqwest::Error| {
        let connect = e.is_connect();
        let message = crate::http::describe(e);
        let url = redact_url(url);
        if connect {
            UploadError::Connect { url, message }
        } else {
            UploadError::Transport { url, message }
        }
    };
    let mut resp = req.send().await.map_err(transport)?;
    let status = resp.status().as_u16();
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > MAX_DOC_BYTES {
            return Err(UploadError::Protocol {
                url: redact_url(url),
                message: format!("answer larger than {MAX_DOC_BYTES} bytes"),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer { status, body })
}

/// Is `candidate` on the same scheme, host and port as `base` (so it may
/// receive the repository's credentials)?
fn same_origin(base: &str, candidate: &str) -> bool {
    match (url::Url::parse(base), url::Url::parse(candidate)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_urls_hide_secrets() {
        let config = UploadConfig {
            pypi_upload_url: Some("http://alice:hunter2@127.0.0.1:1/?k=v".into()),
            password: Some("hunter2".into()),
            token: Some("tok-123".into()),
            username: Some("alice".into()),
            ..UploadConfig::default()
        };
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("tok-123"),
            "{shown}"
        );
        assert!(
            shown.contains("alice") && shown.contains("<redacted>"),
            "{shown}"
        );
        let repo = UploadRepo::new(config, reqwest::Client::new());
        assert!(!format!("{repo:?}").contains("hunter2"));
    }

    #[test]
    fn index_url_defaults_to_simple_under_upload_url() {
        let repo = UploadRepo::new(
            UploadConfig {
                pypi_upload_url: Some("http://127.0.0.1:8080".into()),
                npm_registry_url: Some("http://127.0.0.1:4873".into()),
                ..UploadConfig::default()
            },
            reqwest::Client::new(),
        );
        assert_eq!(
            repo.pip_index_url().as_deref(),
            Some("http://127.0.0.1:8080/simple/")
        );
        assert_eq!(
            repo.npm_registry_url().as_deref(),
            Some("http://127.0.0.1:4873/")
        );
    }

    #[test]
    fn errors_say_what_to_do_without_credentials() {
        let answer = Answer {
            status: 401,
            body: Vec::new(),
        };
        let e = answer.error("http://bob:pw@127.0.0.1:9/up", "x.whl", 1);
        let text = e.to_string();
        assert!(text.contains("check [repo] credentials"), "{text}");
        assert!(
            text.contains("http://127.0.0.1:9/up") && !text.contains("pw@"),
            "{text}"
        );
        let big = Answer {
            status: 413,
            body: Vec::new(),
        }
        .error("http://127.0.0.1:9/", "big.tgz", 10);
        assert!(big.to_string().contains("max_body_size"));
        assert!(same_origin(
            "http://127.0.0.1:9/a/",
            "http://127.0.0.1:9/b/c"
        ));
        assert!(!same_origin("http://127.0.0.1:9/", "http://127.0.0.2:9/"));
    }
}
