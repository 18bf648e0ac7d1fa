//! `GET /package-check`: the firewall API, answered from the status table
//! when it can be.
//!
//! CI asks about the same few hundred packages all day, so the common case
//! must cost no network and almost no CPU: a version (or, without one, the
//! newest version) that the server already decided is answered from its
//! row, read on a per-thread read-only SQLite connection (WAL readers never
//! wait for the writer, and no lock or thread hop is shared between
//! requests). Anything else is computed like `secpip check` does — upstream
//! facts, advisories, the verdict engine — and *not* stored: the status
//! table records install-time scans only, whose files were downloaded and
//! verified.

use super::{json_response, ApiError, Shared};
use crate::ecosystem::{npm::names as npm_names, pypi::requirements, Ecosystem, PackageId};
use crate::report::json;
use crate::store::PolicyAction;
use crate::verdict::typosquat::Similar;
use crate::verdict::{self, Context, Decision, Finding, Risk, Verdict};
use crate::worker::gather_facts;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::header;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Response;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Deserialize;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a rendered answer is reused without reading its row again. Changes
/// made through this server invalidate answers at once; this bounds how long
/// a change made by another process on the same file (a local `secpip
/// block`) can go unseen.
pub const ANSWER_TTL: Duration = Duration::from_secs(1);
/// Most answers one thread keeps (the map is cleared when full).
const MAX_ANSWERS: usize = 10_000;

type AnswerKey = (Ecosystem, String, Option<String>);

struct Answer {
    body: Bytes,
    generation: u64,
    at: Instant,
}

/// The query string of `/package-check`.
#[derive(Debug, Deserialize)]
pub struct CheckQuery {
    package_name: Option<String>,
    platform: Option<String>,
    version: Option<String>,
}

/// Checks a name (and optional version) by `eco`'s rules.
pub fn validate(eco: Ecosystem, name: &str, version: Option<&str>) -> Result<(), String> {
    match eco {
        Ecosystem::Pypi => requirements::validate_name(name).map_err(|e| e.to_string())?,
        Ecosystem::Npm => npm_names::validate_name(name).map_err(|e| e.to_string())?,
    }
    if let Some(v) = version {
        let ok = match eco {
            Ecosystem::Pypi => v.parse::<pep440_rs::Version>().is_ok(),
            Ecosystem::Npm => semver::Version::parse(v).is_ok(),
        };
        if !ok {
            return Err(format!("{v:?} is not a valid {eco} version"));
        }
    }
    Ok(())
}

/// Parses `pypi` / `npm`.
pub fn ecosystem(s: &str) -> Result<Ecosystem, ApiError> {
    Ecosystem::parse(s)
        .ok_or_else(|| ApiError::bad_request(format!("unknown platform {s:?}: use pypi or npm")))
}

thread_local! {
    /// This thread's read-only connection to the store, with the file it is for.
    static READER: RefCell<Option<(PathBuf, Connection)>> = const { RefCell::new(None) };
    /// This thread's rendered answers from the store.
    static ANSWERS: RefCell<HashMap<AnswerKey, Answer>> = RefCell::new(HashMap::new());
}

/// A rendered answer still valid at `generation`.
fn remembered(key: &AnswerKey, generation: u64) -> Option<Bytes> {
    ANSWERS.with(|a| {
        a.borrow()
            .get(key)
            .filter(|e| e.generation == generation && e.at.elapsed() < ANSWER_TTL)
            .map(|e| e.body.clone())
    })
}

fn remember(key: AnswerKey, body: Bytes, generation: u64) {
    ANSWERS.with(|a| {
        let mut a = a.borrow_mut();
        if a.len() >= MAX_ANSWERS {
            a.clear();
        }
        a.insert(
            key,
            Answer {
                body,
                generation,
                at: Instant::now(),
            },
        );
    });
}

fn json_bytes(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Runs `f` on this thread's read-only connection to `db`, opening it on first use.
fn with_reader<T>(
    db: &Path,
    f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
) -> Result<T, String> {
    READER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.as_ref().is_none_or(|(p, _)| p != db) {
            let conn = Connection::open_with_flags(
                db,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|e| e.to_string())?;
            conn.busy_timeout(Duration::from_secs(1))
                .map_err(|e| e.to_string())?;
            *slot = Some((db.to_path_buf(), conn));
        }
        let result = match slot.as_ref() {
            Some((_, conn)) => f(conn).map_err(|e| e.to_string()),
            None => Err("no connection".into()),
        };
        if result.is_err() {
            // Reopen next time (the file may have been replaced).
            *slot = None;
        }
        result
    })
}

/// Whether the store answers a query.
pub fn ping(db: &Path) -> Result<(), String> {
    with_reader(db, |c| {
        c.prepare_cached("SELECT 1 FROM packages LIMIT 1")?
            .exists([])
            .map(|_| ())
    })
}

