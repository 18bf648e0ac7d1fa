//! Look-up tables over one popular list, built once per list.
//!
//! Every game that disappears in a form of the name (see [`super::names`])
//! becomes one hash look-up; only real spelling errors need an edit
//! distance, and those are searched in buckets of names of the same compact
//! length, most popular first, with a letter-set filter that rejects most
//! candidates in one instruction. With 15,000 names per list that costs a
//! few microseconds a check, and needs no automaton crate: an `fst` +
//! Levenshtein-automaton index was considered, but building the distance-2
//! automaton of each checked name alone costs more than this whole scan.

use std::collections::{HashMap, HashSet};

use super::names::{
    self, collapse_runs, letter_set, singular, skeleton, split_scope, split_version, word_set,
};
use crate::ecosystem::Ecosystem;
use crate::verdict::popular::{compact, PopularIndex};

/// Words that dress a name up without changing what it means: a popular
/// name with one of these added or removed is the same name to a reader.
pub(super) const PYPI_NOISE: [&str; 8] = [
    "python", "python3", "py", "py3", "pypi", "pip", "lib", "dev",
];

/// [`PYPI_NOISE`] for npm.
pub(super) const NPM_NOISE: [&str; 7] = ["node", "nodejs", "js", "npm", "lib", "dev", "javascript"];

/// Words a user leaves out of a popular name when typing it from memory
/// (`aws-encryption` for `aws-encryption-sdk`); only their *removal* is
/// suspicious, adding them makes a new, usually legitimate, name.
pub(super) const DROPPABLE: [&str; 2] = ["sdk", "cli"];

/// Words that promise the popular project itself to a user looking for
/// it (`install-pyyaml`, `urllib3installer`): only their *addition* is a
/// game, and they are the same in both ecosystems.
pub(super) const BAIT: [&str; 2] = ["install", "installer"];

/// The noise words of an ecosystem.
pub(super) fn noise(ecosystem: Ecosystem) -> &'static [&'static str] {
    match ecosystem {
        Ecosystem::Pypi => &PYPI_NOISE,
        Ecosystem::Npm => &NPM_NOISE,
    }
}

/// One popular name in a length bucket.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    /// Position in the popular index (0 = most popular).
    pub position: u32,
    /// Its rank.
    pub rank: u32,
    /// [`letter_set`] of `text`.
    pub letters: u64,
    /// The compact form compared: the name's, or the name's without a
    /// noise word (`awsencryption` for `aws-encryption-sdk`).
    pub text: Box<str>,
    /// Whether `text` is the name without a noise word.
    pub stripped: bool,
}

/// Positions in the popular index, keyed by one form of the name.
type Table = HashMap<String, Vec<u32>>;

/// The typosquatting rule's look-up tables over one [`PopularIndex`].
#[derive(Debug, Clone, Default)]
pub struct SimilarityIndex {
    /// [`compact`] of the whole name (scope included).
    by_compact: Table,
    /// [`skeleton`] of the compact name.
    by_skeleton: Table,
    /// [`word_set`] of the lowercased name (unscoped names only).
    by_words: Table,
    /// [`collapse_runs`] of the compact name (unscoped names only).
    by_runs: Table,
    /// Compact name without its trailing version number.
    by_version_base: Table,
    /// [`singular`] of the lowercased name (unscoped names only).
    by_singular: Table,
    /// Compact name with one noise word (`python-`, `-js`, …) removed.
    by_without_noise: Table,
    /// Scoped names by the compact form of their bare name.
    by_bare: Table,
    /// Unscoped names by compact length in bytes, most popular first.
    buckets: Vec<Vec<Candidate>>,
    /// Positions in `buckets[len]` by (len, [`letter_set`]), most popular
    /// first: the far end of the list is read only for games that keep the
    /// letter set (a swap, a letter doubled or typed once), so those find
    /// their few candidates without walking a whole bucket.
    by_letters: HashMap<(usize, u64), Vec<u32>>,
    /// Every word of every popular name (`pytest`, `cov`, `core`, …).
    vocabulary: HashSet<String>,
}

