//! The security team's policy: rule weights, risk thresholds, allow/block
//! lists, and what happens when nobody can be asked or data is missing.
//!
//! Shaped like cargo-deny's config: a raw, deserialized form
//! ([`RawPolicy`], the `[policy]` table of `secpip.toml`) is checked by
//! [`RawPolicy::validate`] into a [`Policy`] the engine can trust. All
//! problems are reported at once.

use crate::ecosystem::{Ecosystem, PackageId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Stable rule codes. Policy weights and JSON output refer to these.
pub mod codes {
    /// Name or name@version on the block list.
    pub const BLOCKLIST: &str = "blocklist";
    /// Name or name@version on the allow list.
    pub const ALLOWLIST: &str = "allowlist";
    /// Name imitates a popular package.
    pub const TYPOSQUAT: &str = "typosquat";
    /// Name joins two of the most popular packages (`matplotlib-requests`).
    pub const NAME_COMBINATION: &str = "name-combination";
    /// Few downloads last month.
    pub const LOW_DOWNLOADS: &str = "low-downloads";
    /// Few GitHub stars (or no repository).
    pub const LOW_STARS: &str = "low-stars";
    /// No release for a long time.
    pub const STALE_PROJECT: &str = "stale-project";
    /// Few releases in total.
    pub const FEW_RELEASES: &str = "few-releases";
    /// The package's own metadata could not be fetched.
    pub const METADATA_UNAVAILABLE: &str = "metadata-unavailable";
    /// The downloaded file does not match the published digest.
    pub const HASH_MISMATCH: &str = "hash-mismatch";
    /// A Yellow verdict that nobody approved.
    pub const REVIEW_REQUIRED: &str = "review-required";
    /// The version is younger than the minimum release age.
    pub const RELEASE_AGE: &str = super::super::release_age::CODE;
    /// An internal name found on the public upstream.
    pub const DEPENDENCY_CONFUSION: &str = super::super::confusion::CODE;
    /// A waiver that no longer applies.
    pub const WAIVER_EXPIRED: &str = "waiver-expired";
    /// The maintainers deprecated this version.
    pub const DEPRECATED: &str = "deprecated";

    /// The core codes with their default weights and one-line descriptions;
    /// [`all`] adds those of the other rule families.
    pub const CORE: &[(&str, i32, &str)] = &[
        (
            BLOCKLIST,
            100,
            "listed in policy.block or blocked by `secpip block`",
        ),
        (
            ALLOWLIST,
            0,
            "listed in policy.allow or allowed by `secpip allow`",
        ),
        (
            TYPOSQUAT,
            60,
            "name is a look-alike of a far more popular package",
        ),
        (
            NAME_COMBINATION,
            30,
            "name joins two of the 200 most popular packages",
        ),
        (LOW_DOWNLOADS, 20, "fewer than 300 downloads last month"),
        (
            LOW_STARS,
            10,
            "fewer than 30 GitHub stars, or no repository linked",
        ),
        (STALE_PROJECT, 10, "last release is older than 2 years"),
        (FEW_RELEASES, 10, "fewer than 5 releases"),
        (
            METADATA_UNAVAILABLE,
            100,
            "registry metadata could not be fetched",
        ),
        (
            HASH_MISMATCH,
            100,
            "downloaded file differs from the published sha256",
        ),
        (
            REVIEW_REQUIRED,
            0,
            "Yellow verdict with nobody to approve it",
        ),
    ];

    /// Codes of the release-age, confusion and waiver rules.
    pub const POLICY_RULES: &[(&str, i32, &str)] = &[
        (
            RELEASE_AGE,
            100,
            "version is younger than min_release_age_hours",
        ),
        (
            DEPENDENCY_CONFUSION,
            100,
            "an internal name (policy.internal) is on the public upstream",
        ),
        (WAIVER_EXPIRED, 0, "a waiver for this version has expired"),
        (DEPRECATED, 20, "the maintainers deprecated this version"),
    ];

    /// Every rule code secpip knows: `(code, default points, description)`.
    pub fn all() -> impl Iterator<Item = &'static (&'static str, i32, &'static str)> {
        CORE.iter()
            .chain(POLICY_RULES)
            .chain(super::super::advisories::CODES)
            .chain(super::super::content::CODES)
            .chain(super::super::install_code::CODES)
            .chain(super::super::placeholder::CODES)
            .chain(super::super::version_race::CODES)
    }
}

