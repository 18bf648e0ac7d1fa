//! Known-malicious and vulnerable versions, from OSV records.
//!
//! OSV (the Open Source Vulnerabilities schema) is the one format both the
//! online API ([`api`]) and the downloadable per-ecosystem `all.zip`
//! ([`offline`]) speak, so this module holds the part they share: parsing a
//! record, deciding whether it affects one exact `name@version`, and boiling
//! it down to the [`Advisory`] the verdict rule judges.
//!
//! Version ranges are evaluated the way the OSV specification describes
//! (events sorted by version; `introduced` opens a range, `fixed` closes it
//! exclusively, `last_affected` inclusively), with each ecosystem's own
//! ordering: PEP 440 for PyPI, SemVer for npm. `GIT` ranges need the
//! repository and are ignored; records always list PyPI/npm versions too.
//! An event whose version does not parse is skipped rather than guessed at,
//! and the explicit `versions` list is checked as well, so a record the
//! ranges cannot decide may still match by its list.

pub mod api;
pub mod offline;

use crate::ecosystem::pypi::normalize_name;
use crate::ecosystem::Ecosystem;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// One advisory that affects one package version, as the verdict rule sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advisory {
    /// OSV id, e.g. `GHSA-xxxx-xxxx-xxxx`, `PYSEC-2021-1`, `MAL-2024-1`.
    pub id: String,
    /// One-line summary (the first line of `details` when the record has none).
    pub summary: String,
    /// Other ids of the same issue (CVE, GHSA, PYSEC…).
    pub aliases: Vec<String>,
    /// `database_specific.severity` (e.g. `HIGH`), else the first `severity[].score`
    /// (a CVSS vector).
    pub severity: Option<String>,
    /// Fixed versions of this package newer than the version asked about,
    /// lowest first: the first one is the nearest upgrade.
    pub fixed: Vec<String>,
    /// A malicious-package report (`MAL-` id or alias), not a vulnerability.
    pub malicious: bool,
    /// When the advisory was published (RFC 3339, as the record says).
    pub published: Option<String>,
}

/// Why a record could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// Not JSON, or not shaped like an OSV record.
    #[error("not an OSV record: {0}")]
    Json(#[from] serde_json::Error),
    /// The record has no id.
    #[error("OSV record has an empty id")]
    NoId,
}

/// An OSV record, parsed; only the fields secpip reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Record {
    /// The OSV id.
    pub id: String,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    severity: Vec<Severity>,
    #[serde(default)]
    affected: Vec<Affected>,
    #[serde(default)]
    database_specific: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
