//! What a test describes: the projects on the fixture index, their releases
//! and the reputation data the other APIs report for them.
//!
//! The server turns these into artifacts ([`super::artifacts`]) and documents
//! ([`super::json_api`]) when it starts.

use super::names::{artifact_filename, normalize};

/// What a release ships: a pure-Python wheel or a source distribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArtifactKind {
    /// `{dist}-{version}-py3-none-any.whl`, with a PEP 658 metadata sidecar.
    Wheel,
    /// `{dist}-{version}.tar.gz`, built by pip through an in-tree backend.
    Sdist,
}

/// One release of a fixture project; it ships exactly one artifact.
#[derive(Clone, Debug)]
pub struct FixtureVersion {
    pub version: String,
    /// PEP 508 `Requires-Dist` lines, e.g. `beta-gadget>=1`.
    pub deps: Vec<String>,
    /// ISO 8601 upload time, e.g. `2026-10-01T12:00:00.000000Z`
    /// (see [`iso_days_ago`]).
    pub upload_time: String,
    pub kind: ArtifactKind,
}

/// A project on the fixture index, with the reputation data the other APIs
/// report for it.
#[derive(Clone, Debug)]
pub struct FixturePackage {
    pub name: String,
    /// Any order; the highest version is the project's latest.
    pub versions: Vec<FixtureVersion>,
    pub summary: String,
    /// `(owner, repo)`: becomes the project's `Source` URL and is answered
    /// by the GitHub API route.
    pub github: Option<(String, String)>,
    pub downloads_last_month: u64,
    pub stars: u64,
    /// Account names the JSON API lists under `ownership.roles`.
    pub owners: Vec<String>,
    /// Extra `(path, text)` files shipped in every artifact (e.g. a payload
    /// for the content scan).
    pub extra_files: Vec<(String, String)>,
}

impl FixturePackage {
    /// A project that looks healthy to reputation rules: five releases (four
    /// older `0.N.0` wheels, then `version` about six weeks ago, the first
    /// about 18 months ago), a GitHub source repository with 2,400 stars and
    /// 850,000 downloads last month. `version` must be above `0.4.0`; every
    /// release carries the same `deps`.
    pub fn healthy(name: &str, version: &str, deps: &[&str]) -> FixturePackage {
        assert!(
            version_key(version) > version_key("0.4.0"),
            "FixturePackage::healthy({name}, {version}): the latest version must be above 0.4.0"
        );
        let deps: Vec<String> = deps.iter().map(|d| d.to_string()).collect();
        let mut versions: Vec<FixtureVersion> = (1..=4)
            .map(|minor| FixtureVersion {
                version: format!("0.{minor}.0"),
                deps: deps.clone(),
                upload_time: iso_days_ago(45 + (5 - minor) * 120),
                kind: ArtifactKind::Wheel,
            })
            .collect();
        versions.push(FixtureVersion {
            version: version.to_string(),
            deps,
            upload_time: iso_days_ago(45),
            kind: ArtifactKind::Wheel,
        });
        FixturePackage {
            name: name.to_string(),
            versions,
            summary: format!(
                "Reliable {} helpers for everyday Python projects",
                name.replace('-', " ")
            ),
            github: Some((format!("{}-dev", normalize(name)), normalize(name))),
            downloads_last_month: 850_000,
            stars: 2_400,
            owners: vec![format!("{}-owner", normalize(name))],
            extra_files: Vec::new(),
        }
    }

    /// The same project with its latest release shipped as `kind`.
    pub fn with_latest_kind(mut self, kind: ArtifactKind) -> FixturePackage {
        let latest = self.latest_index();
        self.versions[latest].kind = kind;
        self
    }

    /// Filename of the artifact that `version` ships.
    pub fn filename(&self, version: &str) -> String {
        let release = self
            .versions
            .iter()
            .find(|v| v.version == version)
            .unwrap_or_else(|| panic!("{} has no version {version}", self.name));
        artifact_filename(&self.name, &release.version, release.kind)
    }

    fn latest_index(&self) -> usize {
        (0..self.versions.len())
            .max_by_key(|&i| version_key(&self.versions[i].version))
            .unwrap_or_else(|| panic!("fixture package {} has no versions", self.name))
    }
}

/// Now minus `days`, as the JSON API writes upload times
/// (`2026-10-01T12:00:00.123456Z`).
pub fn iso_days_ago(days: i64) -> String {
    let at = time::OffsetDateTime::now_utc() - time::Duration::days(days);
    at.format(time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    ))
    .expect("format an ISO 8601 time")
}

/// Orders versions like `2.10.0 > 2.9.1`; enough for fixture versions
/// (dot-separated integers, anything else compares as text after them).
pub(super) fn version_key(version: &str) -> Vec<(u64, String)> {
    version
        .split('.')
        .map(|part| match part.parse::<u64>() {
            Ok(n) => (n, String::new()),
            Err(_) => (0, part.to_string()),
        })
        .collect()
}
