//! A loopback view of the upstream simple index for resolution: the same
//! project pages, minus the versions policy says must not be installed —
//! too young for the minimum release age, already BLOCKed, or on a block
//! list. pip's resolver then picks the newest version that may be
//! installed, and secpip tells the user what it skipped and why.
//!
//! Links are rewritten to absolute upstream URLs, so pip fetches files and
//! PEP 658 metadata from upstream exactly as it would without the view.

use crate::store::{Status, StatusStore};
use crate::verdict::facts::ProjectMetadata;
use crate::verdict::policy::ListRule;
use crate::verdict::release_age;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use time::{Duration, OffsetDateTime};

/// A version the view kept from pip, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hidden {
    /// Normalized project name.
    pub name: String,
    /// The version.
    pub version: String,
    /// Why it is hidden.
    pub reason: String,
}

/// What the view filters by.
pub struct ViewPolicy {
    /// Upstream simple index (ends in `/`).
    pub index_url: String,
    /// Upstream JSON API base.
    pub json_url: String,
    /// Minimum release age.
    pub min_age: Duration,
    /// `name@version` allowed before the minimum age.
    pub age_exceptions: Vec<ListRule>,
    /// Block rules (config and store).
    pub block: Vec<ListRule>,
    /// Allow rules (they override BLOCK rows and age).
    pub allow: Vec<ListRule>,
}

struct ViewState {
    policy: ViewPolicy,
    client: reqwest::Client,
    store: Arc<dyn StatusStore>,
    hidden: Mutex<BTreeMap<(String, String), String>>,
}

fn anchor_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // Invariant: a constant pattern; the unit tests compile it.
    RE.get_or_init(|| {
        Regex::new(r#"(?is)<a\s([^>]*)>(.*?)</a\s*>"#).unwrap_or_else(|e| unreachable!("{e}"))
    })
}

fn href_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // Invariant: a constant pattern; the unit tests compile it.
    RE.get_or_init(|| {
        Regex::new(r#"(?is)\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')"#)
            .unwrap_or_else(|e| unreachable!("{e}"))
    })
}

/// One link of a simple-index page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Absolute URL (with fragment).
    pub href: String,
    /// File name.
    pub filename: String,
    /// The anchor's attributes other than `href`, verbatim.
    pub attrs: String,
}

/// Parses the anchors of a PEP 503 page, resolving hrefs against `base`.
pub fn parse_links(html: &str, base: &url::Url) -> Vec<Link> {
    anchor_re()
        .captures_iter(html)
        .filter_map(|c| {
            let attrs = c.get(1)?.as_str();
            let h = href_re().captures(attrs)?;
            let raw = h
                .get(1)
                .or_else(|| h.get(2))?
                .as_str()
                .replace("&amp;", "&");
            let href = base.join(&raw).ok()?;
            let filename = href.path_segments()?.next_back()?.to_string();
            let rest = href_re().replace(attrs, "").trim().to_string();
            Some(Link {
                href: href.to_string(),
                filename,
                attrs: rest,
            })
        })
        .collect()
}

/// Version of a distribution file: from the metadata when listed, else from its name.
fn version_of(filename: &str, by_file: &BTreeMap<&str, &str>) -> Option<String> {
    if let Some(v) = by_file.get(filename) {
        return Some(v.to_string());
    }
    let stem = filename
        .strip_suffix(".whl")
        .or_else(|| filename.strip_suffix(".tar.gz"))
        .or_else(|| filename.strip_suffix(".zip"))?;
    if filename.ends_with(".whl") {
        return stem.split('-').nth(1).map(str::to_string);
    }
    stem.rsplit_once('-').map(|(_, v)| v.to_string())
}

impl ViewState {
    async fn hide_reason(
        &self,
        name: &str,
        version: &str,
        meta: Option<&ProjectMetadata>,
        blocked: &[(String, String)],
    ) -> Option<String> {
        let p = &self.policy;
        let id = crate::ecosystem::PackageId::new(crate::ecosystem::Ecosystem::Pypi, name, version);
        if p.allow.iter().any(|r| r.matches(&id)) {
            return None;
        }
        if let Some(r) = p.block.iter().find(|r| r.matches(&id)) {
            return Some(format!("blocked by policy: {}", r.reason));
        }
        if let Some((_, why)) = blocked.iter().find(|(v, _)| v == version) {
            return Some(format!("blocked: {why}"));
        }
        let meta = meta?;
        let age = release_age::too_young(
            meta,
            &id,
            OffsetDateTime::now_utc(),
            p.min_age,
            &p.age_exceptions,
        )?;
        Some(format!(
            "released {} ago; policy minimum release age is {}",
            release_age::human(age),
            release_age::human(p.min_age)
        ))
    }
}

