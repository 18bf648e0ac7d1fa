//! The CodeArtifact secure repository. The control plane
//! (`GetAuthorizationToken`, `GetRepositoryEndpoint`, `ListPackageVersions`,
//! `DeletePackageVersions`) is played back from recordings written the way
//! the service answers; a recording has exactly the answers one run may
//! use, so a second token or endpoint request finds none and fails. The
//! recorded endpoints point at a real pypiserver and a real verdaccio (see
//! `common::team_servers`), so uploads really travel over HTTP with the
//! recorded token as credentials.

use std::time::{Duration, SystemTime};

use crate::common::artifacts::{block, npm_tarball, sha256, wheel};
use crate::common::team_servers::{PypiServer, Verdaccio};
use aws_sdk_codeartifact::config::retry::RetryConfig;
use aws_sdk_codeartifact::config::{BehaviorVersion, Credentials, Region};
use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
use aws_smithy_types::body::SdkBody;
use secpip::config::aws::CodeArtifactSettings;
use secpip::config::AwsSettings;
use secpip::ecosystem::{Ecosystem, PackageId};
use secpip::repo::codeartifact::{CodeArtifactRepo, BASIC_AUTH_USER};
use secpip::repo::upload::npm_login;
use secpip::repo::{RepoError, SecureRepo};
use serde_json::{json, Value};
use sha2::Digest;

/// Where the SDK believes CodeArtifact is (the replay client answers; nothing listens).
const CONTROL: &str = "http://127.0.0.1:9";
const DOMAIN: &str = "secure-domain";
const OWNER: &str = "111122223333";
const PYPI_REPO: &str = "secure-pypi";
const NPM_REPO: &str = "secure-npm";

fn http() -> reqwest::Client {
    secpip::http::client(Duration::from_secs(30))
}

fn settings(pypi: bool, npm: bool) -> CodeArtifactSettings {
    CodeArtifactSettings {
        domain: DOMAIN.into(),
        domain_owner: Some(OWNER.into()),
        pypi_repository: pypi.then(|| PYPI_REPO.into()),
        npm_repository: npm.then(|| NPM_REPO.into()),
    }
}

/// A repository whose control plane answers with `events`, in order.
fn repo(events: Vec<ReplayEvent>, pypi: bool, npm: bool) -> (CodeArtifactRepo, StaticReplayClient) {
    let replay = StaticReplayClient::new(events);
    let config = aws_sdk_codeartifact::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDTESTONLY",
            "test-secret-key",
            None,
            None,
            "test",
        ))
        .endpoint_url(CONTROL)
        .retry_config(RetryConfig::disabled())
        .http_client(replay.clone())
        .build();
    let client = aws_sdk_codeartifact::Client::from_conf(config);
    (
        CodeArtifactRepo::new(client, settings(pypi, npm), http()),
        replay,
    )
}

/// One recorded exchange: the request we expect (URI and body) and the
/// service's JSON answer.
fn event(uri: String, request_body: &str, status: u16, answer: Value) -> ReplayEvent {
    ReplayEvent::new(
        http::Request::builder()
            .uri(uri)
            .body(SdkBody::from(request_body))
            .expect("request"),
        http::Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(SdkBody::from(answer.to_string()))
            .expect("response"),
    )
}

/// An error answer as the service sends it (code in `x-amzn-errortype`).
fn error_event(uri: String, status: u16, code: &str, answer: Value) -> ReplayEvent {
    ReplayEvent::new(
        http::Request::builder()
            .uri(uri)
            .body(SdkBody::empty())
            .expect("request"),
        http::Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .header("x-amzn-errortype", code)
            .body(SdkBody::from(answer.to_string()))
            .expect("response"),
    )
}

fn token_uri() -> String {
    format!("{CONTROL}/v1/authorization-token?domain={DOMAIN}&domain-owner={OWNER}&duration=43200")
}

fn endpoint_uri(format: &str, repository: &str) -> String {
    format!("{CONTROL}/v1/repository/endpoint?domain={DOMAIN}&domain-owner={OWNER}&repository={repository}&format={format}")
}

/// `GetAuthorizationToken` answering `token`, expiring `secs` from now.
fn token_event(token: &str, secs: i64) -> ReplayEvent {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64;
    event(
        token_uri(),
        "",
        200,
        json!({ "authorizationToken": token, "expiration": now + secs }),
    )
}

