//! `secpip serve`: run the team server (see `server/`).
//!
//! Server-only settings are flags here, each with an environment variable;
//! they belong in `config.rs` as a `[server]` table once it grows one.
//! Tokens are never taken as flag values (those show up in `ps`): the flags
//! name the environment variables that hold them.

use super::{runtime, Failure};
use crate::config::Settings;
use crate::notify::NotifyConfig;
use crate::server::{auth::Tokens, listen::Limits, ServerOptions};
use clap::{ArgAction, Args};
use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

/// Arguments of `secpip serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Anything but loopback exposes the API to the network.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8282")]
    bind: SocketAddr,
    /// Environment variable holding the admin tokens (`label:token`, comma-separated).
    #[arg(long, value_name = "NAME", default_value = "SECPIP_ADMIN_TOKEN")]
    admin_token_env: String,
    /// Environment variable holding read tokens; when given, reads need a token.
    #[arg(long, value_name = "NAME")]
    read_token_env: Option<String>,
    /// Whether reads (package-check, status, index, scans) are open without a token.
    #[arg(long, value_name = "BOOL", default_value_t = true, action = ArgAction::Set)]
    public_read: bool,
    /// Slack incoming-webhook URL for BLOCKs and policy changes.
    #[arg(
        long,
        value_name = "URL",
        env = "SECPIP_SLACK_WEBHOOK_URL",
        hide_env_values = true
    )]
    slack_webhook_url: Option<String>,
    /// Generic webhook URL receiving the same events as JSON.
    #[arg(
        long,
        value_name = "URL",
        env = "SECPIP_WEBHOOK_URL",
        hide_env_values = true
    )]
    webhook_url: Option<String>,
    /// Where scan requests' artifacts may be downloaded from (repeatable;
    /// default: the configured upstreams).
    #[arg(long = "artifact-origin", value_name = "URL")]
    artifact_origins: Vec<String>,
    /// Seconds shutdown waits for in-flight scans before releasing their claims.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    shutdown_grace: u64,
}

fn tokens_from_env(var: &str, default_label: &str) -> Result<Tokens, Failure> {
    let value = std::env::var(var).unwrap_or_default();
    Tokens::parse(&value, default_label).map_err(|e| Failure::usage(anyhow::anyhow!("{var}: {e}")))
}

fn http_url(flag: &str, value: Option<String>) -> Result<Option<String>, Failure> {
    match value.filter(|v| !v.trim().is_empty()) {
        None => Ok(None),
        Some(v) => match url::Url::parse(v.trim()) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(Some(v.trim().to_string())),
            // The value may be a secret: name the flag, not the value.
            _ => Err(Failure::usage(anyhow::anyhow!(
                "{flag} is not an http(s) URL"
            ))),
        },
    }
}

/// Runs `secpip serve` until SIGINT/SIGTERM. The first line on stdout is the
/// server's URL (useful with `--bind 127.0.0.1:0`).
pub fn run(settings: Settings, args: ServeArgs) -> Result<u8, Failure> {
    let admin_tokens = tokens_from_env(&args.admin_token_env, "admin")?;
    let read_tokens = match &args.read_token_env {
        Some(var) => Some(tokens_from_env(var, "reader")?),
        None => None,
    };
    let mut artifact_origins = Vec::new();
    for o in &args.artifact_origins {
        let u = url::Url::parse(o)
            .map_err(|e| Failure::usage(anyhow::anyhow!("--artifact-origin {o:?}: {e}")))?;
        artifact_origins.push(u.origin().ascii_serialization());
    }
    let notify = NotifyConfig {
        slack_webhook_url: http_url("--slack-webhook-url", args.slack_webhook_url)?,
        webhook_url: http_url("--webhook-url", args.webhook_url)?,
        first_backoff: Duration::from_millis(500),
    };
    if admin_tokens.is_empty() {
        if !args.bind.ip().is_loopback() {
            eprintln!(
                "warning: listening on {} without an admin token: the admin API is disabled; set {}",
                args.bind, args.admin_token_env
            );
        } else {
            tracing::info!(
                "no admin token in {}: admin API disabled",
                args.admin_token_env
            );
        }
    }
    if !args.bind.ip().is_loopback() && read_tokens.is_none() && args.public_read {
        eprintln!(
            "warning: reads are open to anyone who can reach {}; use --read-token-env to require a token",
            args.bind
        );
    }
    let opts = ServerOptions {
        bind: args.bind,
        admin_tokens,
        read_tokens,
        public_read: args.public_read,
        notify,
        artifact_origins,
        limits: Limits {
            shutdown_grace: Duration::from_secs(args.shutdown_grace),
            ..Limits::default()
        },
    };
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
