//! The tarballs the fixture registry serves, built in memory when it starts:
//! real npm tarballs (`package/package.json`, `package/index.js`, extra
//! files), byte-for-byte reproducible, with the digests the packument
//! publishes (`dist.integrity`, `dist.shasum`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Value};
use sha1::Sha1;
use sha2::{Digest, Sha512};

use super::package::{NpmPackage, NpmVersion};
use crate::common::targz::targz_at;

/// The mtime of every tarball member (npm pack uses the same instant).
const TARBALL_MTIME: u64 = 499_162_500;

/// What `require(name)` returns for a fixture package: `"<name>@<version>"`.
pub fn module_value(name: &str, version: &str) -> String {
    format!("{name}@{version}")
}

/// A version's tarball and what the packument says about it.
pub(super) struct Tarball {
    pub(super) bytes: Vec<u8>,
    /// `dist.integrity`: `sha512-<base64>`.
    pub(super) integrity: String,
    /// `dist.shasum`: sha1 hex (the registry's legacy digest).
    pub(super) shasum: String,
    pub(super) file_count: usize,
    pub(super) unpacked_size: usize,
}

impl Tarball {
    /// The tarball of `version` with its digests.
    pub(super) fn build(package: &NpmPackage, version: &NpmVersion) -> Tarball {
        let (bytes, file_count, unpacked_size) = build_tarball(package, version);
        Tarball {
            integrity: sri_sha512(&bytes),
            shasum: sha1_hex(&bytes),
            bytes,
            file_count,
            unpacked_size,
        }
    }
}

/// `repository` of `package.json` and of the packument.
pub(super) fn repository_json(package: &NpmPackage) -> Value {
    match &package.repository {
        Some(url) => json!({ "type": "git", "url": url }),
        None => Value::Null,
    }
}

/// The `package.json` inside the tarball.
pub(super) fn package_json(package: &NpmPackage, version: &NpmVersion) -> Value {
    let mut doc = json!({
        "name": package.name,
        "version": version.version,
        "description": package.description,
        "main": "index.js",
        "license": "MIT",
        "dependencies": version.dependencies,
        "scripts": version.scripts,
    });
    if package.repository.is_some() {
        doc["repository"] = repository_json(package);
    }
    if !version.bin.is_empty() {
        doc["bin"] = json!(version.bin);
    }
    doc
}

/// A gzip'd tar with everything under `package/`, fixed mtimes and modes,
/// so the same package always yields the same bytes.
fn build_tarball(package: &NpmPackage, version: &NpmVersion) -> (Vec<u8>, usize, usize) {
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "package.json".to_string(),
            serde_json::to_vec_pretty(&package_json(package, version))
                .expect("serialize package.json"),
        ),
        (
            "index.js".to_string(),
            format!(
                "module.exports = {};\n",
                serde_json::to_string(&module_value(&package.name, &version.version))
                    .expect("quote the module value")
            )
            .into_bytes(),
        ),
    ];
    for (path, contents) in &version.files {
        files.retain(|(p, _)| p != path);
        files.push((path.clone(), contents.clone().into_bytes()));
    }
    let unpacked_size = files.iter().map(|(_, bytes)| bytes.len()).sum();
    let count = files.len();
    let members: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|(path, bytes)| (format!("package/{path}"), bytes))
        .collect();
    (targz_at(&members, TARBALL_MTIME), count, unpacked_size)
}

/// `sha512-<base64>` of `bytes`.
pub fn sri_sha512(bytes: &[u8]) -> String {
    format!("sha512-{}", STANDARD.encode(Sha512::digest(bytes)))
}

/// sha1 hex of `bytes`.
pub fn sha1_hex(bytes: &[u8]) -> String {
    hex::encode(Sha1::digest(bytes))
}
