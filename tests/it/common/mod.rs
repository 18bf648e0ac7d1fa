//! Shared harness of secpip's integration tests.
//!
//! A [`TestContext`] gives one test everything secpip could touch, inside a
//! temporary directory: HOME, the XDG directories, secpip's data directory, a
//! `secpip.toml` pointing at a loopback [`Upstream`], and a virtualenv to
//! install into. [`TestContext::secpip`] runs the real binary with a cleared
//! environment, so nothing from the machine leaks in: in particular no
//! `PIP_*` variable (this machine sets `PIP_FIND_LINKS` globally), and no
//! registry other than the fixture is ever configured.
//!
//! Creating a virtualenv with pip takes seconds, so one *template* venv is
//! made per Python (kept under cargo's target tmp dir) and each context gets
//! its own copy of it.
#![allow(dead_code)]

pub mod artifacts;
pub mod aws_servers;
pub mod faults;
pub mod loopback;
pub mod npm_upstream;
pub mod sarif_schema;
pub mod serve;
pub mod targz;
pub mod team_servers;
pub mod upstream;

use std::ffi::OsStr;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

use upstream::{normalize, Upstream};

/// How long any one secpip or pip run may take before the test gives up on
/// it (secpip's own install timeout in the test config is 120 s).
pub const RUN_TIMEOUT: Duration = Duration::from_secs(150);

/// One test's isolated world.
pub struct TestContext {
    root: TempDir,
    pub home: PathBuf,
    pub xdg_data_home: PathBuf,
    pub xdg_config_home: PathBuf,
    pub xdg_cache_home: PathBuf,
    pub data_dir: PathBuf,
    pub config_path: PathBuf,
    /// The venv `secpip(...)` installs into.
    pub venv: PathBuf,
}

impl TestContext {
    /// A fresh context whose `secpip.toml` points every upstream source at
    /// `upstream`.
    pub fn new(upstream: &Upstream) -> TestContext {
        let root = tempfile::Builder::new()
            .prefix("secpip-test-")
            .tempdir()
            .expect("create the test's temp dir");
        let dir = |name: &str| {
            let path = root.path().join(name);
            std::fs::create_dir_all(&path)
                .unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
            path
        };
        let home = dir("home");
        let xdg_data_home = dir("xdg-data");
        let xdg_config_home = dir("xdg-config");
        let xdg_cache_home = dir("xdg-cache");
        let data_dir = dir("secpip-data");
        let config_path = root.path().join("secpip.toml");
        std::fs::write(
            &config_path,
            format!(
                "[pypi]\nindex_url = \"{}\"\njson_url = \"{}\"\n\n[sources]\ndownloads_url = \"{}\"\ngithub_api_url = \"{}\"\nosv_url = \"{}\"\n\n[install]\ntimeout_secs = 120\n",
                upstream.index_url(),
                upstream.json_url(),
                upstream.downloads_url(),
                upstream.github_api_url(),
                upstream.osv_url()
            ),
        )
        .expect("write secpip.toml");
        let mut ctx = TestContext {
            home,
            xdg_data_home,
            xdg_config_home,
            xdg_cache_home,
            data_dir,
            config_path,
            venv: PathBuf::new(),
            root,
        };
        ctx.venv = ctx.new_venv("venv");
        ctx
    }

    /// The temp dir everything lives in; also the working directory of every
    /// command the context builds.
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// Appends TOML to the context's `secpip.toml` (new tables only).
    pub fn append_config(&self, text: &str) {
        let mut cfg = std::fs::read_to_string(&self.config_path).expect("read secpip.toml");
        cfg.push_str(text);
        std::fs::write(&self.config_path, cfg).expect("write secpip.toml");
    }