struct Severity {
    #[serde(default)]
    score: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Affected {
    #[serde(default)]
    package: Option<Package>,
    #[serde(default)]
    ranges: Vec<Range>,
    #[serde(default)]
    versions: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Package {
    ecosystem: String,
    name: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Range {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<Event>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct Event {
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
}

/// The ecosystem name OSV uses (`PyPI`, `npm`).
pub fn osv_ecosystem(ecosystem: Ecosystem) -> &'static str {
    match ecosystem {
        Ecosystem::Pypi => "PyPI",
        Ecosystem::Npm => "npm",
    }
}

/// The secpip ecosystem of an OSV ecosystem name, if secpip guards it.
pub fn from_osv_ecosystem(name: &str) -> Option<Ecosystem> {
    match name {
        "PyPI" => Some(Ecosystem::Pypi),
        "npm" => Some(Ecosystem::Npm),
        _ => None,
    }
}

/// Does the OSV record `adv_json` affect `name@version`? A record that does
/// not parse affects nothing; use [`Record::parse`] to see why.
pub fn affects(adv_json: &str, ecosystem: Ecosystem, name: &str, version: &str) -> bool {
    Record::parse(adv_json.as_bytes()).is_ok_and(|r| r.affects(ecosystem, name, version))
}

/// A version in one ecosystem's ordering.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Ver {
    Pep440(pep440_rs::Version),
    Semver(semver::Version),
}

impl Ver {
    fn parse(ecosystem: Ecosystem, s: &str) -> Option<Ver> {
        let s = s.trim();
        match ecosystem {
            Ecosystem::Pypi => s.parse().ok().map(Ver::Pep440),
            Ecosystem::Npm => semver::Version::parse(s.strip_prefix('v').unwrap_or(s))
                .ok()
                .map(Ver::Semver),
        }
    }
}

/// Where an event sits in version order; `introduced: "0"` is below everything.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Bound {
    Zero,
    At(Ver),
}

fn same_version(ecosystem: Ecosystem, a: &str, b: &str) -> bool {
    match (Ver::parse(ecosystem, a), Ver::parse(ecosystem, b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.trim() == b.trim(),
    }
}

impl Range {
    /// The OSV evaluation: walk events in version order; the last one at or
    /// below `v` decides.
    fn contains(&self, ecosystem: Ecosystem, v: &Ver) -> bool {
        if self.kind != "ECOSYSTEM" && self.kind != "SEMVER" {
            return false;
        }
        let mut events: Vec<(Bound, u8, &Event)> = self
            .events
            .iter()
            .filter_map(|e| {
                let (text, rank) = match (&e.introduced, &e.fixed, &e.last_affected) {
                    (Some(t), _, _) => (t, 0),
                    (None, Some(t), _) => (t, 1),
                    (None, None, Some(t)) => (t, 2),
                    (None, None, None) => return None,
                };
                let bound = if rank == 0 && text.trim() == "0" {
                    Bound::Zero
                } else {
                    Bound::At(Ver::parse(ecosystem, text)?)
                };
                Some((bound, rank, e))
            })
            .collect();
        events.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut affected = false;
        for (bound, rank, _) in &events {
            let cmp = match bound {
                Bound::Zero => Ordering::Greater,
                Bound::At(at) => v.cmp(at),
            };
            match rank {
                0 if cmp != Ordering::Less => affected = true,
                1 if cmp != Ordering::Less => affected = false,
                2 if cmp == Ordering::Greater => affected = false,
                _ => {}
            }
        }
        affected
    }
}

impl Record {
    /// Parses one OSV record (JSON).
    pub fn parse(json: &[u8]) -> Result<Record, RecordError> {
        let r: Record = serde_json::from_slice(json)?;
        if r.id.trim().is_empty() {
            return Err(RecordError::NoId);
        }
        Ok(r)
    }

    /// Is the record withdrawn (no longer valid)?
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn.is_some()
    }

    /// The guarded packages the record names: `(ecosystem, normalized name)`,
    /// without duplicates.
    pub fn packages(&self) -> Vec<(Ecosystem, String)> {
        let mut out: Vec<(Ecosystem, String)> = Vec::new();
        for a in &self.affected {
            let Some(p) = &a.package else { continue };
            let Some(eco) = from_osv_ecosystem(&p.ecosystem) else {
                continue;
            };
            let key = (eco, normalize(eco, &p.name));
            if !out.contains(&key) {
                out.push(key);
            }
        }
        out
    }

    fn entries<'a>(
        &'a self,
        ecosystem: Ecosystem,
        name: &str,
    ) -> impl Iterator<Item = &'a Affected> + 'a {
        let name = normalize(ecosystem, name);
        self.affected.iter().filter(move |a| {
            a.package.as_ref().is_some_and(|p| {
                from_osv_ecosystem(&p.ecosystem) == Some(ecosystem)
                    && normalize(ecosystem, &p.name) == name
            })
        })
    }

    /// Does this record affect `name@version`? Withdrawn records affect nothing.
    pub fn affects(&self, ecosystem: Ecosystem, name: &str, version: &str) -> bool {
        if self.is_withdrawn() {
            return false;
        }
        let parsed = Ver::parse(ecosystem, version);
        self.entries(ecosystem, name).any(|a| {
            a.versions
                .iter()
                .any(|listed| same_version(ecosystem, listed, version))
                || parsed
                    .as_ref()
                    .is_some_and(|v| a.ranges.iter().any(|r| r.contains(ecosystem, v)))
        })
    }

