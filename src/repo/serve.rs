//! Serves the local secure repository as a PEP 503 simple index on a
//! loopback port for the duration of an install (and for `secpip repo serve`).
//! Links carry `#sha256=` so pip verifies every file it downloads.

use super::local::LocalRepo;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn root_index(State(repo): State<Arc<LocalRepo>>) -> Html<String> {
    let mut body = String::from("<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.0\"><title>secpip secure index</title></head><body>\n");
    for p in repo.projects() {
        body.push_str(&format!("<a href=\"/simple/{0}/\">{0}</a>\n", escape(&p)));
    }
    body.push_str("</body></html>\n");
    Html(body)
}

async fn project_index(State(repo): State<Arc<LocalRepo>>, Path(name): Path<String>) -> Response {
    let normalized = crate::ecosystem::pypi::normalize_name(&name);
    if normalized != name {
        return (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, format!("/simple/{normalized}/"))],
        )
            .into_response();
    }
    let files = repo.files(&name);
    if files.is_empty() {
        return (StatusCode::NOT_FOUND, "not in the secure repository\n").into_response();
    }
    let mut body = format!("<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.0\"><title>Links for {0}</title></head><body>\n<h1>Links for {0}</h1>\n", escape(&name));
    for f in files {
        body.push_str(&format!(
            "<a href=\"/files/{}/{}#sha256={}\">{}</a><br>\n",
            escape(&name),
            escape(&f.filename),
            escape(&f.sha256),
            escape(&f.filename)
        ));
    }
    body.push_str("</body></html>\n");
    Html(body).into_response()
}

async fn file(
    State(repo): State<Arc<LocalRepo>>,
    Path((name, filename)): Path<(String, String)>,
) -> Response {
    match repo.file_path(&name, &filename) {
        Some(path) => match tokio::fs::read(&path).await {
            Ok(bytes) => {
                ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response()
            }
            Err(_) => StatusCode::NOT_FOUND.into_response(),
        },
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The read-only npm registry: `GET /npm/{name}` (packument, scoped names
/// encoded or not) and `GET /npm/{name}/-/{file}.tgz` (tarball).
async fn npm(
    State(repo): State<Arc<LocalRepo>>,
    headers: HeaderMap,
    Path(rest): Path<String>,
) -> Response {
    let rest = rest
        .replace("%2f", "/")
        .replace("%2F", "/")
        .replace("%40", "@");
    if let Some((name, file)) = rest.split_once("/-/") {
        return match repo.npm_file(name, file) {
            Some(path) => match tokio::fs::read(&path).await {
                Ok(bytes) => {
                    ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response()
                }
                Err(_) => StatusCode::NOT_FOUND.into_response(),
            },
            None => StatusCode::NOT_FOUND.into_response(),
        };
    }
    let name = rest.trim_end_matches('/');
    let versions = repo.npm_versions(name);
    if versions.is_empty() {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"error\":\"not in the secure registry\"}",
        )
            .into_response();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let mut docs = serde_json::Map::new();
    let mut latest: Option<semver::Version> = None;
    for mut v in versions {
        let Some(version) = v["version"].as_str().map(str::to_string) else {
            continue;
        };
        let file = v["dist"]["file"].as_str().unwrap_or_default().to_string();
        v["dist"]["tarball"] =
            serde_json::Value::String(format!("http://{host}/npm/{name}/-/{file}"));
        if let Some(d) = v["dist"].as_object_mut() {
            d.remove("file");
        }
        if let Ok(parsed) = semver::Version::parse(&version) {
            if parsed.pre.is_empty() && latest.as_ref().is_none_or(|l| parsed > *l) {
                latest = Some(parsed);
            }
        }
        docs.insert(version, v);
    }
    let mut tags = serde_json::Map::new();
    if let Some(l) = latest {
        tags.insert("latest".into(), serde_json::Value::String(l.to_string()));
    }
    let body = serde_json::json!({ "name": name, "dist-tags": tags, "versions": docs });
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Builds the router over `repo`.
pub fn router(repo: LocalRepo) -> Router {
    Router::new()
        .route("/simple/", get(root_index))
        .route("/simple/{name}/", get(project_index))
        .route("/files/{name}/{filename}", get(file))
        .route("/npm/{*rest}", get(npm))
        .with_state(Arc::new(repo))
}

/// A router served on a local address until stopped (used for the secure
/// index and for the resolution view).
pub struct Served {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Served {
    /// Serves `app` on `bind` (port 0 picks a free one).
    pub async fn start(app: Router, bind: SocketAddr) -> std::io::Result<Served> {
        let listener = tokio::net::TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Served {
            addr,
            shutdown: Some(tx),
            task,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops serving and waits for the server to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// The secure repository served as a simple index.
pub struct IndexServer {
    served: Served,
}

impl IndexServer {
    /// Serves `repo` on `bind` (port 0 picks a free one).
    pub async fn start(repo: LocalRepo, bind: SocketAddr) -> std::io::Result<IndexServer> {
        Ok(IndexServer {
            served: Served::start(router(repo), bind).await?,
        })
    }

    /// The simple index URL pip should use.
    pub fn index_url(&self) -> String {
        format!("http://{}/simple/", self.served.addr())
    }

    /// The npm registry URL npm should use.
    pub fn npm_registry_url(&self) -> String {
        format!("http://{}/npm/", self.served.addr())
    }

    /// Stops serving.
    pub async fn stop(self) {
        self.served.stop().await;
    }
}
