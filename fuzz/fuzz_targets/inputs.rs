//! What users and upstreams hand secpip as text: requirement lines, pip
//! arguments, npm specs, lock files and packuments. Each parser answers
//! with a value or an error, never a panic, and what it accepts holds up:
//! an accepted requirement or lock file names only valid packages.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secpip::ecosystem::npm::{lockfile, names as npm_names, packument};
use secpip::ecosystem::pypi::requirements;

fuzz_target!(|text: &str| {
    if let Ok(req) = requirements::parse_requirement(text) {
        let name = req.name.to_string();
        assert!(requirements::validate_name(&name).is_ok(), "{name:?}");
    }
    let args: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
    let _ = requirements::check_pip_args(&args);
    let (name, _) = npm_names::split_spec(text);
    let _ = npm_names::validate_name(name);
    if let Ok(tree) = lockfile::parse(text) {
        for package in tree {
            let name = &package.id.name;
            assert!(npm_names::validate_name(name).is_ok(), "{name:?}");
        }
    }
    let _ = packument::parse(text.as_bytes(), "1.0.0");
});
