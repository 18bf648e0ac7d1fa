//! The embedded status store: one SQLite file (WAL mode) in the data dir.
//!
//! Every operation runs on a blocking thread with its own short transaction;
//! claims are single conditional statements, so several secpip processes can
//! share the file safely.

use super::{Claim, PolicyAction, PolicyEntry, Record, Status, StatusStore, StoreError};
use crate::ecosystem::{Ecosystem, PackageId};
use crate::verdict::policy::ListRule;
use crate::verdict::{Finding, Risk, Verdict};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS packages (
    key         TEXT PRIMARY KEY,
    ecosystem   TEXT NOT NULL,
    name        TEXT NOT NULL,
    version     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('CHECK', 'SECURE', 'BLOCK')),
    risk        TEXT,
    score       INTEGER,
    reasons     TEXT NOT NULL DEFAULT '[]',
    similar     TEXT NOT NULL DEFAULT '[]',
    owner       TEXT,
    lease_until INTEGER,
    scan_count  INTEGER NOT NULL DEFAULT 0,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    decided_at  INTEGER
);
CREATE INDEX IF NOT EXISTS packages_name ON packages (ecosystem, name);
CREATE TABLE IF NOT EXISTS policy (
    ecosystem TEXT NOT NULL,
    name      TEXT NOT NULL,
    version   TEXT NOT NULL DEFAULT '',
    action    TEXT NOT NULL CHECK (action IN ('allow', 'block')),
    reason    TEXT NOT NULL,
    who       TEXT NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (ecosystem, name, version)
);
CREATE TABLE IF NOT EXISTS trees (
    key     TEXT PRIMARY KEY,
    ids     TEXT NOT NULL,
    at_ms   INTEGER NOT NULL
);
";

/// SQLite-backed [`StatusStore`].
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    who: String,
}

fn q(doing: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |e| StoreError::Query {
        doing,
        message: e.to_string(),
    }
}

fn row_to_record(row: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
    let eco: String = row.get("ecosystem")?;
    let status: String = row.get("status")?;
    let risk: Option<String> = row.get("risk")?;
    let reasons: String = row.get("reasons")?;
    let similar: String = row.get("similar")?;
    Ok(Record {
        key: row.get("key")?,
        id: PackageId {
            ecosystem: Ecosystem::parse(&eco).unwrap_or(Ecosystem::Pypi),
            name: row.get("name")?,
            version: row.get("version")?,
        },
        status: Status::parse(&status).unwrap_or(Status::Check),
        risk: risk.as_deref().and_then(Risk::parse),
        score: row.get("score")?,
        reasons: serde_json::from_str(&reasons).unwrap_or_default(),
        similar: serde_json::from_str(&similar).unwrap_or_default(),
        owner: row.get("owner")?,
        lease_until: row.get("lease_until")?,
        scan_count: row.get("scan_count")?,
        updated_by: row.get("updated_by")?,
        updated_at: row.get("updated_at")?,
        decided_at: row.get("decided_at")?,
    })
}

/// Brings a store made by an older secpip up to the current schema.
fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let has_decided_at: bool = conn
        .prepare("SELECT 1 FROM pragma_table_info('packages') WHERE name = 'decided_at'")?
        .exists([])?;
    if !has_decided_at {
        conn.execute_batch("ALTER TABLE packages ADD COLUMN decided_at INTEGER")?;
    }
    Ok(())
}

/// How long one store operation waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// WAL mode, the tables, and migrations; the schema part in one write
/// transaction taken up front (`BEGIN IMMEDIATE`), so it waits for a
/// concurrent set-up instead of deadlocking with it.
fn set_up(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let done = conn.execute_batch(SCHEMA).and_then(|()| migrate(conn));
    match done {
        Ok(()) => conn.execute_batch("COMMIT"),
        Err(e) => {
            // The error is the one to report; a failed rollback leaves
            // nothing behind, since the connection is dropped with it.
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// Whether `e` is SQLite saying another connection holds the lock.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let open_err = |message: String| StoreError::Open {
            path: path.display().to_string(),
            message,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| open_err(e.to_string()))?;
        }
        let conn = Connection::open(path).map_err(|e| open_err(e.to_string()))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| open_err(e.to_string()))?;
        // Several installs may create the store at the same moment. SQLite
        // answers "database is locked" at once, without waiting, when
        // waiting could deadlock (two connections both upgrading to a
        // write lock while setting up), so the set-up is retried whole.
        let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
        loop {
            match set_up(&conn) {
                Ok(()) => break,
                Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => return Err(open_err(e.to_string())),
            }
        }
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
            who: super::whoami(),
        })
    }

    /// Opens the store only if its file exists (read-only commands never create it).
    pub fn open_existing(path: &Path) -> Result<Option<SqliteStore>, StoreError> {
        if path.exists() {
            Self::open(path).map(Some)
        } else {
            Ok(None)
        }
    }

    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection, &str) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = self.conn.clone();
        let who = self.who.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| StoreError::Query {
                doing: "locking the connection",
                message: "a previous operation panicked".into(),
            })?;
            f(&mut guard, &who)
        })
        .await
        .map_err(|e| StoreError::Query {
            doing: "running a store operation",
            message: e.to_string(),
        })?
    }
}

