//! The official SARIF 2.1.0 JSON schema and a real JSON Schema validator,
//! installed at test time (nothing copied into this repository).
//!
//! The schema is OASIS's `sarif-schema-2.1.0.json` as the `serde-sarif`
//! crate ships it (its types are generated from it): a throwaway cargo
//! project depending on `serde-sarif =0.8.0` is resolved with `cargo
//! metadata` (the ordinary crates registry client), the file is checked
//! against a pinned SHA-256 and copied out. The validator is Python's
//! `jsonschema`, pinned, in a venv. Both live in `<target>/test-servers/`
//! and are installed once per machine under the same lock as the team
//! servers.
#![allow(dead_code)]

use super::team_servers::{cache_root, install_once, pip_venv};
use super::{run, Ran};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The crate that ships the schema, pinned.
pub const SCHEMA_CRATE: &str = "serde-sarif";
/// Its version.
pub const SCHEMA_CRATE_VERSION: &str = "0.8.0";
/// SHA-256 of `src/schema.json` in that version (OASIS SARIF 2.1.0, draft-07).
pub const SCHEMA_SHA256: &str = "af47e7b67f24efe74076621fd3a5fbe7398add9e84fe820c971219a385895cea";
/// The validator and its dependencies, pinned.
pub const VALIDATOR_PINS: &[&str] = &[
    "jsonschema==4.26.0",
    "jsonschema-specifications==2025.9.1",
    "referencing==0.37.0",
    "rpds-py==0.30.0",
    "attrs==26.1.0",
    "typing_extensions==4.15.0",
];

/// Validates the JSON on stdin against the schema in argv[1] (draft-07);
/// prints one line per error, exits 1 if there are any.
const VALIDATE_PY: &str = r#"
import json, sys
from jsonschema import Draft7Validator
schema = json.load(open(sys.argv[1]))
Draft7Validator.check_schema(schema)
assert "SARIF" in schema["title"] and "2.1.0" in schema["title"], schema["title"]
doc = json.load(sys.stdin)
v = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errors:
    print("/" + "/".join(map(str, e.absolute_path)) + ": " + e.message)
sys.exit(1 if errors else 0)
"#;

fn fetch_schema(dir: &Path) {
    let project = dir.join("fetch");
    std::fs::create_dir_all(project.join("src")).expect("create the fetch project");
    std::fs::write(
        project.join("Cargo.toml"),
        format!(
            "[package]\nname = \"sarif-schema-fetch\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[dependencies]\n{SCHEMA_CRATE} = \"={SCHEMA_CRATE_VERSION}\"\n\n[workspace]\n"
        ),
    )
    .expect("write the fetch project");
    std::fs::write(project.join("src/lib.rs"), "").expect("write the fetch project");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let ran = run(Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(project.join("Cargo.toml")));
    assert!(ran.status.success(), "cargo metadata\n{}", ran.describe());
    let meta: serde_json::Value = serde_json::from_str(&ran.stdout).expect("cargo metadata JSON");
    let manifest = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == SCHEMA_CRATE && p["version"] == SCHEMA_CRATE_VERSION)
        .and_then(|p| p["manifest_path"].as_str())
        .unwrap_or_else(|| panic!("{SCHEMA_CRATE} {SCHEMA_CRATE_VERSION} not resolved"));
    let source = Path::new(manifest)
        .parent()
        .expect("crate dir")
        .join("src/schema.json");
    let bytes = std::fs::read(&source).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    assert_eq!(
        hex::encode(Sha256::digest(&bytes)),
        SCHEMA_SHA256,
        "{} is not the pinned SARIF 2.1.0 schema",
        source.display()
    );
    std::fs::write(dir.join("sarif-schema-2.1.0.json"), bytes).expect("copy the schema");
    let _ = std::fs::remove_dir_all(project);
}

/// `<cache>/sarif-schema-<crate version>-py<hash of python3>`: the schema
/// file and a venv with the validator.
fn home() -> &'static Path {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let probe = run(Command::new("python3").args(["-c", "import sys; print(sys.version)"]));
        assert!(
            probe.status.success(),
            "python3 is needed\n{}",
            probe.describe()
        );
        let python = &hex::encode(Sha256::digest(probe.stdout.as_bytes()))[..10];
        let dir = cache_root().join(format!("sarif-schema-{SCHEMA_CRATE_VERSION}-py{python}"));
        install_once(dir, |dir| {
            fetch_schema(dir);
            pip_venv(dir, VALIDATOR_PINS, "jsonschema");
        })
    })
}

/// Validates `doc` against the official SARIF 2.1.0 schema; `Err` holds
/// the validator's error lines.
pub fn validate(doc: &serde_json::Value) -> Result<(), String> {
    let dir = home();
    let mut child = Command::new(dir.join("venv/bin/python"))
        .arg("-c")
        .arg(VALIDATE_PY)
        .arg(dir.join("sarif-schema-2.1.0.json"))
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the validator");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(doc.to_string().as_bytes())
        .expect("feed the validator");
    let out = child.wait_with_output().expect("run the validator");
    let ran = Ran {
        label: "jsonschema".into(),
        status: out.status,
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    };
    match ran.code() {
        Some(0) => Ok(()),
        Some(1) if ran.stderr.is_empty() => Err(ran.stdout),
        _ => panic!("the validator failed\n{}", ran.describe()),
    }
}
