//! Where things live on the fixture registry: the paths npm requests for a
//! package's packument and tarballs (the layout of the public registry), and
//! decoding the `%2f` npm puts in a scoped name.

use percent_encoding::percent_decode_str;

/// The part of a package name after its scope: `@acme/ui` → `ui`.
pub fn basename(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// `ui-1.0.0.tgz` for `@acme/ui@1.0.0`.
pub fn tarball_file(name: &str, version: &str) -> String {
    format!("{}-{version}.tgz", basename(name))
}

/// `/@acme/ui/-/ui-1.0.0.tgz` (the layout of the public registry).
pub fn tarball_path(name: &str, version: &str) -> String {
    format!("/{name}/-/{}", tarball_file(name, version))
}

/// The path npm requests a packument at: `/@acme%2fui`, `/left-thing`.
pub fn packument_path(name: &str) -> String {
    format!("/{}", name.replacen('/', "%2f", 1))
}

/// Decodes `%XX` escapes (e.g. `%2f`, `%40`); anything malformed stays as is.
pub fn percent_decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}
