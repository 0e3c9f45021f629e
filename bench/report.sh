#!/usr/bin/env bash
# The call report's latency on many stored calls: a fresh store, N inbound call records inserted in bulk (spread over
# the last 365 days), then GET …/reports/calls timed through HTTP (30 days by agent, group and inbox; 7 and 92 days
# by agent; 365 days by agent, group and inbox). Short next to bench/run.sh: no ingestion, no wrk.
#   bench/report.sh [--calls 1m|10m|N] [--postgres] [--runs 5] [--store DIR] [--app DIR] [--label NAME] [--port P]
#                   [--settle-max 120]
# --store DIR keeps the store in DIR and, when DIR already holds one, times it again without filling: fill once with
# an older build (--app: its Release output, e.g. main's) for the "before" figures, then time this build on the same
# calls (its migrations run first and are timed as startSeconds: the counts' back-fill).
set -euo pipefail
cd "$(dirname "$0")/.."

calls=1000000; provider=Sqlite; runs=5; store=""; app=src/Switchboard/bin/Release/net10.0; label=""; first_port=5191
settle_max=120
while [ $# -gt 0 ]; do
  case "$1" in
    --calls) case "$2" in 1m) calls=1000000 ;; 10m) calls=10000000 ;; *) calls=$2 ;; esac; shift 2 ;;
    --postgres) provider=Postgres; shift ;;
    --runs) runs=$2; shift 2 ;;
    --store) store=$2; shift 2 ;;
    --app) app=$2; shift 2 ;;
    --label) label=-$2; shift 2 ;;
    --port) first_port=$2; shift 2 ;;
    --settle-max) settle_max=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

dotnet build -c Release bench/Switchboard.Bench -v quiet -nologo >/dev/null
work=$(mktemp -d); port=""
if [ -n "$store" ]; then mkdir -p "$store"; store=$(cd "$store" && pwd); fi
data=${store:-$work}
# A kept store says how many calls it holds.
[ ! -f "$data/report-org.json" ] ||
  calls=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["calls"])' "$data/report-org.json")
for candidate in $(seq "$first_port" $((first_port + 99))); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
url="http://127.0.0.1:$port"
export Switchboard__OperatorToken=bench-operator Switchboard__Database__Provider=$provider
pg_port=$(( 55500 + port % 100 ))
if [ "$provider" = Postgres ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$pg_bin" ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); }
  chown postgres "$work" "$data"
  [ -d "$data/pg" ] || su postgres -s /bin/bash -c "$pg_bin/initdb -D $data/pg -A trust -U postgres >/dev/null"
  su postgres -s /bin/bash -c "$pg_bin/pg_ctl -D $data/pg -w -l $work/pg.log start -o \"-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c shared_buffers=1GB\" >/dev/null"
  export ConnectionStrings__Switchboard="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=switchboard_report"
else
  export ConnectionStrings__Switchboard="Data Source=$data/switchboard.db"
fi

server_pid=""
start_seconds=""
start_server() {
  local started; started=$(date +%s.%N)
  (cd "$app" && exec dotnet Switchboard.dll --urls "$url" >"$work/server.log" 2>&1) &
  server_pid=$!
  # Up to an hour: on a kept store, migrations may count millions of calls before the server answers.
  for _ in $(seq 1 72000); do
    if curl -fs "$url/healthz" >/dev/null 2>&1; then
      start_seconds=$(echo "$(date +%s.%N) - $started" | bc); return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "Switchboard did not start:" >&2; cat "$work/server.log" >&2; exit 1
}
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ "$provider" = Postgres ] && su postgres -s /bin/bash -c "$pg_bin/pg_ctl -D $data/pg -m fast stop" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
generator="dotnet bench/Switchboard.Bench/bin/Release/net10.0/Switchboard.Bench.dll --url $url --operator-token bench-operator --out $work"

echo "== $calls call records on $provider, server $app =="
load_before=$(uptime | sed 's/.*load average: //')
start_server
echo "server answered after ${start_seconds} s (migrations included)"
if [ -f "$data/report-org.json" ]; then
  cp "$data/report-org.json" "$work/"
else
  $generator --fill-calls "$calls" --db "$provider" --connection "$ConnectionStrings__Switchboard"
  [ -z "$store" ] || cp "$work/report-org.json" "$data/"
fi
# Settle, as bench/run.sh does: a fresh server recompiles its hot methods (tiered compilation) for tens of seconds
# on 2 cores, and a report timed meanwhile weighs the compiler. Ask every report once per pass until the runtime's
# compiling thread used under 5 % of a core during a pass (at most --settle-max seconds).
. bench/jit.sh
settled=0; jit_total=0
while [ "$settled" -lt "$settle_max" ]; do
  before=$(jit_ticks /proc/"$server_pid"); pass_start=$(date +%s)
  $generator --time-report true --report-runs 1 >/dev/null
  pass=$(( $(date +%s) - pass_start + 1 )); used=$(( $(jit_ticks /proc/"$server_pid") - before ))
  settled=$(( settled + pass )); jit_total=$(( jit_total + used ))
  echo "settle ${settled}s: the runtime's compiler used ${used}0 ms of CPU in the last ${pass} s"
  [ "$used" -lt $(( 5 * pass )) ] && break
done
$generator --time-report true --report-runs "$runs"
load_after=$(uptime | sed 's/.*load average: //')
mkdir -p bench/results
out="bench/results/$(date -u +%Y-%m-%dT%H%M%SZ)-$provider-report-$calls$label.json"
python3 - "$out" "$work/report-org.json" "$work/report-latency.json" "$provider" "$calls" "$start_seconds" \
  "$load_before" "$load_after" "$(git rev-parse --short HEAD)" "$app" "$settled" "$(( jit_total * 10 ))" <<'PY'
import json, subprocess, sys
out, org, latency, provider, calls, start, load_before, load_after, commit, app, settled, jit_ms = sys.argv[1:]
org, latency = json.load(open(org)), json.load(open(latency))
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
json.dump({"date": __import__("datetime").datetime.utcnow().strftime("%Y-%m-%d"), "machine": f"{cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores",
           "provider": provider, "storedCalls": int(calls), "fillSeconds": org["fillSeconds"],
           "recountSeconds": org.get("recountSeconds"), "serverStartSeconds": float(start), "server": app,
           "benchCommit": commit, "settleSeconds": int(settled), "settleCompilerCpuMs": int(jit_ms),
           "uptimeLoadBefore": load_before, "uptimeLoadAfter": load_after,
           "reports": latency}, open(out, "w"), indent=2)
print(f"written to {out}")
PY
