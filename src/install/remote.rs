//! Remote mode: with a team server configured (`--server URL`), the tree is
//! still resolved here, but verdicts, the status table and the secure index
//! are the server's. The embedded store is not touched.

use super::{InstallError, Outcome};
use crate::config::{ServerSettings, Settings};
use crate::ecosystem::ResolvedPackage;
use crate::report::progress::Progress;
use crate::store::{Record, Status};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Why talking to the server failed.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    /// Transport or status error.
    #[error("team server {url}: {message}")]
    Http {
        /// The URL.
        url: String,
        /// What happened (401/403 include a hint).
        message: String,
    },
    /// The answer was not what the API documents.
    #[error("team server {url} sent an unexpected answer: {message}")]
    Shape {
        /// The URL.
        url: String,
        /// Parser error.
        message: String,
    },
    /// Verdicts did not arrive in time.
    #[error("timed out after {0}s waiting for the team server's verdicts on: {1}")]
    Timeout(u64, String),
}

/// A client of `secpip serve`'s scan and status API.
pub struct ServerClient {
    base: String,
    token: Option<String>,
    client: reqwest::Client,
}

impl ServerClient {
    /// A client for `server`.
    pub fn new(server: &ServerSettings, timeout: Duration) -> ServerClient {
        ServerClient {
            base: server.url.clone(),
            token: server.token.clone(),
            client: crate::http::client(timeout),
        }
    }

    /// The server's PEP 503 index.
    pub fn pip_index_url(&self) -> String {
        format!("{}/simple/", self.base)
    }

    /// The server's npm registry.
    pub fn npm_registry_url(&self) -> String {
        format!("{}/npm/", self.base)
    }

    /// GETs `path` (with the token) and parses JSON.
    pub async fn get(&self, path: &str) -> Result<serde_json::Value, RemoteError> {
        let url = format!("{}{path}", self.base);
        let mut req = self.client.get(&url);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.map_err(|e| RemoteError::Http {
            url: url.clone(),
            message: crate::http::describe(e),
        })?;
        Self::json_of(url, resp).await
    }

    async fn json_of(
        url: String,
        resp: reqwest::Response,
    ) -> Result<serde_json::Value, RemoteError> {
        let status = resp.status();
        if !status.is_success() {
            let hint = match status.as_u16() {
                401 => "; set SECPIP_TOKEN",
                403 => "; SECPIP_TOKEN is not accepted",
                _ => "",
            };
            let body = resp.text().await.unwrap_or_default();
            return Err(RemoteError::Http {
                url,
                message: format!(
                    "HTTP {status}{hint} {}",
                    body.chars().take(300).collect::<String>()
                ),
            });
        }
        resp.json().await.map_err(|e| RemoteError::Shape {
            url,
            message: e.to_string(),
        })
    }

    /// POSTs JSON to `path` (with the token) and parses the JSON answer.
    pub async fn post(
        &self,
        path: &str,
        body: serde_json::Value,
    ) -> Result<serde_json::Value, RemoteError> {
        let url = format!("{}{path}", self.base);
        let mut req = self.client.post(&url).json(&body);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.map_err(|e| RemoteError::Http {
            url: url.clone(),
            message: crate::http::describe(e),
        })?;
        Self::json_of(url, resp).await
    }

    /// Asks the server to vet `tree` (it claims; a vetted package starts no scan).
    pub async fn submit(&self, tree: &[ResolvedPackage]) -> Result<(), RemoteError> {
        let packages: Vec<_> = tree
            .iter()
            .map(|p| {
                serde_json::json!({
                    "ecosystem": p.id.ecosystem.as_str(),
                    "name": p.id.name,
                    "version": p.id.version,
                    "artifacts": p.artifacts,
                })
            })
            .collect();
        self.post("/v1/scans", serde_json::json!({ "packages": packages }))
            .await?;
        Ok(())
    }

    /// Rows for `keys`, long-polling up to `wait` seconds for decisions.
    pub async fn status(&self, keys: &[String], wait: u64) -> Result<Vec<Record>, RemoteError> {
        let answer = self
            .post(
                &format!("/v1/status?wait={wait}"),
                serde_json::json!({ "keys": keys }),
            )
            .await?;
        let rows = match answer {
            serde_json::Value::Array(a) => a,
            serde_json::Value::Object(o) => o
                .into_iter()
                .find_map(|(_, v)| v.as_array().cloned())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        Ok(rows
            .into_iter()
            .filter_map(|r| serde_json::from_value::<Record>(r).ok())
            .collect())
    }
}

/// Submits `tree` to the server and waits until every package is decided.
pub async fn vet(
    settings: &Settings,
    server: &ServerClient,
    tree: &[ResolvedPackage],
    progress: &dyn Progress,
) -> Result<Option<Vec<Record>>, InstallError> {
    server.submit(tree).await?;
    let keys: Vec<String> = tree.iter().map(|p| p.id.key()).collect();
    let started = Instant::now();
    let timeout = settings.install.timeout_secs;
    let mut decided: BTreeMap<String, Record> = BTreeMap::new();
    progress.start(keys.len(), 0);
    loop {
        let pending: Vec<String> = keys
            .iter()
            .filter(|k| !decided.contains_key(*k))
            .cloned()
            .collect();
        if pending.is_empty() {
            break;
        }
        if started.elapsed() > Duration::from_secs(timeout) {
            return Err(RemoteError::Timeout(timeout, pending.join(", ")).into());
        }
        let wait = 20.min(timeout.saturating_sub(started.elapsed().as_secs()).max(1));
        for r in server.status(&pending, wait).await? {
            if r.status != Status::Check && pending.contains(&r.key) {
                progress.decided(&r.id, r.status);
                decided.insert(r.key.clone(), r);
            }
        }
    }
    progress.finish();
    let blocked: Vec<Record> = decided
        .into_values()
        .filter(|r| r.status == Status::Block)
        .collect();
    Ok((!blocked.is_empty()).then_some(blocked))
}

/// The pip flow against a team server.
pub async fn install_pip(
    settings: &Settings,
    server_settings: &ServerSettings,
    req: &super::InstallRequest,
    progress: &dyn Progress,
) -> Result<Outcome, InstallError> {
    use crate::ecosystem::pypi::{installer, resolver, upstream};
    let server = ServerClient::new(server_settings, Duration::from_secs(60));
    let up = upstream::discover(
        &settings.pypi.python,
        settings.pypi.index_url.as_deref(),
        settings.pypi.json_url.as_deref(),
    )
    .await?;
    progress.resolving(&req.requirements.join(" "));
    let tree = resolver::resolve(
        &settings.pypi.python,
        &up.index_url,
        &req.requirements,
        &req.pip_args,
    )
    .await
    .map_err(|e| {
        super::suggest::explain_pip_error(
            e,
            &up.index_url,
            &settings.data_dir,
            &settings.policy.typosquat,
        )
    })?;
    if let Some(blocked) = vet(settings, &server, &tree, progress).await? {
        return Ok(Outcome::Blocked(blocked));
    }
    let pins: Vec<_> = tree.iter().map(|p| p.id.clone()).collect();
    let code = installer::install(
        &settings.pypi.python,
        &server.pip_index_url(),
        &req.requirements,
        &pins,
        &req.pip_args,
        settings.output.json,
    )
    .await
    .map_err(InstallError::Pip)?;
    Ok(Outcome::Installed {
        code,
        skipped: Vec::new(),
    })
}
