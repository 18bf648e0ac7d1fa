//! Name similarity to popular packages (typosquatting), rule v1.
//!
//! Attackers publish packages whose names are one slip of the keyboard away
//! from a popular one (`reqeusts`, `djnago`), or dress a popular name up as
//! an official-looking variant (`python-requests`, `requests2`), and wait
//! for someone to type it. This module answers one question: which popular
//! packages does a name imitate, and how?
//!
//! It is popularity-aware on both sides. A name that is itself popular is
//! never a squat (popular packages legitimately resemble each other:
//! `boto`/`boto3`, `jinja2`/`jinja`). And only names in the top
//! [`TyposquatConfig::max_target_rank`] are worth imitating, which also
//! keeps the search small.
//!
//! v1 is deliberately simple: exact look-ups for prefix/suffix combos and
//! look-alike characters, then an optimal-string-alignment distance
//! (Damerau: transpositions count as one edit) against the popular names of
//! similar length, separators ignored. Names are bucketed by length in the
//! index, so most are never compared. A later version replaces the scan with
//! fst/Levenshtein automata.

use std::collections::HashMap;

use super::popular::PopularIndex;

/// One popular package a name resembles, and how.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Similar {
    /// The popular package's PEP 503 normalized name.
    pub name: String,
    /// Its download rank (1 = most downloaded).
    pub rank: u32,
    /// What turns the popular name into the checked one, as a short phrase
    /// ("swapped adjacent characters", "added prefix 'python-'", …).
    pub transformation: String,
}

/// Tuning of the typosquatting rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TyposquatConfig {
    /// Only packages ranked this high or better are considered targets
    /// (default 5000).
    pub max_target_rank: u32,
    /// Names shorter than this (in characters) are never flagged
    /// (default 4): at that length nearly every name is one edit from a
    /// popular one.
    pub min_len: usize,
}

impl Default for TyposquatConfig {
    fn default() -> Self {
        TyposquatConfig {
            max_target_rank: 5000,
            min_len: 4,
        }
    }
}

/// At most this many similar packages are returned.
const MAX_RESULTS: usize = 3;

/// Prefixes that dress a popular name up (`python-requests`). Bare forms
/// need a longer base, see [`MIN_BARE_AFFIX_BASE`].
const PREFIXES: [&str; 4] = ["python-", "py-", "python", "py"];

/// Suffixes that dress a popular name up (`requests-py`).
const SUFFIXES: [&str; 6] = ["-python", "-py", "-dev", "-lib", "python", "py"];

/// Smallest popular name that a prefix/suffix combo is checked against
/// when the affix has a separator (`py-six`).
const MIN_AFFIX_BASE: usize = 3;

/// Smallest popular name that a bare prefix/suffix (`pyrequests`) or a
/// trailing number is checked against: short names glued to `py` or a digit
/// are too often real, unrelated projects.
const MIN_BARE_AFFIX_BASE: usize = 4;

/// Look-alike character groups: a name that differs from a popular one only
/// by one of these swaps reads the same at a glance.
const HOMOGLYPHS: [(&str, &str); 5] =
    [("rn", "m"), ("vv", "w"), ("l", "1"), ("l", "i"), ("0", "o")];

/// Returns the popular packages `name` imitates, most popular first (empty
/// when none, or when `name` is itself popular). Uses
/// [`TyposquatConfig::default`].
///
/// `name` must be PEP 503 normalized (lowercase, runs of `-_.` → `-`).
pub fn similar_packages(name: &str, popular: &PopularIndex) -> Vec<Similar> {
    similar_packages_with(name, popular, &TyposquatConfig::default())
}

/// [`similar_packages`] with explicit tuning: at most three packages,
/// sorted by rank.
pub fn similar_packages_with(
    name: &str,
    popular: &PopularIndex,
    config: &TyposquatConfig,
) -> Vec<Similar> {
    if name.chars().count() < config.min_len || popular.rank(name).is_some() {
        return Vec::new();
    }
    let mut found = Found {
        name,
        popular,
        max_rank: config.max_target_rank,
        targets: HashMap::new(),
    };
    // Most specific explanation first: a target keeps the first one found.
    affix_combos(&mut found);
    look_alikes(&mut found);
    near_misses(name, popular, config, &mut found);

    let mut similar: Vec<Similar> = found
        .targets
        .into_iter()
        .map(|(target, (rank, transformation))| Similar {
            name: target,
            rank,
            transformation,
        })
        .collect();
    similar.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.name.cmp(&b.name)));
    similar.truncate(MAX_RESULTS);
    similar
}

