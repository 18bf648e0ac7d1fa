//! Allow and block lists: the security team's explicit word beats every
//! heuristic. Entries come from `secpip.toml` and from `secpip allow|block`
//! (stored with who and when).

use super::policy::{codes, ListRule};
use super::Finding;
use crate::ecosystem::PackageId;

/// The outcome of checking the lists for one package.
#[derive(Debug, Clone, PartialEq)]
pub enum ListMatch {
    /// Explicitly allowed.
    Allowed(Finding),
    /// Explicitly blocked.
    Blocked(Finding),
    /// Not listed.
    None,
}

/// Checks `id` against allow and block rules; block wins over allow when
/// both match (a name-wide block is not undone by a version allow unless the
/// allow is more specific).
pub fn check(
    id: &PackageId,
    allow: &[ListRule],
    block: &[ListRule],
    block_points: i32,
) -> ListMatch {
    let blocked = block
        .iter()
        .filter(|r| r.matches(id))
        .max_by_key(|r| r.version.is_some());
    let allowed = allow
        .iter()
        .filter(|r| r.matches(id))
        .max_by_key(|r| r.version.is_some());
    match (blocked, allowed) {
        (Some(b), Some(a)) if a.version.is_some() && b.version.is_none() => {
            ListMatch::Allowed(allow_finding(a))
        }
        (Some(b), _) => ListMatch::Blocked(Finding {
            code: codes::BLOCKLIST.into(),
            points: block_points,
            reason: format!("Blocked by policy: {}", b.reason),
            evidence: vec![format!("rule {} ({})", spec(b), b.origin)],
        }),
        (None, Some(a)) => ListMatch::Allowed(allow_finding(a)),
        (None, None) => ListMatch::None,
    }
}

fn spec(r: &ListRule) -> String {
    match &r.version {
        Some(v) => format!("{}@{}", r.name, v),
        None => r.name.clone(),
    }
}

fn allow_finding(a: &ListRule) -> Finding {
    Finding {
        code: codes::ALLOWLIST.into(),
        points: 0,
        reason: format!("Allowed by policy: {}", a.reason),
        evidence: vec![format!("rule {} ({})", spec(a), a.origin)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecosystem::Ecosystem;

    fn rule(s: &str) -> ListRule {
        ListRule::parse(s, "because", "test").unwrap()
    }

    #[test]
    fn version_allow_beats_name_block_but_not_the_reverse() {
        let id = PackageId::new(Ecosystem::Pypi, "Foo", "1.0");
        assert!(matches!(
            check(&id, &[rule("foo@1.0")], &[rule("foo")], 100),
            ListMatch::Allowed(_)
        ));
        assert!(matches!(
            check(&id, &[rule("foo")], &[rule("foo@1.0")], 100),
            ListMatch::Blocked(_)
        ));
        let other = PackageId::new(Ecosystem::Pypi, "foo", "2.0");
        assert!(matches!(
            check(&other, &[rule("foo@1.0")], &[rule("foo")], 100),
            ListMatch::Blocked(_)
        ));
        assert_eq!(check(&other, &[], &[], 100), ListMatch::None);
    }
}
