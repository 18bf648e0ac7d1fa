//! Naming the edit that links two spellings: "swapped adjacent
//! characters", "keyboard slip: 'e' for 'r'", "added plural 's'". The
//! distance rule ([`super::distance`]) finds names one or two edits away;
//! this says which edit a person made, because the kind decides how far
//! the match reaches and the words are what the user reads.

use super::distance::osa;
use super::names::{is_separator, is_vowel, keyboard_neighbours, look_alike_chars};
use super::Kind;

/// Kinds of single edit that two slips ([`Kind::TwoSlips`]) are made of:
/// what a hand does on a keyboard. A vowel misspelt by ear next to another
/// edit makes words (`commoner` for `commander`), an arbitrary letter
/// anything.
fn is_hand_slip(kind: Kind) -> bool {
    kind.is_slip()
        || matches!(
            kind,
            Kind::FatFinger | Kind::Keyboard | Kind::LookAlike | Kind::Plural | Kind::Version
        )
}

/// How `target` became `name` in two slips of the hand, if it can have:
/// each name one edit from both is tried as the step between, and both
/// steps must be [`is_hand_slip`]s. Only run for names already two edits
/// from one of the most typed names, so a few hundred short comparisons
/// are cheap.
pub(super) fn two_slips(name: &[u8], lower: &str, target: &[u8]) -> Option<String> {
    let mut letters: Vec<u8> = target.to_vec();
    letters.sort_unstable();
    letters.dedup();
    let explain = |step: &[u8]| -> Option<String> {
        if osa(step, target, 1) != Some(1) {
            return None;
        }
        let step_text = String::from_utf8_lossy(step);
        let (last, last_phrase) = describe(name, lower, step, 1);
        let (first, first_phrase) = describe(step, &step_text, target, 1);
        (is_hand_slip(first) && is_hand_slip(last))
            .then(|| format!("{first_phrase}, and {last_phrase}"))
    };
    // Each step is `name` with `skip` bytes at `at` replaced by `middle`:
    // a deletion, a swap, a substitution or an insertion.
    let mut step: Vec<u8> = Vec::with_capacity(name.len() + 1);
    let mut splice = |at: usize, middle: &[u8], skip: usize| {
        step.clear();
        step.extend_from_slice(&name[..at]);
        step.extend_from_slice(middle);
        step.extend_from_slice(&name[at + skip..]);
        explain(&step)
    };
    for at in 0..=name.len() {
        let here = name.get(at).copied();
        if let Some(byte) = here {
            if let Some(both) = splice(at, &[], 1) {
                return Some(both);
            }
            if let Some(&next) = name.get(at + 1).filter(|&&next| next != byte) {
                if let Some(both) = splice(at, &[next, byte], 2) {
                    return Some(both);
                }
            }
        }
        for &letter in &letters {
            if here.is_some_and(|byte| byte != letter) {
                if let Some(both) = splice(at, &[letter], 1) {
                    return Some(both);
                }
            }
            if let Some(both) = splice(at, &[letter], 0) {
                return Some(both);
            }
        }
    }
    None
}

/// Whether `byte` stands right before or after position `at` of `text`:
/// the extra or missing letter at `at` is then one of a doubled pair.
fn beside(text: &[u8], at: usize, byte: u8) -> bool {
    (at > 0 && text.get(at - 1) == Some(&byte)) || text.get(at + 1) == Some(&byte)
}

