//! The fixture index's HTTP surface: which path each handler answers, the
//! request log every request passes through, and the responses the handlers
//! share.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;

use super::faults::Logged;
use super::json_api::{github_repo, project_json, release_json, stats};
use super::osv::{osv_querybatch, osv_vuln};
use super::simple::{files, simple_project, simple_root};
use super::state::Shared;

pub(super) type AppState = Arc<Shared>;

pub(super) fn router(shared: AppState) -> Router {
    Router::new()
        .route("/simple/", get(simple_root))
        .route("/simple/{project}/", get(simple_project))
        .route("/files/{filename}", get(files))
        .route("/pypi/{name}/json", get(project_json))
        .route("/pypi/{name}/{version}/json", get(release_json))
        .route("/stats/{name}", get(stats))
        .route("/github/repos/{owner}/{repo}", get(github_repo))
        .route("/osv/v1/querybatch", post(osv_querybatch))
        .route("/osv/v1/vulns/{id}", get(osv_vuln))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&shared),
            log_request,
        ))
        .with_state(shared)
}

/// Logs every request before it is served, so a delayed request shows up
/// while it waits.
async fn log_request(State(shared): State<AppState>, request: Request, next: Next) -> Response {
    shared.faults.record(Logged::of(&request));
    next.run(request).await
}

pub(super) async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found\n").into_response()
}

pub(super) fn json_response(value: Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string_pretty(&value).expect("serialize fixture JSON"),
    )
        .into_response()
}
