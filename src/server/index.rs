//! PEP 691 JSON for the secure index.
//!
//! The repository's router serves PEP 503 HTML; current pip asks for the
//! JSON form first (`Accept: application/vnd.pypi.simple.v1+json, …`). The
//! same two paths cannot be routed twice, so this middleware sits in front
//! of the mounted router, answers `/simple/` and `/simple/{name}/` in JSON
//! when the client prefers it, and passes everything else through.

use super::Shared;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The PEP 691 JSON media type.
pub const JSON_TYPE: &str = "application/vnd.pypi.simple.v1+json";

/// Whether the `Accept` header prefers PEP 691 JSON over HTML.
pub fn wants_json(headers: &HeaderMap) -> bool {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let (mut json, mut html) = (0.0f32, 0.0f32);
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        let q = parts
            .find_map(|p| p.strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        match media.as_str() {
            JSON_TYPE | "application/vnd.pypi.simple.latest+json" => json = json.max(q),
            "text/html"
            | "application/vnd.pypi.simple.v1+html"
            | "application/vnd.pypi.simple.latest+html"
            | "*/*" => html = html.max(q),
            _ => {}
        }
    }
    json > 0.0 && json >= html
}

fn json(body: serde_json::Value) -> Response {
    (
        [(header::CONTENT_TYPE, JSON_TYPE), (header::VARY, "Accept")],
        body.to_string(),
    )
        .into_response()
}

/// Answers `/simple/` and `/simple/{name}/` in JSON when asked to.
pub async fn pep691(State(state): State<Shared>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET || !wants_json(req.headers()) {
        return next.run(req).await;
    }
    let path = req.uri().path();
    if path == "/simple/" {
        let projects: Vec<_> = state
            .repo
            .projects()
            .into_iter()
            .map(|name| serde_json::json!({ "name": name }))
            .collect();
        return json(serde_json::json!({ "meta": { "api-version": "1.0" }, "projects": projects }));
    }
    let Some(name) = path
        .strip_prefix("/simple/")
        .and_then(|rest| rest.strip_suffix('/'))
        .filter(|n| !n.is_empty() && !n.contains('/'))
    else {
        return next.run(req).await;
    };
    let normalized = crate::ecosystem::pypi::normalize_name(name);
    if normalized != name {
        return (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, format!("/simple/{normalized}/"))],
        )
            .into_response();
    }
    let files: Vec<_> = state
        .repo
        .files(name)
        .into_iter()
        .map(|f| {
            serde_json::json!({
                "filename": f.filename,
                "url": format!("/files/{name}/{}", f.filename),
                "hashes": { "sha256": f.sha256 },
            })
        })
        .collect();
    if files.is_empty() {
        return (StatusCode::NOT_FOUND, "not in the secure repository\n").into_response();
    }
    json(serde_json::json!({ "meta": { "api-version": "1.0" }, "name": name, "files": files }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, header::HeaderValue::from_static(v));
        h
    }

    #[test]
    fn pip_gets_json_and_browsers_get_html() {
        assert!(wants_json(&accept(
            "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"
        )));
        assert!(!wants_json(&accept(
            "text/html,application/xhtml+xml,*/*;q=0.8"
        )));
        assert!(!wants_json(&HeaderMap::new()));
        assert!(!wants_json(&accept(
            "application/vnd.pypi.simple.v1+json;q=0"
        )));
    }
}
