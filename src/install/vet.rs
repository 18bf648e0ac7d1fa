//! Vetting a resolved tree, the same for pip and npm: start the worker pool,
//! claim and wait for every package, and let a person at the terminal
//! approve Yellow verdicts (recorded as allow entries) when nothing Red is
//! in the way.

use super::wait;
use super::InstallError;
use crate::backend::Scans;
use crate::config::Settings;
use crate::ecosystem::ResolvedPackage;
use crate::queue::local::LocalQueue;
use crate::queue::ScanQueue;
use crate::repo::SecureRepo;
use crate::report::progress::Progress;
use crate::report::prompt::Prompter;
use crate::store::{PolicyAction, PolicyEntry, Record, Status, StatusStore};
use crate::verdict::policy::ListRule;
use crate::verdict::Risk;
use crate::worker::{PopularSets, Sources, Worker};
use std::sync::Arc;
use std::time::Duration;

/// What vetting needs.
pub struct VetContext<'a> {
    /// Settings in force.
    pub settings: &'a Settings,
    /// The status store.
    pub store: Arc<dyn StatusStore>,
    /// In this process, or by workers elsewhere.
    pub scans: Scans,
    /// Progress reporter.
    pub progress: &'a dyn Progress,
    /// Who may approve Yellow verdicts.
    pub prompter: &'a dyn Prompter,
}

/// Vets `tree`; `Some(blocked)` when something is (still) blocked.
pub async fn vet(
    ctx: &VetContext<'_>,
    tree: &[ResolvedPackage],
) -> Result<Option<Vec<Record>>, InstallError> {
    let settings = ctx.settings;
    let queue: Arc<dyn ScanQueue> = match &ctx.scans {
        Scans::Remote(q) => q.clone(),
        Scans::InProcess {
            repo,
            client,
            sources,
        } => local_queue(ctx, repo, client, sources, tree).await?,
    };
    let waiter = wait::Waiter {
        store: ctx.store.as_ref(),
        queue: queue.as_ref(),
        progress: ctx.progress,
        lease: Duration::from_secs(settings.install.lease_secs),
        timeout: Duration::from_secs(settings.install.timeout_secs),
        owner: wait::owner_id(),
        stale_before: crate::store::secure_stale_before(settings.policy.secure_ttl_days),
    };

    let mut todo: Vec<ResolvedPackage> = tree.to_vec();
    loop {
        let records = waiter.decide_all(&todo).await?;
        let blocked: Vec<Record> = records
            .into_iter()
            .filter(|r| r.status == Status::Block)
            .collect();
        ctx.progress.finish();
        if blocked.is_empty() {
            return Ok(None);
        }
        let approved = ask(ctx.prompter, &blocked);
        if approved.len() != blocked.len() {
            return Ok(Some(blocked));
        }
        todo.clear();
        for r in approved {
            let who = crate::store::whoami();
            ctx.store
                .put_policy(&PolicyEntry {
                    action: PolicyAction::Allow,
                    rule: ListRule {
                        ecosystem: r.id.ecosystem,
                        name: r.id.name.clone(),
                        version: Some(r.id.version.clone()),
                        reason: format!("approved at the prompt by {who}"),
                        origin: who,
                    },
                })
                .await?;
            ctx.store
                .forget(r.id.ecosystem, &r.id.name, Some(&r.id.version))
                .await?;
            if let Some(p) = tree.iter().find(|p| p.id == r.id) {
                todo.push(p.clone());
            }
        }
    }
}

/// The embedded pool: a worker in this process, with one advisory batch
/// prefetched for everything not decided yet.
async fn local_queue(
    ctx: &VetContext<'_>,
    repo: &Arc<dyn SecureRepo>,
    client: &reqwest::Client,
    sources: &Sources,
    tree: &[ResolvedPackage],
) -> Result<Arc<dyn ScanQueue>, InstallError> {
    let settings = ctx.settings;
    let worker = Arc::new(Worker::new(
        ctx.store.clone(),
        repo.clone(),
        client.clone(),
        sources.clone(),
        settings.policy.clone(),
        PopularSets::load(&settings.data_dir),
        Duration::from_secs(settings.install.lease_secs),
    ));
    let ids: Vec<_> = tree.iter().map(|p| p.id.clone()).collect();
    let rows = ctx.store.get_many(&ids).await?;
    let undecided: Vec<_> = ids
        .iter()
        .zip(&rows)
        .filter(|(_, r)| r.as_ref().is_none_or(|r| r.status == Status::Check))
        .map(|(id, _)| id.clone())
        .collect();
    worker.prefetch_advisories(&undecided).await;
    Ok(Arc::new(LocalQueue::new(worker, settings.install.workers)))
}

/// Asks about Yellow blocks, only when every block is Yellow (a Red one
/// fails the install anyway). Stops at the first no.
fn ask(prompter: &dyn Prompter, blocked: &[Record]) -> Vec<Record> {
    let mut approved = Vec::new();
    if !blocked.iter().all(|r| r.risk == Some(Risk::Yellow)) {
        return approved;
    }
    for r in blocked {
        let reasons: Vec<&str> = r
            .reasons
            .iter()
            .filter(|f| f.points > 0)
            .map(|f| f.reason.as_str())
            .collect();
        let q = format!(
            "{} {} needs review (score {}: {}). Install anyway?",
            r.id.name,
            r.id.version,
            r.score.unwrap_or(0),
            reasons.join(", ")
        );
        match prompter.confirm(&q) {
            Some(true) => approved.push(r.clone()),
            _ => break,
        }
    }
    approved
}