/// The targets found so far for one checked name.
struct Found<'a> {
    name: &'a str,
    popular: &'a PopularIndex,
    max_rank: u32,
    /// Target name → (rank, transformation).
    targets: HashMap<String, (u32, String)>,
}

impl Found<'_> {
    /// Records `target` if it is popular enough and not yet explained.
    fn look_up(&mut self, target: &str, transformation: impl FnOnce() -> String) {
        if target == self.name || self.targets.contains_key(target) {
            return;
        }
        if let Some(rank) = self.popular.rank(target) {
            self.add(target, rank, transformation());
        }
    }

    /// Records a target whose rank is already known.
    fn add(&mut self, target: &str, rank: u32, transformation: String) {
        if rank <= self.max_rank && target != self.name {
            self.targets
                .entry(target.to_owned())
                .or_insert((rank, transformation));
        }
    }
}

/// `python-X`, `py-X`, `X-py`, `X-python`, `X-dev`, `X-lib`, `X2`, … where
/// `X` is popular.
fn affix_combos(found: &mut Found<'_>) {
    let name = found.name;
    let long_enough = |base: &str, affix: &str| {
        let min = if affix.contains('-') {
            MIN_AFFIX_BASE
        } else {
            MIN_BARE_AFFIX_BASE
        };
        base.chars().count() >= min && !base.starts_with('-') && !base.ends_with('-')
    };
    for prefix in PREFIXES {
        if let Some(base) = name.strip_prefix(prefix) {
            if long_enough(base, prefix) {
                found.look_up(base, || format!("added prefix '{prefix}'"));
            }
        }
    }
    for suffix in SUFFIXES {
        if let Some(base) = name.strip_suffix(suffix) {
            if long_enough(base, suffix) {
                found.look_up(base, || format!("added suffix '{suffix}'"));
            }
        }
    }
    // Trailing digits, with or without a separator: `requests2`, `flask-3`.
    let without_digits = name.trim_end_matches(|c: char| c.is_ascii_digit());
    if without_digits.len() < name.len() {
        let base = without_digits.trim_end_matches('-');
        let suffix = &name[base.len()..];
        if long_enough(base, "") {
            found.look_up(base, || format!("added suffix '{suffix}'"));
        }
        // Only the last digit: `boto33` → `boto3`.
        let one_less = &name[..name.len() - 1];
        let digit = &name[name.len() - 1..];
        if one_less.len() > without_digits.len() && long_enough(one_less, "") {
            found.look_up(one_less, || format!("added suffix '{digit}'"));
        }
    }
}

/// `rnatplotlib` → `matplotlib`, `f1ask` → `flask`: one look-alike swap, or
/// every occurrence of one swapped at once.
fn look_alikes(found: &mut Found<'_>) {
    let name = found.name;
    for (left, right) in HOMOGLYPHS {
        for (from, to) in [(left, right), (right, left)] {
            let phrase = || format!("look-alike characters '{left}'/'{right}'");
            for (at, _) in name.match_indices(from) {
                let variant = format!("{}{}{}", &name[..at], to, &name[at + from.len()..]);
                found.look_up(&variant, phrase);
            }
            if name.matches(from).nth(1).is_some() {
                found.look_up(&name.replace(from, to), phrase);
            }
        }
    }
}

