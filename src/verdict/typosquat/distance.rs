//! Spelling errors: popular names one or two edits away, where swapping
//! two adjacent characters counts as one edit (optimal string alignment,
//! "Damerau"), compared with separators and case removed.
//!
//! The tolerated distance grows with the length of the name: at four
//! characters nearly every string is one edit from some popular name, at
//! ten two edits are still a deliberate look-alike.

use super::edits::{describe, two_slips};
use super::index::{noise, without_noise, Candidate};
use super::names::{is_separator, letter_set, split_version, words, Query};
use super::{Found, Kind};
use crate::ecosystem::Ecosystem;

/// Below this many characters (separators not counted) a name is short:
/// nearly every short string is one edit from *some* popular name, so
/// only the most popular count (see [`super::TyposquatConfig::weak_max_target_rank`]).
const SHORT: usize = 5;

/// Shortest word of a longer name in which an omitted letter counts as a
/// slip. A letter left out of a short word makes another word
/// (`easy-scrap` for `scramp`, `pandas-linker` for `blinker`,
/// `yaycl-crypt` for `bcrypt`): measured on every less-popular PyPI name,
/// omissions in words under 7 letters were 156 of 176 such flags in half
/// A and no real malicious name; in longer words they are typos
/// (`tensorflw-gpu`, `oslodb-sqlachemy-exceptions`).
const WORD_OMISSION_MIN: usize = 7;

/// Popular names within the tolerated distance of the checked name.
pub(super) fn near_misses(query: &Query, found: &mut Found<'_>) {
    scan(
        Scan::new(query.compact.as_bytes(), &query.lower, None),
        found,
    );
    // A slip *and* letters typed over and over (`requstsss`): the runs
    // rule needs the rest spelt right, so compare the name with its runs
    // cut, when that removes two letters or more; only slips count.
    let runs = &query.runs;
    if runs.len() + 2 <= query.compact.len() && runs.len() >= SHORT {
        let also = Some("letters repeated");
        scan(Scan::new(runs.as_bytes(), runs, also), found);
    }
}

/// A slip of the hand on a popular name *and* a word or version number
/// added around it: `reqeusts-py`, `python-reqeusts`, `pynumpyy`,
/// `reqeusts2`. Each game alone is caught by its own rule; together they
/// hide from both, so the name is compared again without the addition.
/// Only slips (omitted, swapped or repeated characters) and a plural `s`
/// (`passports-js`) count here, on
/// bases long enough not to collide by chance, and not an omitted last
/// letter: `enquire.js`, `entrypoint2` are a stem and an addition.
pub(super) fn affixed_near_misses(ecosystem: Ecosystem, query: &Query, found: &mut Found<'_>) {
    if query.scope.is_some() {
        return;
    }
    let noise = noise(ecosystem);
    let mut bases: Vec<(String, String)> = without_noise(&query.lower, noise);
    for word in noise.iter().filter(|word| !matches!(**word, "lib" | "dev")) {
        if query.lower.contains(is_separator) {
            break; // Separated words were handled above, glued ones need one word.
        }
        let glued = [
            query.compact.strip_prefix(word),
            query.compact.strip_suffix(word),
        ];
        for base in glued.into_iter().flatten() {
            bases.push((base.to_owned(), format!("'{word}'")));
        }
    }
    // A version number added (`reqeusts2`, `numpyy3`).
    let (unversioned, version) = split_version(&query.compact);
    if !version.is_empty() {
        bases.push((
            unversioned.to_owned(),
            format!("version number '{version}'"),
        ));
    }
    for (base, how) in bases {
        if base.len() >= SHORT {
            let also = format!("added {how}");
            scan(Scan::new(base.as_bytes(), &base, Some(&also)), found);
        }
    }
}

/// A slip in one word of a longer name: `tensorflw-gpu`, `pandass-utils`,
/// `reqeusts-helper`. The other words may be anything, so only what a
/// typist's slip makes counts, and only where it cannot be a name of its
/// own: the word must be one no popular name uses (`stream-x` is a family,
/// not a typo of `streamx`), the target a one-word name among the most
/// popular ([`super::TyposquatConfig::word_slip_max_target_rank`]), an
/// omitted letter counts only in a word of [`WORD_OMISSION_MIN`] letters,
/// and an omitted last letter is a stem (`holiday`, `pgvecto-rs`), not a
/// slip (one of a doubled pair, `graphify` for `graphifyy`, still is).
pub(super) fn word_slips(query: &Query, found: &mut Found<'_>) {
    let words: Vec<&str> = words(&query.lower).collect();
    if words.len() < 2 {
        return;
    }
    for (at, word) in words.iter().enumerate() {
        if word.len() < SHORT || found.similarity().is_word(word) {
            continue;
        }
        let others: Vec<&str> = words
            .iter()
            .enumerate()
            .filter(|(other, _)| *other != at)
            .map(|(_, word)| *word)
            .collect();
        let noun = if others.len() > 1 { "words" } else { "word" };
        let also = format!("added {noun} '{}'", others.join("-"));
        let mut one = Scan::new(word.as_bytes(), word, Some(&also));
        one.word_of_longer = true;
        scan(one, found);
    }
}

