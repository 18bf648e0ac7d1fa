//! The upstream npm registry: what the user's npm is configured with
//! (`npm config get registry`), unless `secpip.toml` says otherwise. No
//! registry host is written in secpip.

use std::path::Path;
use std::process::Stdio;

/// Why the registry could not be determined.
#[derive(Debug, thiserror::Error)]
#[error(
    "could not ask npm for its registry ({message}); set `[npm] registry` in secpip.toml or {}",
    crate::config::env::NPM_REGISTRY
)]
pub struct RegistryError {
    /// What went wrong.
    pub message: String,
}

/// The registry URL, ending in `/`.
pub async fn discover(configured: Option<&str>, project: &Path) -> Result<String, RegistryError> {
    let url = match configured {
        Some(u) => u.to_string(),
        None => {
            let out = tokio::process::Command::new("npm")
                .args(["config", "get", "registry"])
                .current_dir(project)
                .stdin(Stdio::null())
                .output()
                .await
                .map_err(|e| RegistryError {
                    message: e.to_string(),
                })?;
            if !out.status.success() {
                return Err(RegistryError {
                    message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
                });
            }
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        }
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(RegistryError {
            message: format!("registry {url:?} is not an http(s) URL"),
        });
    }
    Ok(if url.ends_with('/') {
        url
    } else {
        format!("{url}/")
    })
}

/// The packument URL of `name` on `registry` (scopes encoded as npm does).
pub fn packument_url(registry: &str, name: &str) -> String {
    format!("{registry}{}", name.replace('/', "%2f"))
}
