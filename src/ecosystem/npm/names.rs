//! npm package names: lowercase, at most 214 characters, URL-safe, optionally
//! `@scope/name`. Unscoped names published before npm required lowercase
//! keep their capitals (`JSONStream`, `Base64`) and still install, so they
//! are accepted; scoped names never had them. Unlike PyPI, `-`, `.` and `_`
//! are distinct, so names are compared exactly (no normalization beyond
//! what npm itself requires).

/// The longest name npm accepts.
pub const MAX_LEN: usize = 214;

/// Why an npm name is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Empty.
    #[error("empty package name")]
    Empty,
    /// Too long.
    #[error("npm package name is {0} characters long; the limit is {MAX_LEN}")]
    TooLong(usize),
    /// Breaks npm's rules.
    #[error("{name:?} is not a valid npm package name: {why}")]
    Invalid {
        /// The name.
        name: String,
        /// Which rule.
        why: &'static str,
    },
}

/// Checks one part of a name: the scope, or the name proper. `legacy`
/// allows the capitals of unscoped names published before npm required
/// lowercase.
fn part_ok(part: &str, legacy: bool) -> Result<(), &'static str> {
    if part.is_empty() {
        return Err("empty scope or name");
    }
    if part.starts_with('.') || part.starts_with('_') {
        return Err("names cannot start with `.` or `_`");
    }
    if !legacy && part.chars().any(|c| c.is_ascii_uppercase()) {
        return Err("scoped names are lowercase");
    }
    if !part
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'))
    {
        return Err("names use only letters, digits, `-`, `.`, `_` and `~`");
    }
    Ok(())
}

/// Checks a name (`lodash`, `@babel/core`) against npm's rules.
pub fn validate_name(name: &str) -> Result<(), NameError> {
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name.len() > MAX_LEN {
        return Err(NameError::TooLong(name.len()));
    }
    let invalid = |why| NameError::Invalid {
        name: name.to_string(),
        why,
    };
    match name.strip_prefix('@') {
        Some(scoped) => {
            let (scope, pkg) = scoped
                .split_once('/')
                .ok_or_else(|| invalid("a scoped name is `@scope/name`"))?;
            part_ok(scope, false).map_err(invalid)?;
            part_ok(pkg, false).map_err(invalid)?;
        }
        None => part_ok(name, true).map_err(invalid)?,
    }
    if matches!(name, "node_modules" | "favicon.ico") {
        return Err(invalid("reserved name"));
    }
    Ok(())
}

/// Splits `name@version` (the `@` of a scope is not a separator).
pub fn split_spec(spec: &str) -> (&str, Option<&str>) {
    let search_from = usize::from(spec.starts_with('@'));
    match spec[search_from..].rfind('@') {
        Some(i) => (&spec[..search_from + i], Some(&spec[search_from + i + 1..])),
        None => (spec, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npm_names() {
        // Legacy capitals (`JSONStream`) are real, installable names.
        for ok in [
            "lodash",
            "@babel/core",
            "lodash.merge",
            "left_pad",
            "a-b~c",
            "JSONStream",
            "Base64",
        ] {
            validate_name(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for bad in [
            "",
            "@Babel/core",
            "@babel/Core",
            "_x",
            ".x",
            "@scope",
            "@/x",
            "x y",
            "../x",
            "node_modules",
            &"a".repeat(215),
        ] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn specs_split_on_the_version_at() {
        assert_eq!(
            split_spec("@babel/core@7.1.0"),
            ("@babel/core", Some("7.1.0"))
        );
        assert_eq!(split_spec("@babel/core"), ("@babel/core", None));
        assert_eq!(split_spec("lodash@4.17.21"), ("lodash", Some("4.17.21")));
    }
}
