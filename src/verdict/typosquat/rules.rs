//! The games that need no edit distance: each is one or a few hash
//! look-ups of a form of the checked name (see [`super::names`]).

use super::index::{noise, without_noise, BAIT};
use super::names::{
    self, plural_words, singular, skeleton, split_scope, split_version, split_version_word,
    word_set, Query,
};
use super::{Found, Kind, KnownAs, MIN_AFFIX_BASE, MIN_BARE_AFFIX_BASE};
use crate::ecosystem::Ecosystem;
use crate::verdict::popular::compact;

/// Same name once case and separators are ignored: `pythondateutil`,
/// `lodash-merge` for `lodash.merge`, `jsonstream` for `JSONStream`,
/// `@typescript_eslint/parser`.
pub(super) fn separators_and_case(query: &Query, found: &mut Found<'_>) {
    let whole = compact(&query.lower);
    for &position in found.similarity().compact(&whole) {
        let Some(target) = found.name_at(position) else {
            continue;
        };
        let kind = if target.to_lowercase() == query.lower {
            Kind::Case
        } else {
            Kind::Separators
        };
        found.add(position, kind, || kind_phrase(kind).to_owned());
    }
}

/// Another name a popular project is known by: the name it is imported by
/// on PyPI (`cv2` for opencv-python, `yaml` for pyyaml), a command it
/// installs (`yolo` for ultralytics, `tsc` for typescript, `ng` for
/// @angular/cli). People type what they import and run, so whoever
/// registers that name catches them (see [`KnownAs`]). With a version
/// number added it is the same name (`yolov8`, `sklearn2`), as
/// `requests2` is for requests.
pub(super) fn known_as(ecosystem: Ecosystem, query: &Query, found: &mut Found<'_>) {
    let table = KnownAs::shipped(ecosystem);
    for known in table.get_query(query) {
        if let Some(position) = found.position_of(&known.project) {
            found.add(position, known.kind, || {
                format!(
                    "{} '{}', which is not its package name",
                    known_phrase(known.kind),
                    known.other
                )
            });
        }
    }
    // With a version number: `yolov8` for ultralytics' `yolo`. A known
    // name under four characters plus a number is anything (`cv3`).
    if query.scope.is_some() {
        return;
    }
    for (base, version) in names::versioned_bases(&query.lower) {
        if compact(base).len() < MIN_BARE_AFFIX_BASE {
            continue;
        }
        for known in table.get(&KnownAs::key(ecosystem, base)) {
            if let Some(position) = found.position_of(&known.project) {
                found.add_after(position, known.kind, 1, || {
                    format!(
                        "{} '{}', which is not its package name, and added version number '{version}'",
                        known_phrase(known.kind),
                        known.other
                    )
                });
            }
        }
    }
}

/// How a reason names the [`Kind`] of a known name.
fn known_phrase(kind: Kind) -> &'static str {
    match kind {
        Kind::ImportName => "imported as",
        _ => "installs the command",
    }
}

/// Same skeleton: `rnatpl0tlib` for `matplotlib`, `f1ask` for `flask`.
pub(super) fn look_alikes(query: &Query, found: &mut Found<'_>) {
    let whole = compact(&query.lower);
    let key = skeleton(&whole);
    for &position in found.similarity().skeleton(&key) {
        if found
            .name_at(position)
            .is_some_and(|target| swapped(&whole, &compact(target)))
        {
            continue; // `dateutli`: a swap, which the distance rule names.
        }
        found.add(position, Kind::LookAlike, || {
            "look-alike characters (rn/m, vv/w, l/1/i, 0/o, q/g)".to_owned()
        });
    }
}

/// Whether two compact names differ by one swap of adjacent characters.
fn swapped(a: &str, b: &str) -> bool {
    a.len() == b.len() && super::distance::osa(a.as_bytes(), b.as_bytes(), 1) == Some(1) && {
        let (mut x, mut y) = (a.as_bytes().to_vec(), b.as_bytes().to_vec());
        x.sort_unstable();
        y.sort_unstable();
        x == y
    }
}

/// Letters typed several times over, or doubled letters typed once:
/// `requestsss`, `numpyyyy`, `flaskkk`. One repetition is also a distance
/// of one (the distance rule finds it); this catches the runs that a
/// distance of one or two misses, with one hash look-up.
pub(super) fn repeated_letters(query: &Query, found: &mut Found<'_>) {
    if query.scope.is_some() || query.compact.len() < MIN_BARE_AFFIX_BASE {
        return;
    }
    for &position in found.similarity().runs(&query.runs) {
        let Some(target) = found.name_at(position) else {
            continue;
        };
        let target = compact(target);
        if target.len().abs_diff(query.compact.len()) < 2 {
            continue; // Equal, or one letter: the separator and distance rules' case.
        }
        let (kind, phrase) = if query.compact.len() > target.len() {
            (Kind::Repeated, "letters repeated")
        } else {
            (Kind::Undoubled, "doubled letters typed once")
        };
        found.add(position, kind, || phrase.to_owned());
    }
}

