//! Presentation: verdicts and rows rendered as human text or JSON, progress
//! while waiting, and the one interactive question secpip ever asks.
//! Logic never prints; it hands data to these modules.

pub mod human;
pub mod json;
pub mod progress;
pub mod prompt;
