//! Names checked per second by the typosquatting rule, against the shipped
//! PyPI and npm lists, warm (the look-up tables are built before timing).
//!
//! Two mixes per ecosystem, from the dev set (`data/devset/`):
//! * `mix`: what an install resolves — 60% popular names (the common
//!   case, answered by one look-up), 30% less popular real names, 10% typo
//!   variants;
//! * `unknown`: only less popular real names, the worst case (every rule
//!   runs to the end).
//!
//! Run: `cargo bench --bench typosquat`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use secpip::ecosystem::Ecosystem;
use secpip::verdict::popular::PopularIndex;
use secpip::verdict::typosquat::{check, TyposquatConfig};

/// First column of a dev-set TSV, header skipped.
fn names(tsv: &'static str) -> Vec<&'static str> {
    tsv.lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next())
        .filter(|name| !name.is_empty())
        .collect()
}

/// 600 popular + 300 less popular + 100 synthetic typo names.
fn mix(top: &'static str, less: &'static str, synthetic: &'static str) -> Vec<&'static str> {
    let mut all: Vec<&str> = names(top).into_iter().step_by(3).take(600).collect();
    all.extend(names(less).into_iter().take(300));
    all.extend(names(synthetic).into_iter().step_by(50).take(100));
    all
}

fn bench(c: &mut Criterion) {
    let cfg = TyposquatConfig::default();
    let sets = [
        (
            Ecosystem::Pypi,
            "pypi",
            mix(
                include_str!("../data/devset/pypi-top2000.tsv"),
                include_str!("../data/devset/pypi-less-popular.tsv"),
                include_str!("../data/devset/pypi-synthetic.tsv"),
            ),
            names(include_str!("../data/devset/pypi-less-popular.tsv")),
        ),
        (
            Ecosystem::Npm,
            "npm",
            mix(
                include_str!("../data/devset/npm-top2000.tsv"),
                include_str!("../data/devset/npm-less-popular.tsv"),
                include_str!("../data/devset/npm-synthetic.tsv"),
            ),
            names(include_str!("../data/devset/npm-less-popular.tsv")),
        ),
    ];
    let mut group = c.benchmark_group("typosquat");
    for (ecosystem, label, mixed, unknown) in &sets {
        let popular = PopularIndex::shipped(*ecosystem);
        // Build the tables outside the timing.
        let _ = check(*ecosystem, "warm-up", popular, &cfg);
        for (kind, list) in [("mix", mixed), ("unknown", unknown)] {
            group.throughput(Throughput::Elements(list.len() as u64));
            group.bench_function(format!("{label}/{kind}"), |b| {
                b.iter(|| {
                    for name in list {
                        black_box(check(*ecosystem, black_box(name), popular, &cfg));
                    }
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
