//! GitHub repository reputation (stars), used by the reputation rules for
//! both ecosystems. The token, when set, is sent as a header and never shown.

use crate::http::{self, HttpError};
use serde::Deserialize;

#[derive(Deserialize)]
struct RepoJson {
    stargazers_count: u64,
}

/// Stars of `owner/repo` from the GitHub REST API at `api_base`.
pub async fn fetch_stars(
    client: &reqwest::Client,
    api_base: &str,
    token: Option<&str>,
    owner: &str,
    repo: &str,
) -> Result<u64, HttpError> {
    let url = format!("{}/repos/{owner}/{repo}", api_base.trim_end_matches('/'));
    let mut headers = vec![("Accept", "application/vnd.github+json".to_string())];
    if let Some(t) = token {
        headers.push(("Authorization", format!("Bearer {t}")));
    }
    let r: RepoJson = http::get_json(client, &url, &headers).await?;
    Ok(r.stargazers_count)
}
