//! The one HTTP client secpip uses for upstream metadata, reputation sources
//! and artifact downloads: a fixed user agent, timeouts, and size caps so a
//! hostile server cannot exhaust memory.

use futures_util::StreamExt;
use std::time::Duration;

/// The user agent every request carries (`secpip/<version>`).
pub const USER_AGENT: &str = concat!("secpip/", env!("CARGO_PKG_VERSION"));

/// Largest JSON document accepted from a metadata source.
pub const MAX_JSON_BYTES: usize = 64 * 1024 * 1024;
/// Largest artifact accepted for download.
pub const MAX_ARTIFACT_BYTES: usize = 512 * 1024 * 1024;

/// `url` without user name, password, query or fragment, for messages and
/// logs: repository URLs may carry credentials (`https://aws:TOKEN@…`) or
/// tokens in the query, and an error must never print them.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            if !u.username().is_empty() || u.password().is_some() {
                let _ = u.set_username("");
                let _ = u.set_password(None);
            }
            u.set_query(None);
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => "<unparsable URL>".to_string(),
    }
}

/// Why a request failed; the URL is always named.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// Connection, TLS or timeout.
    #[error("request to {url} failed: {message}")]
    Transport {
        /// The URL.
        url: String,
        /// What happened.
        message: String,
    },
    /// A non-success status.
    #[error("{url} answered HTTP {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// Too large.
    #[error("{url} sent more than {limit} bytes; refusing it")]
    TooLarge {
        /// The URL.
        url: String,
        /// The cap.
        limit: usize,
    },
    /// Not the JSON we expected.
    #[error("{url} sent invalid JSON: {message}")]
    Json {
        /// The URL.
        url: String,
        /// Parser error.
        message: String,
    },
}

/// Builds the shared client. It trusts the platform's certificate store
/// (on Linux the system bundle, or `SSL_CERT_FILE` / `SSL_CERT_DIR` when
/// set, as OpenSSL, pip and curl do) as well as the built-in Mozilla roots,
/// so it reaches an upstream behind a TLS-inspecting corporate proxy
/// whenever pip and npm do.
pub fn client(timeout: Duration) -> reqwest::Client {
    let builder = || {
        reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
    };
    builder().build().unwrap_or_else(|e| {
        // The store only fails when it holds certificates and none is
        // valid (a broken `SSL_CERT_FILE`): say so, keep the built-in roots.
        tracing::warn!(
            "the system certificate store is unusable ({}); trusting only the built-in roots",
            causes(&e)
        );
        builder()
            .tls_built_in_native_certs(false)
            .build()
            // Invariant: with only the compiled-in roots the builder fails
            // only when the TLS backend cannot initialise, which rustls
            // (compiled in) does not.
            .unwrap_or_else(|e| panic!("HTTP client: {e}"))
    })
}

/// GETs `url` and returns the body, refusing more than `limit` bytes.
pub async fn get_bytes(
    client: &reqwest::Client,
    url: &str,
    headers: &[(&str, String)],
    limit: usize,
) -> Result<Vec<u8>, HttpError> {
    let transport = |e: reqwest::Error| HttpError::Transport {
        url: url.to_string(),
        message: describe(e),
    };
    let mut req = client.get(url);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let resp = req.send().await.map_err(transport)?;
    let status = resp.status();
    if !status.is_success() {
        return Err(HttpError::Status {
            url: url.to_string(),
            status: status.as_u16(),
        });
    }
    if resp.content_length().is_some_and(|n| n as usize > limit) {
        return Err(HttpError::TooLarge {
            url: url.to_string(),
            limit,
        });
    }
    let mut body = Vec::new();
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(transport)?;
        if body.len() + chunk.len() > limit {
            return Err(HttpError::TooLarge {
                url: url.to_string(),
                limit,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// What went wrong in a request, for a person: reqwest's own message
/// ("error sending request") hides the cause, so every cause is named
/// ("invalid peer certificate: UnknownIssuer"), without the URL (the
/// caller names it), and a certificate failure says what to do next.
pub fn describe(e: reqwest::Error) -> String {
    let mut out = causes(&e.without_url());
    if out.to_ascii_lowercase().contains("certificate") {
        out.push_str(CERTIFICATE_HINT);
    }
    out
}

/// An error and each of its causes, `: `-separated, each said once:
/// reqwest's and the AWS SDK's own text is only the outermost ("error
/// sending request", "dispatch failure").
pub fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

/// The next step after a certificate failure.
pub const CERTIFICATE_HINT: &str = "\n  hint: the server's certificate is not trusted here; if your network inspects TLS, point SSL_CERT_FILE (or SSL_CERT_DIR) at its CA bundle, as for pip and curl";

/// GETs `url` and parses JSON into `T`.
pub async fn get_json<T: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    url: &str,
    headers: &[(&str, String)],
) -> Result<T, HttpError> {
    let body = get_bytes(client, url, headers, MAX_JSON_BYTES).await?;
    serde_json::from_slice(&body).map_err(|e| HttpError::Json {
        url: url.to_string(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn redacted_urls_keep_no_secret() {
        assert_eq!(
            redact_url("https://aws:tok%2Fen@repo.example.test:8443/pypi/simple/?sig=abc#x"),
            "https://repo.example.test:8443/pypi/simple/"
        );
        assert_eq!(
            redact_url("http://127.0.0.1:4873/"),
            "http://127.0.0.1:4873/"
        );
        assert_eq!(redact_url("not a url"), "<unparsable URL>");
    }
}
