#!/usr/bin/env python3
"""Build secpip's popular-package snapshots (data/pypi-popular.json,
data/npm-popular.json).

The typosquatting rule compares a requested name with the names of popular
packages; this script turns a download ranking into the small, sorted,
normalized JSON file that secpip embeds at build time.

Usage:
    python3 scripts/make_popular.py INPUT OUTPUT [--limit N] [--ecosystem pypi|npm]

With `--ecosystem npm` (the default is pypi), INPUT is a TSV whose header has
the columns `name` and `downloads_a_month`; names are ranked by monthly
downloads, most first (ties by name), and kept as written: npm names are
distinct under case and separators (`lodash.merge` is not `lodash-merge`),
and scoped names (`@babel/core`) keep their scope. Example:

    python3 scripts/make_popular.py packages/npm.tsv data/npm-popular.json \
        --ecosystem npm --limit 15000

For PyPI, INPUT is either
  * a TSV whose header has the columns `name` and
    `rank_among_15000_most_downloaded` (rows with an empty rank are skipped), or
  * a JSON file in the "top-pypi-packages" format:
    {"last_update": "...", "rows": [{"project": "boto3", "download_count": 123}, ...]}
    where the rank is the position after sorting by download_count, descending.

OUTPUT is written as
    {"source": "<basename of INPUT>", "generated": "<UTC date>",
     "rows": [{"project": "<PEP 503 name>", "rank": 1, "download_count": <int|null>}, ...]}
sorted by rank, deduplicated after normalization (the best rank wins), one
row per line so that a refresh makes a readable diff.

Standard library only.
"""

import argparse
import csv
import datetime
import json
import os
import re
import sys

RANK_COLUMN = "rank_among_15000_most_downloaded"
DOWNLOADS_COLUMN = "downloads_a_month"
NAME_COLUMN = "name"
DEFAULT_LIMIT = 15000

_SEPARATORS = re.compile(r"[-_.]+")


def normalize(name):
    """PEP 503 normalization: lowercase, runs of '-', '_' and '.' become '-'."""
    return _SEPARATORS.sub("-", name.strip()).lower()


def read_tsv(path):
    """Yield (name, rank, download_count) from a ranked TSV."""
    csv.field_size_limit(sys.maxsize)
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        fields = reader.fieldnames or []
        missing = [c for c in (NAME_COLUMN, RANK_COLUMN) if c not in fields]
        if missing:
            raise ValueError(
                "%s: TSV header lacks column(s) %s" % (path, ", ".join(missing))
            )
        for line, row in enumerate(reader, start=2):
            rank_text = (row.get(RANK_COLUMN) or "").strip()
            name = (row.get(NAME_COLUMN) or "").strip()
            if not rank_text or not name:
                continue
            try:
                rank = int(rank_text)
            except ValueError:
                raise ValueError(
                    "%s:%d: rank %r is not an integer" % (path, line, rank_text)
                ) from None
            if rank < 1:
                raise ValueError("%s:%d: rank %d is below 1" % (path, line, rank))
            yield name, rank, None


def read_npm_tsv(path):
    """Yield (name, rank, download_count) from an npm TSV with monthly downloads.

    The rank is the position after sorting by downloads, most first; equal
    counts are ordered by name so that a refresh is deterministic.
    """
    csv.field_size_limit(sys.maxsize)
    entries = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        fields = reader.fieldnames or []
        missing = [c for c in (NAME_COLUMN, DOWNLOADS_COLUMN) if c not in fields]
        if missing:
            raise ValueError(
                "%s: TSV header lacks column(s) %s" % (path, ", ".join(missing))
            )
        for line, row in enumerate(reader, start=2):
            name = (row.get(NAME_COLUMN) or "").strip()
            text = (row.get(DOWNLOADS_COLUMN) or "").strip()
            if not name or not text:
                continue
            try:
                count = int(text)
            except ValueError:
                raise ValueError(
                    "%s:%d: downloads %r is not an integer" % (path, line, text)
                ) from None
            entries.append((name, count))
    entries.sort(key=lambda entry: (-entry[1], entry[0]))
    for position, (name, count) in enumerate(entries, start=1):
        yield name, position, count


