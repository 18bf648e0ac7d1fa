//! Sorting an artifact's files: which are code to scan, which are native
//! binaries (and whether binaries are normal in this kind of artifact), and
//! which run at install time.

use std::collections::BTreeSet;

/// What kind of artifact the files came from; decides where binaries are normal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A wheel with a platform tag: native code is expected anywhere.
    PlatformWheel,
    /// A `-none-any` wheel: only the known launcher `.exe`s are expected.
    PureWheel,
    /// An npm tarball: `.node` addons are expected.
    Npm,
    /// An sdist or anything else: source only.
    Source,
}

/// Infers the artifact kind from its files.
pub(super) fn kind_of(files: &[(String, Vec<u8>)]) -> Kind {
    let (mut npm, mut python) = (false, false);
    for (path, data) in files {
        let depth = path.matches('/').count();
        if depth == 1 && path.ends_with(".dist-info/WHEEL") {
            let text = String::from_utf8_lossy(data);
            let mut tags = text
                .lines()
                .filter_map(|l| l.strip_prefix("Tag:"))
                .peekable();
            let pure = tags.peek().is_some() && tags.all(|t| t.trim().ends_with("-any"));
            return if pure {
                Kind::PureWheel
            } else {
                Kind::PlatformWheel
            };
        }
        npm |= depth == 1 && path.ends_with("/package.json");
        python |= depth <= 1 && (path.ends_with("PKG-INFO") || path.ends_with("setup.py"));
    }
    if npm && !python {
        Kind::Npm
    } else {
        Kind::Source
    }
}

/// Is a native binary at `path` normal in this kind of artifact?
pub(super) fn binary_expected(kind: Kind, path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    match kind {
        Kind::PlatformWheel => true,
        Kind::Npm => name.ends_with(".node"),
        // setuptools' and distlib's script launchers ship in pure wheels.
        Kind::PureWheel => {
            let stem = name.strip_suffix(".exe").unwrap_or("");
            let launcher = |prefixes: &[&str]| {
                prefixes.iter().any(|p| {
                    stem.strip_prefix(p).is_some_and(|rest| {
                        ["", "-32", "-64", "-arm64", "32", "64", "64-arm"].contains(&rest)
                    })
                })
            };
            (path.starts_with("setuptools/") && launcher(&["cli", "gui"]))
                || ((path.starts_with("distlib/") || path.contains("/distlib/"))
                    && launcher(&["t", "w"]))
        }
        Kind::Source => false,
    }
}

/// Names the executable format if `data` is a native binary.
pub(super) fn executable(path: &str, data: &[u8]) -> Option<&'static str> {
    let head = |n: usize| data.get(..n);
    if head(4) == Some(b"\x7fELF") {
        return Some("ELF binary");
    }
    if head(2) == Some(b"MZ") {
        let pe = data
            .get(0x3c..0x40)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .and_then(|b| usize::try_from(u32::from_le_bytes(b)).ok())
            .and_then(|at| data.get(at..at.checked_add(4)?));
        if pe == Some(b"PE\0\0") {
            return Some("PE (Windows) binary");
        }
    }
    if let Some(m) = head(8) {
        let magic = [m[0], m[1], m[2], m[3]];
        let macho = [
            [0xfe, 0xed, 0xfa, 0xce],
            [0xfe, 0xed, 0xfa, 0xcf],
            [0xce, 0xfa, 0xed, 0xfe],
            [0xcf, 0xfa, 0xed, 0xfe],
        ];
        if macho.contains(&magic) {
            return Some("Mach-O binary");
        }
        // 0xcafebabe is also a Java class file; a fat Mach-O has few architectures.
        if magic == [0xca, 0xfe, 0xba, 0xbe] && u32::from_be_bytes([m[4], m[5], m[6], m[7]]) < 40 {
            return Some("Mach-O universal binary");
        }
    }
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let by_name = [".exe", ".dll", ".so", ".dylib", ".pyd", ".scr"]
        .iter()
        .any(|e| name.ends_with(e))
        || name.contains(".so.");
    by_name.then_some("native library or executable (by name)")
}

