//! Known-malicious and known-vulnerable versions, judged from OSV advisories.
//!
//! Two different things share one data source. A malicious-package report
//! (`MAL-` id) means the version itself is the attack: it is always Red, and
//! an ignore entry cannot silence it; only the allow list can override it,
//! on purpose and visibly. A vulnerability means the code has a known bug:
//! most teams want to hear about it without breaking every install, so by
//! default it is reported with 0 points and the fix to upgrade to, and
//! `vulnerable = "block"` makes it Red. Accepted vulnerabilities are listed
//! in `ignore` with a reason and, ideally, an end date, after which they
//! count again and the finding says the exception has expired.
//!
//! The same issue is often published under several ids (PYSEC, GHSA, CVE);
//! advisories that alias each other are reported once.
//!
//! The rule is pure: the advisories arrive as a [`Lookup`], and an
//! unreachable source becomes a 0-point `advisories-unknown` finding that
//! the policy's fail-open/fail-closed setting acts on elsewhere.

use super::facts::Lookup;
use super::Finding;
use crate::advisories::Advisory;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use time::Date;

/// Stable rule codes of this family.
pub mod codes {
    /// A malicious-package report covers this version.
    pub const KNOWN_MALICIOUS: &str = "known-malicious";
    /// A known vulnerability covers this version.
    pub const VULNERABLE: &str = "vulnerable";
    /// The advisory source could not be asked.
    pub const ADVISORIES_UNKNOWN: &str = "advisories-unknown";
}

/// Points of a Red-level finding (`known-malicious`, or `vulnerable` when blocking).
pub const RED_POINTS: i32 = 100;

/// `(code, default points, description)` of every code this rule emits.
pub const CODES: &[(&str, i32, &str)] = &[
    (
        codes::KNOWN_MALICIOUS,
        RED_POINTS,
        "an OSV malicious-package report (MAL-…) covers this version",
    ),
    (
        codes::VULNERABLE,
        0,
        "a known vulnerability covers this version (100 points with vulnerable = \"block\")",
    ),
    (
        codes::ADVISORIES_UNKNOWN,
        0,
        "the advisory source (OSV API or offline database) could not be asked",
    ),
];

/// What a known vulnerability does to the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VulnAction {
    /// Report it with 0 points (the default).
    #[default]
    Warn,
    /// Make the version Red.
    Block,
}

/// An accepted vulnerability, as written in the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreEntry {
    /// The advisory id or any of its aliases (e.g. a CVE).
    pub id: String,
    /// Why it is accepted (required; shown in the verdict).
    #[serde(default)]
    pub reason: String,
    /// Last day the exception holds (`YYYY-MM-DD`); none means until removed.
    #[serde(default, with = "until_date", skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
}

/// The advisory part of the policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvisoryPolicy {
    /// What a known vulnerability does.
    #[serde(default)]
    pub vulnerable: VulnAction,
    /// Accepted vulnerabilities.
    #[serde(default)]
    pub ignore: Vec<IgnoreEntry>,
}

