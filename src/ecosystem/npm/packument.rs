//! npm registry metadata (the "packument"): every version with its publish
//! time, tarball and scripts, turned into ecosystem-neutral facts plus the
//! npm-specific ones (deprecation, repository).

use crate::http;
use crate::verdict::facts::{ProjectMetadata, ReleaseFile};
use serde::Deserialize;
use std::collections::BTreeMap;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

#[derive(Deserialize)]
struct Packument {
    name: String,
    description: Option<String>,
    #[serde(default)]
    versions: BTreeMap<String, VersionDoc>,
    #[serde(default)]
    time: BTreeMap<String, String>,
    repository: Option<Repository>,
    homepage: Option<String>,
}

/// A registry account.
#[derive(Deserialize)]
struct Maintainer {
    name: Option<String>,
}

/// The account names of `maintainers`, sorted.
fn owner_names(maintainers: Vec<Maintainer>) -> Vec<String> {
    let mut owners: Vec<String> = maintainers.into_iter().filter_map(|m| m.name).collect();
    owners.sort();
    owners.dedup();
    owners
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Repository {
    Url(String),
    Object { url: Option<String> },
}

impl Repository {
    fn url(&self) -> Option<&str> {
        match self {
            Repository::Url(u) => Some(u),
            Repository::Object { url } => url.as_deref(),
        }
    }
}

#[derive(Deserialize)]
struct VersionDoc {
    dist: Option<Dist>,
    deprecated: Option<serde_json::Value>,
    repository: Option<Repository>,
    /// The account the registry recorded as publishing this version.
    #[serde(rename = "_npmUser")]
    npm_user: Option<Maintainer>,
}

#[derive(Deserialize)]
struct Dist {
    tarball: Option<String>,
}

/// npm-specific facts about one version.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VersionFacts {
    /// The deprecation message, if the maintainers deprecated it.
    pub deprecated: Option<String>,
}

/// Turns `git+https://github.com/o/r.git` into an https URL the GitHub rule understands.
fn clean_repo_url(url: &str) -> String {
    let u = url.trim_start_matches("git+");
    let u = u
        .strip_prefix("git://")
        .map(|r| format!("https://{r}"))
        .unwrap_or_else(|| u.to_string());
    u.strip_prefix("github:")
        .map(|r| format!("https://github.com/{r}"))
        .unwrap_or(u)
}

/// Parses a packument into project metadata and the facts of `version`.
pub fn parse(json: &[u8], version: &str) -> Result<(ProjectMetadata, VersionFacts), String> {
    let p: Packument = serde_json::from_slice(json).map_err(|e| e.to_string())?;
    let mut urls = BTreeMap::new();
    if let Some(r) = p.repository.as_ref().and_then(Repository::url) {
        urls.insert("Repository".to_string(), clean_repo_url(r));
    }
    if let Some(h) = p.homepage.filter(|h| !h.is_empty()) {
        urls.insert("Homepage".to_string(), h);
    }
    let mut facts = VersionFacts::default();
    let mut releases = BTreeMap::new();
    // Only the version's publisher, as the registry recorded it, counts as
    // its owner: a package's `maintainers` list is its publisher's to edit.
    let mut owners = Vec::new();
    for (v, doc) in &p.versions {
        let uploaded = p
            .time
            .get(v)
            .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok());
        let filename = doc
            .dist
            .as_ref()
            .and_then(|d| d.tarball.as_deref())
            .and_then(|t| t.rsplit('/').next())
            .unwrap_or_default()
            .to_string();
        releases.insert(
            v.clone(),
            vec![ReleaseFile {
                filename,
                sha256: None,
                uploaded,
            }],
        );
        if v == version {
            facts.deprecated = match &doc.deprecated {
                Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
                Some(serde_json::Value::Bool(true)) => Some("deprecated".into()),
                _ => None,
            };
            if let Some(r) = doc.repository.as_ref().and_then(Repository::url) {
                urls.entry("Repository".to_string())
                    .or_insert_with(|| clean_repo_url(r));
            }
            owners.extend(doc.npm_user.as_ref().and_then(|user| user.name.clone()));
        }
    }
    Ok((
        ProjectMetadata {
            name: p.name,
            summary: p.description,
            urls,
            releases,
            owners,
        },
        facts,
    ))
}

