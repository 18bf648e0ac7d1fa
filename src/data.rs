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
