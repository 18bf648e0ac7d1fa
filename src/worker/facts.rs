//! Gathering what the verdict engine judges a package by: registry
//! metadata, download counts and repository stars, each of which may be
//! unknown with the reason why, and the registry owners of the popular
//! packages its name resembles. Sources are asked concurrently.

use std::collections::BTreeMap;

use super::Sources;
use crate::ecosystem::{github, npm::packument, pypi::metadata, Ecosystem, PackageId};
use crate::verdict::facts::{Facts, Lookup, ProjectMetadata};
use crate::verdict::popular::PopularIndex;
use crate::verdict::typosquat::{self, TyposquatConfig};

/// At most this many resembled popular packages are asked for their
/// owners: the best matches, which decide the finding.
const MAX_OWNER_LOOKUPS: usize = 3;

/// Gathers the facts the verdict engine judges `id` by (metadata,
/// downloads, stars, and the owners of the popular packages its name
/// resembles under `typosquat`).
pub async fn gather_facts(
    client: &reqwest::Client,
    sources: &Sources,
    popular: &PopularIndex,
    typosquat: &TyposquatConfig,
    id: &PackageId,
) -> Facts {
    let popular_rank = popular.rank(&id.name);

    let metadata = async {
        match id.ecosystem {
            Ecosystem::Pypi => {
                match metadata::fetch_project(client, &sources.json_url, &id.name).await {
                    Ok(m) => (Lookup::Found(m), None),
                    Err(e) => (Lookup::Unknown(e), None),
                }
            }
            Ecosystem::Npm => {
                match packument::fetch(client, &sources.npm_registry, &id.name, &id.version).await {
                    Ok((m, f)) => (Lookup::Found(m), f.deprecated),
                    Err(e) => (Lookup::Unknown(e), None),
                }
            }
        }
    };
    let downloads = async {
        if let Some(rank) = popular_rank {
            // The shipped snapshot is download evidence; no need to ask.
            return Lookup::Unknown(format!(
                "not asked: rank {rank} in the popular-package snapshot"
            ));
        }
        let template = match id.ecosystem {
            Ecosystem::Pypi => &sources.downloads_url,
            Ecosystem::Npm => &sources.npm_downloads_url,
        };
        if template.is_empty() {
            return Lookup::Unknown("no download statistics source configured".into());
        }
        let result = match id.ecosystem {
            Ecosystem::Pypi => metadata::fetch_downloads(client, template, &id.name).await,
            Ecosystem::Npm => npm_downloads(client, template, &id.name).await,
        };
        match result {
            Ok(n) => Lookup::Found(n),
            Err(e) => Lookup::Unknown(e.to_string()),
        }
    };
    let ((metadata, deprecated), downloads) = tokio::join!(metadata, downloads);
    let target_owners = async {
        match metadata.found() {
            Some(meta) if !meta.owners.is_empty() => {
                target_owners(client, sources, popular, typosquat, id).await
            }
            // Without the package's own owners there is nothing to compare.
            _ => BTreeMap::new(),
        }
    };
    let stars = async {
        match metadata.found().and_then(ProjectMetadata::github_repo) {
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
        }
    };
    // Both need the metadata; neither needs the other.
    let (target_owners, stars) = tokio::join!(target_owners, stars);
    Facts {
        metadata,
        downloads,
        stars,
        advisories: None,
        artifact_findings: Vec::new(),
        deprecated,
        target_owners,
        now: time::OffsetDateTime::now_utc(),
    }
}

/// The registry owners of the popular packages `id`'s name resembles, for
/// those the registry answered. A target whose owners cannot be fetched is
/// left out, so the likeness stands (fail closed).
async fn target_owners(
    client: &reqwest::Client,
    sources: &Sources,
    popular: &PopularIndex,
    typosquat: &TyposquatConfig,
    id: &PackageId,
) -> BTreeMap<String, Vec<String>> {
    let targets: Vec<String> = typosquat::check(id.ecosystem, &id.name, popular, typosquat)
        .into_iter()
        .take(MAX_OWNER_LOOKUPS)
        .map(|similar| similar.name)
        .collect();
    let lookups = targets.into_iter().map(|target| async move {
        let owners = match id.ecosystem {
            Ecosystem::Pypi => metadata::fetch_project(client, &sources.json_url, &target)
                .await
                .map(|meta| meta.owners),
            Ecosystem::Npm => packument::fetch_owners(client, &sources.npm_registry, &target).await,
        };
        owners.ok().map(|owners| (target, owners))
    });
    futures_util::future::join_all(lookups)
        .await
        .into_iter()
        .flatten()
        .collect()
}

#[derive(serde::Deserialize)]
struct NpmDownloads {
    downloads: u64,
}

/// Last-month downloads from an npm-style downloads API (`{"downloads": N}`).
async fn npm_downloads(
    client: &reqwest::Client,
    template: &str,
    name: &str,
) -> Result<u64, crate::http::HttpError> {
    let url = template.replace("{name}", name);
    let d: NpmDownloads = crate::http::get_json(client, &url, &[]).await?;
    Ok(d.downloads)
}
