//! Serves the loopback upstream index used by the integration tests, filled
//! with `N` healthy projects (`benchpkg-000`, `benchpkg-001`, …), until killed.
//! For demos it also serves `obscurepkg` (a real-looking but unproven
//! project: a Yellow verdict) and `reqeusts` (a look-alike of a popular name).
//!
//! ```text
//! cargo run --example upstream_fixture -- --packages 50
//! INDEX_URL=http://127.0.0.1:PORT/simple/
//! JSON_URL=http://127.0.0.1:PORT/pypi
//! DOWNLOADS_URL=http://127.0.0.1:PORT/stats/{name}
//! GITHUB_API_URL=http://127.0.0.1:PORT/github
//! ```
//!
//! Benchmarks start it, read those lines, and point secpip (or plain pip) at
//! it, so they measure secpip and pip rather than the network.

// The fixture's folder module and the three shared modules it uses as
// `super::faults`, `super::loopback` and `super::targz`, so all four sit at
// the crate root.
#[path = "../tests/it/common/faults.rs"]
mod faults;
#[path = "../tests/it/common/loopback.rs"]
mod loopback;
#[path = "../tests/it/common/targz.rs"]
mod targz;
#[path = "../tests/it/common/upstream/mod.rs"]
mod upstream;

use std::io::Write;
use std::process::ExitCode;

use upstream::{FixturePackage, Upstream};

const USAGE: &str =
    "usage: upstream_fixture [--packages N]   (N healthy projects benchpkg-000…, default 20)";

fn main() -> ExitCode {
    let count = match parse_count(std::env::args().skip(1)) {
        Ok(count) => count,
        Err(message) => {
            eprintln!("upstream_fixture: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let width = (count.max(1) - 1).to_string().len().max(3);
    let mut packages: Vec<FixturePackage> = (0..count)
        .map(|i| FixturePackage::healthy(&format!("benchpkg-{i:0width$}"), "1.0.0", &[]))
        .collect();
    let mut obscure = FixturePackage::healthy("obscurepkg", "1.0.0", &[]);
    obscure
        .versions
        .retain(|v| v.version == "1.0.0" || v.version == "0.4.0");
    obscure.downloads_last_month = 40;
    obscure.stars = 3;
    packages.push(obscure);
    packages.push(FixturePackage::healthy("reqeusts", "2.31.0", &[]));
    let upstream = Upstream::start(packages);

    let mut out = std::io::stdout().lock();
    let printed = writeln!(
        out,
        "INDEX_URL={}\nJSON_URL={}\nDOWNLOADS_URL={}\nGITHUB_API_URL={}",
        upstream.index_url(),
        upstream.json_url(),
        upstream.downloads_url(),
        upstream.github_api_url()
    )
    .and_then(|()| out.flush());
    if let Err(err) = printed {
        eprintln!("upstream_fixture: cannot write to stdout: {err}");
        return ExitCode::FAILURE;
    }
    drop(out);

    // The server runs on its own thread; keep `upstream` alive until killed.
    loop {
        std::thread::park();
    }
}

fn parse_count(mut args: impl Iterator<Item = String>) -> Result<usize, String> {
    let mut count = 20;
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "--packages" => args.next().ok_or("--packages needs a number")?,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => match other.strip_prefix("--packages=") {
                Some(value) => value.to_string(),
                None => return Err(format!("unexpected argument {other:?}")),
            },
        };
        count = value
            .parse()
            .map_err(|_| format!("--packages wants a whole number, not {value:?}"))?;
    }
    Ok(count)
}
