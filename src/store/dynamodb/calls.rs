//! The DynamoDB calls the store is made of: conditional writes that report
//! a lost condition as `false`, strongly consistent reads, paginated index
//! queries, and batched reads that re-ask for unprocessed keys.

use super::expr::{condition_failed, names_in, Update};
use super::item::{self, key_of, n, s, Item};
use super::{DynamoStore, Status, StoreError};
use crate::ecosystem::Ecosystem;
use crate::store::Record;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use std::collections::HashMap;
use std::time::Duration;

/// Rounds of re-asking for keys DynamoDB left unprocessed (under load).
const UNPROCESSED_ROUNDS: u32 = 8;

impl DynamoStore {
    /// `table NAME`, for error messages.
    pub(super) fn resource(&self) -> String {
        format!("table {}", self.table)
    }

    /// A query error with the hint [`crate::aws::explain`] gives.
    pub(super) fn err<E, R>(&self, doing: &'static str, e: &SdkError<E, R>) -> StoreError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        StoreError::Query {
            doing,
            message: crate::aws::explain("DynamoDB", &self.resource(), e),
        }
    }

    /// `expires_at` for a SECURE verdict decided at `now_ms`, if a TTL is set.
    pub(super) fn secure_expiry(&self, status: Status, now_ms: i64) -> Option<i64> {
        let ttl = self.secure_ttl.filter(|_| status == Status::Secure)?;
        Some(now_ms / 1000 + ttl.as_secs() as i64)
    }

    /// One conditional UpdateItem; `Ok(false)` when the condition failed.
    pub(super) async fn update(
        &self,
        doing: &'static str,
        pk: String,
        u: Update,
        condition: &str,
    ) -> Result<bool, StoreError> {
        let expr = u.expression();
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_of(pk)))
            .update_expression(&expr)
            .condition_expression(condition)
            .set_expression_attribute_names(Some(names_in(&[&expr, condition])))
            .set_expression_attribute_values(Some(u.values))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(self.err(doing, &e)),
        }
    }

    /// One conditional DeleteItem; `Ok(false)` when the condition failed.
    pub(super) async fn delete(
        &self,
        doing: &'static str,
        pk: String,
        condition: &str,
        values: Option<HashMap<String, AttributeValue>>,
    ) -> Result<bool, StoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_of(pk)))
            .condition_expression(condition)
            .set_expression_attribute_names(Some(names_in(&[condition])))
            .set_expression_attribute_values(values)
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(self.err(doing, &e)),
        }
    }

    /// A strongly consistent read of one row.
    pub(super) async fn get(
        &self,
        doing: &'static str,
        pk: String,
    ) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_of(pk)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| self.err(doing, &e))?;
        Ok(out.item)
    }

    /// All items of one `gsi1` partition (optionally one sort key), every page.
    pub(super) async fn query_gsi(
        &self,
        doing: &'static str,
        partition: String,
        sort: Option<&str>,
    ) -> Result<Vec<Item>, StoreError> {
        let key_expr = match sort {
            Some(_) => "#gsi1pk = :pk AND #gsi1sk = :sk",
            None => "#gsi1pk = :pk",
        };
        let mut values = HashMap::from([(":pk".to_string(), s(partition))]);
        if let Some(sk) = sort {
            values.insert(":sk".into(), s(sk));
        }
        self.client
            .query()
            .table_name(&self.table)
            .index_name(item::GSI1)
            .key_condition_expression(key_expr)
            .set_expression_attribute_names(Some(names_in(&[key_expr])))
            .set_expression_attribute_values(Some(values))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| self.err(doing, &e))
    }

    /// Package rows of `name[@version]` in `ecosystem`, read from `gsi1`.
    pub(super) async fn rows_of(
        &self,
        doing: &'static str,
        ecosystem: Ecosystem,
        name: &str,
        version: Option<&str>,
    ) -> Result<Vec<Record>, StoreError> {
        let items = self
            .query_gsi(doing, item::name_partition(ecosystem, name), version)
            .await?;
        Ok(items.iter().filter_map(item::to_record).collect())
    }

    /// One BatchGetItem round trip for up to 100 distinct keys, re-asking
    /// for unprocessed keys with backoff a bounded number of times.
    pub(super) async fn batch_get(
        &self,
        pks: &[String],
        found: &mut HashMap<String, Record>,
    ) -> Result<(), StoreError> {
        const DOING: &str = "reading package rows";
        let mut keys: Vec<Item> = pks.iter().map(|k| key_of(k.clone())).collect();
        for round in 0..=UNPROCESSED_ROUNDS {
            if round > 0 {
                tokio::time::sleep(Duration::from_millis(50 << round.min(6))).await;
            }
            let request = KeysAndAttributes::builder()
                .set_keys(Some(std::mem::take(&mut keys)))
                .consistent_read(true)
                .build()
                .map_err(|e| StoreError::Query {
                    doing: DOING,
                    message: e.to_string(),
                })?;
            let out = self
                .client
                .batch_get_item()
                .request_items(&self.table, request)
                .send()
                .await
                .map_err(|e| self.err(DOING, &e))?;
            for it in out
                .responses
                .unwrap_or_default()
                .remove(&self.table)
                .unwrap_or_default()
            {
                if let Some(rec) = item::to_record(&it) {
                    found.insert(rec.key.clone(), rec);
                }
            }
            keys = out
                .unprocessed_keys
                .unwrap_or_default()
                .remove(&self.table)
                .map(|k| k.keys)
                .unwrap_or_default();
            if keys.is_empty() {
                return Ok(());
            }
        }
        Err(StoreError::Query {
            doing: DOING,
            message: format!(
                "DynamoDB left {} keys unprocessed after {UNPROCESSED_ROUNDS} retries (table {})\n  hint: the table is throttled: use on-demand capacity or raise its limits, and run fewer workers",
                keys.len(),
                self.table
            ),
        })
    }
    /// Adds `expires_at` to a verdict update for SECURE (with a TTL), or removes it.
    pub(super) fn with_expiry(&self, u: Update, status: Status, now: i64) -> Update {
        match self.secure_expiry(status, now) {
            Some(at) => u.set("expires_at", n(at)),
            None => u.remove("expires_at"),
        }
    }
}
