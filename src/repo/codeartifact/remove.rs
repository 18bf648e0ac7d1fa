//! Removing packages from CodeArtifact (after `secpip block`): one named
//! version, or every version the repository lists.
//!
//! CodeArtifact names packages by format, namespace and package: PyPI
//! names are stored normalized (PEP 503) with no namespace; an npm scope
//! is the namespace, without its `@` (`@acme/widget` is namespace `acme`,
//! package `widget`).

use super::{remote, CodeArtifactRepo, RepoError};
use crate::ecosystem::Ecosystem;
use aws_sdk_codeartifact::operation::delete_package_versions::DeletePackageVersionsError;
use aws_sdk_codeartifact::operation::list_package_versions::ListPackageVersionsError;
use aws_sdk_codeartifact::types::{PackageFormat, PackageVersionErrorCode, ResourceType};

/// Versions per `DeletePackageVersions` call (the API's limit).
const DELETE_BATCH: usize = 100;
/// Versions per `ListPackageVersions` page (the API's maximum).
const LIST_PAGE: i32 = 1000;

/// A package as CodeArtifact names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Coordinates {
    /// `pypi` or `npm`.
    pub format: PackageFormat,
    /// npm scope without `@`; none for PyPI and unscoped npm packages.
    pub namespace: Option<String>,
    /// The package name within the namespace.
    pub package: String,
}

impl Coordinates {
    /// `name` of `ecosystem` in CodeArtifact's terms; `Err` for a name no
    /// registry would accept.
    pub(super) fn of(ecosystem: Ecosystem, name: &str) -> Result<Coordinates, RepoError> {
        let unsafe_name = || RepoError::UnsafeName(name.to_string());
        match ecosystem {
            Ecosystem::Pypi => {
                let package = crate::ecosystem::pypi::normalize_name(name);
                if package.is_empty() || package.contains(['/', '\\', '\0']) {
                    return Err(unsafe_name());
                }
                Ok(Coordinates {
                    format: PackageFormat::Pypi,
                    namespace: None,
                    package,
                })
            }
            Ecosystem::Npm => {
                crate::ecosystem::npm::names::validate_name(name).map_err(|_| unsafe_name())?;
                let (namespace, package) = match name.strip_prefix('@') {
                    Some(scoped) => {
                        let (scope, package) = scoped.split_once('/').ok_or_else(unsafe_name)?;
                        (Some(scope.to_string()), package.to_string())
                    }
                    None => (None, name.to_string()),
                };
                Ok(Coordinates {
                    format: PackageFormat::Npm,
                    namespace,
                    package,
                })
            }
        }
    }

    /// `@scope/name` or `name`, for messages.
    fn display(&self) -> String {
        match &self.namespace {
            Some(ns) if self.format == PackageFormat::Npm => format!("@{ns}/{}", self.package),
            Some(ns) => format!("{ns}/{}", self.package),
            None => self.package.clone(),
        }
    }
}

/// Is this a "no such package (version)" answer, as opposed to a missing
/// domain or repository (which is a configuration error)?
fn package_missing(resource: Option<&ResourceType>) -> bool {
    matches!(
        resource,
        Some(ResourceType::Package | ResourceType::PackageVersion)
    )
}

impl CodeArtifactRepo {
    /// Deletes `version` of `name`, or every version; returns how many
    /// versions were deleted (0 when the package is not there).
    pub(super) async fn remove_versions(
        &self,
        ecosystem: Ecosystem,
        name: &str,
        version: Option<&str>,
    ) -> Result<usize, RepoError> {
        let repository = self.repository(ecosystem)?.to_string();
        let package = Coordinates::of(ecosystem, name)?;
        let versions = match version {
            Some(v) => vec![v.to_string()],
            None => self.list_versions(&repository, &package).await?,
        };
        let mut removed = 0;
        for batch in versions.chunks(DELETE_BATCH) {
            removed += self.delete_versions(&repository, &package, batch).await?;
        }
        if removed > 0 {
            tracing::info!(package = %package.display(), removed, repository = %repository, "removed from the CodeArtifact secure repository");
        }
        Ok(removed)
    }

