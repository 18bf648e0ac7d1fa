//! Progress while verdicts are pending. The install flow calls the
//! [`Progress`] trait; this is the only file that touches indicatif. Bars
//! are drawn only on a terminal; otherwise each event is one plain line.

use crate::ecosystem::PackageId;
use crate::store::Status;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

/// Events of the wait loop.
pub trait Progress: Send + Sync {
    /// Resolution against upstream starts.
    fn resolving(&self, what: &str);
    /// `total` packages in the tree, `done` already decided.
    fn start(&self, total: usize, done: usize);
    /// A scan of `id` was requested (by us or someone else).
    fn scanning(&self, id: &PackageId);
    /// `id` is decided.
    fn decided(&self, id: &PackageId, status: Status);
    /// A plain message.
    fn note(&self, message: &str);
    /// Waiting is over.
    fn finish(&self);
}

/// Prints nothing (`-q`, `--json`).
pub struct Silent;

impl Progress for Silent {
    fn resolving(&self, _: &str) {}
    fn start(&self, _: usize, _: usize) {}
    fn scanning(&self, _: &PackageId) {}
    fn decided(&self, _: &PackageId, _: Status) {}
    fn note(&self, _: &str) {}
    fn finish(&self) {}
}

/// One line per event on stderr, for logs and CI.
pub struct Lines;

impl Progress for Lines {
    fn resolving(&self, what: &str) {
        eprintln!("secpip: resolving {what}");
    }
    fn start(&self, total: usize, done: usize) {
        eprintln!("secpip: {total} package(s) in the tree, {done} already vetted");
    }
    fn scanning(&self, id: &PackageId) {
        eprintln!("secpip: scanning {id}");
    }
    fn decided(&self, id: &PackageId, status: Status) {
        eprintln!("secpip: {id} {}", status.as_str());
    }
    fn note(&self, message: &str) {
        eprintln!("secpip: {message}");
    }
    fn finish(&self) {}
}

/// indicatif bars: an overall bar and a spinner per package in flight.
pub struct Bars {
    multi: MultiProgress,
    overall: ProgressBar,
    lines: Mutex<HashMap<String, ProgressBar>>,
}

impl Bars {
    fn new() -> Bars {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let overall = multi.add(ProgressBar::new(0));
        overall.set_style(
            ProgressStyle::with_template("{spinner} vetting [{bar:30}] {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        overall.enable_steady_tick(Duration::from_millis(120));
        Bars {
            multi,
            overall,
            lines: Mutex::new(HashMap::new()),
        }
    }
}

impl Progress for Bars {
    fn resolving(&self, what: &str) {
        self.overall.set_message(format!("resolving {what}"));
    }
    fn start(&self, total: usize, done: usize) {
        // A second round (after an approval) starts from a fresh bar.
        self.overall.reset();
        self.overall.enable_steady_tick(Duration::from_millis(120));
        self.overall.set_length(total as u64);
        self.overall.set_position(done as u64);
        self.overall.set_message("");
    }
    fn scanning(&self, id: &PackageId) {
        let bar = self.multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("  {spinner} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(format!("scanning {id}"));
        bar.enable_steady_tick(Duration::from_millis(120));
        if let Ok(mut l) = self.lines.lock() {
            l.insert(id.key(), bar);
        }
    }
    fn decided(&self, id: &PackageId, status: Status) {
        if let Some(bar) = self.lines.lock().ok().and_then(|mut l| l.remove(&id.key())) {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
        self.overall.inc(1);
        let _ = self.multi.println(format!("  {id} {}", status.as_str()));
    }
    fn note(&self, message: &str) {
        let _ = self.multi.println(message);
    }
    fn finish(&self) {
        self.overall.finish_and_clear();
    }
}

/// Chooses the reporter: nothing when quiet or JSON, bars on a terminal, lines otherwise.
pub fn reporter(quiet: bool, json: bool) -> Box<dyn Progress> {
    if quiet || json {
        Box::new(Silent)
    } else if std::io::stderr().is_terminal() {
        Box::new(Bars::new())
    } else {
        Box::new(Lines)
    }
}
