//! `[serve]` in `secpip.toml`: how `secpip serve` runs (address, tokens,
//! read gating, webhooks, limits), with the same precedence as every other
//! setting: flag, then environment, then file, then default.
//!
//! The table is `[serve]`, not `[server]`: `server = "URL"` is already a
//! top-level key (the team server a *client* talks to), and TOML cannot
//! hold a string and a table under one key. `[serve]` also names the
//! command it configures.
//!
//! Tokens and webhook URLs are secrets: they may come from the environment
//! or the file (never from a flag, which `ps` shows), are held as
//! [`Secret`], and never appear in `Debug` output or error messages.

use super::{env, ConfigError, EnvSource};
use serde::Deserialize;
use std::net::SocketAddr;

/// Default listen address: loopback only.
pub const DEFAULT_BIND: &str = "127.0.0.1:8282";
/// Default variable holding the admin tokens.
pub const DEFAULT_ADMIN_TOKEN_ENV: &str = "SECPIP_ADMIN_TOKEN";
/// Default variable holding the read tokens (set: reads need a token).
pub const DEFAULT_READ_TOKEN_ENV: &str = "SECPIP_READ_TOKEN";

/// A value that must never be printed (token, webhook URL). `Debug` shows
/// `<redacted>`; [`Secret::expose`] is the only way to the text.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret text, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Tokens as one string or a list of `label:token` entries.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawTokens {
    One(String),
    Many(Vec<String>),
}

impl RawTokens {
    fn joined(self) -> String {
        match self {
            RawTokens::One(s) => s,
            RawTokens::Many(v) => v.join(","),
        }
    }
}

// Hand-written so a mistyped table never prints its tokens in a parse error.
impl std::fmt::Debug for RawTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The raw `[serve]` table; unknown keys are errors.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawServe {
    bind: Option<String>,
    admin_tokens: Option<RawTokens>,
    read_tokens: Option<RawTokens>,
    public_read: Option<bool>,
    slack_webhook_url: Option<Secret>,
    webhook_url: Option<Secret>,
    artifact_origins: Option<Vec<String>>,
    shutdown_grace_secs: Option<u64>,
    header_timeout_secs: Option<u64>,
    request_timeout_secs: Option<u64>,
    max_connections: Option<usize>,
    body_limit_bytes: Option<usize>,
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// `secpip serve`'s flags (the CLI fills this in; `None` = not given).
#[derive(Debug, Default, Clone)]
pub struct ServeFlags {
    /// `--bind ADDR:PORT`.
    pub bind: Option<SocketAddr>,
    /// `--admin-token-env NAME`.
    pub admin_token_env: Option<String>,
    /// `--read-token-env NAME`.
    pub read_token_env: Option<String>,
    /// `--public-read BOOL`.
    pub public_read: Option<bool>,
    /// `--slack-webhook-url URL`.
    pub slack_webhook_url: Option<Secret>,
    /// `--webhook-url URL`.
    pub webhook_url: Option<Secret>,
    /// `--artifact-origin URL` (repeatable; empty = not given).
    pub artifact_origins: Vec<String>,
    /// `--shutdown-grace SECS`.
    pub shutdown_grace_secs: Option<u64>,
}

/// Tokens and where they came from (named in messages instead of the value).
#[derive(Debug, Clone)]
pub struct TokenSource {
    /// `label:token` entries, comma-separated.
    pub value: Secret,
    /// The variable or file key they were read from.
    pub origin: String,
}

/// Resolved `secpip serve` settings.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    /// Address to listen on.
    pub bind: SocketAddr,
    /// Admin tokens, if any (none: the admin API is disabled).
    pub admin_tokens: Option<TokenSource>,
    /// Where admin tokens are looked for in the environment.
    pub admin_token_env: String,
    /// Read tokens, if any (then reads need a token).
    pub read_tokens: Option<TokenSource>,
    /// Reads open without a token (when no read token is set).
    pub public_read: bool,
    /// Slack incoming webhook.
    pub slack_webhook_url: Option<Secret>,
    /// Generic JSON webhook.
    pub webhook_url: Option<Secret>,
    /// Where scan requests' artifacts may come from (empty: the upstreams).
    pub artifact_origins: Vec<String>,
    /// How long shutdown waits for in-flight scans.
    pub shutdown_grace_secs: u64,
    /// How long a client may take to send its headers.
    pub header_timeout_secs: u64,
    /// How long one request may take (long-polls included).
    pub request_timeout_secs: u64,
    /// Most connections open at once.
    pub max_connections: usize,
    /// Largest request body accepted.
    pub body_limit_bytes: usize,
}

