//! Rows of the DynamoDB status table as attribute maps: the key formats of
//! the single-table schema and the conversion of items back into
//! [`Record`]s and [`PolicyEntry`]s (see the schema in `mod.rs`).

use super::super::{PolicyAction, PolicyEntry, Record, Status};
use crate::ecosystem::{Ecosystem, PackageId};
use crate::verdict::Risk;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// One item as the SDK returns it.
pub type Item = HashMap<String, AttributeValue>;

/// `kind` of package rows.
pub const KIND_PACKAGE: &str = "package";
/// `kind` of policy rows.
pub const KIND_POLICY: &str = "policy";
/// `kind` of cached resolved trees.
pub const KIND_TREE: &str = "tree";
/// `gsi1pk` shared by all policy rows, so one Query reads them all.
pub const POLICY_PARTITION: &str = "policy";
/// The index `list`, `set_decision`, `forget` and `policy_entries` query.
pub const GSI1: &str = "gsi1";

/// A string attribute.
pub fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

/// A number attribute.
pub fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// The key map `{pk: key}` of any row.
pub fn key_of(pk: impl Into<String>) -> Item {
    HashMap::from([("pk".to_string(), s(pk))])
}

/// `gsi1pk` of a package row: `{ecosystem}:{name}`, so all versions of a
/// name share one index partition.
pub fn name_partition(ecosystem: Ecosystem, name: &str) -> String {
    format!("{}:{name}", ecosystem.as_str())
}

/// `{ecosystem}:{name}[@{version}]`: the part of a policy row's keys that
/// names what the rule covers.
fn policy_target(ecosystem: Ecosystem, name: &str, version: Option<&str>) -> String {
    match version {
        Some(v) => format!("{}:{name}@{v}", ecosystem.as_str()),
        None => format!("{}:{name}", ecosystem.as_str()),
    }
}

/// `pk` of a policy row: `policy:{ecosystem}:{name}[@{version}]`. The action
/// is not part of it, so a `block` replaces an `allow` of the same target,
/// as in the SQLite store.
pub fn policy_pk(ecosystem: Ecosystem, name: &str, version: Option<&str>) -> String {
    format!("policy:{}", policy_target(ecosystem, name, version))
}

/// `gsi1sk` of a policy row: `{action}:{ecosystem}:{name}[@{version}]`.
pub fn policy_sort_key(entry: &PolicyEntry) -> String {
    let r = &entry.rule;
    format!(
        "{}:{}",
        action_str(entry.action),
        policy_target(r.ecosystem, &r.name, r.version.as_deref())
    )
}

/// `allow` or `block`.
pub fn action_str(a: PolicyAction) -> &'static str {
    match a {
        PolicyAction::Allow => "allow",
        PolicyAction::Block => "block",
    }
}

/// `pk` of a cached resolved tree: `tree:{key}`.
pub fn tree_pk(key: &str) -> String {
    format!("tree:{key}")
}

fn get_s<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
}

/// A number attribute, if present and numeric.
pub fn get_n(item: &Item, name: &str) -> Option<i64> {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
}

/// A string attribute, if present.
pub fn get_str(item: &Item, name: &str) -> Option<String> {
    get_s(item, name).map(str::to_string)
}

/// A package row back as a [`Record`]; `None` if it is not one (another
/// kind, or a row missing its identity).
pub fn to_record(item: &Item) -> Option<Record> {
    if get_s(item, "kind") != Some(KIND_PACKAGE) {
        return None;
    }
    let ecosystem = Ecosystem::parse(get_s(item, "ecosystem")?)?;
    Some(Record {
        key: get_str(item, "pk")?,
        id: PackageId {
            ecosystem,
            name: get_str(item, "name")?,
            version: get_str(item, "version")?,
        },
        status: get_s(item, "status")
            .and_then(Status::parse)
            .unwrap_or(Status::Check),
        risk: get_s(item, "risk").and_then(Risk::parse),
        score: get_n(item, "score").and_then(|v| i32::try_from(v).ok()),
        reasons: get_s(item, "reasons")
            .and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_default(),
        similar: get_s(item, "similar")
            .and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_default(),
        owner: get_str(item, "owner"),
        lease_until: get_n(item, "lease_until"),
        scan_count: get_n(item, "scan_count").unwrap_or(0),
        updated_by: get_str(item, "updated_by").unwrap_or_default(),
        updated_at: get_str(item, "updated_at").unwrap_or_default(),
        decided_at: get_n(item, "decided_at"),
    })
}

/// A policy row back as a [`PolicyEntry`]; `None` if unreadable.
pub fn to_policy(item: &Item) -> Option<PolicyEntry> {
    if get_s(item, "kind") != Some(KIND_POLICY) {
        return None;
    }
    serde_json::from_str(get_s(item, "entry")?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::policy::ListRule;

    #[test]
    fn keys_follow_the_documented_schema() {
        let entry = PolicyEntry {
            action: PolicyAction::Block,
            rule: ListRule {
                ecosystem: Ecosystem::Npm,
                name: "@scope/pkg".into(),
                version: Some("1.0.0".into()),
                reason: "r".into(),
                origin: "o".into(),
            },
        };
        assert_eq!(
            policy_pk(Ecosystem::Npm, "@scope/pkg", Some("1.0.0")),
            "policy:npm:@scope/pkg@1.0.0"
        );
        assert_eq!(policy_pk(Ecosystem::Pypi, "foo", None), "policy:pypi:foo");
        assert_eq!(policy_sort_key(&entry), "block:npm:@scope/pkg@1.0.0");
        assert_eq!(tree_pk("abc"), "tree:abc");
        assert_eq!(name_partition(Ecosystem::Pypi, "foo-bar"), "pypi:foo-bar");
    }

    #[test]
    fn rows_of_other_kinds_are_not_records() {
        let mut item = key_of("pypi:foo@1.0");
        item.insert("kind".into(), s(KIND_TREE));
        assert!(to_record(&item).is_none());
        item.insert("kind".into(), s(KIND_PACKAGE));
        item.insert("ecosystem".into(), s("pypi"));
        item.insert("name".into(), s("foo"));
        item.insert("version".into(), s("1.0"));
        item.insert("status".into(), s("BLOCK"));
        item.insert("scan_count".into(), n(2));
        let rec = to_record(&item).unwrap();
        assert_eq!((rec.status, rec.scan_count), (Status::Block, 2));
        assert!(rec.reasons.is_empty() && rec.risk.is_none());
    }
}