impl AdvisoryPolicy {
    /// Checks the ignore list and reports every problem in one message.
    /// (A malformed `until` date is already refused when the TOML is read,
    /// with its line number.)
    pub fn validate(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, e) in self.ignore.iter().enumerate() {
            let id = e.id.trim();
            if id.is_empty() {
                problems.push(format!("ignore[{i}]: id is empty"));
                continue;
            }
            if e.reason.trim().is_empty() {
                problems.push(format!("ignore {id}: give a reason"));
            }
            if id.to_ascii_uppercase().starts_with("MAL-") {
                problems.push(format!(
                    "ignore {id}: malicious-package reports cannot be ignored; use policy.allow"
                ));
            }
            if !seen.insert(id.to_ascii_uppercase()) {
                problems.push(format!("ignore {id}: listed twice"));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}

/// `until` dates: `"YYYY-MM-DD"` strings, or TOML's unquoted dates.
mod until_date {
    use serde::de::{self, MapAccess, Visitor};
    use serde::{Deserializer, Serializer};
    use std::fmt;
    use time::Date;

    const FORMAT: &[time::format_description::FormatItem<'static>] =
        time::macros::format_description!("[year]-[month]-[day]");

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d.map(|d| d.format(FORMAT)) {
            Some(Ok(text)) => s.serialize_str(&text),
            Some(Err(e)) => Err(serde::ser::Error::custom(e)),
            None => s.serialize_none(),
        }
    }

    struct DateVisitor;

    impl<'de> Visitor<'de> for DateVisitor {
        type Value = Option<Date>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a date like 2026-12-31")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Date::parse(v.trim(), FORMAT)
                .map(Some)
                .map_err(|_| E::custom(format!("until = {v:?} is not a date like 2026-12-31")))
        }

        // TOML hands its native date values over as a one-entry map.
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            match map.next_entry::<String, String>()? {
                Some((_, v)) => self.visit_str(&v),
                None => Err(de::Error::custom("until is empty")),
            }
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(DateVisitor)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        d.deserialize_option(DateVisitor)
    }
}

/// Advisories that alias each other, reported as one.
struct Group<'a> {
    names: BTreeSet<String>,
    members: Vec<&'a Advisory>,
}

impl Group<'_> {
    fn lead(&self) -> &Advisory {
        // Prefer the MAL- report, then the first id in sort order.
        self.members
            .iter()
            .find(|a| a.id.starts_with("MAL-"))
            .or(self.members.first())
            .copied()
            .unwrap_or_else(|| unreachable!("a group always has a member"))
    }

    fn malicious(&self) -> bool {
        self.members.iter().any(|a| a.malicious)
    }

    fn describe(&self) -> String {
        let lead = self.lead();
        let mut text = lead.id.clone();
        let others: Vec<&str> = self
            .names
            .iter()
            .filter(|n| **n != lead.id)
            .map(String::as_str)
            .collect();
        if !others.is_empty() {
            text.push_str(&format!(" (aka {})", others.join(", ")));
        }
        let summary = self
            .members
            .iter()
            .map(|a| a.summary.trim())
            .find(|s| !s.is_empty());
        if let Some(s) = summary {
            text.push_str(&format!(": {s}"));
        }
        text
    }

    fn names(&self, id: &str) -> bool {
        self.names.iter().any(|n| n.eq_ignore_ascii_case(id.trim()))
    }
}

fn group(advisories: &[Advisory]) -> Vec<Group<'_>> {
    let mut sorted: Vec<&Advisory> = advisories.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let mut groups: Vec<Group<'_>> = Vec::new();
    for a in sorted {
        let names: BTreeSet<String> = std::iter::once(&a.id).chain(&a.aliases).cloned().collect();
        match groups.iter_mut().find(|g| !g.names.is_disjoint(&names)) {
            Some(g) => {
                g.names.extend(names);
                g.members.push(a);
            }
            None => groups.push(Group {
                names,
                members: vec![a],
            }),
        }
    }
    groups
}

