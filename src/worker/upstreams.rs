//! The upstreams a scanning process works against (PyPI's JSON API, the
//! npm registry), found once at start-up — by `secpip serve` and by the
//! AWS workers alike.

use super::Sources;
use crate::config::Settings;
use crate::ecosystem::{npm, pypi, Ecosystem};

/// The upstreams in force: discovered once at start-up.
#[derive(Debug, Clone)]
pub struct Upstreams {
    /// PyPI's JSON API base, if it could be determined.
    pub pypi_json_url: Option<String>,
    /// The npm registry, if it could be determined.
    pub npm_registry: Option<String>,
    /// Fact sources built from the above.
    pub sources: Sources,
}

impl Upstreams {
    /// Whether `eco`'s upstream is known.
    pub fn known(&self, eco: Ecosystem) -> bool {
        match eco {
            Ecosystem::Pypi => self.pypi_json_url.is_some(),
            Ecosystem::Npm => self.npm_registry.is_some(),
        }
    }
}

/// Finds the upstreams (asking pip/npm only when settings are silent). A
/// failure is logged and leaves that ecosystem's computed checks and scans
/// unavailable; cached verdicts and the index keep working.
pub async fn discover(settings: &Settings) -> Upstreams {
    let pypi = async {
        match pypi::upstream::discover(
            &settings.pypi.python,
            settings.pypi.index_url.as_deref(),
            settings.pypi.json_url.as_deref(),
        )
        .await
        {
            Ok(u) => Some(u.json_url),
            Err(e) => {
                tracing::warn!(error = %e, "PyPI upstream unknown; PyPI checks and scans are unavailable");
                None
            }
        }
    };
    let npm = async {
        let cwd = std::env::current_dir().unwrap_or_else(|_| settings.data_dir.clone());
        match npm::upstream::discover(settings.npm.registry.as_deref(), &cwd).await {
            Ok(r) => Some(r),
            Err(e) => {
                tracing::warn!(error = %e, "npm upstream unknown; npm checks and scans are unavailable");
                None
            }
        }
    };
    let (pypi_json_url, npm_registry) = tokio::join!(pypi, npm);
    let sources = Sources::new(
        settings,
        pypi_json_url.clone().unwrap_or_default(),
        npm_registry.clone().unwrap_or_default(),
    );
    Upstreams {
        pypi_json_url,
        npm_registry,
        sources,
    }
}
