//! What the loopback upstreams record and the faults they can inject.
//!
//! The PyPI fixture ([`super::upstream`]) and the npm fixture
//! ([`super::npm_upstream`]) both log every request with its user agent, so a
//! test can prove *who* fetched what (pip's agent starts with `pip/`, npm's
//! with `npm/`, secpip's worker sends `secpip/<version>`), and both have the
//! same two knobs that change behaviour while the server runs: a delay on
//! matching downloads (to keep a scan in flight) and per-agent tampering (to
//! serve corrupt bytes to one client while every published digest stays the
//! good one). [`Faults`] is that machinery, once for both.
//!
//! A download is matched by a *subject* the fixture chooses: the PyPI fixture
//! uses the artifact's filename, the npm fixture the tarball's decoded path
//! (`/@acme/ui/-/ui-1.0.0.tgz`). A rule matches when the subject contains its
//! pattern and the request's user agent starts with its agent prefix (`""`
//! matches every agent).
#![allow(dead_code)]

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, HeaderName, Request};

/// One request as the fixture saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logged {
    pub method: String,
    /// The URL path as sent, still percent-encoded and without query string,
    /// e.g. `/files/x-1.0-py3-none-any.whl`, `/@acme%2fui` or
    /// `/@acme/ui/-/ui-1.0.0.tgz`.
    pub path: String,
    /// The `User-Agent` header, or `""` when absent.
    pub user_agent: String,
    /// The `Accept` header, or `""` when absent.
    pub accept: String,
}

impl Logged {
    /// The log entry for `request`.
    pub fn of<B>(request: &Request<B>) -> Logged {
        Logged {
            method: request.method().to_string(),
            path: request.uri().path().to_string(),
            user_agent: user_agent(request.headers()),
            accept: header_text(request.headers(), header::ACCEPT),
        }
    }
}

/// A header's value as text (lossy), or `""` when absent.
pub fn header_text(headers: &HeaderMap, name: HeaderName) -> String {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default()
}

/// The `User-Agent` header, or `""` when absent.
pub fn user_agent(headers: &HeaderMap) -> String {
    header_text(headers, header::USER_AGENT)
}

/// Locks `mutex` even when it is poisoned.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked while holding a lock must not hide its own failure
    // behind a poisoned-lock panic in the server.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Hold back downloads whose subject contains `pattern`, for agents starting
/// with `ua_prefix`.
struct Delay {
    pattern: String,
    /// `""` matches every agent.
    ua_prefix: String,
    delay: Duration,
}

/// Serve flipped bytes for subjects containing `pattern` to agents starting
/// with `ua_prefix`.
struct Tamper {
    pattern: String,
    ua_prefix: String,
}

/// The request log, delays and tampering of one fixture server.
#[derive(Default)]
pub struct Faults {
    log: Mutex<Vec<Logged>>,
    delays: Mutex<Vec<Delay>>,
    tampers: Mutex<Vec<Tamper>>,
}

impl Faults {
    /// Appends `request` to the log. Fixtures log a request before serving
    /// it, so a delayed request shows up while it waits.
    pub fn record(&self, request: Logged) {
        lock(&self.log).push(request);
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Logged> {
        lock(&self.log).clone()
    }

    pub fn clear_log(&self) {
        lock(&self.log).clear();
    }

    /// How many logged requests `matches` accepts.
    pub fn count(&self, matches: impl Fn(&Logged) -> bool) -> usize {
        lock(&self.log).iter().filter(|r| matches(r)).count()
    }

    /// Hold back downloads whose subject contains `pattern` and whose user
    /// agent starts with `ua_prefix` (`""`: every agent) until `delay` has
    /// passed since each request arrived. Replaces the delay set before for
    /// the same pattern and prefix. The delay is read live: lowering it (or
    /// setting it to zero, which removes it) releases requests that are
    /// already waiting. Where several delays match, the longest holds.
    ///
    /// Tests that must hold secpip's worker and not the package manager pass
    /// `"secpip/"`: pip before 25.3 downloads every wheel at the end of
    /// `install --dry-run`, and a delay on it would stall resolution (see
    /// `Upstream::set_delay_for_agent`).
    pub fn set_delay(&self, pattern: &str, ua_prefix: &str, delay: Duration) {
        let mut delays = lock(&self.delays);
        delays.retain(|d| !(d.pattern == pattern && d.ua_prefix == ua_prefix));
        if !delay.is_zero() {
            delays.push(Delay {
                pattern: pattern.to_string(),
                ua_prefix: ua_prefix.to_string(),
                delay,
            });
        }
    }

    /// Serve downloads whose subject contains `pattern` with every byte
    /// flipped to requests whose user agent starts with `ua_prefix`.
    pub fn tamper(&self, pattern: &str, ua_prefix: &str) {
        lock(&self.tampers).push(Tamper {
            pattern: pattern.to_string(),
            ua_prefix: ua_prefix.to_string(),
        });
    }

    /// Undo every [`Faults::tamper`].
    pub fn clear_tampering(&self) {
        lock(&self.tampers).clear();
    }

    /// Waits until the delay for `subject` and `user_agent` has passed since
    /// this call. The delay is re-read every 50 ms, so a lowered or removed
    /// delay releases the request early.
    pub async fn hold(&self, subject: &str, user_agent: &str) {
        let arrived = Instant::now();
        loop {
            let delay = self.delay_for(subject, user_agent);
            let waited = arrived.elapsed();
            if waited >= delay {
                break;
            }
            tokio::time::sleep((delay - waited).min(Duration::from_millis(50))).await;
        }
    }

    /// Flips every byte of `bytes` when `subject` is tampered for
    /// `user_agent`.
    pub fn tamper_bytes(&self, subject: &str, user_agent: &str, bytes: &mut [u8]) {
        if self.tampered_for(subject, user_agent) {
            bytes.iter_mut().for_each(|b| *b = !*b);
        }
    }

    fn delay_for(&self, subject: &str, user_agent: &str) -> Duration {
        lock(&self.delays)
            .iter()
            .filter(|d| {
                subject.contains(d.pattern.as_str()) && user_agent.starts_with(d.ua_prefix.as_str())
            })
            .map(|d| d.delay)
            .max()
            .unwrap_or(Duration::ZERO)
    }

    fn tampered_for(&self, subject: &str, user_agent: &str) -> bool {
        lock(&self.tampers).iter().any(|t| {
            subject.contains(t.pattern.as_str()) && user_agent.starts_with(t.ua_prefix.as_str())
        })
    }
}
