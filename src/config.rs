//! Settings: `secpip.toml`, `SECPIP_*` environment variables and flags, combined
//! with one precedence (flag, then environment, then file, then default).
//!
//! Every environment variable secpip reads is a constant in [`mod@env`], read in
//! this module and nowhere else. Persisted state (the status store) is not
//! configuration and never lives here.

pub mod aws;
pub mod env;
mod file;
pub mod server;

use crate::verdict::policy::{ListRule, Policy};
pub use aws::{AwsSettings, Backend};
use file::{find_config, load_file, RawConfig, RawScripts};
pub use server::{Secret, ServeFlags, ServeSettings};
use std::path::PathBuf;

/// Default download statistics endpoint (the public stats service's "recent" API).
pub const DEFAULT_DOWNLOADS_URL: &str = "https://pypistats.org/api/packages/{name}/recent";
/// Default GitHub REST API base.
pub const DEFAULT_GITHUB_API_URL: &str = "https://api.github.com";

/// Why settings could not be assembled; each names the file or variable at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file exists but could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The config file is not valid TOML or has unknown/mistyped keys.
    #[error("invalid config file {path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What `toml` said, including the line.
        message: String,
    },
    /// An environment variable has a value of the wrong shape.
    #[error("environment variable {name}={value:?} is not valid: {expected}")]
    Env {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// What it should be.
        expected: &'static str,
    },
    /// The policy section is inconsistent.
    #[error("invalid [policy] in {path}: {message}")]
    Policy {
        /// The file (or "defaults").
        path: String,
        /// What is wrong.
        message: String,
    },
    /// No data directory could be determined.
    #[error(
        "cannot determine a data directory; set {} or --data-dir",
        env::DATA_DIR
    )]
    NoDataDir,
}

/// Flags that take part in precedence (the CLI fills this in).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// `--data-dir DIR`.
    pub data_dir: Option<PathBuf>,
    /// `--python PATH`.
    pub python: Option<PathBuf>,
    /// `--ci`.
    pub ci: bool,
    /// `--json`.
    pub json: bool,
    /// `-q` count.
    pub quiet: u8,
    /// `-v` count.
    pub verbose: u8,
    /// `--timeout SECS`.
    pub timeout_secs: Option<u64>,
    /// `--server URL`.
    pub server: Option<String>,
    /// `--backend embedded|aws`.
    pub backend: Option<String>,
    /// `--profile NAME` (AWS).
    pub aws_profile: Option<String>,
    /// `--region NAME` (AWS).
    pub aws_region: Option<String>,
    /// `secpip serve`'s flags.
    pub serve: ServeFlags,
}

/// PyPI upstream and the local Python/pip.
#[derive(Debug, Clone)]
pub struct PypiSettings {
    /// Upstream simple index; `None` means "ask pip".
    pub index_url: Option<String>,
    /// Upstream JSON API base; `None` means "derive from the index URL".
    pub json_url: Option<String>,
    /// The Python whose pip runs.
    pub python: PathBuf,
}

/// Optional reputation data sources.
#[derive(Clone)]
pub struct SourceSettings {
    /// Stats endpoint with `{name}`; empty string disables it.
    pub downloads_url: String,
    /// GitHub API base; empty string disables it.
    pub github_api_url: String,
    /// OSV-compatible API base; empty string disables it.
    pub osv_url: String,
    /// npm download statistics with `{name}`; empty string disables it.
    pub npm_downloads_url: String,
    /// GitHub token, if any. Never printed (see the `Debug` impl).
    pub github_token: Option<String>,
    /// Per-request timeout for these sources and the metadata API.
    pub timeout_secs: u64,
}

impl std::fmt::Debug for SourceSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceSettings")
            .field("downloads_url", &self.downloads_url)
            .field("github_api_url", &self.github_api_url)
            .field("osv_url", &self.osv_url)
            .field("npm_downloads_url", &self.npm_downloads_url)
            .field(
                "github_token",
                &self.github_token.as_ref().map(|_| "<redacted>"),
            )
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

/// npm upstream and lifecycle-script policy.
#[derive(Debug, Clone, Default)]
pub struct NpmSettings {
    /// Upstream registry; `None` means "ask npm".
    pub registry: Option<String>,
    /// Packages whose lifecycle scripts may run; empty = scripts denied.
    pub scripts_allowed: Vec<ListRule>,
}

