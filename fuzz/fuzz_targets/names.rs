//! Names and versions arrive from command lines, requirement files, lock
//! files and the team server's query string. Whatever the text, the name
//! rules and the version rule must answer, not panic; a name that passes
//! validation must be checkable in both ecosystems.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secpip::ecosystem::Ecosystem;
use secpip::verdict::popular::PopularIndex;
use secpip::verdict::typosquat::{check, combination, Hints, TyposquatConfig};
use secpip::verdict::version_race;

fuzz_target!(|text: &str| {
    let cfg = TyposquatConfig::default();
    for ecosystem in [Ecosystem::Pypi, Ecosystem::Npm] {
        // Unvalidated on purpose: the rules must hold up on any text.
        let found = check(ecosystem, text, PopularIndex::shipped(ecosystem), &cfg);
        assert!(
            found.len() <= cfg.max_results,
            "at most max_results matches"
        );
        let popular = PopularIndex::shipped(ecosystem);
        let _ = combination(ecosystem, text, popular, &cfg, &Hints::default());
    }
    let _ = version_race::check(text, text, 60);
});
