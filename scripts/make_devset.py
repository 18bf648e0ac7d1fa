#!/usr/bin/env python3
"""Build the labelled dev set of the typosquatting rule (data/devset/).

Why: a name-similarity rule is only as good as its measured recall and
false-flag rate, and both must come from facts, not from names we made up
to pass. The package lists (one line per published package: name, version,
downloads or rank, the author's one-line summary) hold such facts:

* positives: packages whose *own summary* says they exist because people
  mistype another name ("Did you mean to install X?", "placeholder to
  prevent typosquatting of X", "misspelling of X", "wrong package, install
  X", "security holding package" …), where X is a popular package of the
  same ecosystem. These are defensive or self-declared squats, labelled
  with the intended target by their authors.
* negatives: the top-2,000 names (popular names are never squats, so every
  flag is a false alarm), and a seeded random sample of less popular, real
  names (mostly benign; a flag there is counted as a false flag even though
  a few may be real squats).
* synthetic: seeded typo variants of the top-1,000 names, one file per
  ecosystem, labelled by the transformation that made them (the families
  that GuardDog, TypoGard and Socket document); variants that are real
  package names are dropped. It measures coverage per transformation, not
  real-world recall.

Usage:
    python3 scripts/make_devset.py PACKAGES_DIR OUT_DIR [--seed N]

PACKAGES_DIR holds pypi.tsv (name version month
rank_among_15000_most_downloaded summary) and npm.tsv (name version
downloads_a_month summary). Standard library only; the same inputs and seed
give the same files.
"""

import argparse
import csv
import os
import random
import re
import sys

TOP = 2000
INDEX = 15000
RANDOM_SAMPLE = 2000
SYNTHETIC_TARGETS = 1000

# A summary that says the package exists because of a typo of another name.
CUE = re.compile(
    r"did you mean|typo-?squat|typo squat|misspel|mis-spel|meant to install|"
    r"you probably (want|meant)|wrong package|\btypo\b|mistyped|"
    r"security holding|not the (real|official|correct)|"
    r"prevent[a-z]* [a-z ]*squat|name-?squat",
    re.IGNORECASE,
)
# Summaries of tools *about* typos and squatting, not squats themselves.
TOOL = re.compile(
    r"detect|scan|checker|check for|tool|monitor|domain|spell|guard|"
    r"generat|suggest|fuzzy|search|correct|typograph|lexi|keyboard|"
    r"prevent typos and|handler|fix(es)? |dictionary|library that",
    re.IGNORECASE,
)
# Where such a summary names the package it stands in for. The name is the
# first capture; quotes, backticks and emphasis around it are allowed.
NAME = r"[\"'`*]*(@?[A-Za-z0-9][A-Za-z0-9._\-/*]*[A-Za-z0-9*])[\"'`*]*"
TARGET = [
    re.compile(pattern % NAME, re.IGNORECASE)
    for pattern in (
        r"did you mean(?: to install)?:? %s",
        r"you (?:probably )?(?:want|meant)(?: to install)? %s",
        r"meant to install %s",
        r"install %s instead",
        r"(?:squat\w*|misspelling|typo|placeholder|protection|mistyped) "
        r"(?:of|on|for)(?: the)?(?: official)? %s",
        r"looking for %s",
        r"instead of %s",
        r"trying to typosquat %s",
        r"^%s typo",
        r"hijacking %s typo",
        r"/package/%s\)",
        r"not the official %s",
        r"wrong package\W+(?:install the correct one: )?(?:pip install )?%s",
    )
]
PEP503 = re.compile(r"[-_.]+")


def pep503(name):
    return PEP503.sub("-", name.strip()).lower()


def read(path):
    csv.field_size_limit(sys.maxsize)
    with open(path, newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)


def load_pypi(path):
    """(names in file order with summaries, {normalized: rank})"""
    rows, ranks = [], {}
    for row in read(path):
        name = (row.get("name") or "").strip()
        if not name:
            continue
        rows.append((pep503(name), (row.get("summary") or "").strip()))
        rank = (row.get("rank_among_15000_most_downloaded") or "").strip()
        if rank.isdigit():
            key = pep503(name)
            ranks[key] = min(int(rank), ranks.get(key, 10**9))
    ordered = sorted(ranks, key=lambda n: (ranks[n], n))
    ranks = {name: position for position, name in enumerate(ordered, start=1)}
    return rows, ranks


def load_npm(path):
    rows, downloads = [], {}
    for row in read(path):
        name = (row.get("name") or "").strip()
        text = (row.get("downloads_a_month") or "").strip()
        if not name:
            continue
        rows.append((name, (row.get("summary") or "").strip()))
        downloads[name] = int(text) if text.isdigit() else 0
    ordered = sorted(downloads, key=lambda n: (-downloads[n], n))
    ranks = {name: position for position, name in enumerate(ordered, start=1)}
    return rows, ranks