/// Timing and concurrency of the install flow.
#[derive(Debug, Clone)]
pub struct InstallSettings {
    /// How long to wait for all verdicts.
    pub timeout_secs: u64,
    /// Lease of a CHECK claim; renewed while the scan runs.
    pub lease_secs: u64,
    /// Concurrent scans in the embedded worker pool.
    pub workers: usize,
    /// How long a resolved tree is reused without asking upstream again.
    pub resolve_cache_secs: u64,
}

/// How output is presented.
#[derive(Debug, Clone, Copy)]
pub struct OutputSettings {
    /// Machine-readable JSON on stdout.
    pub json: bool,
    /// Never prompt; policy decides.
    pub ci: bool,
    /// Quiet level.
    pub quiet: u8,
    /// Verbosity level.
    pub verbose: u8,
    /// Colour allowed (`NO_COLOR` unset).
    pub color: bool,
}

/// An existing PyPI server / npm registry used as the secure repository
/// (vetted files are uploaded to it; pip and npm install from it).
#[derive(Clone, Default)]
pub struct RepoSettings {
    /// Legacy upload endpoint (the one twine uses).
    pub pypi_upload_url: Option<String>,
    /// Simple index pip installs from.
    pub pypi_index_url: Option<String>,
    /// npm registry to publish to and install from.
    pub npm_registry_url: Option<String>,
    /// Upload user name.
    pub username: Option<String>,
    /// Upload password (`SECPIP_REPO_PASSWORD`; never printed).
    pub password: Option<String>,
    /// npm token (`SECPIP_REPO_TOKEN`; never printed).
    pub token: Option<String>,
}

impl RepoSettings {
    /// Is any team repository configured?
    pub fn configured(&self) -> bool {
        self.pypi_upload_url.is_some() || self.npm_registry_url.is_some()
    }
}

impl std::fmt::Debug for RepoSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RepoSettings")
            .field("pypi_upload_url", &self.pypi_upload_url)
            .field("pypi_index_url", &self.pypi_index_url)
            .field("npm_registry_url", &self.npm_registry_url)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A team server (`secpip serve`) that replaces the embedded backend.
#[derive(Clone)]
pub struct ServerSettings {
    /// Base URL, without a trailing slash.
    pub url: String,
    /// Bearer token, if any. Never printed (see the `Debug` impl).
    pub token: Option<String>,
}

impl std::fmt::Debug for ServerSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerSettings")
            .field("url", &self.url)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Everything a command needs to know, resolved once.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The team server, when one is configured (remote mode).
    pub server: Option<ServerSettings>,
    /// Embedded or AWS store/queue/repository.
    pub backend: Backend,
    /// `[aws]`, used when `backend` is AWS.
    pub aws: AwsSettings,
    /// `[serve]`: how `secpip serve` runs.
    pub serve: ServeSettings,
    /// The team secure repository, when one is configured.
    pub repo: RepoSettings,
    /// The config file that was loaded, if any.
    pub config_file: Option<PathBuf>,
    /// Status store and local secure repo live here.
    pub data_dir: PathBuf,
    /// PyPI upstream and pip.
    pub pypi: PypiSettings,
    /// Reputation sources.
    pub sources: SourceSettings,
    /// npm upstream and script policy.
    pub npm: NpmSettings,
    /// Install flow timing.
    pub install: InstallSettings,
    /// The validated policy.
    pub policy: Policy,
    /// Output presentation.
    pub output: OutputSettings,
}

/// Reads the process environment; a trait-free seam so tests can pass a map.
pub trait EnvSource {
    /// The value of `name`, if set and non-empty.
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment.
pub struct ProcessEnv;

impl EnvSource for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

impl<S: std::hash::BuildHasher> EnvSource for std::collections::HashMap<String, String, S> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.is_empty()).cloned()
    }
}

fn env_u64(env: &dyn EnvSource, name: &'static str) -> Result<Option<u64>, ConfigError> {
    match env.var(name) {
        None => Ok(None),
        Some(v) => v.trim().parse().map(Some).map_err(|_| ConfigError::Env {
            name,
            value: v,
            expected: "a whole number of seconds",
        }),
    }
}

fn env_bool(env: &dyn EnvSource, name: &str) -> bool {
    env.var(name)
        .map(|v| {
            !matches!(
                v.to_ascii_lowercase().as_str(),
                "0" | "false" | "no" | "off"
            )
        })
        .unwrap_or(false)
}

