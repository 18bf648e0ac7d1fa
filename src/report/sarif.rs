//! SARIF 2.1.0 output, so code-scanning tools can show secpip's findings
//! against the file that declares the dependencies (requirements.txt,
//! package.json). One result per finding that scored, rule ids = codes.

use super::Reported;
use crate::verdict::policy::codes;
use crate::verdict::Risk;
use serde_json::{json, Value};

fn level(risk: Risk) -> &'static str {
    match risk {
        Risk::Red => "error",
        Risk::Yellow => "warning",
        Risk::Green => "note",
    }
}

/// A SARIF log for `packages`, located at `manifest` (a path or URI).
pub fn log(packages: &[Reported], manifest: &str) -> Value {
    let rules: Vec<Value> = codes::all()
        .map(|(code, points, desc)| {
            json!({
                "id": code,
                "name": code,
                "shortDescription": { "text": desc },
                "properties": { "defaultPoints": points },
            })
        })
        .collect();
    let mut results = Vec::new();
    for p in packages {
        for f in p.findings.iter().filter(|f| f.points > 0) {
            let mut text = format!("{}: {} (+{} points)", p.label(), f.reason, f.points);
            if !f.evidence.is_empty() {
                text.push_str(&format!(" — {}", f.evidence.join("; ")));
            }
            if let Some(s) = p.similar.first() {
                text.push_str(&format!(" Did you mean {}?", s.name));
            }
            results.push(json!({
                "ruleId": f.code,
                "level": level(p.risk),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": { "artifactLocation": { "uri": manifest } },
                    "logicalLocations": [{ "name": p.label(), "kind": "package" }],
                }],
                "partialFingerprints": { "secpipPackage": format!("{}:{}:{}", p.id.ecosystem, p.label(), f.code) },
                "properties": { "ecosystem": p.id.ecosystem.as_str(), "score": p.score, "risk": p.risk.as_str() },
            }));
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "secpip",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/secpip/secpip",
                "rules": rules,
            }},
            "results": results,
        }],
    })
}