/// Same words in another order: `dateutil-python`.
pub(super) fn reordered_words(query: &Query, found: &mut Found<'_>) {
    if query.scope.is_some() {
        return;
    }
    let Some(key) = word_set(&query.lower) else {
        return;
    };
    for &position in found.similarity().words(&key) {
        found.add(position, Kind::WordOrder, || "words reordered".to_owned());
    }
}

/// Several words made plural, or singular: `torchs-visions` for
/// `torchvision`, `webpacks-dev-servers` for `webpack-dev-server`. Every
/// word still reads as the popular name's, which is what makes the game
/// work, and chance rarely plays it twice; the distance rule sees two
/// arbitrary extra letters.
pub(super) fn plural_games(query: &Query, found: &mut Found<'_>) {
    if query.scope.is_some() || names::words(&query.lower).nth(1).is_none() {
        return; // One word: a plural `s` at its end is the distance rule's.
    }
    let key = singular(&query.lower);
    for &position in found.similarity().singular(&key) {
        let Some(target) = found.name_at(position) else {
            continue;
        };
        let target = target.to_lowercase();
        let target_compact = compact(&target);
        if query.compact.len().abs_diff(target_compact.len()) < 2 {
            // Separators only, or one plural `s`: an extra letter, which
            // the distance rule weighs (`styles-loader` is a name of its
            // own, measured in docs/typosquat.md).
            continue;
        }
        let (how, plural, other) = if query.compact.len() > target_compact.len() {
            ("added plural 's' in", &query.lower, &target)
        } else {
            ("dropped plural 's' of", &target, &query.lower)
        };
        // Phrased only when recorded (`add` takes a closure for that).
        found.add(position, Kind::Plurals, || {
            let words: Vec<String> = plural_words(plural)
                .filter(|word| !names::words(other).any(|w| w == *word))
                .map(|word| format!("'{word}'"))
                .collect();
            format!("{how} {}", words.join(", "))
        });
    }
}

/// A popular name dressed up or stripped down by a word that means
/// nothing: `python-requests`, `requests-py`, `pyrequests`, `requests-dev`,
/// `node-lodash`, `lodash.js`, `lodashjs`; `dateutil` for
/// `python-dateutil`; `py-dateutil` for `python-dateutil`; and a promise
/// to install it: `install-pyyaml`, `urllib3installer`.
pub(super) fn affixes(ecosystem: Ecosystem, query: &Query, found: &mut Found<'_>) {
    if query.scope.is_some() {
        return;
    }
    let noise = noise(ecosystem);
    // Added, as a separate word; or one noise word for another
    // (`python3-dateutil` for `python-dateutil`).
    for (base, how) in without_noise(&query.lower, noise) {
        for &position in found.similarity().compact(&base) {
            found.add(position, Kind::Affix, || format!("added {how}"));
        }
        for &position in found.similarity().without_noise(&base) {
            // A word dropped and another added: two games.
            found.add_after(position, Kind::Affix, 1, || {
                format!("replaced a word by {how}")
            });
        }
    }
    // A promise of the popular project as a separate word:
    // `install-pyyaml`, `sqlalchemy-install` (never replaced or removed).
    for (base, how) in without_noise(&query.lower, &BAIT) {
        for &position in found.similarity().compact(&base) {
            found.add(position, Kind::Affix, || format!("added {how}"));
        }
    }
    // Added, glued on (`pyrequests`, `lodashjs`, `urllib3installer`): needs
    // a longer base, and only the ecosystem's own markers (`facelib` is no
    // squat of `face`) and the promises.
    let markers = noise.iter().filter(|word| !matches!(**word, "lib" | "dev"));
    for word in markers.chain(&BAIT) {
        let glued = [
            query.compact.strip_prefix(word),
            query.compact.strip_suffix(word),
        ];
        for base in glued.into_iter().flatten() {
            if base.len() >= MIN_BARE_AFFIX_BASE {
                for &position in found.similarity().compact(base) {
                    found.add(position, Kind::Affix, || format!("added '{word}'"));
                }
            }
        }
    }
    // Removed: the popular name has a noise word the checked one lacks.
    if query.compact.len() >= MIN_AFFIX_BASE {
        for &position in found.similarity().without_noise(&query.compact) {
            found.add(position, Kind::DroppedWord, || "dropped a word".to_owned());
        }
        // The same word typed twice or more: `djangodjango`.
        for period in 1..=query.compact.len() / 2 {
            let unit = &query.compact[..period];
            if query.compact.len().is_multiple_of(period)
                && unit.len() >= MIN_AFFIX_BASE
                && query
                    .compact
                    .as_bytes()
                    .chunks(period)
                    .all(|c| c == unit.as_bytes())
            {
                for &position in found.similarity().compact(unit) {
                    found.add(position, Kind::Affix, || "the name repeated".to_owned());
                }
            }
        }
    }
    // Swapped: `py-dateutil` for `python-dateutil` (and back).
    if ecosystem == Ecosystem::Pypi {
        for (from, to) in [("python", "py"), ("py", "python")] {
            let swapped = if let Some(rest) = query.compact.strip_prefix(from) {
                format!("{to}{rest}")
            } else if let Some(rest) = query.compact.strip_suffix(from) {
                format!("{rest}{to}")
            } else {
                continue;
            };
            if swapped.len() > to.len() + MIN_AFFIX_BASE {
                for &position in found.similarity().compact(&swapped) {
                    found.add_after(position, Kind::Affix, 1, || format!("'{from}' for '{to}'"));
                }
            }
        }
    }
}

