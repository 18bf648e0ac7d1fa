//! What the fixture index holds while it runs: every project with its
//! releases, every file it serves (artifacts and `.metadata` sidecars, built
//! once at start), the OSV advisories a test added and the fault-injection
//! state.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use super::artifacts::{build_sdist, build_wheel, core_metadata, sha256_hex};
use super::faults::Faults;
use super::names::{artifact_filename, normalize};
use super::package::{version_key, ArtifactKind, FixturePackage};

/// A file the fixture serves under `/files/`.
pub(super) struct ServedFile {
    pub(super) bytes: Vec<u8>,
    pub(super) sha256: String,
}

/// A release's artifact plus what the index and the JSON API say about it.
pub(super) struct Release {
    pub(super) version: String,
    pub(super) deps: Vec<String>,
    pub(super) upload_time: String,
    pub(super) kind: ArtifactKind,
    pub(super) filename: String,
    /// sha256 of the PEP 658 sidecar (`{filename}.metadata`), wheels only.
    pub(super) metadata_sha256: Option<String>,
}

pub(super) struct Project {
    pub(super) package: FixturePackage,
    /// Ascending by version.
    pub(super) releases: Vec<Release>,
}

impl Project {
    pub(super) fn latest(&self) -> &Release {
        self.releases
            .last()
            .expect("a project has at least one release")
    }
}

pub(super) struct Shared {
    pub(super) base_url: String,
    /// Keyed by normalized name.
    pub(super) projects: BTreeMap<String, Project>,
    /// Keyed by filename; includes the `.metadata` sidecars.
    pub(super) files: HashMap<String, ServedFile>,
    /// The request log, delays and tampering.
    pub(super) faults: Faults,
    /// OSV records served by the `/osv` API.
    pub(super) advisories: Mutex<Vec<serde_json::Value>>,
}

impl Shared {
    pub(super) fn new(base_url: String, packages: Vec<FixturePackage>) -> Shared {
        let mut projects = BTreeMap::new();
        let mut files = HashMap::new();
        for package in packages {
            let mut ordered = package.versions.clone();
            ordered.sort_by_key(|v| version_key(&v.version));
            let mut releases = Vec::new();
            for release in &ordered {
                let metadata = core_metadata(&package, release);
                let filename = artifact_filename(&package.name, &release.version, release.kind);
                let (bytes, metadata_sha256) = match release.kind {
                    ArtifactKind::Wheel => {
                        let sidecar = metadata.clone().into_bytes();
                        let sidecar_sha = sha256_hex(&sidecar);
                        files.insert(
                            format!("{filename}.metadata"),
                            ServedFile {
                                bytes: sidecar,
                                sha256: sidecar_sha.clone(),
                            },
                        );
                        (build_wheel(&package, release, &metadata), Some(sidecar_sha))
                    }
                    ArtifactKind::Sdist => (build_sdist(&package, release, &metadata), None),
                };
                let sha256 = sha256_hex(&bytes);
                let previous = files.insert(filename.clone(), ServedFile { bytes, sha256 });
                assert!(
                    previous.is_none(),
                    "two fixture artifacts are named {filename}"
                );
                releases.push(Release {
                    version: release.version.clone(),
                    deps: release.deps.clone(),
                    upload_time: release.upload_time.clone(),
                    kind: release.kind,
                    filename,
                    metadata_sha256,
                });
            }
            assert!(
                !releases.is_empty(),
                "fixture package {} has no versions",
                package.name
            );
            let key = normalize(&package.name);
            let previous = projects.insert(key.clone(), Project { package, releases });
            assert!(
                previous.is_none(),
                "two fixture packages normalize to {key}"
            );
        }
        Shared {
            base_url,
            projects,
            files,
            faults: Faults::default(),
            advisories: Mutex::new(Vec::new()),
        }
    }

    pub(super) fn project(&self, name: &str) -> Option<&Project> {
        self.projects.get(&normalize(name))
    }

    pub(super) fn file(&self, filename: &str) -> Option<&ServedFile> {
        self.files.get(filename)
    }
}
