#!/usr/bin/env bash
# Routing while the retention purge deletes 1M text events: fills a fresh store with 1M text events (all older
# than the retention set later), then measures routing with wrk in rounds that alternate: without a purge (no
# retention), and while the purge deletes them (dataRetentionDays set). Between a purging round and the next quiet
# one, the retention is unset and the server restarted, which stops the purge where it was. After the last round
# the purge is left to finish. Rounds alternate so that a machine whose load changes meanwhile weighs on both
# sides alike; the load average is recorded with each. Writes bench/results/…-purge.json.
#   bench/purge.sh [--postgres] [--pg-port 55498] [--seconds 20] [--rounds 2] [--finish-wait 1800]
# Issue 12 asks: routing p99 during the purge within 2× of routing p99 without it.
set -euo pipefail
cd "$(dirname "$0")/.."

provider=Sqlite; seconds=20; rounds=2; pg_port=55498; finish_wait=1800
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) provider=Postgres; shift ;;
    --pg-port) pg_port=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --finish-wait) finish_wait=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
dotnet build -c Release src/Switchboard -v quiet -nologo >/dev/null
dotnet build -c Release bench/Switchboard.Bench -v quiet -nologo >/dev/null

work=$(mktemp -d); port=""
for candidate in $(seq 5090 5190); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
url="http://127.0.0.1:$port"
app=src/Switchboard/bin/Release/net10.0
export Switchboard__Benchmark=true Switchboard__OperatorToken=bench-operator Switchboard__Twilio__AuthToken=bench-auth Switchboard__Twilio__PublicBaseUrl=$url
export Switchboard__Database__Provider=$provider Switchboard__RateLimits__Webhooks__PermitLimit=100000000
# The purge looks every 2 s, so that it starts right after the retention is set.
export Switchboard__Retention__Interval=00:00:02
if [ "$provider" = Postgres ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  chown postgres "$work"
  su postgres -s /bin/bash -c "$pg_bin/initdb -D $work/pg -A trust -U postgres >/dev/null && $pg_bin/pg_ctl -D $work/pg -w -l $work/pg.log start -o \"-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c max_connections=200\" >/dev/null"
  export ConnectionStrings__Switchboard="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=switchboard_purge;Maximum Pool Size=128"
else
  export ConnectionStrings__Switchboard="Data Source=$work/switchboard.db"
fi

server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ "$provider" = Postgres ] && su postgres -s /bin/bash -c "$pg_bin/pg_ctl -D $work/pg -m immediate stop" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
start_server() {
  (cd "$app" && exec dotnet Switchboard.dll --urls "$url" >>"$work/server.log" 2>&1) &
  server_pid=$!
  for _ in $(seq 1 400); do curl -fs "$url/healthz" >/dev/null 2>&1 && return; sleep 0.05; done
  echo "the server did not start" >&2; exit 1
}
stop_server() { kill "$server_pid" && wait "$server_pid" 2>/dev/null || true; server_pid=""; }
start_server

generator="dotnet bench/Switchboard.Bench/bin/Release/net10.0/Switchboard.Bench.dll --url $url --operator-token bench-operator --auth-token bench-auth --public-base-url $url --scale 1m --out $work"
echo "== Filling the store: 1M text events (sent in January 2026) on $provider =="
$generator --requests 10

route() { # $1: label → prints wrk's BENCH JSON line
  $generator --requests-only true --requests $(( (seconds + 5) * 30000 )) >/dev/null
  head -n $(( 5 * 30000 )) "$work/voice-requests.tsv" > "$work/warm-up.tsv"
  tail -n +$(( 5 * 30000 + 1 )) "$work/voice-requests.tsv" > "$work/measured.tsv"
  BENCH_REQUESTS="$work/warm-up.tsv" BENCH_THREADS=2 wrk -t2 -c64 -d5s -s bench/voice.lua "$url" >/dev/null
  BENCH_REQUESTS="$work/measured.tsv" BENCH_THREADS=2 wrk -t2 -c64 -d"${seconds}s" --timeout 5s -s bench/voice.lua "$url" | sed -n 's/^BENCH //p'
}

