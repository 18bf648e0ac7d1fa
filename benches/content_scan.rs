//! Throughput of the content scan on a realistic sdist: a ~20 MB tar.gz of
//! generated, deterministic Python source (imports, classes, docstrings,
//! subprocess/base64/HTTP use in ordinary modules) read in memory and
//! scanned by `scan_artifact`. Reported as MB/s of extracted source.
//! Run: `cargo bench --bench content_scan`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use secpip::verdict::archive::ArchiveLimits;
use secpip::verdict::content::{scan, scan_artifact};

/// Extracted size the generated sdist aims for.
const TARGET_BYTES: usize = 20 << 20;

/// A tiny deterministic generator (no `rand` needed, same bytes every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize
    }

    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.next() % words.len()]
    }
}

const NOUNS: &[&str] = &[
    "request", "session", "config", "record", "buffer", "token", "parser", "handler", "client",
    "cache", "schema", "payload", "result", "stream", "index", "entry",
];
const VERBS: &[&str] = &[
    "load", "parse", "build", "render", "fetch", "validate", "encode", "decode", "flush", "merge",
    "resolve", "apply", "collect", "format",
];
const IMPORTS: &[&str] = &[
    "import os",
    "import re",
    "import json",
    "import base64",
    "import logging",
    "import subprocess",
    "import hashlib",
    "from pathlib import Path",
    "from typing import Any, Dict, List, Optional",
    "import requests",
    "from collections import defaultdict",
    "import functools",
];
const BODIES: &[&str] = &[
    "    if {a} is None:\n        raise ValueError(\"{a} must not be None\")\n",
    "    result = [item for item in {a} if item]\n    return result\n",
    "    data = base64.b64decode({a}).decode(\"utf-8\")\n    return json.loads(data)\n",
    "    proc = subprocess.run([\"git\", \"rev-parse\", \"HEAD\"], capture_output=True)\n    return proc.stdout.strip()\n",
    "    resp = requests.post(self.url, json={a}, timeout=10)\n    resp.raise_for_status()\n    return resp.json()\n",
    "    path = Path(os.environ.get(\"XDG_CACHE_HOME\", \"~/.cache\")).expanduser()\n    return path / \"{a}\"\n",
    "    for key, value in sorted({a}.items()):\n        logger.debug(\"%s=%r\", key, value)\n    return len({a})\n",
    "    digest = hashlib.sha256(repr({a}).encode()).hexdigest()\n    self._cache[digest] = {a}\n    return digest\n",
    "    match = re.match(r\"^(?P<name>[a-z_]+)=(?P<value>.*)$\", {a})\n    return match.groupdict() if match else {{}}\n",
];

fn module(rng: &mut Lcg) -> String {
    let mut s = String::from("\"\"\"Utilities for the widget pipeline.\n\nThis module is generated for benchmarking.\n\"\"\"\n");
    for _ in 0..6 {
        s.push_str(rng.pick(IMPORTS));
        s.push('\n');
    }
    s.push_str("\nlogger = logging.getLogger(__name__)\n\n");
    for c in 0..4 {
        let noun = rng.pick(NOUNS);
        s.push_str(&format!(
            "\nclass {}{}{c}:\n    \"\"\"Holds one {noun} and the operations on it.\"\"\"\n\n    def __init__(self, url: str, {noun}: Optional[Dict[str, Any]] = None) -> None:\n        self.url = url\n        self.{noun} = {noun} or {{}}\n        self._cache = {{}}\n",
            noun[..1].to_uppercase(),
            &noun[1..],
        ));
        for _ in 0..6 {
            let (verb, arg) = (rng.pick(VERBS), rng.pick(NOUNS));
            s.push_str(&format!(
                "\n    def {verb}_{arg}(self, {arg}):\n        \"\"\"{verb} the {arg}; returns the outcome.\"\"\"\n"
            ));
            s.push_str(&rng.pick(BODIES).replace("{a}", arg).replace("{{}}", "{}"));
        }
    }
    s
}

fn sdist() -> (Vec<u8>, usize) {
    let mut rng = Lcg(42);
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    let mut total = 0;
    let mut i = 0;
    while total < TARGET_BYTES {
        let text = module(&mut rng);
        let mut h = tar::Header::new_gnu();
        h.set_size(text.len() as u64);
        h.set_mode(0o644);
        let path = format!("widgets-3.1.0/src/widgets/sub{}/mod_{i}.py", i % 40);
        tar.append_data(&mut h, path, text.as_bytes()).unwrap();
        total += text.len();
        i += 1;
    }
    (tar.into_inner().unwrap().finish().unwrap(), total)
}

fn bench(c: &mut Criterion) {
    let (bytes, total) = sdist();
    let limits = ArchiveLimits::default();
    let report = scan_artifact("widgets-3.1.0.tar.gz", &bytes, &limits);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    eprintln!(
        "sdist: {} files, {:.1} MB extracted, {:.1} MB compressed",
        report.files_scanned,
        total as f64 / 1e6,
        bytes.len() as f64 / 1e6
    );
    let files = secpip::verdict::archive::read_archive("w.tar.gz", &bytes, &limits).files;
    let mut g = c.benchmark_group("content_scan");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(total as u64));
    g.bench_function("scan_artifact_sdist_tar_gz", |b| {
        b.iter(|| scan_artifact("widgets-3.1.0.tar.gz", black_box(&bytes), &limits))
    });
    g.bench_function("scan_extracted_files", |b| {
        b.iter(|| scan(black_box(&files)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
