//! Bearer tokens: who may change policy, and who may read.
//!
//! Tokens come from environment variables (never flags, which show up in
//! `ps`), as `label:token` pairs separated by commas or whitespace; a bare
//! token gets the label `admin` or `reader`. The label is what the audit log
//! and notifications record as *who*, so a team can hand each person or CI
//! system its own token. Tokens are compared in constant time and never
//! logged or echoed.

use super::{ApiError, Shared};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// Shortest token accepted (a guessable token is worse than none).
pub const MIN_TOKEN_LEN: usize = 16;

/// Who made an authenticated request: the matching token's label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller(pub String);

struct Token {
    label: String,
    digest: [u8; 32],
}

/// A set of labelled tokens (only their digests are kept).
#[derive(Clone, Default)]
pub struct Tokens(std::sync::Arc<Vec<Token>>);

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|t| &t.label))
            .finish()
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Compares two secrets in time independent of where they differ (and of
/// their lengths): both are hashed to 32 bytes, then every byte is compared.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    digests_equal(&digest(a), &digest(b))
}

fn digests_equal(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

impl Tokens {
    /// Parses `label:token` entries (commas or whitespace between them); a
    /// bare `token` is labelled `default_label`.
    pub fn parse(value: &str, default_label: &str) -> Result<Tokens, String> {
        let mut out = Vec::new();
        for (i, entry) in value
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|e| !e.is_empty())
            .enumerate()
        {
            let (label, secret) = match entry.split_once(':') {
                Some((l, s)) if !l.is_empty() => (l.to_string(), s),
                _ => (default_label.to_string(), entry),
            };
            if secret.len() < MIN_TOKEN_LEN {
                return Err(format!(
                    "token #{} ({label}) is shorter than {MIN_TOKEN_LEN} characters",
                    i + 1
                ));
            }
            if !label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.@".contains(c))
            {
                return Err(format!(
                    "token #{}: label {label:?} may only hold letters, digits and -_.@",
                    i + 1
                ));
            }
            out.push(Token {
                label,
                digest: digest(secret.as_bytes()),
            });
        }
        Ok(Tokens(std::sync::Arc::new(out)))
    }

    /// Whether no token is configured.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The label of the token equal to `presented`. Every token is compared,
    /// so the time taken does not depend on which one matched.
    pub fn find(&self, presented: &str) -> Option<&str> {
        let d = digest(presented.as_bytes());
        let mut found = None;
        for t in self.0.iter() {
            if digests_equal(&t.digest, &d) && found.is_none() {
                found = Some(t.label.as_str());
            }
        }
        found
    }
}

/// The server's token configuration.
#[derive(Debug, Clone)]
pub struct Auth {
    admin: Tokens,
    read: Option<Tokens>,
    public_read: bool,
}

impl Auth {
    /// Admin tokens, optional read tokens, and whether reads are open.
    pub fn new(admin: Tokens, read: Option<Tokens>, public_read: bool) -> Auth {
        Auth {
            admin,
            read,
            public_read,
        }
    }

    /// Whether read endpoints need a token.
    pub fn reads_gated(&self) -> bool {
        self.read.is_some() || !self.public_read
    }
}

fn bearer(req: &Request) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

fn unauthorized() -> Response {
    let mut r = ApiError {
        status: StatusCode::UNAUTHORIZED,
        message: "a bearer token is required (Authorization: Bearer …)".into(),
    }
    .into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer"),
    );
    r
}

fn forbidden() -> Response {
    ApiError {
        status: StatusCode::FORBIDDEN,
        message: "this token is not allowed here".into(),
    }
    .into_response()
}

/// Lets a request through only with an admin token; records its label as the [`Caller`].
pub async fn require_admin(State(state): State<Shared>, mut req: Request, next: Next) -> Response {
    let Some(presented) = bearer(&req) else {
        return unauthorized();
    };
    match state.auth.admin.find(presented) {
        Some(label) => {
            let caller = Caller(label.to_string());
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
        None => forbidden(),
    }
}

/// Lets a read through when reads are open, or with a read or admin token.
/// A token that is presented must be valid even when reads are open.
pub async fn require_read(State(state): State<Shared>, mut req: Request, next: Next) -> Response {
    let auth = &state.auth;
    let caller = match bearer(&req) {
        None if auth.reads_gated() => return unauthorized(),
        None => None,
        Some(presented) => {
            let label = auth
                .read
                .as_ref()
                .and_then(|r| r.find(presented))
                .or_else(|| auth.admin.find(presented));
            match label {
                Some(l) => Some(Caller(l.to_string())),
                None => return forbidden(),
            }
        }
    };
    if let Some(c) = caller {
        req.extensions_mut().insert(c);
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_is_plain_equality() {
        assert!(constant_time_eq(b"0123456789abcdef", b"0123456789abcdef"));
        assert!(!constant_time_eq(b"0123456789abcdef", b"0123456789abcdeX"));
        assert!(!constant_time_eq(b"short", b"0123456789abcdef"));
        assert!(!constant_time_eq(b"", b"x"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn tokens_parse_with_labels_and_reject_short_ones() {
        let t = Tokens::parse(
            "alice:aaaaaaaaaaaaaaaaaaaa, ci:bbbbbbbbbbbbbbbbbbbb cccccccccccccccccccc",
            "admin",
        )
        .unwrap();
        assert_eq!(t.find("aaaaaaaaaaaaaaaaaaaa"), Some("alice"));
        assert_eq!(t.find("bbbbbbbbbbbbbbbbbbbb"), Some("ci"));
        assert_eq!(t.find("cccccccccccccccccccc"), Some("admin"));
        assert_eq!(t.find("alice:aaaaaaaaaaaaaaaaaaaa"), None);
        assert_eq!(t.find(""), None);
        let err = Tokens::parse("bob:tiny-secret", "admin").unwrap_err();
        assert!(err.contains("bob") && !err.contains("tiny-secret"), "{err}");
        assert!(Tokens::parse("", "admin").unwrap().is_empty());
        assert!(!format!("{t:?}").contains("aaaa"));
    }
}
