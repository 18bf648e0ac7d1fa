//! Advisory look-ups for the worker: the OSV-compatible API (one batch
//! query for a whole tree, prefetched by the install flow) and the offline
//! database imported with `secpip db import-osv`. Either may answer; only
//! when every configured source fails is the answer "unknown".

use crate::advisories::api::OsvClient;
use crate::advisories::offline::{self, OfflineDb, OfflineError};
use crate::advisories::Advisory;
use crate::ecosystem::PackageId;
use crate::verdict::facts::Lookup;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// Where advisories come from.
#[derive(Debug, Clone, Default)]
pub struct AdvisorySources {
    /// OSV-compatible API base; empty = not asked.
    pub osv_url: String,
    /// The offline database file, if one was imported.
    pub offline_db: Option<PathBuf>,
}

impl AdvisorySources {
    /// Sources for a data dir: the API URL and the offline db if present.
    pub fn new(osv_url: &str, data_dir: &std::path::Path) -> AdvisorySources {
        let path = offline::path_in(data_dir);
        AdvisorySources {
            osv_url: osv_url.to_string(),
            offline_db: path.is_file().then_some(path),
        }
    }

    /// Is any source configured?
    pub fn any(&self) -> bool {
        !self.osv_url.is_empty() || self.offline_db.is_some()
    }
}

/// API answers fetched ahead of the scans (one batch per install).
#[derive(Default)]
pub struct Prefetched {
    answers: Mutex<HashMap<String, Result<Vec<Advisory>, String>>>,
}

impl Prefetched {
    /// Queries the API once for all of `ids` and remembers the answers.
    pub async fn fill(
        &self,
        client: &reqwest::Client,
        sources: &AdvisorySources,
        ids: &[PackageId],
    ) {
        if sources.osv_url.is_empty() || ids.is_empty() {
            return;
        }
        let result = OsvClient::new(&sources.osv_url, client.clone())
            .query(ids)
            .await;
        if let Ok(mut answers) = self.answers.lock() {
            match result {
                Ok(mut map) => {
                    for id in ids {
                        answers.insert(id.key(), Ok(map.remove(&id.key()).unwrap_or_default()));
                    }
                }
                Err(e) => {
                    for id in ids {
                        answers.insert(id.key(), Err(e.to_string()));
                    }
                }
            }
        }
    }

    fn take(&self, key: &str) -> Option<Result<Vec<Advisory>, String>> {
        self.answers.lock().ok()?.remove(key)
    }
}

fn offline_lookup(path: PathBuf, id: PackageId) -> Result<Option<Vec<Advisory>>, String> {
    let db = OfflineDb::open(&path).map_err(|e| e.to_string())?;
    match db.lookup(id.ecosystem, &id.name, &id.version) {
        Ok(v) => Ok(Some(v)),
        Err(OfflineError::NotImported(_)) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// Advisories for `id`: `None` when no source is configured.
pub async fn lookup(
    client: &reqwest::Client,
    sources: &AdvisorySources,
    prefetched: &Prefetched,
    id: &PackageId,
) -> Option<Lookup<Vec<Advisory>>> {
    if !sources.any() {
        return None;
    }
    let mut found: Option<Vec<Advisory>> = None;
    let mut errors = Vec::new();
    if !sources.osv_url.is_empty() {
        let answer = match prefetched.take(&id.key()) {
            Some(a) => a,
            None => OsvClient::new(&sources.osv_url, client.clone())
                .query(std::slice::from_ref(id))
                .await
                .map(|mut m| m.remove(&id.key()).unwrap_or_default())
                .map_err(|e| e.to_string()),
        };
        match answer {
            Ok(v) => found = Some(v),
            Err(e) => errors.push(e),
        }
    }
    if let Some(path) = sources.offline_db.clone() {
        let id2 = id.clone();
        match tokio::task::spawn_blocking(move || offline_lookup(path, id2)).await {
            Ok(Ok(Some(v))) => found.get_or_insert_with(Vec::new).extend(v),
            Ok(Ok(None)) => {}
            Ok(Err(e)) => errors.push(e),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if found.is_none() && errors.is_empty() {
        // No source covers this ecosystem (e.g. only PyPI was imported and
        // the API is off): the rule does not apply, rather than failing closed.
        return None;
    }
    Some(match found {
        Some(mut v) => {
            v.sort_by(|a, b| a.id.cmp(&b.id));
            v.dedup_by(|a, b| a.id == b.id);
            Lookup::Found(v)
        }
        None => Lookup::Unknown(errors.join("; ")),
    })
}
