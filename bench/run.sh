#!/usr/bin/env bash
# Switchboard's benchmark: fills a fresh store through the ingestion API, then drives signed voice
# webhooks with wrk next to the same build's bare "ok" endpoint (the machine's ceiling), and prints a
# table (also written as JSON under bench/results/).
#   bench/run.sh [--scale 100k|1m|10m] [--postgres] [--pg-port 55499] [--seconds 15] [--rounds 3] [--settle-max 90]
set -euo pipefail
cd "$(dirname "$0")/.."

scale=100k; provider=Sqlite; seconds=15; rounds=3; pg_port=55499; settle_max=90
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale=$2; shift 2 ;;
    --postgres) provider=Postgres; shift ;;
    --pg-port) pg_port=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --settle-max) settle_max=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
dotnet build -c Release bench/Switchboard.Bench -v quiet -nologo >/dev/null

work=$(mktemp -d); port=""
for candidate in $(seq 5090 5190); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
url="http://127.0.0.1:$port"
app=src/Switchboard/bin/Release/net10.0
export Switchboard__Benchmark=true Switchboard__OperatorToken=bench-operator Switchboard__Twilio__AuthToken=bench-auth Switchboard__Twilio__PublicBaseUrl=$url
export Switchboard__Database__Provider=$provider
# wrk is one source sending ~10k webhooks a second: keep the per-source limiter in the path, but far above that
export Switchboard__RateLimits__Webhooks__PermitLimit=100000000
if [ "$provider" = Postgres ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$pg_bin" ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); }
  chown postgres "$work"
  su postgres -s /bin/bash -c "$pg_bin/initdb -D $work/pg -A trust -U postgres >/dev/null && $pg_bin/pg_ctl -D $work/pg -w -l $work/pg.log start -o \"-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c max_connections=200\" >/dev/null"
  export ConnectionStrings__Switchboard="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=switchboard_bench;Maximum Pool Size=128"
else
  export ConnectionStrings__Switchboard="Data Source=$work/switchboard.db"
fi

server_pid=""
start_server() {
  (cd "$app" && exec dotnet Switchboard.dll --urls "$url" >"$work/server.log" 2>&1) &
  server_pid=$!
  for _ in $(seq 1 200); do curl -fs "$url/healthz" >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "Switchboard did not start:" >&2; cat "$work/server.log" >&2; exit 1
}
stop_server() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true; server_pid=""; }
cleanup() {
  stop_server
  [ "$provider" = Postgres ] && su postgres -s /bin/bash -c "$pg_bin/pg_ctl -D $work/pg -m immediate stop" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
server_proc() { echo "/proc/$(pgrep -P "$server_pid" dotnet || echo "$server_pid")"; }
rss_mb() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "$(server_proc)/status"; }
# Writing 5 to clear_refs resets the peak (VmHWM), so the routing load's peak is measured apart from ingestion's.
reset_peak_rss() { echo 5 > "$(server_proc)/clear_refs"; }
generator="dotnet bench/Switchboard.Bench/bin/Release/net10.0/Switchboard.Bench.dll --url $url --operator-token bench-operator --auth-token bench-auth --public-base-url $url --scale $scale --out $work"

echo "== Filling the store: scale $scale on $provider =="
start_server
written_before=$(awk '/^write_bytes/ { print $2 }' "$(server_proc)/io")
# On PostgreSQL the server process writes nothing itself: the database's write-ahead log counts instead.
wal_bytes() {
  local query="SELECT wal_bytes FROM pg_stat_wal"
  su postgres -s /bin/bash -c "$pg_bin/psql -h $work -p $pg_port -d switchboard_bench -Atc '$query'"
}
[ "$provider" = Postgres ] && wal_before=$(wal_bytes)
# The server's CPU time (utime + stime, in clock ticks) tells the cost per event apart from the load of the machine:
# here over the whole fill, set-up included; the generator reads it around the ingestion alone.
cpu_ticks() { awk '{ print $14 + $15 }' "$(server_proc)/stat"; }
cpu_before=$(cpu_ticks)
$generator --requests 10 --server-pid "$(basename "$(server_proc)")"
cpu_ms=$(( ($(cpu_ticks) - cpu_before) * 1000 / $(getconf CLK_TCK) ))
written=$(( $(awk '/^write_bytes/ { print $2 }' "$(server_proc)/io") - written_before ))
[ "$provider" = Postgres ] && written=$(( $(wal_bytes) - wal_before ))
ingest=$(cat "$work/generate.json")
if [ "$provider" = Postgres ]; then
  # Let the bulk load settle as pgbench does: without this the routing load races autovacuum and the
  # checkpointer still flushing the 10M rows just written.
  su postgres -s /bin/bash -c "$pg_bin/psql -h $work -p $pg_port -d switchboard_bench -qc 'VACUUM ANALYZE' -c 'CHECKPOINT'"
