//! `secpip serve`: the team server.
//!
//! A security team runs one server; developer machines and CI share its
//! verdicts, its status table and its secure index instead of each vetting
//! the same packages again. It is the "team server" column of `DESIGN.md`:
//! the same [`SqliteStore`], the same [`Worker`] and the same [`LocalRepo`]
//! the CLI embeds, behind HTTP.
//!
//! One file per concern: [`check`] answers the firewall's `/package-check`
//! (cached verdicts first), [`scans`] claims and queues scan requests,
//! [`status`] reads rows (with long-polling), [`admin`] applies allow/block
//! decisions, [`index`] adds PEP 691 JSON to the secure index, [`auth`]
//! checks bearer tokens, [`verify`] checks submitted files against the
//! upstream, [`metrics`] counts, and [`listen`] owns the
//! sockets (timeouts, graceful shutdown).

pub mod admin;
pub mod auth;
pub mod check;
pub mod index;
pub mod listen;

pub use crate::worker::upstreams::{discover, Upstreams};
pub mod metrics;
pub mod scans;
pub mod status;
pub mod verify;

use crate::audit::{AuditError, AuditLog};
use crate::config::Settings;
use crate::notify::{Notifier, NotifyConfig};
use crate::repo::local::LocalRepo;
use crate::store::{sqlite::SqliteStore, StatusStore, StoreError};
use crate::worker::{PopularSets, Worker};
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Router};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Default largest request body accepted (larger ones get 413).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Most `/package-check` verdicts computed from upstream at once.
pub const MAX_COMPUTING: usize = 32;
/// Longest `?wait=` a status request may ask for.
pub const MAX_WAIT_SECS: u64 = 60;

/// How the server is run; filled in by `secpip serve`.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Address to listen on (port 0 picks a free one).
    pub bind: SocketAddr,
    /// Tokens for the admin API (and, when reads are gated, for reads too).
    pub admin_tokens: auth::Tokens,
    /// Tokens for the read API; reads need a token if set or if `public_read` is off.
    pub read_tokens: Option<auth::Tokens>,
    /// Whether read endpoints are open without a token (when no read token is set).
    pub public_read: bool,
    /// Where notifications go.
    pub notify: NotifyConfig,
    /// URL prefixes a scan request's artifacts may be downloaded from
    /// (default: the configured upstreams).
    pub artifact_origins: Vec<String>,
    /// Timeouts and the shutdown cap.
    pub limits: listen::Limits,
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The status store failed to open.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The audit log failed to open.
    #[error(transparent)]
    Audit(#[from] AuditError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// An error answered as `{"error": "..."}` with a status code.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// What went wrong, for the client.
    pub message: String,
}

impl ApiError {
    /// 400: the request is malformed.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    /// 503: a dependency (store, upstream) is unavailable.
    pub fn unavailable(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: message.into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        tracing::error!(error = %e, "status store failed");
        ApiError::unavailable("the status store failed; see the server log")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &serde_json::json!({ "error": self.message }))
    }
}

/// A JSON response with `status`.
pub fn json_response(status: StatusCode, body: &serde_json::Value) -> Response {
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Announces that rows changed through this server.
#[derive(Debug, Default)]
pub struct Changes {
    notify: tokio::sync::Notify,
    generation: std::sync::atomic::AtomicU64,
}

impl Changes {
    /// Something changed: bump the generation and wake every waiter.
    pub fn bump(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::Release);
        self.notify.notify_waiters();
    }

    /// The current generation (cached answers from an older one are stale).
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// A future resolving at the next [`Changes::bump`].
    pub fn notified(&self) -> tokio::sync::futures::Notified<'_> {
        self.notify.notified()
    }
}

/// Everything the handlers share.
pub struct AppState {
    /// Settings in force.
    pub settings: Settings,
    /// The status store.
    pub store: Arc<dyn StatusStore>,
    /// The secure repository.
    pub repo: LocalRepo,
    /// The scan queue.
    pub queue: Arc<scans::ServerQueue>,
    /// Decisions and policy changes.
    pub audit: AuditLog,
    /// Slack / webhook delivery.
    pub notifier: Notifier,
    /// Counters for `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
    /// Bearer tokens.
    pub auth: auth::Auth,
    /// Upstreams and the HTTP client.
    pub upstreams: Upstreams,
    /// HTTP client for upstream requests.
    pub client: reqwest::Client,
    /// Popular-name lists.
    pub popular: PopularSets,
    /// Our claim owner id.
    pub owner: String,
    /// Rows changed through this server: wakes long-polls, invalidates cached answers.
    pub changed: Arc<Changes>,
    /// Allowed artifact URL prefixes.
    pub artifact_origins: Vec<String>,
    /// Longest a request may take (long-polls included).
    pub request_timeout: Duration,
    /// Largest request body accepted.
    pub body_limit: usize,
    /// The SQLite file of the store.
    pub db_path: std::path::PathBuf,
    /// Bounds concurrent computed `/package-check` answers.
    pub compute_permits: tokio::sync::Semaphore,
}

/// Shared state as the handlers receive it.
pub type Shared = Arc<AppState>;

