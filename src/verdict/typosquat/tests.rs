//! One test per transformation, per ecosystem, and the false-positive
//! guards on the top 2,000 names of both shipped lists.

use super::*;

fn pypi() -> &'static PopularIndex {
    PopularIndex::shipped_pypi()
}

fn npm() -> &'static PopularIndex {
    PopularIndex::shipped_npm()
}

fn targets_in(popular: &PopularIndex, name: &str) -> Vec<String> {
    similar_packages(name, popular)
        .into_iter()
        .map(|similar| similar.name)
        .collect()
}

fn targets(name: &str) -> Vec<String> {
    targets_in(pypi(), name)
}

/// The transformation reported for `target`; panics when not flagged.
fn explain_in(popular: &PopularIndex, name: &str, target: &str) -> String {
    similar_packages(name, popular)
        .into_iter()
        .find(|similar| similar.name == target)
        .map(|similar| similar.transformation)
        .unwrap_or_else(|| {
            panic!(
                "{name} is not flagged as {target}: {:?}",
                similar_packages(name, popular)
            )
        })
}

fn explain(name: &str, target: &str) -> String {
    explain_in(pypi(), name, target)
}

#[test]
fn swapped_letters() {
    assert_eq!(
        explain("reqeusts", "requests"),
        "swapped adjacent characters"
    );
    assert_eq!(explain("djnago", "django"), "swapped adjacent characters");
}

#[test]
fn repeated_omitted_and_extra_letters() {
    assert_eq!(explain("numpyy", "numpy"), "repeated character 'y'");
    assert_eq!(explain("reqests", "requests"), "omitted character 'u'");
    assert_eq!(explain("pilow", "pillow"), "doubled letter 'l' typed once");
    assert_eq!(explain("requxests", "requests"), "extra character 'x'");
    assert_eq!(
        explain("cryptograpy", "cryptography"),
        "omitted character 'h'"
    );
}

#[test]
fn changed_letters_and_keyboard_slips() {
    assert_eq!(
        explain("requepts", "requests"),
        "one character changed: 'p' for 's'"
    );
    assert_eq!(
        explain("requeats", "requests"),
        "keyboard slip: 'a' for 's'"
    );
}

#[test]
fn a_neighbour_key_pressed_with_the_intended_one() {
    assert_eq!(
        explain("reqwuests", "requests"),
        "keyboard slip: extra character 'w'"
    );
    assert_eq!(
        explain_in(npm(), "exporess", "express"),
        "keyboard slip: extra character 'o'"
    );
    // A fat finger is a slip, not a weak edit: it reaches past the most
    // popular names. An arbitrary extra letter, or a neighbour at a
    // word's edge (where it often makes another word: `schedule`,
    // `scheduler`), does not.
    let index = PopularIndex::from_ranked_for(
        Ecosystem::Pypi,
        [
            ("requests", 1, None),
            ("schedule", 900, None),
            ("pandas-profiling", 901, None),
        ],
    );
    let flagged = |name: &str| -> Vec<(String, Kind)> {
        check_with_hints(
            Ecosystem::Pypi,
            name,
            &index,
            &TyposquatConfig::default(),
            &Hints::default(),
        )
        .into_iter()
        .map(|found| (found.similar.name, found.kind))
        .collect()
    };
    assert_eq!(
        flagged("schedxule"),
        [("schedule".to_owned(), Kind::FatFinger)]
    );
    assert_eq!(
        flagged("pandas-profilinbg"),
        [("pandas-profiling".to_owned(), Kind::FatFinger)]
    );
    assert!(flagged("schedzule").is_empty(), "not a neighbour");
    assert!(flagged("scheduler").is_empty(), "at the end of the name");
    assert!(
        flagged("pandasa-profiling").is_empty(),
        "at the end of a word"
    );
    assert!(
        flagged("pandas-oprofiling").is_empty(),
        "at the start of a word"
    );
    // Against the most popular names, an extra letter anywhere still counts.
    assert_eq!(flagged("requestsa"), [("requests".to_owned(), Kind::Extra)]);
}

#[test]
fn weak_edits_only_against_the_most_popular() {
    // An arbitrary letter changed: yes against requests (#6), not against a
    // name ranked below `weak_max_target_rank`, nor at the first letter.
    let strict = TyposquatConfig {
        weak_max_target_rank: 1,
        ..TyposquatConfig::default()
    };
    assert!(similar_packages_with("requepts", pypi(), &strict).is_empty());
    assert!(targets("zequests").is_empty());
}

#[test]
fn weak_edits_need_a_longer_name() {
    // An arbitrary letter changed in a short name makes another real name.
    assert!(targets("blask").is_empty());
    assert!(targets("scipp").is_empty());
    assert_eq!(
        explain("requesks", "requests"),
        "one character changed: 'k' for 't'"
    );
    let short = TyposquatConfig {
        weak_min_len: 5,
        ..TyposquatConfig::default()
    };
    assert!(similar_packages_with("blask", pypi(), &short)
        .iter()
        .any(|s| s.name == "black"));
}

