//! Archive tests, and the in-memory artifact builders the other rule
//! families' tests share (tar.gz with raw hostile names, zip/wheel).

use super::*;
use std::io::Write;

/// A tar.gz built in memory: `(path, content)` regular files, plus
/// `(path, target)` symlinks. Paths are written raw, bypassing `tar`'s
/// own sanitizing, so hostile names can be crafted.
pub(crate) fn tgz(files: &[(&str, &[u8])], links: &[(&str, &str)]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut b = tar::Builder::new(gz);
    for (path, data) in files {
        let mut h = tar::Header::new_gnu();
        h.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append(&h, *data).unwrap();
    }
    for (path, target) in links {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Symlink);
        h.set_path(path).unwrap();
        h.set_link_name(target).unwrap();
        h.set_size(0);
        h.set_cksum();
        b.append(&h, io::empty()).unwrap();
    }
    b.into_inner().unwrap().finish().unwrap()
}

/// A zip (wheel) built in memory.
pub(crate) fn zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (path, data) in files {
        w.start_file(*path, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn codes(r: &ArchiveRead) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn wheel_and_sdist_are_read_in_memory() {
    let files: &[(&str, &[u8])] = &[("pkg/__init__.py", b"x = 1\n"), ("./pkg/a.py", b"")];
    for (name, bytes) in [
        ("p-1.0-py3-none-any.whl", zip(files)),
        ("p-1.0.tar.gz", tgz(files, &[])),
    ] {
        let r = read_archive(name, &bytes, &ArchiveLimits::default());
        assert!(r.findings.is_empty(), "{name}: {r:?}");
        let paths: Vec<_> = r.files.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["pkg/__init__.py", "pkg/a.py"]);
        assert_eq!(r.total_bytes, 6);
    }
}

#[test]
fn zip_bomb_stops_at_the_cap() {
    // 24 MiB of zeros deflates to ~24 KiB: far past 100:1.
    let mut w = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    w.start_file("bomb.txt", opts).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..24 {
        w.write_all(&chunk).unwrap();
    }
    let bytes = w.finish().unwrap().into_inner();
    let r = read_archive(
        "bomb-1.0-py3-none-any.whl",
        &bytes,
        &ArchiveLimits::default(),
    );
    assert_eq!(codes(&r), [ARCHIVE_BOMB], "{r:?}");
    assert!(r.files.is_empty());
    assert!(r.findings[0].evidence[0].contains("100:1"), "{r:?}");
    // Per-file limit, with the ratio out of the way.
    let limits = ArchiveLimits {
        max_ratio: u64::MAX,
        max_file_bytes: 1 << 20,
        ..Default::default()
    };
    let r = read_archive("bomb.zip", &bytes, &limits);
    assert!(
        r.findings[0].evidence[0].contains("larger than 1048576"),
        "{r:?}"
    );
}

#[test]
fn traversal_absolute_and_drive_paths_are_never_extracted() {
    let files: &[(&str, &[u8])] = &[
        ("../../etc/x", b"evil"),
        ("/etc/passwd", b"evil"),
        ("C:/Windows/evil.dll", b"evil"),
        ("ok/a.py", b"ok"),
    ];
    for (name, bytes) in [("x.tar.gz", tgz(files, &[])), ("x.zip", zip(files))] {
        let r = read_archive(name, &bytes, &ArchiveLimits::default());
        assert_eq!(codes(&r), [ARCHIVE_UNSAFE_PATH], "{name}: {r:?}");
        assert_eq!(r.findings[0].evidence.len(), 3, "{name}: {r:?}");
        assert_eq!(r.files, vec![("ok/a.py".to_string(), b"ok".to_vec())]);
    }
}

#[test]
fn symlinks_in_tars_are_findings() {
    let bytes = tgz(
        &[],
        &[
            ("pkg/creds", "/root/.aws/credentials"),
            ("pkg/L", "../LICENSE"),
        ],
    );
    let r = read_archive("x.tgz", &bytes, &ArchiveLimits::default());
    assert_eq!(codes(&r), [ARCHIVE_LINK]);
    assert_eq!(r.findings[0].points, LINK_POINTS);
    assert!(r.files.is_empty());
    let r = read_archive(
        "x.tgz",
        &tgz(&[], &[("pkg/L", "../pkg/LICENSE")]),
        &ArchiveLimits::default(),
    );
    assert_eq!(r.findings[0].points, INNER_LINK_POINTS, "{r:?}");
}

#[test]
fn corrupt_or_unknown_archives_fail_closed() {
    let limits = ArchiveLimits::default();
    for (name, bytes) in [
        ("x.rar", b"Rar!".to_vec()),
        ("x.whl", b"not a zip".to_vec()),
        ("x.tar.gz", vec![0x1f, 0x8b, 8, 0, 1, 2, 3]),
        ("x.zip", b"PK\x03\x04garbage".to_vec()),
    ] {
        let r = read_archive(name, &bytes, &limits);
        assert_eq!(codes(&r), [ARCHIVE_UNREADABLE], "{name}: {r:?}");
    }
}

#[test]
fn too_many_files_is_a_bomb() {
    let files: Vec<(String, Vec<u8>)> = (0..12).map(|i| (format!("f{i}"), vec![])).collect();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, d)| (p.as_str(), d.as_slice()))
        .collect();
    let limits = ArchiveLimits {
        max_files: 10,
        ..Default::default()
    };
    let r = read_archive("x.tar.gz", &tgz(&refs, &[]), &limits);
    assert_eq!((codes(&r), r.files.len()), (vec![ARCHIVE_BOMB], 10));
}
