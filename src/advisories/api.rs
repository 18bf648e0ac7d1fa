//! The online source: an OSV-compatible API (`/v1/querybatch` + `/v1/vulns/{id}`).
//!
//! One install asks about a whole resolved tree, so the client sends one
//! batch query for every package version (in chunks the API accepts), then
//! fetches each distinct advisory once, however many packages share it:
//! the batch endpoint answers with ids only. The base URL is configurable so
//! a mirror (or a test server on loopback) can stand in for the public API.

use super::{osv_ecosystem, Advisory, Record};
use crate::ecosystem::PackageId;
use crate::http::{HttpError, MAX_JSON_BYTES};
use futures_util::StreamExt;
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};

/// The public OSV API.
pub const DEFAULT_API_URL: &str = "https://api.osv.dev";
/// Most queries one `querybatch` request may carry.
pub const MAX_BATCH: usize = 1000;
/// Most follow-up pages fetched for one package before giving up on it.
pub const MAX_PAGES: usize = 20;
/// Advisory details fetched at the same time.
const CONCURRENT_FETCHES: usize = 8;

/// Why the advisory source could not answer; the URL is always named.
#[derive(Debug, thiserror::Error)]
pub enum OsvError {
    /// Transport, status, size or JSON error from the server.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The server answered, but not in the shape OSV promises.
    #[error("{url} answered unexpectedly: {message}")]
    Shape {
        /// The URL.
        url: String,
        /// What was wrong.
        message: String,
    },
    /// A record fetched from the server is not a valid OSV record.
    #[error("{url} sent an invalid OSV record: {source}")]
    Record {
        /// The URL.
        url: String,
        /// The parse error.
        source: super::RecordError,
    },
}

/// A client of one OSV-compatible API.
#[derive(Debug, Clone)]
pub struct OsvClient {
    base: String,
    client: reqwest::Client,
}

#[derive(Debug, Deserialize)]
struct BatchResponse {
    #[serde(default)]
    results: Vec<BatchResult>,
}

#[derive(Debug, Default, Deserialize)]
struct BatchResult {
    #[serde(default)]
    vulns: Vec<VulnRef>,
    #[serde(default)]
    next_page_token: Option<String>,
}

#[derive(Debug, Deserialize)]
struct VulnRef {
    id: String,
}

/// OSV ids are short ASCII tokens; anything else could steer the detail URL.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && !id.starts_with('.')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

impl OsvClient {
    /// A client of the API at `base` (e.g. [`DEFAULT_API_URL`]), using the
    /// crate's shared HTTP client (`crate::http::client`).
    pub fn new(base: &str, client: reqwest::Client) -> OsvClient {
        OsvClient {
            base: base.trim_end_matches('/').to_string(),
            client,
        }
    }

    /// Advisories affecting each package, keyed by [`PackageId::key`]; every
    /// package asked about has an entry (empty when nothing is known).
    pub async fn query(
        &self,
        packages: &[PackageId],
    ) -> Result<HashMap<String, Vec<Advisory>>, OsvError> {
        let mut ids: Vec<BTreeSet<String>> = vec![BTreeSet::new(); packages.len()];
        let mut start = 0;
        for chunk in packages.chunks(MAX_BATCH) {
            let queries: Vec<_> = chunk.iter().map(|p| query_json(p, None)).collect();
            let results = self.batch(queries).await?;
            for (offset, result) in results.into_iter().enumerate() {
                let i = start + offset;
                ids[i].extend(result.vulns.into_iter().map(|v| v.id));
                let mut token = result.next_page_token;
                let mut pages = 0;
                while let Some(t) = token.filter(|t| !t.is_empty()) {
                    pages += 1;
                    if pages > MAX_PAGES {
                        return Err(self.shape(format!(
                            "{} has more than {MAX_PAGES} pages of advisories",
                            packages[i]
                        )));
                    }
                    let mut more = self.batch(vec![query_json(&packages[i], Some(&t))]).await?;
                    let page = more.pop().unwrap_or_default();
                    ids[i].extend(page.vulns.into_iter().map(|v| v.id));
                    token = page.next_page_token;
                }
            }
            start += chunk.len();
        }

        let wanted: BTreeSet<String> = ids.iter().flatten().cloned().collect();
        if let Some(bad) = wanted.iter().find(|id| !valid_id(id)) {
            return Err(self.shape(format!("advisory id {bad:?} is not a valid OSV id")));
        }
        // Owned ids and boxed futures keep this future `Send` for any caller
        // (borrowing closures here trip rustc's higher-ranked lifetime check).
        let futures: Vec<_> = wanted
            .iter()
            .cloned()
            .map(|id| {
                let this = self.clone();
                Box::pin(async move { this.vuln(&id).await })
                    as std::pin::Pin<Box<dyn std::future::Future<Output = _> + Send>>
            })
            .collect();
        let mut fetches = futures_util::stream::iter(futures).buffer_unordered(CONCURRENT_FETCHES);
        let mut records: HashMap<String, Record> = HashMap::new();
        while let Some(fetched) = fetches.next().await {
            let (id, record) = fetched?;
            records.insert(id, record);
        }

        let mut out = HashMap::with_capacity(packages.len());
        for (p, ids) in packages.iter().zip(ids) {
            let advisories = ids
                .iter()
                .filter_map(|id| records.get(id))
                .map(|r| r.advisory_for(p.ecosystem, &p.name, &p.version))
                .collect();
            out.insert(p.key(), advisories);
        }
        Ok(out)
    }

