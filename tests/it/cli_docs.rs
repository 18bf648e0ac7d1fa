//! `completions/` and `man/` are generated from the clap definitions; this
//! test fails when a flag changes and they were not regenerated
//! (`cargo run -- generate .`).

use std::path::Path;
use std::process::Command;

fn read_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().into_string().unwrap(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn completions_and_man_page_are_current() {
    let tmp = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_secpip"))
        .arg("generate")
        .arg(tmp.path())
        .status()
        .unwrap();
    assert!(status.success());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["completions", "man"] {
        let fresh = read_tree(&tmp.path().join(sub));
        let committed = read_tree(&root.join(sub));
        let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&fresh),
            names(&committed),
            "{sub}/ file list differs; run `cargo run -- generate .`"
        );
        for ((name, a), (_, b)) in fresh.iter().zip(&committed) {
            assert!(
                a == b,
                "{sub}/{name} is stale; run `cargo run -- generate .`"
            );
        }
    }
}

#[test]
fn help_lists_subcommands_and_global_flags() {
    let out = Command::new(env!("CARGO_BIN_EXE_secpip"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for word in [
        "install", "check", "status", "allow", "block", "--json", "--ci",
    ] {
        assert!(text.contains(word), "--help lacks {word}:\n{text}");
    }
    assert!(!text.contains("generate"), "hidden command shown:\n{text}");
}
