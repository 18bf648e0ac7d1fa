//! The names popular PyPI projects are imported by, where that is not
//! their own name: `sklearn` (scikit-learn), `cv2` (opencv-python),
//! `yaml` (pyyaml), `bs4` (beautifulsoup4).
//!
//! People type what they import: `pip install sklearn` is one of the most
//! common wrong installs, and a package registered under a popular
//! project's import name catches every one of them. No spelling game
//! links `cv2` to `opencv-python`, so the mapping is data: a public fact
//! of each project's newest wheel (its top-level packages and modules),
//! read by `scripts/make_import_names.py` into
//! `data/pypi-import-names.json` and embedded at build time.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::ecosystem::Ecosystem;
use crate::verdict::popular::{canonical_name, compact};

const SHIPPED: &str = include_str!("../../../data/pypi-import-names.json");

/// Import name → the popular projects that install it.
#[derive(Debug, Default)]
pub struct ImportNames {
    /// [`compact`] import name → (import name as written, PEP 503 project
    /// names). Projects that share an import name are all listed; the
    /// rule decides what that means.
    by_compact: HashMap<String, (String, Vec<String>)>,
}

#[derive(Deserialize)]
struct Row {
    import: String,
    project: String,
}

#[derive(Deserialize)]
struct Snapshot {
    rows: Vec<Row>,
}

impl ImportNames {
    /// The shipped table, parsed on first use.
    pub fn shipped() -> &'static ImportNames {
        static TABLE: OnceLock<ImportNames> = OnceLock::new();
        TABLE.get_or_init(|| {
            // The file is generated and checked by `tests/it/popular_data.rs`;
            // a table that does not parse would mean a broken build, and an
            // empty one only switches the game off.
            ImportNames::from_json(SHIPPED).unwrap_or_default()
        })
    }

    /// Parses a table in the `data/pypi-import-names.json` format.
    pub fn from_json(text: &str) -> Result<ImportNames, serde_json::Error> {
        let snapshot: Snapshot = serde_json::from_str(text)?;
        Ok(ImportNames::from_pairs(
            snapshot
                .rows
                .iter()
                .map(|r| (r.import.as_str(), r.project.as_str())),
        ))
    }

    /// A table of `(import name, project)` pairs.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> ImportNames {
        let mut by_compact: HashMap<String, (String, Vec<String>)> = HashMap::new();
        for (import, project) in pairs {
            let project = canonical_name(Ecosystem::Pypi, project);
            let key = compact(&import.to_lowercase());
            if key.is_empty() || key == compact(&project) {
                continue;
            }
            let entry = by_compact
                .entry(key)
                .or_insert_with(|| (import.to_owned(), Vec::new()));
            if !entry.1.contains(&project) {
                entry.1.push(project);
            }
        }
        ImportNames { by_compact }
    }

    /// The import name as written and the projects it belongs to, for a
    /// name whose [`compact`] form is `key`.
    pub fn get(&self, key: &str) -> Option<(&str, &[String])> {
        self.by_compact
            .get(key)
            .map(|(import, projects)| (import.as_str(), projects.as_slice()))
    }

    /// How many import names the table holds.
    pub fn len(&self) -> usize {
        self.by_compact.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.by_compact.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::popular::PopularIndex;
    use crate::verdict::typosquat::{check_with_hints, Hints, Kind, TyposquatConfig};

    fn import_matches(ecosystem: Ecosystem, name: &str, hints: &Hints<'_>) -> Vec<String> {
        check_with_hints(
            ecosystem,
            name,
            PopularIndex::shipped(ecosystem),
            &TyposquatConfig::default(),
            hints,
        )
        .into_iter()
        .filter(|found| found.kind == Kind::ImportName)
        .map(|found| found.similar.name)
        .collect()
    }

    fn first(name: &str) -> Option<String> {
        check_with_hints(
            Ecosystem::Pypi,
            name,
            PopularIndex::shipped_pypi(),
            &TyposquatConfig::default(),
            &Hints::default(),
        )
        .into_iter()
        .next()
        .map(|found| found.similar.name)
    }

    #[test]
    fn the_table_keys_compact_import_names_and_skips_own_names() {
        let table = ImportNames::from_pairs([
            ("sklearn", "scikit-learn"),
            ("grpc_status", "grpcio-status"),
            ("typing_extensions", "typing-extensions"),
            ("cv2", "opencv-python"),
            ("cv2", "opencv-python-headless"),
            ("cv2", "opencv-python"),
        ]);
        assert_eq!(
            table.len(),
            3,
            "an import name equal to the project's is no game"
        );
        assert_eq!(
            table.get("sklearn"),
            Some(("sklearn", &["scikit-learn".to_owned()][..]))
        );
        assert_eq!(table.get("grpcstatus").map(|(i, _)| i), Some("grpc_status"));
        assert_eq!(
            table.get("cv2").map(|(_, p)| p.len()),
            Some(2),
            "every project that installs it, once"
        );
        assert!(table.get("typingextensions").is_none());
    }

    #[test]
    fn shipped_table_parses_and_knows_the_famous_ones() {
        let table = ImportNames::shipped();
        assert!(table.len() > 100, "only {} import names", table.len());
        for (import, project) in [
            ("yaml", "pyyaml"),
            ("dateutil", "python-dateutil"),
            ("cv2", "opencv-python"),
            ("sklearn", "scikit-learn"),
            ("bs4", "beautifulsoup4"),
            ("jwt", "pyjwt"),
        ] {
            let projects = table.get(import).map(|(_, p)| p).unwrap_or_default();
            assert!(
                projects.iter().any(|p| p == project),
                "{import} -> {projects:?}, expected {project}"
            );
        }
    }

    #[test]
    fn an_import_name_is_flagged_as_its_project() {
        // Short names too: an import name is looked up whole.
        assert_eq!(first("cv2").as_deref(), Some("opencv-python"));
        assert_eq!(first("yaml").as_deref(), Some("pyyaml"));
        // It also drops a word of `python-dateutil`; the import name is
        // the simpler explanation of why anyone types it.
        assert_eq!(
            import_matches(Ecosystem::Pypi, "dateutil", &Hints::default()),
            ["python-dateutil"]
        );
        assert_eq!(first("dateutil").as_deref(), Some("python-dateutil"));
        assert_eq!(first("CV2").as_deref(), Some("opencv-python"), "PEP 503");
        assert_eq!(first("Py_Yaml"), first("py-yaml"));
        assert_eq!(
            import_matches(Ecosystem::Pypi, "attr", &Hints::default()),
            ["attrs"],
            "listed at #6760, far below attrs (#27)"
        );
    }

    #[test]
    fn popular_names_own_projects_and_npm_are_left_alone() {
        // `sklearn` and `bs4` are their projects' own placeholders, popular
        // in their own right: a popular name is never a squat.
        assert!(import_matches(Ecosystem::Pypi, "sklearn", &Hints::default()).is_empty());
        assert!(import_matches(Ecosystem::Pypi, "bs4", &Hints::default()).is_empty());
        assert!(import_matches(Ecosystem::Pypi, "pyyaml", &Hints::default()).is_empty());
        // npm names are what `require` takes: there is no second name.
        assert!(import_matches(Ecosystem::Npm, "cv2", &Hints::default()).is_empty());
        // The project's own people publishing it explain the likeness.
        let owned = ["opencv-python".to_owned()];
        let hints = Hints {
            downloads: None,
            same_owner: &owned,
        };
        assert!(!import_matches(Ecosystem::Pypi, "cv2", &hints).contains(&owned[0]));
    }
}
