//! Which popular-package snapshot is in force: one refreshed with
//! `secpip data refresh-popular` into the data dir, else the shipped one.

use crate::verdict::popular::PopularIndex;
use std::path::{Path, PathBuf};

/// File name of the refreshed PyPI snapshot inside the data dir.
pub const PYPI_POPULAR_FILE: &str = "pypi-popular.json";

/// Path of the refreshed PyPI snapshot.
pub fn refreshed_pypi_path(data_dir: &Path) -> PathBuf {
    data_dir.join(PYPI_POPULAR_FILE)
}

/// File name of the refreshed npm snapshot inside the data dir.
pub const NPM_POPULAR_FILE: &str = "npm-popular.json";

/// The popular index of `ecosystem`: a refreshed snapshot if present and valid, else the shipped one.
pub fn popular(ecosystem: crate::ecosystem::Ecosystem, data_dir: &Path) -> &'static PopularIndex {
    match ecosystem {
        crate::ecosystem::Ecosystem::Pypi => pypi_popular(data_dir),
        crate::ecosystem::Ecosystem::Npm => {
            let path = data_dir.join(NPM_POPULAR_FILE);
            match std::fs::read_to_string(&path)
                .map(|t| PopularIndex::from_json_for(crate::ecosystem::Ecosystem::Npm, &t))
            {
                // Leaked once per process: the index lives as long as the program.
                Ok(Ok(index)) if !index.is_empty() => Box::leak(Box::new(index)),
                _ => PopularIndex::shipped_npm(),
            }
        }
    }
}

/// The PyPI popular index: the refreshed snapshot if present and valid, else the shipped one.
pub fn pypi_popular(data_dir: &Path) -> &'static PopularIndex {
    let path = refreshed_pypi_path(data_dir);
    match std::fs::read_to_string(&path).map(|t| PopularIndex::from_json(&t)) {
        // Leaked once per process: the index lives as long as the program.
        Ok(Ok(index)) if !index.is_empty() => Box::leak(Box::new(index)),
        Ok(Err(e)) => {
            tracing::warn!(
                "ignoring {}: {e}; using the shipped snapshot",
                path.display()
            );
            PopularIndex::shipped_pypi()
        }
        _ => PopularIndex::shipped_pypi(),
    }
}
