//! The popular-package index: which names of one ecosystem are downloaded the
//! most, and how they rank.
//!
//! Name-similarity rules (typosquatting) need to know what a requested name
//! could be imitating, and whether the name is itself well known. Attackers
//! imitate what many people type, so the index holds only the most
//! downloaded names, ranked, normalized once at load time.
//!
//! The data comes from snapshot files made by `scripts/make_popular.py`
//! (`data/pypi-popular.json`, `data/npm-popular.json`, embedded in the
//! binary, so the rule works offline and with no setup). Names are kept the
//! way each ecosystem identifies a package: PEP 503 normalized for PyPI, as
//! published for npm, where case and every separator are part of the name
//! (`lodash.merge` and `lodash-merge` are two packages). The same loader also accepts the
//! "top-pypi-packages" JSON format directly, so a freshly downloaded ranking
//! (`secpip data refresh-popular --url …`) can be loaded and written back as
//! a snapshot with [`PopularIndex::to_snapshot_json`].

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::typosquat::SimilarityIndex;
use crate::ecosystem::Ecosystem;

/// The PyPI snapshot shipped with secpip (see `scripts/make_popular.py`).
const SHIPPED_PYPI: &str = include_str!("../../data/pypi-popular.json");

/// The npm snapshot shipped with secpip (`make_popular.py --ecosystem npm`).
const SHIPPED_NPM: &str = include_str!("../../data/npm-popular.json");

/// Why a popular-package list could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum PopularError {
    /// The text is not JSON of the expected shape (an object with a `rows` list).
    #[error("popular-package list is not valid JSON of the expected shape (an object with a \"rows\" list): {0}")]
    Json(#[from] serde_json::Error),
    /// The list has no rows at all.
    #[error("popular-package list has no rows")]
    NoRows,
    /// A row's `project` is empty, or only separators.
    #[error("popular-package list: rows[{index}] has an empty project name")]
    EmptyName {
        /// Position of the row in `rows` (0-based).
        index: usize,
    },
    /// A row has rank 0; ranks start at 1.
    #[error("popular-package list: rows[{index}] ({project}) has rank 0, ranks start at 1")]
    ZeroRank {
        /// Position of the row in `rows` (0-based).
        index: usize,
        /// The row's project name as written.
        project: String,
    },
    /// The first row has a `rank`, so every row must have one, and this one does not.
    #[error("popular-package list: rows[{index}] ({project}) has no \"rank\" while rows[0] has one; give every row a rank, or none")]
    MissingRank {
        /// Position of the row in `rows` (0-based).
        index: usize,
        /// The row's project name as written.
        project: String,
    },
    /// Without ranks, rows are ranked by downloads, and this row has no `download_count`.
    #[error("popular-package list: rows[{index}] ({project}) has neither \"rank\" nor \"download_count\"")]
    MissingDownloadCount {
        /// Position of the row in `rows` (0-based).
        index: usize,
        /// The row's project name as written.
        project: String,
    },
    /// More rows than a `u32` rank can number.
    #[error("popular-package list has too many rows ({0}) to rank")]
    TooManyRows(usize),
}

/// One popular name, as stored.
#[derive(Debug, Clone)]
struct Entry {
    /// The canonical name (see [`canonical_name`]).
    name: String,
    /// The name lowercased with its separators `-_.` removed
    /// (`python-dateutil` → `pythondateutil`).
    compact: String,
    /// 1 = most downloaded.
    rank: u32,
    /// Downloads over the ranking's period, when the source gave them.
    download_count: Option<u64>,
}

/// The popular names of one ecosystem, each with its download rank
/// (1 = most downloaded).
///
/// Names are made canonical at load time ([`canonical_name`]); look-ups
/// expect a canonical name. A name listed twice keeps its best rank. The
/// default index is an empty PyPI index (no name is popular).
#[derive(Debug, Clone)]
pub struct PopularIndex {
    /// Whose names these are; decides how names are made canonical.
    ecosystem: Ecosystem,
    /// All entries, best rank first (ties by name).
    entries: Vec<Entry>,
    /// Normalized name → position in `entries`.
    by_name: HashMap<String, usize>,
    /// `by_compact_len[n]` = positions in `entries` of the names whose
    /// compact form is `n` characters long, best rank first.
    by_compact_len: Vec<Vec<usize>>,
    /// Look-up tables of the typosquatting rule, built on first use.
    similarity: OnceLock<SimilarityIndex>,
}

