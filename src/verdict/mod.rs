//! The verdict engine: a pure function from what is known about a package
//! version to a score, a risk level and a decision, with every reason and
//! its evidence attached.
//!
//! Rules live one family per file and each returns [`Finding`]s with a
//! stable code ([`policy::codes`]); the [`policy::Policy`] sets their weights
//! and the Green/Yellow/Red thresholds. Printing a verdict is the job of
//! `report/`, never of this module.

pub mod advisories;
pub mod archive;
pub mod confusion;
pub mod content;
pub mod facts;
pub mod install_code;
pub mod lists;
pub mod placeholder;
pub mod policy;
pub mod popular;
pub mod release_age;
pub mod reputation;
pub mod typosquat;
pub mod waivers;

use crate::ecosystem::PackageId;
use facts::{Facts, Lookup};
use policy::{codes, FailMode, ListRule, Policy};
use popular::PopularIndex;
use serde::{Deserialize, Serialize};
use typosquat::Similar;

/// One reason a package earned points (or was explicitly allowed/blocked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable rule code, e.g. `typosquat`.
    pub code: String,
    /// Points this finding adds to the score.
    pub points: i32,
    /// Human reason, e.g. `Downloads < 300`.
    pub reason: String,
    /// What the rule saw.
    pub evidence: Vec<String>,
}

/// Risk levels, as the firewall API names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Risk {
    /// Below the yellow threshold.
    Green,
    /// Needs a person's review.
    Yellow,
    /// Blocked.
    Red,
}

impl Risk {
    /// `Green`, `Yellow` or `Red`.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Green => "Green",
            Risk::Yellow => "Yellow",
            Risk::Red => "Red",
        }
    }

    /// Parses [`Risk::as_str`] output.
    pub fn parse(s: &str) -> Option<Risk> {
        match s {
            "Green" => Some(Risk::Green),
            "Yellow" => Some(Risk::Yellow),
            "Red" => Some(Risk::Red),
            _ => None,
        }
    }
}

/// What the install flow does with a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// Vet the files and publish them.
    Allow,
    /// Ask a person (or apply `policy.review` when nobody can be asked).
    Review,
    /// Refuse.
    Block,
}

/// The engine's judgement of one package version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// Sum of the findings' points.
    pub score: i32,
    /// Risk level from the policy thresholds.
    pub risk: Risk,
    /// What to do.
    pub decision: Decision,
    /// Every finding, in rule order.
    pub findings: Vec<Finding>,
    /// Popular packages this name resembles ("did you mean …?").
    pub similar: Vec<Similar>,
}

impl Verdict {
    /// The firewall API's one-line message for this risk.
    pub fn message(&self) -> &'static str {
        match self.risk {
            Risk::Green => "Low risk package",
            Risk::Yellow => "Medium risk package",
            Risk::Red => "High risk package",
        }
    }

    /// A verdict with a single overriding finding (hash mismatch, list match…).
    pub fn single(finding: Finding, risk: Risk, decision: Decision) -> Verdict {
        Verdict {
            score: finding.points,
            risk,
            decision,
            findings: vec![finding],
            similar: Vec::new(),
        }
    }
}

/// Everything besides the facts that the engine consults.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The security team's policy.
    pub policy: &'a Policy,
    /// Popular names of the package's ecosystem.
    pub popular: &'a PopularIndex,
    /// Allow rules recorded in the store with `secpip allow`.
    pub allow: &'a [ListRule],
    /// Block rules recorded in the store with `secpip block`.
    pub block: &'a [ListRule],
}

/// The allow/block lists decide outright when they match.
fn list_verdict(id: &PackageId, ctx: &Context<'_>) -> Option<Verdict> {
    let policy = ctx.policy;
    let allow: Vec<ListRule> = policy.allow.iter().chain(ctx.allow).cloned().collect();
    let block: Vec<ListRule> = policy.block.iter().chain(ctx.block).cloned().collect();
    match lists::check(id, &allow, &block, policy.weight(codes::BLOCKLIST)) {
        lists::ListMatch::Allowed(f) => Some(Verdict::single(f, Risk::Green, Decision::Allow)),
        lists::ListMatch::Blocked(f) => Some(Verdict::single(f, Risk::Red, Decision::Block)),
        lists::ListMatch::None => None,
    }
}

