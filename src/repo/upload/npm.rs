//! npm side of the team repository: the registry protocol `npm publish`,
//! `npm unpublish` and `npm login` speak (verdaccio, Nexus, and any other
//! registry that accepts them).
//!
//! A publish is one `PUT {registry}/{name}` of the package document holding
//! exactly one version and its tarball as a base64 attachment. Unlike `npm
//! publish`, secpip vets versions in whatever order installs ask for them, so
//! it only moves `dist-tags.latest` forward: publishing 1.0.0 after 2.0.0
//! must not make a plain `npm install name` pick the older version.

use super::{send, Answer, UploadError, UploadRepo};
use crate::ecosystem::npm::names::validate_name;
use crate::ecosystem::PackageId;
use crate::http::redact_url;
use base64::Engine;
use serde_json::{json, Value};

/// The packument URL path of `name` (`@scope%2fname` for scoped names).
fn escaped(name: &str) -> String {
    name.replacen('/', "%2f", 1)
}

/// `{basename}-{version}.tgz`, the attachment and tarball file name npm uses.
fn tarball_name(name: &str, version: &str) -> String {
    let base = name.rsplit('/').next().unwrap_or(name);
    format!("{base}-{version}.tgz")
}

fn registry(repo: &UploadRepo) -> Result<String, UploadError> {
    repo.npm_registry_url().ok_or(UploadError::NotConfigured {
        ecosystem: "npm",
        key: "npm_registry_url",
    })
}

fn protocol(url: &str, message: impl Into<String>) -> UploadError {
    UploadError::Protocol {
        url: redact_url(url),
        message: message.into(),
    }
}

fn parse_json(answer: &Answer, url: &str) -> Result<Value, UploadError> {
    serde_json::from_slice(&answer.body).map_err(|e| protocol(url, format!("invalid JSON: {e}")))
}

