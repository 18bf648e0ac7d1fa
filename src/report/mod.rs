//! Presentation: verdicts and rows rendered as human text or JSON, progress
//! while waiting, and the one interactive question secpip ever asks.
//! Logic never prints; it hands data to these modules.

pub mod asff;
pub mod human;
pub mod json;
pub mod progress;
pub mod prompt;
pub mod sarif;

use crate::ecosystem::PackageId;
use crate::verdict::typosquat::Similar;
use crate::verdict::{Finding, Risk};

/// What the machine-readable reports need of a verdict or a stored row.
#[derive(Debug, Clone)]
pub struct Reported {
    /// The package.
    pub id: PackageId,
    /// Its risk.
    pub risk: Risk,
    /// Its score.
    pub score: i32,
    /// Its findings.
    pub findings: Vec<Finding>,
    /// Look-alike targets.
    pub similar: Vec<Similar>,
}

impl Reported {
    /// `name@version`, or just `name` when no version was judged.
    pub fn label(&self) -> String {
        if self.id.version.is_empty() {
            self.id.name.clone()
        } else {
            self.id.to_string()
        }
    }

    /// From a verdict.
    pub fn from_verdict(id: &PackageId, v: &crate::verdict::Verdict) -> Reported {
        Reported {
            id: id.clone(),
            risk: v.risk,
            score: v.score,
            findings: v.findings.clone(),
            similar: v.similar.clone(),
        }
    }

    /// From a status-table row.
    pub fn from_record(r: &crate::store::Record) -> Reported {
        Reported {
            id: r.id.clone(),
            risk: r.risk.unwrap_or(Risk::Red),
            score: r.score.unwrap_or(0),
            findings: r.reasons.clone(),
            similar: r.similar.clone(),
        }
    }
}

/// Machine-readable document formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Text for people (the default).
    Human,
    /// JSON (same as `--json`).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// AWS Security Finding Format, for Security Hub.
    Asff,
}
