//! The npm version document of a vetted tarball: its own `package.json`
//! plus a `dist` with the integrity npm checks. Stored beside the tarball so
//! the secure registry can serve packuments without re-reading archives.

use super::RepoError;
use crate::ecosystem::PackageId;
use crate::verdict::archive::{read_archive, ArchiveLimits};
use base64::Engine;
use sha2::{Digest, Sha512};

/// Builds the version document for `id` from its tarball.
pub fn manifest(
    id: &PackageId,
    filename: &str,
    tgz: &[u8],
) -> Result<serde_json::Value, RepoError> {
    let read = read_archive(filename, tgz, &ArchiveLimits::default());
    let bad = |why: &str| RepoError::Io {
        path: filename.to_string(),
        message: why.to_string(),
    };
    let (_, pkg) = read
        .files
        .iter()
        .filter(|(p, _)| p.matches('/').count() == 1 && p.ends_with("/package.json"))
        .min_by_key(|(p, _)| !p.starts_with("package/"))
        .ok_or_else(|| bad("the tarball has no package/package.json"))?;
    let mut doc: serde_json::Value =
        serde_json::from_slice(pkg).map_err(|e| bad(&format!("package.json is not JSON: {e}")))?;
    if doc["name"].as_str() != Some(id.name.as_str())
        || doc["version"].as_str() != Some(id.version.as_str())
    {
        return Err(bad(&format!(
            "package.json says {}@{}, expected {}",
            doc["name"], doc["version"], id
        )));
    }
    let integrity = format!(
        "sha512-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha512::digest(tgz))
    );
    let shasum = hex::encode(sha1::Sha1::digest(tgz));
    doc["dist"] = serde_json::json!({ "integrity": integrity, "shasum": shasum, "file": filename });
    Ok(doc)
}
