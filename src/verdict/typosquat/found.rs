//! The matches found for one checked name, as the games report them:
//! each target keeps its simplest explanation, and [`Found::finish`]
//! orders them so the first is the "did you mean".

use super::names::{is_separator, split_scope, Query};
use super::{
    far_more_popular, Hints, Kind, Match, Similar, SimilarityIndex, TyposquatConfig, LONG_NAME,
    LONG_SLIP, SAME_OWNER_PENALTY,
};
use crate::ecosystem::Ecosystem;
use crate::verdict::popular::PopularIndex;

/// One match before scoring.
struct Pending {
    /// Position in the popular index.
    position: u32,
    kind: Kind,
    /// Games played to get from the target to the checked name: the
    /// kind's own ([`Kind::games`]), plus one for each game undone first
    /// (`pydanic-core` read as `pydantic` misspelt plus a word) and one for
    /// separators that differ under a letter game ([`Kind::ignores_separators`]).
    games: u8,
    transformation: String,
}

/// Whether one compact name holds the other whole (`camelot` in
/// `camelotpy`, `django` in `djangoadmin`), both 3+ characters.
fn one_inside_the_other(a: &str, b: &str) -> bool {
    a.len() >= 3 && b.len() >= 3 && (a.contains(b) || b.contains(a))
}

/// Whether `name` is `target` with its last letter replaced by a digit
/// (`tomli3` for `tomli-w`, both compact).
fn digit_for_last_letter(name: &str, target: &str) -> bool {
    let (mut a, mut b) = (name.chars(), target.chars());
    match (a.next_back(), b.next_back()) {
        (Some(digit), Some(letter)) => {
            digit.is_ascii_digit() && letter.is_ascii_alphabetic() && a.eq(b)
        }
        _ => false,
    }
}

/// Which of two explanations of one target is kept: fewer games, then the
/// stronger game.
fn preference(games: u8, kind: Kind) -> (u8, std::cmp::Reverse<u8>) {
    (games, std::cmp::Reverse(kind.base_score()))
}

/// The matches found so far for one checked name.
pub(super) struct Found<'a> {
    query: &'a Query,
    popular: &'a PopularIndex,
    similarity: &'a SimilarityIndex,
    /// The tuning in force; the games read their limits from it.
    pub(super) cfg: &'a TyposquatConfig,
    own_rank: Option<u32>,
    own_downloads: Option<u64>,
    matches: Vec<Pending>,
}