impl Default for PopularIndex {
    fn default() -> Self {
        PopularIndex::from_ranked(std::iter::empty::<(&str, u32, Option<u64>)>())
    }
}

/// A row of either accepted format; unknown fields (`last_update`,
/// `source`, `generated`, …) are ignored.
#[derive(Deserialize)]
struct RawRow {
    project: String,
    #[serde(default)]
    rank: Option<u32>,
    #[serde(default)]
    download_count: Option<u64>,
}

#[derive(Deserialize)]
struct RawList {
    rows: Vec<RawRow>,
}

impl PopularIndex {
    /// Parses a popular-package list.
    ///
    /// Accepts secpip's snapshot format (`{"rows": [{"project", "rank",
    /// "download_count"}]}`, as written by `scripts/make_popular.py` and
    /// [`PopularIndex::to_snapshot_json`]) and the "top-pypi-packages" format
    /// (`{"rows": [{"project", "download_count"}]}`), where the rank is the
    /// position after sorting by `download_count`, most downloaded first.
    /// Whether rows carry ranks is decided by the first row. Names are
    /// PyPI names; see [`PopularIndex::from_json_for`] for npm.
    pub fn from_json(text: &str) -> Result<PopularIndex, PopularError> {
        PopularIndex::from_json_for(Ecosystem::Pypi, text)
    }

    /// [`PopularIndex::from_json`] for the names of `ecosystem`.
    pub fn from_json_for(ecosystem: Ecosystem, text: &str) -> Result<PopularIndex, PopularError> {
        let list: RawList = serde_json::from_str(text)?;
        let Some(first) = list.rows.first() else {
            return Err(PopularError::NoRows);
        };
        let ranked = first.rank.is_some();
        let mut rows = Vec::with_capacity(list.rows.len());
        for (index, row) in list.rows.into_iter().enumerate() {
            if is_blank(&canonical_name(ecosystem, &row.project)) {
                return Err(PopularError::EmptyName { index });
            }
            if ranked {
                match row.rank {
                    None => {
                        return Err(PopularError::MissingRank {
                            index,
                            project: row.project,
                        })
                    }
                    Some(0) => {
                        return Err(PopularError::ZeroRank {
                            index,
                            project: row.project,
                        })
                    }
                    Some(_) => {}
                }
            } else if row.download_count.is_none() {
                return Err(PopularError::MissingDownloadCount {
                    index,
                    project: row.project,
                });
            }
            rows.push(row);
        }
        if !ranked {
            // Stable: equal counts keep the file's order.
            rows.sort_by_key(|row| std::cmp::Reverse(row.download_count));
            for (position, row) in rows.iter_mut().enumerate() {
                let rank = u32::try_from(position + 1)
                    .map_err(|_| PopularError::TooManyRows(position + 1))?;
                row.rank = Some(rank);
            }
        }
        Ok(PopularIndex::from_ranked_for(
            ecosystem,
            rows.into_iter()
                .filter_map(|row| row.rank.map(|rank| (row.project, rank, row.download_count))),
        ))
    }

    /// Builds an index from `(name, rank, download_count)` triples.
    ///
    /// Names are PyPI names, PEP 503 normalized; names without a letter or
    /// digit are dropped; a name given more than once keeps its best rank.
    /// Useful to build small indexes in tests of other rules.
    pub fn from_ranked<S: AsRef<str>>(
        rows: impl IntoIterator<Item = (S, u32, Option<u64>)>,
    ) -> PopularIndex {
        PopularIndex::from_ranked_for(Ecosystem::Pypi, rows)
    }