/// The Python whose pip secpip drives: the active virtualenv's, else `python3`.
fn default_python(env: &dyn EnvSource) -> PathBuf {
    if let Some(venv) = env.var(env::VIRTUAL_ENV) {
        let p = PathBuf::from(venv).join("bin").join("python");
        if p.exists() {
            return p;
        }
    }
    PathBuf::from("python3")
}

impl Settings {
    /// Resolves settings from flags, the process environment and the config file.
    pub fn load(flags: &Overrides) -> Result<Settings, ConfigError> {
        Self::load_with(flags, &ProcessEnv)
    }

    /// Like [`Settings::load`] with an explicit environment (for tests).
    pub fn load_with(flags: &Overrides, env: &dyn EnvSource) -> Result<Settings, ConfigError> {
        let found = find_config(flags, env);
        let (raw, config_file) = match found {
            Some((path, explicit)) => {
                if !explicit && !path.is_file() {
                    (RawConfig::default(), None)
                } else {
                    (load_file(&path)?, Some(path))
                }
            }
            None => (RawConfig::default(), None),
        };
        let policy_origin = config_file
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "defaults".into());
        let config_origin = policy_origin.clone();
        let policy = raw
            .policy
            .validate()
            .map_err(|message| ConfigError::Policy {
                path: policy_origin,
                message,
            })?;

        let data_dir = match flags
            .data_dir
            .clone()
            .or_else(|| env.var(env::DATA_DIR).map(PathBuf::from))
            .or(raw.data_dir)
        {
            Some(d) => d,
            None => dirs::data_dir()
                .map(|d| d.join("secpip"))
                .ok_or(ConfigError::NoDataDir)?,
        };

        let python = flags
            .python
            .clone()
            .or_else(|| env.var(env::PYTHON).map(PathBuf::from))
            .or(raw.pypi.python)
            .unwrap_or_else(|| default_python(env));