#[test]
fn version_numbers() {
    assert_eq!(explain("requests2", "requests"), "added version number '2'");
    let found = targets("request2");
    assert!(found.iter().any(|t| t == "requests"), "{found:?}");
    assert_eq!(explain("urllib", "urllib3"), "dropped the version number");
    assert_eq!(
        explain("urllib4", "urllib3"),
        "changed the version number to '4'"
    );
    // The version's last digit typed twice is a repeated character.
    assert_eq!(explain("urllib33", "urllib3"), "repeated character '3'");
    // A version written as a word of its own is the same game.
    assert_eq!(
        explain_in(npm(), "eslint-v7", "eslint"),
        "added version number 'v7'"
    );
    assert_eq!(
        explain_in(npm(), "express-v4", "express"),
        "added version number 'v4'"
    );
    // Glued on, a `v` and a number are part of the name (`uuidv4` names
    // UUID version 4), and a lone `v` word is no version.
    assert!(targets_in(npm(), "uuidv4").is_empty());
    assert_eq!(
        names::split_version_word("eslint-v7"),
        Some(("eslint", "v7"))
    );
    assert_eq!(names::split_version_word("eslint-v"), None);
    assert_eq!(names::split_version_word("eslint-vx7"), None);
}

#[test]
fn plurals_on_several_words() {
    assert_eq!(
        explain("torchs-visions", "torchvision"),
        "added plural 's' in 'torchs', 'visions'"
    );
    assert_eq!(
        explain_in(npm(), "react-hooks-forms", "react-hook-form"),
        "added plural 's' in 'hooks', 'forms'"
    );
    // One plural makes names and reaches only `near_max_target_rank`;
    // two at once do not, and reach the targets (`webpack-dev-server` is
    // npm #1765, `webpack-bundle-analyzer` #2484).
    assert_eq!(
        explain_in(npm(), "webpacks-dev-servers", "webpack-dev-server"),
        "added plural 's' in 'webpacks', 'servers'"
    );
    assert_eq!(
        explain_in(
            npm(),
            "webpacks-bundles-analyzer",
            "webpack-bundle-analyzer"
        ),
        "added plural 's' in 'webpacks', 'bundles'"
    );
    let near = TyposquatConfig {
        max_target_rank: 1500,
        ..TyposquatConfig::default()
    };
    assert!(check(Ecosystem::Npm, "webpacks-dev-servers", npm(), &near).is_empty());
    // One plural on a name of 10+ characters reaches the targets too
    // (`taskgroup` is #2929, `winston` npm #1582): a long name made plural
    // still reads as the popular one, and few real names are that by
    // chance (measured in `docs/typosquat.md`). A shorter name made
    // plural is a word of its own more often, so it stays capped.
    assert_eq!(explain("taskgroups", "taskgroup"), "added plural 's'");
    assert!(check(Ecosystem::Pypi, "taskgroups", pypi(), &near).is_empty());
    assert!(targets_in(npm(), "winstons").is_empty());
    let wide = TyposquatConfig {
        near_max_target_rank: 5000,
        ..TyposquatConfig::default()
    };
    assert_eq!(
        check(Ecosystem::Npm, "winstons", npm(), &wide)[0].transformation,
        "added plural 's'"
    );
    // One plural `s` is one extra letter, weighed by the distance rule: a
    // name of its own beyond the top 500 (`styles-loader`, a real
    // package), a squat of the most popular (`huggingfaces-hub`).
    assert!(targets_in(npm(), "styles-loader").is_empty());
    assert_eq!(
        explain("huggingfaces-hub", "huggingface-hub"),
        "extra character 's'"
    );
    // `ss`, `us` and `is` end words, not plurals.
    assert_eq!(
        names::singular("process-status-redis"),
        "processstatusredis"
    );
    assert_eq!(names::singular("torchs-visions"), "torchvision");
    assert_eq!(names::singular("gas-bus"), "gasbus");
}

#[test]
fn prefixes_and_suffixes() {
    assert_eq!(
        explain("python-requests", "requests"),
        "added prefix 'python'"
    );
    assert_eq!(explain("py-requests", "requests"), "added prefix 'py'");
    assert_eq!(explain("requests-py", "requests"), "added suffix 'py'");
    assert_eq!(explain("requests-dev", "requests"), "added suffix 'dev'");
    assert_eq!(explain("pyrequests", "requests"), "added 'py'");
    // `dateutil` drops a word too, but it is what `python-dateutil` is
    // imported by, the simpler explanation (`imports.rs`).
    assert_eq!(
        explain("json-logger", "python-json-logger"),
        "dropped a word"
    );
    assert_eq!(
        explain("python3-dateutil", "python-dateutil"),
        "replaced a word by prefix 'python3'"
    );
    assert_eq!(
        explain("pydateutil", "python-dateutil"),
        "'py' for 'python'"
    );
    assert_eq!(explain("djangodjango", "django"), "the name repeated");
}

