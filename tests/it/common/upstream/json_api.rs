//! The registry's JSON documents: the JSON API (`/pypi/{name}/json`,
//! `/pypi/{name}/{version}/json`), the download-stats API (`/stats/{name}`)
//! and the GitHub repository API (`/github/repos/{owner}/{repo}`), all
//! reporting the reputation data a [`FixturePackage`](super::package::FixturePackage)
//! carries.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::names::{module_name, normalize};
use super::package::ArtifactKind;
use super::routes::{json_response, not_found, AppState};
use super::state::{Project, Release, Shared};

impl Shared {
    fn file_json(&self, release: &Release) -> Value {
        let file = &self.files[&release.filename];
        let (packagetype, python_version) = match release.kind {
            ArtifactKind::Wheel => ("bdist_wheel", "py3"),
            ArtifactKind::Sdist => ("sdist", "source"),
        };
        json!({
            "comment_text": "",
            "digests": { "sha256": file.sha256 },
            "downloads": -1,
            "filename": release.filename,
            "has_sig": false,
            "packagetype": packagetype,
            "python_version": python_version,
            "requires_python": ">=3.8",
            "size": file.bytes.len(),
            "upload_time": release.upload_time.get(..19).unwrap_or(&release.upload_time),
            "upload_time_iso_8601": release.upload_time,
            "url": format!("{}/files/{}", self.base_url, release.filename),
            "yanked": false,
            "yanked_reason": null,
        })
    }

    fn info_json(&self, project: &Project, release: &Release) -> Value {
        let package = &project.package;
        let source = package
            .github
            .as_ref()
            .map(|(owner, repo)| format!("https://github.com/{owner}/{repo}"));
        let project_urls = source
            .as_ref()
            .map(|url| json!({ "Homepage": url, "Source": url }))
            .unwrap_or(Value::Null);
        let requires_dist = if release.deps.is_empty() {
            Value::Null
        } else {
            json!(release.deps)
        };
        let project_url = format!("{}/project/{}/", self.base_url, normalize(&package.name));
        json!({
            "author": "Fixture Maintainers",
            "author_email": "maintainers@example.org",
            "classifiers": [
                "License :: OSI Approved :: MIT License",
                "Programming Language :: Python :: 3",
            ],
            "description": format!(
                "# {}\n\n{}.\n\nInstall it with `pip install {}` and import `{}`.\n",
                package.name, package.summary, package.name, module_name(&package.name)
            ),
            "description_content_type": "text/markdown",
            "home_page": source.clone().unwrap_or_default(),
            "keywords": "",
            "license": "MIT",
            "maintainer": "Fixture Maintainers",
            "maintainer_email": "maintainers@example.org",
            "name": package.name,
            "package_url": project_url,
            "project_url": project_url,
            "project_urls": project_urls,
            "release_url": format!("{project_url}{}/", release.version),
            "requires_dist": requires_dist,
            "requires_python": ">=3.8",
            "summary": package.summary,
            "version": release.version,
            "yanked": false,
            "yanked_reason": null,
        })
    }
}

pub(super) async fn project_json(
    State(shared): State<AppState>,
    Path(name): Path<String>,
) -> Response {
    let Some(project) = shared.project(&name) else {
        return not_found().await;
    };
    let latest = project.latest();
    let releases: serde_json::Map<String, Value> = project
        .releases
        .iter()
        .map(|r| (r.version.clone(), json!([shared.file_json(r)])))
        .collect();
    let roles: Vec<Value> = project
        .package
        .owners
        .iter()
        .map(|user| json!({ "role": "Owner", "user": user }))
        .collect();
    json_response(json!({
        "info": shared.info_json(project, latest),
        "last_serial": 1,
        "ownership": { "organization": null, "roles": roles },
        "releases": releases,
        "urls": [shared.file_json(latest)],
        "vulnerabilities": [],
    }))
}

pub(super) async fn release_json(
    State(shared): State<AppState>,
    Path((name, version)): Path<(String, String)>,
) -> Response {
    let Some(project) = shared.project(&name) else {
        return not_found().await;
    };
    let Some(release) = project.releases.iter().find(|r| r.version == version) else {
        return not_found().await;
    };
    json_response(json!({
        "info": shared.info_json(project, release),
        "last_serial": 1,
        "urls": [shared.file_json(release)],
        "vulnerabilities": [],
    }))
}

pub(super) async fn stats(State(shared): State<AppState>, Path(name): Path<String>) -> Response {
    let Some(project) = shared.project(&name) else {
        return not_found().await;
    };
    let month = project.package.downloads_last_month;
    json_response(json!({
        "data": { "last_day": month / 30, "last_week": month / 4, "last_month": month },
        "package": normalize(&project.package.name),
        "type": "recent_downloads",
    }))
}

pub(super) async fn github_repo(
    State(shared): State<AppState>,
    Path((owner, repo)): Path<(String, String)>,
) -> Response {
    let found = shared.projects.values().find_map(|p| {
        let (o, r) = p.package.github.as_ref()?;
        (o.eq_ignore_ascii_case(&owner) && r.eq_ignore_ascii_case(&repo)).then_some(p)
    });
    let Some(project) = found else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"message":"Not Found","status":"404"}"#,
        )
            .into_response();
    };
    let (o, r) = project
        .package
        .github
        .as_ref()
        .expect("found by its GitHub repository");
    let first = &project.releases[0];
    let latest = project.latest();
    json_response(json!({
        "id": 1,
        "name": r,
        "full_name": format!("{o}/{r}"),
        "html_url": format!("https://github.com/{o}/{r}"),
        "description": project.package.summary,
        "fork": false,
        "archived": false,
        "disabled": false,
        "stargazers_count": project.package.stars,
        "watchers_count": project.package.stars,
        "forks_count": project.package.stars / 10,
        "open_issues_count": 7,
        "created_at": first.upload_time,
        "pushed_at": latest.upload_time,
        "updated_at": latest.upload_time,
    }))
}
