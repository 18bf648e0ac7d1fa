//! A running `secpip serve` for integration tests: the real binary as a
//! child process on a free loopback port, stopped by PID when dropped, plus
//! small helpers to call it.
#![allow(dead_code)]

use super::upstream::{wheel_filename, FixturePackage, Upstream};
use super::TestContext;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `secpip serve`; killed on drop.
pub struct Server {
    child: Child,
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    stderr: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    pub fn start(ctx: &TestContext, args: &[&str], env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let stderr = dir.path().join("stderr");
        let mut all = vec!["serve", "--bind", "127.0.0.1:0"];
        all.extend_from_slice(args);
        let mut cmd = ctx.secpip(&all);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .env("SECPIP_LOG", "secpip=info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("start secpip serve");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let url = first.trim().to_string();
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "first stdout line {url:?}\n{}",
            std::fs::read_to_string(&stderr).unwrap_or_default()
        );
        Server {
            child,
            url,
            stderr,
            _dir: dir,
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    pub fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> (u16, String) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let client = reqwest::Client::new();
            let mut req = client.request(method.parse().unwrap(), format!("{}{path}", self.url));
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            if let Some(b) = body {
                req = req.header("content-type", "application/json").body(b);
            }
            let resp = req
                .send()
                .await
                .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
            let status = resp.status().as_u16();
            (status, resp.text().await.unwrap_or_default())
        })
    }

    pub fn get(&self, path: &str) -> (u16, Value) {
        self.json("GET", path, None, None)
    }

    pub fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        self.json("POST", path, token, Some(body))
    }

    pub fn json(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let auth = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<_> = auth.iter().map(|a| ("authorization", a.as_str())).collect();
        let (s, text) = self.call(
            method,
            path,
            &headers,
            body.map(|b| b.to_string().into_bytes()),
        );
        (
            s,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// SIGTERM, then the exit code (the test fails if it takes over `limit`).
    pub fn terminate(mut self, limit: Duration) -> (i32, Duration) {
        let started = Instant::now();
        let ok = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(ok.success());
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status.code().unwrap_or(-1), started.elapsed());
            }
            assert!(
                started.elapsed() < limit,
                "still running after SIGTERM\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn fixtures() -> Upstream {
    Upstream::start(vec![
        FixturePackage::healthy("alpha-widget", "2.1.0", &[]),
        FixturePackage::healthy("reqeusts", "2.31.0", &[]),
    ])
}

pub fn scan_body(upstream: &Upstream, name: &str, version: &str) -> Value {
    let filename = wheel_filename(name, version);
    json!({"packages": [{
        "ecosystem": "pypi", "name": name, "version": version,
        "artifacts": [{
            "url": format!("{}/files/{filename}", upstream.url()),
            "filename": filename,
            "sha256": upstream.sha256_of(&filename).unwrap(),
        }],
    }]})
}

/// The values of `keys` in `v`, as one JSON array (for one-line asserts).
pub fn pick(v: &Value, keys: &[&str]) -> Value {
    Value::Array(keys.iter().map(|k| v[*k].clone()).collect())
}

pub fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in\n{text}"))
}
