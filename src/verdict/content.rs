//! Content scan of a downloaded artifact: the last look before a package is
//! published to the secure repository.
//!
//! Metadata rules judge who published a package; these rules judge what it
//! does. Malicious packages are repetitive (decode-and-exec, download-and-run,
//! steal tokens and post them to a webhook), so a small table of patterns
//! (`content/rules.rs`) compiled once into a [`RegexSet`] catches most of them in
//! one linear pass per file. Only code is scanned (Python, JavaScript, shell,
//! PowerShell, `package.json`), not documentation, so a README that says
//! `curl … | sh` is not a finding. Rules that are normal in a library but
//! alarming at install time (spawning processes) only count in `setup.py` and
//! npm lifecycle scripts, and a credential read only counts as exfiltration
//! next to a network send. Findings are one per code, with `path:line`
//! evidence, so a package with a thousand matches scores like one with one.

mod files;
mod rules;

pub use rules::{
    BUNDLED_EXECUTABLE, CREDENTIAL_ACCESS, CREDENTIAL_EXFIL, DOWNLOAD_EXEC, EXEC_ENCODED,
    EXFIL_ENDPOINT, INSTALL_SPAWN, OBFUSCATION,
};

use super::archive::{self, read_archive, shorten, ArchiveLimits, Tally};
use super::Finding;
use files::{binary_expected, executable, install_time_files, is_code, is_shell, is_test, kind_of};
use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use rules::{Role, RULES};
use std::sync::OnceLock;

/// Every code this module (and [`archive`]) reports: `(code, default points,
/// description)`. A code's points are those of its strongest rule.
pub const CODES: &[(&str, i32, &str)] = &[
    (
        EXEC_ENCODED,
        60,
        "executes code decoded from base64/hex/zlib/marshal",
    ),
    (DOWNLOAD_EXEC, 60, "downloads code or a binary and runs it"),
    (
        CREDENTIAL_EXFIL,
        60,
        "reads credentials and sends data over the network",
    ),
    (
        CREDENTIAL_ACCESS,
        10,
        "reads credentials or tokens (no network send seen)",
    ),
    (
        EXFIL_ENDPOINT,
        30,
        "hard-coded webhook/bot token or public-IP URL",
    ),
    (
        OBFUSCATION,
        20,
        "long high-entropy literal or obfuscator output",
    ),
    (
        INSTALL_SPAWN,
        10,
        "setup.py or an npm install script starts processes",
    ),
    (
        BUNDLED_EXECUTABLE,
        25,
        "ships a native executable where none is expected",
    ),
    (
        archive::ARCHIVE_UNSAFE_PATH,
        archive::UNSAFE_PATH_POINTS,
        "archive entry escapes the extraction directory",
    ),
    (
        archive::ARCHIVE_LINK,
        archive::LINK_POINTS,
        "archive contains a symlink or hard link",
    ),
    (
        archive::ARCHIVE_BOMB,
        archive::BOMB_POINTS,
        "archive exceeds size, count or ratio limits",
    ),
    (
        archive::ARCHIVE_UNREADABLE,
        archive::UNREADABLE_POINTS,
        "archive is corrupt, encrypted or of unknown format",
    ),
];

/// Default points of `code` from [`CODES`] (0 for an unknown code).
fn points_of(code: &str) -> i32 {
    CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(0, |(_, p, _)| *p)
}
/// Files larger than this are not regex-scanned (still checked for executables).
const MAX_SCAN_BYTES: usize = 16 << 20;
/// Longest evidence snippet, in bytes.
const SNIPPET: usize = 160;

/// The outcome of [`scan_artifact`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ContentReport {
    /// Archive and content findings, one per code.
    pub findings: Vec<Finding>,
    /// Code files that were pattern-scanned.
    pub files_scanned: usize,
    /// Bytes of those files.
    pub bytes_scanned: u64,
}

/// Reads the artifact in memory and scans it: archive findings first.
pub fn scan_artifact(filename: &str, bytes: &[u8], limits: &ArchiveLimits) -> ContentReport {
    let read = read_archive(filename, bytes, limits);
    let mut report = scan_files(&read.files);
    let mut findings = read.findings;
    findings.append(&mut report.findings);
    report.findings = findings;
    report
}