#[test]
fn a_promise_to_install_the_popular_project() {
    assert_eq!(
        explain("install-pyyaml", "pyyaml"),
        "added prefix 'install'"
    );
    assert_eq!(
        explain("sqlalchemy-install", "sqlalchemy"),
        "added suffix 'install'"
    );
    assert_eq!(explain("urllib3installer", "urllib3"), "added 'installer'");
    assert_eq!(
        explain_in(npm(), "react-installer", "react"),
        "added suffix 'installer'"
    );
    // A glued base needs four letters, like a glued `py`: `mcp` counts only
    // as a separate word.
    assert!(targets("mcpinstall").is_empty());
    assert_eq!(explain("mcp-install", "mcp"), "added suffix 'install'");
    // The word itself, not any word that starts like it.
    assert!(targets("pyyaml-installation").is_empty());
    assert!(targets("install-nothing-popular").is_empty());
}

#[test]
fn a_word_dropped_from_a_long_name_reaches_the_targets() {
    // `aws-encryption-sdk` is #2210, beyond `near_max_target_rank`: a long
    // name that drops a word still reads as the popular one.
    assert_eq!(
        explain("awsencryption", "aws-encryption-sdk"),
        "dropped a word"
    );
    assert_eq!(
        explain("aws-encryption", "aws-encryption-sdk"),
        "dropped a word"
    );
    // A short one is a name of its own (`python-barcode` is #3075).
    assert!(targets("barcode").is_empty(), "{:?}", targets("barcode"));
}

#[test]
fn a_slip_hidden_behind_an_added_word() {
    assert_eq!(
        explain("reqeusts-py", "requests"),
        "swapped adjacent characters, and added suffix 'py'"
    );
    assert_eq!(
        explain("python-reqeusts", "requests"),
        "swapped adjacent characters, and added prefix 'python'"
    );
    assert_eq!(
        explain("pynumpyy", "numpy"),
        "repeated character 'y', and added 'py'"
    );
    assert_eq!(
        explain_in(npm(), "node-lodahs", "lodash"),
        "swapped adjacent characters, and added prefix 'node'"
    );
    // Only slips: a changed letter plus a word is a new name, not a typo.
    assert!(!targets("reguests-py").contains(&"requests".to_string()));
    // The base must be long enough.
    assert!(!targets("sxi-py").contains(&"six".to_string()));
    // A version number is an addition too.
    assert_eq!(
        explain("reqeusts2", "requests"),
        "swapped adjacent characters, and added version number '2'"
    );
    assert_eq!(
        explain("numpyy3", "numpy"),
        "repeated character 'y', and added version number '3'"
    );
    // A stem and an addition is another name, not a slip.
    assert!(!targets("entrypoint2").contains(&"entrypoints".to_string()));
    assert!(!targets_in(npm(), "enquire.js").contains(&"enquirer".to_string()));
}

#[test]
fn a_slip_in_one_word_of_a_longer_name() {
    assert_eq!(
        explain("pandass-utils", "pandas"),
        "repeated character 's', and added word 'utils'"
    );
    assert_eq!(
        explain("tensorflw-gpu", "tensorflow"),
        "omitted character 'o', and added word 'gpu'"
    );
    assert_eq!(
        explain("admin-djnago-tools", "django"),
        "swapped adjacent characters, and added words 'admin-tools'"
    );
    assert_eq!(
        explain_in(npm(), "expresss-router", "express"),
        "repeated character 's', and added word 'router'"
    );
    // Only slips: a changed letter plus a word is a new name.
    assert!(!targets("reguests-toolkit").contains(&"requests".to_string()));
    // A letter left out of a short word makes another word.
    assert!(
        targets("easy-scrap").is_empty(),
        "{:?}",
        targets("easy-scrap")
    );
    assert!(targets("pandas-linker").is_empty());
    assert_eq!(
        explain("oslodb-sqlachemy-exceptions", "sqlalchemy"),
        "omitted character 'l', and added words 'oslodb-exceptions'"
    );
    // A word some popular name uses is a family's word, not a typo
    // (`python` is one omission from `ipython`).
    assert!(!targets("python-foo").contains(&"ipython".to_string()));

    let index = PopularIndex::from_ranked_for(
        Ecosystem::Pypi,
        [
            ("holidays", 1, None),
            ("scikit-learn", 2, None),
            ("tensorflow", 3, None),
        ],
    );
    let flagged = |name: &str, cfg: &TyposquatConfig| -> Vec<String> {
        similar_packages_with(name, &index, cfg)
            .into_iter()
            .map(|similar| similar.name)
            .collect()
    };
    let cfg = TyposquatConfig::default();
    assert_eq!(flagged("holidys-tools", &cfg), ["holidays"]);
    // A missing last letter is a stem.
    assert!(flagged("holiday-tools", &cfg).is_empty());
    // The target is a one-word name: a word of a longer one is a family.
    assert!(flagged("scikitlaern-extra", &cfg).is_empty());
    // Only the most popular names are targets.
    let top_two = TyposquatConfig {
        word_slip_max_target_rank: 2,
        ..cfg.clone()
    };
    assert_eq!(flagged("holidys-tools", &top_two), ["holidays"]);
    assert!(flagged("tensorflw-gpu", &top_two).is_empty());
    assert_eq!(flagged("tensorflw-gpu", &cfg), ["tensorflow"]);
}

