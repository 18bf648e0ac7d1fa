//! The CodeArtifact authorization token, fetched once and shared.
//!
//! Every publish needs the token, and a worker publishes many files at
//! once; asking CodeArtifact for a token per file would be slow and
//! throttled. So the token is cached until shortly before it expires, and
//! concurrent callers wait on one refresh instead of each starting their
//! own (the cache is a mutex held across the fetch).

use super::RepoError;
use super::Secret;
use std::future::Future;
use std::time::{Duration, SystemTime};

/// Token lifetime asked for: 12 hours, CodeArtifact's maximum. The service
/// may grant less (a role session ends sooner); the expiration it answers
/// with is what counts.
pub const TOKEN_SECONDS: i64 = 12 * 60 * 60;

/// A token is replaced this long before it expires, so it never runs out
/// in the middle of an upload.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// A token and when the service says it expires.
struct Cached {
    token: Secret,
    expires: SystemTime,
}

/// The cached token (none until first asked for).
#[derive(Default)]
pub(super) struct TokenCache {
    slot: tokio::sync::Mutex<Option<Cached>>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenCache(<redacted>)")
    }
}

impl TokenCache {
    /// The cached token while it is fresh, else the one `fetch` returns
    /// (with its expiration), which is then cached. A freshly fetched
    /// token is used even when it is already near expiry (it is the best
    /// the service gives); the next call fetches again.
    pub(super) async fn get<F, Fut>(&self, fetch: F) -> Result<Secret, RepoError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(Secret, SystemTime), RepoError>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some(cached) = slot.as_ref() {
            if fresh(cached.expires, SystemTime::now()) {
                return Ok(cached.token.clone());
            }
        }
        let (token, expires) = fetch().await?;
        *slot = Some(Cached {
            token: token.clone(),
            expires,
        });
        Ok(token)
    }

    /// Forgets `token` if it is still the cached one (the server refused
    /// it: revoked, or its grant changed), so the next call fetches anew.
    pub(super) async fn forget(&self, token: &Secret) {
        let mut slot = self.slot.lock().await;
        if slot.as_ref().is_some_and(|c| &c.token == token) {
            *slot = None;
        }
    }
}

/// Is a token expiring at `expires` still good to use at `now`?
fn fresh(expires: SystemTime, now: SystemTime) -> bool {
    now + REFRESH_MARGIN < expires
}

/// When a token expires: the service's `expiration`, else (never seen in
/// practice) the lifetime asked for, counted from `now`.
pub(super) fn expiry(
    expiration: Option<&aws_smithy_types::DateTime>,
    now: SystemTime,
) -> SystemTime {
    expiration
        .and_then(|t| SystemTime::try_from(*t).ok())
        .unwrap_or(now + Duration::from_secs(TOKEN_SECONDS.unsigned_abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refreshes_before_expiry() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert!(fresh(now + Duration::from_secs(3600), now));
        assert!(!fresh(now + Duration::from_secs(299), now));
        assert!(!fresh(now - Duration::from_secs(1), now));
        let at = aws_smithy_types::DateTime::from_secs(1_700_003_600);
        assert_eq!(expiry(Some(&at), now), now + Duration::from_secs(3600));
        assert_eq!(expiry(None, now), now + Duration::from_secs(43_200));
    }

    #[tokio::test]
    async fn forgets_only_the_refused_token() {
        let cache = TokenCache::default();
        let later = SystemTime::now() + Duration::from_secs(3600);
        let first = cache
            .get(|| async { Ok((Secret::new("one"), later)) })
            .await
            .unwrap();
        cache.forget(&Secret::new("other")).await;
        let cached = cache
            .get(|| async { Ok((Secret::new("two"), later)) })
            .await
            .unwrap();
        assert_eq!(cached, first);
        cache.forget(&first).await;
        let fetched = cache
            .get(|| async { Ok((Secret::new("two"), later)) })
            .await
            .unwrap();
        assert_eq!(fetched.expose(), "two");
        assert_eq!(format!("{cache:?}"), "TokenCache(<redacted>)");
    }
}
