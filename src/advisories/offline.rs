//! The offline source: OSV's per-ecosystem `all.zip` dumps imported into a
//! SQLite file (`advisories.db` in the data dir), for machines that cannot
//! reach the API or must not tell it what they install.
//!
//! The zip comes from outside, so it is read defensively: entry names are
//! never used as paths (and unsafe ones are refused and counted), every
//! entry's decompressed size is capped while it is read rather than trusted
//! from its header, and so are the number of entries and the total. A
//! record that does not parse is counted and skipped: one bad file in tens
//! of thousands must not cost the user the rest. An import replaces what an
//! earlier import of the same ecosystem stored, in one transaction, so a
//! failed import leaves the previous database intact.

use super::{normalize, osv_ecosystem, Advisory, Record};
use crate::ecosystem::Ecosystem;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// File name of the offline database inside the data dir.
pub const FILE_NAME: &str = "advisories.db";
/// Broken records named in the report (the rest are only counted).
const MAX_EXAMPLES: usize = 10;

/// The offline database's path in `data_dir`.
pub fn path_in(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

/// Caps that keep a hostile or corrupt zip from exhausting memory, disk or time.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most entries (files and folders) in the zip.
    pub max_entries: usize,
    /// Largest decompressed size of one record.
    pub max_entry_bytes: u64,
    /// Largest decompressed size of all records together.
    pub max_total_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 2_000_000,
            max_entry_bytes: 32 * 1024 * 1024,
            max_total_bytes: 16 * 1024 * 1024 * 1024,
        }
    }
}

/// Why the offline database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum OfflineError {
    /// SQLite failed.
    #[error("advisory database {path}: {source}")]
    Db {
        /// The database file.
        path: PathBuf,
        /// The SQLite error.
        source: rusqlite::Error,
    },
    /// The file to import could not be opened or is not a zip.
    #[error("cannot read {path} as an OSV zip: {message}")]
    BadZip {
        /// The zip.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The zip exceeds a [`Limits`] cap.
    #[error("{path}: {message}; refusing it")]
    TooLarge {
        /// The zip.
        path: PathBuf,
        /// Which cap.
        message: String,
    },
    /// Nothing was ever imported for this ecosystem, so "no advisories" would be a guess.
    #[error("the offline advisory database has no {0} records; run `secpip db import-osv` with that ecosystem's all.zip")]
    NotImported(&'static str),
}

/// Records imported for one ecosystem.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EcosystemCount {
    /// Advisories stored.
    pub advisories: usize,
    /// Distinct packages they name.
    pub packages: usize,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Per OSV ecosystem name (`PyPI`, `npm`); these replaced any earlier import.
    pub ecosystems: BTreeMap<String, EcosystemCount>,
    /// Records that did not parse.
    pub broken: usize,
    /// Entries refused for their name (absolute, `..`, in a folder).
    pub unsafe_names: usize,
    /// Entries that are not `<ID>.json`, and records that were withdrawn or
    /// name no PyPI/npm package.
    pub ignored: usize,
    /// Up to ten broken or refused entries with the reason.
    pub problems: Vec<String>,
}

impl ImportReport {
    /// Advisories stored across ecosystems.
    pub fn total(&self) -> usize {
        self.ecosystems.values().map(|c| c.advisories).sum()
    }

    fn problem(&mut self, text: String) {
        if self.problems.len() < MAX_EXAMPLES {
            self.problems.push(text);
        }
    }
}

