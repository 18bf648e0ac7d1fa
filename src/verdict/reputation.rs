//! Reputation rules carried over from the firewall secpip grows from: few
//! downloads, few stars, a stale project, few releases. Each adds points;
//! a source that could not be asked adds nothing and says "unknown".

use super::facts::{Facts, Lookup};
use super::policy::{codes, Policy};
use super::Finding;
use time::Duration;

/// Downloads per month below which a package counts as unknown to the world.
pub const MIN_DOWNLOADS: u64 = 300;
/// Stars below which a repository counts as unproven.
pub const MIN_STARS: u64 = 30;
/// Releases below which a project counts as young.
pub const MIN_RELEASES: usize = 5;
/// A project whose newest release is older than this is stale.
pub const STALE_AFTER: Duration = Duration::days(730);

fn finding(policy: &Policy, code: &str, reason: &str, evidence: String) -> Finding {
    Finding {
        code: code.into(),
        points: policy.weight(code),
        reason: reason.into(),
        evidence: vec![evidence],
    }
}

fn unknown(code: &str, reason: &str, why: &str) -> Finding {
    Finding {
        code: code.into(),
        points: 0,
        reason: reason.into(),
        evidence: vec![format!("unknown: {why}")],
    }
}

/// Applies the reputation rules. `popular_rank` is the package's rank in the
/// shipped most-downloaded list, which counts as download evidence.
pub fn check(facts: &Facts, popular_rank: Option<u32>, policy: &Policy) -> Vec<Finding> {
    let mut out = Vec::new();
    match (popular_rank, &facts.downloads) {
        (Some(_), _) => {}
        (None, Lookup::Found(n)) if *n < MIN_DOWNLOADS => out.push(finding(
            policy,
            codes::LOW_DOWNLOADS,
            "Downloads < 300",
            format!("{n} downloads last month"),
        )),
        (None, Lookup::Found(_)) => {}
        (None, Lookup::Unknown(why)) => {
            out.push(unknown(codes::LOW_DOWNLOADS, "Downloads unknown", why))
        }
    }
    match &facts.stars {
        Lookup::Found(Some(n)) if *n < MIN_STARS => out.push(finding(
            policy,
            codes::LOW_STARS,
            "GitHub stars < 30",
            format!("{n} stars"),
        )),
        Lookup::Found(Some(_)) => {}
        Lookup::Found(None) if popular_rank.is_none() => out.push(finding(
            policy,
            codes::LOW_STARS,
            "GitHub stars < 30",
            "no GitHub repository linked in the project metadata".into(),
        )),
        Lookup::Found(None) => {}
        Lookup::Unknown(why) => out.push(unknown(codes::LOW_STARS, "GitHub stars unknown", why)),
    }
    if let Lookup::Found(meta) = &facts.metadata {
        match meta.last_release() {
            Some(last) if facts.now - last > STALE_AFTER => out.push(finding(
                policy,
                codes::STALE_PROJECT,
                "Last release > 2 years ago",
                format!("newest file uploaded {}", last.date()),
            )),
            Some(_) => {}
            None => out.push(unknown(
                codes::STALE_PROJECT,
                "Last release date unknown",
                "no upload times in the metadata",
            )),
        }
        let count = meta.release_count();
        if count < MIN_RELEASES {
            out.push(finding(
                policy,
                codes::FEW_RELEASES,
                "Releases < 5",
                format!("{count} release(s)"),
            ));
        }
    }
    out
}