/// `GetRepositoryEndpoint` answering `url`.
fn endpoint_event(format: &str, repository: &str, url: &str) -> ReplayEvent {
    event(
        endpoint_uri(format, repository),
        "",
        200,
        json!({ "repositoryEndpoint": url }),
    )
}

/// The `#sha256=` pypiserver lists for `filename` on `page`.
fn listed_sha256(page: &str, filename: &str) -> Option<String> {
    let at = page.find(&format!("{filename}#sha256="))?;
    let rest = &page[at + filename.len() + "#sha256=".len()..];
    Some(rest.chars().take_while(char::is_ascii_hexdigit).collect())
}

#[test]
fn wheels_land_on_the_endpoint_with_one_token_and_one_endpoint_lookup() {
    let server = PypiServer::start_as(BASIC_AUTH_USER);
    let token = server.password.clone();
    let (repo, replay) = repo(
        vec![
            endpoint_event("pypi", PYPI_REPO, &server.upload_url()),
            token_event(&token, 12 * 3600),
        ],
        true,
        false,
    );
    let (a_name, a) = wheel("team_widget", "1.0", "");
    let (b_name, b) = wheel("team_widget", "1.1", "");
    let a_id = PackageId::new(Ecosystem::Pypi, "team-widget", "1.0");
    let b_id = PackageId::new(Ecosystem::Pypi, "team-widget", "1.1");
    // Concurrent callers: one endpoint lookup and one token fetch between them.
    let (a_sha, b_sha) = (sha256(&a), sha256(&b));
    let (pa, pb, index) = block(async {
        tokio::join!(
            repo.publish(&a_id, &a_name, &a, &a_sha),
            repo.publish(&b_id, &b_name, &b, &b_sha),
            repo.pip_index_url(),
        )
    });
    pa.unwrap_or_else(|e| panic!("publish {a_name}: {e}\n{}", server.log()));
    pb.unwrap_or_else(|e| panic!("publish {b_name}: {e}\n{}", server.log()));
    let index = index.expect("pip index URL");

    // The control plane saw exactly the recorded requests, nothing more.
    assert_eq!(replay.actual_requests().count(), 2);
    replay.assert_requests_match(&[]);
    let uris: Vec<String> = replay
        .actual_requests()
        .map(|r| r.uri().to_string())
        .collect();
    assert!(
        uris[0].contains("format=pypi") && uris[0].contains(&format!("repository={PYPI_REPO}"))
    );
    assert!(uris[1].contains(&format!("domain={DOMAIN}&domain-owner={OWNER}")));

    // The index URL carries the token for pip, and works.
    let expected = format!(
        "http://aws:{token}@{}",
        &server.index_url()["http://".len()..]
    );
    assert_eq!(index.expose(), expected);
    let page = block(async {
        http()
            .get(format!("{}team-widget/", index.expose()))
            .send()
            .await
            .expect("GET the simple page")
            .text()
            .await
            .expect("simple page text")
    });
    assert_eq!(listed_sha256(&page, &a_name), Some(sha256(&a)), "{page}");
    assert_eq!(listed_sha256(&page, &b_name), Some(sha256(&b)), "{page}");
    let downloaded = block(async {
        http()
            .get(format!("{}packages/{a_name}", server.upload_url()))
            .send()
            .await
            .expect("download")
            .bytes()
            .await
            .expect("download body")
    });
    assert_eq!(sha256(&downloaded), sha256(&a));

    // The token shows nowhere it could leak from.
    for shown in [
        format!("{index}"),
        format!("{index:?}"),
        format!("{repo:?}"),
    ] {
        assert!(!shown.contains(&token), "token leaked: {shown}");
    }
    assert!(format!("{index}").contains("aws:***@127.0.0.1"));
}

