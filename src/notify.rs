//! Notifications: tell people when something is blocked or a policy changes.
//!
//! A BLOCK on the team server means a developer or a CI job is stuck until
//! someone looks, so the security team wants to hear about it where they
//! already are: a Slack channel (incoming webhook) and/or any HTTP endpoint
//! taking JSON (a generic webhook, for chat bridges or ticketing).
//!
//! Delivery never sits on the decision path: [`Notifier::send`] spawns a
//! task and returns at once. Each target gets three tries with exponential
//! backoff; a failure is logged and otherwise ignored. Webhook URLs carry
//! secrets (Slack's does), so they are never logged — only which target
//! failed.

use serde::Serialize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How many times each target is tried.
pub const TRIES: u32 = 3;

/// What happened, as sent to the generic webhook (and summarized for Slack).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Notification {
    /// `block` (a scan's verdict), `policy-allow`, `policy-block` or `rescan`.
    pub event: String,
    /// `pypi` or `npm`.
    pub ecosystem: String,
    /// Normalized package name.
    pub package: String,
    /// The version, if the event is about one.
    pub version: Option<String>,
    /// Risk of the verdict, if any.
    pub risk: Option<String>,
    /// Score of the verdict, if any.
    pub score: Option<i32>,
    /// The reasons (rule findings, or the reason a person gave).
    pub reasons: Vec<String>,
    /// Who asked (a token's label, or `user@host`).
    pub who: String,
    /// When (RFC 3339).
    pub at: String,
}

impl Notification {
    /// The Slack message text.
    pub fn slack_text(&self) -> String {
        let what = match self.version.as_deref() {
            Some(v) => format!("{}:{} {v}", self.ecosystem, self.package),
            None => format!("{}:{} (all versions)", self.ecosystem, self.package),
        };
        let head = match self.event.as_str() {
            "block" => format!(":no_entry: secpip blocked *{what}*"),
            "policy-block" => format!(":no_entry: {} blocked *{what}* by policy", self.who),
            "policy-allow" => format!(":white_check_mark: {} allowed *{what}*", self.who),
            "rescan" => format!(
                ":arrows_counterclockwise: {} asked to rescan *{what}*",
                self.who
            ),
            other => format!("secpip {other}: *{what}*"),
        };
        let mut text = head;
        if let (Some(risk), Some(score)) = (&self.risk, self.score) {
            text.push_str(&format!("\nRisk: {risk} (score {score})"));
        }
        for r in self.reasons.iter().take(10) {
            text.push_str(&format!("\n• {r}"));
        }
        text.push_str(&format!("\nAsked by: {}", self.who));
        text
    }
}

/// Where notifications go; both optional.
#[derive(Clone, Default)]
pub struct NotifyConfig {
    /// Slack incoming-webhook URL (a secret).
    pub slack_webhook_url: Option<String>,
    /// Generic JSON webhook URL (may be a secret).
    pub webhook_url: Option<String>,
    /// Delay before the second try; doubled for each later one.
    pub first_backoff: Duration,
}

impl std::fmt::Debug for NotifyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifyConfig")
            .field(
                "slack_webhook_url",
                &self.slack_webhook_url.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "webhook_url",
                &self.webhook_url.as_ref().map(|_| "<redacted>"),
            )
            .field("first_backoff", &self.first_backoff)
            .finish()
    }
}

/// Sends [`Notification`]s in the background.
#[derive(Clone)]
pub struct Notifier {
    client: reqwest::Client,
    config: NotifyConfig,
    in_flight: Arc<AtomicUsize>,
}

