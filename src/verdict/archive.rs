//! Reads a downloaded artifact (wheel, zip, sdist or npm tarball) into memory
//! so the content rules can look at it, without ever writing it to disk.
//!
//! The artifact is hostile until proven otherwise, so reading it is itself a
//! rule: every limit ([`ArchiveLimits`]) is enforced while decompressing, by
//! counting the bytes as they come out and stopping at the cap, so a zip bomb
//! costs at most the cap in memory and time. Entries that an installer could
//! be tricked with (`..`, absolute paths, drive letters, links) are reported
//! as findings and never returned; an archive that cannot be read at all is
//! itself suspicious and is reported too (fail closed).
//!
//! The codes live here; their default points are listed with the content
//! codes in `content::CODES`, so that the policy sees each code once.

use super::Finding;
use flate2::read::GzDecoder;
use std::io::{self, Read};

/// Entry paths that escape the extraction root, or are absurdly long.
pub const ARCHIVE_UNSAFE_PATH: &str = "archive-unsafe-path";
/// Symbolic or hard links (or device files) inside the archive.
pub const ARCHIVE_LINK: &str = "archive-link";
/// A size, count or compression-ratio limit was exceeded.
pub const ARCHIVE_BOMB: &str = "archive-bomb";
/// Unknown format, corrupt data, encryption or unsupported compression.
pub const ARCHIVE_UNREADABLE: &str = "archive-unreadable";

/// Default points of [`ARCHIVE_UNSAFE_PATH`].
pub const UNSAFE_PATH_POINTS: i32 = 60;
/// Default points of [`ARCHIVE_LINK`] when the link points outside the archive.
pub const LINK_POINTS: i32 = 60;
/// Points of a link whose target stays inside the archive (still not extracted).
pub const INNER_LINK_POINTS: i32 = 15;
/// Default points of [`ARCHIVE_BOMB`].
pub const BOMB_POINTS: i32 = 60;
/// Default points of [`ARCHIVE_UNREADABLE`]: fail closed.
pub const UNREADABLE_POINTS: i32 = 100;

/// Below this much output the compression ratio is not judged: a tiny
/// archive of one repetitive text file can legitimately exceed 100:1.
pub const RATIO_GRACE_BYTES: u64 = 1 << 20;

/// At most this many evidence lines per finding; the rest are counted.
pub(crate) const MAX_EVIDENCE: usize = 10;

/// How much an artifact may expand to before it counts as a bomb.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Sum of all extracted file sizes (default 256 MiB).
    pub max_total_bytes: u64,
    /// Number of entries, directories included (default 20 000).
    pub max_files: usize,
    /// Size of any one extracted file (default 64 MiB).
    pub max_file_bytes: u64,
    /// Extracted bytes per compressed byte, over the whole artifact (default 100).
    pub max_ratio: u64,
    /// Length of an entry path in bytes (default 400).
    pub max_path_len: usize,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        ArchiveLimits {
            max_total_bytes: 256 << 20,
            max_files: 20_000,
            max_file_bytes: 64 << 20,
            max_ratio: 100,
            max_path_len: 400,
        }
    }
}

/// What [`read_archive`] got out of an artifact.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArchiveRead {
    /// Regular files as `(normalized relative path, content)`, in archive order.
    pub files: Vec<(String, Vec<u8>)>,
    /// Unsafe entries, limit breaches and read errors.
    pub findings: Vec<Finding>,
    /// Sum of the returned files' sizes.
    pub total_bytes: u64,
}

/// Findings collected one per code: highest points win, evidence is capped.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    entries: Vec<(Finding, usize)>,
}

impl Tally {
    /// Adds one piece of evidence for `code`.
    pub(crate) fn add(&mut self, code: &str, points: i32, reason: &str, evidence: String) {
        match self.entries.iter_mut().find(|(f, _)| f.code == code) {
            Some((f, omitted)) => {
                if points > f.points {
                    f.points = points;
                    f.reason = reason.to_string();
                }
                if f.evidence.len() < MAX_EVIDENCE {
                    f.evidence.push(evidence);
                } else {
                    *omitted += 1;
                }
            }
            None => self.entries.push((
                Finding {
                    code: code.to_string(),
                    points,
                    reason: reason.to_string(),
                    evidence: vec![evidence],
                },
                0,
            )),
        }
    }

