//! The file format of `secpip.toml`, and where that file is found. Every
//! table denies unknown keys, so a typo is an error that names its line
//! instead of a setting silently left at its default.

use super::{aws, env, server, ConfigError, EnvSource, Overrides};
use crate::verdict::policy::RawPolicy;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The file format of `secpip.toml`. Unknown keys are errors, so typos surface.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) data_dir: Option<PathBuf>,
    pub(super) server: Option<String>,
    pub(super) backend: Option<String>,
    #[serde(default)]
    pub(super) aws: aws::RawAws,
    /// `[serve]`, not `[server]`: `server` is the client's server URL above.
    #[serde(default)]
    pub(super) serve: server::RawServe,
    #[serde(default)]
    pub(super) pypi: RawPypi,
    #[serde(default)]
    pub(super) sources: RawSources,
    #[serde(default)]
    pub(super) install: RawInstall,
    #[serde(default)]
    pub(super) policy: RawPolicy,
    #[serde(default)]
    pub(super) npm: RawNpm,
    #[serde(default)]
    pub(super) repo: RawRepo,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRepo {
    pub(super) pypi_upload_url: Option<String>,
    pub(super) pypi_index_url: Option<String>,
    pub(super) npm_registry_url: Option<String>,
    pub(super) username: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNpm {
    pub(super) registry: Option<String>,
    pub(super) scripts: Option<RawScripts>,
}

/// `scripts = "deny"` or `scripts = ["name", "name@version"]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum RawScripts {
    Mode(String),
    Allow(Vec<String>),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPypi {
    pub(super) index_url: Option<String>,
    pub(super) json_url: Option<String>,
    pub(super) python: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSources {
    pub(super) downloads_url: Option<String>,
    pub(super) github_api_url: Option<String>,
    pub(super) osv_url: Option<String>,
    pub(super) npm_downloads_url: Option<String>,
    pub(super) timeout_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInstall {
    pub(super) timeout_secs: Option<u64>,
    pub(super) lease_secs: Option<u64>,
    pub(super) workers: Option<usize>,
    pub(super) resolve_cache_secs: Option<u64>,
}

/// Finds the config file: `--config`, `SECPIP_CONFIG`, `./secpip.toml`, then the user config dir.
pub(super) fn find_config(flags: &Overrides, env: &dyn EnvSource) -> Option<(PathBuf, bool)> {
    if let Some(p) = &flags.config {
        return Some((p.clone(), true));
    }
    if let Some(p) = env.var(env::CONFIG) {
        return Some((PathBuf::from(p), true));
    }
    let local = PathBuf::from("secpip.toml");
    if local.is_file() {
        return Some((local, false));
    }
    let user = dirs::config_dir()?.join("secpip").join("secpip.toml");
    user.is_file().then_some((user, false))
}

/// Reads and parses one config file; an error names the file, and `toml`
/// names the line.
pub(super) fn load_file(path: &Path) -> Result<RawConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}
