//! Packages that say they are not the package you want.
//!
//! Defensive registrations ("Did you mean to install aws-encryption-sdk?",
//! "placeholder, not the official Ultralytics version"), squats that own
//! up to it ("A small example package trying to typosquat botocore") and
//! the registry's own stand-ins for removed malware ("security holding
//! package") tell the reader in their summary. No spelling rule sees
//! `yolov8` in `ultralytics`; the summary names it. Installing such a
//! package never gets the user what they asked for, so the rule blocks by
//! default and the block says which package was meant.
//!
//! The cues are the ones `scripts/make_devset.py` labels the dev set with,
//! minus the summaries of tools *about* typos (spell checkers, squat
//! detectors), which mention the same words.

use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};

use super::Finding;

/// Stable code of this rule.
pub const CODE: &str = "placeholder";

/// Default points: enough to block.
pub const POINTS: i32 = 100;

/// The rule's code, default points and description, for the policy table.
pub const CODES: &[(&str, i32, &str)] = &[(
    CODE,
    POINTS,
    "the package's summary says it is a placeholder or a typo of another package",
)];

/// What a summary says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfDeclared {
    /// The package it stands in for, when the summary names one.
    pub meant: Option<String>,
    /// The summary, for the evidence.
    pub summary: String,
}

/// Compiled cues; built once.
struct Cues {
    /// The summary says it exists because of a typo of another name.
    cue: Regex,
    /// The summary is that of a tool about typos or squatting.
    tool: Regex,
    /// The registry replaced the package (npm's security holding package).
    holding: Regex,
    /// Where the summary names the package it stands in for (first group).
    target: Vec<Regex>,
}

/// A package name as a summary quotes it (quotes, backticks and emphasis
/// around it allowed).
const NAME: &str = r#"["'`*]*(@?[A-Za-z0-9][A-Za-z0-9._\-/]*[A-Za-z0-9])["'`*]*"#;

fn cues() -> &'static Cues {
    static CUES: OnceLock<Cues> = OnceLock::new();
    CUES.get_or_init(|| {
        // The patterns are constants tested below; a failure to compile
        // one is a programming error caught by every test run.
        let build = |pattern: &str| {
            RegexBuilder::new(pattern)
                .case_insensitive(true)
                .build()
                .unwrap_or_else(|e| panic!("placeholder cue {pattern:?}: {e}"))
        };
        Cues {
            cue: build(
                r"did you mean|typo-?squat|typo squat|misspel|mis-spel|meant to install|you probably (want|meant)|wrong package|\btypo\b|mistyped|not the (real|official|correct)|prevent[a-z]* [a-z ]*squat|name-?squat|\bplaceholder\b",
            ),
            tool: build(
                r"detect|scan|checker|check for|tool|monitor|domain|spell|guard|generat|suggest|fuzzy|search|correct|typograph|lexi|keyboard|prevent typos and|handler|fix(es)? |dictionary|library that",
            ),
            holding: build(r"^\s*security holding package\s*$"),
            target: [
                r"did you mean(?: to install)?:? %",
                r"you (?:really )?(?:probably )?(?:want|meant)(?: to install)? %",
                r"install % instead",
                r"(?:squat\w*|misspelling|typo|placeholder|protection|mistyped) (?:of|on|for)(?: the)?(?: official)? %",
                r"looking for %",
                r"instead of %",
                r"trying to typosquat %",
                r"not the official %",
                r"wrong package\W+(?:install the correct one: )?(?:pip install )?%",
            ]
            .iter()
            .map(|pattern| build(&pattern.replace('%', NAME)))
            .collect(),
        }
    })
}

/// What `summary` says, when it says the package of `own_name` is a
/// placeholder or a typo of another package.
pub fn self_declared(own_name: &str, summary: &str) -> Option<SelfDeclared> {
    let cues = cues();
    let summary = summary.trim();
    if cues.holding.is_match(summary) {
        return Some(SelfDeclared {
            meant: None,
            summary: summary.to_owned(),
        });
    }
    if !cues.cue.is_match(summary) {
        return None;
    }
    let own = own_name.to_lowercase();
    let meant = cues
        .target
        .iter()
        .filter_map(|pattern| pattern.captures(summary))
        .filter_map(|captures| captures.get(1))
        .map(|found| found.as_str().trim_end_matches(['.', ',', '?', '!']))
        .find(|name| name.to_lowercase() != own)?;
    // Package names say nothing about what the summary is: `django-guardian`
    // is no guard tool.
    let words = summary.replace(meant, " ").replace(own_name, " ");
    if cues.tool.is_match(&words) {
        return None;
    }
    Some(SelfDeclared {
        meant: Some(meant.to_owned()),
        summary: summary.to_owned(),
    })
}

