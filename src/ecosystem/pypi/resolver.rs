//! Resolution with pip's own resolver: `pip install --dry-run
//! --ignore-installed --report`, run against the upstream index only. The
//! report names every package of the tree with the exact file pip chose and
//! its sha256, which is what the worker vets.

use super::{normalize_name, PIP_ENV_REMOVED};
use crate::ecosystem::{Artifact, Ecosystem, PackageId, ResolvedPackage};
use serde::Deserialize;
use std::path::Path;
use std::process::Stdio;

/// Why resolution failed.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// pip could not be started.
    #[error("could not run pip ({python}): {message}")]
    Spawn {
        /// Interpreter.
        python: String,
        /// OS error.
        message: String,
    },
    /// pip's resolver failed (no such package, conflicts…).
    #[error("pip could not resolve the requirements against {index}:\n{stderr}")]
    Pip {
        /// The upstream index.
        index: String,
        /// pip's explanation.
        stderr: String,
        /// pip's exit code.
        code: Option<i32>,
    },
    /// The report is not what pip documents.
    #[error("pip's resolution report could not be read: {0}")]
    Report(String),
    /// pip picked something that is not an index file.
    #[error("pip resolved {name} {version} from {url}, which is not a file of the upstream index; secpip only vets index packages")]
    NotFromIndex {
        /// Package.
        name: String,
        /// Version.
        version: String,
        /// Where pip found it.
        url: String,
    },
}

#[derive(Deserialize)]
struct Report {
    install: Vec<ReportItem>,
}

#[derive(Deserialize)]
struct ReportItem {
    download_info: DownloadInfo,
    metadata: ReportMetadata,
}

#[derive(Deserialize)]
struct DownloadInfo {
    url: String,
    archive_info: Option<ArchiveInfo>,
}

#[derive(Deserialize)]
struct ArchiveInfo {
    hash: Option<String>,
    #[serde(default)]
    hashes: std::collections::BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct ReportMetadata {
    name: String,
    version: String,
}

/// Parses pip's installation report (format version 1).
pub fn parse_report(json: &str) -> Result<Vec<ResolvedPackage>, ResolveError> {
    let report: Report =
        serde_json::from_str(json).map_err(|e| ResolveError::Report(e.to_string()))?;
    report
        .install
        .into_iter()
        .map(|item| {
            let url = item.download_info.url;
            let not_index = || ResolveError::NotFromIndex {
                name: item.metadata.name.clone(),
                version: item.metadata.version.clone(),
                url: url.clone(),
            };
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(not_index());
            }
            let archive = item.download_info.archive_info.ok_or_else(not_index)?;
            let sha256 = archive
                .hashes
                .get("sha256")
                .cloned()
                .or_else(|| {
                    archive
                        .hash
                        .as_deref()
                        .and_then(|h| h.strip_prefix("sha256="))
                        .map(str::to_string)
                })
                .ok_or_else(|| ResolveError::Report(format!("no sha256 for {url}")))?;
            let path = url.split(['#', '?']).next().unwrap_or(&url);
            let filename = path.rsplit('/').next().unwrap_or(path).to_string();
            Ok(ResolvedPackage {
                id: PackageId {
                    ecosystem: Ecosystem::Pypi,
                    name: normalize_name(&item.metadata.name),
                    version: item.metadata.version,
                },
                artifacts: vec![Artifact {
                    url: path.to_string(),
                    filename,
                    sha256: sha256.to_ascii_lowercase(),
                    integrity: None,
                }],
            })
        })
        .collect()
}

/// Runs pip's resolver against `index_url` only and returns the whole tree.
pub async fn resolve(
    python: &Path,
    index_url: &str,
    requirements: &[String],
    pip_args: &[String],
) -> Result<Vec<ResolvedPackage>, ResolveError> {
    let dir = tempfile::tempdir().map_err(|e| ResolveError::Report(e.to_string()))?;
    let report_path = dir.path().join("report.json");
    let mut cmd = tokio::process::Command::new(python);
    cmd.args([
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--ignore-installed",
        "--quiet",
    ])
    .arg("--report")
    .arg(&report_path)
    .arg("--index-url")
    .arg(index_url)
    .args(pip_args)
    .arg("--")
    .args(requirements)
    .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    .env("PIP_NO_INPUT", "1")
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .kill_on_drop(true);
    for var in PIP_ENV_REMOVED {
        cmd.env_remove(var);
    }
    let out = cmd.output().await.map_err(|e| ResolveError::Spawn {
        python: python.display().to_string(),
        message: e.to_string(),
    })?;
    if !out.status.success() {
        return Err(ResolveError::Pip {
            index: index_url.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            code: out.status.code(),
        });
    }
    let json =
        std::fs::read_to_string(&report_path).map_err(|e| ResolveError::Report(e.to_string()))?;
    parse_report(&json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_items_become_resolved_packages() {
        let json = r#"{"version":"1","install":[{"download_info":{"url":"http://127.0.0.1:9/files/Alpha_Widget-2.1.0-py3-none-any.whl","archive_info":{"hash":"sha256=AB12","hashes":{"sha256":"ab12"}}},"metadata":{"name":"Alpha_Widget","version":"2.1.0"},"requested":true}]}"#;
        let tree = parse_report(json).unwrap();
        assert_eq!(tree[0].id.key(), "pypi:alpha-widget@2.1.0");
        assert_eq!(
            tree[0].artifacts[0].filename,
            "Alpha_Widget-2.1.0-py3-none-any.whl"
        );
        assert_eq!(tree[0].artifacts[0].sha256, "ab12");
    }

    #[test]
    fn local_files_and_vcs_are_refused() {
        let json = r#"{"install":[{"download_info":{"url":"file:///opt/wheels/x-1-py3-none-any.whl","archive_info":{"hashes":{"sha256":"00"}}},"metadata":{"name":"x","version":"1"}}]}"#;
        assert!(matches!(
            parse_report(json),
            Err(ResolveError::NotFromIndex { .. })
        ));
        let json = r#"{"install":[{"download_info":{"url":"https://example.invalid/x.git","vcs_info":{"vcs":"git"}},"metadata":{"name":"x","version":"1"}}]}"#;
        assert!(matches!(
            parse_report(json),
            Err(ResolveError::NotFromIndex { .. })
        ));
        assert!(matches!(parse_report("{"), Err(ResolveError::Report(_))));
    }
}