fi
ingest_rss=$(rss_mb)
reset_peak_rss

# Settle: .NET keeps recompiling hot methods (tiered compilation with profile-guided optimization) for tens of
# seconds of load on 2 cores; a round measured meanwhile weighs the compiler, not Switchboard. Route in 5-second
# chunks until the runtime's compiling thread used under 5 % of a core in one (at most --settle-max seconds).
. bench/jit.sh
echo "== Settling: routing until the runtime stops recompiling (at most ${settle_max}s) =="
$generator --requests-only true --requests $(( settle_max / 5 * 40000 ))
settled=0; jit_total=0
while [ "$settled" -lt "$settle_max" ]; do
  sed -n "$(( settled / 5 * 40000 + 1 )),$(( (settled / 5 + 1) * 40000 ))p" "$work/voice-requests.tsv" > "$work/settle.tsv"
  before=$(jit_ticks "$(server_proc)")
  BENCH_REQUESTS="$work/settle.tsv" BENCH_THREADS=2 wrk -t2 -c64 -d5s -s bench/voice.lua "$url" >/dev/null
  used=$(( $(jit_ticks "$(server_proc)") - before )); jit_total=$(( jit_total + used )); settled=$(( settled + 5 ))
  echo "settle ${settled}s: the runtime's compiler used ${used}0 ms of CPU in the last 5 s"
  [ "$used" -lt 25 ] && break
done
export BENCH_SETTLED_S=$settled BENCH_SETTLE_JIT_MS=$(( jit_total * 10 )) BENCH_LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

# Each round: fresh signed requests (every CallSid new), warm-up, then the ceiling and routing alternately.
echo "== Load: wrk -t2 -c64 -d${seconds}s, $rounds rounds =="
results="[]"
for round in $(seq 1 "$rounds"); do
  # warm-up and measurement each get requests of their own: a CallSid sent twice is a provider retry,
  # which takes another path than a new call
  $generator --requests-only true --requests $(( (seconds + 5) * 30000 ))
  head -n $(( 5 * 30000 )) "$work/voice-requests.tsv" > "$work/warm-up.tsv"
  tail -n +$(( 5 * 30000 + 1 )) "$work/voice-requests.tsv" > "$work/measured.tsv"
  wrk -t2 -c64 -d5s "$url/bench/ok" >/dev/null
  ceiling=$(wrk -t2 -c64 -d"${seconds}s" --timeout 5s -s bench/ok.lua "$url/bench/ok" | sed -n 's/^BENCH //p')
  BENCH_REQUESTS="$work/warm-up.tsv" BENCH_THREADS=2 wrk -t2 -c64 -d5s -s bench/voice.lua "$url" >/dev/null
  routing=$(BENCH_REQUESTS="$work/measured.tsv" BENCH_THREADS=2 wrk -t2 -c64 -d"${seconds}s" --timeout 5s -s bench/voice.lua "$url" | sed -n 's/^BENCH //p')
  echo "round $round: ceiling $ceiling"
  echo "round $round: routing $routing"
  results=$(python3 -c "import json,sys; r=json.loads(sys.argv[1]); r.append({'ceiling': json.loads(sys.argv[2]), 'routing': json.loads(sys.argv[3])}); print(json.dumps(r))" "$results" "$ceiling" "$routing")
done
peak_rss=$(rss_mb)
export BENCH_LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
# The call report over the call records the routing load just stored (bench/report.sh fills millions instead).
echo "== Call report over the stored calls =="
$generator --time-report true --report-runs 3
report=$(cat "$work/report-latency.json")
stop_server

# Cold start: a new process on the filled store until its first routed call is answered.
first_request=$(tail -n 1 "$work/measured.tsv")
t0=$(date +%s%N)
start_server
python3 - "$url" "$first_request" <<'PY'
import sys, urllib.request
url, line = sys.argv[1], sys.argv[2]
sig, verb, body = line.split("\t")
req = urllib.request.Request(url + "/webhooks/twilio/voice", data=body.encode(), headers={"X-Twilio-Signature": sig, "Content-Type": "application/x-www-form-urlencoded"})
answer = urllib.request.urlopen(req).read().decode()
assert "<Response>" in answer, answer
PY
cold_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
stop_server

