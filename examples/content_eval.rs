//! False alarms of the content scan on real artifacts: scans every wheel,
//! sdist or npm tarball in a folder the way the worker does, and prints
//! each finding with its evidence and how many artifacts reach the Yellow
//! threshold (30 points) on content alone.
//!
//! Fill the folder with popular packages, e.g. (network, opt-in):
//! `pip download --no-deps --only-binary=:all: -d WHEELS -r NAMES`, then
//! `cargo run --release --example content_eval -- WHEELS`.

use secpip::verdict::archive::ArchiveLimits;
use secpip::verdict::content::scan_artifact;
use std::process::ExitCode;

/// The default policy's Yellow threshold.
const YELLOW: i32 = 30;

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: content_eval DIR (a folder of .whl, .tar.gz, .zip or .tgz files)");
        return ExitCode::from(2);
    };
    let mut paths: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
        Err(e) => {
            eprintln!("content_eval: cannot read {dir}: {e}");
            return ExitCode::from(2);
        }
    };
    paths.sort();
    let (mut total, mut yellow) = (0, 0);
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("content_eval: cannot read {}: {e}", path.display());
                return ExitCode::from(2);
            }
        };
        let report = scan_artifact(&name, &bytes, &ArchiveLimits::default());
        total += 1;
        let points: i32 = report.findings.iter().map(|f| f.points).sum();
        yellow += usize::from(points >= YELLOW);
        if report.findings.is_empty() {
            continue;
        }
        println!("{points:>4} {name}");
        for finding in &report.findings {
            let evidence = finding.evidence.first().map_or("", String::as_str);
            let short: String = evidence.chars().take(120).collect();
            println!("       +{} {}: {short}", finding.points, finding.code);
        }
    }
    println!("{yellow}/{total} artifacts reach {YELLOW} points on content alone");
    ExitCode::SUCCESS
}