/// Whether `a` is a newer version than `b` in `eco`'s ordering.
fn newer(eco: Ecosystem, a: &str, b: &str) -> bool {
    match eco {
        Ecosystem::Pypi => match (
            a.parse::<pep440_rs::Version>(),
            b.parse::<pep440_rs::Version>(),
        ) {
            (Ok(x), Ok(y)) => x > y,
            _ => a > b,
        },
        Ecosystem::Npm => match (semver::Version::parse(a), semver::Version::parse(b)) {
            (Ok(x), Ok(y)) => x > y,
            _ => a > b,
        },
    }
}

type Row = (
    String,
    String,
    Option<String>,
    Option<i32>,
    String,
    String,
    Option<i64>,
);

/// A decided verdict as its row holds it.
pub struct CachedVerdict {
    /// The version the row is for.
    pub version: String,
    /// The verdict rebuilt from the row.
    pub verdict: Verdict,
    /// When it was recorded (Unix ms), for the SECURE TTL.
    pub decided_at: Option<i64>,
}

/// The decided verdict of `name@version` (or of the newest decided version
/// of `name`), rebuilt from its row.
pub fn cached(
    db: &Path,
    eco: Ecosystem,
    name: &str,
    version: Option<&str>,
) -> Result<Option<CachedVerdict>, String> {
    let cols = "version, status, risk, score, reasons, similar, decided_at";
    let read = |r: &rusqlite::Row<'_>| -> rusqlite::Result<Row> {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
        ))
    };
    let row = with_reader(db, |c| match version {
        Some(v) => c
            .prepare_cached(&format!(
                "SELECT {cols} FROM packages WHERE key = ?1 AND status IN ('SECURE', 'BLOCK')"
            ))?
            .query_row([PackageId::new(eco, name, v).key()], read)
            .optional(),
        None => {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {cols} FROM packages WHERE ecosystem = ?1 AND name = ?2 AND status IN ('SECURE', 'BLOCK')"
            ))?;
            let rows = stmt.query_map([eco.as_str(), name], read)?;
            let mut best: Option<Row> = None;
            for r in rows {
                let r = r?;
                if best.as_ref().is_none_or(|b| newer(eco, &r.0, &b.0)) {
                    best = Some(r);
                }
            }
            Ok(best)
        }
    })?;
    Ok(row.map(
        |(version, status, risk, score, reasons, similar, decided_at)| {
            let blocked = status == "BLOCK";
            let findings: Vec<Finding> = serde_json::from_str(&reasons).unwrap_or_default();
            let similar: Vec<Similar> = serde_json::from_str(&similar).unwrap_or_default();
            let risk = risk.as_deref().and_then(Risk::parse).unwrap_or(if blocked {
                Risk::Red
            } else {
                Risk::Green
            });
            let v = Verdict {
                score: score.unwrap_or_else(|| findings.iter().map(|f| f.points).sum()),
                risk,
                decision: if blocked {
                    Decision::Block
                } else {
                    Decision::Allow
                },
                findings,
                similar,
            };
            CachedVerdict {
                version,
                verdict: v,
                decided_at,
            }
        },
    ))
}

/// Why a SECURE row older than `[policy] secure_ttl_days` is not served:
/// said in the answer's `message`, so a client knows the verdict was
/// re-checked now and the row is due for a re-scan.
fn stale_note(c: &CachedVerdict, ttl_days: u64) -> String {
    let when = c
        .decided_at
        .and_then(|ms| time::OffsetDateTime::from_unix_timestamp(ms / 1000).ok())
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| "an unknown time".into());
    format!(
        "the stored SECURE verdict for version {} (from {when}) is older than secure_ttl_days = {ttl_days}, so it was not used: this answer was computed now from upstream facts, and the next install re-scans the version",
        c.version
    )
}

/// The newest non-prerelease version in the metadata, by `eco`'s rules.
fn latest(eco: Ecosystem, meta: Option<&crate::verdict::facts::ProjectMetadata>) -> Option<String> {
    let meta = meta?;
    let stable = |v: &str| match eco {
        Ecosystem::Pypi => v
            .parse::<pep440_rs::Version>()
            .is_ok_and(|p| !p.any_prerelease()),
        Ecosystem::Npm => semver::Version::parse(v).is_ok_and(|p| p.pre.is_empty()),
    };
    meta.releases
        .keys()
        .filter(|v| stable(v))
        .fold(None::<&String>, |best, v| match best {
            Some(b) if !newer(eco, v, b) => Some(b),
            _ => Some(v),
        })
        .cloned()
}

