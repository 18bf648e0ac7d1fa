//! "Did you mean …?" for a name the index does not have. A mistyped name
//! that is no package at all (`reqeusts`) fails in pip's resolver, before
//! any verdict could explain it, so the name rule's answer is added to
//! pip's error: the user learns the right name instead of retrying.

use std::path::Path;

use crate::ecosystem::npm::resolver::NpmResolveError;
use crate::ecosystem::pypi::resolver::ResolveError;
use crate::ecosystem::Ecosystem;
use crate::verdict::popular::PopularIndex;
use crate::verdict::typosquat::{self, TyposquatConfig};

/// pip's resolver error as the user should read it: naming `index_url`
/// (credentials redacted) rather than whatever loopback view pip was
/// pointed at, with a hint for each missing name that looks like a
/// popular one, judged by the policy's own look-alike thresholds. Other
/// errors pass through.
pub fn explain_pip_error(
    error: ResolveError,
    index_url: &str,
    data_dir: &Path,
    look_alikes: &TyposquatConfig,
) -> ResolveError {
    match error {
        ResolveError::Pip { stderr, code, .. } => {
            let not_found = pip_not_found(&stderr);
            let popular = crate::data::popular(Ecosystem::Pypi, data_dir);
            let hints = hints(Ecosystem::Pypi, &not_found, popular, look_alikes);
            ResolveError::Pip {
                index: crate::http::redact_url(index_url),
                stderr: format!("{stderr}{hints}"),
                code,
            }
        }
        other => other,
    }
}

/// npm's resolver error with a hint for each missing name that looks like
/// a popular one. Other errors pass through.
pub fn explain_npm_error(
    error: NpmResolveError,
    data_dir: &Path,
    look_alikes: &TyposquatConfig,
) -> NpmResolveError {
    match error {
        NpmResolveError::Npm { registry, stderr } => {
            let not_found = npm_not_found(&stderr);
            let popular = crate::data::popular(Ecosystem::Npm, data_dir);
            let hints = hints(Ecosystem::Npm, &not_found, popular, look_alikes);
            NpmResolveError::Npm {
                registry,
                stderr: format!("{stderr}{hints}"),
            }
        }
        other => other,
    }
}

/// What pip prints before a requirement it found no distribution for.
const PIP_NOT_FOUND: &str = "No matching distribution found for ";

/// The project names pip reports as not found, in order, without
/// specifiers or extras (`reqeusts==1.0` → `reqeusts`).
pub fn pip_not_found(stderr: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in stderr.lines() {
        let Some(at) = line.find(PIP_NOT_FOUND) else {
            continue;
        };
        let requirement = &line[at + PIP_NOT_FOUND.len()..];
        let end = requirement
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(requirement.len());
        push_new(&mut names, &requirement[..end]);
    }
    names
}

/// Appends `name` unless it is empty or already there.
fn push_new(names: &mut Vec<String>, name: &str) {
    if !name.is_empty() && !names.iter().any(|seen| seen == name) {
        names.push(name.to_string());
    }
}

/// The package names npm reports as not found (`npm error 404  The
/// requested resource 'lodahs@*' could not be found`, or older npm's
/// `'lodahs@*' is not in this registry`) or as having no version left
/// (`No versions available for lodahs`), in order.
pub fn npm_not_found(stderr: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    // A name whose every version was unpublished (`ENOVERSIONS`).
    for line in stderr.lines() {
        if let Some((_, name)) = line.split_once("No versions available for ") {
            push_new(&mut names, name.trim());
        }
    }
    for line in stderr.lines().filter(|line| line.contains("404")) {
        let Some((_, quoted)) = line.split_once('\'') else {
            continue;
        };
        let Some((spec, _)) = quoted.split_once('\'') else {
            continue;
        };
        // `name@range`; a scoped name starts with its own `@`.
        let name = match spec.rfind('@') {
            Some(at) if at > 0 => &spec[..at],
            _ => spec,
        };
        push_new(&mut names, name);
    }
    names
}

