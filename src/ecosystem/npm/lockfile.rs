//! Reading the resolved tree out of a `package-lock.json` (v2/v3): every
//! installed package with its real name (aliases resolved), version,
//! tarball URL and integrity. Git, file, link and URL dependencies have no
//! registry identity, so they are refused with the reason.

use super::names::validate_name;
use crate::ecosystem::{Artifact, Ecosystem, PackageId, ResolvedPackage};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Why a lockfile cannot be vetted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LockfileError {
    /// Not JSON or not a lockfile.
    #[error("package-lock.json is not valid: {0}")]
    Invalid(String),
    /// Old format without `packages`.
    #[error("package-lock.json version {0} has no `packages` map; run `npm install --package-lock-only` with npm 7 or newer")]
    TooOld(u64),
    /// A dependency that does not come from a registry.
    #[error("{path}: {what} dependencies are not vetted by secpip ({source_}); publish it to a registry or install it with npm yourself")]
    NotFromRegistry {
        /// Lockfile path of the entry.
        path: String,
        /// git, file, link…
        what: &'static str,
        /// The resolved value.
        source_: String,
    },
    /// An entry without `resolved`/`integrity`.
    #[error("{path}: the lockfile has no {missing} for {name}@{version}; regenerate it with `npm install --package-lock-only`")]
    Incomplete {
        /// Lockfile path.
        path: String,
        /// Package name.
        name: String,
        /// Version.
        version: String,
        /// What is missing.
        missing: &'static str,
    },
    /// An entry whose name npm could never have published
    /// (`node_modules/../../x`): the lock file was not written by npm from
    /// a registry, or the registry lied.
    #[error("{path}: {name:?} is not a valid npm package name ({message}); regenerate the lock file with `npm install --package-lock-only`")]
    BadName {
        /// Lockfile path.
        path: String,
        /// The name, as the lock file gives it.
        name: String,
        /// Why it is not valid.
        message: String,
    },
}

#[derive(Deserialize)]
struct Lock {
    #[serde(rename = "lockfileVersion", default)]
    version: u64,
    packages: Option<BTreeMap<String, Entry>>,
}

#[derive(Deserialize)]
struct Entry {
    name: Option<String>,
    version: Option<String>,
    resolved: Option<String>,
    integrity: Option<String>,
    #[serde(default)]
    link: bool,
}

/// The package name a `node_modules/...` path installs.
fn name_from_path(path: &str) -> Option<&str> {
    let idx = path.rfind("node_modules/")?;
    Some(&path[idx + "node_modules/".len()..])
}

