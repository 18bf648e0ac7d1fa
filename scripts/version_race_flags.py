"""How often the `version-race` rule fires on real releases: the latest
version of every package in the package lists, checked offline.

A version whose major number is only nines (99.0.0, 999.9.9) or that is
9.9.9 is what dependency-confusion uploads publish; this measures how many
real packages share the shape (README, "Rules").

Usage:
    python3 scripts/version_race_flags.py PACKAGES_DIR [SECPIP]

PACKAGES_DIR holds pypi.tsv and npm.tsv (name, version, … per line, a
header first); SECPIP defaults to target/release/secpip. Standard library
only; about half a minute.
"""

import os
import sys

from population_flags import check_offline

# How a pinned version is written on a `secpip check` line.
PIN = {"pypi": "==", "npm": "@"}


def pinned(path, ecosystem):
    """`name==version` / `name@version` for every row with a version."""
    with open(path, encoding="utf-8") as f:
        next(f, None)
        rows = (line.rstrip("\n").split("\t") for line in f)
        return [f"{r[0]}{PIN[ecosystem]}{r[1]}" for r in rows if len(r) > 1 and r[1]]


def racing(secpip, ecosystem, specs):
    """(versions the rule fired on, lines secpip refused as input)."""
    hits, refused = [], 0
    for record in check_offline(secpip, ecosystem, specs):
        if "rules" not in record:
            refused += 1
        elif record["rules"].get("version-race", 0) > 0:
            hits.append(f"{record['package_name']} {record['version']}")
    return hits, refused


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    packages = sys.argv[1]
    secpip = sys.argv[2] if len(sys.argv) > 2 else "target/release/secpip"
    for ecosystem in ("pypi", "npm"):
        specs = pinned(os.path.join(packages, ecosystem + ".tsv"), ecosystem)
        hits, refused = racing(secpip, ecosystem, specs)
        checked = len(specs) - refused
        print(f"{ecosystem}: {len(hits)}/{checked} latest versions "
              f"({refused} lines not valid input): {', '.join(hits[:10])}")


if __name__ == "__main__":
    main()
