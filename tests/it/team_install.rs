//! The whole install flow with a team secure repository instead of the
//! local folder: vetted files are uploaded to a real pypiserver / verdaccio
//! (started by the test setup), and pip / npm install from there.

use crate::common::npm_upstream::{NpmPackage, NpmProject, NpmUpstream};
use crate::common::team_servers::{PypiServer, Verdaccio};
use crate::common::upstream::{wheel_filename, FixturePackage, Upstream};
use crate::common::TestContext;

#[test]
fn pip_installs_from_pypiserver_after_secpip_uploads_the_vetted_files() {
    let upstream = Upstream::start(vec![
        FixturePackage::healthy("alpha-widget", "2.1.0", &["beta-gadget>=1"]),
        FixturePackage::healthy("beta-gadget", "1.3.0", &[]),
    ]);
    let server = PypiServer::start();
    let ctx = TestContext::new(&upstream);
    ctx.append_config(&format!(
        "\n[repo]\npypi_upload_url = \"{}\"\npypi_index_url = \"{}\"\nusername = \"{}\"\n",
        server.upload_url(),
        server.index_url(),
        server.username
    ));
    let ran = crate::common::run(
        ctx.secpip(&["install", "alpha-widget"])
            .env("SECPIP_REPO_PASSWORD", &server.password),
    );
    ran.assert_code(0);
    assert!(
        ran.stderr.contains(&server.index_url()) || ran.stdout.contains(&server.index_url()),
        "pip did not use pypiserver:\n{}",
        ran.describe()
    );
    assert!(ctx.venv_has("alpha-widget") && ctx.venv_has("beta-gadget"));
    for (name, version) in [("alpha-widget", "2.1.0"), ("beta-gadget", "1.3.0")] {
        let file = server.packages.join(wheel_filename(name, version));
        assert!(
            file.is_file(),
            "{} was not uploaded\n{}",
            file.display(),
            server.log()
        );
        assert!(
            !ctx.data_dir.join("repo/pypi").join(name).exists(),
            "published locally instead"
        );
    }
    assert!(!ran.stderr.contains(&server.password) && !ran.stdout.contains(&server.password));
}

#[test]
fn npm_installs_from_verdaccio_as_the_team_registry() {
    let registry = NpmUpstream::start(vec![
        NpmPackage::healthy("quillmoth-pad", "1.4.2", &[]),
        NpmPackage::healthy("brindle-strings", "2.1.0", &[("quillmoth-pad", "^1.2.0")]),
    ]);
    let verdaccio = Verdaccio::start();
    let token = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(secpip::repo::upload::npm_login(
            &reqwest::Client::new(),
            &verdaccio.registry_url(),
            "secpip-ci",
            "team-password-1",
        ))
        .unwrap_or_else(|e| panic!("npm login: {e}\n{}", verdaccio.log()));
    let pypi = Upstream::start(vec![]);
    let ctx = TestContext::new(&pypi);
    ctx.append_config(&format!(
        "\n[npm]\nregistry = \"{}\"\n[repo]\nnpm_registry_url = \"{}\"\n",
        registry.registry_url(),
        verdaccio.registry_url()
    ));
    let project = NpmProject::new(&registry.registry_url(), &[("brindle-strings", "^2.0.0")]);
    let dir = project.dir.display().to_string();
    let ran = crate::common::run(
        ctx.secpip(&["npm", "install", "-C", &dir])
            .env("SECPIP_REPO_TOKEN", &token)
            .env("npm_config_cache", &project.cache)
            .env("npm_config_userconfig", &project.userconfig)
            .env("npm_config_globalconfig", &project.globalconfig)
            .env("npm_config_fetch_retries", "0"),
    );
    ran.assert_code(0);
    assert_eq!(
        project.installed_version("brindle-strings").as_deref(),
        Some("2.1.0"),
        "{}",
        ran.describe()
    );
    assert_eq!(
        project.installed_version("quillmoth-pad").as_deref(),
        Some("1.4.2")
    );
    // verdaccio now holds the vetted versions; the lockfile points upstream.
    let doc: serde_json::Value =
        reqwest::blocking_get(&format!("{}quillmoth-pad", verdaccio.registry_url()));
    assert!(
        doc["versions"]["1.4.2"].is_object(),
        "{doc:#}\n{}",
        verdaccio.log()
    );
    let lock = std::fs::read_to_string(project.lockfile_path()).unwrap();
    assert!(
        !lock.contains(&verdaccio.registry_url()),
        "lockfile points at the team registry:\n{lock}"
    );
    assert!(!ran.stderr.contains(&token));
}

mod reqwest {
    pub use ::reqwest::Client;

    /// GET + JSON on a throwaway runtime (tests are synchronous).
    pub fn blocking_get(url: &str) -> serde_json::Value {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async { ::reqwest::get(url).await.unwrap().json().await.unwrap() })
    }
}
