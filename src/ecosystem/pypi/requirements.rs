//! Turning what the user typed into requirements pip may resolve — and
//! refusing everything else before any network call.
//!
//! Anything that could steer pip away from the vetted path is refused here:
//! options smuggled in as names or in requirement files, direct URLs, VCS
//! and local paths. Pip options passed after `--` are checked against the
//! ones that change where packages come from.

use pep508_rs::{Requirement, VersionOrUrl};
use std::path::Path;
use std::str::FromStr;

/// The longest package name accepted (the public index allows far less in practice).
pub const MAX_NAME_LEN: usize = 200;

/// Why an input was refused. Every variant says what to do instead.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InputError {
    /// Empty requirement.
    #[error("empty requirement: give a package name such as `flask` or `flask==3.0.3`")]
    Empty,
    /// Looks like a pip option.
    #[error("{0:?} looks like a pip option, not a requirement; secpip chooses the index itself (set `[pypi] index_url` in secpip.toml to change the upstream)")]
    OptionAsRequirement(String),
    /// Too long.
    #[error("package name is {len} characters long; the limit is {MAX_NAME_LEN}")]
    TooLong {
        /// Its length.
        len: usize,
    },
    /// Direct URL, VCS or path requirement.
    #[error("{0:?} is a direct URL or path; secpip only installs vetted packages from the index (publish it to an index, or install it with pip yourself)")]
    DirectReference(String),
    /// Not PEP 508.
    #[error("{input:?} is not a valid requirement: {message}")]
    Invalid {
        /// What was given.
        input: String,
        /// The parser's explanation.
        message: String,
    },
    /// Not a valid name.
    #[error("{name:?} is not a valid package name: {message}")]
    InvalidName {
        /// What was given.
        name: String,
        /// Why.
        message: String,
    },
    /// A pip option that would bypass the secure index.
    #[error("pip option {0:?} is not allowed: it changes where packages come from, which secpip controls (set `[pypi] index_url` in secpip.toml instead)")]
    ForbiddenPipOption(String),
    /// A requirements file could not be read.
    #[error("cannot read requirements file {path}: {message}")]
    File {
        /// The path.
        path: String,
        /// The I/O error.
        message: String,
    },
    /// A line of a requirements file was refused.
    #[error("{path}:{line}: {source}")]
    FileLine {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong with the line.
        source: Box<InputError>,
    },
}

/// Checks a bare package name (used for `allow`/`block` and `check`).
pub fn validate_name(name: &str) -> Result<(), InputError> {
    if name.is_empty() {
        return Err(InputError::Empty);
    }
    if name.len() > MAX_NAME_LEN {
        return Err(InputError::TooLong { len: name.len() });
    }
    if name.starts_with('-') {
        return Err(InputError::OptionAsRequirement(name.to_string()));
    }
    let bytes = name.as_bytes();
    let ok_edge = |b: u8| b.is_ascii_alphanumeric();
    let ok_mid = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    if !ok_edge(bytes[0]) || !ok_edge(bytes[bytes.len() - 1]) || !bytes.iter().all(|b| ok_mid(*b)) {
        return Err(InputError::InvalidName {
            name: name.to_string(),
            message: "names are ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit".into(),
        });
    }
    Ok(())
}

/// Parses one requirement as typed on the command line or in a file.
pub fn parse_requirement(input: &str) -> Result<Requirement, InputError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(InputError::Empty);
    }
    if text.starts_with('-') {
        return Err(InputError::OptionAsRequirement(text.to_string()));
    }
    // Names, versions and markers are ASCII; pep508_rs 0.9 cuts its input
    // by byte and panics inside a wider character (found by `fuzz/`).
    if let Some(c) = text.chars().find(|c| !c.is_ascii()) {
        return Err(InputError::Invalid {
            input: text.to_string(),
            message: format!("{c:?} is not ASCII; names, versions and markers are"),
        });
    }
    if text.contains("://")
        || text.starts_with('.')
        || text.starts_with('/')
        || text.contains(" @ ")
    {
        return Err(InputError::DirectReference(text.to_string()));
    }
    let name_part: &str = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .next()
        .unwrap_or("");
    if name_part.len() > MAX_NAME_LEN {
        return Err(InputError::TooLong {
            len: name_part.len(),
        });
    }
    // pep508_rs 0.9 panics on a name that ends in a separator (`node_`
    // before a character it stops at) instead of returning its error, so
    // the name is checked first; so are the extras (`check_extras`).
    validate_name(name_part)?;
    check_extras(text, name_part.len())?;
    let req = Requirement::from_str(text).map_err(|e| InputError::Invalid {
        input: text.to_string(),
        message: e.message.to_string(),
    })?;
    if matches!(req.version_or_url, Some(VersionOrUrl::Url(_))) {
        return Err(InputError::DirectReference(text.to_string()));
    }
    // The name was validated above: pep508_rs reads the same characters.
    Ok(req)
}

