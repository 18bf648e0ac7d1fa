//! `secpip check NAME[==VER]`: the verdict without installing anything.

use super::{runtime, Failure, EXIT_BLOCKED};
use crate::config::Settings;
use crate::ecosystem::pypi::{requirements, upstream};
use crate::ecosystem::{Ecosystem, PackageId};
use crate::report::{human, json};
use crate::store::{sqlite::SqliteStore, PolicyAction, StatusStore};
use crate::verdict::{self, Context, Decision};
use crate::worker::{gather_facts, Sources};
use clap::Args;
use std::time::Duration;

/// Arguments of `secpip check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// `NAME` or `NAME==VERSION`.
    #[arg(value_name = "NAME[==VER]")]
    package: String,
}

fn split(spec: &str) -> Result<(String, Option<String>), requirements::InputError> {
    let (name, version) = match spec.split_once("==") {
        Some((n, v)) => (n.trim(), Some(v.trim().to_string())),
        None => (spec.trim(), None),
    };
    requirements::validate_name(name)?;
    if let Some(v) = &version {
        if v.parse::<pep440_rs::Version>().is_err() {
            return Err(requirements::InputError::Invalid {
                input: spec.to_string(),
                message: format!("{v:?} is not a valid version"),
            });
        }
    }
    Ok((name.to_string(), version))
}

/// Runs `secpip check`. Exits 3 when the verdict is a block.
pub fn run(settings: Settings, args: CheckArgs) -> Result<u8, Failure> {
    let (name, version) = split(&args.package).map_err(Failure::usage)?;
    let rt = runtime()?;
    rt.block_on(async {
        let up = upstream::discover(
            &settings.pypi.python,
            settings.pypi.index_url.as_deref(),
            settings.pypi.json_url.as_deref(),
        )
        .await
        .map_err(Failure::error)?;
        let client = crate::http::client(Duration::from_secs(settings.sources.timeout_secs));
        let sources = Sources::new(&settings, up.json_url, String::new());
        let popular = crate::data::pypi_popular(&settings.data_dir);
        let probe = PackageId::new(Ecosystem::Pypi, &name, version.as_deref().unwrap_or(""));
        let facts = gather_facts(&client, &sources, popular, &probe).await;
        let resolved_version = version.clone().or_else(|| {
            facts.metadata.found().and_then(|m| {
                m.releases
                    .keys()
                    .filter_map(|v| v.parse::<pep440_rs::Version>().ok().map(|p| (p, v)))
                    .filter(|(p, _)| !p.any_prerelease())
                    .max_by(|a, b| a.0.cmp(&b.0))
                    .map(|(_, v)| v.clone())
            })
        });
        let id = PackageId::new(
            Ecosystem::Pypi,
            &name,
            resolved_version.as_deref().unwrap_or(""),
        );
        let entries =
            match SqliteStore::open_existing(&settings.db_path()).map_err(Failure::error)? {
                Some(store) => store.policy_entries().await.map_err(Failure::error)?,
                None => Vec::new(),
            };
        let (allow, block): (Vec<_>, Vec<_>) = entries
            .into_iter()
            .partition(|e| e.action == PolicyAction::Allow);
        let allow: Vec<_> = allow.into_iter().map(|e| e.rule).collect();
        let block: Vec<_> = block.into_iter().map(|e| e.rule).collect();
        let v = verdict::verdict(
            &id,
            &facts,
            &Context {
                policy: &settings.policy,
                popular,
                allow: &allow,
                block: &block,
            },
        );
        if settings.output.json {
            println!(
                "{}",
                json::package_check(&id, version.is_some(), &v, &settings.policy)
            );
        } else {
            print!("{}", human::verdict(&id, &v));
        }
        Ok(if v.decision == Decision::Block {
            EXIT_BLOCKED
        } else {
            0
        })
    })
}
