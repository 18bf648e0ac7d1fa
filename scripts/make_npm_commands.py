#!/usr/bin/env python3
"""Build data/npm-command-names.json: the commands popular npm packages
install, where a command is not the package's own name.

`npx tsc` runs TypeScript's compiler when `typescript` is installed in the
project, and otherwise fetches and runs whatever package is *named* `tsc`;
people also `npm install -g tsc` or `ng` because that is what they type
every day. A package registered under a popular package's command name
(`tsc` for typescript, `ng` for @angular/cli) catches them, so the
typosquatting rule treats "the command of popular package X" as a game of
its own. The mapping is a public fact of each package's latest manifest:
its `bin` field.

Usage:
    python3 scripts/make_npm_commands.py data/npm-popular.json \\
        data/npm-command-names.json [--limit 5000] [--workers 16]

The registry is the one npm is configured with (`npm config get
registry`), as secpip does; each package's `latest` manifest is read
(`GET {registry}/{name}/latest`). Packages the registry does not serve
are skipped and counted. A package with more than MAX_COMMANDS commands
is a toolbox whose commands are not the names it is known by, and is
left out.

OUTPUT is written as
    {"source": "<basename of INPUT>", "generated": "<UTC date>",
     "limit": N, "rows": [{"command": "tsc", "project": "typescript",
     "rank": 9}, ...]}
sorted by rank then command, one row per line.

Standard library only.
"""

import argparse
import concurrent.futures
import json
import subprocess
import sys
import urllib.error
import urllib.parse

import known_as_snapshot as snapshot

MAX_COMMANDS = 20


def npm_registry():
    """The registry npm would use, with a trailing slash."""
    out = subprocess.run(
        ["npm", "config", "get", "registry"], capture_output=True, text=True, check=True
    )
    return out.stdout.strip().rstrip("/") + "/"


def fetch_json(url):
    """GET `url` as JSON; None on 404; network errors are tried again."""
    try:
        with snapshot.urlopen(url) as response:
            return json.load(response)
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return None
        raise


def commands(package, manifest):
    """The command names a manifest's `bin` installs."""
    bins = manifest.get("bin")
    if isinstance(bins, str):
        # A single command takes the package's name without its scope.
        return [package.rsplit("/", 1)[-1]]
    if isinstance(bins, dict):
        return sorted(k for k in bins if isinstance(k, str) and k)
    return []


def package_commands(registry, package):
    """(package, [commands]) or (package, None) when the registry lacks it."""
    # A scoped name keeps its `@` and encodes its `/`, as npm does.
    url = registry + urllib.parse.quote(package, safe="@") + "/latest"
    manifest = fetch_json(url)
    if manifest is None:
        return package, None
    return package, commands(package, manifest)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("popular", help="data/npm-popular.json")
    parser.add_argument("output")
    parser.add_argument("--limit", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--registry", help="default: `npm config get registry`")
    args = parser.parse_args()

    ranks = snapshot.read_ranks(args.popular, args.limit)
    registry = (args.registry.rstrip("/") + "/") if args.registry else npm_registry()

    rows, missing, toolboxes, failed = [], 0, 0, []
    with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
        futures = {pool.submit(package_commands, registry, p): p for p in ranks}
        for future in concurrent.futures.as_completed(futures):
            package = futures[future]
            try:
                _, names = future.result()
            except (urllib.error.URLError, OSError, ValueError) as e:
                failed.append(f"{package}: {e}")
                continue
            if names is None:
                missing += 1
                continue
            if len(names) > MAX_COMMANDS:
                toolboxes += 1
                continue
            own = package.rsplit("/", 1)[-1].lower()
            for name in names:
                if name.lower() != own and name.lower() != package.lower():
                    rows.append({"command": name, "project": package, "rank": ranks[package]})

    snapshot.report_failures(failed, "packages")
    snapshot.write(args.output, args.popular, {"limit": args.limit}, rows, "command")
    read = len(ranks) - missing - toolboxes - len(failed)
    print(f"{len(rows)} command names from {read} packages ({missing} not on the registry, "
          f"{toolboxes} toolboxes of more than {MAX_COMMANDS}, {len(failed)} unreadable)",
          file=sys.stderr)
    return 1 if len(failed) > len(ranks) // 20 else 0


if __name__ == "__main__":
    sys.exit(main())
