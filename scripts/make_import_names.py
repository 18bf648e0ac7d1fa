#!/usr/bin/env python3
"""Build data/pypi-import-names.json: the names popular PyPI projects are
imported by, where that differs from the project's own name; and, with
--commands, data/pypi-command-names.json: the commands they install.

People type what they import: `pip install sklearn`, `pip install cv2`,
`pip install yaml`. A package registered under the import name of a popular
project (the real `scikit-learn`, `opencv-python`, `pyyaml`) catches them, so
the typosquatting rule treats "the import name of popular project X" as a
game of its own. The mapping is a public fact of each project's newest wheel:
the top-level packages and modules it installs.

Commands are the same vector for tools run without installing them first:
`uvx http` and `pipx run http` fetch the project *named* `http`, not
httpie, whose command it is. They are the `console_scripts` of the same
wheel's `entry_points.txt`, read in the same pass.

Usage:
    python3 scripts/make_import_names.py data/pypi-popular.json \
        data/pypi-import-names.json [--limit 5000] [--workers 16] \
        [--commands data/pypi-command-names.json]

The index is the one pip is configured with (PIP_INDEX_URL, pip's config
files, else pip's default), asked through pip itself, as secpip does. Any
PEP 503 index works: the PEP 691 JSON form is asked for first (it gives
upload times), HTML is read otherwise. For each of the `--limit`
best-ranked projects the newest wheel's zip directory is read with HTTP
range requests, so no wheel is downloaded whole where the server honours
them; where it does not, the wheel is read whole. Projects with no wheel
are skipped and counted.

A root counts as an import name when it is a package directory with an
`__init__.py` (a namespace directory such as `google/` or `azure/` is shared
by many projects and names none of them), or a top-level module
(`six.py`, `_cffi_backend.cpython-311-x86_64-linux-gnu.so`); private
(`_foo`) and conventional non-code roots (`tests`, `docs`, …) are left out,
and so is a bundle of more than MAX_ROOTS roots (`types-boto3-full` ships
434): none of them is the name people know the project by.

OUTPUT is written as
    {"source": "<basename of INPUT>", "generated": "<UTC date>",
     "limit": N, "skipped_without_wheel": K,
     "rows": [{"import": "sklearn", "project": "scikit-learn", "rank": 98}, ...]}
sorted by rank then import name, one row per line. Only import names that
are not the project's own name under PEP 503 normalization are listed.
The commands file has the same shape, with "command" for "import"; a
project that installs more than MAX_ROOTS commands is a toolbox whose
commands are not the names it is known by, and is left out.

Standard library only.
"""

import argparse
import concurrent.futures
import configparser
import html.parser
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import zipfile

import known_as_snapshot as snapshot

_SEPARATORS = re.compile(r"[-_.]+")
# Roots that wheels carry by mistake or convention and nobody imports.
NOT_CODE = {
    "test", "tests", "testing", "doc", "docs", "example", "examples",
    "benchmark", "benchmarks", "bench", "scripts", "script", "bin", "share",
    "include", "lib", "licenses", "license", "data", "src", "build", "tools",
    "samples", "sample", "demo", "demos", "util", "utils", "conftest", "setup",
}
MODULE_SUFFIX = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(\.[A-Za-z0-9_-]+)*\.(py|pyd|so)$")
MAX_ROOTS = 20
TAIL_BYTES = 256 * 1024


def normalize(name):
    """PEP 503 normalization: lowercase, runs of '-', '_' and '.' become '-'."""
    return _SEPARATORS.sub("-", name.strip()).lower()


def pip_index_url():
    """The simple index pip would use, asked the way secpip asks it."""
    from pip._internal.configuration import Configuration
    from pip._internal.models.index import PyPI

    url = os.environ.get("PIP_INDEX_URL")
    if not url:
        config = Configuration(isolated=False)
        config.load()
        for key, val in config.items():
            if key.split(".", 1)[-1] == "index-url":
                url = val
    return (url or PyPI.simple_url).rstrip("/") + "/"


class RangeFile:
    """A read-only, seekable view of a remote file that fetches byte ranges.

    The zip directory sits at the end, so the last TAIL_BYTES are fetched
    once and most reads are served from them. A server that answers a
    range request with the whole file (200) gets read whole, once."""

    def __init__(self, url):
        self.url = url
        self.pos = 0
        self.size = None
        self.cache = None  # (start, bytes)
        request = urllib.request.Request(url, method="HEAD")
        try:
            with snapshot.urlopen(request) as response:
                length = response.headers.get("Content-Length")
                self.size = int(length) if length else None
        except urllib.error.HTTPError:
            pass
        if self.size is None:
            self._whole()

    def _whole(self):
        with snapshot.urlopen(self.url) as response:
            data = response.read()
        self.size, self.cache = len(data), (0, data)

    def seekable(self):
        return True

    def tell(self):
        return self.pos

    def seek(self, offset, whence=0):
        base = {0: 0, 1: self.pos, 2: self.size}[whence]
        self.pos = base + offset
        return self.pos

    def _fetch(self, start, end):
        """Bytes start..=end, or the whole file when ranges are ignored."""
        request = urllib.request.Request(self.url, headers={"Range": f"bytes={start}-{end}"})
        with snapshot.urlopen(request) as response:
            data = response.read()
            if response.status != 206:
                self.size = len(data)
                return 0, data
        return start, data

    def read(self, n=-1):
        if n is None or n < 0:
            n = self.size - self.pos
        if n == 0 or self.pos >= self.size:
            return b""
        end = min(self.pos + n, self.size) - 1
        if self.cache is None:
            self.cache = self._fetch(max(0, self.size - TAIL_BYTES), self.size - 1)
        start, data = self.cache
        if self.pos < start or end >= start + len(data):
            start, data = self._fetch(self.pos, end)
            if start == 0 and len(data) == self.size:
                self.cache = (start, data)
        chunk = data[self.pos - start : end + 1 - start]
        self.pos += len(chunk)
        return chunk


