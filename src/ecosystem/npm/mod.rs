//! npm through npm itself: package names by npm's rules, the registry npm is
//! configured with, lockfile resolution, packument metadata, and running
//! npm against the secure registry.

pub mod names;

pub use names::validate_name;