/// A version number added, removed or changed: `requests2`, `urllib` or
/// `urllib4` for `urllib3`, `eslint-v7` for `eslint`.
pub(super) fn version_digits(query: &Query, found: &mut Found<'_>) {
    if query.scope.is_some() {
        return;
    }
    // A version written as a word (`eslint-v7`, `express-v4`) is the same
    // game as digits glued on.
    let worded = split_version_word(&query.lower).map(|(base, word)| (compact(base), word));
    let (base, version) = match &worded {
        Some((base, word)) => (base.as_str(), *word),
        None => split_version(&query.compact),
    };
    if base.len() < MIN_BARE_AFFIX_BASE {
        return;
    }
    if !version.is_empty() {
        for &position in found.similarity().compact(base) {
            found.add(position, Kind::Version, || {
                format!("added version number '{version}'")
            });
        }
    }
    for &position in found.similarity().version_base(base) {
        found.add(position, Kind::Version, || {
            if version.is_empty() {
                "dropped the version number".to_owned()
            } else {
                format!("changed the version number to '{version}'")
            }
        });
    }
}

/// npm scope games: `@bable/core` for `@babel/core`,
/// `@typescript_eslint/parser`, `@types-x/react` for `@types/react`.
///
/// A name inside the *same* scope is never a squat: only the scope's owner
/// can publish there. An unscoped copy of a scoped name is looked at by
/// [`unscoped_copy`].
pub(super) fn scope_games(query: &Query, found: &mut Found<'_>) {
    let Some(scope) = query.scope.as_deref() else {
        unscoped_copy(query, found);
        return;
    };
    for (position, lower) in same_bare(query, found) {
        let (Some(target_scope), _) = split_scope(&lower) else {
            continue;
        };
        if target_scope == scope {
            continue;
        }
        let phrase = if compact(scope) == compact(target_scope) {
            format!("separators changed in scope '@{target_scope}'")
        } else if skeleton(&compact(scope)) == skeleton(&compact(target_scope)) {
            format!("look-alike characters in scope '@{target_scope}'")
        } else if scope_affixed(scope, target_scope) {
            format!("scope '@{target_scope}' dressed up as '@{scope}'")
        } else if super::distance::within(scope, target_scope, scope_reach(target_scope)) {
            format!("misspelled scope '@{target_scope}'")
        } else {
            continue;
        };
        found.add(position, Kind::Scope, || phrase);
    }
}

/// A scoped name copied without its scope: `platform-browser-dynamic` for
/// `@angular/platform-browser-dynamic`. Most scoped packages once had an
/// unscoped name of their own (`jest-dom`, `file-exists`), so only a bare
/// name of three words or more counts, which is specific enough not to
/// be anyone's own name by chance; `@types` describes the unscoped
/// package itself.
fn unscoped_copy(query: &Query, found: &mut Found<'_>) {
    if names::words(&query.lower).count() < 3 {
        return;
    }
    for (position, lower) in same_bare(query, found) {
        let (Some(scope), bare) = split_scope(&lower) else {
            continue;
        };
        if scope == "types" || names::words(bare).count() < 3 {
            continue;
        }
        let phrase = format!("copied without its scope '@{scope}'");
        found.add(position, Kind::Scope, || phrase);
    }
}

/// The scoped popular names whose bare name is the checked name's
/// (compact), lowercased, with their positions.
fn same_bare(query: &Query, found: &Found<'_>) -> Vec<(u32, String)> {
    found
        .similarity()
        .bare(&query.compact)
        .iter()
        .filter_map(|&position| Some((position, found.name_at(position)?.to_lowercase())))
        .collect()
}

/// `types-x` is `types` plus a word; `typesx` is not (that is a typo).
fn scope_affixed(scope: &str, target: &str) -> bool {
    let joined = |rest: &str| rest.starts_with(names::is_separator);
    (scope.len() > target.len())
        && (scope.strip_prefix(target).is_some_and(joined)
            || scope
                .strip_suffix(target)
                .is_some_and(|rest| rest.ends_with(names::is_separator)))
}

/// Edits tolerated in a scope of this length.
fn scope_reach(scope: &str) -> usize {
    match scope.len() {
        0..=3 => 0,
        4..=8 => 1,
        _ => 2,
    }
}

/// The fixed phrase of a kind that needs no detail.
fn kind_phrase(kind: Kind) -> &'static str {
    match kind {
        Kind::Case => "case changed",
        _ => "separators changed",
    }
}