    fn shape(&self, message: String) -> OsvError {
        OsvError::Shape {
            url: format!("{}/v1/querybatch", self.base),
            message,
        }
    }

    async fn batch(&self, queries: Vec<serde_json::Value>) -> Result<Vec<BatchResult>, OsvError> {
        let url = format!("{}/v1/querybatch", self.base);
        let asked = queries.len();
        let body = serde_json::json!({ "queries": queries });
        let resp: BatchResponse = post_json(&self.client, &url, &body).await?;
        if resp.results.len() != asked {
            return Err(OsvError::Shape {
                url,
                message: format!("{} results for {asked} queries", resp.results.len()),
            });
        }
        Ok(resp.results)
    }

    async fn vuln(&self, id: &str) -> Result<(String, Record), OsvError> {
        let url = format!("{}/v1/vulns/{id}", self.base);
        let body = crate::http::get_bytes(&self.client, &url, &[], MAX_JSON_BYTES).await?;
        let record = Record::parse(&body).map_err(|source| OsvError::Record {
            url: url.clone(),
            source,
        })?;
        Ok((id.to_string(), record))
    }
}

fn query_json(p: &PackageId, page_token: Option<&str>) -> serde_json::Value {
    let mut q = serde_json::json!({
        "package": { "name": p.name, "ecosystem": osv_ecosystem(p.ecosystem) },
        "version": p.version,
    });
    if let Some(t) = page_token {
        q["page_token"] = serde_json::Value::String(t.to_string());
    }
    q
}

