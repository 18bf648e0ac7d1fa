//! AWS Security Finding Format (ASFF) output, for importing secpip's
//! blocks and warnings into Security Hub (`BatchImportFindings`). One
//! finding per package that is not Green.

use super::Reported;
use crate::verdict::Risk;
use serde_json::{json, Value};

/// The account and region findings are filed under (from `AWS_ACCOUNT_ID`
/// and `AWS_REGION`; placeholders when unset, to be replaced on import).
pub struct AwsTarget {
    /// 12-digit account id.
    pub account: String,
    /// Region, e.g. `eu-west-1`.
    pub region: String,
}

impl AwsTarget {
    /// From the environment.
    pub fn from_env() -> AwsTarget {
        AwsTarget {
            account: std::env::var("AWS_ACCOUNT_ID").unwrap_or_else(|_| "000000000000".into()),
            region: std::env::var("AWS_REGION")
                .or_else(|_| std::env::var("AWS_DEFAULT_REGION"))
                .unwrap_or_else(|_| "us-east-1".into()),
        }
    }
}

/// `text` cut to at most `max` characters (ASFF limits count characters;
/// `String::truncate` would panic inside a multi-byte character).
fn clip(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn severity(risk: Risk) -> &'static str {
    match risk {
        Risk::Red => "HIGH",
        Risk::Yellow => "MEDIUM",
        Risk::Green => "INFORMATIONAL",
    }
}

/// ASFF findings for the packages that are Yellow or Red.
pub fn findings(packages: &[Reported], target: &AwsTarget, now: time::OffsetDateTime) -> Value {
    let ts = now
        .replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let product = format!(
        "arn:aws:securityhub:{}:{}:product/{}/default",
        target.region, target.account, target.account
    );
    let list: Vec<Value> = packages
        .iter()
        .filter(|p| p.risk != Risk::Green)
        .map(|p| {
            let reasons: Vec<String> = p
                .findings
                .iter()
                .filter(|f| f.points > 0)
                .map(|f| format!("{} (+{})", f.reason, f.points))
                .collect();
            let description = clip(format!("score {}: {}", p.score, reasons.join("; ")), 1024);
            json!({
                "SchemaVersion": "2018-10-08",
                "Id": format!("secpip/{}/{}", p.id.ecosystem, p.label()),
                "ProductArn": product,
                "GeneratorId": "secpip",
                "AwsAccountId": target.account,
                "Types": ["Software and Configuration Checks/Vulnerabilities/Supply Chain"],
                "CreatedAt": ts,
                "UpdatedAt": ts,
                "Severity": { "Label": severity(p.risk) },
                "Title": clip(format!("secpip: {} is {}", p.label(), p.risk.as_str()), 256),
                "Description": description,
                "Resources": [{
                    "Type": "Other",
                    "Id": format!("pkg:{}/{}", p.id.ecosystem.as_str(), p.label()),
                }],
                "ProductFields": { "secpip/codes": p.findings.iter().filter(|f| f.points > 0).map(|f| f.code.clone()).collect::<Vec<_>>().join(",") },
            })
        })
        .collect();
    Value::Array(list)
}

#[cfg(test)]
mod tests {
    use super::clip;

    #[test]
    fn clipping_counts_characters_and_never_splits_one() {
        assert_eq!(clip("abc".into(), 3), "abc");
        let long = "é—".repeat(600);
        let cut = clip(long, 1024);
        assert_eq!(cut.chars().count(), 1024);
        assert!(cut.ends_with('…'));
    }
}