def keep_npm_name(name):
    """npm names are kept as published (only surrounding blanks removed)."""
    return name.strip()


def read_top_json(path):
    """Yield (name, rank, download_count) from a top-pypi-packages JSON file."""
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    rows = document.get("rows") if isinstance(document, dict) else None
    if not isinstance(rows, list):
        raise ValueError('%s: expected an object with a "rows" list' % path)
    entries = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict) or not isinstance(row.get("project"), str):
            raise ValueError('%s: rows[%d] has no string "project"' % (path, index))
        count = row.get("download_count")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
            raise ValueError(
                '%s: rows[%d] "download_count" is not an integer' % (path, index)
            )
        entries.append((row["project"], count))
    # Stable sort: equal counts keep the file's order.
    entries.sort(key=lambda entry: -(entry[1] or 0))
    for position, (name, count) in enumerate(entries, start=1):
        yield name, position, count


def is_json_input(path):
    """Sniff the first non-blank character: '{' means the JSON format."""
    with open(path, encoding="utf-8") as handle:
        while True:
            chunk = handle.read(4096)
            if not chunk:
                return False
            stripped = chunk.lstrip()
            if stripped:
                return stripped.startswith("{")


def build_rows(entries, limit, normalizer=normalize):
    """Normalize, keep each name's best rank, sort by rank, cut at `limit`."""
    best = {}
    for name, rank, count in entries:
        project = normalizer(name)
        if not project:
            continue
        current = best.get(project)
        if current is None or rank < current[0]:
            best[project] = (rank, count)
    ordered = sorted(best.items(), key=lambda item: (item[1][0], item[0]))
    return [
        {"project": project, "rank": rank, "download_count": count}
        for project, (rank, count) in ordered[:limit]
    ]


def render(source, generated, rows):
    """Serialize the snapshot with one row per line."""
    lines = [
        "{",
        '  "source": %s,' % json.dumps(source),
        '  "generated": %s,' % json.dumps(generated),
        '  "rows": [',
    ]
    body = [json.dumps(row, separators=(", ", ": ")) for row in rows]
    lines.append(",\n".join("    " + item for item in body))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Build secpip's popular-package snapshot from a download ranking."
    )
    parser.add_argument(
        "input", help="ranked TSV, top-pypi-packages JSON, or (npm) TSV with downloads"
    )
    parser.add_argument("output", help="snapshot JSON to write")
    parser.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        help="keep at most N names (default %d)" % DEFAULT_LIMIT,
    )
    parser.add_argument(
        "--ecosystem",
        choices=("pypi", "npm"),
        default="pypi",
        help="pypi (PEP 503 names; default) or npm (names kept as published)",
    )
    args = parser.parse_args(argv)
    if args.limit < 1:
        parser.error("--limit must be at least 1")

    try:
        if args.ecosystem == "npm":
            rows = build_rows(read_npm_tsv(args.input), args.limit, keep_npm_name)
        else:
            reader = read_top_json if is_json_input(args.input) else read_tsv
            rows = build_rows(reader(args.input), args.limit)
    except (OSError, ValueError) as error:
        print("make_popular: %s" % error, file=sys.stderr)
        return 2
    if not rows:
        print("make_popular: %s: no ranked rows found" % args.input, file=sys.stderr)
        return 2

    generated = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    text = render(os.path.basename(args.input), generated, rows)
    tmp = args.output + ".tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, args.output)
    except OSError as error:
        print("make_popular: %s" % error, file=sys.stderr)
        return 2
    print("make_popular: wrote %d rows to %s" % (len(rows), args.output), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
