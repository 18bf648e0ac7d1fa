//! The artifacts the fixture index serves, built in memory when it starts:
//! real `py3-none-any` wheels (with a RECORD whose hashes are right) and real
//! sdists with an in-tree PEP 517 backend, so no binary file is committed and
//! pip installs them as it would from PyPI.

use std::io::{Cursor, Write};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::super::targz::targz_at;
use super::names::{dist_name, module_name};
use super::package::{FixturePackage, FixtureVersion};

/// The sha256 (hex) the index and the JSON API publish for a file.
pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `METADATA` / `PKG-INFO` (core metadata 2.1).
pub(super) fn core_metadata(package: &FixturePackage, release: &FixtureVersion) -> String {
    let mut text = format!(
        "Metadata-Version: 2.1\nName: {}\nVersion: {}\nSummary: {}\n",
        package.name, release.version, package.summary
    );
    if let Some((owner, repo)) = &package.github {
        text.push_str(&format!(
            "Home-page: https://github.com/{owner}/{repo}\nProject-URL: Source, https://github.com/{owner}/{repo}\n"
        ));
    }
    text.push_str("Author: Fixture Maintainers\nLicense: MIT\nRequires-Python: >=3.8\n");
    for dep in &release.deps {
        text.push_str(&format!("Requires-Dist: {dep}\n"));
    }
    text
}

fn module_source(package: &FixturePackage, version: &str) -> String {
    format!("VALUE = \"{} {version}\"\n", package.name)
}

const WHEEL_FILE: &str =
    "Wheel-Version: 1.0\nGenerator: secpip-fixture\nRoot-Is-Purelib: true\nTag: py3-none-any\n";

/// RECORD hash: `sha256=` + urlsafe base64 without padding.
fn record_hash(bytes: &[u8]) -> String {
    format!("sha256={}", URL_SAFE_NO_PAD.encode(Sha256::digest(bytes)))
}

/// A `py3-none-any` wheel with the package module, METADATA, WHEEL and a
/// RECORD whose hashes and sizes are right.
pub(super) fn build_wheel(
    package: &FixturePackage,
    release: &FixtureVersion,
    metadata: &str,
) -> Vec<u8> {
    let module = module_name(&package.name);
    let dist_info = format!("{}-{}.dist-info", dist_name(&package.name), release.version);
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            format!("{module}/__init__.py"),
            module_source(package, &release.version).into_bytes(),
        ),
        (
            format!("{dist_info}/METADATA"),
            metadata.as_bytes().to_vec(),
        ),
        (format!("{dist_info}/WHEEL"), WHEEL_FILE.as_bytes().to_vec()),
    ];
    files.extend(
        package
            .extra_files
            .iter()
            .map(|(path, text)| (path.clone(), text.as_bytes().to_vec())),
    );
    let mut record = String::new();
    for (path, bytes) in &files {
        record.push_str(&format!("{path},{},{}\n", record_hash(bytes), bytes.len()));
    }
    record.push_str(&format!("{dist_info}/RECORD,,\n"));
    files.push((format!("{dist_info}/RECORD"), record.into_bytes()));

    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (path, bytes) in &files {
        zip.start_file(path.as_str(), options)
            .expect("start a wheel member");
        zip.write_all(bytes).expect("write a wheel member");
    }
    zip.finish().expect("finish the wheel").into_inner()
}

/// The in-tree PEP 517 backend shipped in every fixture sdist: standard
/// library only, so pip builds it in an isolated environment without
/// fetching anything.
fn backend_py(package: &FixturePackage, version: &str) -> String {
    let header = format!(
        "\"\"\"In-tree PEP 517 backend of a secpip test fixture (standard library only).\"\"\"\n\n\
         import base64\nimport hashlib\nimport os\nimport tarfile\nimport zipfile\n\n\
         DIST = {:?}\nVERSION = {:?}\nMODULE = {:?}\n",
        dist_name(&package.name),
        version,
        module_name(&package.name),
    );
    header + BACKEND_BODY
}

const BACKEND_BODY: &str = r#"HERE = os.path.dirname(os.path.abspath(__file__))
DIST_INFO = DIST + "-" + VERSION + ".dist-info"
WHEEL = "Wheel-Version: 1.0\nGenerator: secpip-fixture-backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
SDIST_FILES = ["pyproject.toml", "backend.py", "PKG-INFO", MODULE + "/__init__.py"]


def _read(relative):
    with open(os.path.join(HERE, relative), "rb") as handle:
        return handle.read()


def _record_hash(data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    target = os.path.join(metadata_directory, DIST_INFO)
    os.makedirs(target, exist_ok=True)
    with open(os.path.join(target, "METADATA"), "wb") as handle:
        handle.write(_read("PKG-INFO"))
    with open(os.path.join(target, "WHEEL"), "w", encoding="utf-8") as handle:
        handle.write(WHEEL)
    return DIST_INFO


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    files = [
        (MODULE + "/__init__.py", _read(MODULE + "/__init__.py")),
        (DIST_INFO + "/METADATA", _read("PKG-INFO")),
        (DIST_INFO + "/WHEEL", WHEEL.encode("utf-8")),
    ]
    record = "".join(
        "%s,%s,%d\n" % (name, _record_hash(data), len(data)) for name, data in files
    )
    record += DIST_INFO + "/RECORD,,\n"
    files.append((DIST_INFO + "/RECORD", record.encode("utf-8")))
    filename = DIST + "-" + VERSION + "-py3-none-any.whl"
    path = os.path.join(wheel_directory, filename)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return filename


def build_sdist(sdist_directory, config_settings=None):
    base = DIST + "-" + VERSION
    path = os.path.join(sdist_directory, base + ".tar.gz")
    with tarfile.open(path, "w:gz") as archive:
        for relative in SDIST_FILES:
            archive.add(os.path.join(HERE, relative), arcname=base + "/" + relative)
    return base + ".tar.gz"
"#;

const PYPROJECT_TOML: &str =
    "[build-system]\nrequires = []\nbuild-backend = \"backend\"\nbackend-path = [\".\"]\n";

/// A `.tar.gz` sdist: `pyproject.toml` naming the in-tree backend,
/// `backend.py`, `PKG-INFO` and the package module, under `{dist}-{version}/`.
pub(super) fn build_sdist(
    package: &FixturePackage,
    release: &FixtureVersion,
    metadata: &str,
) -> Vec<u8> {
    let module = module_name(&package.name);
    let root = format!("{}-{}", dist_name(&package.name), release.version);
    let files: Vec<(String, Vec<u8>)> = vec![
        (
            "pyproject.toml".to_string(),
            PYPROJECT_TOML.as_bytes().to_vec(),
        ),
        (
            "backend.py".to_string(),
            backend_py(package, &release.version).into_bytes(),
        ),
        ("PKG-INFO".to_string(), metadata.as_bytes().to_vec()),
        (
            format!("{module}/__init__.py"),
            module_source(package, &release.version).into_bytes(),
        ),
    ];
    let members: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|(path, bytes)| (format!("{root}/{path}"), bytes))
        .collect();
    targz_at(&members, 1_700_000_000)
}