/// What to do when a source of truth is unavailable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FailMode {
    /// Fail closed: block (the default).
    #[default]
    Block,
    /// Fail open: carry on without the data.
    Allow,
}

/// An allow/block entry as written in `secpip.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawListEntry {
    /// `"name"` or `"name@version"`.
    Spec(String),
    /// `{ name = "name[@version]", reason = "…" }`.
    Full {
        /// `name` or `name@version`.
        name: String,
        /// Why (shown to users).
        reason: Option<String>,
    },
}

/// The `[policy]` table as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    yellow: Option<i32>,
    red: Option<i32>,
    review: Option<FailMode>,
    metadata_unavailable: Option<FailMode>,
    #[serde(default)]
    allow: Vec<RawListEntry>,
    #[serde(default)]
    block: Vec<RawListEntry>,
    #[serde(default)]
    weights: BTreeMap<String, i32>,
    min_release_age_hours: Option<u64>,
    #[serde(default)]
    release_age_exceptions: Vec<String>,
    #[serde(default)]
    internal: Vec<String>,
    secure_ttl_days: Option<u64>,
    only_binary: Option<bool>,
    #[serde(default)]
    waivers: Vec<super::waivers::RawWaiver>,
    #[serde(default)]
    advisories: super::advisories::AdvisoryPolicy,
    advisories_unavailable: Option<FailMode>,
    #[serde(default)]
    typosquat: super::typosquat::TyposquatConfig,
}

/// One allow or block rule, validated: an ecosystem, a normalized name and
/// an optional exact version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListRule {
    /// Which registry the name belongs to.
    pub ecosystem: Ecosystem,
    /// The name (PEP 503-normalized for PyPI, exact for npm).
    pub name: String,
    /// Exact version, or `None` for every version.
    pub version: Option<String>,
    /// Why the rule exists.
    pub reason: String,
    /// Where it came from (`secpip.toml`, or who added it with the CLI and when).
    pub origin: String,
}

impl ListRule {
    /// Parses `name`, `name@version`, or either with an `npm:`/`pypi:`
    /// prefix (PyPI is the default): `npm:@babel/core@7.1.0`.
    pub fn parse(spec: &str, reason: &str, origin: &str) -> Result<ListRule, String> {
        let spec = spec.trim();
        let (ecosystem, rest) = match spec.split_once(':') {
            Some(("npm", rest)) => (Ecosystem::Npm, rest),
            Some(("pypi", rest)) => (Ecosystem::Pypi, rest),
            _ => (Ecosystem::Pypi, spec),
        };
        let (name, version) = match ecosystem {
            Ecosystem::Pypi => match rest.split_once('@') {
                Some((n, v)) => (n.trim(), Some(v.trim())),
                None => (rest, None),
            },
            Ecosystem::Npm => crate::ecosystem::npm::names::split_spec(rest),
        };
        match ecosystem {
            Ecosystem::Pypi => crate::ecosystem::pypi::requirements::validate_name(name)
                .map_err(|e| format!("{spec:?}: {e}"))?,
            Ecosystem::Npm => {
                crate::ecosystem::npm::validate_name(name).map_err(|e| format!("{spec:?}: {e}"))?
            }
        }
        if let Some(v) = version {
            let valid = match ecosystem {
                Ecosystem::Pypi => v.parse::<pep440_rs::Version>().is_ok(),
                Ecosystem::Npm => semver::Version::parse(v).is_ok(),
            };
            if v.is_empty() || !valid {
                return Err(format!("{spec:?}: {v:?} is not a valid version"));
            }
        }
        Ok(ListRule {
            ecosystem,
            name: ecosystem.normalize(name),
            version: version.map(str::to_string),
            reason: reason.to_string(),
            origin: origin.to_string(),
        })
    }

    /// Does this rule cover `id`?
    pub fn matches(&self, id: &PackageId) -> bool {
        self.ecosystem == id.ecosystem
            && self.name == id.name
            && self
                .version
                .as_deref()
                .is_none_or(|v| versions_equal(v, &id.version))
    }

