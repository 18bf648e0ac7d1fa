"""Flag rate of the name rule over every less-popular name, not a sample.

The dev set's `*-less-popular.tsv` is 2,000 names; rules were tuned while
looking at its flags, so its rate is biased low. This script checks the
whole population the sample is drawn from (every listed name outside the
top 15,000 whose summary has no typo cue, the same filter as
`make_devset.py`), split in two halves by a hash of the name: tune on
`A`, report `B`.

Usage:
    python3 scripts/population_flags.py PACKAGES_DIR [SECPIP] [-- ARGS...]

SECPIP defaults to target/release/secpip; ARGS go to `secpip check`
(e.g. `--config exp.toml` to try other `[policy.typosquat]` values).
Standard library only; runs `secpip check --offline --json` on ~1.1
million names (about half a minute).
"""

import hashlib
import importlib.util
import json
import os
import subprocess
import sys


def load_devset_module():
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location(
        "make_devset", os.path.join(here, "make_devset.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def population(devset, packages, ecosystem):
    load = devset.load_pypi if ecosystem == "pypi" else devset.load_npm
    rows, ranks = load(os.path.join(packages, ecosystem + ".tsv"))
    return sorted(
        {
            name
            for name, summary in rows
            if ranks.get(name, devset.INDEX + 1) > devset.INDEX
            and not devset.CUE.search(summary)
        }
    )


def half(name):
    return "A" if hashlib.md5(name.encode()).digest()[0] % 2 == 0 else "B"


def check_offline(secpip, ecosystem, lines, extra=()):
    """The JSON records of `secpip check --offline` on `lines`, one each
    (also used by version_race_flags.py)."""
    cmd = [secpip, "check", "--offline", "--json", "--platform", ecosystem, "-"]
    out = subprocess.run(
        cmd + list(extra),
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode not in (0, 1, 2, 3) or not out.stdout:
        sys.exit(f"secpip check failed ({out.returncode}): {out.stderr.strip()}")
    return [json.loads(line) for line in out.stdout.splitlines()]


def flagged(secpip, ecosystem, names, extra):
    return {
        record["package_name"]
        for record in check_offline(secpip, ecosystem, names, extra)
        if record["decision"] != "allow"
    }


def main():
    args = sys.argv[1:]
    extra = []
    if "--" in args:
        at = args.index("--")
        args, extra = args[:at], args[at + 1 :]
    if not args:
        sys.exit(__doc__)
    packages = args[0]
    secpip = args[1] if len(args) > 1 else "target/release/secpip"
    devset = load_devset_module()
    for ecosystem in ("pypi", "npm"):
        names = population(devset, packages, ecosystem)
        hits = flagged(secpip, ecosystem, names, extra)
        parts = []
        for side in ("A", "B"):
            total = [n for n in names if half(n) == side]
            count = sum(1 for n in total if n in hits)
            parts.append(f"{side} {count}/{len(total)} = {100 * count / len(total):.2f}%")
        print(f"{ecosystem}: " + ", ".join(parts))


if __name__ == "__main__":
    main()
