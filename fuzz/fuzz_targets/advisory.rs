//! An OSV record comes from an advisory API or an imported `all.zip`;
//! its version ranges decide whether a package is known-malicious. Any
//! record and any version must get an answer, never a panic, and a
//! withdrawn record affects nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secpip::advisories::Record;
use secpip::ecosystem::Ecosystem;

fuzz_target!(|text: &str| {
    // First line: the version asked about; the rest: the record.
    let (version, json) = text.split_once('\n').unwrap_or(("1.0.0", text));
    let Ok(record) = Record::parse(json.as_bytes()) else {
        return;
    };
    for (ecosystem, name) in record.packages() {
        let affected = record.affects(ecosystem, &name, version);
        if record.is_withdrawn() {
            assert!(!affected, "a withdrawn record affects nothing");
        }
        let _ = record.advisory_for(ecosystem, &name, version);
    }
    for ecosystem in [Ecosystem::Pypi, Ecosystem::Npm] {
        let _ = record.affects(ecosystem, "x", version);
    }
});
