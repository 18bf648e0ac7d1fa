//! An artifact is the attacker's file: reading and scanning it must never
//! panic, and what comes out must respect the limits and hold only safe,
//! relative paths, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secpip::verdict::archive::{read_archive, ArchiveLimits};
use secpip::verdict::content::scan;

/// Small limits, so that a bomb is found in milliseconds, not minutes.
const LIMITS: ArchiveLimits = ArchiveLimits {
    max_total_bytes: 1 << 20,
    max_files: 200,
    max_file_bytes: 1 << 19,
    max_ratio: 100,
    max_path_len: 400,
};

/// The first byte picks the name the artifact is published under.
const NAMES: [&str; 6] = [
    "pkg-1.0-py3-none-any.whl",
    "pkg-1.0.tar.gz",
    "pkg-1.0.tgz",
    "pkg-1.0.zip",
    "pkg-1.0.tar",
    "pkg-1.0.egg",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let read = read_archive(name, bytes, &LIMITS);
    let sum: u64 = read.files.iter().map(|(_, c)| c.len() as u64).sum();
    assert_eq!(read.total_bytes, sum, "total_bytes is the files' sum");
    assert!(read.total_bytes <= LIMITS.max_total_bytes, "total limit");
    assert!(read.files.len() <= LIMITS.max_files, "file count limit");
    for (path, content) in &read.files {
        assert!(
            content.len() as u64 <= LIMITS.max_file_bytes,
            "{path}: file limit"
        );
        assert!(path.len() <= LIMITS.max_path_len, "{path}: path limit");
        assert!(
            !path.starts_with('/') && !path.contains('\\'),
            "{path}: not relative"
        );
        assert!(
            path.split('/').all(|part| part != ".."),
            "{path}: traversal"
        );
    }
    // The content scan reads whatever came out.
    let _ = scan(&read.files);
});