#[test]
fn separators_and_word_order() {
    assert_eq!(
        explain("pythondateutil", "python-dateutil"),
        "separators changed"
    );
    assert_eq!(
        explain("dateutil-python", "python-dateutil"),
        "words reordered"
    );
    assert_eq!(
        explain("python-dateutli", "python-dateutil"),
        "swapped adjacent characters"
    );
    // PEP 503: the same package, not a squat.
    assert!(targets("Python_DateUtil").is_empty());
}

#[test]
fn look_alike_characters() {
    for (name, target) in [
        ("rnatplotlib", "matplotlib"),
        ("f1ask", "flask"),
        ("b0to3", "boto3"),
        ("vvheel", "wheel"),
        ("rnatpl0tlib", "matplotlib"),
        ("djanqo", "django"),
    ] {
        assert!(explain(name, target).contains("look-alike"), "{name}");
    }
}

#[test]
fn two_edits_only_for_long_names() {
    assert_eq!(
        explain("cryptogrpahyy", "cryptography"),
        "two characters changed"
    );
    assert!(targets("nunpyyy").is_empty());
    // Nine characters is still one edit: two make other names.
    assert!(
        targets("casetools").is_empty(),
        "{:?}",
        targets("casetools")
    );
    let nine = TyposquatConfig {
        two_edit_min_len: 9,
        ..TyposquatConfig::default()
    };
    assert_eq!(
        check(Ecosystem::Pypi, "casetools", pypi(), &nine)[0].name,
        "cachetools"
    );
}

#[test]
fn plugin_families_are_not_squats() {
    for name in ["pytest-cpu", "mypy-boto3-sns", "flask-corss"] {
        let found = targets(name);
        assert!(
            !found
                .iter()
                .any(|t| t.starts_with("pytest") || t.starts_with("mypy")),
            "{name}: {found:?}"
        );
    }
    // A typo in a short word is still a typo.
    assert!(targets("google-cloud-cor").contains(&"google-cloud-core".to_owned()));
    // A whole extra word makes a new name, not a typo.
    let index = PopularIndex::from_ranked([("markdown-it", 1, None)]);
    assert!(similar_packages("markdown-it-ts", &index).is_empty());
}

#[test]
fn npm_separators_and_case_are_games() {
    assert_eq!(
        explain_in(npm(), "lodash-merge", "lodash.merge"),
        "separators changed"
    );
    assert_eq!(
        explain_in(npm(), "jsonstream", "JSONStream"),
        "case changed"
    );
    assert_eq!(
        explain_in(npm(), "lodahs", "lodash"),
        "swapped adjacent characters"
    );
    assert_eq!(
        explain_in(npm(), "lodash.js", "lodash"),
        "added suffix 'js'"
    );
    assert_eq!(
        explain_in(npm(), "node-lodash", "lodash"),
        "added prefix 'node'"
    );
    assert!(explain_in(npm(), "1odash", "lodash").contains("look-alike"));
}

#[test]
fn npm_scope_games() {
    assert!(explain_in(npm(), "@bable/core", "@babel/core").contains("misspelled scope"));
    assert!(explain_in(
        npm(),
        "@typescript_eslint/parser",
        "@typescript-eslint/parser"
    )
    .contains("separators"));
    assert!(explain_in(npm(), "@types-x/react", "@types/react").contains("dressed up"));
    // Inside the owner's own scope: no squat.
    assert!(targets_in(npm(), "@babel/cor").is_empty());
    // An unscoped copy of a scoped name is not automatically a squat: most
    // scoped packages once had a bare name of their own.
    let index = PopularIndex::from_ranked_for(
        Ecosystem::Npm,
        [
            ("@babel/core", 1, None),
            ("@testing-library/jest-dom", 2, None),
            ("@types/express-serve-static-core", 3, None),
        ],
    );
    assert!(similar_packages("babel-core", &index).is_empty());
    assert!(similar_packages("core", &index).is_empty());
    assert!(similar_packages("jest-dom", &index).is_empty());
    // A bare name of three words or more is nobody's by chance...
    assert_eq!(
        explain_in(
            npm(),
            "platform-browser-dynamic",
            "@angular/platform-browser-dynamic"
        ),
        "copied without its scope '@angular'"
    );
    // ...unless the scope is `@types`, which describes that very package.
    assert!(similar_packages("express-serve-static-core", &index).is_empty());
}

