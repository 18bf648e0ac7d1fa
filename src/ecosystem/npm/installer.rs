//! Running npm for the real install, against the secure registry only,
//! through a temporary npmrc. Lifecycle scripts are skipped, then run with
//! `npm rebuild` for exactly the packages policy allows. The lockfile keeps
//! the upstream `resolved` URLs, as plain npm would have left it.

use super::NPM_ENV_REMOVED;
use std::path::Path;
use std::process::Stdio;

/// What to run.
pub struct NpmRun<'a> {
    /// The project folder.
    pub project: &'a Path,
    /// The secure registry URL (ends in `/`).
    pub registry: &'a str,
    /// `npm ci` instead of `npm install`.
    pub ci: bool,
    /// Pass-through npm arguments (checked).
    pub npm_args: &'a [String],
    /// Packages whose lifecycle scripts may run.
    pub allow_scripts: &'a [String],
    /// Send npm's stdout to stderr (keeps secpip's JSON clean).
    pub stdout_to_stderr: bool,
    /// Token for the secure registry, if it needs one to read (written only
    /// into the temporary npmrc, never on a command line).
    pub token: Option<&'a str>,
}

fn npm(run: &NpmRun<'_>, npmrc: &Path) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new("npm");
    cmd.arg(format!("--userconfig={}", npmrc.display()))
        .arg(format!("--registry={}", run.registry))
        .args(["--replace-registry-host=always", "--no-audit", "--no-fund"])
        .current_dir(run.project)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    for v in NPM_ENV_REMOVED {
        cmd.env_remove(v);
    }
    if run.stdout_to_stderr {
        if let Ok(fd) = std::os::fd::AsFd::as_fd(&std::io::stderr()).try_clone_to_owned() {
            cmd.stdout(Stdio::from(fd));
        }
    }
    cmd
}

/// Installs, then rebuilds the allowed packages. Returns npm's exit code.
pub async fn install(run: &NpmRun<'_>) -> std::io::Result<i32> {
    let dir = tempfile::tempdir()?;
    let npmrc = dir.path().join("npmrc");
    std::fs::write(
        &npmrc,
        format!(
            "registry={}\nreplace-registry-host=always\naudit=false\nfund=false\n",
            run.registry
        ),
    )?;
    let mut cmd = npm(run, &npmrc);
    cmd.arg(if run.ci { "ci" } else { "install" })
        .arg("--ignore-scripts")
        .args(run.npm_args);
    let code = cmd.status().await?.code().unwrap_or(1);
    if code != 0 || run.allow_scripts.is_empty() {
        return Ok(code);
    }
    let mut rebuild = npm(run, &npmrc);
    rebuild
        .arg("rebuild")
        .arg("--ignore-scripts=false")
        .args(run.allow_scripts);
    Ok(rebuild.status().await?.code().unwrap_or(1))
}