load() { cut -d' ' -f1-3 /proc/loadavg; }
key=$(curl -fs "$url/api/v1/organizations/1/api-keys" -H 'Authorization: Bearer bench-operator' -H 'Content-Type: application/json' \
  -d '{"name": "purge bench", "role": "admin"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
retention() { # $1: days or null
  curl -fs -X PUT "$url/api/v1/organizations/1/privacy" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d "{\"dataRetentionDays\": $1}" >/dev/null
}
purges() { grep -c "Retention: organization" "$work/server.log" || true; }

: >"$work/rounds.jsonl"
for round in $(seq 1 "$rounds"); do
  if [ "$round" -gt 1 ]; then
    echo "== Stopping the purge: retention unset, server restarted =="
    retention null; stop_server; start_server
  fi
  echo "== Round $round: routing without a purge (load $(load)) =="
  before_load=$(load); result=$(route quiet); echo "$result"
  printf '{"round": %s, "purge": false, "loadBefore": "%s", "loadAfter": "%s", "wrk": %s}\n' \
    "$round" "$before_load" "$(load)" "$result" >>"$work/rounds.jsonl"

  echo "== Round $round: routing while the purge deletes them (load $(load)) =="
  before=$(purges); t0=$(date +%s%N); retention 200
  before_load=$(load); result=$(route purging); echo "$result"
  printf '{"round": %s, "purge": true, "loadBefore": "%s", "loadAfter": "%s", "finishedDuringRound": %s, "wrk": %s}\n' \
    "$round" "$before_load" "$(load)" "$([ "$(purges)" != "$before" ] && echo true || echo false)" "$result" >>"$work/rounds.jsonl"
done

echo "== Letting the last purge finish (at most $finish_wait s) =="
while [ "$(purges)" = "$before" ] && [ $(( ($(date +%s%N) - t0) / 1000000000 )) -lt "$finish_wait" ]; do sleep 1; done
finished=$([ "$(purges)" != "$before" ] && echo true || echo false)
purge_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
purged=$(grep "Retention: organization" "$work/server.log" | tail -n 1 || true)
echo "purge: $purged, ${purge_ms} ms from setting the retention in the last round"

mkdir -p bench/results
out="bench/results/$(date -u +%Y-%m-%dT%H%M%SZ)-$provider-purge.json"
python3 - "$out" "$work/rounds.jsonl" "$purge_ms" "$purged" "$provider" "$seconds" "$finished" <<'PY'
import json, statistics, subprocess, sys
out, rounds_path, purge_ms, purged, provider, seconds, finished = sys.argv[1:]
rounds = [json.loads(line) for line in open(rounds_path)]
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
quiet = [r["wrk"]["p99_ms"] for r in rounds if not r["purge"]]
purging = [r["wrk"]["p99_ms"] for r in rounds if r["purge"]]
ratio = statistics.median(purging) / statistics.median(quiet)
report = {
    "date": __import__("datetime").datetime.now(__import__("datetime").timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
    "machine": f"{cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores, shared",
    "provider": provider,
    "wrk": f"-t2 -c64 -d{seconds}s after a 5 s warm-up; rounds alternate without and with the purge",
    "purge": {"finished": finished == "true", "lastLog": purged or None,
              "millisecondsFromSettingTheRetentionInTheLastRound": int(purge_ms)},
    "rounds": rounds,
    "p99WithoutPurgeMs": quiet, "p99DuringPurgeMs": purging,
    # During the purge the contacts' last texts go too, at its end, so calls the data says "Dial" may answer "Reject".
    "p99Ratio": ratio,
    "p99RatioPerPair": [p / q for q, p in zip(quiet, purging)],
    "within2x": ratio <= 2,
}
json.dump(report, open(out, "w"), indent=2)
print(json.dumps({k: report[k] for k in ("p99WithoutPurgeMs", "p99DuringPurgeMs", "p99Ratio", "within2x")}), "→", out)
PY
