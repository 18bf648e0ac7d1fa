//! Real team package servers for the team-repository tests: pypiserver (the
//! PyPI upload API twine speaks) and verdaccio (the npm publish protocol).
//!
//! A stand-in server would only test our reading of the protocol against
//! our own reading of it; these are the servers teams actually run. They are
//! installed once per machine, pinned, into `<cargo target dir>/test-servers/`
//! (a pip venv and an npm folder), under a lock directory so that parallel
//! test binaries install once. The installs use the machine's ordinary pip
//! and npm configuration (that is how the package registry is reached);
//! the servers themselves run with a cleared environment (no `PIP_*`,
//! `npm_config_*`, proxy or `NODE_*` variable), each on `127.0.0.1` with a
//! free port and its own storage and config in a temp dir, and are killed
//! by PID when dropped. Neither ever proxies anywhere: pypiserver runs with
//! `--disable-fallback`, verdaccio with no uplinks.
#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use base64::Engine;
use sha1::{Digest, Sha1};
use tempfile::TempDir;

use super::run;

/// pypiserver and the packages it needs, pinned (passlib reads the htpasswd
/// file; the others are pypiserver's own dependencies).
pub const PYPISERVER_PINS: &[&str] = &[
    "pypiserver==2.4.2",
    "passlib==1.7.4",
    "packaging==26.3",
    "defusedxml==0.7.1",
    "importlib_resources==7.1.0",
];
/// The verdaccio version installed.
pub const VERDACCIO_VERSION: &str = "6.8.0";
/// How long an install may take before the test gives up.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(540);
/// How long a server may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Where pinned servers are installed: `<target>/test-servers`.
pub fn cache_root() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("test-servers")
}

/// Holds `<dir>.lock` (a directory, created atomically) until dropped. A
/// lock left by a dead process (its PID is recorded inside) is broken.
struct InstallLock(PathBuf);

impl InstallLock {
    fn acquire(dir: &Path) -> InstallLock {
        let lock = PathBuf::from(format!("{}.lock", dir.display()));
        let deadline = Instant::now() + INSTALL_TIMEOUT;
        loop {
            std::fs::create_dir_all(lock.parent().expect("lock has a parent"))
                .expect("create the test-server cache dir");
            if std::fs::create_dir(&lock).is_ok() {
                std::fs::write(lock.join("pid"), std::process::id().to_string())
                    .expect("write the install lock's pid");
                return InstallLock(lock);
            }
            let holder = std::fs::read_to_string(lock.join("pid")).unwrap_or_default();
            let dead = holder
                .trim()
                .parse::<u32>()
                .is_ok_and(|pid| !Path::new(&format!("/proc/{pid}")).exists());
            if dead {
                let _ = std::fs::remove_dir_all(&lock);
                continue;
            }
            assert!(
                Instant::now() < deadline,
                "{} is still held after {INSTALL_TIMEOUT:?}",
                lock.display()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for InstallLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Installs into `dir` once: under the lock, `install(dir)` fills a fresh
/// `dir` in place (a venv cannot be moved) and `dir/.installed` is written
/// last, so a half-finished install is redone, never used. Returns `dir`.
pub fn install_once(dir: PathBuf, install: impl FnOnce(&Path)) -> PathBuf {
    if dir.join(".installed").exists() {
        return dir;
    }
    let _lock = InstallLock::acquire(&dir);
    if dir.join(".installed").exists() {
        return dir;
    }
    let started = Instant::now();
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the server install dir");
    install(&dir);
    std::fs::write(dir.join(".installed"), "").expect("mark the install complete");
    eprintln!(
        "installed {} in {:.1}s",
        dir.display(),
        started.elapsed().as_secs_f64()
    );
    dir
}

/// A venv with pypiserver, per Python (a venv breaks when its Python
/// goes): `<cache>/pypiserver-<version>-py<hash of python3>`.
fn pypiserver_home() -> &'static Path {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let probe = run(Command::new("python3").args([
            "-c",
            "import sys; print(sys.version); print(sys.executable)",
        ]));
        assert!(
            probe.status.success(),
            "python3 is needed\n{}",
            probe.describe()
        );
        let python = &hex::encode(Sha1::digest(probe.stdout.as_bytes()))[..10];
        let dir = cache_root().join(format!("pypiserver-2.4.2-py{python}"));
        install_once(dir, |dir| pip_venv(dir, PYPISERVER_PINS, "pypiserver"))
    })
}

