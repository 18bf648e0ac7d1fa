//! A temp npm project whose npm runs with a clean environment (own HOME,
//! cache, empty user and global npmrc, no inherited `npm_config_*`), so the
//! machine's npm configuration cannot leak into a test.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use tempfile::TempDir;

use super::package::pairs;
/// A temp npm project (`package.json`, optionally `package-lock.json`) with
/// its own HOME, npm cache and empty user and global npmrc.
pub struct NpmProject {
    root: TempDir,
    /// The project directory (holds `package.json`, `node_modules/`).
    pub dir: PathBuf,
    pub home: PathBuf,
    pub cache: PathBuf,
    pub userconfig: PathBuf,
    pub globalconfig: PathBuf,
    /// The `registry` npm is pointed at.
    pub registry: String,
}

impl NpmProject {
    /// A project depending on `dependencies` (`("@acme/ui", "^1.0.0")`),
    /// whose npm uses `registry` (e.g. [`NpmUpstream::registry_url`](super::NpmUpstream::registry_url)).
    pub fn new(registry: &str, dependencies: &[(&str, &str)]) -> NpmProject {
        let root = tempfile::Builder::new()
            .prefix("secpip-npm-test-")
            .tempdir()
            .expect("create the npm project's temp dir");
        let dir = |name: &str| {
            let path = root.path().join(name);
            std::fs::create_dir_all(&path)
                .unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
            path
        };
        let project = NpmProject {
            dir: dir("project"),
            home: dir("home"),
            cache: dir("npm-cache"),
            userconfig: root.path().join("user.npmrc"),
            globalconfig: root.path().join("global.npmrc"),
            registry: registry.to_string(),
            root,
        };
        for config in [&project.userconfig, &project.globalconfig] {
            std::fs::write(config, "")
                .unwrap_or_else(|e| panic!("write {}: {e}", config.display()));
        }
        project.write_package_json(dependencies);
        project
    }

    /// The same, plus `package-lock.json` with `lockfile` as its contents.
    pub fn with_lockfile(
        registry: &str,
        dependencies: &[(&str, &str)],
        lockfile: &str,
    ) -> NpmProject {
        let project = NpmProject::new(registry, dependencies);
        project.write_lockfile(lockfile);
        project
    }

    /// The temp dir that holds the project, HOME, the cache and the npmrcs.
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// Rewrites `package.json` with these dependencies.
    pub fn write_package_json(&self, dependencies: &[(&str, &str)]) {
        let doc = json!({
            "name": "secpip-npm-fixture-project",
            "version": "1.0.0",
            "private": true,
            "dependencies": pairs(dependencies),
        });
        let path = self.dir.join("package.json");
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&doc).expect("serialize package.json"),
        )
        .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    pub fn write_lockfile(&self, contents: &str) {
        let path = self.lockfile_path();
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    pub fn lockfile_path(&self) -> PathBuf {
        self.dir.join("package-lock.json")
    }

    /// `package-lock.json` parsed, if npm wrote one.
    pub fn lockfile(&self) -> Option<Value> {
        let text = std::fs::read_to_string(self.lockfile_path()).ok()?;
        Some(serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!("package-lock.json is not JSON ({e}):\n{text}");
        }))
    }

    /// Clears `cmd`'s environment and gives it PATH plus this project's npm
    /// settings: HOME, `npm_config_cache`, `npm_config_userconfig` and
    /// `npm_config_globalconfig` (empty files), `npm_config_registry`, no
    /// audit, fund, update notifier or progress bar, no fetch retries (a
    /// loopback registry either answers or the test should fail fast). No
    /// `npm_config_*`, proxy or `NODE_*` variable of the parent gets through.
    pub fn apply_env<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("npm_config_cache", &self.cache)
            .env("npm_config_userconfig", &self.userconfig)
            .env("npm_config_globalconfig", &self.globalconfig)
            .env("npm_config_registry", &self.registry)
            .env("npm_config_audit", "false")
            .env("npm_config_fund", "false")
            .env("npm_config_update_notifier", "false")
            .env("npm_config_progress", "false")
            .env("npm_config_fetch_retries", "0")
            .env("NO_COLOR", "1")
    }

    /// `npm <args>` in the project directory, with [`NpmProject::apply_env`].
    pub fn npm(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("npm");
        cmd.args(args).current_dir(&self.dir);
        self.apply_env(&mut cmd);
        cmd
    }

    /// `node <args>` in the project directory, same environment.
    pub fn node(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("node");
        cmd.args(args).current_dir(&self.dir);
        self.apply_env(&mut cmd);
        cmd
    }

    /// `version` of `node_modules/<name>/package.json`, if installed.
    pub fn installed_version(&self, name: &str) -> Option<String> {
        let path = self
            .dir
            .join("node_modules")
            .join(name)
            .join("package.json");
        let text = std::fs::read_to_string(path).ok()?;
        let doc: Value = serde_json::from_str(&text).ok()?;
        doc["version"].as_str().map(str::to_string)
    }
}