    /// `name` or `name@version`, with `npm:` for npm rules.
    pub fn spec(&self) -> String {
        let prefix = if self.ecosystem == Ecosystem::Npm {
            "npm:"
        } else {
            ""
        };
        match &self.version {
            Some(v) => format!("{prefix}{}@{v}", self.name),
            None => format!("{prefix}{}", self.name),
        }
    }
}

fn versions_equal(a: &str, b: &str) -> bool {
    match (
        a.parse::<pep440_rs::Version>(),
        b.parse::<pep440_rs::Version>(),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// The validated policy the verdict engine applies.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    /// Score at which a package becomes Yellow (review).
    pub yellow: i32,
    /// Score at which a package becomes Red (block).
    pub red: i32,
    /// What a Yellow verdict does when nobody can be asked.
    pub review: FailMode,
    /// What happens when the package's own metadata cannot be fetched.
    pub metadata_unavailable: FailMode,
    /// Allow rules from the config file.
    pub allow: Vec<ListRule>,
    /// Block rules from the config file.
    pub block: Vec<ListRule>,
    /// Points per rule code (defaults from [`codes::all`], overridden by config).
    pub weights: BTreeMap<String, i32>,
    /// Versions younger than this many hours are not installed (0 = off).
    pub min_release_age_hours: u64,
    /// `name[@version]` allowed in before the minimum age.
    pub release_age_exceptions: Vec<ListRule>,
    /// Glob patterns of names that must never come from the public upstream.
    pub internal: Vec<String>,
    /// SECURE verdicts older than this are checked again (0 = never).
    pub secure_ttl_days: u64,
    /// Refuse releases that would run setup.py (sdist-only).
    pub only_binary: bool,
    /// Accepted findings for pinned versions, with expiry.
    pub waivers: Vec<super::waivers::Waiver>,
    /// Vulnerability handling and accepted advisories.
    pub advisories: super::advisories::AdvisoryPolicy,
    /// What happens when no advisory source can be asked.
    pub advisories_unavailable: FailMode,
    /// Look-alike detection thresholds.
    pub typosquat: super::typosquat::TyposquatConfig,
}

impl Default for Policy {
    fn default() -> Self {
        // Invariant: the defaults are valid; `default_policy_is_valid` proves it.
        RawPolicy::default()
            .validate()
            .unwrap_or_else(|e| unreachable!("default policy is invalid: {e}"))
    }
}

impl Policy {
    /// Points for a rule code.
    pub fn weight(&self, code: &str) -> i32 {
        self.weights.get(code).copied().unwrap_or(0)
    }
}

impl RawPolicy {
    /// Checks everything and reports all problems in one message.
    pub fn validate(self) -> Result<Policy, String> {
        let mut problems = Vec::new();
        let yellow = self.yellow.unwrap_or(30);
        let red = self.red.unwrap_or(50);
        if yellow < 1 {
            problems.push(format!("yellow = {yellow} must be at least 1"));
        }
        if red <= yellow {
            problems.push(format!(
                "red = {red} must be greater than yellow = {yellow}"
            ));
        }
        let mut weights: BTreeMap<String, i32> =
            codes::all().map(|(c, w, _)| (c.to_string(), *w)).collect();
        for (code, w) in self.weights {
            match weights.get_mut(&code) {
                None => {
                    let known: Vec<&str> = codes::all().map(|(c, _, _)| *c).collect();
                    problems.push(format!(
                        "unknown rule code {code:?} in [policy.weights]; known codes: {}",
                        known.join(", ")
                    ));
                }
                Some(_) if w < 0 => problems.push(format!(
                    "weight of {code:?} is {w}; use 0 to silence a rule"
                )),
                Some(slot) => *slot = w,
            }
        }
        let mut lists = |entries: Vec<RawListEntry>, what: &str| -> Vec<ListRule> {
            entries
                .into_iter()
                .filter_map(|e| {
                    let (spec, reason) = match e {
                        RawListEntry::Spec(s) => (s, format!("on the {what} list in secpip.toml")),
                        RawListEntry::Full { name, reason } => (
                            name,
                            reason.unwrap_or_else(|| format!("on the {what} list in secpip.toml")),
                        ),
                    };
                    ListRule::parse(&spec, &reason, "secpip.toml")
                        .map_err(|e| problems.push(format!("policy.{what}: {e}")))
                        .ok()
                })
                .collect()
        };
        let allow = lists(self.allow, "allow");
        let block = lists(self.block, "block");
        for a in &allow {
            if block
                .iter()
                .any(|b| b.name == a.name && b.version == a.version)
            {
                problems.push(format!(
                    "{} is on both the allow and the block list",
                    a.name
                ));
            }
        }
        let release_age_exceptions: Vec<ListRule> = self
            .release_age_exceptions
            .iter()
            .filter_map(|spec| {
                ListRule::parse(spec, "release-age exception", "secpip.toml")
                    .map_err(|e| problems.push(format!("policy.release_age_exceptions: {e}")))
                    .ok()
            })
            .collect();
        for p in &self.internal {
            if p.trim().is_empty() || p.trim() == "*" {
                problems.push(format!(
                    "policy.internal: pattern {p:?} would match every package"
                ));
            }
        }
        let known = |c: &str| weights.contains_key(c);
        let waivers: Vec<super::waivers::Waiver> = self
            .waivers
            .into_iter()
            .filter_map(|w| {
                w.validate(&known)
                    .map_err(|e| problems.push(format!("policy.waivers: {e}")))
                    .ok()
            })
            .collect();
        if let Err(e) = self.advisories.validate() {
            problems.push(format!("policy.advisories: {e}"));
        }
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        Ok(Policy {
            yellow,
            red,
            review: self.review.unwrap_or_default(),
            metadata_unavailable: self.metadata_unavailable.unwrap_or_default(),
            allow,
            block,
            weights,
            min_release_age_hours: self.min_release_age_hours.unwrap_or(48),
            release_age_exceptions,
            internal: self
                .internal
                .iter()
                .map(|p| p.trim().to_lowercase())
                .collect(),
            secure_ttl_days: self.secure_ttl_days.unwrap_or(30),
            only_binary: self.only_binary.unwrap_or(false),
            waivers,
            advisories: self.advisories,
            advisories_unavailable: self.advisories_unavailable.unwrap_or_default(),
            typosquat: self.typosquat,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Policy, String> {
        toml::from_str::<RawPolicy>(text).unwrap().validate()
    }

    #[test]
    fn default_policy_is_valid() {
        let p = RawPolicy::default().validate().unwrap();
        assert_eq!((p.yellow, p.red), (30, 50));
        assert_eq!(p.weight(codes::LOW_DOWNLOADS), 20);
        assert_eq!(p.review, FailMode::Block);
    }

    #[test]
    fn all_problems_are_reported_together() {
        let err =
            parse("yellow = 60\nred = 50\nblock = [\"../x\"]\n[weights]\ntypo = 3\n").unwrap_err();
        assert!(err.contains("red = 50"), "{err}");
        assert!(err.contains("\"typo\""), "{err}");
        assert!(err.contains("../x"), "{err}");
    }

    #[test]
    fn list_entries_accept_strings_and_tables() {
        let p = parse(
            "allow = [\"Foo_Bar@1.0\"]\nblock = [{ name = \"evil\", reason = \"malware\" }]\n",
        )
        .unwrap();
        let id = |n: &str, v: &str| PackageId::new(Ecosystem::Pypi, n, v);
        assert!(p.allow[0].matches(&id("foo-bar", "1.0.0")));
        assert!(!p.allow[0].matches(&id("foo-bar", "1.1")));
        assert!(!p.allow[0].matches(&PackageId::new(Ecosystem::Npm, "foo-bar", "1.0.0")));
        assert_eq!(p.block[0].reason, "malware");
        assert!(p.block[0].matches(&id("evil", "9")));
        let npm = ListRule::parse("npm:@babel/core@7.1.0", "r", "t").unwrap();
        assert!(npm.matches(&PackageId::new(Ecosystem::Npm, "@babel/core", "7.1.0")));
        assert_eq!(npm.spec(), "npm:@babel/core@7.1.0");
    }

    #[test]
    fn same_entry_on_both_lists_is_refused() {
        let err = parse("allow = [\"x\"]\nblock = [\"x\"]\n").unwrap_err();
        assert!(err.contains("both"), "{err}");
    }
}
