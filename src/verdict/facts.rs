//! What the verdict engine knows about one package: registry metadata and
//! optional reputation signals, each of which may be missing with a reason.
//!
//! Gathering facts does I/O (see `worker.rs`); judging them does not, so the
//! engine stays a pure function that tests and benchmarks call directly.

use serde::Serialize;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// A fact from a data source: known, or unknown with the reason why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Lookup<T> {
    /// The source answered.
    Found(T),
    /// The source could not be asked or did not answer; the text says why.
    Unknown(String),
}

impl<T> Lookup<T> {
    /// The value, if found.
    pub fn found(&self) -> Option<&T> {
        match self {
            Lookup::Found(v) => Some(v),
            Lookup::Unknown(_) => None,
        }
    }
}

/// One file of one release, as the registry lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseFile {
    /// File name.
    pub filename: String,
    /// sha256 the registry publishes, lowercase hex.
    pub sha256: Option<String>,
    /// When it was uploaded.
    #[serde(with = "time::serde::rfc3339::option")]
    pub uploaded: Option<OffsetDateTime>,
}

/// Registry metadata of a whole project (all releases), ecosystem-neutral.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ProjectMetadata {
    /// Name as the registry spells it.
    pub name: String,
    /// One-line summary.
    pub summary: Option<String>,
    /// Homepage and other project links (label → URL).
    pub urls: BTreeMap<String, String>,
    /// Every release with its files.
    pub releases: BTreeMap<String, Vec<ReleaseFile>>,
    /// The registry accounts behind the project: PyPI `ownership` roles
    /// (which an invited account must accept) and its organization, as
    /// `organization:NAME`; npm: the account the registry recorded as
    /// publishing the checked version (`_npmUser`), since a package's
    /// `maintainers` list is its publisher's to edit. The registry vouches
    /// for these, unlike the author fields a look-alike can copy, so they
    /// can tell a sibling by the same people from a squat.
    pub owners: Vec<String>,
}

impl ProjectMetadata {
    /// Number of releases that have at least one file.
    pub fn release_count(&self) -> usize {
        self.releases.values().filter(|f| !f.is_empty()).count()
    }

    /// Upload time of the newest file of any release.
    pub fn last_release(&self) -> Option<OffsetDateTime> {
        self.releases
            .values()
            .flatten()
            .filter_map(|f| f.uploaded)
            .max()
    }

    /// The GitHub `(owner, repo)` the project links to, if any.
    pub fn github_repo(&self) -> Option<(String, String)> {
        self.urls.values().find_map(|u| parse_github(u))
    }
}

impl Facts {
    /// The popular names this package shares a registry owner with: a
    /// look-alike published by its target's own people is a sibling
    /// (`types-foo` by the author of `foo`), not a squat.
    pub fn same_owner_targets(&self) -> Vec<String> {
        let Some(own) = self.metadata.found().map(|m| &m.owners) else {
            return Vec::new();
        };
        self.target_owners
            .iter()
            .filter(|(_, owners)| owners.iter().any(|owner| own.contains(owner)))
            .map(|(name, _)| name.clone())
            .collect()
    }
}

/// Extracts `(owner, repo)` from a GitHub project URL.
pub fn parse_github(url: &str) -> Option<(String, String)> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    if host != "github.com" && host != "www.github.com" {
        return None;
    }
    let mut segs = parsed.path_segments()?.filter(|s| !s.is_empty());
    let owner = segs.next()?.to_string();
    let repo = segs.next()?.trim_end_matches(".git").to_string();
    (!owner.is_empty() && !repo.is_empty()).then_some((owner, repo))
}

/// Everything the engine judges one package version by.
#[derive(Debug, Clone)]
pub struct Facts {
    /// Registry metadata of the project.
    pub metadata: Lookup<ProjectMetadata>,
    /// Downloads in the last month.
    pub downloads: Lookup<u64>,
    /// GitHub stars; `Found(None)` means no repository is linked.
    pub stars: Lookup<Option<u64>>,
    /// Advisories for this version; `None` when no advisory source is configured.
    pub advisories: Option<Lookup<Vec<crate::advisories::Advisory>>>,
    /// Findings of the artifact scans (content, archive safety, install-time
    /// code), computed from the downloaded files; empty when not downloaded.
    pub artifact_findings: Vec<super::Finding>,
    /// The maintainers' deprecation message for this version, if any.
    pub deprecated: Option<String>,
    /// Registry owners of the popular packages the name resembles, by
    /// their name in the popular list, for those the registry answered
    /// ([`ProjectMetadata::owners`]); empty when the name resembles none.
    pub target_owners: BTreeMap<String, Vec<String>>,
    /// The clock the age rules use (fixed in tests).
    pub now: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_links_are_recognised() {
        assert_eq!(
            parse_github("https://github.com/psf/requests.git"),
            Some(("psf".into(), "requests".into()))
        );
        assert_eq!(parse_github("https://gitlab.com/a/b"), None);
        assert_eq!(parse_github("https://github.com/psf"), None);
    }
}
