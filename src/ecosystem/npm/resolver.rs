//! Resolution with npm's own resolver, in a temporary copy of the project:
//! `npm install --package-lock-only --ignore-scripts` against the upstream
//! registry only. Nothing is downloaded but metadata, no script runs, and
//! the user's project is untouched until the tree is vetted.

use super::{lockfile, names, NPM_ENV_REMOVED};
use crate::ecosystem::ResolvedPackage;
use std::path::Path;
use std::process::Stdio;

/// A resolved project: the tree, and the files npm would leave behind.
#[derive(Debug, Clone)]
pub struct Resolution {
    /// Every package of the tree.
    pub tree: Vec<ResolvedPackage>,
    /// The new `package.json` (changed when packages were added).
    pub package_json: String,
    /// The new `package-lock.json`.
    pub lockfile: String,
}

/// Why resolution failed.
#[derive(Debug, thiserror::Error)]
pub enum NpmResolveError {
    /// A spec that is not a registry package.
    #[error("{0:?} is not a registry package spec; secpip vets `name`, `name@range`, `@scope/name@range` and `alias@npm:name@range` only")]
    Spec(String),
    /// An invalid name.
    #[error(transparent)]
    Name(#[from] names::NameError),
    /// Files could not be copied or read.
    #[error("{what}: {message}")]
    Io {
        /// What was being done.
        what: String,
        /// The error.
        message: String,
    },
    /// npm failed.
    #[error("npm could not resolve the dependencies against {registry}:\n{stderr}")]
    Npm {
        /// The registry.
        registry: String,
        /// npm's explanation.
        stderr: String,
    },
    /// The lockfile has something that cannot be vetted.
    #[error(transparent)]
    Lockfile(#[from] lockfile::LockfileError),
}

/// npm options that would change where packages come from or run code.
const FORBIDDEN_NPM_OPTIONS: &[&str] = &[
    "--registry",
    "--userconfig",
    "--globalconfig",
    "--replace-registry-host",
    "--ignore-scripts",
    "--foreground-scripts",
    "--script-shell",
    "--package-lock-only",
    "--global",
    "-g",
    "--prefix",
];

/// Checks `npm install` specs and pass-through options before anything runs.
pub fn check_input(specs: &[String], npm_args: &[String]) -> Result<(), NpmResolveError> {
    for spec in specs {
        // `alias@npm:real@range` names the real package after `@npm:`.
        let (name, range) = match spec.get(1..).and_then(|s| s.find("@npm:")) {
            Some(i) => (&spec[..i + 1], Some(&spec[i + 2..])),
            None => names::split_spec(spec),
        };
        let range = range.unwrap_or("");
        let target = match range.strip_prefix("npm:") {
            Some(real) => names::split_spec(real).0,
            None => {
                if range.contains(':') || range.contains('/') || range.starts_with('.') {
                    return Err(NpmResolveError::Spec(spec.clone()));
                }
                name
            }
        };
        if name.starts_with('.')
            || name.starts_with('/')
            || name.starts_with('~')
            || name.contains(':')
        {
            return Err(NpmResolveError::Spec(spec.clone()));
        }
        if !name.starts_with('@') && name.contains('/') {
            // `user/repo` is a GitHub shorthand, not a registry package.
            return Err(NpmResolveError::Spec(spec.clone()));
        }
        names::validate_name(name)?;
        names::validate_name(target)?;
    }
    for arg in npm_args {
        let flag = arg.split_once('=').map_or(arg.as_str(), |(f, _)| f);
        if FORBIDDEN_NPM_OPTIONS.contains(&flag) {
            return Err(NpmResolveError::Spec(format!(
                "{arg} (secpip chooses the registry and runs lifecycle scripts only as policy allows)"
            )));
        }
    }
    Ok(())
}

fn io(what: impl Into<String>) -> impl Fn(std::io::Error) -> NpmResolveError {
    let what = what.into();
    move |e| NpmResolveError::Io {
        what: what.clone(),
        message: e.to_string(),
    }
}

/// Resolves `project` plus `specs` against `registry` in a temporary copy.
/// `use_lockfile_only`: read the existing lockfile as is (`npm ci`).
pub async fn resolve(
    project: &Path,
    registry: &str,
    specs: &[String],
    npm_args: &[String],
    before: Option<time::OffsetDateTime>,
) -> Result<Resolution, NpmResolveError> {
    let tmp = tempfile::tempdir().map_err(io("creating a temporary directory"))?;
    for f in ["package.json", "package-lock.json", "npm-shrinkwrap.json"] {
        let src = project.join(f);
        if src.is_file() {
            std::fs::copy(&src, tmp.path().join(f))
                .map_err(io(format!("copying {}", src.display())))?;
        }
    }
    if !tmp.path().join("package.json").exists() {
        // What `npm install x` does in an empty folder: start a package.json.
        std::fs::write(tmp.path().join("package.json"), "{}\n")
            .map_err(io("writing package.json"))?;
    }
    let mut cmd = tokio::process::Command::new("npm");
    cmd.arg("install")
        .args([
            "--package-lock-only",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
        ])
        .arg(format!("--registry={registry}"))
        .arg("--omit-lockfile-registry-resolved=false")
        .arg("--replace-registry-host=never");
    if let Some(b) = before {
        let text = b
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        cmd.arg(format!("--before={text}"));
    }
    cmd.args(npm_args)
        .args(specs)
        .current_dir(tmp.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for v in NPM_ENV_REMOVED {
        cmd.env_remove(v);
    }
    let out = cmd.output().await.map_err(io("running npm"))?;
    if !out.status.success() {
        return Err(NpmResolveError::Npm {
            registry: registry.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    let lock = std::fs::read_to_string(tmp.path().join("package-lock.json"))
        .map_err(io("reading the new package-lock.json"))?;
    let package_json = std::fs::read_to_string(tmp.path().join("package.json"))
        .map_err(io("reading the new package.json"))?;
    Ok(Resolution {
        tree: lockfile::parse(&lock)?,
        package_json,
        lockfile: lock,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_registry_specs_and_safe_options_pass() {
        let ok =
            |s: &[&str]| check_input(&s.iter().map(|x| x.to_string()).collect::<Vec<_>>(), &[]);
        ok(&[
            "lodash",
            "lodash@^4",
            "@babel/core@7.1.0",
            "alias@npm:lodash@4",
            "JSONStream@1.3.5",
        ])
        .unwrap();
        for bad in [
            "git+https://example.invalid/x.git",
            "user/repo",
            "./local",
            "file:../x",
            "x@github:u/r",
            "@Babel/core",
            "x@https://example.invalid/x.tgz",
        ] {
            assert!(ok(&[bad]).is_err(), "{bad}");
        }
        assert!(check_input(&[], &["--registry=http://x".into()]).is_err());
        assert!(check_input(&[], &["--ignore-scripts=false".into()]).is_err());
        check_input(&[], &["--save-dev".into()]).unwrap();
    }
}