def positives(rows, ranks, normalize):
    """(name, target, target rank, summary) for defensive/self-declared squats."""
    found = []
    for name, summary in rows:
        if not CUE.search(summary):
            continue
        if name in ranks and ranks[name] <= INDEX:
            continue
        for pattern in TARGET:
            match = pattern.search(summary)
            if not match:
                continue
            target = normalize(match.group(1).replace("*", "").rstrip(".-_/?!"))
            rank = ranks.get(target)
            if rank and rank <= INDEX and target != name:
                # Addresses are dropped from the note kept beside a label.
                note = re.sub(r"\(?https?://\S*", "<url>", summary)[:100]
                found.append((name, target, rank, note))
                break
    return found


def less_popular_sample(rows, ranks, exclude, rng):
    pool = sorted(
        {
            name
            for name, summary in rows
            if ranks.get(name, INDEX + 1) > INDEX
            and name not in exclude
            and not CUE.search(summary)
        }
    )
    return sorted(rng.sample(pool, RANDOM_SAMPLE))


# Rows the patterns above label, that a reading of the summary rejects.
# Each is kept out of the positives *and* of the negatives.
NOT_SQUATS = {
    # "Prevents package squatting on PyPI": the registry, not a target.
    ("pypi", "parex"),
    # "You probably meant `npm create`": a command, not a package.
    ("npm", "create"),
    # Recommends an alternative library; not a misspelling of it.
    ("npm", "@graphile/lru"),
}


KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
LOOK_ALIKE = [("l", "1"), ("o", "0"), ("m", "rn"), ("w", "vv"), ("l", "i"), ("i", "l")]


def neighbours(char):
    for row_index, row in enumerate(KEYBOARD):
        at = row.find(char)
        if at >= 0:
            near = [row[j] for j in (at - 1, at + 1) if 0 <= j < len(row)]
            return near
    return []


def variants(name, eco, rng):
    """One seeded variant per transformation family that applies to `name`."""
    scope, bare = "", name
    if eco == "npm" and name.startswith("@") and "/" in name:
        scope, bare = name.split("/", 1)
        scope += "/"
    letters = [i for i, c in enumerate(bare) if c.isalpha()]
    out = {}
    if len(bare) >= 4 and letters:
        i = rng.choice(letters)
        out["omitted-char"] = bare[:i] + bare[i + 1 :]
        out["repeated-char"] = bare[: i + 1] + bare[i] + bare[i + 1 :]
        near = neighbours(bare[i])
        if near:
            out["keyboard-neighbour"] = bare[:i] + rng.choice(near) + bare[i + 1 :]
        pairs = [j for j in range(len(bare) - 1) if bare[j] != bare[j + 1]
                 and bare[j].isalnum() and bare[j + 1].isalnum()]
        if pairs:
            j = rng.choice(pairs)
            out["swapped-chars"] = bare[:j] + bare[j + 1] + bare[j] + bare[j + 2 :]
    for left, right in LOOK_ALIKE:
        if left in bare:
            out["look-alike"] = bare.replace(left, right, 1)
            break
    parts = re.split(r"[-_.]", bare)
    if len(parts) >= 2:
        out["separator-removed"] = "".join(parts)
        out["words-reordered"] = "-".join([parts[-1]] + parts[:-1])
        if eco == "npm":
            seps = [c for c in bare if c in "-_."]
            other = {"-": ".", ".": "-", "_": "-"}[seps[0]]
            out["separator-changed"] = bare.replace(seps[0], other, 1)
    if len(bare) >= 4:
        if eco == "pypi":
            out["affix"] = rng.choice(
                ["python-%s", "py-%s", "%s-py", "%s-python", "%s-dev", "python3-%s"]
            ) % bare
        else:
            out["affix"] = rng.choice(["node-%s", "%s-js", "%s.js", "%sjs", "%s-node"]) % bare
        if not bare[-1].isdigit():
            out["version-digit"] = bare + rng.choice("123")
    if scope and len(scope) >= 5:
        s = scope[1:-1]
        i = rng.randrange(len(s) - 1)
        if s[i] != s[i + 1] and s[i].isalpha() and s[i + 1].isalpha():
            out["scope-typo"] = "@" + s[:i] + s[i + 1] + s[i] + s[i + 2 :] + "/" + bare
        elif "-" in s:
            out["scope-typo"] = "@" + s.replace("-", "_", 1) + "/" + bare
        else:
            out["scope-typo"] = "@" + s[:i] + s[i] + s[i:] + "/" + bare
    if scope:
        # Only the scope's owner can publish inside it: a typo of the bare
        # name there is no attack. Keep the scope games.
        out = {f: v for f, v in out.items() if f == "scope-typo"}
    result = []
    for family, variant in sorted(out.items()):
        full = variant if variant.startswith("@") else scope + variant
        if eco == "pypi":
            full = pep503(full)
        result.append((family, full))
    return result


VOWELS = "aeiou"


