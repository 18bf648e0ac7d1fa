//! The embedded secure repository: a folder, `{root}/pypi/{name}/{file}`
//! with a `{file}.sha256` beside each file. Files are written to a temporary
//! name and renamed, and the digest last, so a reader never sees a partial
//! file listed.

use super::{safe_component, RepoError, RepoFile, SecureRepo};
use crate::ecosystem::{Ecosystem, PackageId};
use std::path::{Path, PathBuf};

/// A folder-backed [`SecureRepo`].
#[derive(Debug, Clone)]
pub struct LocalRepo {
    root: PathBuf,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> RepoError + '_ {
    move |e| RepoError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

impl LocalRepo {
    /// A repository rooted at `root` (created on first publish).
    pub fn new(root: impl Into<PathBuf>) -> LocalRepo {
        LocalRepo { root: root.into() }
    }

    fn project_dir(&self, name: &str) -> Result<PathBuf, RepoError> {
        self.dir_for(Ecosystem::Pypi, name)
    }

    /// `{root}/pypi/{name}` or `{root}/npm/{scope+name}`.
    fn dir_for(&self, ecosystem: Ecosystem, name: &str) -> Result<PathBuf, RepoError> {
        let component = match ecosystem {
            Ecosystem::Pypi => name.to_string(),
            Ecosystem::Npm => name.replacen('/', "+", 1),
        };
        if !safe_component(&component) || component.contains('/') {
            return Err(RepoError::UnsafeName(name.into()));
        }
        Ok(self.root.join(ecosystem.as_str()).join(component))
    }

    /// The manifests (package.json + `dist`) of every published npm version of `name`.
    pub fn npm_versions(&self, name: &str) -> Vec<serde_json::Value> {
        let Ok(dir) = self.dir_for(Ecosystem::Npm, name) else {
            return Vec::new();
        };
        let mut out: Vec<serde_json::Value> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|f| f.ends_with(".tgz.json"))
            .filter(|f| dir.join(f.trim_end_matches(".json")).is_file())
            .filter_map(|f| serde_json::from_slice(&std::fs::read(dir.join(&f)).ok()?).ok())
            .collect();
        out.sort_by(|a, b| a["version"].as_str().cmp(&b["version"].as_str()));
        out
    }

    /// Path of a published npm tarball.
    pub fn npm_file(&self, name: &str, filename: &str) -> Option<PathBuf> {
        if !safe_component(filename) || !filename.ends_with(".tgz") {
            return None;
        }
        let path = self.dir_for(Ecosystem::Npm, name).ok()?.join(filename);
        path.is_file().then_some(path)
    }

    /// Normalized names of all projects with at least one file.
    pub fn projects(&self) -> Vec<String> {
        let mut out: Vec<String> = std::fs::read_dir(self.root.join("pypi"))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().is_dir())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| !self.files(n).is_empty())
            .collect();
        out.sort();
        out
    }

    /// Files of one project with their digests (only complete ones).
    pub fn files(&self, name: &str) -> Vec<RepoFile> {
        let Ok(dir) = self.project_dir(name) else {
            return Vec::new();
        };
        let mut out: Vec<RepoFile> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|f| safe_component(f) && !f.ends_with(".sha256") && !f.ends_with(".tmp"))
            .filter_map(|f| {
                let sha = std::fs::read_to_string(dir.join(format!("{f}.sha256"))).ok()?;
                Some(RepoFile {
                    filename: f,
                    sha256: sha.trim().to_string(),
                })
            })
            .collect();
        out.sort_by(|a, b| a.filename.cmp(&b.filename));
        out
    }

    /// Path of a published file, if it exists and is complete.
    pub fn file_path(&self, name: &str, filename: &str) -> Option<PathBuf> {
        if !safe_component(filename) {
            return None;
        }
        let dir = self.project_dir(name).ok()?;
        let path = dir.join(filename);
        (path.is_file() && dir.join(format!("{filename}.sha256")).is_file()).then_some(path)
    }
}