/// Refuses an extra that ends in `-`, `_` or `.` (`requests[sock-]`):
/// pep508_rs 0.9 panics on one instead of returning its error (found by
/// `fuzz/`'s `inputs` target). `name_len` is where the name ends in `text`.
fn check_extras(text: &str, name_len: usize) -> Result<(), InputError> {
    let Some(inner) = text
        .get(name_len..)
        .and_then(|rest| rest.trim_start().strip_prefix('['))
    else {
        return Ok(());
    };
    // Every run of name characters is cut off like an extra (pep508_rs
    // ends one at any other character, whitespace included), and no valid
    // extra ends in a separator, so this refuses nothing valid.
    let inner = inner.split(']').next().unwrap_or_default();
    match inner
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .find(|extra| extra.ends_with(['-', '_', '.']))
    {
        Some(extra) => Err(InputError::Invalid {
            input: text.to_string(),
            message: format!("extra {extra:?} must end with a letter or digit"),
        }),
        None => Ok(()),
    }
}

/// Parses a requirements file: one requirement a line, `#` comments,
/// backslash continuations. Option lines are refused, since they could add
/// an index or a file source.
pub fn parse_requirements_file(path: &Path) -> Result<Vec<Requirement>, InputError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| InputError::File {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    let mut out = Vec::new();
    let mut pending = String::new();
    let mut start_line = 0;
    for (i, raw) in text.lines().enumerate() {
        if pending.is_empty() {
            start_line = i + 1;
        }
        let line = match raw.find(" #").or(if raw.trim_start().starts_with('#') {
            Some(0)
        } else {
            None
        }) {
            Some(pos) => &raw[..pos],
            None => raw,
        };
        if let Some(stripped) = line.trim_end().strip_suffix('\\') {
            pending.push_str(stripped);
            pending.push(' ');
            continue;
        }
        pending.push_str(line);
        let full = std::mem::take(&mut pending);
        if full.trim().is_empty() {
            continue;
        }
        let req = parse_requirement(&full).map_err(|e| InputError::FileLine {
            path: shown.clone(),
            line: start_line,
            source: Box::new(e),
        })?;
        out.push(req);
    }
    Ok(out)
}

/// Pip options that change where packages come from; secpip owns these.
const FORBIDDEN_PIP_OPTIONS: &[&str] = &[
    "-i",
    "--index-url",
    "--extra-index-url",
    "--no-index",
    "-f",
    "--find-links",
    "--trusted-host",
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "--report",
    "--dry-run",
    "--isolated",
    "--config-settings",
    "--src",
];

