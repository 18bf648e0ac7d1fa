//! Where packages come from: the index the user's pip is already configured
//! to use (corporate mirrors included), unless `secpip.toml` says otherwise.
//!
//! secpip never hard-codes a registry host: when nothing is configured it
//! asks pip itself, which also yields pip's built-in default.

use std::path::Path;
use std::process::Stdio;

/// The upstream index and its JSON metadata API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    /// PEP 503 simple index, ending in `/`.
    pub index_url: String,
    /// Base of the JSON API: `{json_url}/{name}/json`.
    pub json_url: String,
}

/// Why the upstream could not be determined.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    /// Python/pip could not be run.
    #[error("could not ask pip ({python}) for its index URL: {message}; set `[pypi] index_url` in secpip.toml or {}", crate::config::env::PYPI_INDEX_URL)]
    AskPip {
        /// The interpreter.
        python: String,
        /// What went wrong.
        message: String,
    },
    /// The JSON API location cannot be derived.
    #[error("cannot derive the JSON metadata API from index URL {0}; set `[pypi] json_url` in secpip.toml")]
    NoJsonUrl(String),
}

/// Asks pip which index it would use: `PIP_INDEX_URL`, then its config files,
/// then its built-in default.
const ASK_PIP: &str = r#"
import os
from pip._internal.configuration import Configuration
from pip._internal.models.index import PyPI
url = os.environ.get("PIP_INDEX_URL")
if not url:
    c = Configuration(isolated=False)
    c.load()
    for key, val in c.items():
        if key.split(".", 1)[-1] == "index-url":
            url = val
print(url or PyPI.simple_url)
"#;

/// Determines the upstream from settings, asking pip when they are silent.
pub async fn discover(
    python: &Path,
    index_url: Option<&str>,
    json_url: Option<&str>,
) -> Result<Upstream, UpstreamError> {
    let index = match index_url {
        Some(u) => u.to_string(),
        None => ask_pip(python).await?,
    };
    let index = if index.ends_with('/') {
        index
    } else {
        format!("{index}/")
    };
    let json = match json_url {
        Some(j) => j.trim_end_matches('/').to_string(),
        None => derive_json_url(&index).ok_or_else(|| UpstreamError::NoJsonUrl(index.clone()))?,
    };
    Ok(Upstream {
        index_url: index,
        json_url: json,
    })
}

async fn ask_pip(python: &Path) -> Result<String, UpstreamError> {
    let err = |message: String| UpstreamError::AskPip {
        python: python.display().to_string(),
        message,
    };
    let out = tokio::process::Command::new(python)
        .args(["-c", ASK_PIP])
        .stdin(Stdio::null())
        .output()
        .await
        .map_err(|e| err(e.to_string()))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(err(stderr.lines().last().unwrap_or("failed").to_string()));
    }
    let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(err(format!(
            "pip reported {url:?}, which is not an http(s) URL"
        )));
    }
    Ok(url)
}

/// `…/simple/` → `…/pypi`, the layout of the public index and its mirrors.
pub fn derive_json_url(index_url: &str) -> Option<String> {
    let trimmed = index_url.trim_end_matches('/');
    trimmed
        .strip_suffix("/simple")
        .map(|base| format!("{base}/pypi"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_url_is_derived_from_simple_index() {
        assert_eq!(
            derive_json_url("http://127.0.0.1:8080/simple/").as_deref(),
            Some("http://127.0.0.1:8080/pypi")
        );
        assert_eq!(derive_json_url("http://127.0.0.1:8080/repo/"), None);
    }

    #[tokio::test]
    async fn pip_is_asked_when_nothing_is_configured() {
        // Real pip: whatever it is configured with, it answers with an http(s) URL.
        match discover(Path::new("python3"), None, Some("http://127.0.0.1:1/pypi")).await {
            Ok(u) => assert!(u.index_url.starts_with("http") && u.index_url.ends_with('/')),
            Err(e) => panic!("{e}"),
        }
    }
}
