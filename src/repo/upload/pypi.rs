//! PyPI side of the team repository: the legacy upload API (what twine
//! speaks to pypiserver, devpi, Nexus and Artifactory) and the simple index
//! (PEP 503) to check what the server already holds.
//!
//! The form carries the file's core metadata, read from the artifact itself
//! (a wheel's `*.dist-info/METADATA`, an sdist's `PKG-INFO`), because servers
//! index by the `name` and `version` fields, and some (devpi, Nexus) show the
//! rest. The metadata must name the vetted package and version: secpip never
//! publishes a file under another package's name.

use super::multipart::Form;
use super::{same_origin, send, UploadError, UploadRepo};
use crate::ecosystem::pypi::normalize_name;
use crate::ecosystem::PackageId;
use crate::http::redact_url;
use std::io::Read;
use std::str::FromStr;

/// Largest `METADATA`/`PKG-INFO` read from an artifact.
const MAX_METADATA_BYTES: u64 = 4 * 1024 * 1024;

/// Metadata headers sent as form fields: (header, field). Repeatable headers
/// become repeated fields.
const FIELDS: &[(&str, &str)] = &[
    ("summary", "summary"),
    ("home-page", "home_page"),
    ("author", "author"),
    ("author-email", "author_email"),
    ("maintainer", "maintainer"),
    ("maintainer-email", "maintainer_email"),
    ("license", "license"),
    ("keywords", "keywords"),
    ("requires-python", "requires_python"),
    ("description-content-type", "description_content_type"),
    ("classifier", "classifiers"),
    ("requires-dist", "requires_dist"),
    ("provides-extra", "provides_extra"),
    ("project-url", "project_urls"),
];

/// Core metadata of one artifact: headers in order, and the body (the long
/// description).
#[derive(Debug, Default)]
struct Metadata {
    headers: Vec<(String, String)>,
    body: String,
}

