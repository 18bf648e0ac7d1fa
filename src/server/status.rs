//! `GET /v1/status/{ecosystem}/{name}/{version}` and `POST /v1/status`:
//! rows of the status table, in the `secpip status --json` shape.
//!
//! `?wait=SECS` turns a read into a long-poll: the answer comes as soon as
//! every requested row is SECURE or BLOCK (or its scan failed), or when the
//! wait ends — so a client waiting for verdicts makes one request instead of
//! polling. Changes made through this server wake waiters at once; changes
//! made by other processes on the same file are seen within half a second.

use super::{check, json_response, ApiError, Shared, MAX_WAIT_SECS};
use crate::ecosystem::PackageId;
use crate::queue::ScanQueue;
use crate::report::json;
use crate::store::{Record, Status};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use std::time::Duration;
use tokio::time::Instant;

/// Most keys one status request may ask about.
pub const MAX_KEYS: usize = 1000;

/// `?wait=SECS`.
#[derive(Debug, Deserialize)]
pub struct WaitQuery {
    wait: Option<u64>,
}

/// The body of `POST /v1/status`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysIn {
    keys: Vec<String>,
}

/// Parses a store key `{ecosystem}:{name}@{version}` (npm scopes included).
pub fn parse_key(key: &str) -> Result<PackageId, ApiError> {
    let bad = || ApiError::bad_request(format!("{key:?} is not a key like pypi:name@1.0"));
    let (eco, rest) = key.split_once(':').ok_or_else(bad)?;
    let eco = check::ecosystem(eco)?;
    let (name, version) = rest.rsplit_once('@').ok_or_else(bad)?;
    if name.is_empty() {
        return Err(bad());
    }
    check::validate(eco, name, Some(version)).map_err(ApiError::bad_request)?;
    Ok(PackageId::new(eco, name, version))
}

/// Reads the rows of `ids`, waiting up to `wait` for all to be decided.
async fn rows_waiting(
    state: &Shared,
    ids: &[PackageId],
    wait: Option<u64>,
) -> Result<Vec<Option<Record>>, ApiError> {
    let wait = Duration::from_secs(wait.unwrap_or(0).min(MAX_WAIT_SECS));
    let deadline = Instant::now() + wait;
    loop {
        // Subscribe before reading, so a change in between is not missed.
        let changed = state.changed.notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        let rows = state.store.get_many(ids).await?;
        let settled = ids.iter().zip(&rows).all(|(id, r)| match r {
            Some(r) => r.status != Status::Check,
            None => state.queue.failure(&id.key()).is_some(),
        });
        let now = Instant::now();
        if settled || now >= deadline {
            return Ok(rows);
        }
        let nap = (deadline - now).min(Duration::from_millis(500));
        tokio::select! {
            _ = &mut changed => {}
            _ = tokio::time::sleep(nap) => {}
        }
    }
}

/// A row, or for an absent one `{"key", "status": null}` with the scan's error if it failed.
fn row_json(state: &Shared, id: &PackageId, row: Option<&Record>) -> serde_json::Value {
    match row {
        Some(r) => json::record(r),
        None => {
            let key = id.key();
            let mut v = serde_json::json!({ "key": key, "status": null });
            if let Some(e) = state.queue.failure(&key) {
                v["error"] = serde_json::Value::String(e);
            }
            v
        }
    }
}

/// `GET /v1/status/{ecosystem}/{name}/{version}[?wait=SECS]`; 404 when there is no row.
pub async fn one(
    State(state): State<Shared>,
    Path((eco, name, version)): Path<(String, String, String)>,
    Query(q): Query<WaitQuery>,
) -> Result<Response, ApiError> {
    let eco = check::ecosystem(&eco)?;
    check::validate(eco, &name, Some(&version)).map_err(ApiError::bad_request)?;
    let id = PackageId::new(eco, &name, &version);
    let rows = rows_waiting(&state, std::slice::from_ref(&id), q.wait).await?;
    let row = rows.into_iter().next().flatten();
    let status = if row.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok(json_response(status, &row_json(&state, &id, row.as_ref())))
}

/// `POST /v1/status[?wait=SECS]` with `{"keys": [...]}`: one element per key, in order.
pub async fn many(
    State(state): State<Shared>,
    Query(q): Query<WaitQuery>,
    Json(body): Json<KeysIn>,
) -> Result<Response, ApiError> {
    if body.keys.is_empty() || body.keys.len() > MAX_KEYS {
        return Err(ApiError::bad_request(format!(
            "keys must hold 1 to {MAX_KEYS} entries"
        )));
    }
    let ids = body
        .keys
        .iter()
        .map(|k| parse_key(k))
        .collect::<Result<Vec<_>, _>>()?;
    let rows = rows_waiting(&state, &ids, q.wait).await?;
    let out: Vec<_> = ids
        .iter()
        .zip(&rows)
        .map(|(id, r)| row_json(&state, id, r.as_ref()))
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &serde_json::Value::Array(out),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecosystem::Ecosystem;

    #[test]
    fn keys_parse_with_scopes_and_normalize() {
        let id = parse_key("pypi:Foo_Bar@1.0").unwrap();
        assert_eq!(id.key(), "pypi:foo-bar@1.0");
        let id = parse_key("npm:@scope/pkg@1.2.3").unwrap();
        assert_eq!(
            (id.ecosystem, id.name.as_str(), id.version.as_str()),
            (Ecosystem::Npm, "@scope/pkg", "1.2.3")
        );
        assert!(parse_key("pypi:foo").is_err());
        assert!(parse_key("cargo:foo@1").is_err());
        assert!(parse_key("pypi:@1.0").is_err());
    }
}
