//! One `secpip npm install` / `secpip npm ci`: resolve in a temporary copy
//! of the project (or read the existing lockfile for `ci`), vet the tree,
//! then run npm against the secure registry only, with lifecycle scripts
//! skipped unless policy allows them. The project ends up as plain npm
//! would leave it: its lockfile keeps the upstream `resolved` URLs.

use super::{vet, InstallError, Outcome};
use crate::config::Settings;
use crate::ecosystem::npm::{installer, lockfile, resolver, upstream};
use crate::ecosystem::ResolvedPackage;
use crate::repo::local::LocalRepo;
use crate::repo::serve::IndexServer;
use crate::report::progress::Progress;
use crate::report::prompt::Prompter;
use crate::worker::Sources;
use std::path::PathBuf;
use std::time::Duration;

/// What the user asked npm to do, already validated.
#[derive(Debug, Clone)]
pub struct NpmRequest {
    /// The project folder.
    pub project: PathBuf,
    /// Packages to add (`npm install x`); empty installs package.json.
    pub specs: Vec<String>,
    /// Pass-through npm arguments (checked).
    pub npm_args: Vec<String>,
    /// `npm ci`: install exactly the existing lockfile.
    pub ci: bool,
}

/// Why the npm side failed before npm ran.
#[derive(Debug, thiserror::Error)]
pub enum NpmError {
    /// Upstream registry unknown.
    #[error(transparent)]
    Registry(#[from] upstream::RegistryError),
    /// Resolution failed.
    #[error(transparent)]
    Resolve(#[from] resolver::NpmResolveError),
    /// `npm ci` without a lockfile, or a lockfile secpip cannot vet.
    #[error("{0}")]
    Lockfile(String),
}

fn write_atomic(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("secpip.tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

/// Runs the npm flow.
pub async fn install(
    settings: &Settings,
    req: &NpmRequest,
    progress: &dyn Progress,
    prompter: &dyn Prompter,
) -> Result<Outcome, InstallError> {
    let remote = settings
        .server
        .as_ref()
        .map(|s| super::remote::ServerClient::new(s, Duration::from_secs(60)));
    let registry = upstream::discover(settings.npm.registry.as_deref(), &req.project)
        .await
        .map_err(NpmError::from)?;
    let (tree, resolution): (Vec<ResolvedPackage>, _) = if req.ci {
        let path = req.project.join("package-lock.json");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            NpmError::Lockfile(format!(
                "`npm ci` needs {}: {e}; run `secpip npm install` first",
                path.display()
            ))
        })?;
        (
            lockfile::parse(&text).map_err(|e| NpmError::Lockfile(e.to_string()))?,
            None,
        )
    } else {
        progress.resolving(&if req.specs.is_empty() {
            "package.json".to_string()
        } else {
            req.specs.join(" ")
        });
        let before = (settings.policy.min_release_age_hours > 0).then(|| {
            time::OffsetDateTime::now_utc()
                - time::Duration::hours(settings.policy.min_release_age_hours as i64)
        });
        // A typo that is no package at all gets the right name.
        let r = resolver::resolve(&req.project, &registry, &req.specs, &req.npm_args, before)
            .await
            .map_err(|e| {
                NpmError::from(super::suggest::explain_npm_error(
                    e,
                    &settings.data_dir,
                    &settings.policy.typosquat,
                ))
            })?;
        (r.tree.clone(), Some(r))
    };

    let allowed: Vec<String> = tree
        .iter()
        .filter(|p| {
            settings
                .npm
                .scripts_allowed
                .iter()
                .any(|r| r.matches(&p.id))
        })
        .map(|p| p.id.name.clone())
        .collect();
    let repo = LocalRepo::new(settings.repo_dir());
    match &remote {
        Some(server) => {
            if let Some(blocked) = super::remote::vet(settings, server, &tree, progress).await? {
                return Ok(Outcome::Blocked(blocked));
            }
        }
        None => {
            if let Some(blocked) =
                vet_locally(settings, &registry, &tree, &allowed, progress, prompter).await?
            {
                return Ok(Outcome::Blocked(blocked));
            }
        }
    }
    if let Some(r) = &resolution {
        write_atomic(&req.project.join("package.json"), &r.package_json)
            .map_err(InstallError::Pip)?;
        write_atomic(&req.project.join("package-lock.json"), &r.lockfile)
            .map_err(InstallError::Pip)?;
    }
    let team = match &remote {
        Some(_) => None,
        None => crate::backend::npm_registry(settings).await?,
    };
    let local = match (&remote, &team) {
        (Some(_), _) | (None, Some(_)) => None,
        (None, None) => Some(
            IndexServer::start(repo.clone(), ([127, 0, 0, 1], 0).into())
                .await
                .map_err(InstallError::Pip)?,
        ),
    };
    let secure = match (&remote, &team, &local) {
        (Some(server), _, _) => server.npm_registry_url(),
        (None, Some((url, _)), _) => url.clone(),
        (None, None, Some(server)) => server.npm_registry_url(),
        (None, None, None) => unreachable!("a local registry is started when nothing else serves"),
    };
    let code = installer::install(&installer::NpmRun {
        project: &req.project,
        registry: &secure,
        ci: req.ci,
        npm_args: &req.npm_args,
        allow_scripts: &allowed,
        stdout_to_stderr: settings.output.json,
        token: team.as_ref().and_then(|(_, token)| token.as_deref()),
    })
    .await;
    if let Some(server) = local {
        server.stop().await;
    }
    let code = code.map_err(InstallError::Pip)?;
    // npm must not leave the loopback port of this run in the lockfile.
    let lock_path = req.project.join("package-lock.json");
    if let Ok(text) = std::fs::read_to_string(&lock_path) {
        if text.contains(&secure) {
            write_atomic(&lock_path, &text.replace(&secure, &registry))
                .map_err(InstallError::Pip)?;
        }
    }
    Ok(Outcome::Installed {
        code,
        skipped: Vec::new(),
    })
}

/// Vets the tree with the embedded backend and tells the user whose
/// lifecycle scripts npm will skip.
async fn vet_locally(
    settings: &Settings,
    registry: &str,
    tree: &[ResolvedPackage],
    allowed: &[String],
    progress: &dyn Progress,
    prompter: &dyn Prompter,
) -> Result<Option<Vec<crate::store::Record>>, InstallError> {
    let store = crate::backend::store(settings).await?;
    let ctx = vet::VetContext {
        settings,
        store: store.clone(),
        scans: crate::backend::scans(
            settings,
            crate::ecosystem::Ecosystem::Npm,
            crate::http::client(Duration::from_secs(settings.sources.timeout_secs)),
            Sources::new(settings, String::new(), registry.to_string()),
        )
        .await?,
        progress,
        prompter,
    };
    if let Some(blocked) = vet::vet(&ctx, tree).await? {
        return Ok(Some(blocked));
    }

    // Tell the user whose install scripts npm will skip.
    let ids: Vec<_> = tree.iter().map(|p| p.id.clone()).collect();
    let rows = store.get_many(&ids).await?;
    let skipped: Vec<String> = rows
        .iter()
        .flatten()
        .filter(|r| {
            r.reasons.iter().any(|f| f.code == "install-script") && !allowed.contains(&r.id.name)
        })
        .map(|r| r.id.to_string())
        .collect();
    if !skipped.is_empty() {
        progress.note(&format!(
            "lifecycle scripts skipped for {} (policy [npm] scripts; allow one with scripts = [\"name\"])",
            skipped.join(", ")
        ));
    }

    Ok(None)
}