/// The finding for a package whose summary says it is not the package
/// wanted, worth `points`.
pub fn check(own_name: &str, summary: Option<&str>, points: i32) -> Option<Finding> {
    let declared = self_declared(own_name, summary?)?;
    let reason = match &declared.meant {
        Some(meant) => format!("The package says it is a placeholder: did you mean '{meant}'?"),
        None => "The registry replaced this package with a security holding package".to_owned(),
    };
    Some(Finding {
        code: CODE.into(),
        points,
        reason,
        evidence: vec![format!("summary: {}", declared.summary)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meant(name: &str, summary: &str) -> Option<String> {
        self_declared(name, summary).and_then(|d| d.meant)
    }

    #[test]
    fn defensive_registrations_name_the_package_meant() {
        // Summaries as published (see data/devset/*-positives.tsv), the
        // `copilot` one cut before "I'll fix it for you", which reads as a
        // tool (see the dev-set test below).
        for (name, summary, want) in [
            (
                "aws-crpyto",
                "Did you mean to install aws-encryption-sdk-cli?",
                "aws-encryption-sdk-cli",
            ),
            (
                "yolov8",
                ":warning: The `yolov8` package is a placeholder, not the official Ultralytics version. Please install ultralytics instead.",
                "ultralytics",
            ),
            (
                "nextcord-py",
                "!! WRONG PACKAGE !! You probably meant to install nextcord",
                "nextcord",
            ),
            (
                "elasticapm",
                "Typo-squatting protection for the 'elastic-apm' package",
                "elastic-apm",
            ),
            (
                "copilot",
                "You really meant to install `@github/copilot`. It's okay.",
                "@github/copilot",
            ),
            (
                "uglifyjs2",
                "Did you mean 'uglify-js'? <url>",
                "uglify-js",
            ),
            (
                "guardian",
                "Wrong package: pip install django-guardian",
                "django-guardian",
            ),
            (
                "cctxpro",
                "Looking for CCXT Pro? You've mistyped the name.",
                "CCXT",
            ),
        ] {
            assert_eq!(meant(name, summary).as_deref(), Some(want), "{summary}");
        }
    }

    #[test]
    fn tools_about_typos_and_ordinary_summaries_are_not_placeholders() {
        for summary in [
            "Did you mean? suggestions for mistyped CLI commands",
            "A typosquatting detector for PyPI",
            "Spell checker that fixes typo in code",
            "HTTP for Humans.",
            "",
        ] {
            assert_eq!(self_declared("x", summary), None, "{summary}");
        }
        // A summary that names only the package itself names nothing meant.
        assert_eq!(self_declared("foo", "Did you mean foo?"), None);
    }

    #[test]
    fn the_registrys_holding_packages_are_placeholders() {
        let found = check("lodahs", Some("security holding package"), POINTS).unwrap();
        assert_eq!(found.code, CODE);
        assert!(found.reason.contains("security holding"));
        assert_eq!(
            check("lodash", Some("Lodash modular utilities."), POINTS),
            None
        );
        assert_eq!(check("lodash", None, POINTS), None);
    }

    #[test]
    fn the_finding_says_what_was_meant() {
        let found = check(
            "reqeusts",
            Some("Did you mean to install requests?"),
            POINTS,
        )
        .unwrap();
        assert_eq!(
            found.reason,
            "The package says it is a placeholder: did you mean 'requests'?"
        );
        assert_eq!(
            found.evidence,
            vec!["summary: Did you mean to install requests?"]
        );
    }

    #[test]
    fn dev_set_positives_are_caught_by_their_summaries() {
        // The figure docs/typosquat.md quotes: of the 63 self-declared
        // squats in the dev set, how many this rule blocks, and how many
        // of those name the labelled target.
        let (mut rows, mut caught, mut named) = (0, 0, 0);
        for file in ["pypi-positives.tsv", "npm-positives.tsv"] {
            let path = format!("{}/data/devset/{file}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines().skip(1) {
                let row: Vec<&str> = line.split('\t').collect();
                let (name, target, summary) = (row[0], row[1], row[3]);
                rows += 1;
                if let Some(declared) = self_declared(name, summary) {
                    caught += 1;
                    named += usize::from(
                        declared
                            .meant
                            .is_some_and(|meant| meant.eq_ignore_ascii_case(target)),
                    );
                }
            }
        }
        // Missed: `copilot` ("I'll fix it for you" reads as a tool),
        // `learna` and `ladash` ("lerna typo", "lodash typo helper" name
        // no target in a form the patterns know). Named wrongly: `awssdk`
        // ("AWS"), `cryptograpy` ("cryptograp*h*y").
        assert_eq!((rows, caught, named), (63, 60, 58));
    }
}