#[test]
fn check_makes_names_canonical_per_ecosystem() {
    let found = check(
        Ecosystem::Pypi,
        "Python_Requests",
        pypi(),
        &TyposquatConfig::default(),
    );
    assert_eq!(found[0].name, "requests");
    assert_eq!(found[0].did_you_mean(), "did you mean 'requests'?");
    // npm names are not PEP 503 normalized: `lodash_merge` is its own name.
    let found = check(
        Ecosystem::Npm,
        "lodash_merge",
        npm(),
        &TyposquatConfig::default(),
    );
    assert!(found.iter().any(|s| s.name == "lodash.merge"), "{found:?}");
}

#[test]
fn popularity_ratio_and_hints() {
    let index = PopularIndex::from_ranked_for(
        Ecosystem::Npm,
        [
            ("chalk", 1, Some(1_000_000)),
            ("chalks", 6000, Some(200_000)),
        ],
    );
    let cfg = TyposquatConfig::default();
    // Listed, but only 5× less popular: not a squat.
    assert!(check(Ecosystem::Npm, "chalks", &index, &cfg).is_empty());
    let lax = TyposquatConfig {
        min_popularity_ratio: 2,
        ..cfg.clone()
    };
    assert_eq!(check(Ecosystem::Npm, "chalks", &index, &lax).len(), 1);
    // Unlisted, with known downloads.
    let busy = Hints {
        downloads: Some(500_000),
        ..Hints::default()
    };
    assert!(check_with_hints(Ecosystem::Npm, "chalkk", &index, &cfg, &busy).is_empty());
    // Same owner: the score drops below the threshold.
    let owned = ["chalk".to_owned()];
    let same = Hints {
        same_owner: &owned,
        ..Hints::default()
    };
    assert!(check_with_hints(Ecosystem::Npm, "chalkk", &index, &cfg, &same).is_empty());
    let found = check_with_hints(Ecosystem::Npm, "chalkk", &index, &cfg, &Hints::default());
    assert_eq!(found[0].kind, Kind::Repeated);
}

#[test]
fn short_names_are_never_compared_by_distance() {
    assert!(targets("sx").is_empty());
    assert!(targets("rqs").is_empty());
    let strict = TyposquatConfig {
        min_len: 9,
        ..TyposquatConfig::default()
    };
    assert!(similar_packages_with("reqeusts", pypi(), &strict).is_empty());
}

#[test]
fn only_targets_within_max_rank() {
    let index = PopularIndex::from_ranked([("requests", 1, None), ("rnyrare", 9000, None)]);
    assert_eq!(similar_packages("reqeusts", &index).len(), 1);
    // An omitted letter counts only within max_target_rank...
    assert!(similar_packages("rnyrar", &index).is_empty());
    let wide = TyposquatConfig {
        max_target_rank: 10_000,
        ..TyposquatConfig::default()
    };
    // ...and, as a game that makes names, within near_max_target_rank.
    assert!(similar_packages_with("rnyrar", &index, &wide).is_empty());
    let wider = TyposquatConfig {
        near_max_target_rank: 10_000,
        ..wide
    };
    assert_eq!(similar_packages_with("rnyrar", &index, &wider).len(), 1);
}

#[test]
fn swapped_and_doubled_letters_reach_the_whole_list() {
    let index = PopularIndex::from_ranked([("requests", 1, None), ("rnyrarez", 9000, None)]);
    // ...but a swap or a doubled letter in a long name reaches further.
    assert_eq!(
        explain_in(&index, "rnyraerz", "rnyrarez"),
        "swapped adjacent characters"
    );
    assert_eq!(similar_packages("rnyrarezz", &index).len(), 1);
    assert!(
        similar_packages("rnyrarz", &index).is_empty(),
        "an omission does not"
    );
    // A doubled letter typed once does: it keeps every letter, like a swap.
    let doubled = PopularIndex::from_ranked([("requests", 1, None), ("coffeescript", 9000, None)]);
    assert_eq!(
        explain_in(&doubled, "coffescript", "coffeescript"),
        "doubled letter 'e' typed once"
    );
    assert_eq!(
        explain_in(&doubled, "cofeescript", "coffeescript"),
        "doubled letter 'f' typed once"
    );
    // A plural `s` is an ordinary-reach game, but a doubled final `s` is
    // a doubled letter.
    let plural = PopularIndex::from_ranked([("requests", 1, None), ("rnyrares", 9000, None)]);
    assert!(similar_packages("rnyrarezs", &index).is_empty());
    assert_eq!(
        explain_in(&plural, "rnyraress", "rnyrares"),
        "repeated character 's'"
    );
    let near = TyposquatConfig {
        slip_max_target_rank: 5000,
        ..TyposquatConfig::default()
    };
    assert!(similar_packages_with("rnyraerz", &index, &near).is_empty());
    // Short names do not: too many real names are one swap apart.
    let short = PopularIndex::from_ranked([("requests", 1, None), ("rnyra", 9000, None)]);
    assert!(similar_packages("rnyar", &short).is_empty());
}

