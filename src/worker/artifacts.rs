//! The files a package version will install: downloaded once, checked
//! against every digest upstream published for them, then scanned in memory
//! (archive safety, content rules, install-time code). Only verified bytes
//! are ever published.

use crate::ecosystem::{Artifact, Ecosystem};
use crate::http::{self, MAX_ARTIFACT_BYTES};
use crate::verdict::archive::{read_archive, ArchiveLimits};
use crate::verdict::facts::ProjectMetadata;
use crate::verdict::{content, install_code, Finding};
use base64::Engine;
use sha2::{Digest, Sha256, Sha512};

/// A downloaded file whose digests matched.
pub struct Verified {
    /// The file name.
    pub filename: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// Its sha256 (lowercase hex).
    pub sha256: String,
}

/// Downloads `artifacts` and checks them; `Err(finding)` on a digest mismatch.
pub async fn download_verified(
    client: &reqwest::Client,
    artifacts: &[Artifact],
    meta: Option<&ProjectMetadata>,
) -> Result<Result<Vec<Verified>, Finding>, String> {
    let mut out = Vec::new();
    for a in artifacts {
        let bytes = http::get_bytes(client, &a.url, &[], MAX_ARTIFACT_BYTES)
            .await
            .map_err(|e| e.to_string())?;
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let mut evidence = Vec::new();
        if !a.sha256.is_empty() && a.sha256 != sha256 {
            evidence.push(format!(
                "{}: resolver lists sha256 {}, download has {}",
                a.filename, a.sha256, sha256
            ));
        }
        if let Some(sri) = &a.integrity {
            if let Some(problem) = check_sri(sri, &bytes) {
                evidence.push(format!("{}: {problem}", a.filename));
            }
        }
        if a.sha256.is_empty() && a.integrity.is_none() {
            evidence.push(format!(
                "{}: upstream published no digest to verify",
                a.filename
            ));
        }
        let published = meta
            .and_then(|m| {
                m.releases
                    .values()
                    .flatten()
                    .find(|f| f.filename == a.filename)
            })
            .and_then(|f| f.sha256.clone());
        if let Some(p) = published.filter(|p| *p != sha256) {
            evidence.push(format!(
                "{}: metadata API lists sha256 {p}, download has {sha256}",
                a.filename
            ));
        }
        if !evidence.is_empty() {
            return Ok(Err(Finding {
                code: crate::verdict::policy::codes::HASH_MISMATCH.into(),
                points: 100,
                reason: "Downloaded file does not match its published digest".into(),
                evidence,
            }));
        }
        out.push(Verified {
            filename: a.filename.clone(),
            bytes,
            sha256,
        });
    }
    Ok(Ok(out))
}

/// Checks a Subresource Integrity string (`sha512-…`, `sha1-…`; several
/// separated by spaces, the strongest wins). `None` when it matches.
pub fn check_sri(sri: &str, bytes: &[u8]) -> Option<String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut best: Option<(u8, &str, &str)> = None;
    for part in sri.split_whitespace() {
        let (alg, digest) = part.split_once('-')?;
        let rank = match alg {
            "sha512" => 3,
            "sha384" => 2,
            "sha1" => 1,
            _ => continue,
        };
        if best.is_none_or(|(r, _, _)| rank > r) {
            best = Some((rank, alg, digest));
        }
    }
    let (_, alg, digest) = match best {
        Some(b) => b,
        None => return Some(format!("integrity {sri:?} uses no supported algorithm")),
    };
    let actual = match alg {
        "sha512" => b64.encode(Sha512::digest(bytes)),
        "sha384" => b64.encode(sha2::Sha384::digest(bytes)),
        _ => b64.encode(sha1::Sha1::digest(bytes)),
    };
    (actual != digest)
        .then(|| format!("integrity lists {alg}-{digest}, download has {alg}-{actual}"))
}

/// Scans verified files: archive safety and content rules for every file,
/// install-time code for the release as a whole.
pub fn scan(
    ecosystem: Ecosystem,
    version: &str,
    files: &[Verified],
    meta: Option<&ProjectMetadata>,
    only_binary: bool,
    npm_scripts_run: bool,
) -> Vec<Finding> {
    let limits = ArchiveLimits::default();
    let mut findings = Vec::new();
    let mut wheel_files = None;
    for f in files {
        let read = read_archive(&f.filename, &f.bytes, &limits);
        findings.extend(read.findings.iter().cloned());
        findings.extend(content::scan(&read.files));
        if ecosystem == Ecosystem::Npm {
            findings.extend(npm_scripts(&read.files, npm_scripts_run));
        }
        if f.filename.ends_with(".whl") {
            wheel_files = Some(read.files);
        }
    }
    if ecosystem == Ecosystem::Pypi {
        let of_version: Vec<String> = meta
            .and_then(|m| m.releases.get(version))
            .map(|fs| fs.iter().map(|f| f.filename.clone()).collect())
            .unwrap_or_default();
        let chosen: Vec<String> = files.iter().map(|f| f.filename.clone()).collect();
        findings.extend(install_code::check_pypi(
            &of_version,
            &chosen,
            wheel_files.as_deref(),
            only_binary,
        ));
    }
    findings
}

/// Lifecycle scripts from the tarball's own `package.json` (what npm would
/// run). When policy skips them they are reported with 0 points.
fn npm_scripts(files: &[(String, Vec<u8>)], will_run: bool) -> Vec<Finding> {
    let Some((_, pkg)) = files
        .iter()
        .filter(|(p, _)| p.matches('/').count() == 1 && p.ends_with("/package.json"))
        .min_by_key(|(p, _)| !p.starts_with("package/"))
    else {
        return Vec::new();
    };
    let scripts: std::collections::BTreeMap<String, String> =
        serde_json::from_slice::<serde_json::Value>(pkg)
            .ok()
            .and_then(|v| serde_json::from_value(v.get("scripts")?.clone()).ok())
            .unwrap_or_default();
    let mut found = install_code::check_npm(&scripts);
    if !will_run {
        for f in &mut found {
            f.points = 0;
            f.evidence.push(
                "skipped: npm runs with --ignore-scripts (allow with [npm] scripts = [\"name\"])"
                    .into(),
            );
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sri_strongest_algorithm_decides() {
        let b64 = base64::engine::general_purpose::STANDARD;
        let good = format!("sha512-{}", b64.encode(Sha512::digest(b"tgz")));
        assert_eq!(check_sri(&good, b"tgz"), None);
        assert!(check_sri(&good, b"tampered").is_some());
        let sha1_ok = format!("sha1-{}", b64.encode(sha1::Sha1::digest(b"tgz")));
        assert_eq!(check_sri(&sha1_ok, b"tgz"), None);
        // A matching weak digest does not excuse a failing strong one.
        let both = format!("{sha1_ok} sha512-{}", b64.encode(Sha512::digest(b"other")));
        assert!(check_sri(&both, b"tgz").is_some());
        assert!(check_sri("md5-xyz", b"tgz").is_some());
    }
}