#[async_trait::async_trait]
impl StatusStore for SqliteStore {
    async fn get_many(&self, ids: &[PackageId]) -> Result<Vec<Option<Record>>, StoreError> {
        let keys: Vec<String> = ids.iter().map(PackageId::key).collect();
        self.with(move |c, _| {
            let mut stmt = c
                .prepare_cached("SELECT * FROM packages WHERE key = ?1")
                .map_err(q("reading package rows"))?;
            keys.iter()
                .map(|k| {
                    stmt.query_row([k], row_to_record)
                        .optional()
                        .map_err(q("reading package rows"))
                })
                .collect()
        })
        .await
    }

    async fn claim(
        &self,
        id: &PackageId,
        owner: &str,
        lease: Duration,
        secure_stale_before: Option<i64>,
    ) -> Result<Claim, StoreError> {
        let id = id.clone();
        let owner = owner.to_string();
        self.with(move |c, who| {
            let now = super::now_ms();
            let until = now + lease.as_millis() as i64;
            let tx = c.transaction().map_err(q("claiming"))?;
            let changed = tx
                .execute(
                    "INSERT INTO packages (key, ecosystem, name, version, status, owner, lease_until, scan_count, updated_by, updated_at)
                     VALUES (?1, ?2, ?3, ?4, 'CHECK', ?5, ?6, 1, ?7, ?8)
                     ON CONFLICT (key) DO UPDATE SET
                        status = 'CHECK', owner = excluded.owner, lease_until = excluded.lease_until,
                        scan_count = packages.scan_count + 1,
                        updated_by = excluded.updated_by, updated_at = excluded.updated_at
                     WHERE (packages.status = 'CHECK' AND (packages.lease_until IS NULL OR packages.lease_until <= ?9))
                        OR (packages.status = 'SECURE' AND ?10 IS NOT NULL AND COALESCE(packages.decided_at, 0) < ?10)",
                    params![id.key(), id.ecosystem.as_str(), id.name, id.version, owner, until, who, super::now_rfc3339(), now, secure_stale_before],
                )
                .map_err(q("claiming"))?;
            let result = if changed == 1 {
                Claim::Claimed
            } else {
                let rec = tx
                    .query_row("SELECT * FROM packages WHERE key = ?1", [id.key()], row_to_record)
                    .map_err(q("reading a claimed row"))?;
                Claim::Taken(Box::new(rec))
            };
            tx.commit().map_err(q("claiming"))?;
            Ok(result)
        })
        .await
    }

    async fn renew(
        &self,
        id: &PackageId,
        owner: &str,
        lease: Duration,
    ) -> Result<bool, StoreError> {
        let key = id.key();
        let owner = owner.to_string();
        self.with(move |c, _| {
            let until = super::now_ms() + lease.as_millis() as i64;
            let n = c
                .execute(
                    "UPDATE packages SET lease_until = ?1 WHERE key = ?2 AND status = 'CHECK' AND owner = ?3",
                    params![until, key, owner],
                )
                .map_err(q("renewing a lease"))?;
            Ok(n == 1)
        })
        .await
    }

    async fn finish(
        &self,
        id: &PackageId,
        owner: &str,
        status: Status,
        verdict: &Verdict,
    ) -> Result<bool, StoreError> {
        let key = id.key();
        let owner = owner.to_string();
        let reasons = serde_json::to_string(&verdict.findings).unwrap_or_else(|_| "[]".into());
        let similar = serde_json::to_string(&verdict.similar).unwrap_or_else(|_| "[]".into());
        let risk = verdict.risk.as_str();
        let score = verdict.score;
        self.with(move |c, who| {
            let n = c
                .execute(
                    "UPDATE packages SET status = ?1, risk = ?2, score = ?3, reasons = ?4, similar = ?5,
                        owner = NULL, lease_until = NULL, updated_by = ?6, updated_at = ?7, decided_at = ?10
                     WHERE key = ?8 AND status = 'CHECK' AND owner = ?9",
                    params![status.as_str(), risk, score, reasons, similar, who, super::now_rfc3339(), key, owner, super::now_ms()],
                )
                .map_err(q("recording a verdict"))?;
            Ok(n == 1)
        })
        .await
    }

