//! The forms in which two names are compared.
//!
//! A squat hides its difference from the popular name in a place the eye
//! skips: separators and case (`python_dateutil`, `JSONstream`), glyphs
//! that look alike (`rn`/`m`, `l`/`1`/`I`, `0`/`o`), the order of words
//! (`dateutil-python`), or a version number (`urllib4`). Each of those games
//! disappears in one *form* of the name, so the rule compares forms by hash
//! look-up, and the popular side is computed once in
//! [`super::SimilarityIndex`].

use crate::verdict::popular::compact;

/// A checked name, in every form the rule compares.
#[derive(Debug)]
pub(super) struct Query {
    /// The name as the ecosystem identifies it (PEP 503 for PyPI, as
    /// published for npm).
    pub canonical: String,
    /// Lowercased canonical name.
    pub lower: String,
    /// npm scope without `@` (lowercased), when the name is scoped.
    pub scope: Option<String>,
    /// [`compact`] of the name without its scope (`@babel/core` → `core`).
    pub compact: String,
    /// [`collapse_runs`] of `compact`, shared by the runs and distance rules.
    pub runs: String,
}

impl Query {
    /// Splits a canonical name into its forms.
    pub fn new(canonical: String) -> Query {
        let lower = canonical.to_lowercase();
        let (scope, bare) = split_scope(&lower);
        let scope = scope.map(str::to_owned);
        let compact = compact(bare);
        let runs = collapse_runs(&compact);
        Query {
            canonical,
            lower,
            scope,
            compact,
            runs,
        }
    }
}

/// `@scope/name` → (`Some("scope")`, `name`); anything else → (`None`, name).
pub(super) fn split_scope(name: &str) -> (Option<&str>, &str) {
    if let Some(rest) = name.strip_prefix('@') {
        if let Some((scope, bare)) = rest.split_once('/') {
            return (Some(scope), bare);
        }
    }
    (None, name)
}

/// Whether a character separates words in a package name.
pub(super) fn is_separator(c: char) -> bool {
    matches!(c, '-' | '_' | '.')
}

/// The words of a name (`python-date_util` → `python`, `date`, `util`).
pub(super) fn words(name: &str) -> impl Iterator<Item = &str> {
    name.split(is_separator).filter(|word| !word.is_empty())
}

/// The words sorted and joined by a space, for names of two words or more:
/// equal for `python-dateutil` and `dateutil-python`.
pub(super) fn word_set(name: &str) -> Option<String> {
    let mut all: Vec<&str> = words(name).collect();
    if all.len() < 2 {
        return None;
    }
    all.sort_unstable();
    Some(all.join(" "))
}

/// A compact name with every run of one character cut to one: `numpy`
/// for `numpyyyy`, `requests` for `requestsss`, `pilow` for `pillow`.
/// Equal forms differ only in how often letters are typed in a row.
pub(super) fn collapse_runs(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len());
    let mut last = None;
    for c in compact.chars() {
        if last != Some(c) {
            out.push(c);
        }
        last = Some(c);
    }
    out
}

