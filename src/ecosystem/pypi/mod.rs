//! PyPI through pip: names, requirement parsing, the upstream index pip is
//! configured with, pip's own resolver, the JSON metadata API, and running
//! pip against the secure repository.

pub mod installer;
pub mod metadata;
pub mod requirements;
pub mod resolver;
pub mod upstream;
pub mod view;

/// PEP 503 normalization: lowercase, runs of `-`, `_`, `.` become one `-`.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The environment pip must not inherit: anything that adds an index or a
/// local file source besides the one secpip chose.
pub const PIP_ENV_REMOVED: &[&str] = &[
    "PIP_INDEX_URL",
    "PIP_EXTRA_INDEX_URL",
    "PIP_FIND_LINKS",
    "PIP_NO_INDEX",
    "PIP_TRUSTED_HOST",
    "PIP_CONSTRAINT",
    "PIP_REQUIREMENT",
];

#[cfg(test)]
mod tests {
    use super::normalize_name;

    #[test]
    fn pep503() {
        assert_eq!(normalize_name("Friendly-Bard"), "friendly-bard");
        assert_eq!(normalize_name("FRIENDLY-._BARD"), "friendly-bard");
        assert_eq!(normalize_name("python_dateutil"), "python-dateutil");
        assert_eq!(normalize_name("zope.interface"), "zope-interface");
    }
}
