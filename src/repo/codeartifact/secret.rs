//! Values that carry the CodeArtifact token. The token opens the secure
//! repository for anyone holding it, so it must never reach a log line, an
//! error message or a panic: these types print `<redacted>` (or the URL
//! with `***` for the password), and the only way to read the secret is an
//! explicit `expose()`, so every place that lets it out is easy to find.

use std::fmt;

/// A short-lived credential; `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A URL with a user and password embedded, the form pip needs for
/// `--index-url` (`https://aws:TOKEN@…/simple/`). It prints with the
/// password replaced by `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl(url::Url);

impl SecretUrl {
    /// `base` with `user:password@` added. `Err` says why `base` cannot
    /// carry credentials (unparsable, or not http/https).
    pub fn with_credentials(
        base: &str,
        user: &str,
        password: &Secret,
    ) -> Result<SecretUrl, String> {
        let mut url = url::Url::parse(base).map_err(|e| format!("not a URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("not an http(s) URL: {}", url.scheme()));
        }
        url.set_username(user)
            .and_then(|()| url.set_password(Some(password.expose())))
            .map_err(|()| "this URL cannot carry credentials".to_string())?;
        Ok(SecretUrl(url))
    }

    /// The full URL, credentials included, for the one place that must
    /// hand it to pip.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }

    /// The URL with the password shown as `***`.
    pub fn redacted(&self) -> String {
        let mut shown = self.0.clone();
        if shown.password().is_some() {
            // Cannot fail: the URL already holds a password.
            let _ = shown.set_password(Some("***"));
        }
        shown.to_string()
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SecretUrl").field(&self.redacted()).finish()
    }
}

impl fmt::Display for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let token = Secret::new("eyJ2ZXIiOjEsImlzdSI6MTcw.tok/en+=");
        assert_eq!(format!("{token}"), "<redacted>");
        assert_eq!(format!("{token:?}"), "Secret(<redacted>)");
        let url = SecretUrl::with_credentials("https://127.0.0.1:8/pypi/r/simple/", "aws", &token)
            .unwrap();
        for shown in [format!("{url}"), format!("{url:?}"), url.redacted()] {
            assert!(!shown.contains("eyJ2"), "{shown}");
            assert!(
                shown.contains("aws:***@127.0.0.1:8/pypi/r/simple/"),
                "{shown}"
            );
        }
        let parsed = url::Url::parse(url.expose()).unwrap();
        assert_eq!(parsed.username(), "aws");
        assert_eq!(percent_decode(parsed.password().unwrap()), token.expose());
    }

    /// `%XX` escapes back to bytes (what pip does with URL credentials).
    fn percent_decode(s: &str) -> String {
        let mut out = Vec::new();
        let mut rest = s.as_bytes();
        while let Some((&b, tail)) = rest.split_first() {
            if b == b'%' && tail.len() >= 2 {
                let hex = std::str::from_utf8(&tail[..2]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                rest = &tail[2..];
            } else {
                out.push(b);
                rest = tail;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn refuses_urls_that_cannot_carry_credentials() {
        let token = Secret::new("t");
        assert!(SecretUrl::with_credentials("file:///tmp/x", "aws", &token).is_err());
        assert!(SecretUrl::with_credentials("not a url", "aws", &token).is_err());
    }
}