/// One hint line per name that looks like a popular package of
/// `ecosystem` (`  hint: 'reqeusts' is not on the index; did you mean
/// 'requests'? (swapped adjacent characters)`; npm: "registry"), or ""
/// when none does.
pub fn hints(
    ecosystem: Ecosystem,
    names: &[String],
    popular: &PopularIndex,
    config: &TyposquatConfig,
) -> String {
    let place = match ecosystem {
        Ecosystem::Pypi => "index",
        Ecosystem::Npm => "registry",
    };
    let mut out = String::new();
    for name in names {
        let found = typosquat::check(ecosystem, name, popular, config);
        if let Some(best) = found.first() {
            out.push_str(&format!(
                "\n  hint: '{name}' is not on the {place}; {} ({})",
                best.did_you_mean(),
                best.transformation
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PIP_ERROR: &str = "ERROR: Could not find a version that satisfies the requirement reqeusts==2.0 (from versions: none)\nERROR: No matching distribution found for reqeusts==2.0\nERROR: No matching distribution found for alpha-widget[extra]>=1";

    #[test]
    fn names_pip_could_not_find() {
        assert_eq!(pip_not_found(PIP_ERROR), ["reqeusts", "alpha-widget"]);
        assert!(pip_not_found("ERROR: ResolutionImpossible").is_empty());
    }

    #[test]
    fn pip_errors_name_the_upstream_without_credentials() {
        let error = ResolveError::Pip {
            index: "http://127.0.0.1:41234/simple/".into(),
            stderr: PIP_ERROR.into(),
            code: Some(1),
        };
        let no_snapshot = Path::new("/nonexistent/secpip-data");
        let policy = TyposquatConfig::default();
        let explained = explain_pip_error(
            error,
            "https://ci-user:s3cret@mirror.example/simple/",
            no_snapshot,
            &policy,
        )
        .to_string();
        assert!(
            explained.starts_with(
                "pip could not resolve the requirements against https://mirror.example/simple/:"
            ),
            "{explained}"
        );
        assert!(!explained.contains("s3cret"), "{explained}");
        assert!(
            explained.ends_with("did you mean 'requests'? (swapped adjacent characters)"),
            "{explained}"
        );
        let other = ResolveError::Report("bad".into());
        assert_eq!(
            explain_pip_error(other, "https://x/simple/", no_snapshot, &policy).to_string(),
            "pip's resolution report could not be read: bad"
        );
    }

    #[test]
    fn names_npm_could_not_find() {
        let npm10 = "npm error code E404\nnpm error 404 Not Found - GET http://127.0.0.1:9/lodahs - Not found\nnpm error 404\nnpm error 404  The requested resource 'lodahs@*' could not be found or you do not have permission to access it.";
        assert_eq!(npm_not_found(npm10), ["lodahs"]);
        let older = "npm ERR! 404  '@bable/core@^7.0.0' is not in this registry.";
        assert_eq!(npm_not_found(older), ["@bable/core"]);
        assert!(npm_not_found("npm error code ERESOLVE").is_empty());
        let unpublished = "npm error code ENOVERSIONS\nnpm error No versions available for lodahs";
        assert_eq!(npm_not_found(unpublished), ["lodahs"]);
    }

    #[test]
    fn a_missing_look_alike_gets_the_right_name() {
        let names = pip_not_found(PIP_ERROR);
        let policy = TyposquatConfig::default();
        let text = hints(
            Ecosystem::Pypi,
            &names,
            PopularIndex::shipped_pypi(),
            &policy,
        );
        assert_eq!(
            text,
            "\n  hint: 'reqeusts' is not on the index; did you mean 'requests'? (swapped adjacent characters)"
        );
        let npm = hints(
            Ecosystem::Npm,
            &["lodahs".to_string(), "left-pad-x".to_string()],
            PopularIndex::shipped_npm(),
            &policy,
        );
        assert!(
            npm.contains("'lodahs' is not on the registry; did you mean 'lodash'?"),
            "{npm}"
        );
        assert_eq!(npm.lines().count(), 2, "one hint, for lodahs only: {npm}");
    }

    #[test]
    fn an_import_name_gets_the_package_name() {
        // A common wrong install: the name a project is imported by.
        let names = pip_not_found(
            "ERROR: Could not find a version that satisfies the requirement cv2 (from versions: none)\nERROR: No matching distribution found for cv2",
        );
        let text = hints(
            Ecosystem::Pypi,
            &names,
            PopularIndex::shipped_pypi(),
            &TyposquatConfig::default(),
        );
        assert_eq!(
            text,
            "\n  hint: 'cv2' is not on the index; did you mean 'opencv-python'? (imported as 'cv2', which is not its package name)"
        );
    }

    #[test]
    fn hints_follow_the_policy_thresholds() {
        // A policy that lets only the top 5 be imitated has no hint for a
        // look-alike of `requests` (#6), not even a swap, which otherwise
        // reaches the whole list.
        let strict = TyposquatConfig {
            max_target_rank: 5,
            slip_max_target_rank: 5,
            ..TyposquatConfig::default()
        };
        let names = ["reqeusts".to_string()];
        assert_eq!(
            hints(
                Ecosystem::Pypi,
                &names,
                PopularIndex::shipped_pypi(),
                &strict
            ),
            ""
        );
    }
}
