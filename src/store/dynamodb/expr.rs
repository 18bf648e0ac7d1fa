//! UpdateItem expressions built attribute by attribute, with every
//! attribute name behind a `#placeholder`.

use super::item::{n, s};
use crate::store::Status;
use crate::verdict::Risk;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// One UpdateItem expression and its values, built up attribute by
/// attribute so names and values never drift apart.
#[derive(Default)]
pub(super) struct Update {
    pub(super) set: Vec<String>,
    remove: Vec<&'static str>,
    pub(super) values: HashMap<String, AttributeValue>,
}

impl Update {
    /// `SET #attr = :attr`.
    pub(super) fn set(mut self, attr: &'static str, v: AttributeValue) -> Self {
        self.set.push(format!("#{attr} = :{attr}"));
        self.values.insert(format!(":{attr}"), v);
        self
    }

    /// `REMOVE #attr`.
    pub(super) fn remove(mut self, attr: &'static str) -> Self {
        self.remove.push(attr);
        self
    }

    /// A value the condition (or a `SET` written by hand) refers to.
    pub(super) fn value(mut self, name: &str, v: AttributeValue) -> Self {
        self.values.insert(name.to_string(), v);
        self
    }

    pub(super) fn expression(&self) -> String {
        let mut expr = format!("SET {}", self.set.join(", "));
        if !self.remove.is_empty() {
            let removed: Vec<String> = self.remove.iter().map(|a| format!("#{a}")).collect();
            expr.push_str(&format!(" REMOVE {}", removed.join(", ")));
        }
        expr
    }
}

/// Every `#name` placeholder in `exprs`, mapped to `name`: all attribute
/// names go through placeholders, so DynamoDB's reserved words
/// (`status`, `name`, `owner`, …) never bite.
pub(super) fn names_in(exprs: &[&str]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for expr in exprs {
        let mut rest = *expr;
        while let Some(i) = rest.find('#') {
            let tail = &rest[i + 1..];
            let end = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(tail.len());
            out.insert(format!("#{}", &tail[..end]), tail[..end].to_string());
            rest = &tail[end..];
        }
    }
    out
}

/// Did a conditional write lose its condition (an expected outcome)?
pub(super) fn condition_failed<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> bool {
    matches!(err, SdkError::ServiceError(e) if e.err().code() == Some("ConditionalCheckFailedException"))
}

/// Condition of every write by a claim holder: the row is still our CHECK.
pub(super) const OURS: &str = "#status = :check AND #owner = :me";

/// The attributes a person's or a scan's verdict sets on a package row.
pub(super) fn verdict_update(
    status: Status,
    risk: Risk,
    score: i32,
    reasons: String,
    similar: String,
    who: &str,
    now: i64,
) -> Update {
    Update::default()
        .set("status", s(status.as_str()))
        .set("risk", s(risk.as_str()))
        .set("score", n(score.into()))
        .set("reasons", s(reasons))
        .set("similar", s(similar))
        .set("updated_by", s(who))
        .set("updated_at", s(crate::store::now_rfc3339()))
        .set("decided_at", n(now))
        .remove("owner")
        .remove("lease_until")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_named() {
        let names = names_in(&[
            "SET #status = :s, #scan_count = if_not_exists(#scan_count, :z)",
            "#pk",
        ]);
        assert_eq!(names.len(), 3);
        assert_eq!(names["#scan_count"], "scan_count");
        assert_eq!(names["#pk"], "pk");
    }

    #[test]
    fn update_expression_sets_then_removes() {
        let u = Update::default().set("status", s("CHECK")).remove("owner");
        assert_eq!(u.expression(), "SET #status = :status REMOVE #owner");
        assert!(u.values.contains_key(":status"));
    }
}