#[test]
fn a_refused_token_is_forgotten_and_the_next_publish_fetches_another() {
    let server = PypiServer::start_as(BASIC_AUTH_USER);
    let revoked = "revoked-token-0123456789abcdef";
    let (repo, replay) = repo(
        vec![
            endpoint_event("pypi", PYPI_REPO, &server.upload_url()),
            token_event(revoked, 12 * 3600),
            token_event(&server.password, 12 * 3600),
        ],
        true,
        false,
    );
    let (name, bytes) = wheel("team_gadget", "2.0", "");
    let id = PackageId::new(Ecosystem::Pypi, "team-gadget", "2.0");
    let err = block(repo.publish(&id, &name, &bytes, &sha256(&bytes)))
        .expect_err("pypiserver refuses the wrong token");
    let text = err.to_string();
    assert!(
        text.contains("refused the authorization token")
            && text.contains("codeartifact:PublishPackageVersion"),
        "{text}"
    );
    for shown in [text.clone(), format!("{err:?}")] {
        assert!(!shown.contains(revoked), "token leaked: {shown}");
    }
    block(repo.publish(&id, &name, &bytes, &sha256(&bytes)))
        .unwrap_or_else(|e| panic!("publish with the new token: {e}\n{}", server.log()));
    assert!(server.packages.join(&name).exists());
    assert_eq!(replay.actual_requests().count(), 3);
    replay.assert_requests_match(&[]);
}

#[test]
fn npm_tarballs_are_published_with_the_token_as_bearer() {
    let server = Verdaccio::start();
    let password = format!("pw-{:016x}", rand::random::<u64>());
    // Verdaccio only accepts tokens it issued; the recording hands out one.
    let token = block(npm_login(&http(), &server.registry_url(), "ci", &password))
        .unwrap_or_else(|e| panic!("npm login: {e}\n{}", server.log()));
    let (repo, replay) = repo(
        vec![
            endpoint_event("npm", NPM_REPO, &server.registry_url()),
            token_event(&token, 12 * 3600),
        ],
        false,
        true,
    );
    let tarball = npm_tarball("@acme/widget", "1.0.0", "");
    let id = PackageId::new(Ecosystem::Npm, "@acme/widget", "1.0.0");
    block(repo.publish(&id, "widget-1.0.0.tgz", &tarball, &sha256(&tarball)))
        .unwrap_or_else(|e| panic!("npm publish: {e}\n{}", server.log()));
    let (registry, bearer) = block(repo.npm_registry()).expect("npm registry");
    assert_eq!(registry, server.registry_url());
    assert_eq!(bearer.expose(), token);
    assert!(!format!("{bearer} {bearer:?} {repo:?}").contains(&token));
    assert_eq!(replay.actual_requests().count(), 2);
    replay.assert_requests_match(&[]);

    let packument: Value = block(async {
        http()
            .get(format!("{}@acme%2fwidget", server.registry_url()))
            .send()
            .await
            .expect("GET the packument")
            .json()
            .await
            .expect("packument JSON")
    });
    let shasum = hex::encode(sha1::Sha1::digest(&tarball));
    assert_eq!(
        packument["versions"]["1.0.0"]["dist"]["shasum"].as_str(),
        Some(shasum.as_str()),
        "{packument}"
    );
}

#[test]
fn near_expiry_tokens_are_refreshed_and_fresh_ones_reused() {
    let (repo, replay) = repo(
        vec![
            endpoint_event("pypi", PYPI_REPO, "http://127.0.0.1:9/pypi/secure-pypi"),
            token_event("tok-expired", -60),
            token_event("tok-near-expiry", 120),
            token_event("tok-fresh", 12 * 3600),
        ],
        true,
        false,
    );
    let tokens: Vec<String> = block(async {
        let mut out = Vec::new();
        for _ in 0..4 {
            let url = repo.pip_index_url().await.expect("index URL");
            let parsed = url::Url::parse(url.expose()).expect("URL");
            assert_eq!(parsed.path(), "/pypi/secure-pypi/simple/");
            out.push(parsed.password().unwrap_or_default().to_string());
        }
        out
    });
    assert_eq!(
        tokens,
        ["tok-expired", "tok-near-expiry", "tok-fresh", "tok-fresh"]
    );
    assert_eq!(replay.actual_requests().count(), 4);
    replay.assert_requests_match(&[]);
}

