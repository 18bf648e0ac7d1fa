//! What pip fetches: the PEP 503 simple index (`/simple/`,
//! `/simple/{project}/`), with PEP 658 / PEP 714 metadata attributes on wheel
//! links so pip's resolver reads `/files/{wheel}.metadata` instead of
//! downloading the wheel, and the files themselves (`/files/{filename}`),
//! where the delays and the tampering of [`super::faults`] apply.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};

use super::faults::user_agent;
use super::routes::{not_found, AppState};

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub(super) async fn simple_root(State(shared): State<AppState>) -> Response {
    let mut body = String::from(
        "<!DOCTYPE html>\n<html>\n<head><meta name=\"pypi:repository-version\" content=\"1.0\"><title>Simple index</title></head>\n<body>\n",
    );
    for key in shared.projects.keys() {
        body.push_str(&format!("<a href=\"/simple/{key}/\">{key}</a><br/>\n"));
    }
    body.push_str("</body>\n</html>\n");
    html(body)
}

pub(super) async fn simple_project(
    State(shared): State<AppState>,
    Path(project): Path<String>,
) -> Response {
    let Some(found) = shared.project(&project) else {
        return not_found().await;
    };
    let title = escape_html(&found.package.name);
    let mut body = format!(
        "<!DOCTYPE html>\n<html>\n<head><meta name=\"pypi:repository-version\" content=\"1.0\"><title>Links for {title}</title></head>\n<body>\n<h1>Links for {title}</h1>\n"
    );
    for release in &found.releases {
        let file = &shared.files[&release.filename];
        let metadata_attrs = release
            .metadata_sha256
            .as_ref()
            .map(|sha| {
                format!(
                    " data-dist-info-metadata=\"sha256={sha}\" data-core-metadata=\"sha256={sha}\""
                )
            })
            .unwrap_or_default();
        body.push_str(&format!(
            "<a href=\"/files/{name}#sha256={sha}\" data-requires-python=\"&gt;=3.8\"{metadata_attrs}>{name}</a><br/>\n",
            name = release.filename,
            sha = file.sha256,
        ));
    }
    body.push_str("</body>\n</html>\n");
    html(body)
}

pub(super) async fn files(
    State(shared): State<AppState>,
    Path(filename): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(file) = shared.file(&filename) else {
        return not_found().await;
    };
    let is_sidecar = filename.ends_with(".metadata");
    let agent = user_agent(&headers);
    let mut bytes = file.bytes.clone();
    if !is_sidecar {
        shared.faults.hold(&filename, &agent).await;
        shared.faults.tamper_bytes(&filename, &agent, &mut bytes);
    }
    let content_type = if is_sidecar {
        "text/plain; charset=utf-8"
    } else {
        "application/octet-stream"
    };
    ([(header::CONTENT_TYPE, content_type)], Body::from(bytes)).into_response()
}