    /// Every version CodeArtifact lists for `package`, all pages.
    async fn list_versions(
        &self,
        repository: &str,
        package: &Coordinates,
    ) -> Result<Vec<String>, RepoError> {
        let mut versions = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let answer = self
                .client
                .list_package_versions()
                .domain(&self.settings.domain)
                .set_domain_owner(self.settings.domain_owner.clone())
                .repository(repository)
                .format(package.format.clone())
                .set_namespace(package.namespace.clone())
                .package(&package.package)
                .max_results(LIST_PAGE)
                .set_next_token(next.take())
                .send()
                .await;
            let page = match answer {
                Ok(page) => page,
                Err(e) => {
                    let gone = matches!(
                        e.as_service_error(),
                        Some(ListPackageVersionsError::ResourceNotFoundException(nf))
                            if package_missing(nf.resource_type())
                    );
                    if gone {
                        return Ok(versions);
                    }
                    return Err(remote(
                        "listing package versions in CodeArtifact",
                        &self.resource(repository, package),
                        &e,
                    ));
                }
            };
            versions.extend(page.versions().iter().map(|v| v.version().to_string()));
            match page.next_token() {
                Some(token) if !token.is_empty() => next = Some(token.to_string()),
                _ => return Ok(versions),
            }
        }
    }

    /// Deletes `versions`; returns how many were deleted. Versions that
    /// are already gone count as nothing; any other refusal is an error.
    async fn delete_versions(
        &self,
        repository: &str,
        package: &Coordinates,
        versions: &[String],
    ) -> Result<usize, RepoError> {
        let answer = self
            .client
            .delete_package_versions()
            .domain(&self.settings.domain)
            .set_domain_owner(self.settings.domain_owner.clone())
            .repository(repository)
            .format(package.format.clone())
            .set_namespace(package.namespace.clone())
            .package(&package.package)
            .set_versions(Some(versions.to_vec()))
            .send()
            .await;
        let out = match answer {
            Ok(out) => out,
            Err(e) => {
                let gone = matches!(
                    e.as_service_error(),
                    Some(DeletePackageVersionsError::ResourceNotFoundException(nf))
                        if package_missing(nf.resource_type())
                );
                if gone {
                    return Ok(0);
                }
                return Err(remote(
                    "deleting package versions in CodeArtifact",
                    &self.resource(repository, package),
                    &e,
                ));
            }
        };
        let mut failures: Vec<String> = out
            .failed_versions()
            .into_iter()
            .flatten()
            .filter(|(_, err)| err.error_code() != Some(&PackageVersionErrorCode::NotFound))
            .map(|(version, err)| {
                format!(
                    "{version}: {} {}",
                    err.error_code().map(|c| c.as_str()).unwrap_or("error"),
                    err.error_message().unwrap_or("")
                )
                .trim_end()
                .to_string()
            })
            .collect();
        if !failures.is_empty() {
            failures.sort();
            return Err(RepoError::Remote(format!(
                "deleting package versions in CodeArtifact ({}): refused for {}\n  hint: the role needs codeartifact:DeletePackageVersions on the repository (deploy/secpip.yaml); retry `secpip block` once fixed",
                self.resource(repository, package),
                failures.join("; ")
            )));
        }
        Ok(out.successful_versions().map_or(0, |v| v.len()))
    }

    /// `package P in repository R of domain D`, for messages.
    fn resource(&self, repository: &str, package: &Coordinates) -> String {
        format!(
            "package {} in repository {repository} of domain {}",
            package.display(),
            self.settings.domain
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_coordinates() {
        let py = Coordinates::of(Ecosystem::Pypi, "Team_Widget.Core").unwrap();
        assert_eq!(py.format, PackageFormat::Pypi);
        assert_eq!(
            (py.namespace, py.package.as_str()),
            (None, "team-widget-core")
        );
        let scoped = Coordinates::of(Ecosystem::Npm, "@acme/widget").unwrap();
        assert_eq!(scoped.namespace.as_deref(), Some("acme"));
        assert_eq!(scoped.package, "widget");
        assert_eq!(scoped.display(), "@acme/widget");
        let plain = Coordinates::of(Ecosystem::Npm, "left-pad").unwrap();
        assert_eq!(
            (plain.namespace, plain.package.as_str()),
            (None, "left-pad")
        );
        assert!(Coordinates::of(Ecosystem::Npm, "../etc").is_err());
        assert!(Coordinates::of(Ecosystem::Npm, "@acme").is_err());
        assert!(package_missing(Some(&ResourceType::Package)));
        assert!(!package_missing(Some(&ResourceType::Repository)));
    }
}
