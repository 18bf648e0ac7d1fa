//! Dependency confusion: names the organisation owns (`internal =
//! ["acme-*", "@acme/*"]`) must never be installed from the public
//! upstream. If upstream has such a name, someone published it there, and
//! it would win any version race (`acme-lib 999.0`): block it, naming the
//! version that tried.

use super::Finding;

/// Stable code of this rule.
pub const CODE: &str = "dependency-confusion";

/// Does `name` match a glob `pattern` (`*` matches any run of characters)?
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first)
        || !name[first.len()..].ends_with(last)
        || name.len() < first.len() + last.len()
    {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// The internal pattern `name` matches, if any.
pub fn internal_pattern<'a>(name: &str, internal: &'a [String]) -> Option<&'a str> {
    internal
        .iter()
        .find(|p| glob_match(p, name))
        .map(String::as_str)
}

/// The rule: a finding when an internal name comes from the public upstream.
pub fn check(name: &str, version: &str, internal: &[String], points: i32) -> Option<Finding> {
    let pattern = internal_pattern(name, internal)?;
    Some(Finding {
        code: CODE.into(),
        points,
        reason: format!("Internal package name '{name}' found on the public index"),
        evidence: vec![format!(
            "{name} matches internal pattern {pattern:?}; version {version} on the public upstream tried to win — install internal packages from your internal index only"
        )],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("acme-*", "acme-lib"));
        assert!(glob_match("@acme/*", "@acme/ui"));
        assert!(glob_match("*-internal", "billing-internal"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("acme-*", "acme"));
        assert!(!glob_match("acme-*", "notacme-lib"));
        assert!(glob_match("exact", "exact"));
        assert!(!glob_match("a*a", "a"));
    }

    #[test]
    fn internal_name_on_upstream_is_named_with_its_version() {
        let internal = vec!["acme-*".to_string()];
        let f = check("acme-lib", "999.0", &internal, 100).unwrap();
        assert!(f.evidence[0].contains("999.0") && f.evidence[0].contains("acme-*"));
        assert!(check("requests", "2.0", &internal, 100).is_none());
    }
}