/// An npm folder with verdaccio (`<cache>/verdaccio-<version>`).
fn verdaccio_home() -> &'static Path {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let dir = cache_root().join(format!("verdaccio-{VERDACCIO_VERSION}"));
        install_once(dir, |dir| {
            npm_folder(
                dir,
                serde_json::json!({
                    "name": "secpip-test-verdaccio",
                    "private": true,
                    "dependencies": { "verdaccio": VERDACCIO_VERSION },
                    "overrides": { "node-fetch": "2.7.0" },
                }),
                "verdaccio",
            )
        })
    })
}

/// Makes `<dir>/venv` and pip-installs `pins` into it (wheels only, the
/// machine's index, no `PIP_FIND_LINKS`/`PIP_NO_INDEX`); `what` names it
/// in the failure message.
pub fn pip_venv(dir: &Path, pins: &[&str], what: &str) {
    let venv = dir.join("venv");
    let made = run(Command::new("python3").arg("-m").arg("venv").arg(&venv));
    assert!(
        made.status.success(),
        "python3 -m venv\n{}",
        made.describe()
    );
    let mut pip = Command::new(venv.join("bin").join("python"));
    pip.args(["-m", "pip", "install", "--no-input", "--only-binary=:all:"])
        .args(["--disable-pip-version-check", "--no-cache-dir"])
        .args(pins)
        .env_remove("PIP_FIND_LINKS")
        .env_remove("PIP_NO_INDEX");
    let installed = super::Running::spawn(&mut pip).wait(INSTALL_TIMEOUT);
    assert!(
        installed.status.success(),
        "installing {what}\n{}",
        installed.describe()
    );
}

/// Writes `package` as `<dir>/package.json` and runs `npm install` there
/// (no scripts, no audit); `what` names it in the failure message.
pub fn npm_folder(dir: &Path, package: serde_json::Value, what: &str) {
    std::fs::write(dir.join("package.json"), package.to_string())
        .unwrap_or_else(|e| panic!("write the {what} package.json: {e}"));
    let mut npm = Command::new("npm");
    npm.args(["install", "--no-audit", "--no-fund", "--ignore-scripts"])
        .args(["--no-update-notifier", "--loglevel=error"])
        .current_dir(dir);
    let installed = super::Running::spawn(&mut npm).wait(INSTALL_TIMEOUT);
    assert!(
        installed.status.success(),
        "installing {what}\n{}",
        installed.describe()
    );
}

/// A free port on `127.0.0.1` (free when asked; the server binds it next).
pub(super) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("find a free loopback port")
}

/// A server process we started, killed (by its PID) when dropped.
pub(super) struct Server {
    child: Child,
    log: PathBuf,
    name: &'static str,
}

