//! The audit log: who decided what about which package, when, why, and on
//! what evidence.
//!
//! The status table only holds the *current* verdict of each version; a
//! security team also has to answer "who unblocked this last Tuesday, and
//! why?". Every decision the team server records (a scan's verdict) and
//! every policy change (allow, block, rescan) appends one row here. The
//! table lives in the same SQLite file as the status store, on its own
//! connection, and is append-only: nothing in secpip updates or deletes it.

use crate::ecosystem::Ecosystem;
use rusqlite::{params, Connection};
use serde::Serialize;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS audit (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    at_ms     INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    ecosystem TEXT NOT NULL,
    name      TEXT NOT NULL,
    version   TEXT,
    status    TEXT,
    risk      TEXT,
    score     INTEGER,
    who       TEXT NOT NULL,
    why       TEXT NOT NULL,
    evidence  TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at_ms);
CREATE INDEX IF NOT EXISTS audit_name ON audit (name);
";

/// What kind of event an audit row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuditKind {
    /// A scan's verdict was recorded (SECURE or BLOCK).
    Verdict,
    /// A person allowed a package (`allow`).
    Allow,
    /// A person blocked a package (`block`).
    Block,
    /// A person asked for a version to be vetted again.
    Rescan,
}

impl AuditKind {
    /// The stored word (`verdict`, `allow`, `block`, `rescan`).
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::Verdict => "verdict",
            AuditKind::Allow => "allow",
            AuditKind::Block => "block",
            AuditKind::Rescan => "rescan",
        }
    }

    fn parse(s: &str) -> AuditKind {
        match s {
            "allow" => AuditKind::Allow,
            "block" => AuditKind::Block,
            "rescan" => AuditKind::Rescan,
            _ => AuditKind::Verdict,
        }
    }
}

/// One audit row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// Row id (0 before it is written).
    pub id: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// What happened.
    pub kind: AuditKind,
    /// Which registry.
    pub ecosystem: Ecosystem,
    /// Normalized package name.
    pub name: String,
    /// The version, or `None` for a rule covering every version.
    pub version: Option<String>,
    /// Resulting status (`SECURE`, `BLOCK`), when there is one.
    pub status: Option<String>,
    /// Risk of the verdict, for scans.
    pub risk: Option<String>,
    /// Score of the verdict, for scans.
    pub score: Option<i32>,
    /// Who asked: a token's label, or `user@host`.
    pub who: String,
    /// Why: the reason a person gave, or the verdict's message.
    pub why: String,
    /// What it was based on (rule findings, rows affected, …).
    pub evidence: Vec<String>,
}

impl AuditEntry {
    /// A new entry stamped with the current time.
    pub fn now(kind: AuditKind, ecosystem: Ecosystem, name: &str, version: Option<&str>) -> Self {
        AuditEntry {
            id: 0,
            at: crate::store::now_rfc3339(),
            kind,
            ecosystem,
            name: name.to_string(),
            version: version.map(str::to_string),
            status: None,
            risk: None,
            score: None,
            who: String::new(),
            why: String::new(),
            evidence: Vec::new(),
        }
    }
}

/// Which rows to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only rows at or after this instant.
    pub since: Option<time::OffsetDateTime>,
    /// Only rows of this ecosystem (with `name`).
    pub ecosystem: Option<Ecosystem>,
    /// Only rows of this (normalized) name.
    pub name: Option<String>,
    /// Only rows of this version (with `name`).
    pub version: Option<String>,
}

/// Why the audit log could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("audit log error while {doing}: {message}")]
pub struct AuditError {
    /// The operation.
    pub doing: &'static str,
    /// Why.
    pub message: String,
}

fn err(doing: &'static str) -> impl Fn(rusqlite::Error) -> AuditError {
    move |e| AuditError {
        doing,
        message: e.to_string(),
    }
}

/// The append-only audit table, on its own connection to the store's file.
#[derive(Clone)]
pub struct AuditLog {
    conn: Arc<Mutex<Connection>>,
}

