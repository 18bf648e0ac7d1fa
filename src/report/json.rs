//! JSON shapes: the firewall API's `/package-check` object (kept compatible
//! with the service secpip grows from) and store rows.

use crate::ecosystem::PackageId;
use crate::store::Record;
use crate::verdict::policy::Policy;
use crate::verdict::{Finding, Risk, Verdict};
use serde_json::{json, Map, Value};

fn status_word(risk: Risk) -> &'static str {
    match risk {
        Risk::Green => "Safe",
        Risk::Yellow | Risk::Red => "Warning",
    }
}

fn reasons(findings: &[Finding]) -> Value {
    let mut map = Map::new();
    for f in findings {
        let value = if f.evidence.iter().any(|e| e.starts_with("unknown")) && f.points == 0 {
            "unknown".to_string()
        } else {
            format!("+{} points", f.points)
        };
        map.insert(f.reason.clone(), Value::String(value));
    }
    Value::Object(map)
}

/// Every rule code with the points it contributed (0 when it did not fire).
fn contributions(v: &Verdict, policy: &Policy) -> Value {
    let mut map = Map::new();
    for code in policy.weights.keys() {
        let points: i32 = v
            .findings
            .iter()
            .filter(|f| f.code == *code)
            .map(|f| f.points)
            .sum();
        map.insert(code.clone(), json!(points));
    }
    for f in &v.findings {
        if !map.contains_key(&f.code) {
            map.insert(f.code.clone(), json!(f.points));
        }
    }
    Value::Object(map)
}

/// The firewall's package-check JSON, plus `findings` with codes and
/// evidence and `rules` with every rule's contribution.
pub fn package_check(id: &PackageId, version_given: bool, v: &Verdict, policy: &Policy) -> Value {
    json!({
        "package_name": id.name,
        "platform": id.ecosystem.as_str(),
        "version": if version_given { Value::String(id.version.clone()) } else { Value::Null },
        "score": v.score,
        "risk_level": v.risk.as_str(),
        "status": status_word(v.risk),
        "message": v.message(),
        "reasons": reasons(&v.findings),
        "similar_packages": v.similar.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
        "findings": v.findings,
        "rules": contributions(v, policy),
        "decision": v.decision,
    })
}

/// A store row as JSON (the `status --json` element).
pub fn record(r: &Record) -> Value {
    serde_json::to_value(r).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecosystem::Ecosystem;
    use crate::verdict::typosquat::Similar;
    use crate::verdict::Decision;

    #[test]
    fn firewall_shape_is_kept() {
        let v = Verdict {
            score: 50,
            risk: Risk::Red,
            decision: Decision::Block,
            findings: vec![Finding {
                code: "low-downloads".into(),
                points: 20,
                reason: "Downloads < 300".into(),
                evidence: vec!["12 downloads last month".into()],
            }],
            similar: vec![Similar {
                name: "requests".into(),
                rank: 6,
                transformation: "added suffix '2'".into(),
            }],
        };
        let j = package_check(
            &PackageId::new(Ecosystem::Pypi, "request2", "0.1"),
            false,
            &v,
            &Policy::default(),
        );
        assert_eq!(j["rules"]["low-downloads"], 20);
        assert_eq!(j["rules"]["typosquat"], 0);
        assert_eq!(j["package_name"], "request2");
        assert_eq!(j["platform"], "pypi");
        assert_eq!(j["version"], Value::Null);
        assert_eq!(j["risk_level"], "Red");
        assert_eq!(j["status"], "Warning");
        assert_eq!(j["message"], "High risk package");
        assert_eq!(j["reasons"]["Downloads < 300"], "+20 points");
        assert_eq!(j["similar_packages"][0], "requests");
    }
}
