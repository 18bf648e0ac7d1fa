//! A version whose major number is only nines (`99.0.0`, `999.9.9`,
//! `9999.0.0`), or `9.9.9`: the number a dependency-confusion package publishes so that
//! it outranks whatever version an organisation's internal package has,
//! whichever index the resolver asks first.
//!
//! [`super::confusion`] blocks that on the names a team declares
//! `internal`; this rule needs no configuration, so the first install of
//! such a package is stopped on a machine whose team never wrote the
//! list. The shape is rare in real releases: among the latest versions of
//! every listed package it is 19 of 227,000 npm packages and 242 of
//! 886,000 PyPI projects (`scripts/version_race_flags.py`), most of them
//! name reservations at `999.9.9`; among the npm names of DataDog's
//! malicious-package dataset it is 412 of 2,711 (README.md, "Rules").
//! Calendar and build-number versions (`2024.1.0`, `1768471.24.681`) are
//! large numbers, not nines, and stand.

use super::Finding;

/// Stable code of this rule.
pub const CODE: &str = "version-race";

/// Default points: enough to block, as a declared internal name is.
pub const POINTS: i32 = 60;

/// The rule's code, default points and description, for the policy table.
pub const CODES: &[(&str, i32, &str)] = &[(
    CODE,
    POINTS,
    "the major version is only nines (99.0.0, 999.9.9) or it is 9.9.9, the numbers dependency-confusion packages publish",
)];

/// The numbers of a version's release segment as written (`v1.2.3-beta`
/// → `1`, `2`, `3`): digit runs separated by dots, from the start, up to
/// anything else. Kept as text, so a number of any length is read.
fn release(version: &str) -> Vec<&str> {
    let version = version.trim();
    let version = version.strip_prefix(['v', 'V']).unwrap_or(version);
    let mut out = Vec::new();
    for part in version.split('.') {
        let end = part
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(part.len());
        if end == 0 {
            break;
        }
        out.push(&part[..end]);
        if end < part.len() {
            break;
        }
    }
    out
}

/// Whether `number` is written only with nines, at least `digits` of them.
fn nines(number: &str, digits: usize) -> bool {
    number.len() >= digits && number.bytes().all(|b| b == b'9')
}

/// Whether `version` is a version-race number: its major version is 99,
/// 999, 9999…, or it is `9.9.9` (three or more nines).
pub fn racing(version: &str) -> bool {
    match release(version).as_slice() {
        [major, ..] if nines(major, 2) => true,
        all @ [_, _, _, ..] => all.iter().all(|n| *n == "9"),
        _ => false,
    }
}

/// The rule: a finding when `name`'s `version` is a version-race number.
pub fn check(name: &str, version: &str, points: i32) -> Option<Finding> {
    if !racing(version) {
        return None;
    }
    Some(Finding {
        code: CODE.into(),
        points,
        reason: format!(
            "Version {version} is a version-race number (99…, 999…, 9.9.9), the kind dependency-confusion packages publish to outrank any internal version"
        ),
        evidence: vec![format!(
            "if '{name}' is your organisation's internal package, add its name to `internal` in secpip.toml and install it from your internal index; a genuine release at this version can be waived there ([[policy.waivers]] package = \"{name}@{version}\")"
        )],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nines_that_win_a_version_race() {
        for version in [
            "99.0.0",
            "999.9.9",
            "9999.0.0",
            "99.99.99",
            "9.9.9",
            "9.9.9.9",
            "v999.0.0",
            "999.0",
            "999",
            "99.49.50",
            "999.0.0rc1",
            "9999.0.0-beta.1",
            "999.0.0-20240505-SNAPSHOT",
            "99999999999999999999999.0",
        ] {
            assert!(racing(version), "{version}");
        }
    }

    #[test]
    fn ordinary_calendar_and_build_numbers_stand() {
        for version in [
            "1.0.0",
            "9.0.0",
            "9.9",
            "9.9.8",
            "19.9.9",
            "98.0.0",
            "100.0.0",
            "990.0.0",
            "2024.1.0",
            "20240505",
            "1768471.24.681",
            "0.99.999",
            "1!999.0",
            "",
            "latest",
            "099.0.0",
        ] {
            assert!(!racing(version), "{version}");
        }
    }

    #[test]
    fn the_finding_names_the_version_and_what_to_do() {
        let found = check("acme-billing", "999.9.9", POINTS).unwrap();
        assert_eq!(found.code, CODE);
        assert_eq!(found.points, 60);
        assert!(found.reason.contains("999.9.9"), "{}", found.reason);
        assert!(found.evidence[0].contains("`internal`"));
        assert!(found.evidence[0].contains("acme-billing@999.9.9"));
        assert!(check("acme-billing", "1.2.3", POINTS).is_none());
    }
}