class _Links(html.parser.HTMLParser):
    """The file links of a PEP 503 project page, in document order."""

    def __init__(self):
        super().__init__()
        self.files = []

    def handle_starttag(self, tag, attrs):
        if tag != "a":
            return
        attrs = dict(attrs)
        href = attrs.get("href") or ""
        filename = urllib.parse.unquote(urllib.parse.urlsplit(href).path.rsplit("/", 1)[-1])
        self.files.append(
            {"filename": filename, "url": href, "yanked": "data-yanked" in attrs}
        )


def newest_wheel(index, project):
    """URL of the newest non-yanked wheel of `project`, or None."""
    page = index + project + "/"
    request = urllib.request.Request(
        page, headers={"Accept": "application/vnd.pypi.simple.v1+json, text/html;q=0.1"}
    )
    try:
        with snapshot.urlopen(request) as response:
            kind = response.headers.get("Content-Type", "")
            body = response.read()
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return None  # Listed as popular, gone from this index.
        raise
    if "json" in kind:
        files = json.loads(body)["files"]
    else:
        links = _Links()
        links.feed(body.decode("utf-8", "replace"))
        files = links.files
    wheels = [f for f in files if f["filename"].endswith(".whl") and not f.get("yanked")]
    if not wheels:
        return None
    # Upload times where the index gives them; else the last link, as
    # indexes list files oldest first.
    newest = max(enumerate(wheels), key=lambda p: (p[1].get("upload-time") or "", p[0]))[1]
    return urllib.parse.urljoin(page, newest["url"]).split("#", 1)[0]


def import_names(names):
    """The importable roots of a wheel's file list."""
    packages, modules = set(), set()
    has_init = set()
    for path in names:
        parts = path.split("/")
        root = parts[0]
        if root.endswith(".dist-info") or root.endswith(".data"):
            continue
        if len(parts) == 1:
            match = MODULE_SUFFIX.match(root)
            if match:
                modules.add(match.group(1))
            continue
        packages.add(root)
        # Stubs (`__init__.pyi` alone) are read by type checkers, never
        # imported: `types-boto3-full` ships 434 such roots.
        if len(parts) == 2 and parts[1] == "__init__.py":
            has_init.add(root)
    roots = {p for p in packages if p in has_init} | modules
    return sorted(
        r for r in roots
        if r.isidentifier() and not r.startswith("_") and r.lower() not in NOT_CODE
    )


def console_scripts(wheel):
    """The `console_scripts` command names of an open wheel, sorted."""
    names = [n for n in wheel.namelist()
             if n.count("/") == 1 and n.endswith(".dist-info/entry_points.txt")]
    if not names:
        return []
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str  # command names keep their case
    try:
        parser.read_string(wheel.read(names[0]).decode("utf-8", "replace"))
    except configparser.Error:
        return []
    if not parser.has_section("console_scripts"):
        return []
    return sorted(k.strip() for k in parser["console_scripts"] if k.strip())


def project_roots(index, project, commands=False):
    """(project, [import names], [commands]) or (project, None, None) when
    the index has no wheel of it (or no such project). Commands are read
    only when asked for (one more range request where the wheel's
    `entry_points.txt` is not in its last TAIL_BYTES)."""
    url = newest_wheel(index, project)
    if url is None:
        return project, None, None
    with zipfile.ZipFile(RangeFile(url)) as wheel:
        scripts = console_scripts(wheel) if commands else []
        return project, import_names(wheel.namelist()), scripts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("popular", help="data/pypi-popular.json")
    parser.add_argument("output")
    parser.add_argument("--limit", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--commands", metavar="FILE",
                        help="also write the console_scripts table here")
    args = parser.parse_args()

    ranks = snapshot.read_ranks(args.popular, args.limit, normalize)
    index = pip_index_url()

    rows, command_rows, skipped, bundles, failed = [], [], 0, 0, []
    with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
        futures = {
            pool.submit(project_roots, index, p, bool(args.commands)): p for p in ranks
        }
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            project = futures[future]
            try:
                _, roots, scripts = future.result()
            except (urllib.error.URLError, zipfile.BadZipFile, OSError, KeyError, ValueError) as e:
                failed.append(f"{project}: {e}")
                continue
            if roots is None:
                skipped += 1
                continue
            if len(scripts) <= MAX_ROOTS:
                for command in scripts:
                    if normalize(command) != project:
                        command_rows.append(
                            {"command": command, "project": project, "rank": ranks[project]}
                        )
            if len(roots) > MAX_ROOTS:
                bundles += 1
                continue
            for root in roots:
                if normalize(root) != project:
                    rows.append({"import": root, "project": project, "rank": ranks[project]})
            if done % 500 == 0:
                print(f"{done}/{len(ranks)} projects read", file=sys.stderr)

    snapshot.report_failures(failed, "projects")
    header = {"limit": args.limit, "skipped_without_wheel": skipped}
    snapshot.write(args.output, args.popular, header, rows, "import")
    if args.commands:
        snapshot.write(args.commands, args.popular, header, command_rows, "command")
        print(f"{len(command_rows)} command names", file=sys.stderr)
    print(f"{len(rows)} import names from {len(ranks) - skipped - bundles - len(failed)} projects "
          f"({skipped} without a wheel on the index, {bundles} bundles of more than "
          f"{MAX_ROOTS}, {len(failed)} unreadable)", file=sys.stderr)
    return 1 if len(failed) > len(ranks) // 20 else 0


if __name__ == "__main__":
    sys.exit(main())
