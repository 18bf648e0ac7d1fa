//! Gathering what the verdict engine judges a package by: registry
//! metadata, download counts and repository stars, each of which may be
//! unknown with the reason why. Sources are asked concurrently.

use super::Sources;
use crate::ecosystem::{github, pypi::metadata, PackageId};
use crate::verdict::facts::{Facts, Lookup, ProjectMetadata};
use crate::verdict::popular::PopularIndex;

/// Gathers the facts the verdict engine judges `id` by (metadata, downloads, stars).
pub async fn gather_facts(
    client: &reqwest::Client,
    sources: &Sources,
    popular: &PopularIndex,
    id: &PackageId,
) -> Facts {
    let popular_rank = popular.rank(&id.name);
    let metadata = async {
        match metadata::fetch_project(client, &sources.json_url, &id.name).await {
            Ok(m) => Lookup::Found(m),
            Err(e) => Lookup::Unknown(e),
        }
    };
    let downloads = async {
        if let Some(rank) = popular_rank {
            // The shipped snapshot is download evidence; no need to ask.
            return Lookup::Unknown(format!(
                "not asked: rank {rank} in the popular-package snapshot"
            ));
        }
        if sources.downloads_url.is_empty() {
            return Lookup::Unknown("no download statistics source configured".into());
        }
        match metadata::fetch_downloads(client, &sources.downloads_url, &id.name).await {
            Ok(n) => Lookup::Found(n),
            Err(e) => Lookup::Unknown(e.to_string()),
        }
    };
    let (metadata, downloads) = tokio::join!(metadata, downloads);
    let stars = match metadata.found().and_then(ProjectMetadata::github_repo) {
        None if metadata.found().is_some() => Lookup::Found(None),
        None => Lookup::Unknown("project metadata unavailable".into()),
        Some(_) if sources.github_api_url.is_empty() => {
            Lookup::Unknown("no GitHub API configured".into())
        }
        Some((owner, repo)) => match github::fetch_stars(
            client,
            &sources.github_api_url,
            sources.github_token.as_deref(),
            &owner,
            &repo,
        )
        .await
        {
            Ok(n) => Lookup::Found(Some(n)),
            Err(e) => Lookup::Unknown(e.to_string()),
        },
    };
    Facts {
        metadata,
        downloads,
        stars,
        advisories: None,
        artifact_findings: Vec::new(),
        now: time::OffsetDateTime::now_utc(),
    }
}