/// Logs `user` in to (or creates it on) the registry and returns its token
/// (`PUT /-/user/org.couchdb.user:{user}`, as `npm login --auth-type=legacy`
/// does). The password also goes as basic auth, so an existing user is
/// logged in rather than refused as already registered (verdaccio). The
/// token is a secret: store it, never print it.
pub async fn npm_login(
    client: &reqwest::Client,
    registry: &str,
    user: &str,
    password: &str,
) -> Result<String, UploadError> {
    let url = format!(
        "{}-/user/org.couchdb.user:{}",
        super::with_slash(registry),
        url::form_urlencoded::byte_serialize(user.as_bytes()).collect::<String>()
    );
    let body = json!({
        "_id": format!("org.couchdb.user:{user}"),
        "name": user,
        "password": password,
        "type": "user",
        "roles": [],
    });
    let req = client
        .put(&url)
        .basic_auth(user, Some(password))
        .json(&body);
    let answer = send(req, &url).await?;
    if !answer.ok() {
        return Err(answer.error(&url, user, 0));
    }
    parse_json(&answer, &url)?["token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| protocol(&url, "the login answer has no token"))
}

/// The packument of `name`, or `None` when the registry has no such package.
async fn packument(
    repo: &UploadRepo,
    registry: &str,
    name: &str,
    write: bool,
) -> Result<Option<Value>, UploadError> {
    let url = format!(
        "{registry}{}{}",
        escaped(name),
        if write { "?write=true" } else { "" }
    );
    let req = repo.client.get(&url).header("Accept", "application/json");
    let answer = send(repo.npm_auth(req), &url).await?;
    match answer.status {
        404 => Ok(None),
        _ if answer.ok() => parse_json(&answer, &url).map(Some),
        _ => Err(answer.error(&url, name, 0)),
    }
}

/// Is `existing`'s copy of `version` the vetted tarball? `Err` names the
/// digest the registry has.
fn same_dist(existing: &Value, version: &str, ours: &Value) -> Option<Result<(), String>> {
    let dist = existing["versions"].get(version)?.get("dist")?;
    let integrity = dist["integrity"].as_str();
    let shasum = dist["shasum"].as_str();
    let same = match integrity {
        Some(i) => Some(i) == ours["integrity"].as_str(),
        None => shasum.is_some() && shasum == ours["shasum"].as_str(),
    };
    Some(if same {
        Ok(())
    } else {
        Err(integrity.or(shasum).unwrap_or("no digest").to_string())
    })
}

/// Should publishing `version` move `latest` (absent: yes; otherwise only
/// forward, and never from a release to a prerelease)?
fn moves_latest(current: Option<&str>, version: &str) -> bool {
    let Some(current) = current else {
        return true;
    };
    match (
        semver::Version::parse(current),
        semver::Version::parse(version),
    ) {
        (Ok(cur), Ok(new)) => new > cur && (new.pre.is_empty() || !cur.pre.is_empty()),
        _ => false,
    }
}

/// Publishes one vetted tarball; an existing identical version is success.
pub(super) async fn publish(
    repo: &UploadRepo,
    id: &PackageId,
    filename: &str,
    bytes: &[u8],
) -> Result<(), UploadError> {
    let registry = registry(repo)?;
    let bad = |message: String| UploadError::BadArtifact {
        filename: filename.to_string(),
        message,
    };
    validate_name(&id.name).map_err(|e| bad(format!("bad npm name {:?}: {e}", id.name)))?;
    let mut manifest =
        crate::repo::npm_manifest::manifest(id, filename, bytes).map_err(|e| bad(e.to_string()))?;
    let file = tarball_name(&id.name, &id.version);
    let url = format!("{registry}{}", escaped(&id.name));
    let ours = json!({
        "integrity": manifest["dist"]["integrity"],
        "shasum": manifest["dist"]["shasum"],
    });
    let label = format!("{}@{}", id.name, id.version);
    let conflict = |existing: String| UploadError::Conflict {
        url: redact_url(&url),
        filename: label.clone(),
        existing,
        ours: ours["integrity"].as_str().unwrap_or_default().to_string(),
    };

    let existing = packument(repo, &registry, &id.name, false).await?;
    if let Some(check) = existing
        .as_ref()
        .and_then(|e| same_dist(e, &id.version, &ours))
    {
        tracing::info!(package = %id, "already on the team npm registry");
        return check.map_err(conflict);
    }
    let current_latest = existing
        .as_ref()
        .and_then(|e| e["dist-tags"]["latest"].as_str());
    let mut tags = serde_json::Map::new();
    if moves_latest(current_latest, &id.version) {
        tags.insert("latest".into(), json!(id.version));
    }

    manifest["_id"] = json!(label);
    manifest["dist"] = json!({
        "integrity": ours["integrity"],
        "shasum": ours["shasum"],
        "tarball": format!("{registry}{}/-/{file}", id.name),
    });
    let doc = json!({
        "_id": id.name,
        "name": id.name,
        "description": manifest["description"].as_str().unwrap_or_default(),
        "dist-tags": tags,
        "versions": { id.version.clone(): manifest },
        "readme": "",
        "_attachments": { file.clone(): {
            "content_type": "application/octet-stream",
            "data": base64::engine::general_purpose::STANDARD.encode(bytes),
            "length": bytes.len(),
        }},
    });
    let req = repo.client.put(&url).json(&doc);
    let answer = send(repo.npm_auth(req), &url).await?;
    if answer.ok() {
        tracing::info!(package = %id, repo = %redact_url(&registry), "published to the team npm registry");
        return Ok(());
    }
    if answer.status == 409 {
        // Someone published this version between our look and our PUT.
        let now = packument(repo, &registry, &id.name, false).await?;
        return match now.as_ref().and_then(|e| same_dist(e, &id.version, &ours)) {
            Some(check) => check.map_err(conflict),
            None => Err(answer.error(&url, filename, bytes.len())),
        };
    }
    Err(answer.error(&url, filename, bytes.len()))
}

/// The highest version left, preferring releases, for a new `latest`.
fn highest(versions: &serde_json::Map<String, Value>) -> Option<String> {
    versions
        .keys()
        .filter_map(|v| semver::Version::parse(v).ok())
        .max_by_key(|v| (v.pre.is_empty(), v.clone()))
        .map(|v| v.to_string())
}

/// Unpublishes `name` (every version, or one) the way `npm unpublish` does:
/// the whole package with `DELETE /{name}/-rev/{rev}`, one version by
/// writing the package document without it and then deleting its tarball.
/// The registry must allow the account to unpublish (verdaccio:
/// `unpublish: $authenticated`).
pub(super) async fn remove(
    repo: &UploadRepo,
    name: &str,
    version: Option<&str>,
) -> Result<usize, UploadError> {
    let registry = registry(repo)?;
    if validate_name(name).is_err() {
        return Ok(0);
    }
    let Some(mut doc) = packument(repo, &registry, name, true).await? else {
        return Ok(0);
    };
    let url = format!("{registry}{}", escaped(name));
    let rev = |doc: &Value| {
        doc["_rev"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| protocol(&url, "the package document has no _rev"))
    };
    let Some(versions) = doc["versions"].as_object_mut() else {
        return Ok(0);
    };
    let total = versions.len();
    let only = version.filter(|v| total > 1 || !versions.contains_key(*v));
    let Some(v) = only else {
        let target = format!("{url}/-rev/{}", rev(&doc)?);
        let answer = send(repo.npm_auth(repo.client.delete(&target)), &target).await?;
        return match answer.status {
            200..=299 => Ok(total),
            404 => Ok(0),
            _ => Err(answer.error(&target, name, 0)),
        };
    };
    let Some(removed) = versions.remove(v) else {
        return Ok(0);
    };
    let new_latest = highest(versions);
    if let Some(tags) = doc["dist-tags"].as_object_mut() {
        tags.retain(|_, t| t.as_str() != Some(v));
        if !tags.contains_key("latest") {
            if let Some(latest) = new_latest {
                tags.insert("latest".into(), json!(latest));
            }
        }
    }
    if let Some(time) = doc["time"].as_object_mut() {
        time.remove(v);
    }
    let target = format!("{url}/-rev/{}", rev(&doc)?);
    let req = repo.client.put(&target).json(&doc);
    let answer = send(repo.npm_auth(req), &target).await?;
    if !answer.ok() {
        return Err(answer.error(&target, name, 0));
    }
    let tarball = removed["dist"]["tarball"]
        .as_str()
        .and_then(|t| t.rsplit('/').next())
        .map(str::to_string)
        .unwrap_or_else(|| tarball_name(name, v));
    let after = packument(repo, &registry, name, true).await?;
    if let Some(after) = after {
        let target = format!("{url}/-/{tarball}/-rev/{}", rev(&after)?);
        let answer = send(repo.npm_auth(repo.client.delete(&target)), &target).await?;
        if !answer.ok() && answer.status != 404 {
            return Err(answer.error(&target, name, 0));
        }
    }
    Ok(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_only_moves_forward() {
        assert!(moves_latest(None, "1.0.0"));
        assert!(moves_latest(Some("1.0.0"), "1.0.1"));
        assert!(!moves_latest(Some("2.0.0"), "1.9.9"));
        assert!(!moves_latest(Some("2.0.0"), "2.0.0"));
        assert!(!moves_latest(Some("1.0.0"), "2.0.0-beta.1"));
        assert!(moves_latest(Some("2.0.0-beta.1"), "2.0.0-beta.2"));
        assert!(!moves_latest(Some("not-semver"), "1.0.0"));
    }

    #[test]
    fn names_and_digests() {
        assert_eq!(escaped("@acme/ui"), "@acme%2fui");
        assert_eq!(tarball_name("@acme/ui", "1.0.0"), "ui-1.0.0.tgz");
        let existing =
            json!({"versions": {"1.0.0": {"dist": {"integrity": "sha512-a", "shasum": "x"}}}});
        let ours = json!({"integrity": "sha512-a", "shasum": "x"});
        assert_eq!(same_dist(&existing, "1.0.0", &ours), Some(Ok(())));
        let other = json!({"integrity": "sha512-b", "shasum": "y"});
        assert_eq!(
            same_dist(&existing, "1.0.0", &other),
            Some(Err("sha512-a".to_string()))
        );
        assert_eq!(same_dist(&existing, "2.0.0", &ours), None);
        let versions = json!({"1.0.0": {}, "1.2.0": {}, "2.0.0-rc.1": {}});
        assert_eq!(
            highest(versions.as_object().unwrap()).as_deref(),
            Some("1.2.0")
        );
    }
}