/// Checks the pip arguments the user passes after `--`.
pub fn check_pip_args(args: &[String]) -> Result<(), InputError> {
    for arg in args {
        let flag = arg.split_once('=').map_or(arg.as_str(), |(f, _)| f);
        let forbidden = FORBIDDEN_PIP_OPTIONS.iter().any(|f| {
            *f == flag
                // Short options glued to their value: `-ihttp://x`, `-f/tmp`.
                || (f.len() == 2 && !flag.starts_with("--") && flag.starts_with(f) && flag.len() > 2)
        });
        if forbidden {
            return Err(InputError::ForbiddenPipOption(arg.clone()));
        }
        if !arg.starts_with('-')
            && (arg.contains("://") || arg.starts_with('.') || arg.starts_with('/'))
        {
            return Err(InputError::DirectReference(arg.clone()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_requirements() {
        for ok in [
            "flask",
            "Flask==3.0.3",
            "requests[socks]>=2,<3",
            "numpy; python_version>'3.8'",
            "requests [socks, use-chardet-on-py3] >=2",
        ] {
            parse_requirement(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
    }

    #[test]
    fn an_extra_with_a_trailing_separator_is_an_error_not_a_panic() {
        // pep508_rs 0.9 panics on these (found by `fuzz/`'s `inputs`
        // target); the user gets an error naming the extra.
        for input in [
            "requests[sock-",
            "requests[sock-]",
            "requests [socks, sock_ ]",
            "requests[a.]>=2",
            "requests[soc0. t[sks]>=2.31",
        ] {
            match parse_requirement(input) {
                Err(InputError::Invalid { message, .. }) => {
                    assert!(
                        message.contains("must end with a letter or digit"),
                        "{input}: {message}"
                    )
                }
                other => panic!("{input}: {other:?}"),
            }
        }
        // The same for a name that ends in a separator before a character
        // that is not part of a name.
        for input in ["node_\u{10}modules", "node_ >=1", "x.[a]"] {
            assert!(
                matches!(
                    parse_requirement(input),
                    Err(InputError::InvalidName { .. })
                ),
                "{input}"
            );
        }
        // And for text beyond ASCII, which pep508_rs cuts inside a
        // character.
        for input in ["requests; python_version >= '3.8'\u{6f7d}", "réquests"] {
            match parse_requirement(input) {
                Err(InputError::Invalid { message, .. }) => {
                    assert!(message.contains("is not ASCII"), "{input}: {message}")
                }
                other => panic!("{input}: {other:?}"),
            }
        }
        // Other broken extras are pep508_rs's own errors.
        assert!(matches!(
            parse_requirement("requests[-x]"),
            Err(InputError::Invalid { .. })
        ));
    }

    #[test]
    fn refuses_everything_that_is_not_an_index_requirement() {
        let long = "a".repeat(300);
        type Check = fn(&InputError) -> bool;
        let cases: Vec<(&str, Check)> = vec![
            ("--index-url=http://x", |e| {
                matches!(e, InputError::OptionAsRequirement(_))
            }),
            ("../x", |e| matches!(e, InputError::DirectReference(_))),
            ("git+https://example.invalid/x.git", |e| {
                matches!(e, InputError::DirectReference(_))
            }),
            ("", |e| matches!(e, InputError::Empty)),
            (&long, |e| matches!(e, InputError::TooLong { len: 300 })),
            ("x @ https://example.invalid/x.whl", |e| {
                matches!(e, InputError::DirectReference(_))
            }),
            ("fla$k", |e| matches!(e, InputError::Invalid { .. })),
        ];
        for (input, check) in cases {
            let err = parse_requirement(input).expect_err(input);
            assert!(check(&err), "{input}: {err:?}");
        }
    }

    #[test]
    fn pip_args_that_change_the_source_are_refused() {
        for bad in [
            "--index-url",
            "--extra-index-url=http://x",
            "-ihttp://x",
            "-f",
            "--no-index",
            "-e",
        ] {
            assert!(check_pip_args(&[bad.to_string()]).is_err(), "{bad}");
        }
        check_pip_args(&["--upgrade".into(), "-q".into(), "--no-cache-dir".into()]).unwrap();
    }

    #[test]
    fn requirements_file_refuses_option_lines_with_line_number() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.txt");
        std::fs::write(
            &p,
            "# pinned\nflask==3.0.3  # web\nrequests \\\n  >=2\n--extra-index-url http://x/\n",
        )
        .unwrap();
        let err = parse_requirements_file(&p).unwrap_err();
        assert!(err.to_string().contains("r.txt:5"), "{err}");
        std::fs::write(&p, "flask==3.0.3  # web\nrequests \\\n  >=2\n").unwrap();
        let reqs = parse_requirements_file(&p).unwrap();
        assert_eq!(reqs.len(), 2);
    }
}
