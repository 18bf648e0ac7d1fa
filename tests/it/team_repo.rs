//! The team secure repository against real servers: files published through
//! `UploadRepo` to a real pypiserver and a real verdaccio, then installed by
//! real pip and npm from those servers only.
//!
//! Both servers are installed once per machine (see `common::team_servers`);
//! each test starts its own on a free loopback port, so tests run in
//! parallel and never see each other's packages.

use std::time::Duration;

use crate::common::artifacts::{block, npm_tarball, sdist, sha256, wheel};
use crate::common::npm_upstream::NpmProject;
use crate::common::team_servers::{PypiServer, Verdaccio};
use crate::common::upstream::Upstream;
use crate::common::{run, TestContext};
use secpip::ecosystem::{Ecosystem, PackageId};
use secpip::repo::upload::{npm_login, UploadConfig, UploadError, UploadRepo};
use secpip::repo::SecureRepo;
use serde_json::Value;

fn client() -> reqwest::Client {
    secpip::http::client(Duration::from_secs(30))
}

fn pypi_repo(server: &PypiServer, password: Option<&str>) -> UploadRepo {
    UploadRepo::new(
        UploadConfig {
            pypi_upload_url: Some(server.upload_url()),
            pypi_index_url: Some(server.index_url()),
            username: password.map(|_| server.username.clone()),
            password: password.map(str::to_string),
            ..UploadConfig::default()
        },
        client(),
    )
}

fn npm_repo(server: &Verdaccio, token: &str) -> UploadRepo {
    UploadRepo::new(
        UploadConfig {
            npm_registry_url: Some(server.registry_url()),
            token: Some(token.to_string()),
            ..UploadConfig::default()
        },
        client(),
    )
}