impl Server {
    /// Spawns `cmd` with a cleared environment (PATH and HOME only) and its
    /// output in `dir/server.log`, then waits for `port` to accept.
    pub(super) fn start(name: &'static str, cmd: &mut Command, dir: &Path, port: u16) -> Server {
        let log = dir.join("server.log");
        let out = std::fs::File::create(&log).expect("create the server log");
        let err = out.try_clone().expect("clone the server log handle");
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let mut server = Server { child, log, name };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("{name} exited ({status}) before serving\n{}", server.log());
            }
            assert!(
                Instant::now() < deadline,
                "{name} did not listen on {addr} within {START_TIMEOUT:?}\n{}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// What the server printed so far.
    pub(super) fn log(&self) -> String {
        format!(
            "--- {} log ---\n{}",
            self.name,
            std::fs::read_to_string(&self.log).unwrap_or_default()
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running pypiserver with upload authentication (`-a update`) for one
/// user; listing and downloads are open, as on most team servers.
pub struct PypiServer {
    server: Server,
    port: u16,
    /// The user allowed to upload.
    pub username: String,
    /// Its password (a throwaway, per server).
    pub password: String,
    /// Where uploaded files are stored.
    pub packages: PathBuf,
    _dir: TempDir,
}

impl PypiServer {
    /// Installs pypiserver if needed and starts it, uploads allowed for
    /// `secpip-ci`.
    pub fn start() -> PypiServer {
        PypiServer::start_as("secpip-ci")
    }

    /// Like [`PypiServer::start`], uploads allowed for `username` (e.g.
    /// `aws`, the user CodeArtifact expects with its token).
    pub fn start_as(username: &str) -> PypiServer {
        let home = pypiserver_home();
        let dir = tempfile::Builder::new()
            .prefix("secpip-pypiserver-")
            .tempdir()
            .expect("temp dir for pypiserver");
        let packages = dir.path().join("packages");
        std::fs::create_dir_all(&packages).expect("create pypiserver's package dir");
        let username = username.to_string();
        let password = format!("pw-{:016x}", rand::random::<u64>());
        // `{SHA}` entries are one of the htpasswd schemes passlib reads.
        let digest = base64::engine::general_purpose::STANDARD.encode(Sha1::digest(&password));
        let htpasswd = dir.path().join("htpasswd");
        std::fs::write(&htpasswd, format!("{username}:{{SHA}}{digest}\n"))
            .expect("write pypiserver's htpasswd");
        let port = free_port();
        let mut cmd = Command::new(home.join("venv").join("bin").join("pypi-server"));
        cmd.arg("run")
            .args(["-i", "127.0.0.1", "-p", &port.to_string()])
            .arg("-P")
            .arg(&htpasswd)
            .args([
                "-a",
                "update",
                "--disable-fallback",
                "--hash-algo",
                "sha256",
            ])
            .arg(&packages);
        let server = Server::start("pypiserver", &mut cmd, dir.path(), port);
        PypiServer {
            server,
            port,
            username,
            password,
            packages,
            _dir: dir,
        }
    }

    /// The upload URL twine would use: `http://127.0.0.1:<port>/`.
    pub fn upload_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// The simple index pip installs from.
    pub fn index_url(&self) -> String {
        format!("http://127.0.0.1:{}/simple/", self.port)
    }

    /// The server's log so far (for failure messages).
    pub fn log(&self) -> String {
        self.server.log()
    }
}

/// A running verdaccio: no uplinks, `publish`/`unpublish` for any
/// authenticated user, users created on first login.
pub struct Verdaccio {
    server: Server,
    port: u16,
    _dir: TempDir,
}

impl Verdaccio {
    /// Installs verdaccio if needed and starts it.
    pub fn start() -> Verdaccio {
        let home = verdaccio_home();
        let dir = tempfile::Builder::new()
            .prefix("secpip-verdaccio-")
            .tempdir()
            .expect("temp dir for verdaccio");
        let storage = dir.path().join("storage");
        std::fs::create_dir_all(&storage).expect("create verdaccio's storage");
        let rules =
            "    access: $all\n    publish: $authenticated\n    unpublish: $authenticated\n";
        let config = format!(
            "storage: {storage}\n\
             auth:\n  htpasswd:\n    file: {htpasswd}\n    max_users: 100\n\
             uplinks: {{}}\n\
             packages:\n  '@*/*':\n{rules}  '**':\n{rules}\
             max_body_size: 64mb\n\
             web:\n  enable: false\n\
             log: {{ type: stdout, format: pretty, level: warn }}\n",
            storage = storage.display(),
            htpasswd = dir.path().join("htpasswd").display(),
        );
        let config_path = dir.path().join("config.yaml");
        std::fs::write(&config_path, config).expect("write verdaccio's config");
        let port = free_port();
        let mut cmd = Command::new("node");
        cmd.arg(home.join("node_modules/verdaccio/bin/verdaccio"))
            .arg("--config")
            .arg(&config_path)
            .args(["--listen", &format!("127.0.0.1:{port}")]);
        let server = Server::start("verdaccio", &mut cmd, dir.path(), port);
        Verdaccio {
            server,
            port,
            _dir: dir,
        }
    }

    /// `http://127.0.0.1:<port>/`
    pub fn registry_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// The server's log so far (for failure messages).
    pub fn log(&self) -> String {
        self.server.log()
    }
}
