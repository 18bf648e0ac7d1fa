//! The admin API: `POST /v1/policy/allow`, `POST /v1/policy/block` and
//! `POST /v1/rescan/{ecosystem}/{name}/{version}`.
//!
//! These do exactly what `secpip allow|block` and a forgotten row do on a
//! workstation — record the rule, apply it to existing rows, take blocked
//! files out of the secure repository — with *who* being the admin token's
//! label. Every change is written to the audit log and announced to the
//! notification targets.

use super::auth::Caller;
use super::{check, json_response, ApiError, Shared};
use crate::audit::{AuditEntry, AuditKind};
use crate::ecosystem::Ecosystem;
use crate::notify::Notification;
use crate::repo::SecureRepo;
use crate::store::{PolicyAction, PolicyEntry, Status};
use crate::verdict::policy::{codes, ListRule};
use crate::verdict::Finding;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use serde::Deserialize;

/// The body of the policy endpoints.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyIn {
    /// `name`, `name@version`, or either with an `npm:`/`pypi:` prefix.
    package: String,
    /// Why; shown to everyone the decision affects.
    reason: String,
}

/// Records the audit row and sends the notification of a policy change.
async fn announce(
    state: &Shared,
    kind: AuditKind,
    (eco, name, version): (Ecosystem, &str, Option<&str>),
    who: &str,
    why: &str,
    rows: usize,
) {
    let mut entry = AuditEntry::now(kind, eco, name, version);
    entry.status = match kind {
        AuditKind::Block => Some(Status::Block.as_str().into()),
        _ => None,
    };
    entry.who = who.to_string();
    entry.why = why.to_string();
    entry.evidence = vec![format!("{rows} recorded version(s) affected")];
    if let Err(e) = state.audit.record(&entry).await {
        tracing::error!(package = name, error = %e, "audit entry not written");
    }
    state.notifier.send(Notification {
        event: match kind {
            AuditKind::Allow => "policy-allow",
            AuditKind::Block => "policy-block",
            AuditKind::Rescan => "rescan",
            AuditKind::Verdict => "verdict",
        }
        .into(),
        ecosystem: eco.as_str().into(),
        package: name.to_string(),
        version: version.map(str::to_string),
        risk: None,
        score: None,
        reasons: vec![why.to_string()],
        who: who.to_string(),
        at: entry.at,
    });
    state.changed.bump();
}

async fn apply(
    state: Shared,
    Caller(who): Caller,
    body: PolicyIn,
    action: PolicyAction,
) -> Result<Response, ApiError> {
    let reason = body.reason.trim();
    if reason.is_empty() {
        return Err(ApiError::bad_request("reason must say why"));
    }
    let origin = format!("{who} via secpip serve");
    let rule = ListRule::parse(&body.package, reason, &origin).map_err(ApiError::bad_request)?;
    state
        .store
        .put_policy(&PolicyEntry {
            action,
            rule: rule.clone(),
        })
        .await?;
    let version = rule.version.as_deref();
    let (what, kind, n) = match action {
        PolicyAction::Block => {
            let finding = Finding {
                code: codes::BLOCKLIST.into(),
                points: state.settings.policy.weight(codes::BLOCKLIST),
                reason: format!("Blocked by policy: {}", rule.reason),
                evidence: vec![format!("blocked by {who}")],
            };
            let n = state
                .store
                .set_decision(
                    rule.ecosystem,
                    &rule.name,
                    version,
                    Status::Block,
                    &finding,
                    &who,
                )
                .await?;
            state
                .repo
                .remove(rule.ecosystem, &rule.name, version)
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "removing blocked files failed");
                    ApiError::unavailable("the rule is recorded, but removing the files from the secure repository failed; see the server log")
                })?;
            ("blocked", AuditKind::Block, n)
        }
        PolicyAction::Allow => {
            let n = state
                .store
                .forget(rule.ecosystem, &rule.name, version)
                .await?;
            ("allowed", AuditKind::Allow, n)
        }
    };
    announce(
        &state,
        kind,
        (rule.ecosystem, &rule.name, version),
        &who,
        reason,
        n,
    )
    .await;
    let spec = match version {
        Some(v) => format!("{}:{}@{v}", rule.ecosystem, rule.name),
        None => format!("{}:{}", rule.ecosystem, rule.name),
    };
    Ok(json_response(
        StatusCode::OK,
        &serde_json::json!({"action": what, "package": spec, "reason": rule.reason, "by": who, "rows_affected": n}),
    ))
}

/// `POST /v1/policy/allow`: always allow; recorded rows are vetted again.
pub async fn allow(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<PolicyIn>,
) -> Result<Response, ApiError> {
    apply(state, caller, body, PolicyAction::Allow).await
}

/// `POST /v1/policy/block`: always block, and remove the files from the secure repository.
pub async fn block(
    State(state): State<Shared>,
    Extension(caller): Extension<Caller>,
    Json(body): Json<PolicyIn>,
) -> Result<Response, ApiError> {
    apply(state, caller, body, PolicyAction::Block).await
}

/// `POST /v1/rescan/{ecosystem}/{name}/{version}`: forgets the row, so the
/// next install that asks for this version has it scanned again.
pub async fn rescan(
    State(state): State<Shared>,
    Extension(Caller(who)): Extension<Caller>,
    Path((eco, name, version)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let eco = check::ecosystem(&eco)?;
    check::validate(eco, &name, Some(&version)).map_err(ApiError::bad_request)?;
    let name = eco.normalize(&name);
    let n = state.store.forget(eco, &name, Some(&version)).await?;
    announce(
        &state,
        AuditKind::Rescan,
        (eco, &name, Some(&version)),
        &who,
        "rescan requested",
        n,
    )
    .await;
    Ok(json_response(
        StatusCode::OK,
        &serde_json::json!({"action": "rescan", "key": format!("{eco}:{name}@{version}"), "by": who, "rows_affected": n}),
    ))
}
