//! What a test describes: the packages on the fixture registry, their
//! versions (dependencies, scripts, extra files, publish times) and the
//! reputation data the packument and the downloads API report for them.

use std::collections::BTreeMap;

use super::paths::basename;

/// One published version of a fixture package.
#[derive(Clone, Debug)]
pub struct NpmVersion {
    pub version: String,
    /// `dependencies` of its `package.json`, e.g. `("left-thing", "^1.2.0")`.
    pub dependencies: BTreeMap<String, String>,
    /// `scripts` of its `package.json`, e.g. `("postinstall", "node install.js")`.
    pub scripts: BTreeMap<String, String>,
    /// Extra text files in the tarball, relative to `package/`, e.g.
    /// `("install.js", "…")`. A path equal to a generated one (`index.js`,
    /// `package.json`) replaces the generated file.
    pub files: Vec<(String, String)>,
    /// ISO 8601 publish time (`time[version]`), see [`npm_iso_days_ago`].
    pub published: String,
    /// The registry's deprecation message for this version.
    pub deprecated: Option<String>,
    /// `bin` of its `package.json`: command name → script path.
    pub bin: BTreeMap<String, String>,
}

impl NpmVersion {
    /// `version` with `dependencies`, no scripts or extra files, published
    /// 45 days ago.
    pub fn new(version: &str, dependencies: &[(&str, &str)]) -> NpmVersion {
        NpmVersion {
            version: version.to_string(),
            dependencies: pairs(dependencies),
            scripts: BTreeMap::new(),
            files: Vec::new(),
            published: npm_iso_days_ago(45),
            deprecated: None,
            bin: BTreeMap::new(),
        }
    }

    /// Adds a command to `bin` (`("tsc", "bin/tsc")`).
    pub fn with_bin(mut self, command: &str, path: &str) -> NpmVersion {
        self.bin.insert(command.to_string(), path.to_string());
        self
    }

    /// Adds (or replaces) a lifecycle or other script.
    pub fn with_script(mut self, stage: &str, command: &str) -> NpmVersion {
        self.scripts.insert(stage.to_string(), command.to_string());
        self
    }

    /// Adds (or replaces) a file in the tarball.
    pub fn with_file(mut self, path: &str, contents: &str) -> NpmVersion {
        self.files.retain(|(p, _)| p != path);
        self.files.push((path.to_string(), contents.to_string()));
        self
    }

    pub fn published_days_ago(mut self, days: i64) -> NpmVersion {
        self.published = npm_iso_days_ago(days);
        self
    }

    pub fn deprecated(mut self, message: &str) -> NpmVersion {
        self.deprecated = Some(message.to_string());
        self
    }
}

/// A package on the fixture registry, with the reputation data the
/// packument and the downloads API report for it.
#[derive(Clone, Debug)]
pub struct NpmPackage {
    /// Plain (`left-thing`) or scoped (`@acme/ui`).
    pub name: String,
    /// Any order.
    pub versions: Vec<NpmVersion>,
    pub description: String,
    /// The packument's `repository.url`, e.g. `git+https://github.com/o/r.git`.
    pub repository: Option<String>,
    /// Maintainer user names; each gets the email `{name}@example.org`.
    pub maintainers: Vec<String>,
    pub downloads_last_month: u64,
    /// `dist-tags`; when it has no `latest`, the highest version is `latest`.
    pub dist_tags: BTreeMap<String, String>,
}

impl NpmPackage {
    /// One version, no repository, one maintainer, 40 downloads, empty
    /// description: a bare package that tests dress up field by field.
    pub fn bare(name: &str, version: NpmVersion) -> NpmPackage {
        NpmPackage {
            name: name.to_string(),
            versions: vec![version],
            description: String::new(),
            repository: None,
            maintainers: vec!["fixture-maintainer".to_string()],
            downloads_last_month: 40,
            dist_tags: BTreeMap::new(),
        }
    }

