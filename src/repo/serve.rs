//! Serves the local secure repository as a PEP 503 simple index on a
//! loopback port for the duration of an install (and for `secpip repo serve`).
//! Links carry `#sha256=` so pip verifies every file it downloads.

use super::local::LocalRepo;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
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

/// Builds the router over `repo`.
pub fn router(repo: LocalRepo) -> Router {
    Router::new()
        .route("/simple/", get(root_index))
        .route("/simple/{name}/", get(project_index))
        .route("/files/{name}/{filename}", get(file))
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

    /// Stops serving.
    pub async fn stop(self) {
        self.served.stop().await;
    }
}
