//! Name similarity to popular packages (typosquatting), rule v2.
//!
//! Attackers publish packages whose names are one slip of the keyboard away
//! from a popular one (`reqeusts`, `djnago`), read the same at a glance
//! (`rnatplotlib`, `python_dateutil`, `lodash-merge` for `lodash.merge`),
//! dress a popular name up as an official-looking variant
//! (`python-requests`, `requests2`, `lodash.js`), or take a popular npm
//! scope's look-alike (`@bable/core`), and wait for someone to type it.
//! This module answers one question: which popular packages does a name
//! imitate, and how?
//!
//! Why it looks the way it does:
//!
//! * **Popularity decides, on both sides.** Only names in the top
//!   [`TyposquatConfig::max_target_rank`] are worth imitating, and a name
//!   that is itself that popular is never a squat (popular packages
//!   legitimately resemble each other: `boto`/`boto3`). A less popular
//!   name that *is* in the list is suspicious only when its target is
//!   [`TyposquatConfig::min_popularity_ratio`] times more popular.
//! * **Each game disappears in one form of the name** (see `names.rs`), so
//!   most checks are hash look-ups in tables built once per list
//!   ([`SimilarityIndex`]); only real misspellings need an edit distance,
//!   searched in length buckets (see `distance.rs`). A check costs a few
//!   microseconds.
//! * **The ecosystem's own idea of "same name" is respected.** On PyPI,
//!   `Foo_Bar` *is* `foo-bar` (PEP 503), so only a different separator
//!   *placement* is a game; on npm every separator and the case are part of
//!   the name, so `lodash-merge` imitates `lodash.merge`. An npm scope is
//!   owned: nothing inside `@babel/` imitates `@babel/core`, but `@bable/`
//!   does.
//! * **Relations that explain a likeness lower the score**: a package by
//!   the same maintainers as the popular one ([`Hints::same_owner`]).
//! * **"Did you mean" is the simplest explanation** (`found.rs`): the
//!   target reached with the fewest games, then the strongest game, then
//!   the name closest as written, then the most popular, so `pydanic-core`
//!   suggests `pydantic-core` before the more popular `pydantic`.

mod combination;
mod distance;
mod edits;
mod found;
mod index;
mod kind;
mod known_as;
mod names;
mod rules;
#[cfg(test)]
mod tests;

pub use combination::{combination, Combination};
pub use index::SimilarityIndex;
pub use kind::Kind;
pub use known_as::{Known, KnownAs};

use found::Found;

use serde::{Deserialize, Serialize};

use super::popular::{canonical_name, PopularIndex};
use crate::ecosystem::Ecosystem;
use names::Query;

/// One popular package a name resembles, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Similar {
    /// The popular package's canonical name (PEP 503 for PyPI, as published
    /// for npm).
    pub name: String,
    /// Its download rank (1 = most downloaded).
    pub rank: u32,
    /// What turns the popular name into the checked one, as a short phrase
    /// ("swapped adjacent characters", "added prefix 'python'", …).
    pub transformation: String,
}

impl Similar {
    /// The hint shown to a user: `did you mean 'requests'?`.
    pub fn did_you_mean(&self) -> String {
        format!("did you mean '{}'?", self.name)
    }
}

/// A [`Similar`] with its kind and score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Match {
    /// The popular package and the transformation.
    pub similar: Similar,
    /// The kind of game.
    pub kind: Kind,
    /// [`Kind::base_score`], lowered by [`Hints`]; 0–100.
    pub score: u8,
}

