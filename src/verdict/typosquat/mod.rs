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

mod combination;
mod distance;
mod index;
mod names;
mod rules;
#[cfg(test)]
mod tests;

pub use combination::{combination, Combination};
pub use index::SimilarityIndex;

use serde::{Deserialize, Serialize};

use super::popular::{canonical_name, PopularIndex};
use crate::ecosystem::Ecosystem;
use names::{split_scope, Query};

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

/// The kind of game a name plays, as a stable kebab-case code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Separators added, removed or changed (`pythondateutil`).
    Separators,
    /// Only the case differs (npm: `jsonstream` for `JSONStream`).
    Case,
    /// Look-alike glyphs (`rn`/`m`, `vv`/`w`, `l`/`1`/`i`, `0`/`o`, `q`/`g`).
    LookAlike,
    /// The same words in another order (`dateutil-python`).
    WordOrder,
    /// A meaningless word added or replaced (`python-`, `-py`, `-js`,
    /// `node-`).
    Affix,
    /// A meaningless word of the popular name left out (`dateutil` for
    /// `python-dateutil`, `awsencryption` for `aws-encryption-sdk`).
    DroppedWord,
    /// A version number added, removed or changed (`requests2`).
    Version,
    /// Two adjacent characters swapped.
    Swap,
    /// One character left out.
    Omitted,
    /// One character typed twice.
    Repeated,
    /// One letter of a doubled pair typed once (`coffescript`, `pilow`).
    Undoubled,
    /// One character added.
    Extra,
    /// A plural `s` added or dropped at the end of a name (`taskgroups`
    /// for `taskgroup`).
    Plural,
    /// A plural `s` added or dropped on two or more words of a name
    /// (`torchs-visions`, `webpacks-dev-servers`).
    Plurals,
    /// One character replaced by a keyboard neighbour.
    Keyboard,
    /// A keyboard neighbour pressed with the intended key (`reqwuests`,
    /// `numpuy`): one character added next to the key it borders.
    FatFinger,
    /// One vowel replaced by another, a misspelling by ear
    /// (`tensorflaw`).
    Vowel,
    /// One character replaced.
    Changed,
    /// Two edits, in a long name.
    TwoEdits,
    /// Two slips of the hand (each a swap, an omitted, doubled or
    /// neighbouring character, a look-alike, a plural or version), on one
    /// of the most typed names (`requetses`, `aiohtttps`).
    TwoSlips,
    /// An npm scope imitated (`@bable/core`).
    Scope,
}

impl Kind {
    /// A slip of the hand: a character omitted, repeated, or swapped with
    /// its neighbour — what a typist actually does, and rarely a new name.
    pub fn is_slip(self) -> bool {
        matches!(
            self,
            Kind::Omitted | Kind::Swap | Kind::Repeated | Kind::Undoubled
        )
    }

    /// Slips that almost never make a real word by chance (swapped
    /// letters, a letter doubled or a doubled one typed once), so they
    /// count against the whole popular list; any other omitted letter
    /// often does (`colormap`, `purecss`).
    pub fn reaches_far(self) -> bool {
        matches!(self, Kind::Swap | Kind::Repeated | Kind::Undoubled)
    }

    /// Games that leave a name the same to a reader (`setup-tools`,
    /// `awsencryptionsdkcli`, `discordjs`, `python-boto3-stubs`). On PyPI,
    /// where pip's PEP 503 ignores separators anyway, a long name that
    /// plays one is no independent project by chance, so it counts
    /// against the whole popular list ([`LONG_NAME`]). On npm separators
    /// and `-js`/`node-` words do tell real packages apart
    /// (`html-encode`/`htmlencode`, `mixpanel-node`, measured in
    /// `docs/typosquat.md`), so there they reach that far only when both
    /// download counts are known and the popularity ratio can tell a
    /// package with its own users from a copy (online verdicts).
    pub fn reads_the_same(self) -> bool {
        matches!(
            self,
            Kind::Separators | Kind::LookAlike | Kind::Affix | Kind::DroppedWord
        )
    }