/// The largest edit distance tolerated between names of `len` characters
/// (separators not counted): 1 from 4 characters, 2 from 8.
fn max_distance(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Popular names within a small Damerau (optimal string alignment)
/// distance of `name`.
///
/// Names are compared twice: as written, and with separators removed, where
/// changing the separators costs one more edit. So `pythondateutil` matches
/// `python-dateutil` (separators changed only), while `cpg-utils` is not
/// taken for `cssutils` (two letters changed and a separator removed).
fn near_misses(
    name: &str,
    popular: &PopularIndex,
    config: &TyposquatConfig,
    found: &mut Found<'_>,
) {
    let compact: String = name.chars().filter(|&c| c != '-').collect();
    let len = compact.chars().count();
    let reach = max_distance(len);
    if reach == 0 {
        return;
    }
    let letters = letter_set(&compact);
    for target_len in len.saturating_sub(reach)..=len + reach {
        let limit = max_distance(len.min(target_len));
        if len.abs_diff(target_len) > limit {
            continue;
        }
        let candidates = popular
            .with_compact_len(target_len)
            .take_while(|&(_, _, rank)| rank <= config.max_target_rank);
        for (target, target_compact, rank) in candidates {
            // Cheap lower bound first: one edit changes at most two letters
            // of the set of letters used, a swap none.
            let changed = (letters ^ letter_set(target_compact)).count_ones() as usize;
            if changed > 2 * limit || found.targets.contains_key(target) {
                continue;
            }
            let Some(transformation) = near_miss(name, &compact, target, target_compact, limit)
            else {
                continue;
            };
            if differing_part_long_enough(name, target) {
                found.add(target, rank, transformation);
            }
        }
    }
}

/// How `target` became `name` when they are at most `limit` edits apart.
/// Changing only separators is no edit; changing them on top of other
/// edits costs one more.
fn near_miss(
    name: &str,
    compact: &str,
    target: &str,
    target_compact: &str,
    limit: usize,
) -> Option<String> {
    let compact_distance = strsim::osa_distance(compact, target_compact);
    if compact_distance == 0 {
        return Some("separators changed".to_owned());
    }
    if compact_distance > limit {
        return None;
    }
    let has_separators = name.len() != compact.len() || target.len() != target_compact.len();
    let distance = if has_separators {
        strsim::osa_distance(name, target)
    } else {
        compact_distance
    };
    if distance <= limit {
        Some(describe(name, target, distance))
    } else if compact_distance < limit {
        Some(format!(
            "{}, separators changed",
            describe(compact, target_compact, compact_distance)
        ))
    } else {
        None
    }
}

/// The set of letters and digits in `text`, as bits (any other byte is
/// one shared bit, which keeps this a lower bound for non-ASCII names).
fn letter_set(text: &str) -> u64 {
    text.bytes().fold(0, |set, byte| {
        let bit = match byte {
            b'a'..=b'z' => byte - b'a',
            b'0'..=b'9' => 26 + byte - b'0',
            _ => 63,
        };
        set | 1 << bit
    })
}

/// Guards against plugin families: `pytest-cpu` is not a squat of
/// `pytest-cov`, nor `mypy-boto3-sns` of `mypy-boto3-sqs`. When both names
/// have the same separated parts but one, the distance must be tolerable
/// for the length of that one part.
fn differing_part_long_enough(name: &str, target: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    let target_parts: Vec<&str> = target.split('-').collect();
    if parts.len() < 2 || parts.len() != target_parts.len() {
        return true;
    }
    let mut differing = parts
        .iter()
        .zip(&target_parts)
        .filter(|(part, target_part)| part != target_part);
    match (differing.next(), differing.next()) {
        (Some((part, target_part)), None) => {
            let shorter = part.chars().count().min(target_part.chars().count());
            strsim::osa_distance(part, target_part) <= max_distance(shorter)
        }
        _ => true,
    }
}

/// A short human phrase for how `target` became `name` at the given
/// distance.
fn describe(name: &str, target: &str, distance: usize) -> String {
    if distance == 0 {
        return "separators changed".to_owned();
    }
    let a: Vec<char> = name.chars().collect();
    let b: Vec<char> = target.chars().collect();
    if distance > 1 {
        let words = ["no", "one", "two"];
        let count = words.get(distance).copied().unwrap_or("several");
        return if a.len() == b.len() + distance {
            format!("{count} extra characters")
        } else if a.len() + distance == b.len() {
            format!("{count} characters missing")
        } else {
            format!("{count} characters changed")
        };
    }
    let first = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if a.len() == b.len() + 1 {
        let extra = a[first];
        let repeated = (first > 0 && a[first - 1] == extra) || a.get(first + 1) == Some(&extra);
        return if repeated {
            format!("repeated character '{extra}'")
        } else {
            "extra character".to_owned()
        };
    }
    if a.len() + 1 == b.len() {
        return "one character missing".to_owned();
    }
    let swapped = first + 1 < a.len()
        && a[first] == b[first + 1]
        && a[first + 1] == b[first]
        && a[first + 2..] == b[first + 2..];
    if swapped {
        return "swapped adjacent characters".to_owned();
    }
    let (got, was) = (a[first], b[first]);
    for (left, right) in HOMOGLYPHS {
        let pair = [left, right];
        if pair.contains(&got.to_string().as_str()) && pair.contains(&was.to_string().as_str()) {
            return format!("look-alike characters '{left}'/'{right}'");
        }
    }
    "one character changed".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> &'static PopularIndex {
        PopularIndex::shipped_pypi()
    }

    fn targets(name: &str) -> Vec<String> {
        similar_packages(name, shipped())
            .into_iter()
            .map(|similar| similar.name)
            .collect()
    }

    fn explain(name: &str, target: &str) -> String {
        similar_packages(name, shipped())
            .into_iter()
            .find(|similar| similar.name == target)
            .map(|similar| similar.transformation)
            .unwrap_or_else(|| panic!("{name} is not flagged as {target}"))
    }

    /// PEP 503, for feeding raw names from the package list.
    fn normalize(name: &str) -> String {
        let mut out = String::new();
        for c in name.chars() {
            if matches!(c, '-' | '_' | '.') {
                if !out.ends_with('-') {
                    out.push('-');
                }
            } else {
                out.extend(c.to_lowercase());
            }
        }
        out
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
    fn repeated_and_missing_letters() {
        assert_eq!(explain("numpyy", "numpy"), "repeated character 'y'");
        assert_eq!(explain("reqests", "requests"), "one character missing");
        assert_eq!(explain("requxests", "requests"), "extra character");
    }

    #[test]
    fn one_letter_changed() {
        assert_eq!(explain("requezts", "requests"), "one character changed");
    }

    #[test]
    fn trailing_digit() {
        let found = targets("request2");
        assert!(
            found.iter().any(|t| t == "requests" || t == "request"),
            "{found:?}"
        );
        assert_eq!(explain("requests2", "requests"), "added suffix '2'");
    }

    #[test]
    fn prefixes_and_suffixes() {
        assert_eq!(
            explain("python-requests", "requests"),
            "added prefix 'python-'"
        );
        assert_eq!(explain("py-requests", "requests"), "added prefix 'py-'");
        assert_eq!(explain("requests-py", "requests"), "added suffix '-py'");
        assert_eq!(
            explain("requests-python", "requests"),
            "added suffix '-python'"
        );
        assert_eq!(explain("django-dev", "django"), "added suffix '-dev'");
        assert_eq!(explain("flask-lib", "flask"), "added suffix '-lib'");
    }

    #[test]
    fn separators() {
        assert_eq!(
            explain("pythondateutil", "python-dateutil"),
            "separators changed"
        );
        assert_eq!(
            explain("typingextensions", "typing-extensions"),
            "separators changed"
        );
        assert_eq!(
            explain("python-dateutli", "python-dateutil"),
            "swapped adjacent characters"
        );
    }

    #[test]
    fn look_alike_characters() {
        assert_eq!(
            explain("rnatplotlib", "matplotlib"),
            "look-alike characters 'rn'/'m'"
        );
        assert_eq!(explain("f1ask", "flask"), "look-alike characters 'l'/'1'");
        assert_eq!(explain("b0to3", "boto3"), "look-alike characters '0'/'o'");
        assert_eq!(explain("vvheel", "wheel"), "look-alike characters 'vv'/'w'");
    }

    #[test]
    fn two_edits_only_for_long_names() {
        assert_eq!(explain("reqeustss", "requests"), "two characters changed");
        assert_eq!(explain("requestsxy", "requests"), "two extra characters");
        assert_eq!(
            explain("cryptograp", "cryptography"),
            "two characters missing"
        );
        assert!(targets("numpyyy").is_empty());
    }

    #[test]
    fn popular_names_are_not_squats() {
        for name in ["flask", "requests", "numpy", "boto3", "boto", "jinja2"] {
            assert_eq!(targets(name), Vec::<String>::new(), "{name}");
        }
    }

    #[test]
    fn short_names_are_never_flagged() {
        assert!(targets("sx").is_empty());
        assert!(targets("rqs").is_empty());
        let strict = TyposquatConfig {
            min_len: 9,
            ..TyposquatConfig::default()
        };
        assert!(similar_packages_with("reqeusts", shipped(), &strict).is_empty());
    }

    #[test]
    fn only_targets_within_max_rank() {
        let index = PopularIndex::from_ranked([("requests", 1, None), ("rnyrare", 9000, None)]);
        assert_eq!(similar_packages("reqeusts", &index).len(), 1);
        assert!(similar_packages("rnyrar", &index).is_empty());
        let wide = TyposquatConfig {
            max_target_rank: 10_000,
            ..TyposquatConfig::default()
        };
        assert_eq!(similar_packages_with("rnyrar", &index, &wide).len(), 1);
    }

    #[test]
    fn at_most_three_sorted_by_rank() {
        let index = PopularIndex::from_ranked([
            ("abcde", 5, None),
            ("abcdx", 4, None),
            ("abcdy", 3, None),
            ("abcdz", 2, None),
        ]);
        let found = similar_packages("abcdw", &index);
        let ranks: Vec<u32> = found.iter().map(|s| s.rank).collect();
        assert_eq!(ranks, [2, 3, 4]);
    }

    #[test]
    fn plugin_families_are_not_squats() {
        let index =
            PopularIndex::from_ranked([("pytest-cov", 1, None), ("mypy-boto3-sqs", 2, None)]);
        assert!(similar_packages("pytest-cpu", &index).is_empty());
        assert!(similar_packages("mypy-boto3-sns", &index).is_empty());
        assert_eq!(similar_packages("pytset-cov", &index).len(), 1);
    }

    #[test]
    fn top_2000_shipped_names_are_not_flagged() {
        let flagged: Vec<&str> = shipped()
            .iter()
            .take(2000)
            .map(|(name, _)| name)
            .filter(|name| !similar_packages(name, shipped()).is_empty())
            .collect();
        assert!(flagged.is_empty(), "{flagged:?}");
    }

    /// Real, less popular names (ranks 10,000–15,000 in the package list):
    /// popular themselves, so never squats.
    #[test]
    fn less_popular_real_names_are_not_flagged() {
        for name in ["flake8-import-rules", "smartmoneyconcepts", "nextcord"] {
            assert!(shipped().rank(name).is_some(), "{name} not in the snapshot");
            assert!(targets(name).is_empty(), "{name}");
        }
    }

    /// Real names from the package list that have no rank. Some real
    /// projects do look like popular ones; the rule may flag a few.
    #[test]
    fn unranked_real_names_are_rarely_flagged() {
        let names = UNRANKED_SAMPLE;
        let mut flagged = Vec::new();
        for raw in names {
            let name = normalize(raw);
            assert!(shipped().rank(&name).is_none(), "{name} is ranked");
            let similar = similar_packages(&name, shipped());
            if !similar.is_empty() {
                flagged.push((name, similar));
            }
        }
        println!(
            "unranked sample: {} of {} flagged",
            flagged.len(),
            names.len()
        );
        for (name, similar) in &flagged {
            println!("  {name}: {similar:?}");
        }
        assert!(flagged.len() <= 2, "{flagged:?}");
    }

    /// 20 unranked names from the package list, picked at random
    /// (`shuf -n 20` with a fixed seed).
    const UNRANKED_SAMPLE: [&str; 20] = [
        "xmlapply",
        "bambu-urlshortener",
        "context-window-economics",
        "abhieaiesbcalc",
        "iflow-mcp-prashalruchiranga-arxiv-mcp-server",
        "jwt-authenticator",
        "ricgraph-explorer",
        "cs-htmlmailer",
        "vapoursynth-fmtconv",
        "django-tutorial-gs377209",
        "bast3st",
        "pop-testbed",
        "equilib",
        "ndev",
        "ricelang",
        "agentixx",
        "ricectopy",
        "ndev-themes",
        "bomdia",
        "django-twc-toolbox",
    ];
}