impl<'a> Found<'a> {
    /// No match yet for `query`, whose own rank and downloads (if known)
    /// the popularity ratio compares with each target's.
    pub(super) fn new(
        query: &'a Query,
        popular: &'a PopularIndex,
        cfg: &'a TyposquatConfig,
        own_rank: Option<u32>,
        own_downloads: Option<u64>,
    ) -> Found<'a> {
        Found {
            query,
            popular,
            similarity: popular.similarity(),
            cfg,
            own_rank,
            own_downloads,
            matches: Vec::new(),
        }
    }

    pub(super) fn similarity(&self) -> &'a SimilarityIndex {
        self.similarity
    }

    pub(super) fn name_at(&self, position: u32) -> Option<&'a str> {
        self.popular.entry(position as usize).map(|entry| entry.0)
    }

    /// Where a canonical popular name sits in the index, if it is listed.
    pub(super) fn position_of(&self, name: &str) -> Option<u32> {
        self.popular
            .position(name)
            .and_then(|position| u32::try_from(position).ok())
    }

    pub(super) fn max_rank(&self) -> u32 {
        self.cfg.max_target_rank
    }

    /// How far down the list slips on long names reach.
    pub(super) fn slip_max_rank(&self) -> u32 {
        self.cfg.slip_max_target_rank.max(self.cfg.max_target_rank)
    }

    pub(super) fn weak_max_rank(&self) -> u32 {
        self.cfg.weak_max_target_rank
    }

    /// How far down the list a slip in one word of a longer name reaches.
    pub(super) fn word_slip_max_rank(&self) -> u32 {
        self.cfg.word_slip_max_target_rank
    }

    /// Targets this popular are worth two slips from a shorter length
    /// ([`Found::two_slip_reach`]).
    pub(super) fn two_slip_max_rank(&self) -> u32 {
        self.cfg.two_slip_max_target_rank
    }

    /// Edits tolerated between a name of `len` characters and one of the
    /// most typed names, when both are slips.
    pub(super) fn two_slip_reach(&self, len: usize) -> usize {
        if len >= self.cfg.two_slip_min_len {
            2
        } else {
            self.reach(len)
        }
    }

    /// Edits tolerated between names of `len` characters.
    pub(super) fn reach(&self, len: usize) -> usize {
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
    pub(super) fn add(
        &mut self,
        position: u32,
        kind: Kind,
        transformation: impl FnOnce() -> String,
    ) {
        self.add_after(position, kind, 0, transformation);
    }

    /// [`Found::add`] for a game played on top of `undone` other games
    /// (a word or number added, letters repeated, a word dropped).
    pub(super) fn add_after(
        &mut self,
        position: u32,
        kind: Kind,
        undone: u8,
        transformation: impl FnOnce() -> String,
    ) {
        let Some((target, target_compact, rank, downloads)) = self.popular.entry(position as usize)
        else {
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
        // PyPI's commands are many and often ordinary words another
        // project owns (`states` in us, `unasync` in ably): like its import
        // names, they reach only the most used projects, unless the command
        // is the project's own name cut or extended (`camelot` for
        // camelot-py, `http` for httpie), the name people know it by
        // (measured in `docs/typosquat.md`). npm's few commands reach the
        // whole list.
        let pypi_command = kind == Kind::CommandName
            && self.popular.ecosystem() == Ecosystem::Pypi
            && !one_inside_the_other(&self.query.compact, target_compact);
        if kind.makes_names() || pypi_command {
            reach = reach.min(self.near_reach(kind, len));
        }
        if matches!(kind, Kind::ImportName | Kind::CommandName) {
            reach = reach.min(self.cfg.known_as_max_target_rank);
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
        let resplit = undone == 0 && kind.ignores_separators() && self.separators_differ(target);
        // `pycryptodome2` reads as a version of `pycryptodome`, not as
        // `pycryptodomex` with a '2' typed for the 'x': a digit ending the
        // name explains itself as a version first.
        let digit = matches!(kind, Kind::Changed | Kind::Keyboard)
            && digit_for_last_letter(&self.query.compact, target_compact);
        let games = kind.games() + undone + u8::from(resplit) + u8::from(digit);
        let better = |seen: &Pending| preference(games, kind) < preference(seen.games, seen.kind);
        match self.matches.iter_mut().find(|m| m.position == position) {
            Some(seen) if !better(seen) => {}
            Some(seen) => {
                *seen = Pending {
                    position,
                    kind,
                    games,
                    transformation: transformation(),
                }
            }
            None => self.matches.push(Pending {
                position,
                kind,
                games,
                transformation: transformation(),
            }),
        }
    }

    /// Whether the checked name's separators, in order, are not the
    /// target's (`uri-emplate` and `uritemplate`, `object.asign` and
    /// `object-assign` on npm), scopes aside.
    fn separators_differ(&self, target: &str) -> bool {
        // Separators have no case: the target needs no lowercasing.
        fn separators(name: &str) -> impl Iterator<Item = char> + '_ {
            split_scope(name).1.chars().filter(|&c| is_separator(c))
        }
        !separators(&self.query.lower).eq(separators(target))
    }

    /// How far down the list a game that makes names ([`Kind::makes_names`])
    /// reaches from a name of `len` characters: the top
    /// `near_max_target_rank`, except a word dropped from a long name
    /// (`awsencryption` for `aws-encryption-sdk`) or one plural on it
    /// (`taskgroups` for `taskgroup`), which reach the targets. Measured
    /// on every less-popular name of both lists, those flag 8 and 50 in
    /// 1.08 million (`statemachine`, `django-healthchecks`); every other
    /// such game flags 20–50 per half of the PyPI list.
    pub(super) fn near_reach(&self, kind: Kind, len: usize) -> u32 {
        if matches!(kind, Kind::DroppedWord | Kind::Plural) && len >= LONG_NAME {
            self.cfg.max_target_rank
        } else {
            self.cfg.near_max_target_rank
        }
    }

    /// [`far_more_popular`] for the checked name.
    pub(super) fn far_more_popular(&self, rank: u32, downloads: Option<u64>) -> bool {
        far_more_popular(self.cfg, rank, downloads, self.own_rank, self.own_downloads)
    }

    /// Scores, filters, sorts and cuts. The first match is the "did you
    /// mean": the simplest explanation (fewest games), then the best
    /// score, then the name closest as written (separators and all), then
    /// the most popular target. So `pydanic-core` means `pydantic-core`
    /// (one letter left out), not `pydantic` (one letter left out and a
    /// word added), though `pydantic` ranks higher.
    pub(super) fn finish(self, hints: &Hints<'_>) -> Vec<Match> {
        let mut out: Vec<(u8, usize, Match)> = Vec::with_capacity(self.matches.len());
        for Pending {
            position,
            kind,
            games,
            transformation,
        } in self.matches
        {
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
            let found = Match {
                similar: Similar {
                    name: name.to_owned(),
                    rank,
                    transformation,
                },
                kind,
                score,
            };
            let written = strsim::osa_distance(&self.query.lower, &name.to_lowercase());
            out.push((games, written, found));
        }
        out.sort_by(|(games_a, written_a, a), (games_b, written_b, b)| {
            games_a
                .cmp(games_b)
                .then(b.score.cmp(&a.score))
                .then(written_a.cmp(written_b))
                .then(a.similar.rank.cmp(&b.similar.rank))
                .then_with(|| a.similar.name.cmp(&b.similar.name))
        });
        out.truncate(self.cfg.max_results);
        out.into_iter().map(|(_, _, found)| found).collect()
    }
}