    /// The [`Advisory`] this record makes for `name@version` (whether or not
    /// it affects it: the online API has already decided that).
    pub fn advisory_for(&self, ecosystem: Ecosystem, name: &str, version: &str) -> Advisory {
        let current = Ver::parse(ecosystem, version);
        let mut fixed: Vec<(Option<Ver>, String)> = Vec::new();
        for a in self.entries(ecosystem, name) {
            for e in a.ranges.iter().flat_map(|r| &r.events) {
                let Some(f) = &e.fixed else { continue };
                let parsed = Ver::parse(ecosystem, f);
                let newer = match (&parsed, &current) {
                    (Some(p), Some(c)) => p > c,
                    _ => true,
                };
                if newer && !fixed.iter().any(|(_, s)| s == f) {
                    fixed.push((parsed, f.clone()));
                }
            }
        }
        // Parsed versions first, lowest first; unparsable ones keep their order at the end.
        fixed.sort_by(|a, b| match (&a.0, &b.0) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        });
        let summary = self
            .summary
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .or_else(|| self.details.as_deref().and_then(|d| d.lines().next()))
            .unwrap_or("")
            .trim()
            .to_string();
        let severity = self
            .database_specific
            .as_ref()
            .and_then(|d| d.get("severity"))
            .and_then(|s| s.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .or_else(|| {
                self.severity
                    .iter()
                    .find(|s| !s.score.is_empty())
                    .map(|s| s.score.clone())
            });
        Advisory {
            id: self.id.clone(),
            summary,
            aliases: self.aliases.clone(),
            severity,
            fixed: fixed.into_iter().map(|(_, s)| s).collect(),
            malicious: is_malicious_id(&self.id) || self.aliases.iter().any(|a| is_malicious_id(a)),
            published: self.published.clone(),
        }
    }
}

fn is_malicious_id(id: &str) -> bool {
    id.starts_with("MAL-")
}