/// Tuning of the typosquatting rule; policy can set every field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TyposquatConfig {
    /// Only packages ranked this high or better are targets, and a name
    /// ranked this high is never a squat (default 5000).
    pub max_target_rank: u32,
    /// A popular-listed name ranked below `max_target_rank` is a squat only
    /// if its target is this many times more popular (by downloads when
    /// both are known, else by rank; default 10).
    pub min_popularity_ratio: u32,
    /// Targets of weak edits ([`Kind::is_weak`]), and of any edit of a
    /// name under six characters, must rank this high (default 500).
    pub weak_max_target_rank: u32,
    /// Swapped or doubled letters ([`Kind::reaches_far`]) in a name of at
    /// least [`LONG_SLIP`] characters, and separator, look-alike and
    /// noise-word games ([`Kind::reads_the_same`]) in a PyPI name of at
    /// least [`LONG_NAME`] or, when both download counts are known, any
    /// name of at least [`LONG_SLIP`], are strong evidence and reach further
    /// down the list than other games: targets may rank this high (default
    /// 15000, the whole list). A noise word is capped by
    /// `near_max_target_rank` all the same.
    pub slip_max_target_rank: u32,
    /// Targets of games that often make a real name by chance
    /// ([`Kind::makes_names`]: an omitted letter, a neighbour key, a vowel
    /// by ear, a version number, a noise word, a plural, an import name)
    /// must rank this
    /// high (default 1500): measured on every less-popular name of both
    /// package lists, they are most of the false flags beyond the most
    /// popular targets. A noise word dropped from a name of [`LONG_NAME`]
    /// characters or more keeps `max_target_rank`.
    pub near_max_target_rank: u32,
    /// Targets of a slip in one word of a longer name (`tensorflw-gpu`,
    /// `pandass-utils`), which must be one-word names, must rank this
    /// high (default 2000): the other words may be anything, so only the
    /// most imitated names are worth the risk.
    pub word_slip_max_target_rank: u32,
    /// Names shorter than this (characters, separators not counted) are
    /// never compared by edit distance (default 4): at that length nearly
    /// every name is one edit from a popular one.
    pub min_len: usize,
    /// Weak edits ([`Kind::is_weak`]) count only in names of at least this
    /// many characters (default 7): an arbitrary letter changed or added
    /// in a short name makes another real name (`blask`, `cler`, `pyex`),
    /// which is most of what they flag among less-popular names.
    pub weak_min_len: usize,
    /// From this length on (separators not counted) two edits are
    /// tolerated, below it one (default 10). At 9 characters two
    /// arbitrary edits still make real names (`casetools` for
    /// `cachetools`, `pdfparser` for `pycparser`): 152 flags in half of
    /// the less-popular PyPI names, and no real malicious name.
    pub two_edit_min_len: usize,
    /// Targets of two slips of the hand (`requetses`, `aiohtttps`) in a
    /// name shorter than `two_edit_min_len` must rank this high (default
    /// 100): the names typed most are typed wrong most.
    pub two_slip_max_target_rank: u32,
    /// From this length on (separators not counted) two slips of the hand
    /// on one of the `two_slip_max_target_rank` names count (default 7).
    pub two_slip_min_len: usize,
    /// Matches scoring below this are dropped (default 50).
    pub min_score: u8,
    /// At most this many similar packages are returned (default 5).
    pub max_results: usize,
    /// A less-popular name joining two names ranked this high or better
    /// (`matplotlib-requests`) is a [`Combination`] (default 200; 0 turns
    /// the finding off). Measured on DataDog's PyPI malicious names and
    /// every less-popular name: 200 takes 9 malicious names for 121 real
    /// ones; 300 adds no malicious name and 71 real ones.
    pub combination_max_target_rank: u32,
    /// Projects ranked this high or better are checked for their other
    /// names, the name a PyPI project is imported by (`cv2`) and the
    /// commands an npm package installs (`tsc`) (default 5000; 0 turns
    /// the game off). An import name is capped by `near_max_target_rank`
    /// as well.
    pub known_as_max_target_rank: u32,
}

impl Default for TyposquatConfig {
    fn default() -> Self {
        TyposquatConfig {
            max_target_rank: 5000,
            weak_max_target_rank: 500,
            slip_max_target_rank: 15_000,
            near_max_target_rank: 1500,
            word_slip_max_target_rank: 2000,
            min_popularity_ratio: 10,
            min_len: 4,
            weak_min_len: 7,
            two_edit_min_len: 10,
            two_slip_max_target_rank: 100,
            two_slip_min_len: 7,
            min_score: 50,
            max_results: 5,
            combination_max_target_rank: 200,
            known_as_max_target_rank: 5000,
        }
    }
}

/// Facts about the checked package that explain a likeness away, when the
/// caller has them (from registry metadata).
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints<'a> {
    /// Downloads of the checked package over the popular list's period
    /// (npm: a month), compared with the target's for
    /// [`TyposquatConfig::min_popularity_ratio`].
    pub downloads: Option<u64>,
    /// Popular names published by the same maintainers or organization as
    /// the checked package (`types-foo` by the author of `foo`); a match
    /// on one of them loses [`SAME_OWNER_PENALTY`] points.
    pub same_owner: &'a [String],
}

/// Shortest PyPI name (compact) whose [`Kind::reads_the_same`] games
/// reach [`TyposquatConfig::slip_max_target_rank`]; measured: from eight
/// characters on, `pyprintr` is flagged for `python-printr`.
pub const LONG_NAME: usize = 10;

/// Shortest name (compact) whose slips reach [`TyposquatConfig::slip_max_target_rank`].
pub const LONG_SLIP: usize = 7;