mkdir -p bench/results
out="bench/results/$(date -u +%Y-%m-%dT%H%M%SZ)-$provider-$scale.json"
python3 - "$out" "$ingest" "$results" "$peak_rss" "$cold_ms" "$provider" "$scale" "$seconds" "$ingest_rss" "$written" "$report" "$cpu_ms" <<'PY'
import json, os, platform, statistics, subprocess, sys
out, ingest, rounds, rss, cold, provider, scale, seconds, ingest_rss, written, call_report, cpu_ms = sys.argv[1:]
ingest, rounds = json.loads(ingest), json.loads(rounds)
med = lambda key, side: statistics.median(r[side][key] for r in rounds)
ratio = statistics.median(r["routing"]["rps"] / r["ceiling"]["rps"] for r in rounds)
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
report = {
    "date": __import__("datetime").datetime.utcnow().strftime("%Y-%m-%d"), "machine": f"{cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores",
    "provider": provider, "scale": scale, "wrk": f"-t2 -c64 -d{seconds}s, median of {len(rounds)} rounds",
    "ingestionBytesWrittenBy": "the server process" if provider == "Sqlite" else "PostgreSQL write-ahead log",
    # the server's CPU while the events were ingested (the generator reads it around the batches), and over the
    # whole fill, set-up of the organization and its agents included
    "ingestionServerCpuMicrosecondsPerEvent": ingest["serverCpuMs"] * 1000 / ingest["acceptedEvents"],
    "fillServerCpuMs": int(cpu_ms),
    "ingest": ingest, "rounds": rounds, "peakRssMb": int(rss), "ingestionPeakRssMb": int(ingest_rss), "ingestionBytesWrittenPerEvent": int(written) / ingest["acceptedEvents"], "coldStartToFirstRoutedCallMs": int(cold), "callReport": json.loads(call_report),
    # seconds of routing before the rounds, and the runtime compiler's CPU in them (see "Settle" above)
    "settleSeconds": int(os.environ["BENCH_SETTLED_S"]), "settleCompilerCpuMs": int(os.environ["BENCH_SETTLE_JIT_MS"]),
    "loadAverage": {"beforeRounds": os.environ["BENCH_LOAD_BEFORE"], "afterRounds": os.environ["BENCH_LOAD_AFTER"]},
    "summary": {
        "ceilingRps": med("rps", "ceiling"), "routingRps": med("rps", "routing"), "ratio": ratio,
        "routingP50Ms": med("p50_ms", "routing"), "routingP99Ms": med("p99_ms", "routing"), "routingMaxMs": med("max_ms", "routing"),
        "ceilingP50Ms": med("p50_ms", "ceiling"), "ceilingP99Ms": med("p99_ms", "ceiling"),
        # an answer of the wrong verb, a non-200, or a mix of Dial/Reject off by more than the 64 requests in flight
        "wrongAnswers": sum(r["routing"]["wrong_verb"] + r["routing"]["non_200"] + max(0, abs(r["routing"]["expected_dial"] - r["routing"]["dial"]) - 64) for r in rounds),
    },
}
json.dump(report, open(out, "w"), indent=2)
s = report["summary"]
print()
print(f"| {provider}, {scale} events ({report['date']}, {report['machine']}) | figure |")
print("|---|---|")
# On PostgreSQL the server process writes nothing itself: the bytes are those of PostgreSQL's write-ahead log.
written_what = "written to disk" if provider == "Sqlite" else "of PostgreSQL write-ahead log"
written_note = f", {report['ingestionBytesWrittenPerEvent']:,.0f} bytes {written_what} per event"
print(f"| ingestion through the API (batches of {ingest['batchSize']:,}) | {ingest['eventsPerSecond']:,.0f} events/s{written_note} |")
print(f"| server CPU time per ingested event | {report['ingestionServerCpuMicrosecondsPerEvent']:,.1f} µs |")
print(f"| ceiling: bare GET of the same build | {s['ceilingRps']:,.0f} req/s, p50 {s['ceilingP50Ms']:.2f} ms, p99 {s['ceilingP99Ms']:.2f} ms |")
print(f"| routing: signed voice webhook, durable call record | {s['routingRps']:,.0f} req/s, p50 {s['routingP50Ms']:.2f} ms, p99 {s['routingP99Ms']:.2f} ms, max {s['routingMaxMs']:.1f} ms |")
print(f"| routing / ceiling | {s['ratio']:.2f} |")
print(f"| answers with a wrong verb or status | {s['wrongAnswers']} |")
print(f"| server peak RSS: routing load / ingestion | {int(rss)} MB / {int(ingest_rss)} MB |")
print(f"| cold start to first routed call | {int(cold)} ms |")
for r in report["callReport"]:
    print(f"| call report, {r['days']} days per {r['groupBy']} ({r['callsInRange']:,} calls, {r['rows']} rows) | median {r['medianMs']} ms, max {r['maxMs']} ms |")
print(f"\nwritten to {out}")
PY