/// What turned `target` into `name`, `distance` edits apart; `lower` is
/// `name` with its separators, to tell where its words begin and end.
pub(super) fn describe(name: &[u8], lower: &str, target: &[u8], distance: usize) -> (Kind, String) {
    if distance > 1 {
        let phrase = if name.len() == target.len() + 2 {
            "two extra characters"
        } else if name.len() + 2 == target.len() {
            "two characters missing"
        } else {
            "two characters changed"
        };
        return (Kind::TwoEdits, phrase.to_owned());
    }
    let first = name.iter().zip(target).take_while(|(a, b)| a == b).count();
    if name.len() == target.len() + 1 {
        let extra = name[first];
        let repeated = beside(name, first, extra);
        if first == target.len() && extra.is_ascii_digit() && !repeated {
            return (
                Kind::Version,
                format!("added version number '{}'", char::from(extra)),
            );
        }
        if first == target.len() && extra == b's' && !repeated {
            return (Kind::Plural, "added plural 's'".to_owned());
        }
        // A neighbour pressed with the intended key, inside a word: at a
        // word's edge an extra letter often makes another word
        // (`schedule`/`scheduler`, `style`/`styled`), so it stays weak.
        let fat_finger = !at_word_edge(lower, first)
            && ((first > 0 && keyboard_neighbours(extra, name[first - 1]))
                || name
                    .get(first + 1)
                    .is_some_and(|&next| keyboard_neighbours(extra, next)));
        return if repeated {
            (
                Kind::Repeated,
                format!("repeated character '{}'", char::from(extra)),
            )
        } else if fat_finger {
            (
                Kind::FatFinger,
                format!("keyboard slip: extra character '{}'", char::from(extra)),
            )
        } else {
            (
                Kind::Extra,
                format!("extra character '{}'", char::from(extra)),
            )
        };
    }
    if name.len() + 1 == target.len() {
        if first == name.len() && target[first].is_ascii_digit() {
            return (Kind::Version, "dropped the version number".to_owned());
        }
        let missing = target[first];
        let doubled = beside(target, first, missing);
        return if doubled {
            (
                Kind::Undoubled,
                format!("doubled letter '{}' typed once", char::from(missing)),
            )
        } else {
            (
                Kind::Omitted,
                format!("omitted character '{}'", char::from(missing)),
            )
        };
    }
    let swapped = first + 1 < name.len()
        && name[first] == target[first + 1]
        && name[first + 1] == target[first];
    if swapped && name[first + 2..] == target[first + 2..] {
        return (Kind::Swap, "swapped adjacent characters".to_owned());
    }
    let (got, was) = (name[first], target[first]);
    let pair = format!("'{}' for '{}'", char::from(got), char::from(was));
    // A number that ends a word, or the name but for one letter, is a
    // version (`python2-x`, `newspaper3k`, `cupy-cuda12x`); one inside a
    // word is part of the name (`s3transfer`, `h5py`).
    let version = || {
        // `got` is a digit here, so its run is at least one long.
        let run = name[first..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let last = first + run - 1;
        name.len() - last <= 2 || at_word_edge(lower, last)
    };
    if got.is_ascii_digit() && was.is_ascii_digit() && version() {
        (Kind::Version, format!("changed the version number: {pair}"))
    } else if look_alike_chars(got, was) {
        (Kind::LookAlike, format!("look-alike character {pair}"))
    } else if keyboard_neighbours(got, was) {
        (Kind::Keyboard, format!("keyboard slip: {pair}"))
    } else if is_vowel(got) && is_vowel(was) {
        (Kind::Vowel, format!("one vowel for another: {pair}"))
    } else {
        (Kind::Changed, format!("one character changed: {pair}"))
    }
}

/// Whether the `at`-th character of `lower`, separators not counted,
/// begins or ends a word (or is past its end).
fn at_word_edge(lower: &str, at: usize) -> bool {
    let bytes = lower.as_bytes();
    let Some(index) = bytes
        .iter()
        .enumerate()
        .filter(|(_, &byte)| !is_separator(char::from(byte)))
        .nth(at)
        .map(|(index, _)| index)
    else {
        return true;
    };
    let edge = |other: Option<&u8>| other.is_none_or(|&byte| is_separator(char::from(byte)));
    edge(index.checked_sub(1).and_then(|before| bytes.get(before))) || edge(bytes.get(index + 1))
}
