//! The upstream JSON metadata API (`{json_url}/{name}/json`) and the
//! download-statistics API, turned into ecosystem-neutral facts.

use crate::http::{self, HttpError};
use crate::verdict::facts::{ProjectMetadata, ReleaseFile};
use serde::Deserialize;
use std::collections::BTreeMap;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

#[derive(Deserialize)]
struct ProjectJson {
    info: InfoJson,
    #[serde(default)]
    releases: BTreeMap<String, Vec<FileJson>>,
    ownership: Option<OwnershipJson>,
}

/// The accounts the index says own the project (`ownership` of the JSON API).
#[derive(Deserialize)]
struct OwnershipJson {
    organization: Option<String>,
    #[serde(default)]
    roles: Vec<RoleJson>,
}

#[derive(Deserialize)]
struct RoleJson {
    user: String,
}

impl OwnershipJson {
    fn owners(self) -> Vec<String> {
        let mut owners: Vec<String> = self.roles.into_iter().map(|role| role.user).collect();
        owners.extend(
            self.organization
                .filter(|org| !org.is_empty())
                .map(|org| format!("organization:{org}")),
        );
        owners.sort();
        owners.dedup();
        owners
    }
}

#[derive(Deserialize)]
struct InfoJson {
    name: String,
    summary: Option<String>,
    home_page: Option<String>,
    project_urls: Option<BTreeMap<String, Option<String>>>,
}

#[derive(Deserialize)]
struct FileJson {
    filename: String,
    #[serde(default)]
    digests: BTreeMap<String, String>,
    upload_time_iso_8601: Option<String>,
    upload_time: Option<String>,
}

/// Parses the JSON API's project document.
pub fn parse_project(json: &[u8]) -> Result<ProjectMetadata, String> {
    let p: ProjectJson = serde_json::from_slice(json).map_err(|e| e.to_string())?;
    let mut urls = BTreeMap::new();
    if let Some(h) = p.info.home_page.filter(|h| !h.is_empty()) {
        urls.insert("Homepage".to_string(), h);
    }
    for (k, v) in p.info.project_urls.unwrap_or_default() {
        if let Some(v) = v {
            urls.insert(k, v);
        }
    }
    let releases = p
        .releases
        .into_iter()
        .map(|(version, files)| {
            let files = files
                .into_iter()
                .map(|f| ReleaseFile {
                    uploaded: f
                        .upload_time_iso_8601
                        .as_deref()
                        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
                        .or_else(|| {
                            f.upload_time.as_deref().and_then(|t| {
                                OffsetDateTime::parse(&format!("{t}Z"), &Rfc3339).ok()
                            })
                        }),
                    sha256: f.digests.get("sha256").map(|s| s.to_ascii_lowercase()),
                    filename: f.filename,
                })
                .collect();
            (version, files)
        })
        .collect();
    Ok(ProjectMetadata {
        name: p.info.name,
        summary: p.info.summary,
        urls,
        releases,
        owners: p.ownership.map(OwnershipJson::owners).unwrap_or_default(),
    })
}

/// Fetches project metadata from the JSON API.
pub async fn fetch_project(
    client: &reqwest::Client,
    json_url: &str,
    name: &str,
) -> Result<ProjectMetadata, String> {
    let url = format!("{}/{}/json", json_url.trim_end_matches('/'), name);
    let body = http::get_bytes(client, &url, &[], http::MAX_JSON_BYTES)
        .await
        .map_err(|e| e.to_string())?;
    parse_project(&body).map_err(|e| format!("{url} sent unexpected JSON: {e}"))
}

#[derive(Deserialize)]
struct StatsJson {
    data: StatsData,
}

#[derive(Deserialize)]
struct StatsData {
    last_month: u64,
}

/// Downloads in the last month from a stats API (`{name}` in the URL template).
pub async fn fetch_downloads(
    client: &reqwest::Client,
    url_template: &str,
    name: &str,
) -> Result<u64, HttpError> {
    let url = url_template.replace("{name}", name);
    let stats: StatsJson = http::get_json(client, &url, &[]).await?;
    Ok(stats.data.last_month)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_json_is_parsed_with_both_time_formats() {
        let json = br#"{"info":{"name":"Alpha","summary":"s","home_page":"","project_urls":{"Source":"https://github.com/o/r","Docs":null}},
          "releases":{"1.0":[{"filename":"a-1.0.tar.gz","digests":{"sha256":"AA"},"upload_time_iso_8601":"2024-01-02T03:04:05.123456Z"}],
                      "1.1":[{"filename":"a-1.1.tar.gz","digests":{},"upload_time":"2025-01-02T03:04:05"}],"2.0":[]}}"#;
        let m = parse_project(json).unwrap();
        assert_eq!(m.release_count(), 2);
        assert_eq!(m.github_repo(), Some(("o".into(), "r".into())));
        assert_eq!(m.last_release().unwrap().year(), 2025);
        assert_eq!(m.releases["1.0"][0].sha256.as_deref(), Some("aa"));
        assert!(parse_project(b"{\"info\":1}").is_err());
        assert!(m.owners.is_empty(), "no ownership listed");
    }

    #[test]
    fn ownership_becomes_owners() {
        let json = br#"{"info":{"name":"a"},"releases":{},
          "ownership":{"organization":"acme","roles":[{"role":"Owner","user":"zed"},{"role":"Maintainer","user":"amy"}]}}"#;
        assert_eq!(
            parse_project(json).unwrap().owners,
            ["amy", "organization:acme", "zed"]
        );
        let no_org = br#"{"info":{"name":"a"},"ownership":{"organization":null,"roles":[]}}"#;
        assert!(parse_project(no_org).unwrap().owners.is_empty());
    }
}
