//! Checking a scan request's files against what the upstream publishes,
//! before anything is claimed.
//!
//! On a workstation the resolver's artifact list is trusted: it came from
//! the user's own pip or npm. On the team server it comes from any client,
//! and the worker treats a digest that does not match the download as an
//! attack (BLOCK, for everyone). So a client that sent a wrong or made-up
//! digest could block a good package for the whole team. The server
//! therefore accepts only files the upstream lists for that very version,
//! with the digest the upstream publishes; anything else is the client's
//! error (400), and no row is written.

use super::{ApiError, Shared};
use crate::ecosystem::{npm, pypi, Artifact, Ecosystem, PackageId};

fn not_published(id: &PackageId, a: &Artifact) -> ApiError {
    ApiError::bad_request(format!(
        "{}: not a file the upstream publishes for {id}",
        a.filename
    ))
}

fn digest_differs(id: &PackageId, a: &Artifact) -> ApiError {
    ApiError::bad_request(format!(
        "{}: the digest sent for {id} differs from the one the upstream publishes",
        a.filename
    ))
}

fn unverifiable(id: &PackageId, e: impl std::fmt::Display) -> ApiError {
    tracing::warn!(package = %id, error = %e, "cannot verify a scan request against the upstream");
    ApiError::unavailable(format!(
        "cannot verify {id} against the upstream; try again later"
    ))
}

/// Fails unless every artifact is published upstream for `id` with the same digest.
pub async fn published(
    state: &Shared,
    id: &PackageId,
    artifacts: &[Artifact],
) -> Result<(), ApiError> {
    let up = &state.upstreams;
    match id.ecosystem {
        Ecosystem::Pypi => {
            let json_url = up
                .pypi_json_url
                .as_deref()
                .ok_or_else(|| unverifiable(id, "no PyPI upstream"))?;
            let meta = pypi::metadata::fetch_project(&state.client, json_url, &id.name)
                .await
                .map_err(|e| unverifiable(id, e))?;
            let wanted = id.version.parse::<pep440_rs::Version>().ok();
            let files = meta.releases.iter().find_map(|(v, files)| {
                let same = v == &id.version
                    || wanted
                        .as_ref()
                        .is_some_and(|w| v.parse::<pep440_rs::Version>().ok().as_ref() == Some(w));
                same.then_some(files)
            });
            for a in artifacts {
                let f = files
                    .and_then(|fs| fs.iter().find(|f| f.filename == a.filename))
                    .ok_or_else(|| not_published(id, a))?;
                if let Some(sha) = &f.sha256 {
                    if !a.sha256.is_empty() && !sha.eq_ignore_ascii_case(&a.sha256) {
                        return Err(digest_differs(id, a));
                    }
                }
            }
        }
        Ecosystem::Npm => {
            let registry = up
                .npm_registry
                .as_deref()
                .ok_or_else(|| unverifiable(id, "no npm upstream"))?;
            let url = npm::upstream::packument_url(registry, &id.name);
            let doc: serde_json::Value = crate::http::get_json(&state.client, &url, &[])
                .await
                .map_err(|e| unverifiable(id, e))?;
            let dist = &doc["versions"][id.version.as_str()]["dist"];
            let tarball = dist["tarball"].as_str().and_then(|t| t.rsplit('/').next());
            for a in artifacts {
                if tarball != Some(a.filename.as_str()) {
                    return Err(not_published(id, a));
                }
                if let (Some(sent), Some(upstream)) = (&a.integrity, dist["integrity"].as_str()) {
                    if sent != upstream {
                        return Err(digest_differs(id, a));
                    }
                }
            }
        }
    }
    Ok(())
}
