//! The status store: one row per package version with its status
//! (`CHECK`, `SECURE`, `BLOCK`), verdict and claim lease — plus the policy
//! entries people add with `secpip allow|block` and cached resolutions.
//!
//! Claiming is a conditional write (insert if absent, or take over a CHECK
//! whose lease expired), so concurrent installs of one new package cause a
//! single scan, and a dead worker's claim is picked up again.

pub mod dynamodb;
pub mod sqlite;

use crate::ecosystem::PackageId;
use crate::verdict::policy::ListRule;
use crate::verdict::typosquat::Similar;
use crate::verdict::{Finding, Risk, Verdict};
use serde::Serialize;
use std::time::Duration;

/// The three states of a package version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Status {
    /// Claimed; a scan is in flight.
    #[serde(rename = "CHECK")]
    Check,
    /// Vetted and published to the secure repository.
    #[serde(rename = "SECURE")]
    Secure,
    /// Refused.
    #[serde(rename = "BLOCK")]
    Block,
}

impl Status {
    /// `CHECK`, `SECURE` or `BLOCK`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Check => "CHECK",
            Status::Secure => "SECURE",
            Status::Block => "BLOCK",
        }
    }

    /// Parses [`Status::as_str`] output.
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "CHECK" => Some(Status::Check),
            "SECURE" => Some(Status::Secure),
            "BLOCK" => Some(Status::Block),
            _ => None,
        }
    }
}

/// One row of the status table.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Record {
    /// `{ecosystem}:{name}@{version}`.
    pub key: String,
    /// Ecosystem, name, version.
    #[serde(flatten)]
    pub id: PackageId,
    /// Current status.
    pub status: Status,
    /// Risk of the verdict (absent while CHECK).
    pub risk: Option<Risk>,
    /// Score of the verdict.
    pub score: Option<i32>,
    /// Findings of the verdict.
    pub reasons: Vec<Finding>,
    /// Look-alike popular packages.
    pub similar: Vec<Similar>,
    /// Who holds the CHECK claim.
    pub owner: Option<String>,
    /// When the claim lapses (Unix milliseconds).
    pub lease_until: Option<i64>,
    /// How many scans were started for this version.
    pub scan_count: i64,
    /// Who made the last change.
    pub updated_by: String,
    /// When (RFC 3339).
    pub updated_at: String,
    /// When the verdict was recorded (Unix milliseconds); SECURE verdicts expire from here.
    pub decided_at: Option<i64>,
}

impl Record {
    /// Is this a CHECK whose claim has lapsed at `now_ms`?
    pub fn lease_expired(&self, now_ms: i64) -> bool {
        self.status == Status::Check && self.lease_until.is_none_or(|l| l <= now_ms)
    }

    /// Is this a SECURE verdict recorded before `stale_before` (so due for a re-check)?
    pub fn secure_is_stale(&self, stale_before: Option<i64>) -> bool {
        self.status == Status::Secure && decided_before(self.decided_at, stale_before)
    }
}

/// Outcome of a claim attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// We own the scan now.
    Claimed,
    /// Someone else's row stands.
    Taken(Box<Record>),
}

/// An allow or block entry recorded with the CLI.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct PolicyEntry {
    /// `allow` or `block`.
    pub action: PolicyAction,
    /// The rule (name, optional version, reason, origin = who/when).
    pub rule: ListRule,
}

/// Allow or block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyAction {
    /// Always allow.
    Allow,
    /// Always block.
    Block,
}

/// Store failures; each names what it was doing.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened.
    #[error("cannot open the status store at {path}: {message}")]
    Open {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// A query failed.
    #[error("status store error while {doing}: {message}")]
    Query {
        /// The operation.
        doing: &'static str,
        /// Why.
        message: String,
    },
}

/// The status table, whatever holds it (SQLite, DynamoDB, a server).
#[async_trait::async_trait]
pub trait StatusStore: Send + Sync {
    /// Rows for `ids`, in order (`None` where absent).
    async fn get_many(&self, ids: &[PackageId]) -> Result<Vec<Option<Record>>, StoreError>;
    /// Claims `id` for a scan: inserts a CHECK row if absent, takes over a
    /// CHECK whose lease lapsed, or (with `secure_stale_before`, Unix ms) a
    /// SECURE verdict recorded before that time. Counts the scan.
    async fn claim(
        &self,
        id: &PackageId,
        owner: &str,
        lease: Duration,
        secure_stale_before: Option<i64>,
    ) -> Result<Claim, StoreError>;
    /// Extends our claim; `false` if we no longer hold it.
    async fn renew(&self, id: &PackageId, owner: &str, lease: Duration)
        -> Result<bool, StoreError>;
    /// Records the verdict if we still hold the claim; `false` otherwise.
    async fn finish(
        &self,
        id: &PackageId,
        owner: &str,
        status: Status,
        verdict: &Verdict,
    ) -> Result<bool, StoreError>;
    /// Drops our CHECK claim (interrupted or failed scan), so others may claim at once.
    async fn release(&self, id: &PackageId, owner: &str) -> Result<(), StoreError>;
    /// Rows matching an optional name (normalized) and version.
    async fn list(
        &self,
        name: Option<&str>,
        version: Option<&str>,
    ) -> Result<Vec<Record>, StoreError>;
    /// Overwrites rows of `name[@version]` with a decision made by a person.
    async fn set_decision(
        &self,
        ecosystem: crate::ecosystem::Ecosystem,
        name: &str,
        version: Option<&str>,
        status: Status,
        finding: &Finding,
        who: &str,
    ) -> Result<usize, StoreError>;
    /// Deletes rows of `name[@version]` so they are vetted again.
    async fn forget(
        &self,
        ecosystem: crate::ecosystem::Ecosystem,
        name: &str,
        version: Option<&str>,
    ) -> Result<usize, StoreError>;
    /// Adds or replaces an allow/block entry.
    async fn put_policy(&self, entry: &PolicyEntry) -> Result<(), StoreError>;
    /// All allow/block entries.
    async fn policy_entries(&self) -> Result<Vec<PolicyEntry>, StoreError>;
    /// A cached resolved tree for `key`, if younger than `max_age`.
    async fn cached_tree(
        &self,
        key: &str,
        max_age: Duration,
    ) -> Result<Option<Vec<PackageId>>, StoreError>;
    /// Remembers a resolved tree whose every package is SECURE.
    async fn cache_tree(&self, key: &str, ids: &[PackageId]) -> Result<(), StoreError>;
}

/// Whether a verdict recorded at `decided_at` (Unix ms; unknown counts as
/// long ago) predates the cutoff from [`secure_stale_before`].
pub fn decided_before(decided_at: Option<i64>, stale_before: Option<i64>) -> bool {
    stale_before.is_some_and(|cutoff| decided_at.unwrap_or(0) < cutoff)
}

/// The risk recorded with a person's decision (`secpip allow|block`):
/// BLOCK is Red, anything else Green.
pub fn decision_risk(status: Status) -> Risk {
    if status == Status::Block {
        Risk::Red
    } else {
        Risk::Green
    }
}

/// The cutoff before which SECURE verdicts are re-checked, for a TTL in days (0 = never).
pub fn secure_stale_before(ttl_days: u64) -> Option<i64> {
    (ttl_days > 0).then(|| now_ms() - (ttl_days as i64) * 86_400_000)
}

/// Current time as RFC 3339 to the second (the `updated_at` / audit format).
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Current time in Unix milliseconds.
pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Who is acting: `user@host`, recorded with every change.
pub fn whoami() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::env::var("HOSTNAME"))
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".into());
    format!("{user}@{host}")
}