def later_variants(name, rng):
    """Families added after the first dev set: drawn from their own seeded
    generator so the rows above stay the same. A letter typed three times
    (`numpyyy`) and one vowel for another (`tensorflaw`). Not inside an
    npm scope: only the scope's owner can publish there."""
    if name.startswith("@"):
        return []
    bare, prefix = name, ""
    out = {}
    letters = [i for i, c in enumerate(bare) if c.isalpha()]
    if len(bare) >= 4 and letters:
        i = rng.choice(letters)
        out["repeated-run"] = prefix + bare[: i + 1] + bare[i] * 2 + bare[i + 1 :]
    vowels = [i for i, c in enumerate(bare) if c in VOWELS]
    if len(bare) >= 5 and vowels:
        i = rng.choice(vowels)
        other = rng.choice([v for v in VOWELS if v != bare[i]])
        out["vowel-swap"] = prefix + bare[:i] + other + bare[i + 1 :]
    return sorted(out.items())


def inserted_variants(name, rng):
    """A keyboard neighbour pressed together with the intended key
    (`reqwuests`), drawn from its own seeded generator so the rows above
    stay the same: the "insertion" family of typo generators such as
    dnstwist. Not inside an npm scope."""
    if name.startswith("@") or len(name) < 4:
        return []
    keys = [i for i, c in enumerate(name) if neighbours(c)]
    if not keys:
        return []
    i = rng.choice(keys)
    extra = rng.choice(neighbours(name[i]))
    at = i + 1 if rng.random() < 0.5 else i
    return [("inserted-neighbour", name[:at] + extra + name[at:])]


def slip_and_version_variants(name, rng):
    """A slip of the hand (a letter omitted, typed twice, or swapped with
    its neighbour) *and* a version number added (`reqeusts2`): two games
    at once, each of which alone is a family above. Its own seeded
    generator; not inside an npm scope, not on names ending in a digit."""
    if name.startswith("@") or len(name) < 5 or name[-1].isdigit():
        return []
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    i = rng.choice(letters)
    slip = rng.choice(["omit", "repeat", "swap"])
    if slip == "omit":
        variant = name[:i] + name[i + 1 :]
    elif slip == "repeat":
        variant = name[: i + 1] + name[i] + name[i + 1 :]
    elif i + 1 < len(name) and name[i] != name[i + 1] and name[i + 1].isalnum():
        variant = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    else:
        return []
    return [("slip-and-version", variant + rng.choice("123"))]


def synthetic(ranks, real_names, eco, rng, later_rng, insert_rng, combined_rng):
    top = sorted((n for n in ranks if ranks[n] <= SYNTHETIC_TARGETS), key=ranks.get)
    rows = []
    for generate in (
        lambda t: variants(t, eco, rng),
        lambda t: later_variants(t, later_rng),
        lambda t: inserted_variants(t, insert_rng),
        lambda t: slip_and_version_variants(t, combined_rng),
    ):
        for target in top:
            for family, variant in generate(target):
                if variant == target or variant in real_names or variant in ranks:
                    continue
                rows.append((variant, target, ranks[target], family))
    return rows


def write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("\t".join(header) + "\n")
        for row in rows:
            handle.write("\t".join(str(c).replace("\t", " ") for c in row) + "\n")
    print("make_devset: %s: %d rows" % (path, len(rows)), file=sys.stderr)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("packages", help="folder with pypi.tsv and npm.tsv")
    parser.add_argument("out", help="folder to write the dev set TSVs to")
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    for eco, loader, normalize in (
        ("pypi", load_pypi, pep503),
        ("npm", load_npm, lambda n: n.strip().lower()),
    ):
        rng = random.Random("%s-%d" % (eco, args.seed))
        rows, ranks = loader(os.path.join(args.packages, eco + ".tsv"))
        real = {name for name, _ in rows}
        pos = [p for p in positives(rows, ranks, normalize) if (eco, p[0]) not in NOT_SQUATS]
        write(os.path.join(args.out, eco + "-positives.tsv"),
              ["name", "target", "target_rank", "summary"], pos)
        top = sorted((n for n in ranks if ranks[n] <= TOP), key=ranks.get)
        write(os.path.join(args.out, eco + "-top2000.tsv"), ["name", "rank"],
              [(n, ranks[n]) for n in top])
        labelled = {p[0] for p in pos} | {n for e, n in NOT_SQUATS if e == eco}
        sample = less_popular_sample(rows, ranks, labelled, rng)
        write(os.path.join(args.out, eco + "-less-popular.tsv"), ["name"],
              [(n,) for n in sample])
        write(os.path.join(args.out, eco + "-synthetic.tsv"),
              ["name", "target", "target_rank", "family"],
              synthetic(ranks, real, eco, rng,
                        random.Random("%s-later-%d" % (eco, args.seed)),
                        random.Random("%s-insert-%d" % (eco, args.seed)),
                        random.Random("%s-combined-%d" % (eco, args.seed))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
