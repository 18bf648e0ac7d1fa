//! The secure repository: where vetted files go, and the only place pip
//! installs from. Every implementation keeps each file's sha256 so the index
//! it serves carries `#sha256=` fragments and pip verifies every download.

pub mod codeartifact;
pub mod local;
pub mod npm_manifest;
pub mod serve;
pub mod upload;

use crate::ecosystem::PackageId;

/// Why the repository refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// Filesystem trouble, with the path.
    #[error("secure repository I/O error at {path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// The error.
        message: String,
    },
    /// A name or file name that could escape the repository folder.
    #[error("refusing unsafe file name {0:?}")]
    UnsafeName(String),
    /// The repository is not set up for this; the message names the setting.
    #[error("{0}")]
    NotConfigured(String),
    /// A remote repository service refused or failed; the message says what
    /// was being done and what to do next.
    #[error("{0}")]
    Remote(String),
}

/// A file in the secure repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoFile {
    /// File name.
    pub filename: String,
    /// Its sha256, lowercase hex.
    pub sha256: String,
}

/// Somewhere vetted artifacts are published to and installed from.
#[async_trait::async_trait]
pub trait SecureRepo: Send + Sync {
    /// Publishes one vetted file of `id`; `sha256` was verified by the caller.
    async fn publish(
        &self,
        id: &PackageId,
        filename: &str,
        bytes: &[u8],
        sha256: &str,
    ) -> Result<(), RepoError>;
    /// Removes the files of `name` (all versions, or one), e.g. after `secpip block`.
    async fn remove(
        &self,
        ecosystem: crate::ecosystem::Ecosystem,
        name: &str,
        version: Option<&str>,
    ) -> Result<usize, RepoError>;
}

/// Is `s` safe as a single path component (no separators, no `..`, no hidden files)?
pub fn safe_component(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && !s.starts_with('.')
        && !s.contains(['/', '\\', '\0'])
        && s != ".."
}

/// The secure repository in force for `ecosystem`: the team repository when
/// `[repo]` configures one for it, else the local folder.
pub fn for_settings(
    settings: &crate::config::Settings,
    ecosystem: crate::ecosystem::Ecosystem,
    client: reqwest::Client,
) -> std::sync::Arc<dyn SecureRepo> {
    let team = match ecosystem {
        crate::ecosystem::Ecosystem::Pypi => settings.repo.pypi_upload_url.is_some(),
        crate::ecosystem::Ecosystem::Npm => settings.repo.npm_registry_url.is_some(),
    };
    if team {
        std::sync::Arc::new(upload::UploadRepo::new(
            upload::UploadConfig::from(&settings.repo),
            client,
        ))
    } else {
        std::sync::Arc::new(local::LocalRepo::new(settings.repo_dir()))
    }
}