/// Scans extracted files `(path relative to the archive root, content)`.
pub fn scan(files: &[(String, Vec<u8>)]) -> Vec<Finding> {
    scan_files(files).findings
}

fn scan_files(files: &[(String, Vec<u8>)]) -> ContentReport {
    let compiled = compiled();
    let kind = kind_of(files);
    let install_time = install_time_files(files);
    let mut tally = Tally::default();
    let mut report = ContentReport::default();
    for (path, data) in files {
        if let Some(what) = executable(path, data) {
            if !binary_expected(kind, path) {
                tally.add(
                    BUNDLED_EXECUTABLE,
                    points_of(BUNDLED_EXECUTABLE),
                    "Ships a native executable or library where none is expected",
                    format!("{path}: {what}"),
                );
            }
            continue;
        }
        if !is_code(path, data) || data.len() > MAX_SCAN_BYTES {
            continue;
        }
        report.files_scanned += 1;
        report.bytes_scanned += data.len() as u64;
        scan_file(
            compiled,
            path,
            data,
            install_time.contains(path.as_str()),
            &mut tally,
        );
    }
    report.findings = tally.finish();
    report
}

struct Compiled {
    set: RegexSet,
    each: Vec<Regex>,
}

fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| {
        // Invariant: the table is constant; `every_rule_compiles` proves it.
        compile().unwrap_or_else(|e| unreachable!("content rule does not compile: {e}"))
    })
}

fn compile() -> Result<Compiled, regex::Error> {
    let patterns = RULES.iter().map(|r| r.pattern);
    let set = RegexSetBuilder::new(patterns)
        .unicode(false)
        .size_limit(64 << 20)
        .dfa_size_limit(64 << 20)
        .build()?;
    let each = RULES
        .iter()
        .map(|r| {
            RegexBuilder::new(r.pattern)
                .unicode(false)
                .size_limit(64 << 20)
                .build()
        })
        .collect::<Result<_, _>>()?;
    Ok(Compiled { set, each })
}

/// Pattern-scans one code file into `tally`.
fn scan_file(c: &Compiled, path: &str, data: &[u8], install_time: bool, tally: &mut Tally) {
    let matched = c.set.matches(data);
    if !matched.matched_any() {
        return;
    }
    let shell = is_shell(path, data);
    let test = is_test(path) && !install_time;
    let mut cred: Option<(usize, bool)> = None;
    let mut send: Option<usize> = None;
    let mut endpoint = false;
    let mut fetch = Vec::new();
    let mut exec = Vec::new();
    let add = |tally: &mut Tally, i: usize, at: usize| {
        let r = &RULES[i];
        tally.add(r.code, r.points, r.reason, evidence(path, data, at));
    };
    for i in matched.iter() {
        let re = &c.each[i];
        match RULES[i].role {
            Role::Direct => {
                if let Some(m) = re.find(data) {
                    endpoint |= RULES[i].code == EXFIL_ENDPOINT;
                    add(tally, i, m.start());
                }
            }
            Role::InstallTime if install_time => {
                if let Some(m) = re.find(data) {
                    add(tally, i, m.start());
                }
            }
            Role::InstallTime => {}
            Role::ShellFile if shell => {
                if let Some(m) = re.find(data) {
                    add(tally, i, m.start());
                }
            }
            Role::ShellFile => {}
            Role::Credential { strong } => {
                if let Some(m) = re.find(data) {
                    if cred.is_none_or(|(_, s)| strong && !s) {
                        cred = Some((m.start(), strong));
                    }
                }
            }
            Role::NetworkSend => send = re.find(data).map(|m| m.start()),
            Role::Fetch => fetch = lines_of(re, data),
            Role::ExecVariable => exec = lines_of(re, data),
            Role::Entropy if test => {}
            Role::Entropy => {
                let hit = re.find_iter(data).find(|m| packed(&m.as_bytes()[1..]));
                if let Some(m) = hit {
                    add(tally, i, m.start());
                }
            }
            Role::PublicIp => {
                if let Some(m) = re.find_iter(data).find(|m| public_ip(m.as_bytes())) {
                    endpoint = true;
                    add(tally, i, m.start());
                }
            }
        }
    }
    if let Some((at, strong)) = cred {
        let net = send.is_some() || endpoint;
        if net && (strong || install_time || endpoint) {
            let r = RULES.iter().find(|r| r.role == Role::Credential { strong });
            let reason = r.map_or("Reads credentials and sends data", |r| r.reason);
            tally.add(
                CREDENTIAL_EXFIL,
                points_of(CREDENTIAL_EXFIL),
                reason,
                evidence(path, data, at),
            );
            if let Some(s) = send {
                tally.add(
                    CREDENTIAL_EXFIL,
                    points_of(CREDENTIAL_EXFIL),
                    reason,
                    evidence(path, data, s),
                );
            }
        } else if !test {
            let reason = "Reads credentials or tokens (no network send beside it)";
            tally.add(
                CREDENTIAL_ACCESS,
                points_of(CREDENTIAL_ACCESS),
                reason,
                evidence(path, data, at),
            );
        }
    }
    let near = fetch.iter().find_map(|&(fl, fa)| {
        exec.iter()
            .find(|&&(el, _)| el >= fl && el - fl <= rules::FETCH_EXEC_WINDOW)
            .map(|&(_, ea)| (fa, ea))
    });
    if let Some((fa, ea)) = near {
        let reason = "Fetches code or a file and runs it a few lines later";
        tally.add(
            DOWNLOAD_EXEC,
            points_of(DOWNLOAD_EXEC),
            reason,
            evidence(path, data, fa),
        );
        tally.add(
            DOWNLOAD_EXEC,
            points_of(DOWNLOAD_EXEC),
            reason,
            evidence(path, data, ea),
        );
    }
}

