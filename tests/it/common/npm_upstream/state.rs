//! What the fixture registry holds while it runs: every package by name,
//! every tarball (built once at start) by its path, and the fault-injection
//! state.

use std::collections::BTreeMap;

use super::faults::Faults;
use super::package::{version_key, NpmPackage};
use super::paths::tarball_path;
use super::tarball::Tarball;

pub(super) struct Shared {
    pub(super) base_url: String,
    /// Keyed by exact name.
    pub(super) packages: BTreeMap<String, NpmPackage>,
    /// Keyed by decoded tarball path without the leading `/`
    /// (`@acme/ui/-/ui-1.0.0.tgz`).
    pub(super) tarballs: BTreeMap<String, Tarball>,
    /// The request log, delays and tampering.
    pub(super) faults: Faults,
}

impl Shared {
    pub(super) fn new(base_url: String, packages: Vec<NpmPackage>) -> Shared {
        let mut by_name = BTreeMap::new();
        let mut tarballs = BTreeMap::new();
        for mut package in packages {
            assert!(
                !package.versions.is_empty(),
                "fixture package {} has no versions",
                package.name
            );
            package.versions.sort_by_key(|v| version_key(&v.version));
            for version in &package.versions {
                let key = tarball_path(&package.name, &version.version)[1..].to_string();
                let tarball = Tarball::build(&package, version);
                assert!(
                    tarballs.insert(key.clone(), tarball).is_none(),
                    "two fixture tarballs live at /{key}"
                );
            }
            let name = package.name.clone();
            assert!(
                by_name.insert(name.clone(), package).is_none(),
                "two fixture packages are named {name}"
            );
        }
        Shared {
            base_url,
            packages: by_name,
            tarballs,
            faults: Faults::default(),
        }
    }

    #[track_caller]
    pub(super) fn tarball(&self, name: &str, version: &str) -> &Tarball {
        let key = &tarball_path(name, version)[1..];
        self.tarballs
            .get(key)
            .unwrap_or_else(|| panic!("the npm fixture has no {name}@{version}"))
    }
}