#[test]
fn remove_lists_every_page_then_deletes_by_namespace_and_package() {
    let versions = |next: Option<&str>| {
        format!("{CONTROL}/v1/package/versions?domain={DOMAIN}&domain-owner={OWNER}&repository={NPM_REPO}&format=npm&namespace=acme&package=widget&max-results=1000{}",
            next.map(|n| format!("&next-token={n}")).unwrap_or_default())
    };
    let delete = |repository: &str, format: &str, namespace: &str, package: &str| {
        format!("{CONTROL}/v1/package/versions/delete?domain={DOMAIN}&domain-owner={OWNER}&repository={repository}&format={format}{namespace}&package={package}")
    };
    let deleted = |versions: &[&str]| {
        let ok: serde_json::Map<String, Value> = versions
            .iter()
            .map(|v| {
                (
                    v.to_string(),
                    json!({ "revision": "r1", "status": "Deleted" }),
                )
            })
            .collect();
        json!({ "successfulVersions": ok, "failedVersions": {} })
    };
    let (repo, replay) = repo(
        vec![
            event(
                versions(None),
                "",
                200,
                json!({
                    "format": "npm", "namespace": "acme", "package": "widget",
                    "versions": [
                        { "version": "1.0.0", "revision": "r1", "status": "Published" },
                        { "version": "1.1.0", "revision": "r2", "status": "Published" }
                    ],
                    "nextToken": "page-2"
                }),
            ),
            event(
                versions(Some("page-2")),
                "",
                200,
                json!({
                    "format": "npm", "namespace": "acme", "package": "widget",
                    "versions": [ { "version": "2.0.0-beta.1", "revision": "r3", "status": "Published" } ]
                }),
            ),
            event(
                delete(NPM_REPO, "npm", "&namespace=acme", "widget"),
                r#"{"versions":["1.0.0","1.1.0","2.0.0-beta.1"]}"#,
                200,
                deleted(&["1.0.0", "1.1.0", "2.0.0-beta.1"]),
            ),
            event(
                delete(PYPI_REPO, "pypi", "", "team-widget"),
                r#"{"versions":["1.0"]}"#,
                200,
                deleted(&["1.0"]),
            ),
            error_event(
                format!("{CONTROL}/v1/package/versions?domain={DOMAIN}&domain-owner={OWNER}&repository={NPM_REPO}&format=npm&package=left-pad&max-results=1000"),
                404,
                "ResourceNotFoundException",
                json!({ "message": "Package not found", "resourceId": "left-pad", "resourceType": "package" }),
            ),
        ],
        true,
        true,
    );
    block(async {
        assert_eq!(
            repo.remove(Ecosystem::Npm, "@acme/widget", None)
                .await
                .expect("remove all"),
            3
        );
        assert_eq!(
            repo.remove(Ecosystem::Pypi, "Team_Widget", Some("1.0"))
                .await
                .expect("remove one"),
            1
        );
        assert_eq!(
            repo.remove(Ecosystem::Npm, "left-pad", None)
                .await
                .expect("absent package"),
            0
        );
    });
    assert_eq!(replay.actual_requests().count(), 5);
    replay.assert_requests_match(&[]);
}

#[test]
fn access_denied_and_missing_settings_say_what_to_do() {
    let (repo, replay) = repo(
        vec![
            endpoint_event("pypi", PYPI_REPO, "http://127.0.0.1:9/pypi/secure-pypi/"),
            error_event(
                token_uri(),
                403,
                "AccessDeniedException",
                json!({ "message": "User: arn:aws:sts::111122223333:assumed-role/dev/alice is not authorized to perform: codeartifact:GetAuthorizationToken" }),
            ),
        ],
        true,
        false,
    );
    let (name, bytes) = wheel("team_widget", "1.0", "");
    let id = PackageId::new(Ecosystem::Pypi, "team-widget", "1.0");
    let err = block(repo.publish(&id, &name, &bytes, &sha256(&bytes))).expect_err("access denied");
    let text = err.to_string();
    assert!(matches!(err, RepoError::Remote(_)), "{err:?}");
    for part in [
        "getting a CodeArtifact authorization token",
        "domain secure-domain",
        "AccessDeniedException",
        "hint: access denied",
        "deploy/secpip.yaml",
    ] {
        assert!(text.contains(part), "{part:?} missing from: {text}");
    }
    replay.assert_requests_match(&[]);

    // npm has no repository configured: a clear error, and no AWS call.
    let tarball = npm_tarball("widget", "1.0.0", "");
    let npm = PackageId::new(Ecosystem::Npm, "widget", "1.0.0");
    let err = block(repo.publish(&npm, "widget-1.0.0.tgz", &tarball, &sha256(&tarball)))
        .expect_err("npm is not configured");
    assert!(matches!(err, RepoError::NotConfigured(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("`codeartifact_npm_repository` under [aws]"),
        "{err}"
    );
    assert_eq!(replay.actual_requests().count(), 2);

    let err = block(CodeArtifactRepo::connect(&AwsSettings::default(), http()))
        .expect_err("no domain configured");
    assert!(err.to_string().contains("codeartifact_domain"), "{err}");
}
