//! Minimum release age (cooldown): a version uploaded minutes ago has had
//! no time to be noticed if it is malicious, so it is not installed until it
//! is older than the policy's minimum (48 hours by default). Resolution goes
//! through a view of upstream that hides too-young versions, so pip picks the
//! newest version that is old enough; this rule is the backstop.

use super::facts::ProjectMetadata;
use super::policy::ListRule;
use super::Finding;
use crate::ecosystem::PackageId;
use time::{Duration, OffsetDateTime};

/// Stable code of this rule.
pub const CODE: &str = "release-age";

/// When `version` was first uploaded, if the metadata says.
pub fn uploaded_at(meta: &ProjectMetadata, version: &str) -> Option<OffsetDateTime> {
    meta.releases
        .get(version)
        .or_else(|| {
            let wanted = version.parse::<pep440_rs::Version>().ok()?;
            meta.releases
                .iter()
                .find(|(v, _)| v.parse::<pep440_rs::Version>().ok().as_ref() == Some(&wanted))
                .map(|(_, files)| files)
        })?
        .iter()
        .filter_map(|f| f.uploaded)
        .min()
}

/// Is `name@version` younger than `min_age` at `now` (and not excepted)?
/// Returns how old it is when it is too young.
pub fn too_young(
    meta: &ProjectMetadata,
    id: &PackageId,
    now: OffsetDateTime,
    min_age: Duration,
    exceptions: &[ListRule],
) -> Option<Duration> {
    if min_age <= Duration::ZERO || exceptions.iter().any(|e| e.matches(id)) {
        return None;
    }
    let age = now - uploaded_at(meta, &id.version)?;
    (age < min_age).then_some(age)
}

/// Human form of a duration: `5 h`, `3 min`, `2 d`.
pub fn human(d: Duration) -> String {
    if d >= Duration::days(2) {
        format!("{} d", d.whole_days())
    } else if d >= Duration::hours(1) {
        format!("{} h", d.whole_hours())
    } else {
        format!("{} min", d.whole_minutes().max(0))
    }
}

/// The rule: a finding when the version is younger than the minimum.
pub fn check(
    meta: &ProjectMetadata,
    id: &PackageId,
    now: OffsetDateTime,
    min_age: Duration,
    exceptions: &[ListRule],
    points: i32,
) -> Option<Finding> {
    let age = too_young(meta, id, now, min_age, exceptions)?;
    let (name, version) = (id.name.as_str(), id.version.as_str());
    Some(Finding {
        code: CODE.into(),
        points,
        reason: format!("Released {} ago; policy minimum is {}", human(age), human(min_age)),
        evidence: vec![format!(
            "{name} {version} first uploaded {}; allow it early with release_age_exceptions = [\"{name}@{version}\"]",
            uploaded_at(meta, version).map(|t| t.to_string()).unwrap_or_default()
        )],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::facts::ReleaseFile;

    fn meta(version: &str, uploaded: OffsetDateTime) -> ProjectMetadata {
        let mut m = ProjectMetadata::default();
        m.releases.insert(
            version.into(),
            vec![ReleaseFile {
                filename: "x.whl".into(),
                sha256: None,
                uploaded: Some(uploaded),
            }],
        );
        m
    }

    #[test]
    fn young_versions_are_held_back_unless_excepted() {
        let now = OffsetDateTime::now_utc();
        let m = meta("2.0", now - Duration::hours(5));
        let id = |v: &str| PackageId::new(crate::ecosystem::Ecosystem::Pypi, "x", v);
        let f = check(&m, &id("2.0"), now, Duration::hours(48), &[], 100).unwrap();
        assert!(f.reason.contains("5 h"), "{f:?}");
        assert!(check(&m, &id("2.0.0"), now, Duration::hours(48), &[], 100).is_some());
        let ex = ListRule::parse("x@2.0", "hotfix", "test").unwrap();
        assert!(check(&m, &id("2.0"), now, Duration::hours(48), &[ex], 100).is_none());
        assert!(check(&m, &id("2.0"), now, Duration::hours(4), &[], 100).is_none());
        assert!(check(&m, &id("2.0"), now, Duration::ZERO, &[], 100).is_none());
    }
}