/// The distance scan of one form of the name over the length buckets.
fn scan(scan: Scan<'_>, found: &mut Found<'_>) {
    let len = scan.name.len();
    let reach = found.reach(len);
    if reach == 0 {
        return;
    }
    let near_rank = scan.near_rank(found);
    // Swapped or doubled letters on long names reach further down the
    // list (see `Found::add`); in a word of a longer name, the targets.
    let far_rank = match (len >= super::LONG_SLIP, scan.word_of_longer) {
        (false, _) => near_rank,
        (true, false) => found.slip_max_rank(),
        (true, true) => found.max_rank(),
    };
    let similarity = found.similarity();
    // The most typed names are worth two slips from a shorter length
    // (whole names only: an addition undone is one game already).
    let whole = scan.also.is_none() && !scan.word_of_longer;
    let top_rank = if whole { found.two_slip_max_rank() } else { 0 };
    let top_reach = |found: &Found<'_>, len: usize| {
        if top_rank > 0 {
            found.two_slip_reach(len)
        } else {
            0
        }
    };
    let wide = reach.max(top_reach(found, len));
    for target_len in len.saturating_sub(wide)..=len + wide {
        let limit = found.reach(len.min(target_len));
        let top_limit = limit.max(top_reach(found, len.min(target_len)));
        if len.abs_diff(target_len) > top_limit {
            continue;
        }
        let bucket = similarity.bucket(target_len);
        let near = len.abs_diff(target_len) <= limit;
        for candidate in bucket.iter().take_while(|c| c.rank <= near_rank) {
            // Two slips are weak evidence, which keeps the first letter:
            // that test spares most of the wider distance computations.
            let top = candidate.rank <= top_rank;
            if top && candidate.text.as_bytes().first() == scan.name.first() {
                scan.consider(candidate, top_limit, found);
            } else if near {
                scan.consider(candidate, limit, found);
            } else if !top {
                break;
            }
        }
        if !near {
            continue;
        }
        // Beyond the ordinary reach only a swap (same length) or a letter
        // doubled or a doubled one typed once (one longer or shorter)
        // counts, and all keep the letter set: only those few names are
        // read (the worst case's hot loop).
        if far_rank > near_rank && target_len.abs_diff(len) <= 1 {
            let far = similarity
                .same_letters(target_len, scan.letters)
                .skip_while(|c| c.rank <= near_rank)
                .take_while(|c| c.rank <= far_rank);
            for candidate in far {
                scan.consider(candidate, limit, found);
            }
        }
    }
}

/// One form of the name being scanned, as [`scan`] compares it with each
/// candidate.
struct Scan<'a> {
    /// The compact form compared.
    name: &'a [u8],
    /// The lowercased name, for telling a typo from a family member.
    lower: &'a str,
    /// The other game undone to get `name` ("added 'py'", "letters
    /// repeated"), if any: then only slips count, and the transformation
    /// says it too.
    also: Option<&'a str>,
    /// [`letter_set`] of `name`.
    letters: u64,
    /// Whether `name` is one word of a longer name ([`word_slips`]).
    word_of_longer: bool,
}

