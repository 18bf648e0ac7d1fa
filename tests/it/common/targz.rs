//! The one tar.gz writer the fixtures share: the loopback PyPI index
//! (sdists), the loopback npm registry (tarballs) and the team-repository
//! packages in `artifacts` all build their archives here, so a fix to the
//! format lands in all of them. The benchmark example includes it by path
//! too, next to `faults` and `loopback`.

/// A gzip'd tar of `(path, bytes)` members: regular files, mode 644, all
/// dated `mtime` (so the same members give the same bytes).
pub fn targz_at(members: &[(String, Vec<u8>)], mtime: u64) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (path, bytes) in members {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(mtime);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, path, bytes.as_slice())
            .expect("append a tar member");
    }
    tar.into_inner()
        .and_then(|gz| gz.finish())
        .expect("finish the tarball")
}
