//! The AWS status store: one DynamoDB table shared by every developer, CI
//! job and `secpip worker`, with the same semantics as the SQLite store.
//!
//! Single-table schema (`deploy/secpip.yaml` creates exactly this):
//!
//! - key: `pk` (S, HASH only). Package rows: `pk = {ecosystem}:{name}@{version}`
//!   (= `PackageId::key()`). Policy rows: `pk = policy:{ecosystem}:{name}[@{version}]`
//!   (the action is not in the key, so a `block` replaces an `allow` of the
//!   same target, as in SQLite). Cached resolved trees: `pk = tree:{key}`.
//! - package rows: `kind`="package", `ecosystem`, `name`, `version`,
//!   `status` (CHECK|SECURE|BLOCK), `risk`, `score` (N), `reasons` (S, JSON),
//!   `similar` (S, JSON), `owner`, `lease_until` (N, Unix ms), `scan_count`
//!   (N), `updated_by`, `updated_at`, `decided_at` (N, Unix ms), `expires_at`
//!   (N, Unix seconds — the table's TTL attribute; set only on SECURE rows
//!   when a secure TTL is configured, removed otherwise; BLOCK rows never
//!   expire), `gsi1pk` = `{ecosystem}:{name}`, `gsi1sk` = version.
//! - policy rows: `kind`="policy", `gsi1pk` = "policy", `gsi1sk` =
//!   `{action}:{ecosystem}:{name}[@{version}]`, `entry` (S, JSON of the
//!   `PolicyEntry`).
//! - tree rows: `kind`="tree", `ids` (S, JSON), `cached_at` (N, ms),
//!   `expires_at` (N, s).
//! - one GSI named `gsi1` (HASH `gsi1pk` S, RANGE `gsi1sk` S, projection
//!   ALL): listing a name, decisions, forgetting and policy entries Query it;
//!   listing everything Scans with a `kind` = package filter.
//!
//! Claims are single conditional writes, so concurrent installs of one new
//! package start one scan; every read that decides something is strongly
//! consistent. Throttling is retried by the SDK (see [`crate::aws`]).

mod calls;
mod expr;
mod item;

use super::{Claim, PolicyEntry, Record, Status, StatusStore, StoreError};
use crate::config::AwsSettings;
use crate::ecosystem::{Ecosystem, PackageId};
use crate::verdict::{Finding, Verdict};
use aws_sdk_dynamodb::Client;
use expr::{names_in, verdict_update, Update, OURS};
use item::{key_of, n, s, Item};
use std::collections::HashMap;
use std::time::Duration;

/// Keys per BatchGetItem request (the service's limit).
const BATCH_GET_LIMIT: usize = 100;
/// How long a cached tree row lives before the table's TTL removes it;
/// freshness itself is checked against `max_age` on read.
const TREE_TTL_SECS: i64 = 7 * 86_400;
/// Times a claim is retried when the row it lost to vanished before it
/// could be read (released in between).
const CLAIM_ROUNDS: u32 = 5;

/// DynamoDB-backed [`StatusStore`].
#[derive(Clone, Debug)]
pub struct DynamoStore {
    client: Client,
    table: String,
    secure_ttl: Option<Duration>,
    who: String,
}

impl DynamoStore {
    /// A store on `table` through `client` (no I/O; see [`DynamoStore::verify`]).
    /// `secure_ttl` sets `expires_at` on SECURE rows so the table's TTL
    /// removes them and they are vetted again.
    pub fn new(client: Client, table: String, secure_ttl: Option<Duration>) -> DynamoStore {
        DynamoStore {
            client,
            table,
            secure_ttl,
            who: super::whoami(),
        }
    }