    /// Games that often turn one real name into another by chance: an
    /// omitted letter (`colormap`), a neighbour key or a vowel
    /// (`blinker`/`blinter`), a version number (`pydot3`), a noise word
    /// added (`ninjapy`) or dropped (`levenshtein`), one plural. They
    /// reach only [`TyposquatConfig::near_max_target_rank`] (a word
    /// dropped from a long name reaches further, see `Found::near_reach`).
    /// Plurals on two words at once ([`Kind::Plurals`]) are not among
    /// them: measured on every less-popular name of both lists, they made
    /// one real name (`wags-tails`) in 1.08 million.
    pub fn makes_names(self) -> bool {
        matches!(
            self,
            Kind::Omitted
                | Kind::Keyboard
                | Kind::FatFinger
                | Kind::Vowel
                | Kind::Version
                | Kind::Affix
                | Kind::DroppedWord
                | Kind::Plural
        )
    }

    /// Edits that are not typical slips of the hand (an arbitrary
    /// character replaced or added, two edits): by chance, many real names
    /// are that close to *some* popular name, so they count only against
    /// the most popular ([`TyposquatConfig::weak_max_target_rank`]).
    pub fn is_weak(self) -> bool {
        matches!(
            self,
            Kind::Changed | Kind::Extra | Kind::TwoEdits | Kind::TwoSlips
        )
    }

    /// How strongly this game alone suggests a squat, 0–100.
    pub fn base_score(self) -> u8 {
        match self {
            Kind::Separators | Kind::Case | Kind::LookAlike | Kind::Scope => 90,
            Kind::Swap
            | Kind::Omitted
            | Kind::Repeated
            | Kind::Undoubled
            | Kind::Keyboard
            | Kind::FatFinger => 85,
            Kind::Vowel => 80,
            Kind::WordOrder | Kind::Extra | Kind::Changed | Kind::Plural | Kind::Plurals => 80,
            Kind::Affix | Kind::DroppedWord | Kind::Version | Kind::TwoSlips => 70,
            Kind::TwoEdits => 60,
        }
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
    /// by ear, a version number, a noise word, a plural) must rank this
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
    let canonical = canonical_name(ecosystem, name);
    let own_rank = popular.rank(&canonical);
    if own_rank.is_some_and(|rank| rank <= cfg.max_target_rank) {
        return Vec::new();
    }
    let query = Query::new(canonical);
    if query.scope.is_none() && query.compact.chars().count() < cfg.min_len {
        return Vec::new();
    }
    let mut found = Found {
        query: &query,
        popular,
        similarity: popular.similarity(),
        cfg,
        own_rank,
        own_downloads: hints
            .downloads
            .or_else(|| popular.downloads(&query.canonical)),
        matches: Vec::new(),
    };
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

/// The matches found so far for one checked name.
pub(super) struct Found<'a> {
    query: &'a Query,
    popular: &'a PopularIndex,
    similarity: &'a SimilarityIndex,
    cfg: &'a TyposquatConfig,
    own_rank: Option<u32>,
    own_downloads: Option<u64>,
    /// (position in the popular index, kind, transformation).
    matches: Vec<(u32, Kind, String)>,
}

impl<'a> Found<'a> {
    fn similarity(&self) -> &'a SimilarityIndex {
        self.similarity
    }

