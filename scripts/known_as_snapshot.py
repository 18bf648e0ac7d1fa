"""What make_import_names.py and make_npm_commands.py share: reading the
popular-package snapshot they start from, asking the registry with
retries, and writing the table they make (data/pypi-import-names.json,
data/npm-command-names.json), one row per line so that a refresh makes a
readable diff.

Standard library only.
"""

import datetime
import json
import os
import sys
import time
import urllib.error
import urllib.request

TIMEOUT = 30


def urlopen(request, attempts=3):
    """`urllib.request.urlopen` that tries again on a network error (a
    flaky resolver or reset connection), not on an HTTP answer."""
    for attempt in range(attempts):
        try:
            return urllib.request.urlopen(request, timeout=TIMEOUT)
        except urllib.error.HTTPError:
            raise
        except (urllib.error.URLError, OSError):
            if attempt == attempts - 1:
                raise
            time.sleep(2**attempt)
    raise AssertionError("unreachable")


def read_ranks(path, limit, normalize=lambda name: name):
    """{project: rank} for the rows of a popular snapshot ranked `limit` or
    better; exits 2 with a message when `path` is not such a snapshot."""
    try:
        with open(path, encoding="utf-8") as f:
            rows = json.load(f)["rows"]
        return {normalize(row["project"]): row["rank"] for row in rows if row["rank"] <= limit}
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"error: {path} is not a popular-package snapshot "
              f"(data/*-popular.json format): {e}", file=sys.stderr)
        sys.exit(2)


def report_failures(failed, what):
    """Prints up to 20 of the `what` that could not be read."""
    if failed:
        print(f"{len(failed)} {what} could not be read:", file=sys.stderr)
        for line in failed[:20]:
            print(f"  {line}", file=sys.stderr)


def write(path, source, header, rows, key):
    """Writes the table: `header` fields, then `rows` sorted by rank, then
    by `key`."""
    rows = sorted(rows, key=lambda r: (r["rank"], r[key]))
    with open(path, "w", encoding="utf-8") as out:
        out.write("{\n")
        out.write(f'  "source": {json.dumps(os.path.basename(source))},\n')
        out.write(f'  "generated": "{datetime.datetime.now(datetime.timezone.utc).date()}",\n')
        for name, value in header.items():
            out.write(f"  {json.dumps(name)}: {json.dumps(value)},\n")
        out.write('  "rows": [\n')
        out.write(",\n".join("    " + json.dumps(r) for r in rows))
        out.write("\n  ]\n}\n")
