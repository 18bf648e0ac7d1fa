#!/usr/bin/env bash
# Load test of `secpip serve`'s cached /package-check path.
#
# Starts the server on loopback with a throwaway data dir, fills the status
# table with decided rows (SECURE and BLOCK, with findings), then runs a
# bounded wrk against /package-check cycling through those names, and prints
# requests/s and latency percentiles. No network beyond loopback: the
# upstreams in the throwaway config point at a closed loopback port, so a
# request that missed the store would fail loudly instead of going out.
#
# Usage: scripts/load_package_check.sh [BINARY]
#   BINARY      secpip binary (default: target/release/secpip; build it with
#               `cargo build --release`)
#   THREADS     wrk threads (default 2)
#   CONNECTIONS wrk connections (default 64)
#   DURATION    wrk duration (default 10s)
#   ROWS        decided rows to create (default 500)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-${root}/target/release/secpip}"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-64}"
duration="${DURATION:-10s}"
rows="${ROWS:-500}"

[ -x "$bin" ] || { echo "no secpip binary at $bin (cargo build --release)" >&2; exit 2; }
if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk with apt-get…" >&2
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get install -y wrk >/dev/null
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid"
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/secpip.toml" <<'TOML'
[pypi]
index_url = "http://127.0.0.1:9/simple/"
json_url = "http://127.0.0.1:9/pypi"
[npm]
registry = "http://127.0.0.1:9/"
[sources]
downloads_url = ""
github_api_url = ""
osv_url = ""
TOML

export SECPIP_CONFIG="$work/secpip.toml" SECPIP_DATA_DIR="$work/data" SECPIP_LOG="secpip=warn"
mkfifo "$work/url"
"$bin" serve --bind 127.0.0.1:0 >"$work/url" 2>"$work/server.log" &
server_pid=$!
read -r url <"$work/url"
echo "server $url (pid $server_pid)"

# The server created the schema; add decided rows as a scan would have.
python3 - "$work/data/secpip.db" "$rows" <<'PY'
import json, sqlite3, sys, time
db, n = sys.argv[1], int(sys.argv[2])
now_ms = int(time.time() * 1000)  # fresh verdicts: older SECURE rows are re-checked
c = sqlite3.connect(db)
finding = [{"code": "low-downloads", "points": 10, "reason": "Downloads < 1000",
            "evidence": ["640 downloads last month"]}]
for i in range(n):
    blocked = i % 10 == 0
    name = f"load-pkg-{i}"
    c.execute(
        "INSERT OR REPLACE INTO packages (key, ecosystem, name, version, status, risk, score,"
        " reasons, similar, scan_count, updated_by, updated_at, decided_at)"
        " VALUES (?, 'pypi', ?, '1.0.0', ?, ?, ?, ?, '[]', 1, 'load', '2026-01-01T00:00:00Z', ?)",
        (f"pypi:{name}@1.0.0", name, "BLOCK" if blocked else "SECURE",
         "Red" if blocked else "Green", 60 if blocked else 10,
         json.dumps(finding), now_ms))
c.commit()
PY

cat >"$work/paths.lua" <<LUA
local n = ${rows}
local i = 0
request = function()
  i = (i + 1) % n
  local path
  if i % 2 == 0 then
    path = "/package-check?package_name=load-pkg-" .. i .. "&platform=pypi&version=1.0.0"
  else
    path = "/package-check?package_name=load-pkg-" .. i .. "&platform=pypi"
  end
  return wrk.format("GET", path)
end
LUA

# Warm up (and prove the rows are served from the store), then measure.
curl -fsS "$url/package-check?package_name=load-pkg-3&platform=pypi&version=1.0.0" >/dev/null
wrk -t"$threads" -c"$connections" -d2s -s "$work/paths.lua" "$url" >/dev/null
wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$work/paths.lua" "$url" | tee "$work/wrk.txt"

hits="$(curl -fsS "$url/metrics" | awk '/^secpip_package_check_cache_hits_total/ {print $2}')"
computed="$(curl -fsS "$url/metrics" | awk '/^secpip_package_check_computed_total/ {print $2}')"
rps="$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.txt")"
p50="$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")"
p99="$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")"
errors="$(grep -E 'Non-2xx|Socket errors' "$work/wrk.txt" || true)"
echo
echo "requests/s: ${rps}  p50: ${p50}  p99: ${p99}  (wrk -t${threads} -c${connections} -d${duration}, $(nproc) cores)"
echo "cache hits: ${hits}  computed: ${computed}"
[ -z "$errors" ] || echo "errors: $errors"
