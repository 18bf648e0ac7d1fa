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
pub mod version_race;
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

/// Rules that need nothing but the name and version: dependency confusion,
/// a version-race number and look-alikes.
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
    findings.extend(version_race::check(
        &id.name,
        &id.version,
        policy.weight(version_race::CODE),
    ));
    let found = typosquat::check_with_hints(
        id.ecosystem,
        &id.name,
        ctx.popular,
        &policy.typosquat,
        hints,
    );
    let reason = found.first().map(|top| match top.kind {
        typosquat::Kind::ImportName => format!(
            "Name is taken from what popular package '{}' is imported by, not its package name",
            top.similar.name
        ),
        typosquat::Kind::CommandName => format!(
            "Name is taken from a command of popular package '{}', not its package name",
            top.similar.name
        ),
        _ => format!("Name resembles popular package '{}'", top.similar.name),
    });
    let similar: Vec<Similar> = found.into_iter().map(|found| found.similar).collect();
    if let Some(reason) = reason {
        findings.push(Finding {
            code: codes::TYPOSQUAT.into(),
            points: policy.weight(codes::TYPOSQUAT),
            reason,
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
                reason: format!("Name joins two popular packages, {}", joined.describe()),
                evidence: vec!["a real integration of two top projects is usually popular \
                               itself, or published by the maintainers of one of them"
                    .into()],
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
mod tests;
