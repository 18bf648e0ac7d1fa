//! The engine's own tests: how findings add up, and how lists, policy,
//! waivers and the name rules meet in one verdict.

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

fn facts(m: Lookup<ProjectMetadata>, downloads: Lookup<u64>, stars: Lookup<Option<u64>>) -> Facts {
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
fn an_import_or_command_name_says_so_in_the_reason() {
    let f = facts(
        Lookup::Found(meta(12, NOW - time::Duration::days(300))),
        Lookup::Found(50_000),
        Lookup::Found(Some(900)),
    );
    let v = judge("cv2", &f, &Policy::default());
    assert_eq!(v.risk, Risk::Red, "{v:?}");
    assert_eq!(
        v.findings[0].reason,
        "Name is taken from what popular package 'opencv-python' is imported by, not its package name"
    );
    let policy = Policy::default();
    let ctx = Context {
        policy: &policy,
        popular: PopularIndex::shipped_npm(),
        allow: &[],
        block: &[],
    };
    let v = verdict(&PackageId::new(Ecosystem::Npm, "ng", "1.0.0"), &f, &ctx);
    assert_eq!(
        v.findings[0].reason,
        "Name is taken from a command of popular package '@angular/cli', not its package name"
    );
    assert_eq!(v.similar[0].name, "@angular/cli");
    // A spelling game keeps the usual words.
    let v = judge("reqeusts", &f, &Policy::default());
    assert_eq!(
        v.findings[0].reason,
        "Name resembles popular package 'requests'"
    );
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
    let v = judge("ultra-vision-kit", &f, &Policy::default());
    assert_eq!(v.risk, Risk::Red, "{v:?}");
    let found = v
        .findings
        .iter()
        .find(|f| f.code == placeholder::CODE)
        .expect("placeholder finding");
    assert!(found.reason.contains("did you mean 'ultralytics'?"));
    let p: policy::RawPolicy = toml::from_str("[weights]\nplaceholder = 0").unwrap();
    let quiet = judge("ultra-vision-kit", &f, &p.validate().unwrap());
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
fn a_version_made_of_nines_is_blocked_without_an_internal_list() {
    // Healthy by every other rule: old, downloaded, starred.
    let f = facts(
        Lookup::Found(meta(12, NOW - time::Duration::days(30))),
        Lookup::Found(50_000),
        Lookup::Found(Some(900)),
    );
    let judge = |policy: &Policy, version: &str| {
        let ctx = Context {
            policy,
            popular: PopularIndex::shipped_pypi(),
            allow: &[],
            block: &[],
        };
        verdict(
            &PackageId::new(Ecosystem::Pypi, "acme-billing", version),
            &f,
            &ctx,
        )
    };
    let policy = Policy::default();
    let v = judge(&policy, "999.9.9");
    assert_eq!(v.risk, Risk::Red, "{v:?}");
    let codes: Vec<&str> = v.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, [version_race::CODE], "{v:?}");
    assert!(v.findings[0].evidence[0].contains("`internal`"), "{v:?}");
    // An ordinary version of the same package is fine.
    assert_eq!(judge(&policy, "1.4.0").risk, Risk::Green);
    // A team that knows better silences it like any rule.
    let p: policy::RawPolicy = toml::from_str("[weights]\nversion-race = 0").unwrap();
    assert_eq!(judge(&p.validate().unwrap(), "999.9.9").risk, Risk::Green);
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
    assert!(
        v.findings[0].reason.contains("'matplotlib' (rank ")
            && v.findings[0].reason.contains(" and 'requests' (rank "),
        "{v:?}"
    );
    assert!(v.similar.is_empty(), "{v:?}");
    // A spelling game wins: one finding, with "did you mean?".
    let v = judge("numpyy", &f, &Policy::default());
    let codes: Vec<_> = v.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, [codes::TYPOSQUAT], "{v:?}");
}