/// Rules that need nothing but the name: dependency confusion and look-alikes.
/// `hints` are what the registry said about the package, when asked: its
/// downloads (a look-alike that is itself well used stands: its target
/// must be [`typosquat::TyposquatConfig::min_popularity_ratio`] times
/// busier) and the targets it shares an owner with.
fn name_findings(
    id: &PackageId,
    ctx: &Context<'_>,
    hints: &typosquat::Hints<'_>,
) -> (Vec<Finding>, Vec<Similar>) {
    let policy = ctx.policy;
    let mut findings = Vec::new();
    let internal: Vec<String> = match id.ecosystem {
        crate::ecosystem::Ecosystem::Pypi => policy
            .internal
            .iter()
            .map(|p| p.replace(['_', '.'], "-"))
            .collect(),
        crate::ecosystem::Ecosystem::Npm => policy.internal.clone(),
    };
    findings.extend(confusion::check(
        &id.name,
        &id.version,
        &internal,
        policy.weight(codes::DEPENDENCY_CONFUSION),
    ));
    let similar: Vec<Similar> = typosquat::check_with_hints(
        id.ecosystem,
        &id.name,
        ctx.popular,
        &policy.typosquat,
        hints,
    )
    .into_iter()
    .map(|found| found.similar)
    .collect();
    if let Some(top) = similar.first() {
        findings.push(Finding {
            code: codes::TYPOSQUAT.into(),
            points: policy.weight(codes::TYPOSQUAT),
            reason: format!("Name resembles popular package '{}'", top.name),
            evidence: similar
                .iter()
                .map(|s| format!("{} (rank {}): {}", s.name, s.rank, s.transformation))
                .collect(),
        });
    }
    if similar.is_empty() {
        if let Some(joined) = typosquat::combination(
            id.ecosystem,
            &id.name,
            ctx.popular,
            &policy.typosquat,
            hints,
        ) {
            findings.push(Finding {
                code: codes::NAME_COMBINATION.into(),
                points: policy.weight(codes::NAME_COMBINATION),
                reason: format!(
                    "Name joins two popular packages, '{}' and '{}'",
                    joined.first.0, joined.second.0
                ),
                evidence: vec![
                    joined.describe(),
                    "a real integration of two top projects is usually popular itself or \
                     published by the maintainers of one of them"
                        .into(),
                ],
            });
        }
    }
    (findings, similar)
}

/// Sums the findings and applies the thresholds.
pub fn scored(findings: Vec<Finding>, similar: Vec<Similar>, policy: &Policy) -> Verdict {
    let score: i32 = findings.iter().map(|f| f.points).sum();
    let (risk, decision) = if score >= policy.red {
        (Risk::Red, Decision::Block)
    } else if score >= policy.yellow {
        (Risk::Yellow, Decision::Review)
    } else {
        (Risk::Green, Decision::Allow)
    };
    Verdict {
        score,
        risk,
        decision,
        findings,
        similar,
    }
}

/// Judges one package version. Pure: no I/O, no clock (the clock is in `facts`).
pub fn verdict(id: &PackageId, facts: &Facts, ctx: &Context<'_>) -> Verdict {
    if let Some(v) = list_verdict(id, ctx) {
        return v;
    }
    let policy = ctx.policy;
    let same_owner = facts.same_owner_targets();
    let hints = typosquat::Hints {
        downloads: facts.downloads.found().copied(),
        same_owner: &same_owner,
    };
    let (mut findings, similar) = name_findings(id, ctx, &hints);
    if let Lookup::Unknown(why) = &facts.metadata {
        let points = match policy.metadata_unavailable {
            FailMode::Block => policy.weight(codes::METADATA_UNAVAILABLE).max(policy.red),
            FailMode::Allow => 0,
        };
        findings.push(Finding {
            code: codes::METADATA_UNAVAILABLE.into(),
            points,
            reason: "Registry metadata unavailable".into(),
            evidence: vec![why.clone()],
        });
    }
    findings.extend(reputation::check(facts, ctx.popular.rank(&id.name), policy));
    if let Lookup::Found(meta) = &facts.metadata {
        findings.extend(placeholder::check(
            &id.name,
            meta.summary.as_deref(),
            policy.weight(placeholder::CODE),
        ));
        findings.extend(release_age::check(
            meta,
            id,
            facts.now,
            time::Duration::hours(policy.min_release_age_hours as i64),
            &policy.release_age_exceptions,
            policy.weight(codes::RELEASE_AGE),
        ));
    }
    if let Some(message) = &facts.deprecated {
        findings.push(Finding {
            code: codes::DEPRECATED.into(),
            points: policy.weight(codes::DEPRECATED),
            reason: "Version is deprecated".into(),
            evidence: vec![message.clone()],
        });
    }
    if let Some(adv) = &facts.advisories {
        for mut f in advisories::check(adv, &policy.advisories, facts.now.date()) {
            match f.code.as_str() {
                // Malware is Red whatever the weights say; `allow` is the override.
                advisories::codes::KNOWN_MALICIOUS => {
                    f.points = policy.weight(&f.code).max(policy.red)
                }
                advisories::codes::ADVISORIES_UNKNOWN
                    if policy.advisories_unavailable == FailMode::Block =>
                {
                    f.points = policy.red;
                    f.evidence
                        .push("policy.advisories_unavailable = \"block\" (fail closed)".into());
                }
                _ => {}
            }
            findings.push(f);
        }
    }
    findings.extend(facts.artifact_findings.iter().map(|f| Finding {
        points: reweighted(f, policy),
        ..f.clone()
    }));
    waivers::apply(&mut findings, &policy.waivers, id, facts.now.date());
    scored(findings, similar, policy)
}

