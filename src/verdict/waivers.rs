//! Waivers: a person accepts specific findings for one `name@version`, with
//! a reason and an expiry date. Expired waivers stop applying (and say so),
//! so an exception never outlives the review that granted it.

use super::policy::ListRule;
use super::Finding;
use crate::ecosystem::PackageId;
use serde::Deserialize;
use time::Date;

/// A waiver as written in `[[policy.waivers]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWaiver {
    /// `name@version` (a version is required: waivers are pinned).
    pub package: String,
    /// Why the findings are accepted.
    pub reason: String,
    /// Last day the waiver applies (`YYYY-MM-DD`).
    pub until: Option<String>,
    /// Rule codes waived; all findings when absent.
    pub codes: Option<Vec<String>>,
}

/// A validated waiver.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Waiver {
    /// The pinned package.
    pub rule: ListRule,
    /// Last day it applies.
    pub until: Option<Date>,
    /// Codes waived (`None` = all).
    pub codes: Option<Vec<String>>,
}

impl RawWaiver {
    /// Validates one waiver; `known` says whether a rule code exists.
    pub fn validate(self, known: &dyn Fn(&str) -> bool) -> Result<Waiver, String> {
        if self.reason.trim().is_empty() {
            return Err(format!("waiver for {:?} needs a reason", self.package));
        }
        if !self.package.contains('@') {
            return Err(format!(
                "waiver {:?} must be pinned to name@version",
                self.package
            ));
        }
        let rule = ListRule::parse(&self.package, self.reason.trim(), "secpip.toml waiver")?;
        let until = match &self.until {
            None => None,
            Some(d) => Some(
                Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).map_err(
                    |_| {
                        format!(
                            "waiver for {:?}: until = {d:?} is not a YYYY-MM-DD date",
                            self.package
                        )
                    },
                )?,
            ),
        };
        if let Some(codes) = &self.codes {
            if let Some(bad) = codes.iter().find(|c| !known(c)) {
                return Err(format!(
                    "waiver for {:?}: unknown rule code {bad:?}",
                    self.package
                ));
            }
        }
        Ok(Waiver {
            rule,
            until,
            codes: self.codes,
        })
    }
}

/// Applies waivers to `findings` of `name@version` on `today`: waived
/// findings keep their evidence but score 0; an expired waiver is noted.
pub fn apply(findings: &mut Vec<Finding>, waivers: &[Waiver], id: &PackageId, today: Date) {
    for w in waivers.iter().filter(|w| w.rule.matches(id)) {
        let expired = w.until.is_some_and(|u| today > u);
        if expired {
            findings.push(Finding {
                code: "waiver-expired".into(),
                points: 0,
                reason: format!(
                    "Waiver expired on {}",
                    w.until.map(|u| u.to_string()).unwrap_or_default()
                ),
                evidence: vec![format!("{} ({})", w.rule.reason, w.rule.origin)],
            });
            continue;
        }
        for f in findings.iter_mut() {
            // Malware is never waived by accident: only a waiver naming the code.
            let covered = match &w.codes {
                Some(c) => c.contains(&f.code),
                None => f.code != "known-malicious",
            };
            if covered && f.points > 0 {
                f.evidence.push(format!(
                    "waived ({} points): {}{}",
                    f.points,
                    w.rule.reason,
                    w.until.map(|u| format!(", until {u}")).unwrap_or_default()
                ));
                f.points = 0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn finding(code: &str, points: i32) -> Finding {
        Finding {
            code: code.into(),
            points,
            reason: code.into(),
            evidence: vec![],
        }
    }

    fn waiver(codes: Option<Vec<&str>>, until: &str) -> Waiver {
        RawWaiver {
            package: "foo@1.0".into(),
            reason: "reviewed".into(),
            until: Some(until.into()),
            codes: codes.map(|c| c.into_iter().map(String::from).collect()),
        }
        .validate(&|_| true)
        .unwrap()
    }

    #[test]
    fn waiver_zeroes_listed_codes_until_it_expires() {
        let w = waiver(Some(vec!["low-stars"]), "2026-12-31");
        let mut f = vec![finding("low-stars", 10), finding("typosquat", 60)];
        let id = PackageId::new(crate::ecosystem::Ecosystem::Pypi, "foo", "1.0");
        apply(&mut f, std::slice::from_ref(&w), &id, date!(2026 - 11 - 22));
        assert_eq!((f[0].points, f[1].points), (0, 60));
        let mut f = vec![finding("low-stars", 10)];
        apply(&mut f, &[w], &id, date!(2027 - 01 - 01));
        assert_eq!(f[0].points, 10);
        assert_eq!(f[1].code, "waiver-expired");
    }

    #[test]
    fn waivers_must_be_pinned_dated_and_explained() {
        let bad = |package: &str, reason: &str, until: &str| {
            RawWaiver {
                package: package.into(),
                reason: reason.into(),
                until: Some(until.into()),
                codes: None,
            }
            .validate(&|_| true)
            .unwrap_err()
        };
        assert!(bad("foo", "r", "2026-01-01").contains("name@version"));
        assert!(bad("foo@1", " ", "2026-01-01").contains("reason"));
        assert!(bad("foo@1", "r", "soon").contains("YYYY-MM-DD"));
    }
}
