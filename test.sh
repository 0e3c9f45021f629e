#!/usr/bin/env bash
# Runs Switchboard's whole test suite from a clean checkout, installing what the machine lacks (Debian's
# Chromium for the admin panel's browser tests when no Chromium or Chrome is found; PostgreSQL): every test on
# SQLite, the browser tests included, then every database-backed test again on a real PostgreSQL server that this
# script starts on a temporary directory and a loopback port (and stops at the end); last, a scan of every log line
# the apps wrote in both passes for full phone numbers and secrets.
# The last line is the totals, e.g. "tests: 412 passed, 0 failed".
set -uo pipefail
cd "$(dirname "$0")"

totals() { echo "tests: ${1} passed, ${2} failed"; }

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is required (https://dot.net); 'dotnet' is not on PATH." >&2
  totals 0 1
  exit 1
fi

apt_install() {
  echo "== Installing $1 (apt-get) =="
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
  fi
}

# --- A browser for the panel's tests: $SWITCHBOARD_TEST_CHROMIUM, else chromium, chromium-browser or google-chrome on
#     PATH, skipping Ubuntu's snap stub (a script that only says to install the snap); the tests look the same way
#     (tests/Switchboard.Tests/Support/ChromiumFinder.cs). Debian's chromium is installed only when none is found. ---
find_chromium() {
  if [ -n "${SWITCHBOARD_TEST_CHROMIUM:-}" ]; then
    if [ -f "$SWITCHBOARD_TEST_CHROMIUM" ] && [ -x "$SWITCHBOARD_TEST_CHROMIUM" ]; then echo "$SWITCHBOARD_TEST_CHROMIUM"; fi
    return
  fi
  local name candidate
  for name in chromium chromium-browser google-chrome; do
    while read -r candidate; do
      if [ -f "$candidate" ] && ! head -c 4096 "$candidate" | grep -q 'snap install'; then echo "$candidate"; return; fi
    done < <(type -ap "$name")
  done
}
chromium=$(find_chromium)
if [ -z "$chromium" ] && [ -z "${SWITCHBOARD_TEST_CHROMIUM:-}" ]; then
  echo "The browser tests need Chromium or Chrome (SWITCHBOARD_TEST_CHROMIUM, or chromium, chromium-browser or google-chrome on PATH); none found, so Debian's chromium is installed."
  apt_install chromium
  chromium=$(find_chromium)
fi
if [ -z "$chromium" ]; then
  echo "No usable Chromium or Chrome (SWITCHBOARD_TEST_CHROMIUM='${SWITCHBOARD_TEST_CHROMIUM:-}'); the browser tests of the admin panel cannot run." >&2
  totals 0 1
  exit 1
fi
export SWITCHBOARD_TEST_CHROMIUM="$chromium"
echo "== Browser tests use $chromium =="

# --- PostgreSQL: installed when missing, started as an unprivileged user (it refuses root) ---
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
  apt_install postgresql
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
fi
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL could not be installed; the PostgreSQL half of the suite cannot run." >&2
  totals 0 1
  exit 1
fi

pg_dir=$(mktemp -d)
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}
[ "$(id -u)" -eq 0 ] && chown postgres "$pg_dir"
pg_port=""
for candidate in 55432 55433 55434 55435 55436; do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then pg_port=$candidate; break; fi
done
echo "== Starting PostgreSQL on 127.0.0.1:${pg_port} =="
as_pg "$pg_bin/initdb -D $pg_dir/data -A trust -U postgres >/dev/null" &&
  as_pg "$pg_bin/pg_ctl -D $pg_dir/data -w -l $pg_dir/log start -o \"-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\"" >/dev/null
if [ $? -ne 0 ]; then
  cat "$pg_dir/log" >&2
  totals 0 1
  exit 1
fi
cleanup() {
  as_pg "$pg_bin/pg_ctl -D $pg_dir/data -m immediate stop" >/dev/null 2>&1
  rm -rf "$pg_dir" "$log_sqlite" "$log_postgres" "$log_scan" "$run_log"
}
log_sqlite=$(mktemp)
log_postgres=$(mktemp)
log_scan=$(mktemp)
# Every log line every app writes in both passes, scanned at the end for full phone numbers and secrets
run_log=$(mktemp)
export SWITCHBOARD_TEST_LOG="$run_log"
trap cleanup EXIT

# --- The suite ---
echo "== Building (Release) =="
if ! dotnet build Switchboard.slnx -c Release -nologo -v quiet; then
  echo "The build failed; no test could run." >&2
  totals 0 1
  exit 1
fi

echo "== Every test, on SQLite, the panel's browser tests included (but those about several instances on one PostgreSQL) =="
dotnet test Switchboard.slnx -c Release --no-build --filter "Database!=postgres&Run!=last" 2>&1 | tee "$log_sqlite"
status_sqlite=${PIPESTATUS[0]}

echo "== Every database-backed test again, on PostgreSQL, and two real instances sharing it =="
SWITCHBOARD_TEST_POSTGRES="Host=127.0.0.1;Port=${pg_port};Username=postgres" \
  dotnet test Switchboard.slnx -c Release --no-build --filter "Database=yes|Database=postgres" 2>&1 | tee "$log_postgres"
status_postgres=${PIPESTATUS[0]}

echo "== Last: the logs of both passes ($(wc -l < "$run_log") lines) hold no full phone number and no secret =="
dotnet test Switchboard.slnx -c Release --no-build --filter "Run=last" 2>&1 | tee "$log_scan"
status_scan=${PIPESTATUS[0]}

# One summary line per test assembly and run: "Passed!  - Failed:     0, Passed:    87, Skipped: ..."
read -r passed failed < <(cat "$log_sqlite" "$log_postgres" "$log_scan" | awk '/^(Passed|Failed)! +- Failed:/ {
    for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i + 1); if ($i == "Passed:") p += $(i + 1) }
  } END { print p + 0, f + 0 }')
status=$(( status_sqlite != 0 || status_postgres != 0 || status_scan != 0 ))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the build or the test host failed before any test could report
fi

totals "$passed" "$failed"
exit "$status"