/// A scan finding's points under the policy: scaled by the ratio of the
/// policy's weight to the code's default (a rule may emit less than its
/// default for a milder case, and a weight of 0 silences it).
fn reweighted(f: &Finding, policy: &Policy) -> i32 {
    let default = codes::all()
        .find(|(c, _, _)| *c == f.code)
        .map(|(_, w, _)| *w)
        .unwrap_or(f.points);
    match policy.weights.get(&f.code) {
        Some(&w) if default > 0 => f.points * w / default,
        Some(&w) => w,
        None => f.points,
    }
}

/// Judges a package by its name alone (lists, dependency confusion,
/// look-alikes): what `secpip check --offline` can say without any network.
pub fn name_verdict(id: &PackageId, ctx: &Context<'_>, today: time::Date) -> Verdict {
    if let Some(v) = list_verdict(id, ctx) {
        return v;
    }
    let (mut findings, similar) = name_findings(id, ctx, &typosquat::Hints::default());
    waivers::apply(&mut findings, &ctx.policy.waivers, id, today);
    scored(findings, similar, ctx.policy)
}

#[cfg(test)]
mod tests {
    use super::facts::{ProjectMetadata, ReleaseFile};
    use super::*;
    use crate::ecosystem::Ecosystem;
    use time::macros::datetime;
    use time::OffsetDateTime;

    const NOW: OffsetDateTime = datetime!(2026-11-01 00:00 UTC);

    fn meta(releases: usize, last: OffsetDateTime) -> ProjectMetadata {
        let mut m = ProjectMetadata {
            name: "x".into(),
            ..Default::default()
        };
        for i in 0..releases {
            m.releases.insert(
                format!("1.{i}"),
                vec![ReleaseFile {
                    filename: format!("x-1.{i}.tar.gz"),
                    sha256: None,
                    uploaded: Some(last - time::Duration::days(i as i64)),
                }],
            );
        }
        m
    }

    fn facts(
        m: Lookup<ProjectMetadata>,
        downloads: Lookup<u64>,
        stars: Lookup<Option<u64>>,
    ) -> Facts {
        Facts {
            metadata: m,
            downloads,
            stars,
            advisories: None,
            artifact_findings: Vec::new(),
            deprecated: None,
            target_owners: Default::default(),
            now: NOW,
        }
    }

    fn judge(name: &str, f: &Facts, policy: &Policy) -> Verdict {
        let popular = PopularIndex::shipped_pypi();
        let ctx = Context {
            policy,
            popular,
            allow: &[],
            block: &[],
        };
        verdict(&PackageId::new(Ecosystem::Pypi, name, "1.0"), f, &ctx)
    }

    #[test]
    fn healthy_project_is_green() {
        let f = facts(
            Lookup::Found(meta(12, NOW - time::Duration::days(30))),
            Lookup::Found(50_000),
            Lookup::Found(Some(900)),
        );
        let v = judge("sturdy-widget-kit", &f, &Policy::default());
        assert_eq!(
            (v.score, v.risk, v.decision),
            (0, Risk::Green, Decision::Allow),
            "{v:?}"
        );
    }