/// Points a match loses when the target has the same owner.
pub const SAME_OWNER_PENALTY: u8 = 60;

/// Smallest base name a separated affix is stripped down to (`py-six`).
const MIN_AFFIX_BASE: usize = 3;

/// Smallest base name a glued affix (`pyrequests`) or a version number is
/// stripped down to: short names glued to `py` or a digit are too often
/// real, unrelated projects.
const MIN_BARE_AFFIX_BASE: usize = 4;

/// Returns the popular packages `name` imitates, best match first (empty
/// when none, or when `name` is itself popular). Uses
/// [`TyposquatConfig::default`] and the index's ecosystem.
pub fn similar_packages(name: &str, popular: &PopularIndex) -> Vec<Similar> {
    similar_packages_with(name, popular, &TyposquatConfig::default())
}

/// [`similar_packages`] with explicit tuning.
pub fn similar_packages_with(
    name: &str,
    popular: &PopularIndex,
    config: &TyposquatConfig,
) -> Vec<Similar> {
    check(popular.ecosystem(), name, popular, config)
}

/// The popular packages of `ecosystem` (listed in `popular`) that `name`
/// imitates, best match first. `name` may be given as typed: it is made
/// canonical for the ecosystem first.
pub fn check(
    ecosystem: Ecosystem,
    name: &str,
    popular: &PopularIndex,
    cfg: &TyposquatConfig,
) -> Vec<Similar> {
    check_with_hints(ecosystem, name, popular, cfg, &Hints::default())
        .into_iter()
        .map(|found| found.similar)
        .collect()
}

/// [`check`] with what the caller knows about the checked package, and
/// each match's kind and score.
pub fn check_with_hints(
    ecosystem: Ecosystem,
    name: &str,
    popular: &PopularIndex,
    cfg: &TyposquatConfig,
    hints: &Hints<'_>,
) -> Vec<Match> {
    // Neither registry accepts a name beyond ASCII, and callers reject one
    // before it gets here (`validate_name`); the games below cut names by
    // byte, so such text is answered with no match rather than cut inside a
    // character (found by `fuzz/`'s `names` target).
    if !name.is_ascii() {
        return Vec::new();
    }
    let canonical = canonical_name(ecosystem, name);
    let own_rank = popular.rank(&canonical);
    if own_rank.is_some_and(|rank| rank <= cfg.max_target_rank) {
        return Vec::new();
    }
    let query = Query::new(canonical);
    let own_downloads = hints
        .downloads
        .or_else(|| popular.downloads(&query.canonical));
    let mut found = Found::new(&query, popular, cfg, own_rank, own_downloads);
    // Another name of a popular project is looked up whole, so it needs
    // no length: `cv2`, `ng`.
    rules::known_as(ecosystem, &query, &mut found);
    if query.scope.is_none() && query.compact.chars().count() < cfg.min_len {
        return found.finish(hints);
    }
    // Most specific explanation first: a target keeps its best-scoring one.
    rules::separators_and_case(&query, &mut found);
    rules::look_alikes(&query, &mut found);
    rules::scope_games(&query, &mut found);
    rules::repeated_letters(&query, &mut found);
    rules::reordered_words(&query, &mut found);
    rules::plural_games(&query, &mut found);
    rules::affixes(ecosystem, &query, &mut found);
    rules::version_digits(&query, &mut found);
    if query.scope.is_none() {
        distance::near_misses(&query, &mut found);
        distance::affixed_near_misses(ecosystem, &query, &mut found);
        distance::word_slips(&query, &mut found);
    }
    found.finish(hints)
}

/// Whether a popular name (`rank`, `downloads`) is
/// [`TyposquatConfig::min_popularity_ratio`] times more popular than the
/// checked one (`own_rank`, `own_downloads`): by downloads when both are
/// known, else by rank, and always when the checked name is not listed
/// and its downloads are unknown (it is below the list's floor). A name
/// with users of its own is not a copy: both the look-alike games and
/// [`combination`] ask this.
pub(super) fn far_more_popular(
    cfg: &TyposquatConfig,
    rank: u32,
    downloads: Option<u64>,
    own_rank: Option<u32>,
    own_downloads: Option<u64>,
) -> bool {
    let ratio = u64::from(cfg.min_popularity_ratio);
    match (downloads, own_downloads) {
        (Some(target), Some(own)) => target >= own.saturating_mul(ratio),
        _ => own_rank.is_none_or(|own| u64::from(own) >= u64::from(rank) * ratio),
    }
}