    /// A package that looks healthy to reputation rules: five versions over
    /// the last year (`0.1.0` … `0.4.0` about 345, 270, 195 and 120 days ago,
    /// then `version` about six weeks ago), a GitHub repository, two
    /// maintainers, a description and 850,000 downloads last month.
    /// `version` must be above `0.4.0`; every version has the same `deps`.
    pub fn healthy(name: &str, version: &str, deps: &[(&str, &str)]) -> NpmPackage {
        assert!(
            version_key(version) > version_key("0.4.0"),
            "NpmPackage::healthy({name}, {version}): the latest version must be above 0.4.0"
        );
        let mut versions: Vec<NpmVersion> = (1..=4)
            .map(|minor| {
                NpmVersion::new(&format!("0.{minor}.0"), deps)
                    .published_days_ago(45 + (5 - minor) * 75)
            })
            .collect();
        versions.push(NpmVersion::new(version, deps).published_days_ago(45));
        let (owner, repo) = match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
            Some((scope, base)) => (scope.to_string(), base.to_string()),
            None => (format!("{name}-dev"), name.to_string()),
        };
        NpmPackage {
            name: name.to_string(),
            versions,
            description: format!(
                "Small, well-tested {} utilities for Node.js",
                basename(name).replace('-', " ")
            ),
            repository: Some(format!("git+https://github.com/{owner}/{repo}.git")),
            maintainers: vec![format!("{owner}-lead"), format!("{owner}-bot")],
            downloads_last_month: 850_000,
            dist_tags: BTreeMap::new(),
        }
    }

    /// Adds a version (e.g. a newer one with a `postinstall`).
    pub fn with_version(mut self, version: NpmVersion) -> NpmPackage {
        self.versions.retain(|v| v.version != version.version);
        self.versions.push(version);
        self
    }

    /// Adds a script to the highest version.
    pub fn with_script(mut self, stage: &str, command: &str) -> NpmPackage {
        let i = self.highest_index();
        self.versions[i] = self.versions[i].clone().with_script(stage, command);
        self
    }

    /// Adds a file to the highest version's tarball.
    pub fn with_file(mut self, path: &str, contents: &str) -> NpmPackage {
        let i = self.highest_index();
        self.versions[i] = self.versions[i].clone().with_file(path, contents);
        self
    }

    /// What `dist-tags.latest` says.
    pub fn latest(&self) -> String {
        self.dist_tags
            .get("latest")
            .cloned()
            .unwrap_or_else(|| self.versions[self.highest_index()].version.clone())
    }

    fn highest_index(&self) -> usize {
        (0..self.versions.len())
            .max_by_key(|&i| version_key(&self.versions[i].version))
            .unwrap_or_else(|| panic!("fixture package {} has no versions", self.name))
    }
}

/// Now minus `days`, as the registry writes times (`2026-10-01T12:00:00.123Z`).
pub fn npm_iso_days_ago(days: i64) -> String {
    let at = time::OffsetDateTime::now_utc() - time::Duration::days(days);
    at.format(time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    ))
    .expect("format an ISO 8601 time")
}

/// Lifecycle scripts npm runs on install (the registry's `hasInstallScript`).
pub const INSTALL_SCRIPTS: [&str; 3] = ["preinstall", "install", "postinstall"];

/// `[(key, value)]` as an ordered map.
pub(super) fn pairs(items: &[(&str, &str)]) -> BTreeMap<String, String> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Orders `1.10.0 > 1.9.2 > 1.9.2-beta.1`; enough for fixture versions.
pub(super) fn version_key(version: &str) -> (Vec<u64>, bool, String) {
    let (release, pre) = match version.split_once('-') {
        Some((release, pre)) => (release, pre),
        None => (version, ""),
    };
    let numbers = release
        .split('.')
        .map(|part| part.parse::<u64>().unwrap_or(0))
        .collect();
    (numbers, pre.is_empty(), pre.to_string())
}