/// Is this a code file worth pattern-scanning?
pub(super) fn is_code(path: &str, data: &[u8]) -> bool {
    const EXT: &[&str] = &[
        "py", "pyw", "pth", "js", "cjs", "mjs", "jsx", "ts", "cts", "mts", "tsx", "sh", "bash",
        "zsh", "bat", "cmd", "ps1", "psm1", "vbs",
    ];
    let name = path.rsplit('/').next().unwrap_or(path);
    let code = name == "package.json"
        || name
            .rsplit_once('.')
            .is_some_and(|(_, ext)| EXT.contains(&ext.to_ascii_lowercase().as_str()))
        || data.starts_with(b"#!");
    code && !data[..data.len().min(8192)].contains(&0)
}

/// Is this a shell-like file, where a command line is code rather than text?
pub(super) fn is_shell(path: &str, data: &[u8]) -> bool {
    const EXT: &[&str] = &["sh", "bash", "zsh", "bat", "cmd", "ps1", "psm1"];
    let name = path.rsplit('/').next().unwrap_or(path);
    name == "package.json"
        || name
            .rsplit_once('.')
            .is_some_and(|(_, ext)| EXT.contains(&ext.to_ascii_lowercase().as_str()))
        || shebang_shell(data)
}

/// Does the file start with `#!` naming sh, bash, zsh, dash or ksh?
fn shebang_shell(data: &[u8]) -> bool {
    let Some(rest) = data.strip_prefix(b"#!") else {
        return false;
    };
    let line = &rest[..rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len())];
    let line = String::from_utf8_lossy(line);
    let mut words = line.split_whitespace();
    let mut program = words.next().unwrap_or("").rsplit('/').next().unwrap_or("");
    if program == "env" {
        program = words.find(|w| !w.starts_with('-')).unwrap_or("");
    }
    ["sh", "bash", "zsh", "dash", "ksh"].contains(&program)
}

/// Files that run at install time: top-level `setup.py`, every
/// `package.json` and the files its lifecycle scripts name.
pub(super) fn install_time_files(files: &[(String, Vec<u8>)]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (path, data) in files {
        let depth = path.matches('/').count();
        let name = path.rsplit('/').next().unwrap_or(path);
        if name == "setup.py" && depth <= 1 {
            out.insert(path.clone());
        }
        if name != "package.json" {
            continue;
        }
        out.insert(path.clone());
        let dir = path.strip_suffix("package.json").unwrap_or("");
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) else {
            continue;
        };
        for script in crate::verdict::install_code::LIFECYCLE {
            let Some(text) = json
                .pointer(&format!("/scripts/{script}"))
                .and_then(|v| v.as_str())
            else {
                continue;
            };
            for token in text.split(|c: char| c.is_whitespace() || ";&|()'\"=".contains(c)) {
                let token = token.trim_start_matches("./");
                let ext = token.rsplit_once('.').map(|(_, e)| e);
                if matches!(
                    ext,
                    Some("js" | "cjs" | "mjs" | "ts" | "sh" | "py" | "ps1" | "bat" | "cmd")
                ) {
                    out.insert(format!("{dir}{token}"));
                }
            }
        }
    }
    out
}

/// Is `path` part of a test suite (`tests/`, `test_x.py`, `conftest.py`,
/// `x.test.js`)? Test code holds fake secrets and random fixtures by
/// design, and nothing imports it at install or import time, so the weak
/// signals (a long random literal, a credential read with no send) do not
/// count there; the strong ones still do.
pub(super) fn is_test(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts = lower.split('/');
    let name = parts.next_back().unwrap_or("");
    let in_tests =
        parts.any(|dir| matches!(dir, "tests" | "test" | "testing" | "__tests__" | "spec"));
    in_tests
        || name == "conftest.py"
        || (name.starts_with("test_") && name.ends_with(".py"))
        || name.ends_with("_test.py")
        || [
            ".test.js",
            ".spec.js",
            ".test.ts",
            ".spec.ts",
            ".test.mjs",
            ".test.cjs",
        ]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}
