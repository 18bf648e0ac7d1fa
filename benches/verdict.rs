//! Cost of one `verdict()` call with the facts in hand: the pure part of a
//! scan (lists, typosquat look-up against the shipped popular names,
//! reputation rules). Run: `cargo bench --bench verdict`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use secpip::ecosystem::{Ecosystem, PackageId};
use secpip::verdict::facts::{Facts, Lookup, ProjectMetadata, ReleaseFile};
use secpip::verdict::policy::Policy;
use secpip::verdict::popular::PopularIndex;
use secpip::verdict::{verdict, Context};
use time::{Duration, OffsetDateTime};

fn facts() -> Facts {
    let now = OffsetDateTime::now_utc();
    let mut meta = ProjectMetadata {
        name: "example".into(),
        ..Default::default()
    };
    for i in 0..40 {
        meta.releases.insert(
            format!("1.{i}.0"),
            vec![ReleaseFile {
                filename: format!("example-1.{i}.0-py3-none-any.whl"),
                sha256: Some("00".repeat(32)),
                uploaded: Some(now - Duration::days(10 * i)),
            }],
        );
    }
    meta.urls
        .insert("Source".into(), "https://github.com/example/example".into());
    Facts {
        metadata: Lookup::Found(meta),
        downloads: Lookup::Found(120),
        stars: Lookup::Found(Some(4)),
        advisories: Some(Lookup::Found(Vec::new())),
        artifact_findings: Vec::new(),
        deprecated: None,
        target_owners: Default::default(),
        now,
    }
}

fn bench(c: &mut Criterion) {
    let policy = Policy::default();
    let popular = PopularIndex::shipped_pypi();
    let ctx = Context {
        policy: &policy,
        popular,
        allow: &[],
        block: &[],
    };
    let f = facts();
    for name in ["reqeusts", "some-unknown-package-name", "flask"] {
        let id = PackageId::new(Ecosystem::Pypi, name, "1.0.0");
        c.bench_function(&format!("verdict/{name}"), |b| {
            b.iter(|| verdict(black_box(&id), black_box(&f), black_box(&ctx)))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