/// A name as secpip keys it: PEP 503 for PyPI, as written for npm.
pub fn normalize(ecosystem: Ecosystem, name: &str) -> String {
    match ecosystem {
        Ecosystem::Pypi => normalize_name(name),
        Ecosystem::Npm => name.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(eco: &str, name: &str, ranges: serde_json::Value, versions: &[&str]) -> String {
        json!({
            "id": "GHSA-test-0001",
            "summary": "bad thing",
            "aliases": ["CVE-2024-0001"],
            "affected": [{
                "package": {"ecosystem": eco, "name": name},
                "ranges": ranges,
                "versions": versions,
            }],
        })
        .to_string()
    }

    fn ecosystem_range(events: serde_json::Value) -> serde_json::Value {
        json!([{"type": "ECOSYSTEM", "events": events}])
    }

    #[test]
    fn pypi_introduced_fixed_uses_pep440_order() {
        let r = record(
            "PyPI",
            "Foo_Bar",
            ecosystem_range(json!([{"introduced": "1.0"}, {"fixed": "1.10.0"}])),
            &[],
        );
        let p = Ecosystem::Pypi;
        assert!(!affects(&r, p, "foo-bar", "0.9"));
        assert!(affects(&r, p, "foo-bar", "1.0.0"));
        assert!(affects(&r, p, "FOO.bar", "1.9"), "1.9 < 1.10 in PEP 440");
        assert!(
            affects(&r, p, "foo-bar", "1.10.0rc1"),
            "pre-release of the fix"
        );
        assert!(!affects(&r, p, "foo-bar", "1.10"));
        assert!(!affects(&r, p, "foo-bar", "2.0"));
        assert!(!affects(&r, p, "other", "1.5"));
        assert!(!affects(&r, Ecosystem::Npm, "foo-bar", "1.5.0"));
    }

    #[test]
    fn introduced_zero_and_last_affected_are_inclusive_bounds() {
        let r = record(
            "PyPI",
            "x",
            ecosystem_range(json!([{"introduced": "0"}, {"last_affected": "2.3"}])),
            &[],
        );
        assert!(affects(&r, Ecosystem::Pypi, "x", "0.0.1"));
        assert!(affects(&r, Ecosystem::Pypi, "x", "2.3.0"));
        assert!(!affects(&r, Ecosystem::Pypi, "x", "2.3.1"));
    }

    #[test]
    fn several_introduced_fixed_pairs_leave_gaps_unaffected() {
        let r = record(
            "npm",
            "left-pad",
            json!([{"type": "SEMVER", "events": [
                {"introduced": "2.0.0"}, {"fixed": "2.1.4"},
                {"introduced": "0"}, {"fixed": "1.3.2"},
            ]}]),
            &[],
        );
        let n = Ecosystem::Npm;
        assert!(affects(&r, n, "left-pad", "1.0.0"));
        assert!(!affects(&r, n, "left-pad", "1.3.2"));
        assert!(!affects(&r, n, "left-pad", "1.9.9"));
        assert!(affects(&r, n, "left-pad", "2.1.3"));
        assert!(
            affects(&r, n, "left-pad", "2.1.4-beta.1"),
            "pre-release sorts before"
        );
        assert!(!affects(&r, n, "left-pad", "2.1.4"));
        assert!(!affects(&r, n, "Left-Pad", "1.0.0"), "npm names are exact");
    }

    #[test]
    fn explicit_versions_list_matches_even_without_ranges() {
        let r = record("PyPI", "evil", json!([]), &["1.0", "1.2"]);
        assert!(affects(&r, Ecosystem::Pypi, "evil", "1.0.0"));
        assert!(affects(&r, Ecosystem::Pypi, "evil", "1.2"));
        assert!(!affects(&r, Ecosystem::Pypi, "evil", "1.1"));
        let weird = record("npm", "evil", json!([]), &["not-semver"]);
        assert!(affects(&weird, Ecosystem::Npm, "evil", "not-semver"));
    }

    #[test]
    fn git_ranges_unparsable_events_and_withdrawn_records_affect_nothing() {
        let git = record(
            "PyPI",
            "x",
            json!([{"type": "GIT", "events": [{"introduced": "0"}]}]),
            &[],
        );
        assert!(!affects(&git, Ecosystem::Pypi, "x", "1.0"));
        let bad = record(
            "npm",
            "x",
            ecosystem_range(json!([{"introduced": "banana"}])),
            &[],
        );
        assert!(!affects(&bad, Ecosystem::Npm, "x", "1.0.0"));
        let mut w: serde_json::Value = serde_json::from_str(&record(
            "PyPI",
            "x",
            ecosystem_range(json!([{"introduced": "0"}])),
            &[],
        ))
        .unwrap();
        w["withdrawn"] = json!("2024-01-01T00:00:00Z");
        assert!(!affects(&w.to_string(), Ecosystem::Pypi, "x", "1.0"));
        assert!(!affects("{not json", Ecosystem::Pypi, "x", "1.0"));
    }

    #[test]
    fn advisory_lists_newer_fixes_lowest_first_and_reads_severity() {
        let json = json!({
            "id": "PYSEC-2024-9",
            "details": "First line.\nMore.",
            "published": "2024-02-03T00:00:00Z",
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L"}],
            "affected": [{
                "package": {"ecosystem": "PyPI", "name": "x"},
                "ranges": [{"type": "ECOSYSTEM", "events": [
                    {"introduced": "2.0"}, {"fixed": "2.0.3"},
                    {"introduced": "0"}, {"fixed": "1.2.5"},
                    {"introduced": "3.0"}, {"fixed": "3.0.1"}]}],
            }],
        });
        let r = Record::parse(json.to_string().as_bytes()).unwrap();
        let a = r.advisory_for(Ecosystem::Pypi, "x", "1.2.0");
        assert_eq!(a.fixed, vec!["1.2.5", "2.0.3", "3.0.1"]);
        assert_eq!(a.summary, "First line.");
        assert_eq!(a.severity.as_deref(), Some("CVSS:3.1/AV:N/AC:L"));
        assert!(!a.malicious);
        assert_eq!(
            r.advisory_for(Ecosystem::Pypi, "x", "2.0.1").fixed,
            vec!["2.0.3", "3.0.1"]
        );

        let mal = json!({"id": "MAL-2024-7", "summary": "Malicious code in y",
            "database_specific": {"severity": "CRITICAL"}, "affected": []});
        let a = Record::parse(mal.to_string().as_bytes())
            .unwrap()
            .advisory_for(Ecosystem::Npm, "y", "1.0.0");
        assert!(a.malicious);
        assert_eq!(a.severity.as_deref(), Some("CRITICAL"));
    }

    #[test]
    fn records_without_id_or_with_wrong_shape_are_errors() {
        assert!(matches!(
            Record::parse(br#"{"id": " "}"#),
            Err(RecordError::NoId)
        ));
        assert!(Record::parse(br#"{"id": "X", "affected": 3}"#).is_err());
    }
}
