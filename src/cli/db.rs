//! `secpip db import-osv FILE.zip`: load OSV's per-ecosystem `all.zip` into
//! the offline advisory database, for machines that check packages without
//! asking the OSV API.

use super::Failure;
use crate::advisories::offline::{self, ImportReport, OfflineDb, OfflineError};
use crate::config::Settings;
use clap::Subcommand;
use std::path::PathBuf;

/// `secpip db …` subcommands.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Import an OSV `all.zip` (one ecosystem's dump, e.g. PyPI's or npm's);
    /// it replaces what an earlier import stored for the same ecosystem.
    ImportOsv {
        /// The zip of `<ID>.json` OSV records.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

/// Runs `secpip db …`.
pub fn run(settings: Settings, cmd: DbCommand) -> Result<u8, Failure> {
    let DbCommand::ImportOsv { file } = cmd;
    if !file.is_file() {
        return Err(Failure::usage(anyhow::anyhow!(
            "{} is not a file",
            file.display()
        )));
    }
    std::fs::create_dir_all(&settings.data_dir).map_err(|e| {
        Failure::error(anyhow::anyhow!(
            "cannot create {}: {e}",
            settings.data_dir.display()
        ))
    })?;
    let path = offline::path_in(&settings.data_dir);
    let mut db = OfflineDb::open(&path).map_err(Failure::error)?;
    let report = db.import_zip(&file).map_err(|e| match e {
        OfflineError::BadZip { .. } | OfflineError::TooLarge { .. } => Failure::usage(e),
        other => Failure::error(other),
    })?;
    if report.total() == 0 {
        return Err(Failure::usage(anyhow::anyhow!(
            "{} holds no PyPI or npm advisories ({} broken, {} refused, {} ignored); the database is unchanged",
            file.display(),
            report.broken,
            report.unsafe_names,
            report.ignored
        )));
    }
    if settings.output.json {
        println!("{}", serde_json::json!({"path": path, "import": report}));
    } else {
        eprint!("{}", summary(&report, &path));
    }
    Ok(0)
}

/// The human summary printed to stderr.
fn summary(report: &ImportReport, path: &std::path::Path) -> String {
    let mut text = String::new();
    for (eco, c) in &report.ecosystems {
        text.push_str(&format!(
            "secpip: imported {} {eco} advisories for {} packages\n",
            c.advisories, c.packages
        ));
    }
    if report.broken + report.unsafe_names > 0 {
        text.push_str(&format!(
            "secpip: skipped {} broken records and {} entries with unsafe names\n",
            report.broken, report.unsafe_names
        ));
        for p in &report.problems {
            text.push_str(&format!("  {p}\n"));
        }
    }
    text.push_str(&format!("secpip: saved to {}\n", path.display()));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;
    use std::collections::HashMap;
    use std::io::Write;

    /// Settings isolated from the machine: an empty explicit config file, no environment.
    fn settings(dir: &std::path::Path) -> Settings {
        let config = dir.join("secpip.toml");
        std::fs::write(&config, "").unwrap();
        let flags = Overrides {
            config: Some(config),
            data_dir: Some(dir.join("data")),
            json: true,
            ..Overrides::default()
        };
        Settings::load_with(&flags, &HashMap::<String, String>::new()).unwrap()
    }

    #[test]
    fn missing_file_and_empty_zip_are_usage_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = DbCommand::ImportOsv {
            file: dir.path().join("nope.zip"),
        };
        assert_eq!(run(settings(dir.path()), missing).unwrap_err().code, 2);

        let zip = dir.path().join("empty.zip");
        zip::ZipWriter::new(std::fs::File::create(&zip).unwrap())
            .finish()
            .unwrap();
        let f = run(settings(dir.path()), DbCommand::ImportOsv { file: zip }).unwrap_err();
        assert_eq!(f.code, 2, "{:#}", f.error);
        assert!(f.error.to_string().contains("no PyPI or npm advisories"));
    }

    #[test]
    fn import_writes_the_database_in_the_data_dir() {
        let dir = tempfile::tempdir().unwrap();
        let zip = dir.path().join("all.zip");
        let mut w = zip::ZipWriter::new(std::fs::File::create(&zip).unwrap());
        w.start_file("A.json", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(br#"{"id":"A","affected":[{"package":{"ecosystem":"PyPI","name":"x"},"versions":["1.0"]}]}"#)
            .unwrap();
        w.finish().unwrap();
        let s = settings(dir.path());
        assert_eq!(
            run(s.clone(), DbCommand::ImportOsv { file: zip }).unwrap(),
            0
        );
        let db = OfflineDb::open(&offline::path_in(&s.data_dir)).unwrap();
        let found = db
            .lookup(crate::ecosystem::Ecosystem::Pypi, "X", "1.0")
            .unwrap();
        assert_eq!(found[0].id, "A");
    }
}
