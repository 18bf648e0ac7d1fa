//! The fixture registry's HTTP surface. One dispatcher, not a route table:
//! scoped names put a `/` or a `%2f` in the path, so the path is decoded
//! first and then read as a downloads query, a tarball, a packument or one
//! version's manifest. Tarball downloads are where the delays and the
//! tampering of [`super::faults`] apply.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::faults::{user_agent, Logged};
use super::package::npm_iso_days_ago;
use super::paths::percent_decode;
use super::state::Shared;

pub(super) type AppState = Arc<Shared>;

/// Logs every request (before it is served, so a delayed request shows up
/// while it waits), then answers it.
pub(super) async fn dispatch(State(shared): State<AppState>, request: Request) -> Response {
    let raw_path = request.uri().path().to_string();
    let agent = user_agent(request.headers());
    shared.faults.record(Logged::of(&request));
    if request.method() != axum::http::Method::GET && request.method() != axum::http::Method::HEAD {
        return not_found();
    }
    let path = percent_decode(raw_path.trim_start_matches('/'));
    if let Some(name) = path.strip_prefix("downloads/point/last-month/") {
        return downloads(&shared, name);
    }
    if path.contains("/-/") {
        return tarball(&shared, &path, &agent).await;
    }
    if let Some(package) = shared.packages.get(&path) {
        return json_response(shared.packument(package));
    }
    // `/{name}/{version}` or `/{name}/{dist-tag}`.
    if let Some((name, wanted)) = path.rsplit_once('/') {
        if let Some(package) = shared.packages.get(name) {
            let version = package
                .dist_tags
                .get(wanted)
                .cloned()
                .or_else(|| (wanted == "latest").then(|| package.latest()))
                .unwrap_or_else(|| wanted.to_string());
            if let Some(found) = package.versions.iter().find(|v| v.version == version) {
                return json_response(shared.version_json(package, found));
            }
        }
    }
    not_found()
}

async fn tarball(shared: &Shared, path: &str, agent: &str) -> Response {
    let Some(found) = shared.tarballs.get(path) else {
        return not_found();
    };
    let logged_path = format!("/{path}");
    shared.faults.hold(&logged_path, agent).await;
    let mut bytes = found.bytes.clone();
    shared.faults.tamper_bytes(&logged_path, agent, &mut bytes);
    (
        [(header::CONTENT_TYPE, "application/octet-stream")],
        Body::from(bytes),
    )
        .into_response()
}

fn downloads(shared: &Shared, name: &str) -> Response {
    let Some(package) = shared.packages.get(name) else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "application/json")],
            format!(r#"{{"error":"package {name} not found"}}"#),
        )
            .into_response();
    };
    let day = |days: i64| npm_iso_days_ago(days)[..10].to_string();
    json_response(json!({
        "downloads": package.downloads_last_month,
        "start": day(30),
        "end": day(1),
        "package": package.name,
    }))
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"error":"Not found"}"#,
    )
        .into_response()
}

fn json_response(value: Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string(&value).expect("serialize fixture JSON"),
    )
        .into_response()
}