impl LocalRepo {
    fn remove_npm(&self, name: &str, version: Option<&str>) -> Result<usize, RepoError> {
        let dir = self.dir_for(Ecosystem::Npm, name)?;
        let mut removed = 0;
        for m in self.npm_versions(name) {
            if version.is_some_and(|v| m["version"].as_str() != Some(v)) {
                continue;
            }
            let Some(file) = m["dist"]["file"].as_str() else {
                continue;
            };
            for f in [
                format!("{file}.sha256"),
                format!("{file}.json"),
                file.to_string(),
            ] {
                let path = dir.join(&f);
                if path.exists() {
                    std::fs::remove_file(&path).map_err(io(&path))?;
                }
            }
            removed += 1;
        }
        Ok(removed)
    }
}

fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), RepoError> {
    let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(io(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io(path))
}

/// Does `filename` belong to `version` (wheel `name-version-…`, sdist `name-version.tar.gz`)?
fn file_is_version(filename: &str, version: &str) -> bool {
    let v = version.replace('-', "_");
    filename.split('-').nth(1).is_some_and(|part| {
        part == v || part.strip_suffix(".tar.gz").or(part.strip_suffix(".zip")) == Some(v.as_str())
    })
}

#[async_trait::async_trait]
impl SecureRepo for LocalRepo {
    async fn publish(
        &self,
        id: &PackageId,
        filename: &str,
        bytes: &[u8],
        sha256: &str,
    ) -> Result<(), RepoError> {
        if !safe_component(filename) {
            return Err(RepoError::UnsafeName(filename.into()));
        }
        let dir = self.dir_for(id.ecosystem, &id.name)?;
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        atomic_write(&dir.join(filename), bytes)?;
        if id.ecosystem == Ecosystem::Npm {
            let manifest = super::npm_manifest::manifest(id, filename, bytes)?;
            atomic_write(
                &dir.join(format!("{filename}.json")),
                manifest.to_string().as_bytes(),
            )?;
        }
        atomic_write(&dir.join(format!("{filename}.sha256")), sha256.as_bytes())
    }

    async fn remove(
        &self,
        ecosystem: Ecosystem,
        name: &str,
        version: Option<&str>,
    ) -> Result<usize, RepoError> {
        if ecosystem == Ecosystem::Npm {
            return self.remove_npm(name, version);
        }
        let dir = self.project_dir(name)?;
        let mut removed = 0;
        for f in self.files(name) {
            if version.is_none_or(|v| file_is_version(&f.filename, v)) {
                let digest = dir.join(format!("{}.sha256", f.filename));
                std::fs::remove_file(&digest).map_err(io(&digest))?;
                let file = dir.join(&f.filename);
                std::fs::remove_file(&file).map_err(io(&file))?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecosystem::Ecosystem;

    #[tokio::test]
    async fn publish_list_remove() {
        let dir = tempfile::tempdir().unwrap();
        let repo = LocalRepo::new(dir.path());
        let id = PackageId::new(Ecosystem::Pypi, "Alpha_Widget", "2.1.0");
        repo.publish(&id, "alpha_widget-2.1.0-py3-none-any.whl", b"zip", "ab")
            .await
            .unwrap();
        let id1 = PackageId::new(Ecosystem::Pypi, "alpha-widget", "1.0");
        repo.publish(&id1, "alpha_widget-1.0.tar.gz", b"tgz", "cd")
            .await
            .unwrap();
        assert_eq!(repo.projects(), vec!["alpha-widget".to_string()]);
        assert_eq!(repo.files("alpha-widget").len(), 2);
        assert_eq!(
            repo.remove(Ecosystem::Pypi, "alpha-widget", Some("1.0"))
                .await
                .unwrap(),
            1
        );
        assert_eq!(repo.files("alpha-widget")[0].sha256, "ab");
        assert!(repo.publish(&id, "../evil.whl", b"", "00").await.is_err());
        assert!(repo.file_path("alpha-widget", "../../etc/passwd").is_none());
    }
}
