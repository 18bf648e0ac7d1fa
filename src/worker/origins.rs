//! Which artifact URLs a worker will download. Scan requests come from
//! other machines (a server's clients, an event bus), so a request could
//! point the worker anywhere; only files on the configured upstreams, with
//! a digest to check them against, are fetched.

use crate::ecosystem::Artifact;

/// Accepts `a` only with a safe file name, a well-formed digest, and a URL
/// on one of `origins` (`scheme://host[:port]`).
pub fn check_artifact(a: &Artifact, origins: &[String]) -> Result<(), String> {
    if !crate::repo::safe_component(&a.filename) {
        return Err(format!("unsafe artifact file name {:?}", a.filename));
    }
    if a.sha256.is_empty() && a.integrity.is_none() {
        return Err(format!(
            "{}: a sha256 or integrity digest is required",
            a.filename
        ));
    }
    let hex64 = a.sha256.len() == 64 && a.sha256.bytes().all(|b| b.is_ascii_hexdigit());
    if !a.sha256.is_empty() && !hex64 {
        return Err(format!("{}: sha256 must be 64 hex digits", a.filename));
    }
    let url = url::Url::parse(&a.url).map_err(|e| format!("{}: bad URL: {e}", a.filename))?;
    let origin = url.origin().ascii_serialization();
    if !origins.iter().any(|o| o.trim_end_matches('/') == origin) {
        return Err(format!(
            "{}: artifact URLs must be on a configured upstream ({})",
            a.filename,
            origins.join(", ")
        ));
    }
    Ok(())
}

/// The origins (`scheme://host[:port]`) of `urls`, deduplicated, skipping unparsable ones.
pub fn origins_of<'a>(urls: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out = Vec::new();
    for u in urls {
        if let Ok(parsed) = url::Url::parse(u) {
            let origin = parsed.origin().ascii_serialization();
            if !out.contains(&origin) {
                out.push(origin);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn artifact(url: &str, sha: &str) -> Artifact {
        Artifact {
            url: url.into(),
            filename: "flask-3.0.0-py3-none-any.whl".into(),
            sha256: sha.into(),
            integrity: None,
        }
    }

    #[test]
    fn only_upstream_files_with_digests() {
        let origins = origins_of([
            "http://127.0.0.1:9000/simple/",
            "http://127.0.0.1:9000/pypi",
        ]);
        assert_eq!(origins, vec!["http://127.0.0.1:9000".to_string()]);
        let sha = "a".repeat(64);
        assert!(check_artifact(&artifact("http://127.0.0.1:9000/f/x.whl", &sha), &origins).is_ok());
        let err = check_artifact(&artifact("http://10.0.0.1/x.whl", &sha), &origins).unwrap_err();
        assert!(err.contains("configured upstream"), "{err}");
        assert!(check_artifact(&artifact("http://127.0.0.1:9000/x.whl", ""), &origins).is_err());
        assert!(check_artifact(&artifact("http://127.0.0.1:9000/x.whl", "zz"), &origins).is_err());
        let mut bad = artifact("http://127.0.0.1:9000/x.whl", &sha);
        bad.filename = "../x.whl".into();
        assert!(check_artifact(&bad, &origins).is_err());
    }
}