    async fn release(&self, id: &PackageId, owner: &str) -> Result<(), StoreError> {
        let key = id.key();
        let owner = owner.to_string();
        self.with(move |c, _| {
            c.execute(
                "DELETE FROM packages WHERE key = ?1 AND status = 'CHECK' AND owner = ?2",
                params![key, owner],
            )
            .map_err(q("releasing a claim"))?;
            Ok(())
        })
        .await
    }

    async fn list(
        &self,
        name: Option<&str>,
        version: Option<&str>,
    ) -> Result<Vec<Record>, StoreError> {
        let name = name.map(str::to_string);
        let version = version.map(str::to_string);
        self.with(move |c, _| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT * FROM packages WHERE (?1 IS NULL OR name = ?1) AND (?2 IS NULL OR version = ?2)
                     ORDER BY ecosystem, name, version",
                )
                .map_err(q("listing packages"))?;
            let rows = stmt
                .query_map(params![name, version], row_to_record)
                .map_err(q("listing packages"))?;
            rows.collect::<Result<Vec<_>, _>>().map_err(q("listing packages"))
        })
        .await
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
        let name = name.to_string();
        let version = version.map(str::to_string);
        let reasons = serde_json::to_string(&vec![finding]).unwrap_or_else(|_| "[]".into());
        let risk = super::decision_risk(status);
        let score = finding.points;
        let who = who.to_string();
        self.with(move |c, _| {
            c.execute(
                "UPDATE packages SET status = ?1, risk = ?2, score = ?3, reasons = ?4, similar = '[]',
                    owner = NULL, lease_until = NULL, updated_by = ?5, updated_at = ?6, decided_at = ?9
                 WHERE name = ?7 AND (?8 IS NULL OR version = ?8) AND ecosystem = ?10",
                params![status.as_str(), risk.as_str(), score, reasons, who, super::now_rfc3339(), name, version, super::now_ms(), ecosystem.as_str()],
            )
            .map_err(q("recording a decision"))
        })
        .await
    }

    async fn forget(
        &self,
        ecosystem: Ecosystem,
        name: &str,
        version: Option<&str>,
    ) -> Result<usize, StoreError> {
        let name = name.to_string();
        let version = version.map(str::to_string);
        self.with(move |c, _| {
            c.execute(
                "DELETE FROM packages WHERE name = ?1 AND (?2 IS NULL OR version = ?2) AND ecosystem = ?3",
                params![name, version, ecosystem.as_str()],
            )
            .map_err(q("forgetting packages"))
        })
        .await
    }

    async fn put_policy(&self, entry: &PolicyEntry) -> Result<(), StoreError> {
        let e = entry.clone();
        self.with(move |c, who| {
            c.execute(
                "INSERT OR REPLACE INTO policy (ecosystem, name, version, action, reason, who, at) VALUES (?7, ?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    e.rule.name,
                    e.rule.version.clone().unwrap_or_default(),
                    match e.action { PolicyAction::Allow => "allow", PolicyAction::Block => "block" },
                    e.rule.reason,
                    who, super::now_rfc3339(), e.rule.ecosystem.as_str()],
            )
            .map_err(q("saving a policy entry"))?;
            Ok(())
        })
        .await
    }

    async fn policy_entries(&self) -> Result<Vec<PolicyEntry>, StoreError> {
        self.with(|c, _| {
            let mut stmt = c
                .prepare_cached("SELECT name, version, action, reason, who, at, ecosystem FROM policy ORDER BY ecosystem, name, version")
                .map_err(q("reading policy entries"))?;
            let rows = stmt
                .query_map([], |r| {
                    let version: String = r.get(1)?;
                    let action: String = r.get(2)?;
                    let who: String = r.get(4)?;
                    let at: String = r.get(5)?;
                    let eco: String = r.get(6)?;
                    Ok(PolicyEntry {
                        action: if action == "allow" { PolicyAction::Allow } else { PolicyAction::Block },
                        rule: ListRule {
                            ecosystem: Ecosystem::parse(&eco).unwrap_or(Ecosystem::Pypi),
                            name: r.get(0)?,
                            version: (!version.is_empty()).then_some(version),
                            reason: r.get(3)?,
                            origin: format!("by {who} at {at}"),
                        },
                    })
                })
                .map_err(q("reading policy entries"))?;
            rows.collect::<Result<Vec<_>, _>>().map_err(q("reading policy entries"))
        })
        .await
    }

    async fn cached_tree(
        &self,
        key: &str,
        max_age: Duration,
    ) -> Result<Option<Vec<PackageId>>, StoreError> {
        let key = key.to_string();
        self.with(move |c, _| {
            let row: Option<(String, i64)> = c
                .query_row("SELECT ids, at_ms FROM trees WHERE key = ?1", [key], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()
                .map_err(q("reading the resolution cache"))?;
            Ok(row.and_then(|(ids, at)| {
                (super::now_ms() - at <= max_age.as_millis() as i64)
                    .then(|| serde_json::from_str(&ids).ok())
                    .flatten()
            }))
        })
        .await
    }

    async fn cache_tree(&self, key: &str, ids: &[PackageId]) -> Result<(), StoreError> {
        let key = key.to_string();
        let ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        self.with(move |c, _| {
            c.execute(
                "INSERT OR REPLACE INTO trees (key, ids, at_ms) VALUES (?1, ?2, ?3)",
                params![key, ids, super::now_ms()],
            )
            .map_err(q("writing the resolution cache"))?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::{Decision, Risk, Verdict};

    #[test]
    fn many_processes_opening_a_new_store_at_once_all_succeed() {
        // Two `secpip install`s started together both create the store:
        // switching to WAL and creating the tables take write locks, and
        // SQLite answers "database is locked" at once (no busy wait) when
        // waiting could deadlock. Every opener must still get in.
        for round in 0..30 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(format!("secpip-{round}.db"));
            let start = std::sync::Arc::new(std::sync::Barrier::new(12));
            let openers: Vec<_> = (0..12)
                .map(|_| {
                    let (path, start) = (path.clone(), start.clone());
                    std::thread::spawn(move || {
                        start.wait();
                        SqliteStore::open(&path).map(|_| ())
                    })
                })
                .collect();
            for opener in openers {
                opener.join().unwrap().unwrap();
            }
        }
    }

    fn verdict() -> Verdict {
        Verdict {
            score: 0,
            risk: Risk::Green,
            decision: Decision::Allow,
            findings: vec![],
            similar: vec![],
        }
    }

    #[tokio::test]
    async fn claim_lease_takeover_finish_and_ttl() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let id = PackageId::new(Ecosystem::Pypi, "Foo_Bar", "1.0");
        let lease = Duration::from_secs(60);
        assert_eq!(
            store.claim(&id, "a", lease, None).await.unwrap(),
            Claim::Claimed
        );
        assert!(
            matches!(store.claim(&id, "b", lease, None).await.unwrap(), Claim::Taken(r) if r.owner.as_deref() == Some("a"))
        );
        // A lapsed lease is taken over, and every scan is counted.
        store.renew(&id, "a", Duration::ZERO).await.unwrap();
        assert_eq!(
            store.claim(&id, "b", Duration::ZERO, None).await.unwrap(),
            Claim::Claimed
        );
        assert_eq!(
            store.claim(&id, "c", lease, None).await.unwrap(),
            Claim::Claimed
        );
        // Only the current owner may record the verdict.
        assert!(!store
            .finish(&id, "b", Status::Secure, &verdict())
            .await
            .unwrap());
        assert!(store
            .finish(&id, "c", Status::Secure, &verdict())
            .await
            .unwrap());
        let row = store
            .get_many(std::slice::from_ref(&id))
            .await
            .unwrap()
            .pop()
            .flatten()
            .unwrap();
        assert_eq!(
            (row.key.as_str(), row.status, row.scan_count),
            ("pypi:foo-bar@1.0", Status::Secure, 3)
        );
        // SECURE stands, unless it is older than the TTL cutoff.
        assert!(matches!(
            store.claim(&id, "d", lease, None).await.unwrap(),
            Claim::Taken(_)
        ));
        assert!(matches!(
            store.claim(&id, "d", lease, Some(0)).await.unwrap(),
            Claim::Taken(_)
        ));
        assert_eq!(
            store
                .claim(&id, "d", lease, Some(super::super::now_ms() + 1))
                .await
                .unwrap(),
            Claim::Claimed
        );
        // Releasing our claim leaves no row behind.
        store.release(&id, "d").await.unwrap();
        assert!(store.get_many(std::slice::from_ref(&id)).await.unwrap()[0].is_none());
    }
}