async fn project(State(st): State<Arc<ViewState>>, Path(name): Path<String>) -> Response {
    let normalized = super::normalize_name(&name);
    let page_url = format!("{}{}/", st.policy.index_url, normalized);
    let resp = match st
        .client
        .get(&page_url)
        .header(header::ACCEPT, "text/html")
        .send()
        .await
    {
        Ok(r) => r,
        Err(e) => {
            return (
                StatusCode::BAD_GATEWAY,
                format!("upstream {page_url}: {e}\n"),
            )
                .into_response()
        }
    };
    if !resp.status().is_success() {
        return (
            resp.status(),
            format!("upstream {page_url} answered {}\n", resp.status()),
        )
            .into_response();
    }
    let base = resp.url().clone();
    let html = match resp.text().await {
        Ok(t) => t,
        Err(e) => {
            return (
                StatusCode::BAD_GATEWAY,
                format!("upstream {page_url}: {e}\n"),
            )
                .into_response()
        }
    };
    let meta = super::metadata::fetch_project(&st.client, &st.policy.json_url, &normalized).await;
    if let Err(e) = &meta {
        tracing::warn!(
            "release ages of {normalized} unknown ({e}); versions are not filtered by age"
        );
    }
    let meta = meta.ok();
    let by_file: BTreeMap<&str, &str> = meta
        .iter()
        .flat_map(|m| {
            m.releases
                .iter()
                .flat_map(|(v, files)| files.iter().map(move |f| (f.filename.as_str(), v.as_str())))
        })
        .collect();
    let blocked: Vec<(String, String)> = match st.store.list(Some(&normalized), None).await {
        Ok(rows) => rows
            .into_iter()
            // A Yellow block only awaits approval: pip should resolve the
            // same version again so the person can be asked about it.
            .filter(|r| r.status == Status::Block && r.risk != Some(crate::verdict::Risk::Yellow))
            .map(|r| {
                let why = r
                    .reasons
                    .iter()
                    .filter(|f| f.points > 0)
                    .map(|f| f.reason.clone())
                    .collect::<Vec<_>>()
                    .join(", ");
                (r.id.version, why)
            })
            .collect(),
        Err(e) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("status store: {e}\n"),
            )
                .into_response()
        }
    };
    let mut body = format!(
        "<!DOCTYPE html>\n<html><head><title>Links for {normalized}</title></head><body>\n"
    );
    for link in parse_links(&html, &base) {
        let version = version_of(&link.filename, &by_file);
        if let Some(v) = &version {
            if let Some(reason) = st
                .hide_reason(&normalized, v, meta.as_ref(), &blocked)
                .await
            {
                if let Ok(mut h) = st.hidden.lock() {
                    h.insert((normalized.clone(), v.clone()), reason);
                }
                continue;
            }
        }
        body.push_str(&format!(
            "<a href=\"{}\" {}>{}</a><br>\n",
            link.href.replace('&', "&amp;").replace('"', "&quot;"),
            link.attrs,
            link.filename
        ));
    }
    body.push_str("</body></html>\n");
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// The running view; stop it when resolution is done.
pub struct IndexView {
    state: Arc<ViewState>,
    server: crate::repo::serve::Served,
}

impl IndexView {
    /// Starts the view on a loopback port.
    pub async fn start(
        policy: ViewPolicy,
        client: reqwest::Client,
        store: Arc<dyn StatusStore>,
    ) -> std::io::Result<IndexView> {
        let state = Arc::new(ViewState {
            policy,
            client,
            store,
            hidden: Mutex::new(BTreeMap::new()),
        });
        let app = Router::new()
            .route("/simple/{name}/", get(project))
            .with_state(state.clone());
        let server = crate::repo::serve::Served::start(app, ([127, 0, 0, 1], 0).into()).await?;
        Ok(IndexView { state, server })
    }

    /// The simple-index URL pip's resolver should use.
    pub fn index_url(&self) -> String {
        format!("http://{}/simple/", self.server.addr())
    }

    /// Every version hidden so far.
    pub fn hidden(&self) -> Vec<Hidden> {
        self.state
            .hidden
            .lock()
            .map(|h| {
                h.iter()
                    .map(|((name, version), reason)| Hidden {
                        name: name.clone(),
                        version: version.clone(),
                        reason: reason.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Stops serving.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_absolute_and_keep_their_attributes() {
        let base = url::Url::parse("http://127.0.0.1:9/simple/foo/").unwrap();
        let html = r#"<a href="../../files/foo-1.0-py3-none-any.whl#sha256=ab" data-dist-info-metadata="sha256=cd">foo-1.0-py3-none-any.whl</a>
            <A HREF='https://cdn.example/foo-0.9.tar.gz#sha256=ef' data-requires-python="&gt;=3.8">foo-0.9.tar.gz</A>"#;
        let links = parse_links(html, &base);
        assert_eq!(links.len(), 2);
        assert_eq!(
            links[0].href,
            "http://127.0.0.1:9/files/foo-1.0-py3-none-any.whl#sha256=ab"
        );
        assert_eq!(links[0].attrs, "data-dist-info-metadata=\"sha256=cd\"");
        assert_eq!(links[1].filename, "foo-0.9.tar.gz");
        let none = BTreeMap::new();
        assert_eq!(
            version_of("foo-1.0-py3-none-any.whl", &none).as_deref(),
            Some("1.0")
        );
        assert_eq!(
            version_of("python-dateutil-2.8.2.tar.gz", &none).as_deref(),
            Some("2.8.2")
        );
    }
}