    /// The findings, in first-seen order.
    pub(crate) fn finish(self) -> Vec<Finding> {
        self.entries
            .into_iter()
            .map(|(mut f, omitted)| {
                if omitted > 0 {
                    f.evidence.push(format!("… and {omitted} more"));
                }
                f
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Zip,
    TarGz,
    Tar,
}

/// Reads every regular file of `bytes` (named `filename`) into memory.
///
/// The format comes from the file name (`.whl`, `.zip`, `.egg`, `.tar.gz`,
/// `.tgz`, `.tar`) and must agree with the magic bytes. Never panics and never
/// touches the file system; problems become findings.
pub fn read_archive(filename: &str, bytes: &[u8], limits: &ArchiveLimits) -> ArchiveRead {
    let mut reader = Reader {
        limits,
        compressed_len: bytes.len() as u64,
        out: ArchiveRead::default(),
        tally: Tally::default(),
    };
    let lower = filename.to_ascii_lowercase();
    let format = if [".whl", ".zip", ".egg"].iter().any(|s| lower.ends_with(s)) {
        Some(Format::Zip)
    } else if lower.ends_with(".tar.gz") || lower.ends_with(".tgz") {
        Some(Format::TarGz)
    } else if lower.ends_with(".tar") {
        Some(Format::Tar)
    } else {
        None
    };
    match format {
        None => reader.unreadable(format!("{filename}: unsupported archive format")),
        Some(Format::Zip) if !bytes.starts_with(b"PK") => {
            reader.unreadable(format!("{filename}: named like a zip but is not one"))
        }
        Some(Format::TarGz) if !bytes.starts_with(&[0x1f, 0x8b]) => {
            reader.unreadable(format!("{filename}: named like a .tar.gz but is not gzip"))
        }
        Some(Format::Zip) => reader.zip(bytes),
        Some(Format::TarGz) => reader.tar(GzDecoder::new(bytes)),
        Some(Format::Tar) => reader.tar(bytes),
    }
    let mut out = reader.out;
    out.findings = reader.tally.finish();
    out
}

struct Reader<'a> {
    limits: &'a ArchiveLimits,
    compressed_len: u64,
    out: ArchiveRead,
    tally: Tally,
}

/// Why reading stopped early.
struct Breach(String);

impl Reader<'_> {
    fn unreadable(&mut self, why: String) {
        let reason = "Archive cannot be read (corrupt, encrypted or unknown format)";
        self.tally
            .add(ARCHIVE_UNREADABLE, UNREADABLE_POINTS, reason, why);
    }

    fn bomb(&mut self, why: String) {
        let reason = "Archive exceeds extraction limits (possible decompression bomb)";
        self.tally.add(ARCHIVE_BOMB, BOMB_POINTS, reason, why);
    }

    fn unsafe_path(&mut self, path: &str, why: &str) {
        let reason = "Archive entry path escapes the extraction directory";
        self.tally.add(
            ARCHIVE_UNSAFE_PATH,
            UNSAFE_PATH_POINTS,
            reason,
            format!("{}: {why}", shorten(path, 160)),
        );
    }

    fn link(&mut self, path: &str, kind: &str, target: &str) {
        let escapes = link_escapes(path, target);
        let (points, reason) = if escapes {
            (LINK_POINTS, "Archive contains a link pointing outside it")
        } else {
            (INNER_LINK_POINTS, "Archive contains a link")
        };
        let evidence = format!(
            "{} ({kind} -> {})",
            shorten(path, 160),
            shorten(target, 160)
        );
        self.tally.add(ARCHIVE_LINK, points, reason, evidence);
    }

    /// How many more bytes may come out before some limit is breached.
    fn budget(&self) -> u64 {
        let l = self.limits;
        let ratio_cap = l
            .max_ratio
            .saturating_mul(self.compressed_len)
            .max(RATIO_GRACE_BYTES);
        let total_cap = l.max_total_bytes.min(ratio_cap);
        l.max_file_bytes
            .min(total_cap.saturating_sub(self.out.total_bytes))
    }

    /// Reads one file, counting bytes as they come out; stops one past the budget.
    fn read_file(
        &mut self,
        path: &str,
        declared: u64,
        r: impl Read,
    ) -> io::Result<Result<(), Breach>> {
        let budget = self.budget();
        let cap = usize::try_from(declared.min(budget)).unwrap_or(0);
        let mut data = Vec::with_capacity(cap.min(16 << 20));
        r.take(budget.saturating_add(1)).read_to_end(&mut data)?;
        let got = data.len() as u64;
        if got > budget {
            let l = self.limits;
            let why = if got > l.max_file_bytes {
                format!("{path}: larger than {} bytes", l.max_file_bytes)
            } else if self.out.total_bytes + got > l.max_total_bytes {
                format!("more than {} bytes in total", l.max_total_bytes)
            } else {
                format!(
                    "expands more than {}:1 ({} compressed bytes)",
                    l.max_ratio, self.compressed_len
                )
            };
            return Ok(Err(Breach(why)));
        }
        self.out.total_bytes += got;
        self.out.files.push((path.to_string(), data));
        Ok(Ok(()))
    }

    fn too_many(&mut self, seen: usize) -> bool {
        if seen > self.limits.max_files {
            self.bomb(format!("more than {} entries", self.limits.max_files));
            return true;
        }
        false
    }

    fn zip(&mut self, bytes: &[u8]) {
        let mut archive = match zip::ZipArchive::new(io::Cursor::new(bytes)) {
            Ok(a) => a,
            Err(e) => return self.unreadable(format!("not a readable zip: {e}")),
        };
        for i in 0..archive.len() {
            if self.too_many(i + 1) {
                return;
            }
            let mut entry = match archive.by_index(i) {
                Ok(e) => e,
                Err(e) => {
                    self.unreadable(format!("entry #{i}: {e}"));
                    continue;
                }
            };
            let raw = entry.name().to_string();
            let path = match check_path(&raw, self.limits.max_path_len) {
                Ok(p) => p,
                Err(why) => {
                    self.unsafe_path(&raw, why);
                    continue;
                }
            };
            if entry.is_dir() {
                continue;
            }
            if entry.encrypted() {
                self.unreadable(format!("{path}: encrypted entry"));
                continue;
            }
            if entry.is_symlink() {
                let mut target = Vec::new();
                match (&mut entry).take(4096).read_to_end(&mut target) {
                    Ok(_) => self.link(&path, "symlink", &String::from_utf8_lossy(&target)),
                    Err(e) => self.unreadable(format!("{path}: {e}")),
                }
                continue;
            }
            let declared = entry.size();
            match self.read_file(&path, declared, &mut entry) {
                Ok(Ok(())) => {}
                Ok(Err(Breach(why))) => return self.bomb(why),
                Err(e) => self.unreadable(format!("{path}: {e}")),
            }
        }
    }

    fn tar(&mut self, stream: impl Read) {
        // The tar stream itself is metered too: skipping a huge non-file
        // entry still decompresses it, and that must stop at a cap.
        let l = self.limits;
        let cap = l
            .max_total_bytes
            .saturating_add((l.max_files as u64).saturating_mul(2048))
            .saturating_add(RATIO_GRACE_BYTES);
        let mut archive = tar::Archive::new(Metered {
            inner: stream,
            left: cap,
        });
        let entries = match archive.entries() {
            Ok(e) => e,
            Err(e) => return self.unreadable(format!("not a readable tar: {e}")),
        };
        for (i, entry) in entries.enumerate() {
            if self.too_many(i + 1) {
                return;
            }
            let mut entry = match entry {
                Ok(e) => e,
                Err(e) if e.kind() == io::ErrorKind::FileTooLarge => {
                    return self.bomb(format!("tar stream larger than {cap} bytes"));
                }
                Err(e) => return self.unreadable(format!("after entry #{i}: {e}")),
            };
            let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let kind = entry.header().entry_type();
            if kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
                continue;
            }
            let path = match check_path(&raw, self.limits.max_path_len) {
                Ok(p) => p,
                Err(why) => {
                    self.unsafe_path(&raw, why);
                    continue;
                }
            };
            if kind.is_dir() {
                continue;
            }
            if kind.is_symlink() || kind.is_hard_link() {
                let target = entry
                    .link_name_bytes()
                    .map(|t| String::from_utf8_lossy(&t).into_owned())
                    .unwrap_or_default();
                let what = if kind.is_symlink() {
                    "symlink"
                } else {
                    "hard link"
                };
                // A hard link's target is relative to the archive root.
                let from = if kind.is_symlink() {
                    path.as_str()
                } else {
                    "x"
                };
                self.link(from, what, &target);
                continue;
            }
            if !(kind.is_file() || kind.is_contiguous()) {
                self.link(&path, "special file", "");
                continue;
            }
            let declared = entry.size();
            match self.read_file(&path, declared, &mut entry) {
                Ok(Ok(())) => {}
                Ok(Err(Breach(why))) => return self.bomb(why),
                Err(e) if e.kind() == io::ErrorKind::FileTooLarge => {
                    return self.bomb(format!("tar stream larger than {cap} bytes"));
                }
                Err(e) => return self.unreadable(format!("{path}: {e}")),
            }
        }
    }
}