impl AuditLog {
    /// Opens (creating the table if needed) the audit log in the SQLite file at `path`.
    pub fn open(path: &Path) -> Result<AuditLog, AuditError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| AuditError {
                doing: "creating the data directory",
                message: e.to_string(),
            })?;
        }
        let conn = Connection::open(path).map_err(err("opening the database"))?;
        conn.busy_timeout(Duration::from_secs(30))
            .map_err(err("configuring the database"))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err("configuring the database"))?;
        conn.execute_batch(SCHEMA)
            .map_err(err("creating the audit table"))?;
        Ok(AuditLog {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Opens the log only if the database file exists (listing never creates it).
    pub fn open_existing(path: &Path) -> Result<Option<AuditLog>, AuditError> {
        if path.exists() {
            Self::open(path).map(Some)
        } else {
            Ok(None)
        }
    }

    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, AuditError> + Send + 'static,
    ) -> Result<T, AuditError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let guard = conn.lock().map_err(|_| AuditError {
                doing: "locking the connection",
                message: "a previous operation panicked".into(),
            })?;
            f(&guard)
        })
        .await
        .map_err(|e| AuditError {
            doing: "running an audit operation",
            message: e.to_string(),
        })?
    }

    /// Appends `entry`; returns its row id.
    pub async fn record(&self, entry: &AuditEntry) -> Result<i64, AuditError> {
        let e = entry.clone();
        self.with(move |c| {
            let evidence = serde_json::to_string(&e.evidence).unwrap_or_else(|_| "[]".into());
            c.execute(
                "INSERT INTO audit (at, at_ms, kind, ecosystem, name, version, status, risk, score, who, why, evidence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    e.at,
                    crate::store::now_ms(),
                    e.kind.as_str(),
                    e.ecosystem.as_str(),
                    e.name,
                    e.version,
                    e.status,
                    e.risk,
                    e.score,
                    e.who,
                    e.why,
                    evidence
                ],
            )
            .map_err(err("appending an entry"))?;
            Ok(c.last_insert_rowid())
        })
        .await
    }

    /// Rows matching `filter`, oldest first.
    pub async fn list(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, AuditError> {
        let since_ms = filter
            .since
            .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64);
        let eco = filter.ecosystem.map(|e| e.as_str());
        let name = filter.name.clone();
        let version = filter.version.clone();
        self.with(move |c| {
            let mut stmt = c
                .prepare(
                    "SELECT id, at, kind, ecosystem, name, version, status, risk, score, who, why, evidence
                     FROM audit
                     WHERE (?1 IS NULL OR at_ms >= ?1) AND (?2 IS NULL OR ecosystem = ?2) AND (?3 IS NULL OR name = ?3)
                       AND (?4 IS NULL OR version = ?4)
                     ORDER BY id",
                )
                .map_err(err("listing entries"))?;
            let rows = stmt
                .query_map(params![since_ms, eco, name, version], |r| {
                    let kind: String = r.get(2)?;
                    let eco: String = r.get(3)?;
                    let evidence: String = r.get(11)?;
                    Ok(AuditEntry {
                        id: r.get(0)?,
                        at: r.get(1)?,
                        kind: AuditKind::parse(&kind),
                        ecosystem: Ecosystem::parse(&eco).unwrap_or(Ecosystem::Pypi),
                        name: r.get(4)?,
                        version: r.get(5)?,
                        status: r.get(6)?,
                        risk: r.get(7)?,
                        score: r.get(8)?,
                        who: r.get(9)?,
                        why: r.get(10)?,
                        evidence: serde_json::from_str(&evidence).unwrap_or_default(),
                    })
                })
                .map_err(err("listing entries"))?;
            rows.collect::<Result<Vec<_>, _>>()
                .map_err(err("listing entries"))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn entries_round_trip_and_filter_by_name_and_time() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(&dir.path().join("s.db")).unwrap();
        let mut e = AuditEntry::now(AuditKind::Block, Ecosystem::Pypi, "foo", Some("1.0"));
        e.who = "alice".into();
        e.why = "incident 42".into();
        e.evidence = vec!["2 rows".into()];
        let id = log.record(&e).await.unwrap();
        let mut other = AuditEntry::now(AuditKind::Verdict, Ecosystem::Npm, "bar", None);
        other.who = "ci".into();
        log.record(&other).await.unwrap();

        let all = log.list(&AuditFilter::default()).await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].id, id);
        assert_eq!(all[0].evidence, vec!["2 rows".to_string()]);
        let foo = log
            .list(&AuditFilter {
                name: Some("foo".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!((foo.len(), foo[0].kind), (1, AuditKind::Block));
        let future = log
            .list(&AuditFilter {
                since: Some(time::OffsetDateTime::now_utc() + time::Duration::hours(1)),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(future.is_empty());
    }
}