/// The imported OSV records, keyed by (ecosystem, normalized name).
#[derive(Debug)]
pub struct OfflineDb {
    path: PathBuf,
    conn: Connection,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS advisories (
    ecosystem TEXT NOT NULL,
    name      TEXT NOT NULL,
    id        TEXT NOT NULL,
    record    TEXT NOT NULL,
    PRIMARY KEY (ecosystem, name, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS imports (
    ecosystem   TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    advisories  INTEGER NOT NULL
);";

/// Is `name` a plain `<ID>.json` at the top of the zip?
fn safe_record_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".json") else {
        return false;
    };
    !stem.is_empty()
        && !stem.starts_with('.')
        && stem
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

impl OfflineDb {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<OfflineDb, OfflineError> {
        let db_err = |source| OfflineError::Db {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(db_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(db_err)?;
        conn.execute_batch(SCHEMA).map_err(db_err)?;
        Ok(OfflineDb {
            path: path.to_path_buf(),
            conn,
        })
    }

    fn db_err(&self) -> impl Fn(rusqlite::Error) -> OfflineError + '_ {
        move |source| OfflineError::Db {
            path: self.path.clone(),
            source,
        }
    }

    /// Imports an OSV `all.zip` with the default [`Limits`].
    pub fn import_zip(&mut self, zip: &Path) -> Result<ImportReport, OfflineError> {
        self.import_zip_with(zip, Limits::default())
    }

    /// Imports an OSV `all.zip`: every ecosystem it holds records for
    /// replaces what was stored for that ecosystem.
    pub fn import_zip_with(
        &mut self,
        zip: &Path,
        limits: Limits,
    ) -> Result<ImportReport, OfflineError> {
        let bad = |message: String| OfflineError::BadZip {
            path: zip.to_path_buf(),
            message,
        };
        let too_large = |message: String| OfflineError::TooLarge {
            path: zip.to_path_buf(),
            message,
        };
        let file = std::fs::File::open(zip).map_err(|e| bad(e.to_string()))?;
        let mut archive = zip::ZipArchive::new(file).map_err(|e| bad(e.to_string()))?;
        if archive.len() > limits.max_entries {
            return Err(too_large(format!(
                "{} entries exceed the limit of {}",
                archive.len(),
                limits.max_entries
            )));
        }
        let path = self.path.clone();
        let db_err = |source| OfflineError::Db {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(&db_err)?;
        let mut report = ImportReport::default();
        let mut packages: BTreeMap<Ecosystem, BTreeSet<String>> = BTreeMap::new();
        let mut total: u64 = 0;
        for i in 0..archive.len() {
            let mut entry = match archive.by_index(i) {
                Ok(e) => e,
                Err(e) => {
                    report.broken += 1;
                    report.problem(format!("entry #{i}: {e}"));
                    continue;
                }
            };
            if entry.is_dir() {
                continue;
            }
            let name = entry.name().to_string();
            if name.contains(['/', '\\']) || name.starts_with('.') || name.contains("..") {
                report.unsafe_names += 1;
                report.problem(format!(
                    "{name:?}: refused: entry names must be plain <ID>.json"
                ));
                continue;
            }
            if !safe_record_name(&name) {
                report.ignored += 1;
                continue;
            }
            let mut bytes = Vec::new();
            let read = (&mut entry)
                .take(limits.max_entry_bytes + 1)
                .read_to_end(&mut bytes);
            if let Err(e) = read {
                report.broken += 1;
                report.problem(format!("{name}: {e}"));
                continue;
            }
            if bytes.len() as u64 > limits.max_entry_bytes {
                return Err(too_large(format!(
                    "{name} is larger than {} bytes",
                    limits.max_entry_bytes
                )));
            }
            total += bytes.len() as u64;
            if total > limits.max_total_bytes {
                return Err(too_large(format!(
                    "records add up to more than {} bytes",
                    limits.max_total_bytes
                )));
            }
            let record = match Record::parse(&bytes) {
                Ok(r) => r,
                Err(e) => {
                    report.broken += 1;
                    report.problem(format!("{name}: {e}"));
                    continue;
                }
            };
            let names = record.packages();
            if record.is_withdrawn() || names.is_empty() {
                report.ignored += 1;
                continue;
            }
            let text = String::from_utf8_lossy(&bytes);
            let mut counted: BTreeSet<Ecosystem> = BTreeSet::new();
            for (eco, pkg) in names {
                if !report.ecosystems.contains_key(osv_ecosystem(eco)) {
                    // First record of this ecosystem: replace the earlier import.
                    tx.execute(
                        "DELETE FROM advisories WHERE ecosystem = ?1",
                        params![eco.as_str()],
                    )
                    .map_err(&db_err)?;
                    report
                        .ecosystems
                        .insert(osv_ecosystem(eco).to_string(), EcosystemCount::default());
                }
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO advisories (ecosystem, name, id, record) VALUES (?1, ?2, ?3, ?4)",
                )
                .and_then(|mut insert| insert.execute(params![eco.as_str(), pkg, record.id, text]))
                .map_err(&db_err)?;
                packages.entry(eco).or_default().insert(pkg);
                if counted.insert(eco) {
                    if let Some(c) = report.ecosystems.get_mut(osv_ecosystem(eco)) {
                        c.advisories += 1;
                    }
                }
            }
        }
        let now = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        for (eco, names) in &packages {
            let count = report
                .ecosystems
                .get_mut(osv_ecosystem(*eco))
                .map(|c| {
                    c.packages = names.len();
                    c.advisories
                })
                .unwrap_or(0);
            tx.execute(
                "INSERT OR REPLACE INTO imports (ecosystem, source, imported_at, advisories) VALUES (?1, ?2, ?3, ?4)",
                params![eco.as_str(), zip.display().to_string(), now, count as i64],
            )
            .map_err(&db_err)?;
        }
        tx.commit().map_err(&db_err)?;
        Ok(report)
    }

    /// When `ecosystem` was last imported (RFC 3339), if ever.
    pub fn imported_at(&self, ecosystem: Ecosystem) -> Result<Option<String>, OfflineError> {
        self.conn
            .query_row(
                "SELECT imported_at FROM imports WHERE ecosystem = ?1",
                params![ecosystem.as_str()],
                |row| row.get(0),
            )
            .optional()
            .map_err(self.db_err())
    }

    /// The advisories affecting `name@version`. An ecosystem that was never
    /// imported is an error ([`OfflineError::NotImported`]), not an empty answer.
    pub fn lookup(
        &self,
        ecosystem: Ecosystem,
        name: &str,
        version: &str,
    ) -> Result<Vec<Advisory>, OfflineError> {
        if self.imported_at(ecosystem)?.is_none() {
            return Err(OfflineError::NotImported(osv_ecosystem(ecosystem)));
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT record FROM advisories WHERE ecosystem = ?1 AND name = ?2 ORDER BY id",
            )
            .map_err(self.db_err())?;
        let rows = stmt
            .query_map(
                params![ecosystem.as_str(), normalize(ecosystem, name)],
                |row| row.get::<_, String>(0),
            )
            .map_err(self.db_err())?;
        let mut out = Vec::new();
        for text in rows {
            let text = text.map_err(self.db_err())?;
            // Stored records parsed at import; one that no longer does is skipped.
            let Ok(record) = Record::parse(text.as_bytes()) else {
                continue;
            };
            if record.affects(ecosystem, name, version) {
                out.push(record.advisory_for(ecosystem, name, version));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::io::Write;

    fn record(id: &str, eco: &str, name: &str, fixed: &str) -> String {
        json!({"id": id, "summary": format!("{id} in {name}"), "affected": [{
            "package": {"ecosystem": eco, "name": name},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}]})
        .to_string()
    }

    fn make_zip(dir: &Path, file: &str, entries: &[(&str, String)]) -> PathBuf {
        let path = dir.join(file);
        let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(body.as_bytes()).unwrap();
        }
        w.finish().unwrap();
        path
    }

    #[test]
    fn import_counts_skips_broken_and_unsafe_entries_and_lookup_evaluates_versions() {
        let dir = tempfile::tempdir().unwrap();
        let zip = make_zip(
            dir.path(),
            "all.zip",
            &[
                ("PYSEC-1.json", record("PYSEC-1", "PyPI", "Foo_Bar", "2.0")),
                ("GHSA-2.json", record("GHSA-2", "PyPI", "foo.bar", "1.5")),
                ("MAL-3.json", record("MAL-3", "npm", "evil-pkg", "9.9.9")),
                ("GO-4.json", record("GO-4", "Go", "example.com/x", "1.0.0")),
                (
                    "BROKEN-5.json",
                    "{\"id\": \"BROKEN-5\", \"affected\": ".into(),
                ),
                (
                    "../../etc/evil.json",
                    record("EVIL-6", "PyPI", "foo-bar", "9"),
                ),
                (
                    "nested/EVIL-7.json",
                    record("EVIL-7", "PyPI", "foo-bar", "9"),
                ),
                ("README.txt", "hello".into()),
            ],
        );
        let mut db = OfflineDb::open(&dir.path().join(FILE_NAME)).unwrap();
        let report = db.import_zip(&zip).unwrap();
        assert_eq!(
            report.ecosystems["PyPI"],
            EcosystemCount {
                advisories: 2,
                packages: 1
            }
        );
        assert_eq!(report.ecosystems["npm"].advisories, 1);
        assert_eq!(report.total(), 3);
        assert_eq!(
            (report.broken, report.unsafe_names, report.ignored),
            (1, 2, 2)
        );
        assert!(
            report.problems.iter().any(|p| p.contains("BROKEN-5.json")),
            "{report:?}"
        );

        let ids = |eco, name, v| -> Vec<String> {
            db.lookup(eco, name, v)
                .unwrap()
                .into_iter()
                .map(|a| a.id)
                .collect()
        };
        assert_eq!(
            ids(Ecosystem::Pypi, "FOO-bar", "1.0"),
            vec!["GHSA-2", "PYSEC-1"]
        );
        assert_eq!(ids(Ecosystem::Pypi, "foo_bar", "1.5"), vec!["PYSEC-1"]);
        assert!(ids(Ecosystem::Pypi, "foo-bar", "2.0").is_empty());
        let mal = db.lookup(Ecosystem::Npm, "evil-pkg", "1.0.0").unwrap();
        assert!(mal[0].malicious);
    }

    #[test]
    fn reimport_replaces_only_the_ecosystems_it_holds() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = OfflineDb::open(&dir.path().join(FILE_NAME)).unwrap();
        let first = make_zip(
            dir.path(),
            "a.zip",
            &[
                ("A.json", record("A", "PyPI", "x", "2.0")),
                ("B.json", record("B", "npm", "y", "2.0.0")),
            ],
        );
        db.import_zip(&first).unwrap();
        let second = make_zip(
            dir.path(),
            "b.zip",
            &[("C.json", record("C", "PyPI", "z", "2.0"))],
        );
        db.import_zip(&second).unwrap();
        assert!(db.lookup(Ecosystem::Pypi, "x", "1.0").unwrap().is_empty());
        assert_eq!(db.lookup(Ecosystem::Pypi, "z", "1.0").unwrap().len(), 1);
        assert_eq!(db.lookup(Ecosystem::Npm, "y", "1.0.0").unwrap().len(), 1);
    }

    #[test]
    fn never_imported_ecosystem_is_an_error_not_a_clean_bill() {
        let dir = tempfile::tempdir().unwrap();
        let db = OfflineDb::open(&dir.path().join(FILE_NAME)).unwrap();
        let err = db.lookup(Ecosystem::Npm, "x", "1.0.0").unwrap_err();
        assert!(matches!(err, OfflineError::NotImported("npm")), "{err}");
    }

    #[test]
    fn limits_and_non_zips_are_refused_without_touching_the_db() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = OfflineDb::open(&dir.path().join(FILE_NAME)).unwrap();
        let ok = make_zip(
            dir.path(),
            "ok.zip",
            &[("A.json", record("A", "PyPI", "x", "2"))],
        );
        db.import_zip(&ok).unwrap();
        let big = make_zip(
            dir.path(),
            "big.zip",
            &[("B.json", record("B", "PyPI", "x", "3") + &" ".repeat(5000))],
        );
        let small = Limits {
            max_entry_bytes: 1000,
            ..Limits::default()
        };
        let err = db.import_zip_with(&big, small).unwrap_err().to_string();
        assert!(err.contains("B.json is larger than 1000 bytes"), "{err}");
        let few = Limits {
            max_entries: 0,
            ..Limits::default()
        };
        assert!(matches!(
            db.import_zip_with(&ok, few),
            Err(OfflineError::TooLarge { .. })
        ));
        let not_zip = dir.path().join("x.zip");
        std::fs::write(&not_zip, "plain text").unwrap();
        assert!(matches!(
            db.import_zip(&not_zip),
            Err(OfflineError::BadZip { .. })
        ));
        assert_eq!(db.lookup(Ecosystem::Pypi, "x", "1").unwrap()[0].id, "A");
    }
}
