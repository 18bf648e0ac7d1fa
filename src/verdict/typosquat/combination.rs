//! Two of the most popular names joined into one (`matplotlib-requests`,
//! `pandas-numpy`): combosquatting with a second popular name as the bait.
//!
//! A name that joins two top projects reads like an integration of them,
//! which is what a developer searching for one installs without a second
//! look; more than a dozen of the PyPI names in DataDog's public
//! malicious-package dataset have this shape. The name is not a misspelling of either part, so the spelling
//! games of this module do not see it, and "did you mean?" has no answer:
//! it gets a finding of its own ([`crate::verdict::policy::codes::NAME_COMBINATION`]).
//!
//! Real integrations of two top projects exist (`flask-sqlalchemy`), and
//! the measured cost is why the finding weighs Yellow (review) by default,
//! not Red: such a name is exempt when it is popular itself (listed at
//! all), or published by an owner of one of the two parts
//! ([`Hints::same_owner`]); an obscure one is worth a person's look.

use super::{far_more_popular, Hints, TyposquatConfig};
use crate::ecosystem::Ecosystem;
use crate::verdict::popular::{canonical_name, PopularIndex};

/// A less-popular name made of two popular ones, each with its rank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Combination {
    /// The popular name the checked one starts with, and its rank.
    pub first: (String, u32),
    /// The popular name it ends with, and its rank.
    pub second: (String, u32),
}

impl Combination {
    /// One line a user reads: `'matplotlib' (rank 169) and 'requests' (rank 6)`.
    pub fn describe(&self) -> String {
        format!(
            "'{}' (rank {}) and '{}' (rank {})",
            self.first.0, self.first.1, self.second.0, self.second.1
        )
    }
}