/// `(line number, byte offset)` of the first 100 matches.
fn lines_of(re: &Regex, data: &[u8]) -> Vec<(usize, usize)> {
    let (mut line, mut from) = (1, 0);
    re.find_iter(data)
        .take(100)
        .map(|m| {
            line += data[from..m.start()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            from = m.start();
            (line, m.start())
        })
        .collect()
}

/// `path:line: the line`, trimmed to about [`SNIPPET`] bytes around `at`.
fn evidence(path: &str, data: &[u8], at: usize) -> String {
    // Rules anchored with `(?:^|[^.\w$])` start one byte early, maybe on a newline.
    let at = at.min(data.len());
    let at = if data.get(at) == Some(&b'\n') {
        at + 1
    } else {
        at
    };
    let line = 1 + data[..at].iter().filter(|&&b| b == b'\n').count();
    let start = data[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let end = data[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(data.len(), |p| at + p);
    let from = if end - start > SNIPPET {
        at.saturating_sub(40).max(start)
    } else {
        start
    };
    let text = String::from_utf8_lossy(&data[from..end]);
    let text = text.trim();
    let prefix = if from > start { "…" } else { "" };
    format!("{path}:{line}: {prefix}{}", shorten(text, SNIPPET))
}

/// Is this token packed data (long, high entropy, not a known-benign blob)?
fn packed(token: &[u8]) -> bool {
    // Base64 of a WebAssembly module ("\0asm") is a common, benign embed.
    if token.starts_with(b"AGFzbQ") {
        return false;
    }
    let mut counts = [0u32; 256];
    for &b in token {
        counts[usize::from(b)] += 1;
    }
    let n = token.len() as f64;
    let bits: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum();
    bits >= rules::ENTROPY_BITS
}

/// Is the IPv4 address in a `scheme://a.b.c.d` match publicly routable?
fn public_ip(m: &[u8]) -> bool {
    let text = String::from_utf8_lossy(m);
    let host = text.rsplit("://").next().unwrap_or("");
    match host.parse::<std::net::Ipv4Addr>() {
        Ok(ip) => {
            let o = ip.octets();
            !(ip.is_private()
                || ip.is_loopback()
                || ip.is_link_local()
                || ip.is_unspecified()
                || ip.is_documentation()
                || ip.is_broadcast()
                || ip.is_multicast()
                || o[0] == 0
                || o[0] >= 240
                || (o[0] == 100 && (64..128).contains(&o[1])))
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests;
