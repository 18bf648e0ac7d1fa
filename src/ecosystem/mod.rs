//! Package ecosystems secpip guards, and the identity of one package version.
//!
//! A [`PackageId`] is what the status store is keyed by; each ecosystem
//! decides how names are normalized so that two spellings of one package
//! share a single verdict.

pub mod github;
pub mod npm;
pub mod pypi;

use serde::{Deserialize, Serialize};
use std::fmt;

/// The package managers secpip stands in front of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    /// Python packages installed by pip.
    Pypi,
    /// JavaScript packages installed by npm.
    Npm,
}

impl Ecosystem {
    /// The lowercase name used in store keys and JSON (`pypi`, `npm`).
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Pypi => "pypi",
            Ecosystem::Npm => "npm",
        }
    }

    /// Parses the name used in store keys.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pypi" => Some(Ecosystem::Pypi),
            "npm" => Some(Ecosystem::Npm),
            _ => None,
        }
    }

    /// Normalizes a package name by this ecosystem's rules so lookups agree.
    pub fn normalize(self, name: &str) -> String {
        match self {
            Ecosystem::Pypi => pypi::normalize_name(name),
            Ecosystem::Npm => name.to_string(),
        }
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One exact package version: the unit that gets a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PackageId {
    /// Which registry the package comes from.
    pub ecosystem: Ecosystem,
    /// The normalized name (PEP 503 for PyPI).
    pub name: String,
    /// The exact version string as the resolver reported it.
    pub version: String,
}

impl PartialOrd for Ecosystem {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ecosystem {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PackageId {
    /// Builds an id, normalizing the name by the ecosystem's rules.
    pub fn new(ecosystem: Ecosystem, name: &str, version: &str) -> Self {
        PackageId {
            ecosystem,
            name: ecosystem.normalize(name),
            version: version.to_string(),
        }
    }

    /// The store key: `{ecosystem}:{name}@{version}`.
    pub fn key(&self) -> String {
        format!("{}:{}@{}", self.ecosystem, self.name, self.version)
    }
}

impl fmt::Display for PackageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.name, self.version)
    }
}

/// One downloadable file of a package version, as the resolver chose it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifact {
    /// Where upstream serves it.
    pub url: String,
    /// The file name (last path segment of the URL).
    pub filename: String,
    /// The sha256 upstream published for it (lowercase hex; empty if none).
    pub sha256: String,
    /// A Subresource Integrity string (`sha512-…`), as npm lockfiles carry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrity: Option<String>,
}

/// A package version the install would pull in, with the file it would use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedPackage {
    /// Name and version.
    pub id: PackageId,
    /// The artifacts pip would download for it.
    pub artifacts: Vec<Artifact>,
}