fn positive(key: &str, value: Option<u64>, default: u64) -> Result<u64, String> {
    match value {
        Some(0) => Err(format!("[serve] {key} must be at least 1")),
        Some(v) => Ok(v),
        None => Ok(default),
    }
}

impl RawServe {
    /// Combines flags, the environment and this table; `file` names the
    /// config file in messages.
    pub(super) fn resolve(
        self,
        flags: &ServeFlags,
        env: &dyn EnvSource,
        file: &str,
    ) -> Result<ServeSettings, ConfigError> {
        let policy = |message: String| ConfigError::Policy {
            path: file.to_string(),
            message,
        };
        let bind = match (flags.bind, self.bind) {
            (Some(b), _) => b,
            (None, Some(text)) => text.trim().parse().map_err(|_| {
                policy(format!(
                    "[serve] bind = {text:?} is not an ADDR:PORT such as {DEFAULT_BIND:?}"
                ))
            })?,
            (None, None) => SocketAddr::from(([127, 0, 0, 1], 8282)),
        };
        let admin_token_env = flags
            .admin_token_env
            .clone()
            .unwrap_or_else(|| DEFAULT_ADMIN_TOKEN_ENV.into());
        let from_file = |raw: Option<RawTokens>, key: &str| {
            raw.map(RawTokens::joined)
                .filter(|v| !v.trim().is_empty())
                .map(|v| TokenSource {
                    value: Secret(v),
                    origin: format!("[serve] {key} in {file}"),
                })
        };
        let from_env = |name: &str| {
            env.var(name).map(|v| TokenSource {
                value: Secret(v),
                origin: name.to_string(),
            })
        };
        let admin_tokens =
            from_env(&admin_token_env).or_else(|| from_file(self.admin_tokens, "admin_tokens"));
        let read_token_env = flags
            .read_token_env
            .clone()
            .unwrap_or_else(|| DEFAULT_READ_TOKEN_ENV.into());
        let read_tokens =
            from_env(&read_token_env).or_else(|| from_file(self.read_tokens, "read_tokens"));
        let secret_env = |name: &str| env.var(name).map(Secret);
        let artifact_origins = if flags.artifact_origins.is_empty() {
            self.artifact_origins.unwrap_or_default()
        } else {
            flags.artifact_origins.clone()
        };
        Ok(ServeSettings {
            bind,
            admin_tokens,
            admin_token_env,
            read_tokens,
            public_read: flags.public_read.or(self.public_read).unwrap_or(true),
            slack_webhook_url: flags
                .slack_webhook_url
                .clone()
                .or_else(|| secret_env(env::SLACK_WEBHOOK_URL))
                .or(self.slack_webhook_url),
            webhook_url: flags
                .webhook_url
                .clone()
                .or_else(|| secret_env(env::WEBHOOK_URL))
                .or(self.webhook_url),
            artifact_origins,
            shutdown_grace_secs: flags
                .shutdown_grace_secs
                .or(self.shutdown_grace_secs)
                .unwrap_or(30),
            header_timeout_secs: positive("header_timeout_secs", self.header_timeout_secs, 10)
                .map_err(policy)?,
            request_timeout_secs: positive("request_timeout_secs", self.request_timeout_secs, 90)
                .map_err(policy)?,
            max_connections: self.max_connections.unwrap_or(4096).max(1),
            body_limit_bytes: match self.body_limit_bytes {
                Some(n) if n < 1024 => {
                    return Err(policy(
                        "[serve] body_limit_bytes must be at least 1024".into(),
                    ))
                }
                Some(n) => n,
                None => 1024 * 1024,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn raw(text: &str) -> RawServe {
        toml::from_str(text).unwrap()
    }

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_loopback_open_reads_and_no_tokens() {
        let s = RawServe::default()
            .resolve(&ServeFlags::default(), &env(&[]), "f")
            .unwrap();
        assert_eq!(s.bind.to_string(), DEFAULT_BIND);
        assert!(s.admin_tokens.is_none() && s.read_tokens.is_none());
        assert!(s.public_read);
        assert_eq!(
            (s.request_timeout_secs, s.body_limit_bytes),
            (90, 1024 * 1024)
        );
    }

    #[test]
    fn flag_beats_env_beats_file_beats_default() {
        let file = raw(r#"
            bind = "127.0.0.1:9000"
            public_read = false
            webhook_url = "http://file/hook"
            slack_webhook_url = "http://file/slack"
            admin_tokens = ["alice:file-token-0123456789"]
            read_tokens = "ci:file-read-0123456789"
            shutdown_grace_secs = 5
            artifact_origins = ["http://file-origin"]
            "#);
        let e = env(&[
            (env::WEBHOOK_URL, "http://env/hook"),
            (env::SLACK_WEBHOOK_URL, "http://env/slack"),
            ("SECPIP_ADMIN_TOKEN", "bob:env-token-0123456789"),
        ]);
        let flags = ServeFlags {
            bind: Some("127.0.0.1:7000".parse().unwrap()),
            webhook_url: Some(Secret::new("http://flag/hook")),
            ..Default::default()
        };
        let s = file.resolve(&flags, &e, "secpip.toml").unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:7000", "flag over file");
        assert_eq!(s.webhook_url.unwrap().expose(), "http://flag/hook");
        assert_eq!(
            s.slack_webhook_url.unwrap().expose(),
            "http://env/slack",
            "env over file"
        );
        let admin = s.admin_tokens.unwrap();
        assert_eq!(
            (admin.value.expose(), admin.origin.as_str()),
            ("bob:env-token-0123456789", "SECPIP_ADMIN_TOKEN")
        );
        let read = s.read_tokens.unwrap();
        assert_eq!(read.value.expose(), "ci:file-read-0123456789");
        assert!(read.origin.contains("read_tokens"), "{}", read.origin);
        assert!(!s.public_read, "file over default");
        assert_eq!(s.shutdown_grace_secs, 5);
        assert_eq!(s.artifact_origins, vec!["http://file-origin".to_string()]);
    }

    #[test]
    fn a_flag_naming_another_variable_reads_that_one() {
        let e = env(&[
            ("TEAM_ADMIN", "carol:named-token-0123456789"),
            ("SECPIP_ADMIN_TOKEN", "ignored-token-0123456789"),
        ]);
        let flags = ServeFlags {
            admin_token_env: Some("TEAM_ADMIN".into()),
            ..Default::default()
        };
        let s = RawServe::default().resolve(&flags, &e, "f").unwrap();
        assert_eq!(
            s.admin_tokens.unwrap().value.expose(),
            "carol:named-token-0123456789"
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        let err = toml::from_str::<RawServe>("bnid = \"x\"").unwrap_err();
        assert!(err.to_string().contains("bnid"), "{err}");
        let bad = raw("bind = \"everywhere\"")
            .resolve(&ServeFlags::default(), &env(&[]), "team.toml")
            .unwrap_err()
            .to_string();
        assert!(
            bad.contains("team.toml") && bad.contains("ADDR:PORT"),
            "{bad}"
        );
        assert!(raw("header_timeout_secs = 0")
            .resolve(&ServeFlags::default(), &env(&[]), "f")
            .is_err());
    }

    #[test]
    fn secrets_never_print() {
        let file = raw(r#"
            admin_tokens = "alice:very-secret-admin-token"
            webhook_url = "http://hooks/very-secret-path"
            "#);
        let s = file
            .resolve(&ServeFlags::default(), &env(&[]), "f")
            .unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        let raw_shown = format!("{:?}", raw("read_tokens = [\"x:very-secret-read\"]"));
        assert!(!raw_shown.contains("very-secret"), "{raw_shown}");
    }
}
