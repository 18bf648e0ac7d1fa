//! `secpip serve`: run the team server (see `server/`).
//!
//! Every setting here is also a `[serve]` key in `secpip.toml` (see
//! `config/server.rs`, which owns the precedence: flag, environment, file,
//! default). Tokens are never taken as flag values (those show up in `ps`):
//! the flags name the environment variables that hold them.

use super::{runtime, Failure};
use crate::config::{Overrides, Secret, ServeFlags, ServeSettings, Settings};
use crate::notify::NotifyConfig;
use crate::server::{auth::Tokens, listen::Limits, ServerOptions};
use clap::{ArgAction, Args};
use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

/// Arguments of `secpip serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8282; `[serve] bind`).
    /// Anything but loopback exposes the API to the network.
    #[arg(long, value_name = "ADDR:PORT")]
    bind: Option<SocketAddr>,
    /// Environment variable holding the admin tokens (`label:token`,
    /// comma-separated; default SECPIP_ADMIN_TOKEN, else `[serve] admin_tokens`).
    #[arg(long, value_name = "NAME")]
    admin_token_env: Option<String>,
    /// Environment variable holding read tokens (default SECPIP_READ_TOKEN,
    /// else `[serve] read_tokens`); when any are set, reads need a token.
    #[arg(long, value_name = "NAME")]
    read_token_env: Option<String>,
    /// Whether reads (package-check, status, index, scans) are open without
    /// a token (default true; `[serve] public_read`).
    #[arg(long, value_name = "BOOL", action = ArgAction::Set)]
    public_read: Option<bool>,
    /// Slack incoming-webhook URL for BLOCKs and policy changes (else
    /// SECPIP_SLACK_WEBHOOK_URL, else `[serve] slack_webhook_url`).
    #[arg(long, value_name = "URL")]
    slack_webhook_url: Option<String>,
    /// Generic webhook URL receiving the same events as JSON (else
    /// SECPIP_WEBHOOK_URL, else `[serve] webhook_url`).
    #[arg(long, value_name = "URL")]
    webhook_url: Option<String>,
    /// Where scan requests' artifacts may be downloaded from (repeatable;
    /// default: `[serve] artifact_origins`, else the configured upstreams).
    #[arg(long = "artifact-origin", value_name = "URL")]
    artifact_origins: Vec<String>,
    /// Seconds shutdown waits for in-flight scans before releasing their
    /// claims (default 30; `[serve] shutdown_grace_secs`).
    #[arg(long, value_name = "SECS")]
    shutdown_grace: Option<u64>,
}

impl ServeArgs {
    fn flags(self) -> ServeFlags {
        ServeFlags {
            bind: self.bind,
            admin_token_env: self.admin_token_env,
            read_token_env: self.read_token_env,
            public_read: self.public_read,
            slack_webhook_url: self.slack_webhook_url.map(Secret::new),
            webhook_url: self.webhook_url.map(Secret::new),
            artifact_origins: self.artifact_origins,
            shutdown_grace_secs: self.shutdown_grace,
        }
    }
}

fn tokens(
    source: Option<&crate::config::server::TokenSource>,
    label: &str,
) -> Result<Option<Tokens>, Failure> {
    match source {
        None => Ok(None),
        Some(s) => Tokens::parse(s.value.expose(), label)
            .map(Some)
            .map_err(|e| Failure::usage(anyhow::anyhow!("{}: {e}", s.origin))),
    }
}

fn http_url(what: &str, value: Option<&Secret>) -> Result<Option<String>, Failure> {
    match value.map(|v| v.expose().trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => match url::Url::parse(v) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(Some(v.to_string())),
            // The value may be a secret: name the setting, not the value.
            _ => Err(Failure::usage(anyhow::anyhow!(
                "{what} is not an http(s) URL"
            ))),
        },
    }
}

/// The server's options from the resolved `[serve]` settings.
fn options(s: &ServeSettings) -> Result<ServerOptions, Failure> {
    let admin_tokens = tokens(s.admin_tokens.as_ref(), "admin")?.unwrap_or_default();
    let read_tokens = tokens(s.read_tokens.as_ref(), "reader")?;
    let mut artifact_origins = Vec::new();
    for o in &s.artifact_origins {
        let u = url::Url::parse(o)
            .map_err(|e| Failure::usage(anyhow::anyhow!("artifact origin {o:?}: {e}")))?;
        artifact_origins.push(u.origin().ascii_serialization());
    }
    let notify = NotifyConfig {
        slack_webhook_url: http_url("the Slack webhook URL", s.slack_webhook_url.as_ref())?,
        webhook_url: http_url("the webhook URL", s.webhook_url.as_ref())?,
        first_backoff: Duration::from_millis(500),
    };
    if admin_tokens.is_empty() {
        if !s.bind.ip().is_loopback() {
            eprintln!(
                "warning: listening on {} without an admin token: the admin API is disabled; set {} or [serve] admin_tokens",
                s.bind, s.admin_token_env
            );
        } else {
            tracing::info!("no admin token: admin API disabled");
        }
    }
    if !s.bind.ip().is_loopback() && read_tokens.is_none() && s.public_read {
        eprintln!(
            "warning: reads are open to anyone who can reach {}; set read tokens (--read-token-env, [serve] read_tokens) to require one",
            s.bind
        );
    }
    Ok(ServerOptions {
        bind: s.bind,
        admin_tokens,
        read_tokens,
        public_read: s.public_read,
        notify,
        artifact_origins,
        limits: Limits {
            header_timeout: Duration::from_secs(s.header_timeout_secs),
            request_timeout: Duration::from_secs(s.request_timeout_secs),
            shutdown_grace: Duration::from_secs(s.shutdown_grace_secs),
            max_connections: s.max_connections,
            body_limit: s.body_limit_bytes,
        },
    })
}

/// Runs `secpip serve` until SIGINT/SIGTERM. The first line on stdout is the
/// server's URL (useful with `--bind 127.0.0.1:0`).
pub fn run(mut flags: Overrides, args: ServeArgs) -> Result<u8, Failure> {
    flags.serve = args.flags();
    let settings = Settings::load(&flags).map_err(Failure::usage)?;
    let opts = options(&settings.serve)?;
    let quiet = settings.output.quiet;
    runtime()?
        .block_on(crate::server::run(settings, opts, |addr| {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "http://{addr}");
            let _ = out.flush();
            if quiet == 0 {
                eprintln!("secpip: serving on http://{addr} (Ctrl-C to stop)");
            }
        }))
        .map_err(Failure::error)?;
    Ok(0)
}
