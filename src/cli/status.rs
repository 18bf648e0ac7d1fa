//! `secpip status [NAME[@VER]]`: the rows of the status table.

use super::{runtime, Failure};
use crate::config::Settings;
use crate::ecosystem::pypi::{normalize_name, requirements};
use crate::report::{human, json};
use crate::store::{sqlite::SqliteStore, StatusStore};
use clap::Args;

/// Arguments of `secpip status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Only this package (optionally one version).
    #[arg(value_name = "NAME[@VER]")]
    package: Option<String>,
}

/// Runs `secpip status`. Reading never creates the store.
pub fn run(settings: Settings, args: StatusArgs) -> Result<u8, Failure> {
    let filter = match &args.package {
        Some(spec) => {
            let (n, v) = match spec.split_once('@') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (spec.as_str(), None),
            };
            requirements::validate_name(n).map_err(Failure::usage)?;
            Some((normalize_name(n), v))
        }
        None => None,
    };
    let records = match SqliteStore::open_existing(&settings.db_path()).map_err(Failure::error)? {
        None => Vec::new(),
        Some(store) => runtime()?
            .block_on(store.list(
                filter.as_ref().map(|(n, _)| n.as_str()),
                filter.as_ref().and_then(|(_, v)| v.as_deref()),
            ))
            .map_err(Failure::error)?,
    };
    if settings.output.json {
        let rows: Vec<_> = records.iter().map(json::record).collect();
        println!("{}", serde_json::Value::Array(rows));
    } else {
        print!("{}", human::status(&records));
    }
    Ok(0)
}
