//! A `multipart/form-data` body for the PyPI upload API, built in memory.
//!
//! Hand-written (about forty lines) rather than reqwest's `multipart`
//! feature: the upload is one file already in memory, and this keeps the
//! dependency tree and lock file unchanged. The boundary is random and is
//! checked not to occur in any part, so no content can end a part early.

/// A form being built.
pub(super) struct Form {
    parts: Vec<(String, Option<String>, Vec<u8>)>,
}

impl Form {
    /// An empty form.
    pub(super) fn new() -> Form {
        Form { parts: Vec::new() }
    }

    /// Adds a text field (fields may repeat, e.g. `classifiers`).
    pub(super) fn text(&mut self, name: &str, value: &str) -> &mut Form {
        self.parts
            .push((name.to_string(), None, value.as_bytes().to_vec()));
        self
    }

    /// Adds a file field. `filename` must not contain `"`, CR or LF (the
    /// caller checked it is a safe single path component).
    pub(super) fn file(&mut self, name: &str, filename: &str, bytes: &[u8]) -> &mut Form {
        self.parts
            .push((name.to_string(), Some(filename.to_string()), bytes.to_vec()));
        self
    }

    /// The `Content-Type` header value and the body.
    pub(super) fn finish(&self) -> (String, Vec<u8>) {
        let boundary = loop {
            let candidate = format!("secpip-{:032x}", rand::random::<u128>());
            let clash = self.parts.iter().any(|(_, _, value)| {
                value
                    .windows(candidate.len())
                    .any(|w| w == candidate.as_bytes())
            });
            if !clash {
                break candidate;
            }
        };
        let size: usize = self.parts.iter().map(|p| p.2.len() + 160).sum();
        let mut body = Vec::with_capacity(size);
        for (name, filename, value) in &self.parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let disposition = match filename {
                Some(f) => format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                ),
                None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
            };
            body.extend_from_slice(disposition.as_bytes());
            body.extend_from_slice(value);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_framed_by_the_boundary() {
        let mut form = Form::new();
        form.text(":action", "file_upload")
            .file("content", "a-1.0.tar.gz", b"\x1f\x8bdata");
        let (content_type, body) = form.finish();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
        assert!(text.contains("name=\":action\"\r\n\r\nfile_upload\r\n"));
        assert!(text.contains("name=\"content\"; filename=\"a-1.0.tar.gz\""));
    }
}