impl<'a> Scan<'a> {
    /// `name` (a compact form), as a whole name or with `also` undone.
    fn new(name: &'a [u8], lower: &'a str, also: Option<&'a str>) -> Scan<'a> {
        Scan {
            name,
            lower,
            also,
            letters: letter_set(&String::from_utf8_lossy(name)),
            word_of_longer: false,
        }
    }

    /// How far down the list any kind of edit reaches: the targets, and for
    /// one word of a longer name only the one-word names of the top 2000;
    /// beyond, only swapped or doubled letters count.
    fn near_rank(&self, found: &Found<'_>) -> u32 {
        if self.word_of_longer {
            found.max_rank().min(found.word_slip_max_rank())
        } else {
            found.max_rank()
        }
    }

    /// Records `candidate` when it is within `limit` edits and the kind of
    /// edit may reach its rank.
    fn consider(&self, candidate: &Candidate, limit: usize, found: &mut Found<'_>) {
        let name = self.name;
        if (self.letters ^ candidate.letters).count_ones() as usize > 2 * limit {
            return;
        }
        let target = candidate.text.as_bytes();
        let Some(distance) = osa(name, target, limit) else {
            return;
        };
        if distance == 0 {
            return; // Same compact form: the separator/affix rules' case.
        }
        let Some(full) = found.name_at(candidate.position) else {
            return;
        };
        let (mut kind, mut phrase) = describe(name, self.lower, target, distance);
        if distance > found.reach(name.len().min(target.len())) {
            // Only reached as one of the most typed names: two slips.
            match two_slips(name, self.lower, target) {
                Some(both) => (kind, phrase) = (Kind::TwoSlips, both),
                None => return,
            }
        }
        if kind == Kind::Version {
            return; // `web3`/`web4`: the version rule decides.
        }
        let slip = kind.is_slip();
        if candidate.rank > self.near_rank(found)
            && (!kind.reaches_far() || candidate.stripped || distance > 1)
        {
            return; // Beyond the ordinary reach only plain slips count.
        }
        // A plural behind a noise word is one more game (`passports-js`);
        // in a word of a longer name it is English (`scholarly-publications`).
        let plural = kind == Kind::Plural && !self.word_of_longer;
        if self.also.is_some() && (!(slip || plural) || candidate.stripped || distance > 1) {
            return;
        }
        if self.word_of_longer && full.contains(is_separator) {
            return; // Another word's family (see `word_slips`).
        }
        if self.word_of_longer && kind == Kind::Omitted && name.len() < WORD_OMISSION_MIN {
            return; // Most likely another word: `scrap`, `linker`, `paths`.
        }
        let stem = kind == Kind::Omitted && target.starts_with(name);
        if stem && (self.word_of_longer || self.also.is_some()) {
            // A stem with a word or number added (`enquire.js`,
            // `entrypoint2`), not a slip.
            return;
        }
        if !candidate.stripped && !slip && !typo_not_family(self.lower, &full.to_lowercase(), found)
        {
            return;
        }
        // Rarer shapes of error need a more popular target: weak edits,
        // short names, and slips on the first letter (which a typist
        // sees best), swaps excepted.
        let short = name.len().min(target.len()) < SHORT;
        let at_start = name.first() != target.first() && kind != Kind::Swap;
        if (kind.is_weak() || short || at_start) && candidate.rank > found.weak_max_rank() {
            return;
        }
        if kind.is_weak() && name.len() < found.cfg.weak_min_len {
            return; // Short names are one arbitrary edit from many others.
        }
        if kind.is_weak() && name.first() != target.first() {
            // Misspellings rarely touch the first letter; slips of the
            // hand (swap, omission, repetition, neighbour key) may.
            return;
        }
        if candidate.stripped {
            phrase.push_str(", and a word dropped");
        }
        if let Some(how) = self.also {
            phrase.push_str(&format!(", and {how}"));
        }
        let undone = u8::from(candidate.stripped) + u8::from(self.also.is_some());
        found.add_after(candidate.position, kind, undone, || phrase);
    }
}

/// Whether `a` and `b` are at most `limit` edits apart.
pub(super) fn within(a: &str, b: &str, limit: usize) -> bool {
    osa(a.as_bytes(), b.as_bytes(), limit).is_some()
}

/// Longest name compared with the stack buffers below; longer names fall
/// back to `strsim`.
const STACK: usize = 64;

/// Optimal-string-alignment distance of `a` and `b` when it is at most
/// `limit`, else `None`. Stops as soon as a whole row exceeds `limit`.
pub(super) fn osa(a: &[u8], b: &[u8], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    if b.len() >= STACK {
        let distance =
            strsim::osa_distance(&String::from_utf8_lossy(a), &String::from_utf8_lossy(b));
        return (distance <= limit).then_some(distance);
    }
    let width = b.len() + 1;
    let mut before = [0usize; STACK];
    let mut previous = [0usize; STACK];
    let mut current = [0usize; STACK];
    for (j, cell) in previous.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = i;
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
            row_min = row_min.min(best);
        }
        if row_min > limit {
            return None;
        }
        before[..width].copy_from_slice(&previous[..width]);
        previous[..width].copy_from_slice(&current[..width]);
    }
    let distance = previous[b.len()];
    (distance <= limit).then_some(distance)
}

/// Tells a typo from a family member. Names built of the same words but
/// one are a family when that one word is itself a word of some popular
/// name (`pytest-cpu` and `pytest-cov`, `mypy-boto3-sns` and
/// `mypy-boto3-sqs`, `jest-nock` and `jest-mock`), unless it is the
/// target's word with an `s` added or removed (`request-oauthlib`); a
/// typo makes a word nobody uses (`google-cloud-cor`). Names that differ
/// by a whole word (`markdown-it-ts`, `q-retry`) are a family too.
fn typo_not_family(name: &str, target: &str, found: &Found<'_>) -> bool {
    let words: Vec<&str> = name.split(is_separator).filter(|w| !w.is_empty()).collect();
    let target_words: Vec<&str> = target
        .split(is_separator)
        .filter(|w| !w.is_empty())
        .collect();
    if words.len().abs_diff(target_words.len()) == 1 {
        let (long, short) = if words.len() > target_words.len() {
            (&words, &target_words)
        } else {
            (&target_words, &words)
        };
        let whole_word = (0..long.len()).any(|skip| {
            long.iter()
                .enumerate()
                .filter(|(at, _)| *at != skip)
                .map(|(_, word)| word)
                .eq(short.iter())
        });
        return !whole_word;
    }
    if words.len() < 2 || words.len() != target_words.len() {
        return true;
    }
    let mut differing = words
        .iter()
        .zip(&target_words)
        .filter(|(word, target_word)| word != target_word);
    match (differing.next(), differing.next()) {
        (Some((word, target_word)), None) => {
            let plural = word.strip_suffix('s') == Some(*target_word)
                || target_word.strip_suffix('s') == Some(*word);
            plural || !found.similarity().is_word(word)
        }
        _ => true,
    }
}