    /// [`PopularIndex::from_ranked`] for the names of `ecosystem`.
    pub fn from_ranked_for<S: AsRef<str>>(
        ecosystem: Ecosystem,
        rows: impl IntoIterator<Item = (S, u32, Option<u64>)>,
    ) -> PopularIndex {
        let mut best: HashMap<String, (u32, Option<u64>)> = HashMap::new();
        for (name, rank, download_count) in rows {
            let name = canonical_name(ecosystem, name.as_ref());
            if is_blank(&name) {
                continue;
            }
            match best.get(&name) {
                Some((seen, _)) if *seen <= rank => {}
                _ => {
                    best.insert(name, (rank, download_count));
                }
            }
        }
        let mut entries: Vec<Entry> = best
            .into_iter()
            .map(|(name, (rank, download_count))| Entry {
                compact: compact(&name),
                name,
                rank,
                download_count,
            })
            .collect();
        entries.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.name.cmp(&b.name)));

        let mut by_name = HashMap::with_capacity(entries.len());
        let mut by_compact_len: Vec<Vec<usize>> = Vec::new();
        for (position, entry) in entries.iter().enumerate() {
            by_name.insert(entry.name.clone(), position);
            let len = entry.compact.chars().count();
            if by_compact_len.len() <= len {
                by_compact_len.resize_with(len + 1, Vec::new);
            }
            by_compact_len[len].push(position);
        }
        PopularIndex {
            ecosystem,
            entries,
            by_name,
            by_compact_len,
            similarity: OnceLock::new(),
        }
    }

    /// The PyPI snapshot shipped inside the binary
    /// (`data/pypi-popular.json`), parsed on first use.
    pub fn shipped_pypi() -> &'static PopularIndex {
        static SHIPPED: OnceLock<PopularIndex> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            // The embedded file is part of the source tree and the unit test
            // `shipped_pypi_snapshot_parses` proves it parses, so this cannot
            // fail at run time.
            PopularIndex::from_json(SHIPPED_PYPI).expect("embedded data/pypi-popular.json parses")
        })
    }

    /// The npm snapshot shipped inside the binary (`data/npm-popular.json`),
    /// parsed on first use.
    pub fn shipped_npm() -> &'static PopularIndex {
        static SHIPPED: OnceLock<PopularIndex> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            // As for PyPI: `shipped_npm_snapshot_parses` proves it parses.
            PopularIndex::from_json_for(Ecosystem::Npm, SHIPPED_NPM)
                .expect("embedded data/npm-popular.json parses")
        })
    }

    /// The snapshot shipped for `ecosystem`.
    pub fn shipped(ecosystem: Ecosystem) -> &'static PopularIndex {
        match ecosystem {
            Ecosystem::Pypi => PopularIndex::shipped_pypi(),
            Ecosystem::Npm => PopularIndex::shipped_npm(),
        }
    }

    /// Whose names the index holds.
    pub fn ecosystem(&self) -> Ecosystem {
        self.ecosystem
    }

    /// The rank of a canonical name (1 = most downloaded), or `None` when
    /// the name is not popular.
    pub fn rank(&self, normalized_name: &str) -> Option<u32> {
        self.by_name
            .get(normalized_name)
            .map(|&position| self.entries[position].rank)
    }

    /// The position of a canonical name (0 = most popular), for the
    /// similarity index's look-ups by name.
    pub(crate) fn position(&self, normalized_name: &str) -> Option<usize> {
        self.by_name.get(normalized_name).copied()
    }

    /// The downloads of a canonical name over the ranking's period, when
    /// the name is popular and the source gave them (npm does, the PyPI
    /// snapshot does not).
    pub fn downloads(&self, normalized_name: &str) -> Option<u64> {
        self.by_name
            .get(normalized_name)
            .and_then(|&position| self.entries[position].download_count)
    }

    /// `(canonical name, compact name, rank, downloads)` of the entry at
    /// `position` (0 = most popular), for the similarity index.
    pub(crate) fn entry(&self, position: usize) -> Option<(&str, &str, u32, Option<u64>)> {
        self.entries.get(position).map(|entry| {
            (
                entry.name.as_str(),
                entry.compact.as_str(),
                entry.rank,
                entry.download_count,
            )
        })
    }

    /// The typosquatting rule's look-up tables, built on first use.
    pub(crate) fn similarity(&self) -> &SimilarityIndex {
        self.similarity.get_or_init(|| SimilarityIndex::build(self))
    }

    /// How many names the index holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the index holds no name.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every `(canonical name, rank)`, most popular first.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        self.entries
            .iter()
            .map(|entry| (entry.name.as_str(), entry.rank))
    }

    /// The names whose length, separators (`-`) not counted, is `len`
    /// characters, most popular first, as `(normalized name, name without
    /// separators, rank)`.
    ///
    /// Similarity rules use it to skip every name whose length alone rules
    /// out a near match.
    pub fn with_compact_len(&self, len: usize) -> impl Iterator<Item = (&str, &str, u32)> {
        self.by_compact_len
            .get(len)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&position| {
                let entry = &self.entries[position];
                (entry.name.as_str(), entry.compact.as_str(), entry.rank)
            })
    }

    /// Writes the index in secpip's snapshot format, one row per line, the
    /// same layout as `scripts/make_popular.py`: `source` names where the
    /// ranking came from, `generated` is today's UTC date.
    pub fn to_snapshot_json(&self, source: &str) -> String {
        let generated = utc_date(std::time::SystemTime::now());
        let mut out = String::with_capacity(64 + self.entries.len() * 72);
        out.push_str("{\n  \"source\": ");
        out.push_str(&json_string(source));
        out.push_str(",\n  \"generated\": ");
        out.push_str(&json_string(&generated));
        out.push_str(",\n  \"rows\": [\n");
        for (position, entry) in self.entries.iter().enumerate() {
            if position > 0 {
                out.push_str(",\n");
            }
            let downloads = entry
                .download_count
                .map_or_else(|| "null".to_owned(), |count| count.to_string());
            out.push_str(&format!(
                "    {{\"project\": {}, \"rank\": {}, \"download_count\": {}}}",
                json_string(&entry.name),
                entry.rank,
                downloads
            ));
        }
        out.push_str("\n  ]\n}\n");
        out
    }
}