impl Metadata {
    fn get(&self, key: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

/// Parses RFC 822-style core metadata (continuation lines start with
/// whitespace; the body follows the first empty line).
fn parse_metadata(text: &str) -> Metadata {
    let mut meta = Metadata::default();
    let mut lines = text.lines();
    for line in lines.by_ref() {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = meta.headers.last_mut() {
                value.push('\n');
                value.push_str(line.trim_start());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            meta.headers
                .push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    meta.body = lines.collect::<Vec<_>>().join("\n");
    meta
}

fn bad(filename: &str, message: impl Into<String>) -> UploadError {
    UploadError::BadArtifact {
        filename: filename.to_string(),
        message: message.into(),
    }
}

/// Reads `limit`-capped text from a reader.
fn read_capped(reader: impl Read, filename: &str) -> Result<String, UploadError> {
    let mut text = String::new();
    reader
        .take(MAX_METADATA_BYTES)
        .read_to_string(&mut text)
        .map_err(|e| bad(filename, format!("cannot read its metadata: {e}")))?;
    Ok(text)
}

/// The metadata file of a wheel (`*.dist-info/METADATA`) or a zip sdist
/// (`*/PKG-INFO`).
fn zip_metadata(filename: &str, bytes: &[u8], wanted: &str) -> Result<String, UploadError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| bad(filename, format!("not a readable zip: {e}")))?;
    let name = archive
        .file_names()
        .filter(|n| n.matches('/').count() == 1)
        .filter(|n| match n.split_once('/') {
            Some((dir, file)) if wanted == "METADATA" => {
                file == "METADATA" && dir.ends_with(".dist-info")
            }
            Some((_, file)) => file == wanted,
            None => false,
        })
        .min()
        .map(str::to_string)
        .ok_or_else(|| bad(filename, format!("it has no {wanted}")))?;
    let entry = archive
        .by_name(&name)
        .map_err(|e| bad(filename, format!("cannot open {name}: {e}")))?;
    read_capped(entry, filename)
}

/// The `PKG-INFO` at the top of a `.tar.gz` sdist.
fn targz_pkg_info(filename: &str, bytes: &[u8]) -> Result<String, UploadError> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let entries = archive
        .entries()
        .map_err(|e| bad(filename, format!("not a readable .tar.gz: {e}")))?;
    for entry in entries {
        let entry = entry.map_err(|e| bad(filename, format!("not a readable .tar.gz: {e}")))?;
        let top_level_pkg_info = entry.path().ok().is_some_and(|p| {
            let parts: Vec<_> = p.components().collect();
            parts.len() == 2 && parts[1].as_os_str() == "PKG-INFO"
        });
        if top_level_pkg_info && entry.header().entry_type().is_file() {
            return read_capped(entry, filename);
        }
    }
    Err(bad(filename, "it has no PKG-INFO"))
}

/// `(filetype, pyversion)` for the upload form, from the file name.
fn file_kind(filename: &str) -> Result<(&'static str, String), UploadError> {
    let lower = filename.to_ascii_lowercase();
    if let Some(stem) = lower.strip_suffix(".whl") {
        let parts: Vec<&str> = stem.split('-').collect();
        if parts.len() < 5 {
            return Err(bad(filename, "not a valid wheel file name"));
        }
        return Ok(("bdist_wheel", parts[parts.len() - 3].to_string()));
    }
    if lower.ends_with(".tar.gz") || lower.ends_with(".zip") {
        return Ok(("sdist", "source".to_string()));
    }
    Err(bad(
        filename,
        "only wheels (.whl) and sdists (.tar.gz, .zip) can be uploaded",
    ))
}

/// Reads the core metadata and checks it names `id`.
fn metadata_for(id: &PackageId, filename: &str, bytes: &[u8]) -> Result<Metadata, UploadError> {
    let lower = filename.to_ascii_lowercase();
    let text = if lower.ends_with(".whl") {
        zip_metadata(filename, bytes, "METADATA")?
    } else if lower.ends_with(".zip") {
        zip_metadata(filename, bytes, "PKG-INFO")?
    } else {
        targz_pkg_info(filename, bytes)?
    };
    let meta = parse_metadata(&text);
    let name = meta.get("name").unwrap_or_default();
    let version = meta.get("version").unwrap_or_default();
    let same_version = version == id.version
        || matches!(
            (pep440_rs::Version::from_str(version), pep440_rs::Version::from_str(&id.version)),
            (Ok(a), Ok(b)) if a == b
        );
    if normalize_name(name) != id.name || !same_version {
        return Err(bad(
            filename,
            format!(
                "its metadata says {name} {version}, but the vetted package is {} {}",
                id.name, id.version
            ),
        ));
    }
    Ok(meta)
}

/// Uploads one file; "already exists" is fine when the index shows the same
/// sha256.
pub(super) async fn publish(
    repo: &UploadRepo,
    id: &PackageId,
    filename: &str,
    bytes: &[u8],
    sha256: &str,
) -> Result<(), UploadError> {
    let url = repo
        .config
        .pypi_upload_url
        .clone()
        .ok_or(UploadError::NotConfigured {
            ecosystem: "pypi",
            key: "pypi_upload_url",
        })?;
    let (filetype, pyversion) = file_kind(filename)?;
    let meta = metadata_for(id, filename, bytes)?;
    let mut form = Form::new();
    form.text(":action", "file_upload")
        .text("protocol_version", "1")
        .text(
            "metadata_version",
            meta.get("metadata-version").unwrap_or("2.1"),
        )
        .text("name", meta.get("name").unwrap_or(&id.name))
        .text("version", meta.get("version").unwrap_or(&id.version))
        .text("filetype", filetype)
        .text("pyversion", &pyversion)
        .text("sha256_digest", sha256);
    for (header, field) in FIELDS {
        for (_, value) in meta
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(header))
        {
            form.text(field, value);
        }
    }
    let description = meta.get("description").unwrap_or(&meta.body);
    if !description.trim().is_empty() {
        form.text("description", description);
    }
    form.file("content", filename, bytes);
    let (content_type, body) = form.finish();
    let req = repo
        .client
        .post(&url)
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(body);
    let answer = send(repo.pypi_auth(req), &url).await?;
    if answer.ok() {
        tracing::info!(package = %id, file = filename, repo = %redact_url(&url), "published to the team PyPI repository");
        return Ok(());
    }
    // 409 (pypiserver, devpi) or 400 (Nexus, and pypiserver for twine's
    // user agent) may mean "already exists": fine only if it is this file.
    if matches!(answer.status, 400 | 409) {
        let index = repo.pip_index_url().unwrap_or_default();
        return match existing_sha256(repo, &id.name, filename).await? {
            Some(existing) if existing.eq_ignore_ascii_case(sha256) => {
                tracing::info!(package = %id, file = filename, "already on the team PyPI repository with the same sha256");
                Ok(())
            }
            Some(existing) => Err(UploadError::Conflict {
                url: redact_url(&index),
                filename: filename.to_string(),
                existing: format!("sha256 {existing}"),
                ours: format!("sha256 {sha256}"),
            }),
            None if answer.status == 409 => Err(UploadError::Conflict {
                url: redact_url(&url),
                filename: filename.to_string(),
                existing: format!(
                    "the server says it exists, but {} does not list it",
                    redact_url(&index)
                ),
                ours: format!("sha256 {sha256}"),
            }),
            None => Err(answer.error(&url, filename, bytes.len())),
        };
    }
    Err(answer.error(&url, filename, bytes.len()))
}