/// How the ignore list treats one vulnerability.
enum Ignored<'a> {
    No,
    Yes(&'a IgnoreEntry),
    Expired(&'a IgnoreEntry),
}

fn ignored<'a>(g: &Group<'_>, policy: &'a AdvisoryPolicy, today: Date) -> Ignored<'a> {
    let mut expired = None;
    for e in policy.ignore.iter().filter(|e| g.names(&e.id)) {
        match e.until {
            Some(until) if today > until => expired = Some(e),
            _ => return Ignored::Yes(e),
        }
    }
    expired.map_or(Ignored::No, Ignored::Expired)
}

/// Applies the rule to the advisories found for one package version.
pub fn check(
    advisories: &Lookup<Vec<Advisory>>,
    policy: &AdvisoryPolicy,
    today: Date,
) -> Vec<Finding> {
    let list = match advisories {
        Lookup::Found(list) => list,
        Lookup::Unknown(why) => {
            return vec![Finding {
                code: codes::ADVISORIES_UNKNOWN.into(),
                points: 0,
                reason: "Advisories unknown".into(),
                evidence: vec![format!("unknown: {why}")],
            }]
        }
    };
    let groups = group(list);
    let mut out = Vec::new();

    let mut malicious = Vec::new();
    for g in groups.iter().filter(|g| g.malicious()) {
        malicious.push(g.describe());
        for e in policy.ignore.iter().filter(|e| g.names(&e.id)) {
            malicious.push(format!(
                "ignore entry {} does not apply: malicious-package reports can only be overridden by the allow list",
                e.id
            ));
        }
    }
    if !malicious.is_empty() {
        out.push(Finding {
            code: codes::KNOWN_MALICIOUS.into(),
            points: RED_POINTS,
            reason: "Known malicious package version".into(),
            evidence: malicious,
        });
    }

    let mut evidence = Vec::new();
    let mut active = 0;
    for g in groups.iter().filter(|g| !g.malicious()) {
        let mut line = g.describe();
        match ignored(g, policy, today) {
            Ignored::Yes(e) => {
                let until = e
                    .until
                    .map_or("until removed".to_string(), |d| format!("until {d}"));
                evidence.push(format!("ignored {until} ({}): {line}", e.reason.trim()));
                continue;
            }
            Ignored::Expired(e) => {
                if let Some(until) = e.until {
                    line.push_str(&format!(
                        "; the ignore entry {} expired after {until} ({})",
                        e.id,
                        e.reason.trim()
                    ));
                }
            }
            Ignored::No => {}
        }
        active += 1;
        if let Some(sev) = g.members.iter().find_map(|a| a.severity.as_deref()) {
            line.push_str(&format!("; severity {sev}"));
        }
        match g.members.iter().find_map(|a| a.fixed.first()) {
            Some(fixed) => line.push_str(&format!("; upgrade to ≥ {fixed}")),
            None => line.push_str("; no fixed version published"),
        }
        evidence.push(line);
    }
    if !evidence.is_empty() {
        let (points, reason) = match (active, policy.vulnerable) {
            (0, _) => (0, "Known vulnerabilities ignored by policy".to_string()),
            (n, VulnAction::Warn) => (0, known(n)),
            (n, VulnAction::Block) => (RED_POINTS, format!("{} (policy blocks them)", known(n))),
        };
        out.push(Finding {
            code: codes::VULNERABLE.into(),
            points,
            reason,
            evidence,
        });
    }
    out
}

fn known(n: usize) -> String {
    match n {
        1 => "Known vulnerability".into(),
        n => format!("{n} known vulnerabilities"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 06 - 15);

    fn adv(id: &str, aliases: &[&str], fixed: &[&str]) -> Advisory {
        Advisory {
            id: id.into(),
            summary: format!("{id} summary"),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            severity: Some("HIGH".into()),
            fixed: fixed.iter().map(|s| s.to_string()).collect(),
            malicious: id.starts_with("MAL-"),
            published: None,
        }
    }

    fn policy(toml_text: &str) -> AdvisoryPolicy {
        let p: AdvisoryPolicy = toml::from_str(toml_text).unwrap();
        p.validate().unwrap();
        p
    }

    fn codes_points(f: &[Finding]) -> Vec<(&str, i32)> {
        f.iter().map(|f| (f.code.as_str(), f.points)).collect()
    }

    #[test]
    fn malicious_report_is_red_and_cannot_be_ignored() {
        let found = Lookup::Found(vec![adv("MAL-2024-9", &["GHSA-m"], &[])]);
        let p = policy("ignore = [{ id = \"GHSA-m\", reason = \"we think it is fine\" }]");
        let f = check(&found, &p, TODAY);
        assert_eq!(codes_points(&f), vec![("known-malicious", 100)]);
        assert_eq!(
            f[0].evidence[0],
            "MAL-2024-9 (aka GHSA-m): MAL-2024-9 summary"
        );
        assert!(f[0].evidence[1].contains("does not apply"), "{f:?}");
    }

    #[test]
    fn vulnerability_warns_by_default_and_blocks_when_told() {
        let found = Lookup::Found(vec![
            adv("PYSEC-1", &["CVE-1", "GHSA-1"], &["2.0.3"]),
            adv("GHSA-1", &["CVE-1", "PYSEC-1"], &["2.0.3"]),
            adv("GHSA-2", &[], &[]),
        ]);
        let f = check(&found, &AdvisoryPolicy::default(), TODAY);
        assert_eq!(codes_points(&f), vec![("vulnerable", 0)]);
        assert_eq!(f[0].reason, "2 known vulnerabilities");
        assert_eq!(
            f[0].evidence,
            vec![
                "GHSA-1 (aka CVE-1, PYSEC-1): GHSA-1 summary; severity HIGH; upgrade to ≥ 2.0.3",
                "GHSA-2: GHSA-2 summary; severity HIGH; no fixed version published",
            ]
        );
        let f = check(&found, &policy("vulnerable = \"block\""), TODAY);
        assert_eq!(codes_points(&f), vec![("vulnerable", 100)]);
    }

    #[test]
    fn ignore_holds_until_its_date_then_says_it_expired() {
        let found = Lookup::Found(vec![adv("GHSA-1", &["CVE-2024-1"], &["1.1"])]);
        let p = policy(
            "vulnerable = \"block\"\n[[ignore]]\nid = \"cve-2024-1\"\nreason = \"not reachable\"\nuntil = 2026-06-15\n",
        );
        let f = check(&found, &p, TODAY);
        assert_eq!(codes_points(&f), vec![("vulnerable", 0)]);
        assert_eq!(f[0].reason, "Known vulnerabilities ignored by policy");
        assert!(f[0].evidence[0].starts_with("ignored until 2026-06-15 (not reachable)"));

        let f = check(&found, &p, date!(2026 - 06 - 16));
        assert_eq!(codes_points(&f), vec![("vulnerable", 100)]);
        assert!(
            f[0].evidence[0].contains("the ignore entry cve-2024-1 expired after 2026-06-15"),
            "{f:?}"
        );

        let forever = policy("[[ignore]]\nid = \"GHSA-1\"\nreason = \"accepted\"\n");
        let f = check(&found, &forever, date!(2099 - 01 - 01));
        assert!(f[0].evidence[0].starts_with("ignored until removed (accepted)"));
    }

    #[test]
    fn unknown_source_is_zero_points_with_the_reason() {
        let f = check(
            &Lookup::Unknown("OSV API timed out".into()),
            &AdvisoryPolicy::default(),
            TODAY,
        );
        assert_eq!(codes_points(&f), vec![("advisories-unknown", 0)]);
        assert_eq!(f[0].evidence, vec!["unknown: OSV API timed out"]);
        assert!(check(&Lookup::Found(vec![]), &AdvisoryPolicy::default(), TODAY).is_empty());
    }

    #[test]
    fn validate_reports_every_problem_and_bad_dates_fail_to_parse() {
        let p: AdvisoryPolicy = toml::from_str(
            "ignore = [{ id = \"GHSA-1\", reason = \" \" }, { id = \"MAL-1\", reason = \"x\" }, { id = \"ghsa-1\", reason = \"x\" }, { id = \"\" }]",
        )
        .unwrap();
        let err = p.validate().unwrap_err();
        for want in [
            "GHSA-1: give a reason",
            "MAL-1",
            "ghsa-1: listed twice",
            "ignore[3]",
        ] {
            assert!(err.contains(want), "{want} missing from {err}");
        }
        let err = toml::from_str::<AdvisoryPolicy>(
            "[[ignore]]\nid = \"X\"\nreason = \"r\"\nuntil = \"2026-13-01\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("not a date like 2026-12-31"), "{err}");
        assert!(toml::from_str::<AdvisoryPolicy>("vulnerable = \"maybe\"").is_err());
        assert!(toml::from_str::<AdvisoryPolicy>("ignored = []").is_err());
        let quoted = policy("[[ignore]]\nid = \"X\"\nreason = \"r\"\nuntil = \"2026-01-31\"\n");
        assert_eq!(quoted.ignore[0].until, Some(date!(2026 - 01 - 31)));
        let json = serde_json::to_string(&quoted).unwrap();
        assert!(json.contains("\"until\":\"2026-01-31\""), "{json}");
    }
}
