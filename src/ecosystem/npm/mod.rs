//! npm through npm itself: package names by npm's rules, the registry npm is
//! configured with, lockfile resolution, packument metadata, and running
//! npm against the secure registry.

pub mod installer;
pub mod lockfile;
pub mod names;
pub mod packument;
pub mod resolver;
pub mod upstream;

pub use names::validate_name;

/// Environment variables that would point npm at another registry or
/// change what the lockfile records; removed from every npm secpip runs.
pub const NPM_ENV_REMOVED: &[&str] = &[
    "npm_config_registry",
    "NPM_CONFIG_REGISTRY",
    "npm_config_omit_lockfile_registry_resolved",
    "NPM_CONFIG_OMIT_LOCKFILE_REGISTRY_RESOLVED",
    "npm_config_replace_registry_host",
    "NPM_CONFIG_REPLACE_REGISTRY_HOST",
    "npm_config_ignore_scripts",
    "NPM_CONFIG_IGNORE_SCRIPTS",
];