/// One file link of a simple index page.
#[derive(Debug, PartialEq, Eq)]
struct Link {
    filename: String,
    href: String,
    sha256: Option<String>,
}

/// The file links of a PEP 503 project page.
fn parse_links(html: &str) -> Vec<Link> {
    let Ok(anchor) =
        regex::Regex::new(r#"(?is)<a\s[^>]*?href\s*=\s*["']([^"']+)["'][^>]*>([^<]*)</a>"#)
    else {
        return Vec::new();
    };
    anchor
        .captures_iter(html)
        .map(|c| {
            let href = c[1].replace("&amp;", "&");
            let (path, fragment) = href.split_once('#').unwrap_or((&href, ""));
            let text = c[2].trim();
            let filename = if text.is_empty() {
                path.rsplit('/').next().unwrap_or_default().to_string()
            } else {
                text.to_string()
            };
            let sha256 = fragment
                .strip_prefix("sha256=")
                .map(|h| h.to_ascii_lowercase());
            Link {
                filename,
                href: href.clone(),
                sha256,
            }
        })
        .collect()
}

/// The links of `name`'s project page (empty if the server has no such
/// project).
async fn index_links(repo: &UploadRepo, name: &str) -> Result<(String, Vec<Link>), UploadError> {
    let index = repo.pip_index_url().ok_or(UploadError::NotConfigured {
        ecosystem: "pypi",
        key: "pypi_index_url",
    })?;
    let page = format!("{index}{}/", normalize_name(name));
    let req = repo.client.get(&page).header("Accept", "text/html");
    let answer = send(repo.pypi_auth(req), &page).await?;
    if answer.status == 404 {
        return Ok((page, Vec::new()));
    }
    if !answer.ok() {
        return Err(answer.error(&page, name, 0));
    }
    Ok((page, parse_links(&String::from_utf8_lossy(&answer.body))))
}

/// The sha256 of `filename` on the server: from the index's `#sha256=`
/// fragment, else by downloading it. `None` when the index does not list it.
async fn existing_sha256(
    repo: &UploadRepo,
    name: &str,
    filename: &str,
) -> Result<Option<String>, UploadError> {
    let (page, links) = index_links(repo, name).await?;
    let Some(link) = links.into_iter().find(|l| l.filename == filename) else {
        return Ok(None);
    };
    if let Some(sha) = link.sha256 {
        return Ok(Some(sha));
    }
    let file_url = url::Url::parse(&page)
        .and_then(|base| base.join(&link.href))
        .map_err(|e| UploadError::Protocol {
            url: redact_url(&page),
            message: format!("bad link {:?}: {e}", link.href),
        })?
        .to_string();
    let mut req = repo.client.get(&file_url);
    if same_origin(&page, &file_url) {
        req = repo.pypi_auth(req);
    }
    let answer = send(req, &file_url).await?;
    if !answer.ok() {
        return Err(answer.error(&file_url, filename, 0));
    }
    Ok(Some(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
        &answer.body,
    ))))
}

/// The `(name, version)` parts of a wheel or sdist file name of `name`,
/// spelled as in the file name (pypiserver matches them exactly).
fn file_parts(name: &str, filename: &str) -> Option<(String, String)> {
    let lower = filename.to_ascii_lowercase();
    let (dist, version) = if lower.ends_with(".whl") {
        let mut parts = filename.split('-');
        (parts.next()?, parts.next()?)
    } else {
        let cut = [".tar.gz", ".zip"]
            .iter()
            .find(|s| lower.ends_with(*s))
            .map(|s| filename.len() - s.len())?;
        filename[..cut].rsplit_once('-')?
    };
    (normalize_name(dist) == normalize_name(name)).then(|| (dist.to_string(), version.to_string()))
}

