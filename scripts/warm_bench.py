#!/usr/bin/env python3
"""Warm-install overhead of secpip versus plain pip.

Starts the loopback upstream fixture with 20 packages, vets them once with
`secpip install -r`, then times, alternately and N times each:

  secpip install -r reqs.txt                       (warm: every package SECURE)
  pip install --index-url <secure index> -r reqs.txt  (same files, no secpip)

Each timed run installs into a venv where the packages were just uninstalled
(the uninstall is not timed). Prints medians and the ratio (goal <= 1.05).

    python3 scripts/warm_bench.py [--rounds 7]

Needs a release build: `cargo build --release --examples` (done for you).
Loopback only; no network.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N_PACKAGES = 20


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") and not k.startswith("SECPIP_")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.update(extra or {})
    return env


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "secpip", "--example", "upstream_fixture"],
                   cwd=ROOT, check=True)
    secpip = ROOT / "target" / "release" / "secpip"
    fixture = ROOT / "target" / "release" / "examples" / "upstream_fixture"

    with tempfile.TemporaryDirectory(prefix="secpip-bench-") as tmp:
        tmp = Path(tmp)
        up = subprocess.Popen([str(fixture), "--packages", str(N_PACKAGES)], stdout=subprocess.PIPE, text=True)
        urls = {}
        try:
            while len(urls) < 4:
                line = up.stdout.readline()
                if not line:
                    sys.exit("fixture exited before printing its URLs")
                if "=" in line:
                    k, v = line.strip().split("=", 1)
                    urls[k] = v
            venv = tmp / "venv"
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            python = venv / "bin" / "python"
            reqs = tmp / "reqs.txt"
            names = [f"benchpkg-{i:03d}" for i in range(N_PACKAGES)]
            reqs.write_text("".join(f"{n}\n" for n in names))
            cfg = tmp / "secpip.toml"
            cfg.write_text(
                f'[pypi]\nindex_url = "{urls["INDEX_URL"]}"\njson_url = "{urls["JSON_URL"]}"\n'
                f'[sources]\ndownloads_url = "{urls["DOWNLOADS_URL"]}"\ngithub_api_url = "{urls["GITHUB_API_URL"]}"\n'
            )
            env = clean_env({
                "SECPIP_CONFIG": str(cfg),
                "SECPIP_DATA_DIR": str(tmp / "data"),
                "SECPIP_PYTHON": str(python),
                "SECPIP_CI": "1",
            })
            cold = time.perf_counter()
            subprocess.run([str(secpip), "-q", "install", "-r", str(reqs)], env=env, check=True,
                           stdout=subprocess.DEVNULL)
            print(f"cold install (vets {N_PACKAGES} packages): {time.perf_counter() - cold:.2f}s")

            repo = subprocess.Popen([str(secpip), "repo", "serve"], env=env, stdout=subprocess.PIPE, text=True)
            secure_index = repo.stdout.readline().strip()
            try:
                def uninstall():
                    subprocess.run([str(python), "-m", "pip", "uninstall", "-y", "-q", *names], env=clean_env(),
                                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

                def timed(cmd, e):
                    uninstall()
                    t = time.perf_counter()
                    subprocess.run(cmd, env=e, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    return time.perf_counter() - t

                warm, plain = [], []
                for _ in range(args.rounds):
                    warm.append(timed([str(secpip), "-q", "install", "-r", str(reqs)], env))
                    plain.append(timed([str(python), "-m", "pip", "install", "-q", "--index-url", secure_index,
                                        "-r", str(reqs)], clean_env()))
            finally:
                repo.terminate()
                repo.wait()
        finally:
            up.terminate()
            up.wait()

    w, p = statistics.median(warm), statistics.median(plain)
    print(f"warm secpip install: median {w:.3f}s  ({', '.join(f'{x:.3f}' for x in warm)})")
    print(f"plain pip install:   median {p:.3f}s  ({', '.join(f'{x:.3f}' for x in plain)})")
    print(f"ratio: {w / p:.3f} (goal <= 1.05)")


if __name__ == "__main__":
    main()