/// POSTs `body` as JSON and parses the JSON answer, with the same size cap
/// and URL-naming errors as `crate::http::get_json`.
async fn post_json<T: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    url: &str,
    body: &serde_json::Value,
) -> Result<T, HttpError> {
    let transport = |e: reqwest::Error| HttpError::Transport {
        url: url.to_string(),
        message: crate::http::describe(e),
    };
    let resp = client
        .post(url)
        .json(body)
        .send()
        .await
        .map_err(transport)?;
    let status = resp.status();
    if !status.is_success() {
        return Err(HttpError::Status {
            url: url.to_string(),
            status: status.as_u16(),
        });
    }
    let too_large = || HttpError::TooLarge {
        url: url.to_string(),
        limit: MAX_JSON_BYTES,
    };
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_JSON_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(transport)?;
        if bytes.len() + chunk.len() > MAX_JSON_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&bytes).map_err(|e| HttpError::Json {
        url: url.to_string(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecosystem::Ecosystem;
    use serde_json::json;
    use std::time::Duration;
    use wiremock::matchers::{body_partial_json, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    fn client(server: &MockServer) -> OsvClient {
        OsvClient::new(
            &format!("{}/", server.uri()),
            crate::http::client(Duration::from_secs(5)),
        )
    }

    fn vuln(id: &str, pkg: &str, eco: &str, fixed: &str) -> serde_json::Value {
        json!({"id": id, "summary": format!("{id} summary"), "affected": [{
            "package": {"ecosystem": eco, "name": pkg},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}]})
    }

    #[tokio::test]
    async fn batch_then_details_fetched_once_per_id() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/querybatch"))
            .and(body_partial_json(json!({"queries": [
                {"package": {"name": "flask", "ecosystem": "PyPI"}, "version": "0.5"},
                {"package": {"name": "@scope/pkg", "ecosystem": "npm"}, "version": "1.0.0"},
                {"package": {"name": "clean", "ecosystem": "PyPI"}, "version": "1.0"},
            ]})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": [
                {"vulns": [{"id": "PYSEC-1", "modified": "x"}, {"id": "GHSA-aaaa"}]},
                {"vulns": [{"id": "MAL-2024-1"}], "next_page_token": "p2"},
                {},
            ]})))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/v1/querybatch"))
            .and(body_partial_json(
                json!({"queries": [{"page_token": "p2"}]}),
            ))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"results": [{"vulns": [{"id": "GHSA-aaaa"}]}]})),
            )
            .expect(1)
            .mount(&server)
            .await;
        for (id, pkg, eco) in [
            ("PYSEC-1", "flask", "PyPI"),
            ("GHSA-aaaa", "flask", "PyPI"),
            ("MAL-2024-1", "@scope/pkg", "npm"),
        ] {
            Mock::given(method("GET"))
                .and(path(format!("/v1/vulns/{id}")))
                .respond_with(ResponseTemplate::new(200).set_body_json(vuln(id, pkg, eco, "2.0.0")))
                .expect(1)
                .mount(&server)
                .await;
        }
        let flask = PackageId::new(Ecosystem::Pypi, "Flask", "0.5");
        let scoped = PackageId::new(Ecosystem::Npm, "@scope/pkg", "1.0.0");
        let clean = PackageId::new(Ecosystem::Pypi, "clean", "1.0");
        let got = client(&server)
            .query(&[flask.clone(), scoped.clone(), clean.clone()])
            .await
            .unwrap();
        let ids =
            |k: &PackageId| -> Vec<String> { got[&k.key()].iter().map(|a| a.id.clone()).collect() };
        assert_eq!(ids(&flask), vec!["GHSA-aaaa", "PYSEC-1"]);
        assert_eq!(ids(&scoped), vec!["GHSA-aaaa", "MAL-2024-1"]);
        assert!(got[&clean.key()].is_empty());
        assert_eq!(got[&flask.key()][0].fixed, vec!["2.0.0"]);
        assert!(got[&scoped.key()][1].malicious);
    }

    #[tokio::test]
    async fn server_error_names_the_url() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/querybatch"))
            .respond_with(ResponseTemplate::new(500))
            .mount(&server)
            .await;
        let err = client(&server)
            .query(&[PackageId::new(Ecosystem::Pypi, "x", "1")])
            .await
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            format!("{}/v1/querybatch answered HTTP 500", server.uri())
        );
    }

    #[tokio::test]
    async fn detail_failure_and_hostile_ids_are_errors() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/querybatch"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"results": [{"vulns": [{"id": "GHSA-gone"}]}]})),
            )
            .mount(&server)
            .await;
        let pkgs = [PackageId::new(Ecosystem::Pypi, "x", "1")];
        let err = client(&server).query(&pkgs).await.unwrap_err().to_string();
        assert!(
            err.contains("/v1/vulns/GHSA-gone answered HTTP 404"),
            "{err}"
        );

        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/querybatch"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"results": [{"vulns": [{"id": "../admin"}]}]})),
            )
            .mount(&server)
            .await;
        let err = client(&server).query(&pkgs).await.unwrap_err().to_string();
        assert!(err.contains("not a valid OSV id"), "{err}");
    }

    #[tokio::test]
    async fn large_trees_are_sent_in_chunks_of_at_most_1000() {
        let server = MockServer::start().await;
        let results = |n: usize| json!({"results": vec![json!({}); n]});
        Mock::given(method("POST"))
            .and(path("/v1/querybatch"))
            .and(wiremock::matchers::body_string_contains("\"pkg-0\""))
            .respond_with(ResponseTemplate::new(200).set_body_json(results(1000)))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/v1/querybatch"))
            .and(wiremock::matchers::body_string_contains("\"pkg-1000\""))
            .respond_with(ResponseTemplate::new(200).set_body_json(results(1)))
            .expect(1)
            .mount(&server)
            .await;
        let pkgs: Vec<_> = (0..1001)
            .map(|i| PackageId::new(Ecosystem::Npm, &format!("pkg-{i}"), "1.0.0"))
            .collect();
        let got = client(&server).query(&pkgs).await.unwrap();
        assert_eq!(got.len(), 1001);
        assert!(got.values().all(Vec::is_empty));
    }
}
