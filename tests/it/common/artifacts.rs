//! Test data built at test time: wheels, sdists and npm tarballs written
//! in memory, plus the small helpers every async-using test file needs.
#![allow(dead_code)]

use std::io::Write;

use serde_json::json;
use sha2::{Digest, Sha256};

/// Runs `future` on a fresh current-thread runtime.
pub fn block<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}

/// Lowercase hex sha256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A `py3-none-any` wheel of `dist` (e.g. `team_widget`) whose module sets
/// `VALUE = "<dist> <version><extra>"`.
pub fn wheel(dist: &str, version: &str, extra: &str) -> (String, Vec<u8>) {
    let info = format!("{dist}-{version}.dist-info");
    let files = [
        (
            format!("{dist}/__init__.py"),
            format!("VALUE = \"{dist} {version}{extra}\"\n"),
        ),
        (
            format!("{info}/METADATA"),
            format!(
                "Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n\
                 Summary: secpip team repository test package\nClassifier: Private :: Do Not Upload\n\n\
                 Long description.\n"
            ),
        ),
        (
            format!("{info}/WHEEL"),
            "Wheel-Version: 1.0\nGenerator: secpip-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
                .to_string(),
        ),
    ];
    let mut record = String::new();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (path, text) in &files {
        let digest = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            Sha256::digest(text.as_bytes()),
        );
        record.push_str(&format!("{path},sha256={digest},{}\n", text.len()));
        zip.start_file(path.as_str(), options).expect("zip member");
        zip.write_all(text.as_bytes()).expect("zip write");
    }
    record.push_str(&format!("{info}/RECORD,,\n"));
    zip.start_file(format!("{info}/RECORD"), options)
        .expect("zip member");
    zip.write_all(record.as_bytes()).expect("zip write");
    let bytes = zip.finish().expect("finish the wheel").into_inner();
    (format!("{dist}-{version}-py3-none-any.whl"), bytes)
}

/// A gzip'd tar of `(path, contents)` members.
pub fn targz(members: &[(String, String)]) -> Vec<u8> {
    let members: Vec<(String, Vec<u8>)> = members
        .iter()
        .map(|(path, text)| (path.clone(), text.clone().into_bytes()))
        .collect();
    super::targz::targz_at(&members, 499_162_500)
}

/// An sdist `{dist}-{version}.tar.gz` with a `PKG-INFO`.
pub fn sdist(dist: &str, version: &str) -> (String, Vec<u8>) {
    let root = format!("{dist}-{version}");
    let bytes = targz(&[(
        format!("{root}/PKG-INFO"),
        format!("Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n"),
    )]);
    (format!("{root}.tar.gz"), bytes)
}

/// An npm tarball (`package/package.json` + `package/index.js`) whose module
/// exports `"<name> <version><extra>"`.
pub fn npm_tarball(name: &str, version: &str, extra: &str) -> Vec<u8> {
    let package = json!({
        "name": name,
        "version": version,
        "description": "secpip team repository test package",
        "main": "index.js",
        "license": "MIT",
    });
    targz(&[
        ("package/package.json".to_string(), package.to_string()),
        (
            "package/index.js".to_string(),
            format!("module.exports = \"{name} {version}{extra}\";\n"),
        ),
    ])
}
