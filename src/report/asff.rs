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
            let mut description = format!("score {}: {}", p.score, reasons.join("; "));
            description.truncate(1024);
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
                "Title": format!("secpip: {} is {}", p.label(), p.risk.as_str()),
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
