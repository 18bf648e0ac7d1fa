//! How the PyPI ecosystem spells a project: PEP 503 normalized names, the
//! dist and module names inside artifacts, and artifact filenames.

use super::package::ArtifactKind;

/// PEP 503 normalized project name: lowercase, runs of `-`, `_`, `.` → `-`.
pub fn normalize(name: &str) -> String {
    collapse_separators(name, '-')
}

/// Wheel/sdist filename component of a project name: runs of `-`, `_`, `.`
/// → `_`, lowercase.
pub fn dist_name(name: &str) -> String {
    collapse_separators(name, '_')
}

/// The importable module each fixture project ships (same as [`dist_name`]).
pub fn module_name(name: &str) -> String {
    dist_name(name)
}

/// `{dist}-{version}-py3-none-any.whl`
pub fn wheel_filename(name: &str, version: &str) -> String {
    format!("{}-{version}-py3-none-any.whl", dist_name(name))
}

/// `{dist}-{version}.tar.gz`
pub fn sdist_filename(name: &str, version: &str) -> String {
    format!("{}-{version}.tar.gz", dist_name(name))
}

/// The filename of the artifact a release of `kind` ships.
pub(super) fn artifact_filename(name: &str, version: &str, kind: ArtifactKind) -> String {
    match kind {
        ArtifactKind::Wheel => wheel_filename(name, version),
        ArtifactKind::Sdist => sdist_filename(name, version),
    }
}

fn collapse_separators(name: &str, sep: char) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push(sep);
            }
            in_run = true;
        } else {
            out.push(c.to_ascii_lowercase());
            in_run = false;
        }
    }
    out
}
