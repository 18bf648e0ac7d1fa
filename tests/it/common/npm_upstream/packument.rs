//! The registry's JSON documents: a package's packument (`GET /{name}`) and
//! one version's manifest in it (also `GET /{name}/{version}`), with the
//! right `dist` digests and the reputation data a test set.

use serde_json::{json, Value};

use super::package::{NpmPackage, NpmVersion, INSTALL_SCRIPTS};
use super::paths::tarball_path;
use super::state::Shared;
use super::tarball::{package_json, repository_json};

impl Shared {
    /// `versions[v]` of the packument (also served at `/{name}/{version}`).
    pub(super) fn version_json(&self, package: &NpmPackage, version: &NpmVersion) -> Value {
        let tarball = self.tarball(&package.name, &version.version);
        let mut doc = package_json(package, version);
        doc["_id"] = json!(format!("{}@{}", package.name, version.version));
        doc["maintainers"] = self.maintainers_json(package);
        if let Some(publisher) = package.maintainers.first() {
            // The registry records the account that published the version.
            doc["_npmUser"] =
                json!({ "name": publisher, "email": format!("{publisher}@example.org") });
        }
        doc["dist"] = json!({
            "tarball": format!("{}{}", self.base_url, tarball_path(&package.name, &version.version)),
            "integrity": tarball.integrity,
            "shasum": tarball.shasum,
            "fileCount": tarball.file_count,
            "unpackedSize": tarball.unpacked_size,
        });
        if INSTALL_SCRIPTS
            .iter()
            .any(|stage| version.scripts.contains_key(*stage))
        {
            doc["hasInstallScript"] = json!(true);
        }
        if let Some(message) = &version.deprecated {
            doc["deprecated"] = json!(message);
        }
        doc
    }

    pub(super) fn maintainers_json(&self, package: &NpmPackage) -> Value {
        package
            .maintainers
            .iter()
            .map(|name| json!({ "name": name, "email": format!("{name}@example.org") }))
            .collect()
    }

    pub(super) fn packument(&self, package: &NpmPackage) -> Value {
        let mut dist_tags = package.dist_tags.clone();
        dist_tags
            .entry("latest".to_string())
            .or_insert_with(|| package.latest());
        let versions: serde_json::Map<String, Value> = package
            .versions
            .iter()
            .map(|v| (v.version.clone(), self.version_json(package, v)))
            .collect();
        let mut times: serde_json::Map<String, Value> = serde_json::Map::new();
        let published = package.versions.iter().map(|v| v.published.as_str());
        times.insert("created".into(), json!(published.clone().min()));
        times.insert("modified".into(), json!(published.max()));
        for version in &package.versions {
            times.insert(version.version.clone(), json!(version.published));
        }
        let mut doc = json!({
            "_id": package.name,
            "name": package.name,
            "description": package.description,
            "dist-tags": dist_tags,
            "versions": versions,
            "time": times,
            "maintainers": self.maintainers_json(package),
            "license": "MIT",
            "readme": format!("# {}\n\n{}\n", package.name, package.description),
        });
        if package.repository.is_some() {
            doc["repository"] = repository_json(package);
        }
        doc
    }
}