/// Fetches and parses the packument of `name` from `registry`.
pub async fn fetch(
    client: &reqwest::Client,
    registry: &str,
    name: &str,
    version: &str,
) -> Result<(ProjectMetadata, VersionFacts), String> {
    let url = super::upstream::packument_url(registry, name);
    let body = get_document(client, &url).await?;
    parse(&body, version).map_err(|e| format!("{url} sent an unexpected packument: {e}"))
}

/// The latest version's document (`{packument}/latest`): its maintainers
/// without the whole packument, which runs to megabytes for popular names.
#[derive(Deserialize)]
struct LatestDoc {
    #[serde(default)]
    maintainers: Vec<Maintainer>,
}

/// Fetches the registry accounts that may publish `name` (its latest
/// version's `maintainers`).
pub async fn fetch_owners(
    client: &reqwest::Client,
    registry: &str,
    name: &str,
) -> Result<Vec<String>, String> {
    let url = format!("{}/latest", super::upstream::packument_url(registry, name));
    let body = get_document(client, &url).await?;
    let doc: LatestDoc = serde_json::from_slice(&body)
        .map_err(|e| format!("{url} sent an unexpected version document: {e}"))?;
    Ok(owner_names(doc.maintainers))
}

/// GETs one JSON document of the registry (the full one: no abbreviated
/// metadata), within the size limit for JSON.
async fn get_document(client: &reqwest::Client, url: &str) -> Result<Vec<u8>, String> {
    http::get_bytes(
        client,
        url,
        &[("Accept", "application/json".into())],
        http::MAX_JSON_BYTES,
    )
    .await
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packument_becomes_metadata_and_version_facts() {
        let doc = br#"{"name":"@s/x","description":"d","repository":{"type":"git","url":"git+https://github.com/o/r.git"},
          "versions":{"1.0.0":{"dist":{"tarball":"http://r/@s/x/-/x-1.0.0.tgz"}},
                      "1.1.0":{"dist":{"tarball":"http://r/@s/x/-/x-1.1.0.tgz"},"deprecated":"use y"}},
          "time":{"created":"2024-01-01T00:00:00.000Z","1.0.0":"2024-01-01T00:00:00.000Z","1.1.0":"2025-06-01T00:00:00.000Z"}}"#;
        let (m, f) = parse(doc, "1.1.0").unwrap();
        assert_eq!(m.release_count(), 2);
        assert_eq!(m.github_repo(), Some(("o".into(), "r".into())));
        assert_eq!(m.releases["1.1.0"][0].filename, "x-1.1.0.tgz");
        assert_eq!(m.last_release().unwrap().year(), 2025);
        assert_eq!(f.deprecated.as_deref(), Some("use y"));
        assert_eq!(parse(doc, "1.0.0").unwrap().1.deprecated, None);
        assert!(m.owners.is_empty(), "no publisher recorded");
        // The owner is the version's publisher, never the editable
        // `maintainers` list.
        let owned = br#"{"name":"x","maintainers":[{"name":"famous"}],
          "versions":{"1":{"_npmUser":{"name":"amy","email":"a@e"}},"2":{"_npmUser":{"name":"zed"}}}}"#;
        assert_eq!(parse(owned, "1").unwrap().0.owners, ["amy"]);
        assert_eq!(parse(owned, "2").unwrap().0.owners, ["zed"]);
        assert!(parse(owned, "3").unwrap().0.owners.is_empty());
        assert!(parse(b"[]", "1").is_err());
    }
}