impl SimilarityIndex {
    /// Builds the tables of `popular`.
    pub(crate) fn build(popular: &PopularIndex) -> SimilarityIndex {
        let noise = noise(popular.ecosystem());
        let mut index = SimilarityIndex::default();
        let mut position = 0usize;
        while let Some((name, _, rank, _)) = popular.entry(position) {
            let at = u32::try_from(position).unwrap_or(u32::MAX);
            let lower = name.to_lowercase();
            let whole = compact(&lower);
            push(&mut index.by_compact, whole.clone(), at);
            push(&mut index.by_skeleton, skeleton(&whole), at);
            let (scope, bare) = split_scope(&lower);
            let bare_compact = compact(bare);
            for word in names::words(bare).chain(scope) {
                if !index.vocabulary.contains(word) {
                    index.vocabulary.insert(word.to_owned());
                }
            }
            if scope.is_some() {
                push(&mut index.by_bare, bare_compact, at);
            } else {
                if let Some(words) = word_set(&lower) {
                    push(&mut index.by_words, words, at);
                }
                push(&mut index.by_runs, collapse_runs(&whole), at);
                push(&mut index.by_singular, singular(&lower), at);
                let (base, version) = split_version(&whole);
                if !version.is_empty() && !base.is_empty() {
                    push(&mut index.by_version_base, base.to_owned(), at);
                }
                let mut stripped: Vec<String> = without_noise(&lower, noise)
                    .into_iter()
                    .chain(without_noise(&lower, &DROPPABLE))
                    .map(|(rest, _)| rest)
                    .collect();
                stripped.dedup();
                for text in &stripped {
                    push(&mut index.by_without_noise, text.clone(), at);
                }
                index.add_candidate(at, rank, whole, false);
                for text in stripped {
                    index.add_candidate(at, rank, text, true);
                }
            }
            position += 1;
        }
        index
    }

    fn add_candidate(&mut self, position: u32, rank: u32, text: String, stripped: bool) {
        let len = text.len();
        if self.buckets.len() <= len {
            self.buckets.resize_with(len + 1, Vec::new);
        }
        let letters = letter_set(&text);
        let at = u32::try_from(self.buckets[len].len()).unwrap_or(u32::MAX);
        self.by_letters.entry((len, letters)).or_default().push(at);
        self.buckets[len].push(Candidate {
            position,
            rank,
            letters,
            text: text.into_boxed_str(),
            stripped,
        });
    }

    /// Whether `word` is a word of some popular name.
    pub(super) fn is_word(&self, word: &str) -> bool {
        self.vocabulary.contains(word)
    }

    /// Popular names whose compact form is `key`.
    pub(super) fn compact(&self, key: &str) -> &[u32] {
        lookup(&self.by_compact, key)
    }

    /// Popular names whose skeleton is `key`.
    pub(super) fn skeleton(&self, key: &str) -> &[u32] {
        lookup(&self.by_skeleton, key)
    }

    /// Popular names made of the same words as `key` ([`word_set`]).
    pub(super) fn words(&self, key: &str) -> &[u32] {
        lookup(&self.by_words, key)
    }

    /// Unscoped popular names whose [`collapse_runs`] form is `key`.
    pub(super) fn runs(&self, key: &str) -> &[u32] {
        lookup(&self.by_runs, key)
    }

    /// Unscoped popular names whose [`singular`] form is `key`.
    pub(super) fn singular(&self, key: &str) -> &[u32] {
        lookup(&self.by_singular, key)
    }

    /// Popular names that are `key` plus a version number.
    pub(super) fn version_base(&self, key: &str) -> &[u32] {
        lookup(&self.by_version_base, key)
    }

    /// Popular names that are `key` plus a noise word.
    pub(super) fn without_noise(&self, key: &str) -> &[u32] {
        lookup(&self.by_without_noise, key)
    }

    /// Scoped popular names whose bare name is `key` (compact).
    pub(super) fn bare(&self, key: &str) -> &[u32] {
        lookup(&self.by_bare, key)
    }

    /// Unscoped popular names of compact length `len`, most popular first.
    pub(super) fn bucket(&self, len: usize) -> &[Candidate] {
        self.buckets.get(len).map(Vec::as_slice).unwrap_or_default()
    }

    /// The names of [`Self::bucket`] `len` made of exactly the letters
    /// `letters` ([`letter_set`]), most popular first.
    pub(super) fn same_letters(
        &self,
        len: usize,
        letters: u64,
    ) -> impl Iterator<Item = &Candidate> + '_ {
        let bucket = self.bucket(len);
        self.by_letters
            .get(&(len, letters))
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(move |&at| bucket.get(at as usize))
    }
}

fn push(table: &mut Table, key: String, position: u32) {
    let positions = table.entry(key).or_default();
    if positions.last() != Some(&position) {
        positions.push(position);
    }
}

fn lookup<'a>(table: &'a Table, key: &str) -> &'a [u32] {
    table.get(key).map(Vec::as_slice).unwrap_or_default()
}

/// The compact forms of `name` with one leading or trailing noise word
/// removed (`python-dateutil` → `dateutil`), when enough is left, each with
/// how the word was attached ("prefix 'python'").
pub(super) fn without_noise(name: &str, noise: &[&str]) -> Vec<(String, String)> {
    let all: Vec<&str> = names::words(name).collect();
    let mut out = Vec::new();
    if all.len() < 2 {
        return out;
    }
    let last = all.len() - 1;
    for (skip, rest, end) in [(0, &all[1..], "prefix"), (last, &all[..last], "suffix")] {
        if noise.contains(&all[skip]) {
            let rest: String = rest.concat();
            if rest.len() >= super::MIN_AFFIX_BASE {
                out.push((rest, format!("{end} '{}'", all[skip])));
            }
        }
    }
    out
}
