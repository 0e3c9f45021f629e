#!/usr/bin/env bash
# Routing while the retention purge deletes 1M text events: fills a fresh store with 1M text events (all
# older than the retention set later), measures routing with wrk, then sets dataRetentionDays so that the
# purge deletes them all and measures routing again while it runs. Writes bench/results/…-purge.json.
#   bench/purge.sh [--postgres] [--seconds 20]
# Issue 12 asks: routing p99 during the purge within 2× of routing p99 without it.
set -euo pipefail
cd "$(dirname "$0")/.."

provider=Sqlite; seconds=20
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) provider=Postgres; shift ;;
    --seconds) seconds=$2; shift 2 ;;
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
  su postgres -s /bin/bash -c "$pg_bin/initdb -D $work/pg -A trust -U postgres >/dev/null && $pg_bin/pg_ctl -D $work/pg -w -l $work/pg.log start -o \"-p 55498 -k $work -c listen_addresses=127.0.0.1 -c max_connections=200\" >/dev/null"
  export ConnectionStrings__Switchboard="Host=127.0.0.1;Port=55498;Username=postgres;Database=switchboard_purge;Maximum Pool Size=128"
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
(cd "$app" && exec dotnet Switchboard.dll --urls "$url" >"$work/server.log" 2>&1) &
server_pid=$!
for _ in $(seq 1 200); do curl -fs "$url/healthz" >/dev/null 2>&1 && break; sleep 0.05; done

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

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== Routing without a purge =="
quiet=$(route quiet); echo "$quiet"

echo "== Routing while the purge deletes them =="
key=$(curl -fs "$url/api/v1/organizations/1/api-keys" -H 'Authorization: Bearer bench-operator' -H 'Content-Type: application/json' \
  -d '{"name": "purge bench", "role": "admin"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
before=$(grep -c "Retention: organization" "$work/server.log" || true)
t0=$(date +%s%N)
curl -fs -X PUT "$url/api/v1/organizations/1/privacy" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d '{"dataRetentionDays": 200}' >/dev/null
purging=$(route purging); echo "$purging"
while [ "$(grep -c "Retention: organization" "$work/server.log" || true)" = "$before" ]; do sleep 0.2; done
purge_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
purged=$(grep "Retention: organization" "$work/server.log" | tail -n 1)
echo "purge: $purged in ${purge_ms} ms"

mkdir -p bench/results
out="bench/results/$(date -u +%Y-%m-%dT%H%M%SZ)-$provider-purge.json"
python3 - "$out" "$quiet" "$purging" "$purge_ms" "$purged" "$provider" "$seconds" "$load_before" <<'PY'
import json, subprocess, sys
out, quiet, purging, purge_ms, purged, provider, seconds, load = sys.argv[1:]
quiet, purging = json.loads(quiet), json.loads(purging)
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
report = {
    "date": __import__("datetime").datetime.utcnow().strftime("%Y-%m-%d"),
    "machine": f"{cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores, load average before: {load}",
    "provider": provider, "wrk": f"-t2 -c64 -d{seconds}s after a 5 s warm-up, one round each",
    "purge": {"log": purged, "millisecondsFromSettingTheRetention": int(purge_ms)},
    "routingWithoutPurge": quiet, "routingDuringPurge": purging,
    # During the purge the contacts' last texts go too, so calls the data says "Dial" answer "Reject": expected here.
    "p99Ratio": purging["p99_ms"] / quiet["p99_ms"],
    "within2x": purging["p99_ms"] <= 2 * quiet["p99_ms"],
}
json.dump(report, open(out, "w"), indent=2)
print(json.dumps({k: report[k] for k in ("p99Ratio", "within2x")}), "→", out)
PY