    /// `<data dir>/secpip.db`
    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("secpip.db")
    }

    /// Another empty venv (a copy of the template) under the context's root.
    pub fn new_venv(&self, name: &str) -> PathBuf {
        let dest = self.root().join(name);
        copy_venv(venv_template(), &dest);
        dest
    }

    /// The real secpip binary, installing into [`TestContext::venv`].
    pub fn secpip(&self, args: &[&str]) -> Command {
        self.secpip_with_venv(&self.venv, args)
    }

    /// The real secpip binary, installing into `venv`. The environment is
    /// cleared and rebuilt from scratch: PATH, HOME, XDG_*, SECPIP_DATA_DIR,
    /// SECPIP_CONFIG, SECPIP_PYTHON, NO_COLOR, SECPIP_CI. Callers add more
    /// (e.g. `SECPIP_LEASE_SECS`) with `.env()`.
    pub fn secpip_with_venv(&self, venv: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_secpip"));
        cmd.args(args)
            .current_dir(self.root())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("XDG_DATA_HOME", &self.xdg_data_home)
            .env("XDG_CONFIG_HOME", &self.xdg_config_home)
            .env("XDG_CACHE_HOME", &self.xdg_cache_home)
            .env("SECPIP_DATA_DIR", &self.data_dir)
            .env("SECPIP_CONFIG", &self.config_path)
            .env("SECPIP_PYTHON", venv.join("bin").join("python"))
            .env("NO_COLOR", "1")
            .env("SECPIP_CI", "1");
        cmd
    }

    /// `<venv>/bin/python` with the same clean environment as secpip gets.
    pub fn python(&self, venv: &Path) -> Command {
        let mut cmd = Command::new(venv.join("bin").join("python"));
        cmd.current_dir(self.root())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("XDG_CACHE_HOME", &self.xdg_cache_home)
            .env("NO_COLOR", "1");
        cmd
    }

    /// Whether `name` is installed in the context's venv (`pip show`).
    pub fn venv_has(&self, name: &str) -> bool {
        self.venv_has_in(&self.venv, name)
    }

    /// Whether `name` is installed in `venv` (`pip show`).
    #[track_caller]
    pub fn venv_has_in(&self, venv: &Path, name: &str) -> bool {
        let ran =
            run(self
                .python(venv)
                .args(["-m", "pip", "show", "--disable-pip-version-check", name]));
        match ran.status.code() {
            Some(0) => true,
            Some(1) => false,
            _ => panic!("pip show {name} failed unexpectedly\n{}", ran.describe()),
        }
    }

    /// `import module; print(module.VALUE)` in `venv`; the fixture modules
    /// define `VALUE = "<name> <version>"`.
    pub fn import_value(&self, venv: &Path, module: &str) -> Result<String, Ran> {
        let ran = run(self
            .python(venv)
            .args(["-c", &format!("import {module}; print({module}.VALUE)")]));
        if ran.status.success() {
            Ok(ran.stdout.trim().to_string())
        } else {
            Err(ran)
        }
    }

    /// `secpip status --json`, parsed; panics (with the output) if it fails.
    #[track_caller]
    pub fn status_json(&self) -> Value {
        let ran = run(&mut self.secpip(&["status", "--json"]));
        assert!(
            ran.status.success(),
            "secpip status --json failed\n{}",
            ran.describe()
        );
        serde_json::from_str(&ran.stdout).unwrap_or_else(|e| {
            panic!(
                "secpip status --json printed invalid JSON ({e})\n{}",
                ran.describe()
            )
        })
    }

    /// The status row of `name@version`, if any.
    #[track_caller]
    pub fn row(&self, name: &str, version: &str) -> Option<Value> {
        let key = format!("pypi:{}@{version}", normalize(name));
        let status = self.status_json();
        let rows = status
            .as_array()
            .unwrap_or_else(|| panic!("secpip status --json is not an array: {status}"));
        rows.iter().find(|row| row["key"] == key.as_str()).cloned()
    }

    /// Like [`TestContext::row`], but panics with the whole table when the
    /// row is missing.
    #[track_caller]
    pub fn expect_row(&self, name: &str, version: &str) -> Value {
        self.row(name, version).unwrap_or_else(|| {
            panic!(
                "no status row for pypi:{}@{version}; secpip status --json:\n{:#}",
                normalize(name),
                self.status_json()
            )
        })
    }
}

/// A finished command, with its output as text and a label for messages.
#[derive(Debug)]
pub struct Ran {
    pub label: String,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Everything a failure message needs.
    pub fn describe(&self) -> String {
        format!(
            "$ {}\n{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.label, self.status, self.stdout, self.stderr
        )
    }

    /// Panics (showing the output) unless the exit code is `code`.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Ran {
        assert_eq!(
            self.code(),
            Some(code),
            "expected exit code {code}\n{}",
            self.describe()
        );
        self
    }
}

/// A spawned command whose stdout/stderr go to files (so a killed parent's
/// children cannot hold a pipe open).
pub struct Running {
    label: String,
    child: Child,
    _out_dir: TempDir,
    stdout_path: PathBuf,
    stderr_path: PathBuf,
}

