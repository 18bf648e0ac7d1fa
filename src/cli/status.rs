//! `secpip status [NAME[@VER]]`: the rows of the status table.

use super::{runtime, Failure};
use crate::config::Settings;
use crate::ecosystem::pypi::{normalize_name, requirements};
use crate::report::{human, json};
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
    if let Some(server) = &settings.server {
        return remote(&settings, server, args.package.as_deref());
    }
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
    let records = runtime()?.block_on(async {
        match crate::backend::existing_store(&settings).await? {
            None => Ok(Vec::new()),
            Some(store) => {
                store
                    .list(
                        filter.as_ref().map(|(n, _)| n.as_str()),
                        filter.as_ref().and_then(|(_, v)| v.as_deref()),
                    )
                    .await
            }
        }
    });
    let records = records.map_err(Failure::error)?;
    if settings.output.json {
        let rows: Vec<_> = records.iter().map(json::record).collect();
        println!("{}", serde_json::Value::Array(rows));
    } else {
        print!("{}", human::status(&records));
    }
    Ok(0)
}

/// `status` against a team server: one `NAME@VERSION` (`npm:` prefix for npm).
fn remote(
    settings: &Settings,
    server: &crate::config::ServerSettings,
    spec: Option<&str>,
) -> Result<u8, Failure> {
    let spec = spec.ok_or_else(|| {
        Failure::usage(anyhow::anyhow!(
            "with a team server, give NAME@VERSION (or npm:NAME@VERSION); the full table is on the server (secpip audit, /metrics)"
        ))
    })?;
    let rule = crate::verdict::policy::ListRule::parse(spec, "", "")
        .map_err(|e| Failure::usage(anyhow::anyhow!(e)))?;
    let version = rule
        .version
        .clone()
        .ok_or_else(|| Failure::usage(anyhow::anyhow!("give NAME@VERSION with a team server")))?;
    let client =
        crate::install::remote::ServerClient::new(server, std::time::Duration::from_secs(30));
    let path = format!(
        "/v1/status/{}/{}/{}",
        rule.ecosystem.as_str(),
        rule.name.replace('/', "%2f"),
        version
    );
    let row = runtime()?
        .block_on(client.get(&path))
        .map_err(Failure::error)?;
    let records: Vec<crate::store::Record> = serde_json::from_value(row.clone())
        .map(|r| vec![r])
        .unwrap_or_default();
    if settings.output.json {
        println!("{}", serde_json::Value::Array(vec![row]));
    } else {
        print!("{}", human::status(&records));
    }
    Ok(0)
}
