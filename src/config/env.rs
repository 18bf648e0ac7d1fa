//! Every environment variable secpip reads, in one place: a variable is
//! read through these names in [`crate::config`] and nowhere else, so the
//! list below is the whole surface a user can set.

/// Path of the `secpip.toml` to load.
pub const CONFIG: &str = "SECPIP_CONFIG";
/// A team server to use instead of the embedded backend.
pub const SERVER: &str = "SECPIP_SERVER";
/// `embedded` or `aws`.
pub const BACKEND: &str = "SECPIP_BACKEND";
/// Bearer token for the team server (never printed).
pub const TOKEN: &str = "SECPIP_TOKEN";
/// Password for the team secure repository's upload API (never printed).
pub const REPO_PASSWORD: &str = "SECPIP_REPO_PASSWORD";
/// Token for the team secure repository (npm publish; never printed).
pub const REPO_TOKEN: &str = "SECPIP_REPO_TOKEN";
/// Where the status store and the local secure repository live.
pub const DATA_DIR: &str = "SECPIP_DATA_DIR";
/// The Python whose pip resolves and installs.
pub const PYTHON: &str = "SECPIP_PYTHON";
/// Upstream simple index (overrides what pip is configured with).
pub const PYPI_INDEX_URL: &str = "SECPIP_PYPI_INDEX_URL";
/// Base of the upstream JSON metadata API (`{base}/{name}/json`).
pub const PYPI_JSON_URL: &str = "SECPIP_PYPI_JSON_URL";
/// Download statistics endpoint, with `{name}` in it.
pub const DOWNLOADS_URL: &str = "SECPIP_DOWNLOADS_URL";
/// Base URL of the GitHub REST API.
pub const GITHUB_API_URL: &str = "SECPIP_GITHUB_API_URL";
/// OSV-compatible advisory API base (empty: only the offline database).
pub const OSV_URL: &str = "SECPIP_OSV_URL";
/// npm registry to resolve against (overrides `npm config get registry`).
pub const NPM_REGISTRY: &str = "SECPIP_NPM_REGISTRY";
/// npm download statistics endpoint, with `{name}` in it.
pub const NPM_DOWNLOADS_URL: &str = "SECPIP_NPM_DOWNLOADS_URL";
/// Optional GitHub token (raises the API rate limit; never printed).
pub const GITHUB_TOKEN: &str = "SECPIP_GITHUB_TOKEN";
/// Seconds a CHECK claim lasts before another process may take it over.
pub const LEASE_SECS: &str = "SECPIP_LEASE_SECS";
/// Seconds an install waits for verdicts before giving up.
pub const TIMEOUT_SECS: &str = "SECPIP_TIMEOUT_SECS";
/// Non-interactive mode: never prompt, policy decides.
pub const CI: &str = "SECPIP_CI";
/// Log filter (`tracing` syntax), e.g. `secpip=debug`.
pub const LOG: &str = "SECPIP_LOG";
/// The conventional switch that turns colour off.
pub const NO_COLOR: &str = "NO_COLOR";
/// Set by most CI systems; treated like `--ci`.
pub const GENERIC_CI: &str = "CI";
/// The active virtual environment, if any.
pub const VIRTUAL_ENV: &str = "VIRTUAL_ENV";
/// `secpip serve`: Slack incoming-webhook URL (never printed).
pub const SLACK_WEBHOOK_URL: &str = "SECPIP_SLACK_WEBHOOK_URL";
/// `secpip serve`: generic JSON webhook URL (never printed).
pub const WEBHOOK_URL: &str = "SECPIP_WEBHOOK_URL";