/// Counts decompressed bytes and fails once `left` is used up.
struct Metered<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                "decompressed size limit reached",
            ));
        }
        let n = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let got = self.inner.read(&mut buf[..n])?;
        self.left -= got as u64;
        Ok(got)
    }
}

/// Normalizes an entry path, or says why it is unsafe.
fn check_path(raw: &str, max_len: usize) -> Result<String, &'static str> {
    if raw.len() > max_len {
        return Err("path longer than the limit");
    }
    if raw.contains('\0') {
        return Err("NUL byte in path");
    }
    let unified = raw.replace('\\', "/");
    if unified.starts_with('/') {
        return Err("absolute path");
    }
    let b = unified.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Err("drive letter");
    }
    let mut parts = Vec::new();
    for part in unified.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("parent directory (..) in path"),
            p => parts.push(p),
        }
    }
    Ok(parts.join("/"))
}

/// Does a link at `path` with `target` resolve outside the archive root?
fn link_escapes(path: &str, target: &str) -> bool {
    let target = target.replace('\\', "/");
    if target.starts_with('/') || target.as_bytes().get(1) == Some(&b':') {
        return true;
    }
    let mut depth = path.split('/').filter(|p| !p.is_empty()).count() as i64 - 1;
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => depth += 1,
        }
    }
    false
}

/// Cuts `s` to at most `max` bytes on a character boundary, marking the cut.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
pub(crate) mod tests;