#[test]
fn letters_typed_several_times_or_doubles_typed_once() {
    assert_eq!(explain("requestsss", "requests"), "letters repeated");
    assert_eq!(explain("numpyyyy", "numpy"), "letters repeated");
    assert_eq!(
        explain_in(npm(), "expressss", "express"),
        "letters repeated"
    );
    let index = PopularIndex::from_ranked([("requests", 1, None), ("ballooning", 100, None)]);
    assert_eq!(
        explain_in(&index, "baloning", "ballooning"),
        "doubled letters typed once"
    );
    // A slip as well as the runs: the runs are cut, then the slip found.
    assert_eq!(
        explain("requstsss", "requests"),
        "omitted character 'e', and letters repeated"
    );
    assert_eq!(
        explain("reqeustsss", "requests"),
        "swapped adjacent characters, and letters repeated"
    );
    // One letter more or less is the distance rule's, with its phrase.
    assert_eq!(explain("pilow", "pillow"), "doubled letter 'l' typed once");
    assert_eq!(explain("flassk", "flask"), "repeated character 's'");
    // A run of letters is not a new name when nothing else changed.
    assert!(targets_in(&index, "ballooning").is_empty());
}

#[test]
fn one_vowel_for_another() {
    assert_eq!(
        explain("tensorflaw", "tensorflow"),
        "one vowel for another: 'a' for 'o'"
    );
    assert_eq!(
        explain_in(npm(), "expriss", "express"),
        "one vowel for another: 'i' for 'e'"
    );
    // Beyond the top 500 an arbitrary change does not count, and `y` is
    // no vowel here: `graphemy` is not `grapheme` misheard.
    let index = PopularIndex::from_ranked([("requests", 1, None), ("grapheme", 1000, None)]);
    assert_eq!(
        explain_in(&index, "graphame", "grapheme"),
        "one vowel for another: 'a' for 'e'"
    );
    assert!(targets_in(&index, "graphemy").is_empty());
}

#[test]
fn long_pypi_names_that_read_the_same_reach_the_whole_list() {
    let rows = || {
        [
            ("requests", 1, None),
            ("aws-encryption-sdk-cli", 12_000, None),
            ("abc-defgh", 12_000, None),
        ]
    };
    let pypi_index = PopularIndex::from_ranked(rows());
    assert_eq!(
        explain_in(&pypi_index, "awsencryptionsdkcli", "aws-encryption-sdk-cli"),
        "separators changed"
    );
    // A noise word makes names (`ninjapy`), so it keeps the nearer reach.
    assert!(targets_in(&pypi_index, "aws-encryption-sdk-cli-py").is_empty());
    // Short names keep the ordinary reach...
    assert!(targets_in(&pypi_index, "abcdefgh").is_empty());
    // ...and so does npm, where separators tell real packages apart.
    let npm_index = PopularIndex::from_ranked_for(Ecosystem::Npm, rows());
    assert!(targets_in(&npm_index, "awsencryptionsdkcli").is_empty());
    let near = TyposquatConfig {
        slip_max_target_rank: 5000,
        ..TyposquatConfig::default()
    };
    assert!(similar_packages_with("awsencryptionsdkcli", &pypi_index, &near).is_empty());
}

#[test]
fn npm_names_that_read_the_same_reach_far_when_downloads_are_known() {
    let index = PopularIndex::from_ranked_for(
        Ecosystem::Npm,
        [
            ("semver", 1, Some(2_000_000_000)),
            ("discord.js", 12_524, Some(1_500_000)),
        ],
    );
    let cfg = TyposquatConfig::default();
    let with = |downloads: Option<u64>| {
        let hints = Hints {
            downloads,
            ..Hints::default()
        };
        check_with_hints(Ecosystem::Npm, "discordjs", &index, &cfg, &hints)
    };
    // A new copy, online: the registry's count proves the gap.
    let found = with(Some(10));
    assert_eq!(found[0].similar.name, "discord.js", "{found:?}");
    assert_eq!(found[0].kind, Kind::Separators);
    // A package with its own users stands; offline there is no count, and
    // npm names that differ by separators are often both real.
    assert!(with(Some(400_000)).is_empty());
    assert!(with(None).is_empty());
    // A short name keeps the ordinary reach even then.
    let short = PopularIndex::from_ranked_for(
        Ecosystem::Npm,
        [
            ("semver", 1, Some(2_000_000_000)),
            ("my-sql", 9000, Some(3_000_000)),
        ],
    );
    let hints = Hints {
        downloads: Some(10),
        ..Hints::default()
    };
    assert!(check_with_hints(Ecosystem::Npm, "mysql", &short, &cfg, &hints).is_empty());
    let wide = TyposquatConfig {
        max_target_rank: 10_000,
        ..cfg.clone()
    };
    assert_eq!(
        check_with_hints(Ecosystem::Npm, "mysql", &short, &wide, &hints).len(),
        1,
        "the same shape within the ordinary reach is flagged"
    );
}