    /// Loads the AWS configuration for `aws` and checks the table once, so
    /// a missing table, bad credentials or denied access fail here with the
    /// next step rather than in the middle of an install.
    pub async fn connect(
        aws: &AwsSettings,
        secure_ttl_days: u64,
    ) -> Result<DynamoStore, StoreError> {
        let sdk = crate::aws::sdk_config(aws).await;
        let client = crate::aws::dynamodb(&sdk, aws);
        let ttl = (secure_ttl_days > 0).then(|| Duration::from_secs(secure_ttl_days * 86_400));
        let store = DynamoStore::new(client, aws.table.clone(), ttl);
        store.verify().await?;
        Ok(store)
    }

    /// DescribeTable: the table exists, we may use it, and it has `gsi1`.
    pub async fn verify(&self) -> Result<(), StoreError> {
        let open = |message: String| StoreError::Open {
            path: format!("DynamoDB table {}", self.table),
            message,
        };
        let out = self
            .client
            .describe_table()
            .table_name(&self.table)
            .send()
            .await
            .map_err(|e| {
                open(crate::aws::explain(
                    "describing the status table",
                    &self.resource(),
                    &e,
                ))
            })?;
        let has_index = out
            .table()
            .map(|t| t.global_secondary_indexes())
            .is_some_and(|idx| idx.iter().any(|i| i.index_name() == Some(item::GSI1)));
        if !has_index {
            return Err(open(format!(
                "the table has no index {}\n  hint: create the table with deploy/secpip.yaml (it defines the schema secpip needs)",
                item::GSI1
            )));
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl StatusStore for DynamoStore {
    async fn get_many(&self, ids: &[PackageId]) -> Result<Vec<Option<Record>>, StoreError> {
        let keys: Vec<String> = ids.iter().map(PackageId::key).collect();
        // BatchGetItem refuses duplicate keys in one request.
        let mut distinct = keys.clone();
        distinct.sort();
        distinct.dedup();
        let mut found = HashMap::new();
        for chunk in distinct.chunks(BATCH_GET_LIMIT) {
            self.batch_get(chunk, &mut found).await?;
        }
        Ok(keys.iter().map(|k| found.get(k).cloned()).collect())
    }

    async fn claim(
        &self,
        id: &PackageId,
        owner: &str,
        lease: Duration,
        secure_stale_before: Option<i64>,
    ) -> Result<Claim, StoreError> {
        for _ in 0..CLAIM_ROUNDS {
            let now = super::now_ms();
            // UpdateItem rather than PutItem: `scan_count` of a row taken
            // over survives and is incremented in the same atomic write.
            let mut u = Update::default()
                .set("kind", s(item::KIND_PACKAGE))
                .set("ecosystem", s(id.ecosystem.as_str()))
                .set("name", s(&id.name))
                .set("version", s(&id.version))
                .set("status", s(Status::Check.as_str()))
                .set("owner", s(owner))
                .set("lease_until", n(now + lease.as_millis() as i64))
                .set("updated_by", s(&self.who))
                .set("updated_at", s(super::now_rfc3339()))
                .set("gsi1pk", s(item::name_partition(id.ecosystem, &id.name)))
                .set("gsi1sk", s(&id.version))
                .remove("risk")
                .remove("score")
                .remove("reasons")
                .remove("similar")
                .remove("decided_at")
                .remove("expires_at")
                .value(":check", s(Status::Check.as_str()))
                .value(":now", n(now))
                .value(":zero", n(0))
                .value(":one", n(1));
            u.set
                .push("#scan_count = if_not_exists(#scan_count, :zero) + :one".into());
            let mut condition = "attribute_not_exists(#pk) \
                 OR (#status = :check AND (attribute_not_exists(#lease_until) OR #lease_until <= :now))"
                .to_string();
            if let Some(stale) = secure_stale_before {
                condition.push_str(
                    " OR (#status = :secure AND (attribute_not_exists(#decided_at) OR #decided_at < :stale))",
                );
                u = u
                    .value(":secure", s(Status::Secure.as_str()))
                    .value(":stale", n(stale));
            }
            if self.update("claiming", id.key(), u, &condition).await? {
                return Ok(Claim::Claimed);
            }
            let row = self.get("reading a claimed row", id.key()).await?;
            if let Some(rec) = row.as_ref().and_then(item::to_record) {
                return Ok(Claim::Taken(Box::new(rec)));
            }
            // The row we lost to was released before we could read it: try again.
        }
        Err(StoreError::Query {
            doing: "claiming",
            message: format!(
                "{} kept changing while claiming it ({CLAIM_ROUNDS} tries); run the command again",
                id.key()
            ),
        })
    }

    async fn renew(
        &self,
        id: &PackageId,
        owner: &str,
        lease: Duration,
    ) -> Result<bool, StoreError> {
        let u = Update::default()
            .set("lease_until", n(super::now_ms() + lease.as_millis() as i64))
            .value(":check", s(Status::Check.as_str()))
            .value(":me", s(owner));
        self.update("renewing a lease", id.key(), u, OURS).await
    }

    async fn finish(
        &self,
        id: &PackageId,
        owner: &str,
        status: Status,
        verdict: &Verdict,
    ) -> Result<bool, StoreError> {
        let now = super::now_ms();
        let reasons = serde_json::to_string(&verdict.findings).unwrap_or_else(|_| "[]".into());
        let similar = serde_json::to_string(&verdict.similar).unwrap_or_else(|_| "[]".into());
        let u = verdict_update(
            status,
            verdict.risk,
            verdict.score,
            reasons,
            similar,
            &self.who,
            now,
        )
        .value(":check", s(Status::Check.as_str()))
        .value(":me", s(owner));
        let u = self.with_expiry(u, status, now);
        self.update("recording a verdict", id.key(), u, OURS).await
    }

    async fn release(&self, id: &PackageId, owner: &str) -> Result<(), StoreError> {
        let values = HashMap::from([
            (":check".to_string(), s(Status::Check.as_str())),
            (":me".to_string(), s(owner)),
        ]);
        self.delete("releasing a claim", id.key(), OURS, Some(values))
            .await
            .map(drop)
    }

    async fn list(
        &self,
        name: Option<&str>,
        version: Option<&str>,
    ) -> Result<Vec<Record>, StoreError> {
        const DOING: &str = "listing packages";
        let mut rows = Vec::new();
        match name {
            Some(name) => {
                for eco in <Ecosystem as clap::ValueEnum>::value_variants() {
                    rows.extend(self.rows_of(DOING, *eco, name, version).await?);
                }
            }
            None => {
                let mut filter = "#kind = :kind".to_string();
                let mut values = HashMap::from([(":kind".to_string(), s(item::KIND_PACKAGE))]);
                if let Some(v) = version {
                    filter.push_str(" AND #version = :version");
                    values.insert(":version".into(), s(v));
                }
                let items: Vec<Item> = self
                    .client
                    .scan()
                    .table_name(&self.table)
                    .filter_expression(&filter)
                    .set_expression_attribute_names(Some(names_in(&[&filter])))
                    .set_expression_attribute_values(Some(values))
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect()
                    .await
                    .map_err(|e| self.err(DOING, &e))?;
                rows.extend(items.iter().filter_map(item::to_record));
            }
        }
        rows.sort_by(|a, b| {
            (a.id.ecosystem.as_str(), &a.id.name, &a.id.version).cmp(&(
                b.id.ecosystem.as_str(),
                &b.id.name,
                &b.id.version,
            ))
        });
        Ok(rows)
    }

    async fn set_decision(
        &self,
        ecosystem: Ecosystem,
        name: &str,
        version: Option<&str>,
        status: Status,
        finding: &Finding,
        who: &str,
    ) -> Result<usize, StoreError> {
        const DOING: &str = "recording a decision";
        let reasons = serde_json::to_string(&vec![finding]).unwrap_or_else(|_| "[]".into());
        let risk = super::decision_risk(status);
        let mut changed = 0;
        for rec in self.rows_of(DOING, ecosystem, name, version).await? {
            let now = super::now_ms();
            let u = verdict_update(
                status,
                risk,
                finding.points,
                reasons.clone(),
                "[]".into(),
                who,
                now,
            );
            let u = self.with_expiry(u, status, now);
            // Only rows that still exist: the index may lag a `forget`.
            if self
                .update(DOING, rec.key, u, "attribute_exists(#pk)")
                .await?
            {
                changed += 1;
            }
        }
        Ok(changed)
    }

    async fn forget(
        &self,
        ecosystem: Ecosystem,
        name: &str,
        version: Option<&str>,
    ) -> Result<usize, StoreError> {
        const DOING: &str = "forgetting packages";
        let mut deleted = 0;
        for rec in self.rows_of(DOING, ecosystem, name, version).await? {
            if self
                .delete(DOING, rec.key, "attribute_exists(#pk)", None)
                .await?
            {
                deleted += 1;
            }
        }
        Ok(deleted)
    }

    async fn put_policy(&self, entry: &PolicyEntry) -> Result<(), StoreError> {
        let mut entry = entry.clone();
        entry.rule.origin = format!("by {} at {}", self.who, super::now_rfc3339());
        let json = serde_json::to_string(&entry).map_err(|e| StoreError::Query {
            doing: "saving a policy entry",
            message: e.to_string(),
        })?;
        let r = &entry.rule;
        let mut row = key_of(item::policy_pk(r.ecosystem, &r.name, r.version.as_deref()));
        row.insert("kind".into(), s(item::KIND_POLICY));
        row.insert("gsi1pk".into(), s(item::POLICY_PARTITION));
        row.insert("gsi1sk".into(), s(item::policy_sort_key(&entry)));
        row.insert("entry".into(), s(json));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(row))
            .send()
            .await
            .map_err(|e| self.err("saving a policy entry", &e))?;
        Ok(())
    }

    async fn policy_entries(&self) -> Result<Vec<PolicyEntry>, StoreError> {
        let items = self
            .query_gsi(
                "reading policy entries",
                item::POLICY_PARTITION.into(),
                None,
            )
            .await?;
        let mut entries: Vec<PolicyEntry> = items.iter().filter_map(item::to_policy).collect();
        entries.sort_by(|a, b| {
            let key = |e: &PolicyEntry| {
                (
                    e.rule.ecosystem.as_str(),
                    e.rule.name.clone(),
                    e.rule.version.clone().unwrap_or_default(),
                )
            };
            key(a).cmp(&key(b))
        });
        Ok(entries)
    }

    async fn cached_tree(
        &self,
        key: &str,
        max_age: Duration,
    ) -> Result<Option<Vec<PackageId>>, StoreError> {
        let Some(row) = self
            .get("reading the resolution cache", item::tree_pk(key))
            .await?
        else {
            return Ok(None);
        };
        let fresh = item::get_n(&row, "cached_at")
            .is_some_and(|at| super::now_ms() - at <= max_age.as_millis() as i64);
        Ok(fresh
            .then(|| item::get_str(&row, "ids"))
            .flatten()
            .and_then(|ids| serde_json::from_str(&ids).ok()))
    }

    async fn cache_tree(&self, key: &str, ids: &[PackageId]) -> Result<(), StoreError> {
        let now = super::now_ms();
        let mut row = key_of(item::tree_pk(key));
        row.insert("kind".into(), s(item::KIND_TREE));
        row.insert(
            "ids".into(),
            s(serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())),
        );
        row.insert("cached_at".into(), n(now));
        row.insert("expires_at".into(), n(now / 1000 + TREE_TTL_SECS));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(row))
            .send()
            .await
            .map_err(|e| self.err("writing the resolution cache", &e))?;
        Ok(())
    }
}