    #[test]
    fn firewall_reputation_points_add_up_to_red() {
        let f = facts(
            Lookup::Found(meta(2, NOW - time::Duration::days(800))),
            Lookup::Found(12),
            Lookup::Found(Some(3)),
        );
        let v = judge("sturdy-widget-kit", &f, &Policy::default());
        let codes: Vec<_> = v
            .findings
            .iter()
            .map(|f| (f.code.as_str(), f.points))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("low-downloads", 20),
                ("low-stars", 10),
                ("stale-project", 10),
                ("few-releases", 10)
            ]
        );
        assert_eq!((v.score, v.risk), (50, Risk::Red));
    }

    #[test]
    fn unreachable_optional_source_adds_nothing_and_says_unknown() {
        let f = facts(
            Lookup::Found(meta(12, NOW - time::Duration::days(3))),
            Lookup::Unknown("stats API timed out".into()),
            Lookup::Unknown("GitHub API returned 503".into()),
        );
        let v = judge("sturdy-widget-kit", &f, &Policy::default());
        assert_eq!(v.score, 0);
        assert!(
            v.findings
                .iter()
                .all(|f| f.evidence[0].starts_with("unknown")),
            "{v:?}"
        );
        assert_eq!(v.findings.len(), 2);
    }

    #[test]
    fn missing_metadata_fails_closed_by_default_and_open_when_told() {
        let f = facts(
            Lookup::Unknown("404".into()),
            Lookup::Found(10_000),
            Lookup::Found(Some(100)),
        );
        assert_eq!(
            judge("sturdy-widget-kit", &f, &Policy::default()).risk,
            Risk::Red
        );
        let open: policy::RawPolicy = toml::from_str("metadata_unavailable = \"allow\"").unwrap();
        assert_eq!(
            judge("sturdy-widget-kit", &f, &open.validate().unwrap()).risk,
            Risk::Green
        );
    }

    #[test]
    fn typosquat_of_popular_name_is_red_with_did_you_mean() {
        let f = facts(
            Lookup::Found(meta(12, NOW - time::Duration::days(3))),
            Lookup::Found(50_000),
            Lookup::Found(Some(900)),
        );
        let v = judge("reqeusts", &f, &Policy::default());
        assert_eq!(v.risk, Risk::Red, "{v:?}");
        assert_eq!(v.similar[0].name, "requests");
    }

    #[test]
    fn a_look_alike_by_its_targets_own_owners_is_no_typosquat() {
        // `reqeusts` published by an account that also owns `requests` is
        // the owners' own defensive copy; by anyone else it is a squat.
        let with_owners = |own: &[&str], target: &[&str]| {
            let mut m = meta(12, NOW - time::Duration::days(300));
            m.owners = own.iter().map(|o| o.to_string()).collect();
            let mut f = facts(
                Lookup::Found(m),
                Lookup::Found(50_000),
                Lookup::Found(Some(900)),
            );
            f.target_owners.insert(
                "requests".into(),
                target.iter().map(|o| o.to_string()).collect(),
            );
            judge("reqeusts", &f, &Policy::default())
        };
        let sibling = with_owners(&["kr", "nateprewitt"], &["nateprewitt", "sigmavirus"]);
        assert!(sibling.similar.is_empty(), "{sibling:?}");
        assert!(sibling.findings.iter().all(|f| f.code != codes::TYPOSQUAT));
        let stranger = with_owners(&["someone"], &["nateprewitt"]);
        assert_eq!(stranger.similar[0].name, "requests", "{stranger:?}");
        assert_eq!(stranger.risk, Risk::Red);
        // Owners unknown on the package's side: the likeness stands.
        let unknown = with_owners(&[], &["nateprewitt"]);
        assert_eq!(unknown.similar[0].name, "requests", "{unknown:?}");
    }

    #[test]
    fn a_look_alike_with_its_own_users_is_no_typosquat() {
        // `colorss` vs `colors` (npm): a new copy has no downloads; one
        // that has a tenth of the target's monthly downloads is a real,
        // independent package, and the registry's count says so.
        let popular = PopularIndex::from_ranked_for(
            Ecosystem::Npm,
            [
                ("colors", 1475, Some(30_000_000)),
                ("semver", 1, Some(2_000_000_000)),
            ],
        );
        let policy = Policy::default();
        let ctx = Context {
            policy: &policy,
            popular: &popular,
            allow: &[],
            block: &[],
        };
        let id = PackageId::new(Ecosystem::Npm, "colorss", "1.0.0");
        let with = |downloads: u64| {
            let f = facts(
                Lookup::Found(meta(12, NOW - time::Duration::days(300))),
                Lookup::Found(downloads),
                Lookup::Found(Some(900)),
            );
            verdict(&id, &f, &ctx)
        };
        let new = with(12);
        assert_eq!(new.similar[0].name, "colors", "{new:?}");
        assert!(new.findings.iter().any(|f| f.code == codes::TYPOSQUAT));
        let used = with(5_000_000);
        assert!(used.similar.is_empty(), "{used:?}");
        assert!(used.findings.iter().all(|f| f.code != codes::TYPOSQUAT));
    }

    #[test]
    fn a_self_declared_placeholder_is_blocked_naming_the_package_meant() {
        let mut m = meta(3, NOW - time::Duration::days(400));
        m.summary = Some("Did you mean to install ultralytics?".into());
        let f = facts(
            Lookup::Found(m),
            Lookup::Found(4_000),
            Lookup::Found(Some(900)),
        );
        let v = judge("yolov8", &f, &Policy::default());
        assert_eq!(v.risk, Risk::Red, "{v:?}");
        let found = v
            .findings
            .iter()
            .find(|f| f.code == placeholder::CODE)
            .expect("placeholder finding");
        assert!(found.reason.contains("did you mean 'ultralytics'?"));
        let p: policy::RawPolicy = toml::from_str("[weights]\nplaceholder = 0").unwrap();
        let quiet = judge("yolov8", &f, &p.validate().unwrap());
        assert_ne!(quiet.risk, Risk::Red, "{quiet:?}");
    }

    #[test]
    fn block_list_wins_and_weights_can_silence_a_rule() {
        let f = facts(
            Lookup::Found(meta(12, NOW - time::Duration::days(3))),
            Lookup::Found(10),
            Lookup::Found(Some(900)),
        );
        let p: policy::RawPolicy =
            toml::from_str("block = [{ name = \"sturdy-widget-kit\", reason = \"incident 42\" }]")
                .unwrap();
        let v = judge("sturdy-widget-kit", &f, &p.validate().unwrap());
        assert_eq!(v.decision, Decision::Block);
        assert!(v.findings[0].reason.contains("incident 42"));
        let p: policy::RawPolicy = toml::from_str("[weights]\nlow-downloads = 0").unwrap();
        assert_eq!(
            judge("sturdy-widget-kit", &f, &p.validate().unwrap()).score,
            0
        );
    }

    #[test]
    fn fresh_release_is_held_back_and_a_waiver_can_accept_it() {
        let f = facts(
            Lookup::Found(meta(12, NOW - time::Duration::hours(6))),
            Lookup::Found(50_000),
            Lookup::Found(Some(900)),
        );
        let v = judge("sturdy-widget-kit", &f, &Policy::default());
        assert_eq!(v.risk, Risk::Red, "{v:?}");
        assert_eq!(v.findings[0].code, "release-age");
        let p: policy::RawPolicy = toml::from_str(
            "[[waivers]]\npackage = \"sturdy-widget-kit@1.0\"\nreason = \"hotfix reviewed\"\nuntil = \"2026-12-01\"\ncodes = [\"release-age\"]\n",
        )
        .unwrap();
        let v = judge("sturdy-widget-kit", &f, &p.validate().unwrap());
        assert_eq!(v.risk, Risk::Green, "{v:?}");
        assert!(v.findings[0]
            .evidence
            .iter()
            .any(|e| e.contains("hotfix reviewed")));
    }

    #[test]
    fn internal_names_are_dependency_confusion() {
        let f = facts(
            Lookup::Found(meta(12, NOW - time::Duration::days(30))),
            Lookup::Found(50_000),
            Lookup::Found(Some(900)),
        );
        let p: policy::RawPolicy = toml::from_str("internal = [\"acme_*\"]").unwrap();
        let policy = p.validate().unwrap();
        let ctx = Context {
            policy: &policy,
            popular: PopularIndex::shipped_pypi(),
            allow: &[],
            block: &[],
        };
        let v = verdict(
            &PackageId::new(Ecosystem::Pypi, "Acme.Billing", "999.0"),
            &f,
            &ctx,
        );
        assert_eq!(v.risk, Risk::Red);
        assert!(v.findings[0].evidence[0].contains("999.0"), "{v:?}");
    }

    #[test]
    fn two_popular_names_joined_are_yellow_not_a_typosquat() {
        let f = facts(
            Lookup::Found(meta(12, NOW - time::Duration::days(30))),
            Lookup::Found(50_000),
            Lookup::Found(Some(900)),
        );
        let v = judge("matplotlib-requests", &f, &Policy::default());
        assert_eq!((v.score, v.risk), (30, Risk::Yellow), "{v:?}");
        assert_eq!(v.findings[0].code, codes::NAME_COMBINATION);
        assert!(v.findings[0].reason.contains("'matplotlib' and 'requests'"));
        assert!(v.similar.is_empty(), "{v:?}");
        // A spelling game wins: one finding, with "did you mean?".
        let v = judge("numpyy", &f, &Policy::default());
        let codes: Vec<_> = v.findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, [codes::TYPOSQUAT], "{v:?}");
    }
}