/// Parses the tree. The root entry (`""`) and workspace links are skipped.
pub fn parse(text: &str) -> Result<Vec<ResolvedPackage>, LockfileError> {
    let lock: Lock =
        serde_json::from_str(text).map_err(|e| LockfileError::Invalid(e.to_string()))?;
    let packages = lock.packages.ok_or(LockfileError::TooOld(lock.version))?;
    let mut out: Vec<ResolvedPackage> = Vec::new();
    for (path, e) in packages {
        if path.is_empty() {
            continue;
        }
        let Some(dir_name) = name_from_path(&path) else {
            // A workspace folder (`packages/x`): its own code, not a download.
            continue;
        };
        let resolved = e.resolved.clone().unwrap_or_default();
        if e.link {
            return Err(LockfileError::NotFromRegistry {
                path,
                what: "linked (file:/workspace)",
                source_: resolved,
            });
        }
        let what = if resolved.starts_with("git") || resolved.contains("git+") {
            Some("git")
        } else if resolved.starts_with("file:") {
            Some("file")
        } else if !resolved.is_empty() && !resolved.ends_with(".tgz") {
            Some("URL")
        } else {
            None
        };
        if let Some(what) = what {
            return Err(LockfileError::NotFromRegistry {
                path,
                what,
                source_: resolved,
            });
        }
        let name = e.name.clone().unwrap_or_else(|| dir_name.to_string());
        if let Err(e) = validate_name(&name) {
            return Err(LockfileError::BadName {
                path,
                name,
                message: e.to_string(),
            });
        }
        let version = e.version.clone().unwrap_or_default();
        let incomplete = |missing| LockfileError::Incomplete {
            path: path.clone(),
            name: name.clone(),
            version: version.clone(),
            missing,
        };
        if version.is_empty() {
            return Err(incomplete("version"));
        }
        if resolved.is_empty() {
            return Err(incomplete("resolved URL"));
        }
        let integrity = e.integrity.clone().ok_or_else(|| incomplete("integrity"))?;
        let id = PackageId::new(Ecosystem::Npm, &name, &version);
        if out.iter().any(|p| p.id == id) {
            continue;
        }
        let filename = resolved.rsplit('/').next().unwrap_or(&resolved).to_string();
        out.push(ResolvedPackage {
            id,
            artifacts: vec![Artifact {
                url: resolved,
                filename,
                sha256: String::new(),
                integrity: Some(integrity),
            }],
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_with_scopes_aliases_and_nesting() {
        let lock = r#"{"lockfileVersion":3,"packages":{
          "":{"name":"app","dependencies":{"a":"^1"}},
          "node_modules/a":{"version":"1.0.0","resolved":"http://r/a/-/a-1.0.0.tgz","integrity":"sha512-AA=="},
          "node_modules/@s/b":{"version":"2.0.0","resolved":"http://r/@s/b/-/b-2.0.0.tgz","integrity":"sha512-BB=="},
          "node_modules/a/node_modules/c":{"version":"0.1.0","resolved":"http://r/c/-/c-0.1.0.tgz","integrity":"sha512-CC=="},
          "node_modules/alias":{"name":"real","version":"3.0.0","resolved":"http://r/real/-/real-3.0.0.tgz","integrity":"sha512-DD=="}
        }}"#;
        let tree = parse(lock).unwrap();
        let keys: Vec<String> = tree.iter().map(|p| p.id.key()).collect();
        assert_eq!(keys.len(), 4, "{keys:?}");
        assert!(keys.contains(&"npm:a@1.0.0".to_string()));
        assert!(keys.contains(&"npm:@s/b@2.0.0".to_string()));
        assert!(keys.contains(&"npm:real@3.0.0".to_string()));
        assert!(keys.contains(&"npm:c@0.1.0".to_string()));
        let a = tree.iter().find(|p| p.id.name == "a").unwrap();
        assert_eq!(a.artifacts[0].integrity.as_deref(), Some("sha512-AA=="));
    }

    #[test]
    fn git_file_and_links_are_refused() {
        for (entry, what) in [
            (
                r#"{"version":"1.0.0","resolved":"git+ssh://git@example.invalid/x.git#abc"}"#,
                "git",
            ),
            (r#"{"version":"1.0.0","resolved":"file:../x"}"#, "file"),
            (r#"{"resolved":"../x","link":true}"#, "linked"),
        ] {
            let lock =
                format!(r#"{{"lockfileVersion":3,"packages":{{"node_modules/x":{entry}}}}}"#);
            let err = parse(&lock).unwrap_err();
            assert!(err.to_string().contains(what), "{err}");
        }
        assert!(matches!(
            parse(r#"{"lockfileVersion":1,"dependencies":{}}"#),
            Err(LockfileError::TooOld(1))
        ));
        assert!(matches!(parse("{"), Err(LockfileError::Invalid(_))));
    }

    #[test]
    fn a_name_npm_could_not_have_published_is_refused() {
        // (lock file path, its `name` field, the name refused)
        for (path, field, name) in [
            ("node_modules/../../etc", "", "../../etc"),
            ("node_modules/x", r#""name":"Ünïcode","#, "Ünïcode"),
            ("node_modules/@s/", "", "@s/"),
        ] {
            let lock = format!(
                r#"{{"lockfileVersion":3,"packages":{{"{path}":{{{field}"version":"1.0.0","resolved":"http://r/x/-/x-1.0.0.tgz","integrity":"sha512-AA=="}}}}}}"#
            );
            match parse(&lock) {
                Err(LockfileError::BadName { name: got, .. }) => assert_eq!(got, name),
                other => panic!("{path}: {other:?}"),
            }
        }
    }
}