/// How `ecosystem` spells a package's identity: PEP 503 for PyPI
/// (`Foo_Bar` is `foo-bar`), the name as published for npm, where case,
/// separators and the `@scope/` are all part of the name.
pub fn canonical_name(ecosystem: Ecosystem, name: &str) -> String {
    match ecosystem {
        Ecosystem::Pypi => normalize(name),
        Ecosystem::Npm => name.trim().to_owned(),
    }
}

/// A name lowercased with its separators `-`, `_` and `.` removed: the
/// form in which separator and case games disappear.
pub fn compact(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// PEP 503: lowercase, every run of `-`, `_` and `.` becomes one `-`.
///
/// A private copy so this file stands alone; the crate's own is
/// `ecosystem::pypi::normalize_name`.
fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_separator = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_separator {
                out.push('-');
            }
            in_separator = true;
        } else {
            out.extend(c.to_lowercase());
            in_separator = false;
        }
    }
    out
}

/// Whether a canonical name has no letter or digit.
fn is_blank(name: &str) -> bool {
    !name.chars().any(char::is_alphanumeric)
}

/// A JSON string literal; serializing a `&str` cannot fail.
fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// `YYYY-MM-DD` of a point in time, in UTC (civil-from-days, H. Hinnant).
fn utc_date(now: std::time::SystemTime) -> String {
    let seconds = now
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_pypi_snapshot_parses() {
        let index = PopularIndex::from_json(SHIPPED_PYPI).expect("shipped snapshot parses");
        assert!(index.len() > 10_000, "only {} names", index.len());
        assert!(!index.is_empty());
        assert_eq!(PopularIndex::shipped_pypi().len(), index.len());
    }

    #[test]
    fn shipped_npm_snapshot_parses() {
        let index = PopularIndex::from_json_for(Ecosystem::Npm, SHIPPED_NPM).expect("parses");
        assert!(index.len() >= 15_000, "only {} names", index.len());
        let npm = PopularIndex::shipped_npm();
        assert_eq!(npm.ecosystem(), Ecosystem::Npm);
        assert_eq!(npm.rank("semver"), Some(1));
        assert!(npm
            .downloads("semver")
            .is_some_and(|count| count > 1_000_000));
        // Kept as published: scopes, dots and case are part of the name.
        assert!(npm.rank("@babel/core").is_some());
        assert!(npm.rank("lodash.merge").is_some());
        assert_eq!(npm.rank("lodash-merge"), None);
        assert!(npm.rank("JSONStream").is_some());
    }

    #[test]
    fn shipped_pypi_has_the_usual_suspects() {
        let index = PopularIndex::shipped_pypi();
        for name in ["boto3", "requests", "numpy", "django", "python-dateutil"] {
            assert!(index.rank(name).is_some(), "{name} missing");
        }
        assert_eq!(index.rank("boto3"), Some(1));
        assert_eq!(index.rank("certainly-not-a-popular-package"), None);
        let ranks: Vec<u32> = index.iter().map(|(_, rank)| rank).collect();
        assert!(ranks.windows(2).all(|pair| pair[0] <= pair[1]));
    }

    #[test]
    fn top_pypi_packages_format_is_ranked_by_downloads() {
        let text = r#"{"last_update": "2024-01-01 00:00:00",
            "rows": [{"project": "Foo_Bar", "download_count": 10},
                     {"project": "boto3", "download_count": 500},
                     {"project": "foo.bar", "download_count": 7},
                     {"project": "six", "download_count": 90}]}"#;
        let index = PopularIndex::from_json(text).expect("parses");
        assert_eq!(index.rank("boto3"), Some(1));
        assert_eq!(index.rank("six"), Some(2));
        // Normalized and deduplicated, best rank kept.
        assert_eq!(index.rank("foo-bar"), Some(3));
        assert_eq!(index.len(), 3);
        let names: Vec<&str> = index.iter().map(|(name, _)| name).collect();
        assert_eq!(names, ["boto3", "six", "foo-bar"]);
    }

    #[test]
    fn snapshot_round_trips() {
        let text = r#"{"source": "x", "generated": "2024-01-01", "rows": [
            {"project": "a-b", "rank": 2, "download_count": null},
            {"project": "zzz", "rank": 1, "download_count": 42},
            {"project": "Quote\"d", "rank": 3}]}"#;
        let index = PopularIndex::from_json(text).expect("parses");
        let written = index.to_snapshot_json("top-pypi-packages.json");
        let value: serde_json::Value = serde_json::from_str(&written).expect("valid JSON");
        assert_eq!(value["source"], "top-pypi-packages.json");
        assert_eq!(value["rows"][0]["project"], "zzz");
        assert_eq!(value["rows"][0]["download_count"], 42);
        assert_eq!(value["rows"][1]["download_count"], serde_json::Value::Null);
        let again = PopularIndex::from_json(&written).expect("re-parses");
        let before: Vec<(&str, u32)> = index.iter().collect();
        let after: Vec<(&str, u32)> = again.iter().collect();
        assert_eq!(before, after);
        assert_eq!(again.rank("quote\"d"), Some(3));
    }

    #[test]
    fn bad_lists_say_what_is_wrong() {
        let cases = [
            ("[]", "expected shape"),
            (r#"{"rows": []}"#, "no rows"),
            (
                r#"{"rows": [{"project": "a", "rank": 1}, {"project": "b"}]}"#,
                "rows[1] (b) has no \"rank\"",
            ),
            (r#"{"rows": [{"project": "a", "rank": 0}]}"#, "rank 0"),
            (r#"{"rows": [{"project": "a"}]}"#, "neither"),
            (
                r#"{"rows": [{"project": "._", "rank": 1}]}"#,
                "empty project name",
            ),
        ];
        for (text, expected) in cases {
            let error = PopularIndex::from_json(text).expect_err(text).to_string();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }

    #[test]
    fn compact_length_buckets() {
        let index = PopularIndex::from_ranked([("python-dateutil", 2, None), ("six", 1, None)]);
        let found: Vec<_> = index.with_compact_len(14).collect();
        assert_eq!(found, [("python-dateutil", "pythondateutil", 2)]);
        assert_eq!(index.with_compact_len(15).count(), 0);
        assert_eq!(index.with_compact_len(999).count(), 0);
    }

    #[test]
    fn normalizes_like_pep_503() {
        assert_eq!(normalize("Foo__Bar.-baz"), "foo-bar-baz");
        assert_eq!(normalize(" Django "), "django");
    }

    #[test]
    fn utc_dates() {
        let at = |seconds: u64| {
            utc_date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds))
        };
        assert_eq!(at(0), "1970-01-01");
        assert_eq!(at(951_782_400), "2000-02-29");
        assert_eq!(at(1_709_251_199), "2024-02-29");
    }
}