impl Notifier {
    /// A notifier for `config`, using `client` (with its timeouts).
    pub fn new(client: reqwest::Client, config: NotifyConfig) -> Notifier {
        Notifier {
            client,
            config,
            in_flight: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Whether any target is configured.
    pub fn enabled(&self) -> bool {
        self.config.slack_webhook_url.is_some() || self.config.webhook_url.is_some()
    }

    /// Queues `n` for every configured target and returns at once.
    pub fn send(&self, n: Notification) {
        let mut targets: Vec<(&'static str, String, serde_json::Value)> = Vec::new();
        if let Some(url) = &self.config.slack_webhook_url {
            targets.push((
                "Slack webhook",
                url.clone(),
                serde_json::json!({ "text": n.slack_text() }),
            ));
        }
        if let Some(url) = &self.config.webhook_url {
            targets.push((
                "webhook",
                url.clone(),
                serde_json::to_value(&n).unwrap_or_default(),
            ));
        }
        for (label, url, body) in targets {
            let client = self.client.clone();
            let backoff = self.config.first_backoff;
            let in_flight = self.in_flight.clone();
            in_flight.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                deliver(&client, label, &url, &body, backoff).await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
            });
        }
    }

    /// Waits (at most `cap`) for queued deliveries to finish, e.g. at shutdown.
    pub async fn flush(&self, cap: Duration) {
        let deadline = tokio::time::Instant::now() + cap;
        while self.in_flight.load(Ordering::SeqCst) > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// POSTs `body` to `url` up to [`TRIES`] times; logs (without the URL) if all fail.
async fn deliver(
    client: &reqwest::Client,
    label: &str,
    url: &str,
    body: &serde_json::Value,
    first_backoff: Duration,
) {
    let mut delay = first_backoff;
    let mut last = String::new();
    for attempt in 1..=TRIES {
        match client.post(url).json(body).send().await {
            Ok(r) if r.status().is_success() => return,
            Ok(r) => last = format!("HTTP {}", r.status().as_u16()),
            // reqwest's message names the URL; strip it, the URL is a secret.
            Err(e) => last = e.without_url().to_string(),
        }
        if attempt < TRIES {
            tokio::time::sleep(delay).await;
            delay *= 2;
        }
    }
    tracing::warn!(target_kind = label, error = %last, "notification not delivered after {TRIES} tries");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn sample() -> Notification {
        Notification {
            event: "block".into(),
            ecosystem: "pypi".into(),
            package: "reqeusts".into(),
            version: Some("2.31.0".into()),
            risk: Some("Red".into()),
            score: Some(60),
            reasons: vec!["Name resembles popular package 'requests'".into()],
            who: "ci".into(),
            at: "2026-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn slack_text_names_package_risk_reasons_and_who() {
        let t = sample().slack_text();
        for needle in [
            "pypi:reqeusts 2.31.0",
            "Red (score 60)",
            "requests",
            "Asked by: ci",
        ] {
            assert!(t.contains(needle), "{needle} missing from {t}");
        }
    }

    #[test]
    fn config_debug_hides_urls() {
        let c = NotifyConfig {
            slack_webhook_url: Some("http://127.0.0.1/hooks/SECRET".into()),
            webhook_url: None,
            first_backoff: Duration::ZERO,
        };
        assert!(!format!("{c:?}").contains("SECRET"));
    }

    /// A receiver that fails the first request (HTTP 500) and accepts the next.
    #[tokio::test]
    async fn delivery_is_retried_after_a_failure() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let mut bodies = Vec::new();
            for (i, stream) in listener.incoming().take(2).enumerate() {
                let mut s = stream.unwrap();
                let mut buf = vec![0u8; 65536];
                let mut got = Vec::new();
                loop {
                    let n = s.read(&mut buf).unwrap();
                    got.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&got);
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let len = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap())
                            })
                            .unwrap_or(0);
                        if body.len() >= len {
                            bodies.push(body.to_string());
                            break;
                        }
                    }
                }
                let status = if i == 0 {
                    "500 Internal Server Error"
                } else {
                    "200 OK"
                };
                write!(
                    s,
                    "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                )
                .unwrap();
            }
            bodies
        });
        let notifier = Notifier::new(
            crate::http::client(Duration::from_secs(5)),
            NotifyConfig {
                slack_webhook_url: None,
                webhook_url: Some(format!("http://{addr}/hook")),
                first_backoff: Duration::from_millis(10),
            },
        );
        notifier.send(sample());
        notifier.flush(Duration::from_secs(10)).await;
        let bodies = server.join().unwrap();
        assert_eq!(bodies.len(), 2);
        let v: serde_json::Value = serde_json::from_str(&bodies[1]).unwrap();
        assert_eq!(
            (v["package"].as_str(), v["risk"].as_str()),
            (Some("reqeusts"), Some("Red"))
        );
    }
}