impl Running {
    pub fn spawn(cmd: &mut Command) -> Running {
        let label = label_of(cmd);
        let out_dir = tempfile::tempdir().expect("temp dir for command output");
        let stdout_path = out_dir.path().join("stdout");
        let stderr_path = out_dir.path().join("stderr");
        let child = cmd
            .stdin(Stdio::null())
            .stdout(File::create(&stdout_path).expect("create stdout file"))
            .stderr(File::create(&stderr_path).expect("create stderr file"))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{label}`: {e}"));
        Running {
            label,
            child,
            _out_dir: out_dir,
            stdout_path,
            stderr_path,
        }
    }

    /// The child's process id (to send it a signal).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The exit status, if the process has ended.
    pub fn try_status(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("poll a child process")
    }

    /// What the process has printed so far.
    pub fn output_so_far(&self) -> String {
        format!(
            "$ {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.label,
            std::fs::read_to_string(&self.stdout_path).unwrap_or_default(),
            std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
        )
    }

    /// Waits for the exit; past `timeout` the process is killed and the test
    /// fails, showing what it printed.
    #[track_caller]
    pub fn wait(mut self, timeout: Duration) -> Ran {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.try_status() {
                return self.finish(status);
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let status = self.child.wait().expect("reap a killed child");
                let ran = self.finish(status);
                panic!(
                    "still running after {timeout:?}; killed\n{}",
                    ran.describe()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL, then reap.
    pub fn kill(mut self) -> Ran {
        self.child.kill().expect("kill a child process");
        let status = self.child.wait().expect("reap a killed child");
        self.finish(status)
    }

    fn finish(self, status: ExitStatus) -> Ran {
        Ran {
            label: self.label,
            status,
            stdout: std::fs::read_to_string(&self.stdout_path).unwrap_or_default(),
            stderr: std::fs::read_to_string(&self.stderr_path).unwrap_or_default(),
        }
    }
}

/// Runs `cmd` to completion (at most [`RUN_TIMEOUT`]).
pub fn run(cmd: &mut Command) -> Ran {
    Running::spawn(cmd).wait(RUN_TIMEOUT)
}

fn label_of(cmd: &Command) -> String {
    let program = Path::new(cmd.get_program())
        .file_name()
        .unwrap_or_else(|| OsStr::new("?"))
        .to_string_lossy()
        .into_owned();
    std::iter::once(program)
        .chain(cmd.get_args().map(|a| format!("{:?}", a.to_string_lossy())))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The parent environment without the pip settings this machine sets
/// globally, for commands that need the rest of it (creating a venv).
fn without_pip_env(cmd: &mut Command) -> &mut Command {
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("PIP_") {
            cmd.env_remove(key);
        }
    }
    cmd
}

/// A venv with pip, made once per Python and reused by every test (and
/// every later run): `<cargo target tmp>/venv-template-<hash of python>`.
fn venv_template() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let probe = run(without_pip_env(Command::new("python3").args([
            "-c",
            "import sys; print(sys.version); print(sys.executable)",
        ])));
        assert!(
            probe.status.success(),
            "python3 is needed\n{}",
            probe.describe()
        );
        let id = &hex::encode(Sha256::digest(probe.stdout.as_bytes()))[..12];
        let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let template = base.join(format!("venv-template-{id}"));
        if template.join("bin").join("python").exists() {
            return template;
        }
        let staging = base.join(format!("venv-template-{id}.{}.partial", std::process::id()));
        let _ = std::fs::remove_dir_all(&staging);
        let made = run(without_pip_env(
            Command::new("python3").arg("-m").arg("venv").arg(&staging),
        ));
        assert!(
            made.status.success(),
            "cannot create the template venv\n{}",
            made.describe()
        );
        // Another test binary may have won the race; either copy is fine.
        if std::fs::rename(&staging, &template).is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        assert!(
            template.join("bin").join("python").exists(),
            "template venv missing at {}",
            template.display()
        );
        template
    })
}

/// Copies a venv and points its scripts and `pyvenv.cfg` at the new place,
/// so `bin/pip` of the copy installs into the copy.
fn copy_venv(template: &Path, dest: &Path) {
    let copied = run(Command::new("cp").arg("-a").arg(template).arg(dest));
    assert!(
        copied.status.success(),
        "cannot copy the template venv\n{}",
        copied.describe()
    );
    let from = template.to_string_lossy().into_owned();
    let to = dest.to_string_lossy().into_owned();
    let bin = dest.join("bin");
    let entries = std::fs::read_dir(&bin).unwrap_or_else(|e| panic!("read {}: {e}", bin.display()));
    let files = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .chain(std::iter::once(dest.join("pyvenv.cfg")));
    for path in files {
        if path.is_symlink() || !path.is_file() {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(&path) {
            if text.contains(&from) {
                std::fs::write(&path, text.replace(&from, &to))
                    .unwrap_or_else(|e| panic!("rewrite {}: {e}", path.display()));
            }
        }
    }
}