/// Removes `name` (one version, or all) with the `remove_pkg` action that
/// pypiserver implements. Servers without it (devpi, Nexus, Artifactory have
/// their own REST APIs) answer 400/404/405/501: that is logged and counted
/// as nothing removed, and the files must be deleted on the server by hand.
pub(super) async fn remove(
    repo: &UploadRepo,
    name: &str,
    version: Option<&str>,
) -> Result<usize, UploadError> {
    let url = repo
        .config
        .pypi_upload_url
        .clone()
        .ok_or(UploadError::NotConfigured {
            ecosystem: "pypi",
            key: "pypi_upload_url",
        })?;
    let (_, links) = index_links(repo, name).await?;
    // (name as spelled in the file names, version) → number of files.
    let mut versions: Vec<((String, String), usize)> = Vec::new();
    for link in &links {
        let Some((dist, v)) = file_parts(name, &link.filename) else {
            continue;
        };
        let v_matches = |want: &str| {
            want.replace('-', "_").eq_ignore_ascii_case(&v)
                || matches!(
                    (pep440_rs::Version::from_str(want), pep440_rs::Version::from_str(&v)),
                    (Ok(a), Ok(b)) if a == b
                )
        };
        if version.is_some_and(|want| !v_matches(want)) {
            continue;
        }
        let key = (dist, v);
        match versions.iter_mut().find(|(seen, _)| *seen == key) {
            Some((_, count)) => *count += 1,
            None => versions.push((key, 1)),
        }
    }
    let mut removed = 0;
    for ((dist, v), count) in versions {
        let mut form = Form::new();
        form.text(":action", "remove_pkg")
            .text("name", &dist)
            .text("version", &v);
        let (content_type, body) = form.finish();
        let req = repo
            .client
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        let answer = send(repo.pypi_auth(req), &url).await?;
        match answer.status {
            200..=299 => removed += count,
            400 | 404 | 405 | 410 | 501 => {
                tracing::warn!(
                    package = name,
                    version = %v,
                    repo = %redact_url(&url),
                    status = answer.status,
                    "the team PyPI server has no remove_pkg API: delete these files on the server by hand"
                );
                return Ok(removed);
            }
            _ => return Err(answer.error(&url, name, 0)),
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecosystem::Ecosystem;

    #[test]
    fn parses_metadata_and_links() {
        let meta = parse_metadata(
            "Metadata-Version: 2.1\nName: Alpha_Widget\nVersion: 2.1.0\nClassifier: A\nClassifier: B\nLicense: MIT\n  more\n\nLong text\nline 2\n",
        );
        assert_eq!(meta.get("name"), Some("Alpha_Widget"));
        assert_eq!(meta.get("license"), Some("MIT\nmore"));
        assert_eq!(meta.body, "Long text\nline 2");
        let links = parse_links(
            r#"<a href="../../packages/alpha_widget-2.1.0-py3-none-any.whl#sha256=ABC">alpha_widget-2.1.0-py3-none-any.whl</a><br>
               <a href='/f/alpha-widget-1.0.tar.gz'>alpha-widget-1.0.tar.gz</a>"#,
        );
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].sha256.as_deref(), Some("abc"));
        assert_eq!(links[1].sha256, None);
        let parts = |d: &str, v: &str| Some((d.to_string(), v.to_string()));
        assert_eq!(
            file_parts("alpha-widget", "Alpha_Widget-2.1.0-py3-none-any.whl"),
            parts("Alpha_Widget", "2.1.0")
        );
        assert_eq!(
            file_parts("alpha-widget", "alpha-widget-1.0.TAR.GZ"),
            parts("alpha-widget", "1.0")
        );
        assert_eq!(file_parts("beta", "alpha-widget-1.0.tar.gz"), None);
    }

    #[test]
    fn file_kinds_and_foreign_metadata() {
        assert_eq!(
            file_kind("a-1.0-cp311-cp311-linux_x86_64.whl").unwrap(),
            ("bdist_wheel", "cp311".to_string())
        );
        assert_eq!(file_kind("a-1.0.tar.gz").unwrap().0, "sdist");
        assert!(file_kind("a-1.0.egg").is_err());
        let id = PackageId::new(Ecosystem::Pypi, "alpha", "1.0");
        assert!(metadata_for(&id, "alpha-1.0-py3-none-any.whl", b"not a zip").is_err());
    }
}
