//! Running pip for the real install, against the secure index only: the
//! upstream and any extra index or find-links are removed from its
//! environment, and every package is pinned to the version that was vetted.

use super::PIP_ENV_REMOVED;
use crate::ecosystem::PackageId;
use std::path::Path;
use std::process::Stdio;

/// Runs `pip install` from `index_url` with `pins` as constraints; returns pip's exit code.
pub async fn install(
    python: &Path,
    index_url: &str,
    requirements: &[String],
    pins: &[PackageId],
    pip_args: &[String],
    stdout_to_stderr: bool,
) -> std::io::Result<i32> {
    let dir = tempfile::tempdir()?;
    let constraints = dir.path().join("secpip-constraints.txt");
    let text: String = pins
        .iter()
        .map(|p| format!("{}=={}\n", p.name, p.version))
        .collect();
    std::fs::write(&constraints, text)?;
    let mut cmd = tokio::process::Command::new(python);
    cmd.args(["-m", "pip", "install", "--index-url", index_url])
        .arg("--constraint")
        .arg(&constraints)
        .args(pip_args)
        .arg("--")
        .args(requirements)
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .env("PIP_NO_INPUT", "1")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    for var in PIP_ENV_REMOVED {
        cmd.env_remove(var);
    }
    if stdout_to_stderr {
        // Keep stdout for secpip's JSON; pip's chatter goes to stderr.
        cmd.stdout(Stdio::from(std::io::stderr().as_fd_owned()?));
    }
    let status = cmd.status().await?;
    Ok(status.code().unwrap_or(1))
}

trait AsFdOwned {
    fn as_fd_owned(&self) -> std::io::Result<std::os::fd::OwnedFd>;
}

impl AsFdOwned for std::io::Stderr {
    fn as_fd_owned(&self) -> std::io::Result<std::os::fd::OwnedFd> {
        use std::os::fd::AsFd;
        self.as_fd().try_clone_to_owned()
    }
}
