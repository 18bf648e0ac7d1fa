//! Human-readable tables: why packages were blocked ("did you mean …?"),
//! a single verdict, and the status table.

use crate::ecosystem::PackageId;
use crate::store::Record;
use crate::verdict::{Finding, Risk, Verdict};
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};

fn reason_lines(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            let ev = if f.evidence.is_empty() {
                String::new()
            } else {
                format!(" ({})", f.evidence.join("; "))
            };
            format!("+{} {}{}", f.points, f.reason, ev)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn did_you_mean(r: &Record) -> Option<String> {
    let names: Vec<&str> = r.similar.iter().map(|s| s.name.as_str()).collect();
    (!names.is_empty()).then(|| format!("did you mean {}?", names.join(" or ")))
}

fn table() -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    // `size_checked` is (rows, columns).
    if let Some((_, w)) = console::Term::stderr().size_checked() {
        t.set_width(w);
    }
    t
}

/// The table shown when an install is refused.
pub fn blocked(records: &[Record]) -> String {
    let mut t = table();
    t.set_header(vec!["package", "version", "risk", "score", "reasons"]);
    for r in records {
        let mut reasons = reason_lines(&r.reasons);
        if let Some(d) = did_you_mean(r) {
            reasons.push_str(&format!("\n{d}"));
        }
        t.add_row(vec![
            r.id.name.clone(),
            r.id.version.clone(),
            r.risk.map_or("-", |x| x.as_str()).to_string(),
            r.score.map_or("-".into(), |s| s.to_string()),
            reasons,
        ]);
    }
    let mut out = format!(
        "secpip: blocked {} package(s); nothing was installed.\n{t}\n",
        records.len()
    );
    out.push_str(
        "If a block is wrong, a security admin can lift it: secpip allow NAME@VERSION --reason \"…\"\n",
    );
    out
}

/// One verdict, for `secpip check`.
pub fn verdict(id: &PackageId, v: &Verdict) -> String {
    let version = if id.version.is_empty() {
        "(any version)"
    } else {
        id.version.as_str()
    };
    let mut out = format!(
        "{} {}: {} (score {}, {})\n",
        id.name,
        version,
        v.risk.as_str(),
        v.score,
        v.message()
    );
    for f in &v.findings {
        out.push_str(&format!("  {}\n", reason_lines(std::slice::from_ref(f))));
    }
    if !v.similar.is_empty() {
        // The finding above already says how each name was changed.
        let names: Vec<String> = v.similar.iter().map(|s| format!("'{}'", s.name)).collect();
        out.push_str(&format!("  did you mean {}?\n", names.join(" or ")));
    }
    if v.risk == Risk::Yellow {
        // Yellow is a question for a person: say how to answer it.
        let target = if id.version.is_empty() {
            id.name.clone()
        } else {
            id.to_string()
        };
        out.push_str(&format!(
            "  needs review: if this is the package you want, `secpip allow {target} --reason \"…\"`\n"
        ));
    }
    out
}

/// The status table for `secpip status`.
pub fn status(records: &[Record]) -> String {
    if records.is_empty() {
        return "no packages recorded yet\n".into();
    }
    let mut t = table();
    t.set_header(vec![
        "package", "version", "status", "risk", "score", "updated",
    ]);
    for r in records {
        t.add_row(vec![
            r.id.name.clone(),
            r.id.version.clone(),
            r.status.as_str().to_string(),
            r.risk.map_or("-", |x| x.as_str()).to_string(),
            r.score.map_or("-".into(), |s| s.to_string()),
            format!("{} by {}", r.updated_at, r.updated_by),
        ]);
    }
    format!("{t}\n")
}

/// Why nothing acceptable could be resolved: pip's words, then what policy hid.
pub fn unresolvable(
    pip_error: &str,
    hidden: &[crate::ecosystem::pypi::view::Hidden],
    only_binary: bool,
) -> String {
    let mut out = String::from(
        "secpip: no acceptable version satisfies the requirements; nothing was installed.\n",
    );
    for h in hidden {
        out.push_str(&format!(
            "  {} {} is not available: {}\n",
            h.name, h.version, h.reason
        ));
    }
    let last = pip_error
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    if !last.is_empty() {
        out.push_str(&format!("pip said: {}\n", last.trim()));
    }
    if only_binary {
        out.push_str("Policy only_binary = true: releases that ship only source (setup.py runs at install) are refused.\n");
    }
    out.push_str("A security admin can lift a block with `secpip allow NAME@VERSION --reason …`; a young release can be let in with `release_age_exceptions` in secpip.toml.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecosystem::Ecosystem;
    use crate::verdict::{Decision, Verdict};

    fn judged(risk: Risk, decision: Decision) -> Verdict {
        Verdict {
            score: 30,
            risk,
            decision,
            findings: vec![Finding {
                code: "name-combination".into(),
                points: 30,
                reason: "Name joins two popular packages, 'pandas' and 'numpy'".into(),
                evidence: vec![],
            }],
            similar: vec![],
        }
    }

    #[test]
    fn a_yellow_verdict_says_how_to_approve_it() {
        let id = PackageId::new(Ecosystem::Pypi, "pandas-numpy", "1.0");
        let text = verdict(&id, &judged(Risk::Yellow, Decision::Review));
        assert!(
            text.contains("secpip allow pandas-numpy@1.0 --reason"),
            "{text}"
        );
        let any = PackageId::new(Ecosystem::Pypi, "pandas-numpy", "");
        let text = verdict(&any, &judged(Risk::Yellow, Decision::Review));
        assert!(
            text.contains("secpip allow pandas-numpy --reason"),
            "{text}"
        );
        let text = verdict(&id, &judged(Risk::Red, Decision::Block));
        assert!(!text.contains("needs review"), "{text}");
    }
}