#[test]
fn results_sorted_by_score_then_rank_and_cut() {
    let index = PopularIndex::from_ranked([
        ("abcde", 5, None),
        ("abcdx", 4, None),
        ("abcdy", 3, None),
        ("abcdz", 2, None),
        ("abdce", 9, None),
    ]);
    let cfg = TyposquatConfig {
        max_results: 3,
        weak_min_len: 5,
        ..TyposquatConfig::default()
    };
    let found = similar_packages_with("abcdm", &index, &cfg);
    let ranks: Vec<u32> = found.iter().map(|s| s.rank).collect();
    assert_eq!(ranks, [2, 3, 4]);
}

#[test]
fn did_you_mean_is_the_simplest_explanation() {
    // One letter left out of `pydantic-core` beats one left out of the
    // more popular `pydantic` plus a word added.
    let first = |name: &str| targets(name).first().cloned();
    assert_eq!(targets("pydanic-core")[..2], ["pydantic-core", "pydantic"]);
    assert_eq!(first("pytset-cov").as_deref(), Some("pytest-cov"));
    assert_eq!(
        first("reuqests-oauthlib").as_deref(),
        Some("requests-oauthlib")
    );
    // A version number alone beats a slip plus a version number.
    assert_eq!(first("pyyaml3").as_deref(), Some("pyyaml"));
    assert_eq!(first("maarkdown2").as_deref(), Some("markdown2"));
    // A digit ending the name is a version before it is a letter typed
    // wrong: `pycryptodomex` and `tomli-w` end in a letter.
    assert_eq!(first("pycryptodome2").as_deref(), Some("pycryptodome"));
    assert_eq!(first("tomli3").as_deref(), Some("tomli"));
    assert_eq!(first("aiofile3").as_deref(), Some("aiofile"));
    // Separators changed on top of a letter are one more game, and a word
    // swapped for a noise word is two (one dropped, one added).
    assert_eq!(first("uri-emplate").as_deref(), Some("uri-template"));
    assert_eq!(first("python-arrow").as_deref(), Some("arrow"));
    let npm_first = |name: &str| targets_in(npm(), name).first().cloned();
    assert_eq!(npm_first("lodashs").as_deref(), Some("lodash"));
    assert_eq!(npm_first("object.asign").as_deref(), Some("object.assign"));
    // Same number of games and score: the name closest as written.
    assert_eq!(first("pydantci-core2").as_deref(), Some("pydantic-core"));
    // Then the more popular.
    let index = PopularIndex::from_ranked([("abcdefgh", 1, None), ("abcdefgh-io", 2, None)]);
    let found = similar_packages_with("abcdefhg-io", &index, &TyposquatConfig::default());
    let names: Vec<&str> = found.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["abcdefgh-io", "abcdefgh"]);
}

#[test]
fn popular_names_are_not_squats() {
    for name in ["flask", "requests", "numpy", "boto3", "boto", "jinja2"] {
        assert!(targets(name).is_empty(), "{name}");
    }
}

/// The top 2,000 names of a list, none of which may be flagged.
fn flagged_in_top_2000(popular: &PopularIndex) -> Vec<(String, Vec<Similar>)> {
    popular
        .iter()
        .take(2000)
        .map(|(name, _)| (name.to_owned(), similar_packages(name, popular)))
        .filter(|(_, found)| !found.is_empty())
        .collect()
}

#[test]
fn top_2000_pypi_names_are_not_flagged() {
    let flagged = flagged_in_top_2000(pypi());
    assert!(flagged.is_empty(), "{flagged:?}");
}

#[test]
fn top_2000_npm_names_are_not_flagged() {
    let flagged = flagged_in_top_2000(npm());
    assert!(flagged.is_empty(), "{flagged:?}");
}

#[test]
fn osa_is_bounded_and_counts_swaps_once() {
    assert_eq!(distance::osa(b"abcd", b"abdc", 2), Some(1));
    assert_eq!(distance::osa(b"abcd", b"abcd", 0), Some(0));
    assert_eq!(distance::osa(b"abcdef", b"ghijkl", 2), None);
    let long = "x".repeat(80);
    assert_eq!(
        distance::osa(long.as_bytes(), format!("{long}y").as_bytes(), 1),
        Some(1)
    );
}