/// The default artifact origins: the configured upstream URLs.
fn default_origins(settings: &Settings, up: &Upstreams) -> Vec<String> {
    crate::worker::origins::origins_of(
        [
            settings.pypi.index_url.as_deref(),
            up.pypi_json_url.as_deref(),
            up.npm_registry.as_deref(),
        ]
        .into_iter()
        .flatten(),
    )
}

/// Builds the shared state: opens the store and audit log, discovers the
/// upstreams, starts the worker pool.
pub async fn state(settings: Settings, opts: &ServerOptions) -> Result<Shared, ServerError> {
    let db = settings.db_path();
    let store: Arc<dyn StatusStore> = Arc::new(SqliteStore::open(&db)?);
    let audit = AuditLog::open(&db)?;
    let client = crate::http::client(Duration::from_secs(settings.sources.timeout_secs));
    let upstreams = discover(&settings).await;
    let repo = LocalRepo::new(settings.repo_dir());
    let popular = PopularSets::load(&settings.data_dir);
    let worker = Arc::new(Worker::new(
        store.clone(),
        Arc::new(repo.clone()),
        client.clone(),
        upstreams.sources.clone(),
        settings.policy.clone(),
        popular,
        Duration::from_secs(settings.install.lease_secs),
    ));
    let notifier = Notifier::new(client.clone(), opts.notify.clone());
    let metrics = Arc::new(metrics::Metrics::default());
    let changed = Arc::new(Changes::default());
    let queue = Arc::new(scans::ServerQueue::new(
        worker,
        settings.install.workers,
        scans::Outcomes {
            audit: audit.clone(),
            notifier: notifier.clone(),
            metrics: metrics.clone(),
            changed: changed.clone(),
        },
    ));
    let artifact_origins = if opts.artifact_origins.is_empty() {
        default_origins(&settings, &upstreams)
    } else {
        opts.artifact_origins.clone()
    };
    Ok(Arc::new(AppState {
        auth: auth::Auth::new(
            opts.admin_tokens.clone(),
            opts.read_tokens.clone(),
            opts.public_read,
        ),
        store,
        repo,
        queue,
        audit,
        notifier,
        metrics,
        upstreams,
        client,
        popular,
        owner: format!(
            "{}:serve:{}:{:08x}",
            crate::store::whoami(),
            std::process::id(),
            rand::random::<u32>()
        ),
        changed,
        artifact_origins,
        request_timeout: opts.limits.request_timeout,
        body_limit: opts.limits.body_limit,
        db_path: db,
        compute_permits: tokio::sync::Semaphore::new(MAX_COMPUTING),
        settings,
    }))
}

async fn healthz(axum::extract::State(state): axum::extract::State<Shared>) -> Response {
    match check::ping(&state.db_path) {
        Ok(()) => json_response(StatusCode::OK, &serde_json::json!({ "status": "ok" })),
        Err(e) => {
            tracing::error!(error = %e, "health check: store unreachable");
            json_response(
                StatusCode::SERVICE_UNAVAILABLE,
                &serde_json::json!({ "status": "store unreachable" }),
            )
        }
    }
}

/// The whole HTTP API over `state`.
pub fn router(state: Shared) -> Router {
    let admin = Router::new()
        .route("/v1/policy/allow", post(admin::allow))
        .route("/v1/policy/block", post(admin::block))
        .route(
            "/v1/rescan/{ecosystem}/{name}/{version}",
            post(admin::rescan),
        )
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_admin,
        ))
        .with_state(state.clone());
    let read = Router::new()
        .route("/package-check", get(check::package_check))
        .route("/v1/scans", post(scans::submit))
        .route("/v1/status", post(status::many))
        .route("/v1/status/{ecosystem}/{name}/{version}", get(status::one))
        .route("/metrics", get(metrics::render))
        .with_state(state.clone())
        .merge(crate::repo::serve::router(state.repo.clone()))
        .layer(middleware::from_fn_with_state(state.clone(), index::pep691))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_read,
        ));
    Router::new()
        .route("/healthz", get(healthz))
        .with_state(state.clone())
        .merge(admin)
        .merge(read)
        .fallback(|| async {
            ApiError {
                status: StatusCode::NOT_FOUND,
                message: "no such endpoint".into(),
            }
        })
        .layer(DefaultBodyLimit::max(state.body_limit))
        .layer(middleware::from_fn_with_state(
            state.request_timeout,
            listen::request_timeout,
        ))
        .layer(middleware::from_fn_with_state(state, metrics::track))
}

/// Runs the server until SIGINT/SIGTERM; `ready` receives the bound address
/// once the socket accepts connections. In-flight scans get
/// `opts.limits.shutdown_grace` to finish; the claims of the rest are released.
pub async fn run(
    settings: Settings,
    opts: ServerOptions,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    let state = state(settings, &opts).await?;
    let listener = tokio::net::TcpListener::bind(opts.bind)
        .await
        .map_err(|source| ServerError::Bind {
            addr: opts.bind,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServerError::Bind {
        addr: opts.bind,
        source,
    })?;
    ready(addr);
    let app = router(state.clone());
    listen::serve(listener, app, &opts.limits, listen::shutdown_signal()).await;
    tracing::info!("shutting down: waiting for in-flight scans");
    state
        .queue
        .drain(
            opts.limits.shutdown_grace,
            state.store.as_ref(),
            &state.owner,
        )
        .await;
    state.notifier.flush(Duration::from_secs(5)).await;
    Ok(())
}