/// Whether `byte` is a vowel: misspellings by ear swap one for another
/// (`tensorflaw`, `event-streem`, `djanga`).
pub(super) fn is_vowel(byte: u8) -> bool {
    matches!(byte, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// A compact name with look-alike glyphs folded onto one: `rn` → `m`,
/// `vv` → `w`, `1`/`i`/`!`/`|` → `l`, `0` → `o`, `q` → `g` (the same
/// shape with a different tail, in most fonts). Equal for `rnatpl0tlib`
/// and `matplotlib`, and for `djanqo` and `django`.
pub(super) fn skeleton(compact: &str) -> String {
    let bytes = compact.as_bytes();
    let mut out = String::with_capacity(compact.len());
    let mut at = 0;
    while at < bytes.len() {
        let pair = bytes.get(at..at + 2);
        if pair == Some(b"rn") {
            out.push('m');
            at += 2;
            continue;
        }
        if pair == Some(b"vv") {
            out.push('w');
            at += 2;
            continue;
        }
        match bytes[at] {
            byte if byte.is_ascii() => out.push(char::from(fold_glyph(byte))),
            _ => {
                // Not ASCII: copy the whole character.
                let rest = &compact[at..];
                let c = rest.chars().next().unwrap_or('?');
                out.push(c);
                at += c.len_utf8();
                continue;
            }
        }
        at += 1;
    }
    out
}

/// The words of a name cut to their singular and joined: `torchvision`
/// for `torchs-visions`, `webpackdevserver` for `webpacks-dev-servers`.
/// Equal forms differ only in which words carry a plural `s`, a game that
/// keeps every word a reader knows. A word ending in `ss`, `us` or `is`
/// has no plural `s` to cut (`process`, `status`, `redis`), nor has a
/// word of three letters or fewer.
pub(super) fn singular(name: &str) -> String {
    words(name).map(singular_word).collect()
}

/// `word` without its plural `s` ([`singular`]).
fn singular_word(word: &str) -> &str {
    match word.strip_suffix('s') {
        Some(stem) if word.len() >= 4 && !stem.ends_with(['s', 'u', 'i']) => stem,
        _ => word,
    }
}

/// The words of a name that carry a plural `s` ([`singular`]).
pub(super) fn plural_words(name: &str) -> impl Iterator<Item = &str> {
    words(name).filter(|word| singular_word(word).len() < word.len())
}

/// A version word at the end of a name: `eslint-v7` → (`eslint`, `v7`).
/// Glued on it is part of the name more often than not (`uuidv4`,
/// `socksv5`), so only a separate word counts.
pub(super) fn split_version_word(name: &str) -> Option<(&str, &str)> {
    let at = name.rfind(is_separator)?;
    let word = &name[at + 1..];
    let digits = word.strip_prefix('v')?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| (&name[..at], word))
}

/// A lowercased name cut before a trailing version number, with that
/// number: `yolov8` → (`yolov`, `8`) and (`yolo`, `v8`); `cv-3` →
/// (`cv`, `3`). Empty unless the name ends in one or two digits: longer
/// numbers are years, ports and build numbers (`bson303`, `cosmos2025`).
pub(super) fn versioned_bases(lower: &str) -> Vec<(&str, &str)> {
    let base = lower.trim_end_matches(|c: char| c.is_ascii_digit());
    if !(1..=2).contains(&(lower.len() - base.len())) {
        return Vec::new();
    }
    let mut cuts = vec![base.len()];
    if let Some(unv) = base.strip_suffix('v') {
        cuts.push(unv.len());
    }
    cuts.into_iter()
        .map(|at| {
            let (base, version) = lower.split_at(at);
            (base.trim_end_matches(is_separator), version)
        })
        .filter(|(base, _)| !base.is_empty())
        .collect()
}

/// A compact name without its trailing version number (`urllib3` →
/// `urllib`), and that number.
pub(super) fn split_version(compact: &str) -> (&str, &str) {
    let base = compact.trim_end_matches(|c: char| c.is_ascii_digit());
    (base, &compact[base.len()..])
}

/// The set of letters and digits in `text`, as bits (any other byte is one
/// shared bit). One edit changes at most two bits, so the number of
/// differing bits halved is a lower bound of the edit distance.
pub(super) fn letter_set(text: &str) -> u64 {
    text.bytes().fold(0, |set, byte| {
        let bit = match byte {
            b'a'..=b'z' => byte - b'a',
            b'0'..=b'9' => 26 + byte - b'0',
            _ => 63,
        };
        set | 1 << bit
    })
}

/// QWERTY rows, for "keyboard neighbour" explanations.
const KEYBOARD: [&[u8]; 4] = [b"1234567890", b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];

/// Whether two keys sit next to each other on a QWERTY keyboard (same
/// row, or the row above/below at the same or next position).
pub(super) fn keyboard_neighbours(a: u8, b: u8) -> bool {
    let find = |key: u8| {
        KEYBOARD.iter().enumerate().find_map(|(row, keys)| {
            keys.iter()
                .position(|&k| k == key)
                .map(|column| (row as i32, column as i32))
        })
    };
    match (find(a), find(b)) {
        (Some((row_a, col_a)), Some((row_b, col_b))) => {
            let rows = row_a - row_b;
            let columns = col_a - col_b;
            (rows == 0 && columns.abs() == 1)
                || (rows == 1 && (columns == 0 || columns == -1))
                || (rows == -1 && (columns == 0 || columns == 1))
        }
        _ => false,
    }
}

/// One ASCII glyph folded onto the look-alike it stands for (`1`, `i`,
/// `!`, `|` → `l`; `0` → `o`; `q` → `g`), the single-character table of
/// [`skeleton`] and [`look_alike_chars`].
fn fold_glyph(byte: u8) -> u8 {
    match byte {
        b'1' | b'i' | b'!' | b'|' => b'l',
        b'0' => b'o',
        b'q' => b'g',
        other => other,
    }
}

/// Whether two single characters are look-alikes (`l`/`1`/`i`, `0`/`o`,
/// `q`/`g`).
pub(super) fn look_alike_chars(a: u8, b: u8) -> bool {
    a != b && fold_glyph(a) == fold_glyph(b)
}
