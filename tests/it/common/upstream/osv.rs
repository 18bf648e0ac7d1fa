//! An OSV-compatible vulnerability API (`/osv/v1/querybatch`,
//! `/osv/v1/vulns/{id}`) that answers from the records a test added with
//! [`Upstream::add_advisory`](super::Upstream::add_advisory).

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::faults::lock;
use super::names::normalize;
use super::routes::AppState;

/// Does an OSV record list `name@version` (by its explicit `versions`)?
fn osv_affects(record: &serde_json::Value, name: &str, version: &str) -> bool {
    record["affected"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|a| {
            normalize(a["package"]["name"].as_str().unwrap_or("")) == normalize(name)
                && a["versions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|v| v.as_str() == Some(version))
        })
}

pub(super) async fn osv_querybatch(
    State(shared): State<AppState>,
    body: axum::body::Bytes,
) -> Response {
    let query: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    let records = lock(&shared.advisories).clone();
    let results: Vec<serde_json::Value> = query["queries"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|q| {
            let name = q["package"]["name"].as_str().unwrap_or("");
            let version = q["version"].as_str().unwrap_or("");
            let vulns: Vec<serde_json::Value> = records
                .iter()
                .filter(|r| osv_affects(r, name, version))
                .map(|r| serde_json::json!({"id": r["id"], "modified": r["modified"]}))
                .collect();
            if vulns.is_empty() {
                serde_json::json!({})
            } else {
                serde_json::json!({ "vulns": vulns })
            }
        })
        .collect();
    (
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::json!({ "results": results }).to_string(),
    )
        .into_response()
}

pub(super) async fn osv_vuln(State(shared): State<AppState>, Path(id): Path<String>) -> Response {
    match lock(&shared.advisories)
        .iter()
        .find(|r| r["id"] == id.as_str())
    {
        Some(r) => ([(header::CONTENT_TYPE, "application/json")], r.to_string()).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            "{\"code\":5,\"message\":\"Bug not found.\"}",
        )
            .into_response(),
    }
}