/// Computes a verdict from upstream facts (like `secpip check`), without storing it.
async fn compute(
    state: &Shared,
    eco: Ecosystem,
    name: &str,
    version: Option<&str>,
) -> Result<(PackageId, Verdict), ApiError> {
    if !state.upstreams.known(eco) {
        return Err(ApiError::unavailable(format!(
            "the {eco} upstream is not configured on this server"
        )));
    }
    let entries = state.store.policy_entries().await?;
    let (allow, block): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .partition(|e| e.action == PolicyAction::Allow);
    let allow: Vec<_> = allow.into_iter().map(|e| e.rule).collect();
    let block: Vec<_> = block.into_iter().map(|e| e.rule).collect();
    let popular = state.popular.of(eco);
    let ctx = Context {
        policy: &state.settings.policy,
        popular,
        allow: &allow,
        block: &block,
    };
    let sources = &state.upstreams.sources;
    let typosquat = &state.settings.policy.typosquat;
    let gather = |id: PackageId| async move {
        gather_facts(&state.client, sources, popular, typosquat, &id).await
    };
    let mut facts = gather(PackageId::new(eco, name, version.unwrap_or(""))).await;
    let chosen = version
        .map(str::to_string)
        .or_else(|| latest(eco, facts.metadata.found()));
    let id = PackageId::new(eco, name, chosen.as_deref().unwrap_or(""));
    if chosen.is_some() && version.is_none() && eco == Ecosystem::Npm {
        // npm deprecation and publisher are per version: fetch them for
        // the latest. PyPI metadata is project-wide, so nothing changes.
        facts = gather(id.clone()).await;
    }
    facts.advisories = crate::worker::advisories::lookup(
        &state.client,
        &sources.advisories,
        &Default::default(),
        &id,
    )
    .await;
    Ok((id.clone(), verdict::verdict(&id, &facts, &ctx)))
}

/// `GET /package-check?package_name=&platform=pypi|npm[&version=]`.
pub async fn package_check(
    State(state): State<Shared>,
    Query(q): Query<CheckQuery>,
) -> Result<Response, ApiError> {
    let name = q
        .package_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::bad_request("package_name is required"))?;
    let eco = ecosystem(q.platform.as_deref().unwrap_or("pypi"))?;
    let version = q
        .version
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    validate(eco, name, version).map_err(ApiError::bad_request)?;
    let policy = &state.settings.policy;
    let normalized = eco.normalize(name);
    let key: AnswerKey = (eco, normalized, version.map(str::to_string));
    let generation = state.changed.generation();
    if let Some(body) = remembered(&key, generation) {
        state.metrics.cache_hit();
        return Ok(json_bytes(body));
    }
    let stale_before = crate::store::secure_stale_before(policy.secure_ttl_days);
    let mut stale = None;
    match cached(&state.db_path, eco, &key.1, version) {
        // A SECURE verdict past its TTL is due for a re-check: handled like
        // an absent row (computed, not stored), and the answer says so.
        Ok(Some(c))
            if c.verdict.decision == Decision::Allow
                && crate::store::decided_before(c.decided_at, stale_before) =>
        {
            stale = Some(stale_note(&c, policy.secure_ttl_days));
        }
        Ok(Some(c)) => {
            state.metrics.cache_hit();
            let id = PackageId::new(eco, &key.1, &c.version);
            let body = Bytes::from(
                json::package_check(&id, version.is_some(), &c.verdict, policy).to_string(),
            );
            remember(key, body.clone(), generation);
            return Ok(json_bytes(body));
        }
        Ok(None) => {}
        Err(e) => tracing::debug!(error = %e, "cached verdict unavailable; computing"),
    }
    state.metrics.computed();
    // Bounded, so a flood of unknown names cannot fan out to the upstreams.
    let _permit = state
        .compute_permits
        .acquire()
        .await
        .map_err(|_| ApiError::unavailable("shutting down"))?;
    let (id, verdict) = compute(&state, eco, name, version).await?;
    let mut body = json::package_check(&id, version.is_some(), &verdict, policy);
    if let Some(note) = stale {
        let message = format!("{} ({note})", body["message"].as_str().unwrap_or_default());
        body["message"] = message.into();
        body["recheck_due"] = true.into();
    }
    Ok(json_response(StatusCode::OK, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_ecosystem_rules() {
        assert!(newer(Ecosystem::Pypi, "1.10.0", "1.9.0"));
        assert!(newer(Ecosystem::Npm, "1.10.0", "1.9.0"));
        assert!(!newer(Ecosystem::Pypi, "1.0rc1", "1.0"));
    }

    #[test]
    fn validation_rejects_bad_names_and_versions() {
        assert!(validate(Ecosystem::Pypi, "requests", Some("2.31.0")).is_ok());
        assert!(validate(Ecosystem::Pypi, "../etc", None).is_err());
        assert!(validate(Ecosystem::Pypi, "requests", Some("not a version")).is_err());
        assert!(validate(Ecosystem::Npm, "@scope/pkg", Some("1.0.0")).is_ok());
        assert!(validate(Ecosystem::Npm, "left-pad", Some("1.0")).is_err());
    }
}
