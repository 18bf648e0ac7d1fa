//! `secpip audit [--since RFC3339] [--package NAME[@VER]]`: who decided
//! what, when and why (see `audit.rs`). `--json` prints one object a line.

use super::{runtime, Failure};
use crate::audit::{AuditEntry, AuditFilter, AuditLog};
use crate::config::Settings;
use crate::verdict::policy::ListRule;
use clap::Args;

/// Arguments of `secpip audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only entries at or after this time, e.g. `2026-01-31T00:00:00Z`.
    #[arg(long, value_name = "RFC3339")]
    since: Option<String>,
    /// Only this package (`name`, `name@ver`, `npm:name`).
    #[arg(long, value_name = "NAME[@VER]")]
    package: Option<String>,
}

fn line(e: &AuditEntry) -> String {
    let what = match &e.version {
        Some(v) => format!("{}:{}@{v}", e.ecosystem, e.name),
        None => format!("{}:{}", e.ecosystem, e.name),
    };
    let outcome = match (&e.status, &e.risk, e.score) {
        (Some(s), Some(r), Some(n)) => format!(" {s} ({r}, score {n})"),
        (Some(s), _, _) => format!(" {s}"),
        _ => String::new(),
    };
    format!(
        "{}  {:<7} {what}{outcome}  by {}: {}",
        e.at,
        e.kind.as_str(),
        e.who,
        e.why
    )
}

/// Runs `secpip audit`. Reading never creates the store.
pub fn run(settings: Settings, args: AuditArgs) -> Result<u8, Failure> {
    let since = match &args.since {
        Some(s) => Some(
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .map_err(|e| Failure::usage(anyhow::anyhow!("--since {s:?}: {e}")))?,
        ),
        None => None,
    };
    let mut filter = AuditFilter {
        since,
        ..Default::default()
    };
    if let Some(spec) = &args.package {
        let rule = ListRule::parse(spec, "", "").map_err(|e| Failure::usage(anyhow::anyhow!(e)))?;
        filter.ecosystem = Some(rule.ecosystem);
        filter.name = Some(rule.name);
        filter.version = rule.version;
    }
    let entries = match AuditLog::open_existing(&settings.db_path()).map_err(Failure::error)? {
        None => Vec::new(),
        Some(log) => runtime()?
            .block_on(log.list(&filter))
            .map_err(Failure::error)?,
    };
    for e in &entries {
        if settings.output.json {
            println!("{}", serde_json::to_value(e).unwrap_or_default());
        } else {
            println!("{}", line(e));
        }
    }
    if entries.is_empty() && !settings.output.json && settings.output.quiet == 0 {
        eprintln!("secpip: no audit entries");
    }
    Ok(0)
}