        let pypi = PypiSettings {
            index_url: env.var(env::PYPI_INDEX_URL).or(raw.pypi.index_url),
            json_url: env.var(env::PYPI_JSON_URL).or(raw.pypi.json_url),
            python,
        };
        let sources = SourceSettings {
            downloads_url: env
                .var(env::DOWNLOADS_URL)
                .or(raw.sources.downloads_url)
                .unwrap_or_else(|| DEFAULT_DOWNLOADS_URL.to_string()),
            github_api_url: env
                .var(env::GITHUB_API_URL)
                .or(raw.sources.github_api_url)
                .unwrap_or_else(|| DEFAULT_GITHUB_API_URL.to_string()),
            osv_url: env
                .var(env::OSV_URL)
                .or(raw.sources.osv_url)
                .unwrap_or_else(|| crate::advisories::api::DEFAULT_API_URL.to_string()),
            npm_downloads_url: env
                .var(env::NPM_DOWNLOADS_URL)
                .or(raw.sources.npm_downloads_url)
                .unwrap_or_default(),
            github_token: env.var(env::GITHUB_TOKEN),
            timeout_secs: raw.sources.timeout_secs.unwrap_or(20),
        };
        let install = InstallSettings {
            timeout_secs: match flags.timeout_secs {
                Some(t) => t,
                None => env_u64(env, env::TIMEOUT_SECS)?
                    .or(raw.install.timeout_secs)
                    .unwrap_or(600),
            },
            lease_secs: env_u64(env, env::LEASE_SECS)?
                .or(raw.install.lease_secs)
                .unwrap_or(300)
                .max(1),
            workers: raw.install.workers.unwrap_or(8).clamp(1, 64),
            resolve_cache_secs: raw.install.resolve_cache_secs.unwrap_or(3600),
        };
        let scripts_allowed = match raw.npm.scripts {
            None => Vec::new(),
            Some(RawScripts::Mode(m)) if m == "deny" => Vec::new(),
            Some(RawScripts::Mode(m)) => {
                return Err(ConfigError::Policy {
                    path: config_file.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
                    message: format!("[npm] scripts = {m:?}: use \"deny\" or a list of packages allowed to run scripts"),
                })
            }
            Some(RawScripts::Allow(list)) => {
                let mut rules = Vec::new();
                for spec in list {
                    let spec = if spec.starts_with("npm:") { spec } else { format!("npm:{spec}") };
                    rules.push(ListRule::parse(&spec, "allowed to run lifecycle scripts", "secpip.toml").map_err(
                        |message| ConfigError::Policy {
                            path: config_file.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
                            message: format!("[npm] scripts: {message}"),
                        },
                    )?);
                }
                rules
            }
        };
        let npm = NpmSettings {
            registry: env.var(env::NPM_REGISTRY).or(raw.npm.registry),
            scripts_allowed,
        };
        let output = OutputSettings {
            json: flags.json,
            ci: flags.ci || env_bool(env, env::CI) || env_bool(env, env::GENERIC_CI),
            quiet: flags.quiet,
            verbose: flags.verbose,
            color: env.var(env::NO_COLOR).is_none(),
        };
        let server = flags
            .server
            .clone()
            .or_else(|| env.var(env::SERVER))
            .or(raw.server)
            .map(|url| ServerSettings {
                url: url.trim_end_matches('/').to_string(),
                token: env.var(env::TOKEN),
            });
        let repo = RepoSettings {
            pypi_upload_url: raw.repo.pypi_upload_url,
            pypi_index_url: raw.repo.pypi_index_url,
            npm_registry_url: raw.repo.npm_registry_url,
            username: raw.repo.username,
            password: env.var(env::REPO_PASSWORD),
            token: env.var(env::REPO_TOKEN),
        };
        let backend = match flags
            .backend
            .clone()
            .or_else(|| env.var(env::BACKEND))
            .or(raw.backend)
        {
            Some(b) => Backend::parse(&b).map_err(|message| ConfigError::Policy {
                path: config_origin.clone(),
                message,
            })?,
            None => Backend::Embedded,
        };
        let aws = raw
            .aws
            .resolve(flags.aws_profile.clone(), flags.aws_region.clone())
            .map_err(|message| ConfigError::Policy {
                path: config_origin.clone(),
                message: format!("[aws] {message}"),
            })?;
        let serve = raw.serve.resolve(&flags.serve, env, &config_origin)?;
        Ok(Settings {
            server,
            backend,
            aws,
            serve,
            repo,
            config_file,
            data_dir,
            pypi,
            sources,
            npm,
            install,
            policy,
            output,
        })
    }

    /// Path of the SQLite status store.
    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("secpip.db")
    }

    /// Folder of the local secure repository.
    pub fn repo_dir(&self) -> PathBuf {
        self.data_dir.join("repo")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::path::Path;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let p = dir.join("secpip.toml");
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn env_beats_file_and_flag_beats_env() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = write(
            dir.path(),
            "[install]\ntimeout_secs = 5\nlease_secs = 7\n[pypi]\nindex_url = \"http://file/simple/\"\n",
        );
        let mut env = HashMap::new();
        env.insert(env::LEASE_SECS.to_string(), "9".to_string());
        env.insert(env::DATA_DIR.to_string(), "/tmp/x".to_string());
        let flags = Overrides {
            config: Some(cfg),
            timeout_secs: Some(3),
            ..Default::default()
        };
        let s = Settings::load_with(&flags, &env).unwrap();
        assert_eq!(s.install.timeout_secs, 3);
        assert_eq!(s.install.lease_secs, 9);
        assert_eq!(s.pypi.index_url.as_deref(), Some("http://file/simple/"));
        assert_eq!(s.data_dir, PathBuf::from("/tmp/x"));
    }

    #[test]
    fn unknown_key_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = write(dir.path(), "[install]\ntimeout = 5\n");
        let flags = Overrides {
            config: Some(cfg.clone()),
            ..Default::default()
        };
        let err = Settings::load_with(&flags, &HashMap::new()).unwrap_err();
        let text = err.to_string();
        assert!(text.contains(&cfg.display().to_string()), "{text}");
        assert!(text.contains("timeout"), "{text}");
    }

    #[test]
    fn bad_env_number_is_explained() {
        let mut env = HashMap::new();
        env.insert(env::TIMEOUT_SECS.to_string(), "soon".to_string());
        env.insert(env::DATA_DIR.to_string(), "/tmp/x".to_string());
        let err = Settings::load_with(&Overrides::default(), &env).unwrap_err();
        assert!(err.to_string().contains("SECPIP_TIMEOUT_SECS"));
    }

    #[test]
    fn github_token_is_redacted_in_debug() {
        let mut env = HashMap::new();
        env.insert(env::GITHUB_TOKEN.to_string(), "ghp_secret".to_string());
        env.insert(env::DATA_DIR.to_string(), "/tmp/x".to_string());
        let s = Settings::load_with(&Overrides::default(), &env).unwrap();
        assert!(!format!("{s:?}").contains("ghp_secret"));
    }
}
