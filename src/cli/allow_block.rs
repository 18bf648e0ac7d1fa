//! `secpip allow|block NAME[@VER] --reason TEXT`: a person's decision,
//! recorded in the store with who and when, applied to existing rows.

use super::{runtime, Failure};
use crate::config::Settings;
use crate::store::{PolicyAction, PolicyEntry, Status};
use crate::verdict::policy::{codes, ListRule};
use crate::verdict::Finding;
use clap::Args;

/// Arguments of `secpip allow` and `secpip block`.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// `NAME` (every version) or `NAME@VERSION`.
    #[arg(value_name = "NAME[@VER]")]
    package: String,
    /// Why; shown to everyone the decision affects.
    #[arg(long, value_name = "TEXT")]
    reason: String,
}

/// Records the decision and applies it.
pub fn run(settings: Settings, args: PolicyArgs, action: PolicyAction) -> Result<u8, Failure> {
    if args.reason.trim().is_empty() {
        return Err(Failure::usage(anyhow::anyhow!("--reason must say why")));
    }
    let who = crate::store::whoami();
    let rule = ListRule::parse(&args.package, args.reason.trim(), &who)
        .map_err(|e| Failure::usage(anyhow::anyhow!(e)))?;
    let rt = runtime()?;
    if let Some(server) = &settings.server {
        let client =
            crate::install::remote::ServerClient::new(server, std::time::Duration::from_secs(30));
        let path = match action {
            PolicyAction::Allow => "/v1/policy/allow",
            PolicyAction::Block => "/v1/policy/block",
        };
        let answer = rt
            .block_on(client.post(
                path,
                serde_json::json!({"package": rule.spec(), "reason": rule.reason}),
            ))
            .map_err(Failure::error)?;
        if settings.output.json {
            println!("{answer}");
        } else if settings.output.quiet == 0 {
            eprintln!("secpip: {} recorded on {}", rule.spec(), server.url);
        }
        return Ok(0);
    }
    rt.block_on(async {
        let store = crate::backend::store(&settings).await.map_err(Failure::error)?;
        store
            .put_policy(&PolicyEntry { action, rule: rule.clone() })
            .await
            .map_err(Failure::error)?;
        let (what, n) = match action {
            PolicyAction::Block => {
                let finding = Finding {
                    code: codes::BLOCKLIST.into(),
                    points: settings.policy.weight(codes::BLOCKLIST),
                    reason: format!("Blocked by policy: {}", rule.reason),
                    evidence: vec![format!("blocked by {who}")],
                };
                let n = store
                    .set_decision(rule.ecosystem, &rule.name, rule.version.as_deref(), Status::Block, &finding, &who)
                    .await
                    .map_err(Failure::error)?;
                let client = crate::http::client(std::time::Duration::from_secs(settings.sources.timeout_secs));
                crate::backend::secure_repo(&settings, rule.ecosystem, client)
                    .await
                    .map_err(Failure::error)?
                    .remove(rule.ecosystem, &rule.name, rule.version.as_deref())
                    .await
                    .map_err(Failure::error)?;
                ("blocked", n)
            }
            PolicyAction::Allow => {
                let n = store
                    .forget(rule.ecosystem, &rule.name, rule.version.as_deref())
                    .await
                    .map_err(Failure::error)?;
                ("allowed", n)
            }
        };
        let spec = match &rule.version {
            Some(v) => format!("{}@{}", rule.name, v),
            None => rule.name.clone(),
        };
        if settings.output.json {
            println!("{}", serde_json::json!({"action": what, "package": spec, "reason": rule.reason, "by": who, "rows_affected": n}));
        } else if settings.output.quiet == 0 {
            eprintln!("secpip: {what} {spec} ({n} recorded version(s) affected)");
        }
        Ok(0)
    })
}
