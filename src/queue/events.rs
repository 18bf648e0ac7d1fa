//! The event schema shared by everything that talks through the event bus:
//! `ScanRequested` (an install asks for a scan), `PackageSecured` and
//! `PackageBlocked` (a worker decided). Security teams route the decision
//! events with their own EventBridge rules, so these shapes are a contract:
//! fields are only ever added.
//!
//! Every event has `source = "secpip"`. A `ScanRequested` detail is a
//! [`ScanRequest`] as JSON; a decision's detail is a [`DecisionDetail`].

use super::ScanRequest;
use crate::store::{Record, Status};
use crate::verdict::{Finding, Risk};
use serde::{Deserialize, Serialize};

/// The `source` of every secpip event.
pub const SOURCE: &str = "secpip";
/// `detail-type` of scan requests.
pub const SCAN_REQUESTED: &str = "ScanRequested";
/// `detail-type` when a package version was vetted and published.
pub const PACKAGE_SECURED: &str = "PackageSecured";
/// `detail-type` when a package version was refused.
pub const PACKAGE_BLOCKED: &str = "PackageBlocked";

/// The detail of `PackageSecured` / `PackageBlocked`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionDetail {
    /// `{ecosystem}:{name}@{version}`.
    pub key: String,
    /// `pypi` or `npm`.
    pub ecosystem: String,
    /// Normalized name.
    pub name: String,
    /// Version.
    pub version: String,
    /// `SECURE` or `BLOCK`.
    pub status: Status,
    /// Green, Yellow or Red.
    pub risk: Option<Risk>,
    /// Total points.
    pub score: Option<i32>,
    /// Every finding, with its evidence.
    pub reasons: Vec<Finding>,
    /// Who asked for the scan (`user@host`).
    pub requested_by: String,
    /// The worker that decided.
    pub decided_by: String,
}

impl DecisionDetail {
    /// The decision recorded in `record`, or `None` while it is still CHECK.
    pub fn from_record(record: &Record, requested_by: &str, decided_by: &str) -> Option<Self> {
        if record.status == Status::Check {
            return None;
        }
        Some(DecisionDetail {
            key: record.key.clone(),
            ecosystem: record.id.ecosystem.as_str().to_string(),
            name: record.id.name.clone(),
            version: record.id.version.clone(),
            status: record.status,
            risk: record.risk,
            score: record.score,
            reasons: record.reasons.clone(),
            requested_by: requested_by.to_string(),
            decided_by: decided_by.to_string(),
        })
    }

    /// The `detail-type` this decision is published under.
    pub fn detail_type(&self) -> &'static str {
        match self.status {
            Status::Block => PACKAGE_BLOCKED,
            _ => PACKAGE_SECURED,
        }
    }
}

/// Why an event could not be read as a scan request.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    /// Not JSON, or not an EventBridge event.
    #[error("not an EventBridge event: {0}")]
    Envelope(String),
    /// An event of another source or type.
    #[error("unexpected event {source_name}/{detail_type}; this worker handles {SOURCE}/{SCAN_REQUESTED}")]
    Unexpected {
        /// Its `source`.
        source_name: String,
        /// Its `detail-type`.
        detail_type: String,
    },
    /// The detail does not match the `ScanRequested` schema.
    #[error("malformed ScanRequested detail: {0}")]
    Detail(String),
}

/// The parts of the EventBridge envelope we read.
#[derive(Debug, Deserialize)]
pub struct Envelope {
    /// Event source.
    pub source: String,
    /// Event type.
    #[serde(rename = "detail-type")]
    pub detail_type: String,
    /// The payload.
    pub detail: serde_json::Value,
}

impl Envelope {
    /// Reads a `ScanRequested` event (as an SQS message body or a Lambda payload).
    pub fn scan_request(self) -> Result<ScanRequest, EventError> {
        if self.source != SOURCE || self.detail_type != SCAN_REQUESTED {
            return Err(EventError::Unexpected {
                source_name: self.source,
                detail_type: self.detail_type,
            });
        }
        serde_json::from_value(self.detail).map_err(|e| EventError::Detail(e.to_string()))
    }
}

/// Parses an SQS message body the bus rule delivered.
pub fn parse_scan_request(body: &str) -> Result<ScanRequest, EventError> {
    let envelope: Envelope =
        serde_json::from_str(body).map_err(|e| EventError::Envelope(e.to_string()))?;
    envelope.scan_request()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecosystem::{Ecosystem, PackageId};

    fn request() -> ScanRequest {
        ScanRequest {
            id: PackageId::new(Ecosystem::Pypi, "flask", "3.0.0"),
            artifacts: Vec::new(),
            owner: "ci@runner:1:00000001".into(),
            requested_by: "ci@runner".into(),
        }
    }

    #[test]
    fn reads_the_envelope_the_bus_delivers() {
        let body = serde_json::json!({
            "version": "0", "id": "6a7e8feb", "detail-type": "ScanRequested",
            "source": "secpip", "account": "111122223333", "time": "2026-11-22T10:00:00Z",
            "region": "eu-west-1", "resources": [],
            "detail": serde_json::to_value(request()).unwrap(),
        });
        assert_eq!(parse_scan_request(&body.to_string()).unwrap(), request());
    }

    #[test]
    fn refuses_other_events_and_broken_bodies() {
        let other =
            serde_json::json!({"source": "aws.s3", "detail-type": "Object Created", "detail": {}});
        let err = parse_scan_request(&other.to_string()).unwrap_err();
        assert!(err.to_string().contains("aws.s3/Object Created"), "{err}");
        assert!(matches!(
            parse_scan_request("{not json"),
            Err(EventError::Envelope(_))
        ));
        let bad = serde_json::json!({"source": "secpip", "detail-type": "ScanRequested", "detail": {"id": 3}});
        assert!(matches!(
            parse_scan_request(&bad.to_string()),
            Err(EventError::Detail(_))
        ));
    }
}