/// The two popular names `name` joins at one of its separators (`-`, `_`,
/// `.`), each ranked within [`TyposquatConfig::combination_max_target_rank`],
/// or `None`: also when the name is listed as popular itself, is scoped
/// (an npm scope is owned), or `hints` says its maintainers publish one of
/// the parts or it has a tenth (`min_popularity_ratio`) of a part's
/// downloads. The first split that works wins.
pub fn combination(
    ecosystem: Ecosystem,
    name: &str,
    popular: &PopularIndex,
    cfg: &TyposquatConfig,
    hints: &Hints<'_>,
) -> Option<Combination> {
    let max_rank = cfg.combination_max_target_rank;
    let canonical = canonical_name(ecosystem, name);
    // Not a name either registry accepts (see `check_with_hints`).
    if max_rank == 0
        || !name.is_ascii()
        || canonical.starts_with('@')
        || popular.rank(&canonical).is_some()
    {
        return None;
    }
    let ranked = |part: &str| {
        popular
            .rank(part)
            .filter(|&rank| rank <= max_rank)
            .map(|rank| (part.to_owned(), rank))
    };
    let found = canonical
        .char_indices()
        .filter(|&(_, c)| matches!(c, '-' | '_' | '.'))
        .find_map(|(at, separator)| {
            let (first, second) = (&canonical[..at], &canonical[at + separator.len_utf8()..]);
            if first == second {
                return None;
            }
            Some(Combination {
                first: ranked(first)?,
                second: ranked(second)?,
            })
        })?;
    let owned = |part: &str| hints.same_owner.iter().any(|own| own == part);
    if owned(&found.first.0) || owned(&found.second.0) {
        return None;
    }
    // A combination with users of its own stands, as a look-alike does
    // (downloads are known online; npm's list has the parts', PyPI's not).
    let dwarfs = |(part, rank): &(String, u32)| {
        far_more_popular(cfg, *rank, popular.downloads(part), None, hints.downloads)
    };
    if !(dwarfs(&found.first) && dwarfs(&found.second)) {
        return None;
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pypi(name: &str, cfg: &TyposquatConfig, hints: &Hints<'_>) -> Option<Combination> {
        combination(
            Ecosystem::Pypi,
            name,
            PopularIndex::shipped_pypi(),
            cfg,
            hints,
        )
    }

    fn parts(name: &str) -> Option<(String, String)> {
        pypi(name, &TyposquatConfig::default(), &Hints::default())
            .map(|joined| (joined.first.0, joined.second.0))
    }

    #[test]
    fn two_top_names_joined_are_a_combination_with_their_ranks() {
        let popular = PopularIndex::shipped_pypi();
        let joined = pypi(
            "matplotlib-requests",
            &TyposquatConfig::default(),
            &Hints::default(),
        )
        .expect("two top-200 names joined");
        assert_eq!(
            (joined.first.clone(), joined.second.clone()),
            (
                ("matplotlib".to_owned(), popular.rank("matplotlib").unwrap()),
                ("requests".to_owned(), popular.rank("requests").unwrap())
            )
        );
        assert!(joined.describe().contains("'requests' (rank "));
        // PEP 503: any separator, any case, is the same name.
        assert!(parts("Pandas_NumPy").is_some());
        // A part may itself have words in it.
        assert_eq!(
            parts("scikit-learn-matplotlib"),
            Some(("scikit-learn".into(), "matplotlib".into()))
        );
    }

    #[test]
    fn popular_repeated_glued_or_one_sided_names_are_not() {
        // Listed as popular itself: a real integration.
        assert!(PopularIndex::shipped_pypi()
            .rank("flask-sqlalchemy")
            .is_some());
        assert_eq!(parts("flask-sqlalchemy"), None);
        // The same name twice is the repetition game, not two packages.
        assert_eq!(parts("pandas-pandas"), None);
        // Glued: measured, it adds no malicious name and more real ones.
        assert_eq!(parts("matplotlibrequests"), None);
        // Only one part popular.
        assert_eq!(parts("requests-widgetry"), None);
    }

    #[test]
    fn the_rank_cap_and_the_owner_decide() {
        let popular = PopularIndex::shipped_pypi();
        let matplotlib = popular.rank("matplotlib").unwrap();
        let tight = TyposquatConfig {
            combination_max_target_rank: matplotlib - 1,
            ..TyposquatConfig::default()
        };
        assert_eq!(pypi("matplotlib-requests", &tight, &Hints::default()), None);
        let off = TyposquatConfig {
            combination_max_target_rank: 0,
            ..TyposquatConfig::default()
        };
        assert_eq!(pypi("pandas-numpy", &off, &Hints::default()), None);
        let owners = ["numpy".to_owned()];
        let by_numpy = Hints {
            same_owner: &owners,
            ..Hints::default()
        };
        assert_eq!(
            pypi("pandas-numpy", &TyposquatConfig::default(), &by_numpy),
            None
        );
    }

    #[test]
    fn npm_scopes_are_owned_and_names_are_as_published() {
        let npm = PopularIndex::shipped_npm();
        let cfg = TyposquatConfig::default();
        let check = |name: &str| combination(Ecosystem::Npm, name, npm, &cfg, &Hints::default());
        assert!(npm.rank("lodash").is_some_and(|rank| rank <= 200));
        assert!(npm.rank("uuid").is_some_and(|rank| rank <= 200));
        assert!(check("lodash-uuid").is_some());
        assert_eq!(check("@acme/lodash-uuid"), None);
    }

    #[test]
    fn a_combination_with_users_of_its_own_stands() {
        let npm = PopularIndex::shipped_npm();
        let cfg = TyposquatConfig::default();
        let smaller = ["lodash", "uuid"]
            .map(|part| npm.downloads(part).expect("npm's list has downloads"))
            .into_iter()
            .min()
            .unwrap();
        let with = |downloads: u64| {
            let hints = Hints {
                downloads: Some(downloads),
                ..Hints::default()
            };
            combination(Ecosystem::Npm, "lodash-uuid", npm, &cfg, &hints)
        };
        // A new copy has no users; a tenth of the smaller part's is many.
        assert!(with(0).is_some());
        assert!(with(smaller / 10).is_some());
        assert_eq!(with(smaller / 10 + 1), None);
    }
}