/// The `#sha256=` of `filename` on the server's simple page of `project`.
fn index_sha256(server: &PypiServer, project: &str, filename: &str) -> Option<String> {
    let page = block(async {
        client()
            .get(format!("{}{project}/", server.index_url()))
            .send()
            .await
            .expect("GET the simple page")
            .text()
            .await
            .expect("read the simple page")
    });
    let marker = format!("{filename}#sha256=");
    let at = page.find(&marker)? + marker.len();
    Some(
        page[at..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect(),
    )
}

#[test]
fn pypi_publish_is_installable_idempotent_and_refuses_other_bytes() {
    let server = PypiServer::start();
    let repo = pypi_repo(&server, Some(&server.password.clone()));
    let id = PackageId::new(Ecosystem::Pypi, "team-widget", "1.0.0");
    let (file, bytes) = wheel("team_widget", "1.0.0", "");
    let digest = sha256(&bytes);
    block(repo.publish(&id, &file, &bytes, &digest))
        .unwrap_or_else(|e| panic!("publish failed: {e}\n{}", server.log()));
    assert_eq!(
        index_sha256(&server, "team-widget", &file).as_deref(),
        Some(digest.as_str()),
        "the index should list {file} with the published sha256"
    );

    // pip installs it from the team server only, in a throwaway venv.
    let ctx = TestContext::new(&Upstream::start(Vec::new()));
    let venv = ctx.new_venv("pip-from-team");
    let index = repo.pip_index_url().expect("an index URL");
    let pip = run(ctx.python(&venv).args([
        "-m",
        "pip",
        "install",
        "--isolated",
        "--no-cache-dir",
        "--disable-pip-version-check",
        "--index-url",
        &index,
        "team-widget==1.0.0",
    ]));
    assert!(pip.status.success(), "pip install\n{}", pip.describe());
    assert_eq!(
        ctx.import_value(&venv, "team_widget")
            .map_err(|r| r.describe()),
        Ok("team_widget 1.0.0".to_string())
    );

    // The same file again is fine (the server says 409; the digest matches).
    block(repo.publish(&id, &file, &bytes, &digest)).expect("re-publishing the same file");

    // Other bytes under the same file name are refused, and the server keeps
    // the vetted copy.
    let (_, tampered) = wheel("team_widget", "1.0.0", " tampered");
    let err = block(repo.publish_pypi(&id, &file, &tampered, &sha256(&tampered)))
        .expect_err("different bytes under an existing file name must fail");
    assert!(
        matches!(&err, UploadError::Conflict { existing, .. } if existing.contains(&digest)),
        "{err}"
    );
    assert_eq!(
        index_sha256(&server, "team-widget", &file).as_deref(),
        Some(digest.as_str())
    );
}

#[test]
fn pypi_sdist_and_remove() {
    let server = PypiServer::start();
    let repo = pypi_repo(&server, Some(&server.password.clone()));
    let (wheel_file, wheel_bytes) = wheel("team_gadget", "2.0.0", "");
    let (sdist_file, sdist_bytes) = sdist("team_gadget", "1.0.0");
    let v1 = PackageId::new(Ecosystem::Pypi, "team-gadget", "1.0.0");
    let v2 = PackageId::new(Ecosystem::Pypi, "Team_Gadget", "2.0.0");
    block(repo.publish(&v1, &sdist_file, &sdist_bytes, &sha256(&sdist_bytes)))
        .unwrap_or_else(|e| panic!("publish the sdist: {e}\n{}", server.log()));
    block(repo.publish(&v2, &wheel_file, &wheel_bytes, &sha256(&wheel_bytes)))
        .expect("publish the wheel");
    assert!(index_sha256(&server, "team-gadget", &sdist_file).is_some());

    // A file whose metadata names another package is never published.
    let wrong = PackageId::new(Ecosystem::Pypi, "team-gadget", "3.0.0");
    let err = block(repo.publish_pypi(&wrong, &wheel_file, &wheel_bytes, &sha256(&wheel_bytes)))
        .expect_err("metadata of another version");
    assert!(matches!(err, UploadError::BadArtifact { .. }), "{err}");

    // pypiserver implements remove_pkg: one version goes, the other stays.
    let removed =
        block(repo.remove(Ecosystem::Pypi, "team-gadget", Some("1.0.0"))).expect("remove 1.0.0");
    assert_eq!(removed, 1);
    assert_eq!(index_sha256(&server, "team-gadget", &sdist_file), None);
    assert!(index_sha256(&server, "team-gadget", &wheel_file).is_some());
    assert!(!server.packages.join(&sdist_file).exists());
}

#[test]
fn pypi_bad_credentials_and_dead_server_are_clear_errors() {
    let server = PypiServer::start();
    let (file, bytes) = wheel("team_secret", "1.0.0", "");
    let id = PackageId::new(Ecosystem::Pypi, "team-secret", "1.0.0");
    let digest = sha256(&bytes);

    // pypiserver answers 401 without credentials and 403 for a wrong password.
    let anonymous = block(pypi_repo(&server, None).publish_pypi(&id, &file, &bytes, &digest))
        .expect_err("an anonymous upload must fail");
    assert!(
        matches!(anonymous, UploadError::Unauthorized { .. }),
        "{anonymous}"
    );
    let wrong = "not-the-password-7f3a";
    let err = block(pypi_repo(&server, Some(wrong)).publish(&id, &file, &bytes, &digest))
        .expect_err("a wrong password must fail");
    let text = err.to_string();
    assert!(text.contains("check [repo] credentials"), "{text}");
    assert!(
        text.contains("403") && text.contains(&server.upload_url()),
        "{text}"
    );
    assert!(!text.contains(wrong), "the password leaked: {text}");
    assert_eq!(index_sha256(&server, "team-secret", &file), None);

    // Nothing listening: the error names the URL and asks whether it runs.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a port")
        .port();
    let dead = UploadRepo::new(
        UploadConfig {
            pypi_upload_url: Some(format!("http://127.0.0.1:{port}/")),
            ..UploadConfig::default()
        },
        client(),
    );
    let err = block(dead.publish_pypi(&id, &file, &bytes, &digest)).expect_err("no server");
    assert!(matches!(err, UploadError::Connect { .. }), "{err}");
    assert!(err.to_string().contains("is the server running"), "{err}");
}

/// The packument as verdaccio serves it.
fn packument(server: &Verdaccio, name: &str) -> Value {
    block(async {
        client()
            .get(format!(
                "{}{}",
                server.registry_url(),
                name.replace('/', "%2f")
            ))
            .send()
            .await
            .expect("GET the packument")
            .json()
            .await
            .expect("packument JSON")
    })
}

fn login(server: &Verdaccio) -> String {
    let password = format!("pw-{:016x}", rand::random::<u64>());
    block(npm_login(
        &client(),
        &server.registry_url(),
        "secpip-ci",
        &password,
    ))
    .unwrap_or_else(|e| panic!("npm login: {e}\n{}", server.log()))
}

#[test]
fn npm_publish_is_installable_idempotent_and_refuses_other_bytes() {
    let server = Verdaccio::start();
    let repo = npm_repo(&server, &login(&server));
    for name in ["team-lib", "@team/scoped-lib"] {
        let id = PackageId::new(Ecosystem::Npm, name, "1.0.0");
        let bytes = npm_tarball(name, "1.0.0", "");
        let file = format!("{}-1.0.0.tgz", name.rsplit('/').next().unwrap_or(name));
        block(repo.publish(&id, &file, &bytes, &sha256(&bytes)))
            .unwrap_or_else(|e| panic!("publish {name}: {e}\n{}", server.log()));
        block(repo.publish(&id, &file, &bytes, &sha256(&bytes)))
            .unwrap_or_else(|e| panic!("re-publish {name}: {e}"));
        let tampered = npm_tarball(name, "1.0.0", " tampered");
        let err = block(repo.publish_npm(&id, &file, &tampered, &sha256(&tampered)))
            .expect_err("other bytes for a published version must fail");
        assert!(matches!(err, UploadError::Conflict { .. }), "{err}");
    }
    let doc = packument(&server, "@team/scoped-lib");
    assert_eq!(doc["dist-tags"]["latest"], "1.0.0", "{doc:#}");

    let registry = repo.npm_registry_url().expect("a registry URL");
    let project = NpmProject::new(
        &registry,
        &[("team-lib", "^1.0.0"), ("@team/scoped-lib", "1.0.0")],
    );
    let ran = run(&mut project.npm(&["install", "--no-save"]));
    assert!(
        ran.status.success(),
        "npm install\n{}\n{}",
        ran.describe(),
        server.log()
    );
    let printed = run(&mut project.node(&[
        "-e",
        "console.log(require('team-lib') + '|' + require('@team/scoped-lib'))",
    ]));
    assert_eq!(
        printed.stdout.trim(),
        "team-lib 1.0.0|@team/scoped-lib 1.0.0",
        "{}",
        printed.describe()
    );
}

#[test]
fn npm_older_version_keeps_latest_and_remove_unpublishes() {
    let server = Verdaccio::start();
    let repo = npm_repo(&server, &login(&server));
    for version in ["2.0.0", "1.0.0", "2.1.0-beta.1"] {
        let id = PackageId::new(Ecosystem::Npm, "team-tags", version);
        let bytes = npm_tarball("team-tags", version, "");
        block(repo.publish(
            &id,
            &format!("team-tags-{version}.tgz"),
            &bytes,
            &sha256(&bytes),
        ))
        .unwrap_or_else(|e| panic!("publish {version}: {e}\n{}", server.log()));
    }
    let doc = packument(&server, "team-tags");
    assert_eq!(doc["dist-tags"]["latest"], "2.0.0", "{doc:#}");

    let project = NpmProject::new(&server.registry_url(), &[("team-tags", "latest")]);
    let ran = run(&mut project.npm(&["install", "--no-save"]));
    assert!(ran.status.success(), "npm install\n{}", ran.describe());
    assert_eq!(
        project.installed_version("team-tags").as_deref(),
        Some("2.0.0")
    );

    // One version goes (tarball too); removing the rest empties the package.
    let removed = block(repo.remove(Ecosystem::Npm, "team-tags", Some("1.0.0")))
        .unwrap_or_else(|e| panic!("remove 1.0.0: {e}\n{}", server.log()));
    assert_eq!(removed, 1);
    let doc = packument(&server, "team-tags");
    assert!(doc["versions"].get("1.0.0").is_none(), "{doc:#}");
    assert_eq!(doc["dist-tags"]["latest"], "2.0.0", "{doc:#}");
    let tarball = block(async {
        client()
            .get(format!(
                "{}team-tags/-/team-tags-1.0.0.tgz",
                server.registry_url()
            ))
            .send()
            .await
            .expect("GET the removed tarball")
            .status()
    });
    assert_eq!(tarball.as_u16(), 404);
    let removed = block(repo.remove(Ecosystem::Npm, "team-tags", None)).expect("remove all");
    assert_eq!(removed, 2);
    assert_eq!(
        packument(&server, "team-tags")["error"],
        "no such package available"
    );
}

#[test]
fn npm_bad_token_and_password_are_clear_errors() {
    let server = Verdaccio::start();
    let _ = login(&server);
    let bytes = npm_tarball("team-locked", "1.0.0", "");
    let id = PackageId::new(Ecosystem::Npm, "team-locked", "1.0.0");
    let bogus = "bm90LWEtcmVhbC10b2tlbg==";
    let err = block(npm_repo(&server, bogus).publish_npm(
        &id,
        "team-locked-1.0.0.tgz",
        &bytes,
        &sha256(&bytes),
    ))
    .expect_err("a bogus token must fail");
    let text = err.to_string();
    assert!(matches!(err, UploadError::Unauthorized { .. }), "{text}");
    assert!(
        text.contains("check [repo] credentials") && !text.contains(bogus),
        "{text}"
    );
    let err = block(npm_login(
        &client(),
        &server.registry_url(),
        "secpip-ci",
        "wrong-password",
    ))
    .expect_err("a wrong password must fail");
    assert!(matches!(err, UploadError::Unauthorized { .. }), "{err}");
    assert!(!err.to_string().contains("wrong-password"));
    assert_eq!(
        packument(&server, "team-locked")["error"],
        "no such package available"
    );
}
