//! `GET /metrics`: Prometheus text exposition, written by hand.
//!
//! Five series cover what an operator watches: scans started, verdicts by
//! risk, the scan queue's depth, request latency (a histogram), and how
//! often `/package-check` is answered from the store. Plain atomics are
//! enough for that; a metrics crate would add a registry and a dependency
//! for no gain.

use super::Shared;
use crate::verdict::Risk;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Upper bounds (seconds) of the latency histogram's buckets.
pub const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The server's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    scans: AtomicU64,
    verdicts: [AtomicU64; 3],
    cache_hits: AtomicU64,
    computed: AtomicU64,
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Metrics {
    /// A scan was claimed and queued.
    pub fn scan_started(&self) {
        self.scans.fetch_add(1, Ordering::Relaxed);
    }

    /// A scan recorded a verdict of `risk`.
    pub fn verdict(&self, risk: Risk) {
        let i = match risk {
            Risk::Green => 0,
            Risk::Yellow => 1,
            Risk::Red => 2,
        };
        self.verdicts[i].fetch_add(1, Ordering::Relaxed);
    }

    /// `/package-check` was answered from the store.
    pub fn cache_hit(&self) {
        self.cache_hits.fetch_add(1, Ordering::Relaxed);
    }

    /// `/package-check` had to compute a verdict.
    pub fn computed(&self) {
        self.computed.fetch_add(1, Ordering::Relaxed);
    }

    /// Records one request's duration.
    pub fn observe(&self, seconds: f64) {
        // Buckets are stored non-cumulatively and summed when rendered.
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    /// The exposition text, with the queue depth sampled by the caller.
    pub fn text(&self, queue_depth: usize) -> String {
        let mut s = String::with_capacity(2048);
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let _ = writeln!(s, "# HELP secpip_scans_total Scans claimed and queued by this server.\n# TYPE secpip_scans_total counter\nsecpip_scans_total {}", get(&self.scans));
        let _ = writeln!(s, "# HELP secpip_verdicts_total Verdicts recorded by this server's scans, by risk.\n# TYPE secpip_verdicts_total counter");
        for (i, risk) in [Risk::Green, Risk::Yellow, Risk::Red].iter().enumerate() {
            let _ = writeln!(
                s,
                "secpip_verdicts_total{{risk=\"{}\"}} {}",
                risk.as_str(),
                get(&self.verdicts[i])
            );
        }
        let _ = writeln!(s, "# HELP secpip_queue_depth Scans queued or running.\n# TYPE secpip_queue_depth gauge\nsecpip_queue_depth {queue_depth}");
        let _ = writeln!(s, "# HELP secpip_package_check_cache_hits_total /package-check answers served from the status table.\n# TYPE secpip_package_check_cache_hits_total counter\nsecpip_package_check_cache_hits_total {}", get(&self.cache_hits));
        let _ = writeln!(s, "# HELP secpip_package_check_computed_total /package-check answers computed from upstream facts.\n# TYPE secpip_package_check_computed_total counter\nsecpip_package_check_computed_total {}", get(&self.computed));
        let _ = writeln!(s, "# HELP secpip_http_request_duration_seconds Time to answer an HTTP request.\n# TYPE secpip_http_request_duration_seconds histogram");
        let mut cumulative = 0;
        for (i, b) in BUCKETS.iter().enumerate() {
            cumulative += get(&self.buckets[i]);
            let _ = writeln!(
                s,
                "secpip_http_request_duration_seconds_bucket{{le=\"{b}\"}} {cumulative}"
            );
        }
        let count = get(&self.count);
        let _ = writeln!(
            s,
            "secpip_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            s,
            "secpip_http_request_duration_seconds_sum {}",
            get(&self.sum_micros) as f64 / 1e6
        );
        let _ = writeln!(s, "secpip_http_request_duration_seconds_count {count}");
        s
    }
}

/// Middleware timing every request.
pub async fn track(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let response = next.run(req).await;
    state.metrics.observe(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`.
pub async fn render(State(state): State<Shared>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.text(state.queue.depth()),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative_and_counts_everything() {
        let m = Metrics::default();
        m.observe(0.0001);
        m.observe(0.003);
        m.observe(30.0);
        m.verdict(Risk::Red);
        let t = m.text(2);
        assert!(
            t.contains("secpip_http_request_duration_seconds_bucket{le=\"0.0005\"} 1\n"),
            "{t}"
        );
        assert!(
            t.contains("secpip_http_request_duration_seconds_bucket{le=\"0.005\"} 2\n"),
            "{t}"
        );
        assert!(
            t.contains("secpip_http_request_duration_seconds_bucket{le=\"10\"} 2\n"),
            "{t}"
        );
        assert!(
            t.contains("secpip_http_request_duration_seconds_bucket{le=\"+Inf\"} 3\n"),
            "{t}"
        );
        assert!(
            t.contains("secpip_http_request_duration_seconds_count 3\n"),
            "{t}"
        );
        assert!(t.contains("secpip_verdicts_total{risk=\"Red\"} 1\n"), "{t}");
        assert!(t.contains("secpip_queue_depth 2\n"), "{t}");
    }
}