    fn name_at(&self, position: u32) -> Option<&'a str> {
        self.popular.entry(position as usize).map(|entry| entry.0)
    }

    fn max_rank(&self) -> u32 {
        self.cfg.max_target_rank
    }

    /// How far down the list slips on long names reach.
    fn slip_max_rank(&self) -> u32 {
        self.cfg.slip_max_target_rank.max(self.cfg.max_target_rank)
    }

    fn weak_max_rank(&self) -> u32 {
        self.cfg.weak_max_target_rank
    }

    /// How far down the list a slip in one word of a longer name reaches.
    fn word_slip_max_rank(&self) -> u32 {
        self.cfg.word_slip_max_target_rank
    }

    /// Targets this popular are worth two slips from a shorter length
    /// ([`Found::two_slip_reach`]).
    fn two_slip_max_rank(&self) -> u32 {
        self.cfg.two_slip_max_target_rank
    }

    /// Edits tolerated between a name of `len` characters and one of the
    /// most typed names, when both are slips.
    fn two_slip_reach(&self, len: usize) -> usize {
        if len >= self.cfg.two_slip_min_len {
            2
        } else {
            self.reach(len)
        }
    }

    /// Edits tolerated between names of `len` characters.
    fn reach(&self, len: usize) -> usize {
        if len < self.cfg.min_len {
            0
        } else if len < self.cfg.two_edit_min_len {
            1
        } else {
            2
        }
    }

    /// Records a target when it is popular enough, far more popular than
    /// the checked name, not in the checked name's own npm scope, and not
    /// already explained better.
    fn add(&mut self, position: u32, kind: Kind, transformation: impl FnOnce() -> String) {
        let Some((target, _, rank, downloads)) = self.popular.entry(position as usize) else {
            return;
        };
        let len = self.query.compact.len();
        let measured = downloads.is_some() && self.own_downloads.is_some();
        let far = (kind.reaches_far() && len >= LONG_SLIP)
            || (kind.reads_the_same()
                && ((self.popular.ecosystem() == Ecosystem::Pypi && len >= LONG_NAME)
                    || (measured && len >= LONG_SLIP)));
        let mut reach = if far {
            self.slip_max_rank()
        } else {
            self.cfg.max_target_rank
        };
        if kind.makes_names() {
            reach = reach.min(self.near_reach(kind, len));
        }
        if target == self.query.canonical || rank > reach {
            return;
        }
        if let Some(scope) = &self.query.scope {
            if split_scope(&target.to_lowercase()).0 == Some(scope.as_str()) {
                return;
            }
        }
        if !self.far_more_popular(rank, downloads) {
            return;
        }
        match self.matches.iter_mut().find(|m| m.0 == position) {
            Some(seen) if seen.1.base_score() >= kind.base_score() => {}
            Some(seen) => *seen = (position, kind, transformation()),
            None => self.matches.push((position, kind, transformation())),
        }
    }

    /// How far down the list a game that makes names ([`Kind::makes_names`])
    /// reaches from a name of `len` characters: the top
    /// `near_max_target_rank`, except a word dropped from a long name
    /// (`awsencryption` for `aws-encryption-sdk`), which reaches the
    /// targets. Measured on every less-popular name of both lists, that
    /// flags 8 in 1.08 million (`statemachine` for `python-statemachine`);
    /// every other such game flags 20–50 per half of the PyPI list.
    fn near_reach(&self, kind: Kind, len: usize) -> u32 {
        if kind == Kind::DroppedWord && len >= LONG_NAME {
            self.cfg.max_target_rank
        } else {
            self.cfg.near_max_target_rank
        }
    }

    /// [`far_more_popular`] for the checked name.
    fn far_more_popular(&self, rank: u32, downloads: Option<u64>) -> bool {
        far_more_popular(self.cfg, rank, downloads, self.own_rank, self.own_downloads)
    }

    /// Scores, filters, sorts (best score, then best rank) and cuts.
    fn finish(self, hints: &Hints<'_>) -> Vec<Match> {
        let mut out: Vec<Match> = Vec::with_capacity(self.matches.len());
        for (position, kind, transformation) in self.matches {
            let Some((name, _, rank, _)) = self.popular.entry(position as usize) else {
                continue;
            };
            let mut score = kind.base_score();
            if hints.same_owner.iter().any(|owned| owned == name) {
                score = score.saturating_sub(SAME_OWNER_PENALTY);
            }
            if score < self.cfg.min_score {
                continue;
            }
            out.push(Match {
                similar: Similar {
                    name: name.to_owned(),
                    rank,
                    transformation,
                },
                kind,
                score,
            });
        }
        out.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(a.similar.rank.cmp(&b.similar.rank))
                .then_with(|| a.similar.name.cmp(&b.similar.name))
        });
        out.truncate(self.cfg.max_results);
        out
    }
}