#[test]
fn name_forms() {
    assert_eq!(
        names::skeleton("rnatpl0tlib"),
        names::skeleton("matplotlib")
    );
    assert_eq!(
        names::word_set("dateutil-python"),
        names::word_set("python_dateutil")
    );
    assert_eq!(names::split_version("urllib3"), ("urllib", "3"));
    assert_eq!(names::split_scope("@babel/core"), (Some("babel"), "core"));
    assert!(names::keyboard_neighbours(b's', b'a'));
    assert!(!names::keyboard_neighbours(b'q', b'p'));
}

#[test]
fn two_slips_on_the_most_typed_names() {
    // Shorter than `two_edit_min_len`, so two edits count only as two
    // slips of the hand on a top-100 name.
    assert_eq!(
        explain("requetses", "requests"),
        "keyboard slip: extra character 'e', and swapped adjacent characters"
    );
    assert_eq!(
        explain("aiohtttps", "aiohttp"),
        "added plural 's', and repeated character 't'"
    );
    assert_eq!(
        explain("urlllib", "urllib3"),
        "dropped the version number, and repeated character 'l'"
    );
    let kinds: Vec<Kind> = check_with_hints(
        Ecosystem::Pypi,
        "requesgt",
        pypi(),
        &TyposquatConfig::default(),
        &Hints::default(),
    )
    .into_iter()
    .map(|m| m.kind)
    .collect();
    assert_eq!(kinds, [Kind::TwoSlips]);
    // Two edits that are not both slips make real names: `colormap` is an
    // omitted letter and an arbitrary one added to `colorama` (#81).
    assert!(targets("colormap").is_empty(), "{:?}", targets("colormap"));
    // `pyavroc` is two arbitrary letters changed in `pyarrow` (#90).
    assert!(targets("pyavroc").is_empty(), "{:?}", targets("pyavroc"));
    // The rank and length are policy.
    let off = TyposquatConfig {
        two_slip_max_target_rank: 0,
        ..TyposquatConfig::default()
    };
    assert!(check(Ecosystem::Pypi, "requetses", pypi(), &off).is_empty());
}

#[test]
fn a_digit_inside_a_word_is_part_of_the_name() {
    // `3` and `4` are neighbours on the number row.
    assert_eq!(
        explain("s4transfer", "s3transfer"),
        "keyboard slip: '4' for '3'"
    );
    // A number that ends the name (but for a letter) or a word is a
    // version: another generation, not a slip.
    assert!(
        targets("newspaper4k").is_empty(),
        "{:?}",
        targets("newspaper4k")
    );
    assert!(
        targets("cupy-cuda13x").is_empty(),
        "{:?}",
        targets("cupy-cuda13x")
    );
}

#[test]
fn a_doubled_or_swapped_letter_in_one_word_reaches_the_targets() {
    // `puppeteer` is npm #2881, beyond the top 2000 that any slip in one
    // word of a longer name reaches; a doubled letter typed once keeps
    // the letters, so it reaches as far as in a name of its own.
    assert_eq!(
        explain_in(npm(), "pupeteer-cluster", "puppeteer"),
        "doubled letter 'p' typed once, and added word 'cluster'"
    );
    // An omitted letter that was not doubled makes words: it keeps the
    // top-2000 reach.
    assert!(
        targets_in(npm(), "puppeer-cluster").is_empty(),
        "{:?}",
        targets_in(npm(), "puppeer-cluster")
    );
}

#[test]
fn a_plural_behind_a_noise_word() {
    // `passport` is npm #3329, beyond the reach of a game that makes
    // names (`near_max_target_rank`), but the whole name has 10+
    // characters, where one plural reaches the targets.
    assert_eq!(
        explain_in(npm(), "passports-js", "passport"),
        "added plural 's', and added suffix 'js'"
    );
    let near = TyposquatConfig {
        max_target_rank: 1500,
        ..TyposquatConfig::default()
    };
    assert!(check(Ecosystem::Npm, "passports-js", npm(), &near).is_empty());
    // In a word of a longer name a plural is English, not a game.
    assert!(
        targets("scholarly-publications").is_empty(),
        "{:?}",
        targets("scholarly-publications")
    );
}

#[test]
fn text_beyond_ascii_is_no_name_and_no_panic() {
    // Found by `fuzz/`'s `names` target: a two-byte character where the
    // games cut names by byte. No registry accepts such a name.
    for text in [
        "\u{77e}\u{2} \u{2}\u{1}",
        "\u{77e}\u{77e}\u{77e}\u{77e}",
        "réquests",
        "ｒequests",
    ] {
        assert!(targets(text).is_empty(), "{text}");
        assert!(targets_in(npm(), text).is_empty(), "{text}");
        for ecosystem in [Ecosystem::Pypi, Ecosystem::Npm] {
            let popular = PopularIndex::shipped(ecosystem);
            let cfg = TyposquatConfig::default();
            assert!(combination(ecosystem, text, popular, &cfg, &Hints::default()).is_none());
        }
    }
}
