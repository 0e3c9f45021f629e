#!/usr/bin/env bash
# Cold start: spawns the published app N times on a ready demo store (SQLite, then PostgreSQL) and measures, from
# the spawn to the first routed call answered (a signed Twilio voice webhook whose answer rings the agent), the wall
# time and the CPU time the process used (utime + stime). Writes bench/results/<time>-coldstart-<label>.json.
#   bench/coldstart.sh [--runs 7] [--label NAME] [--app DIR --commit SHA] [--databases sqlite,postgres] [--composite]
# Without --app it publishes this tree as a deployment would (ReadyToRun, linux-x64; with --composite self-contained,
# the runtime and the app compiled ahead of time as one composite image); with --app it measures an output published
# elsewhere (e.g. an older commit, built in a worktree of its own) under that commit's name.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=7; label=""; app=""; commit=""; databases=sqlite,postgres; composite=false
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --label) label=$2; shift 2 ;;
    --app) app=$(realpath "$2"); shift 2 ;;
    --commit) commit=$2; shift 2 ;;
    --databases) databases=$2; shift 2 ;;
    --composite) composite=true; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d); chmod 755 "$work"
pg_bin=""; pg_port=55444
cleanup() {
  [ -n "$pg_bin" ] && su postgres -s /bin/bash -c "$pg_bin/pg_ctl -D $work/pg -m immediate stop" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$app" ]; then
  commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo "-dirty")
  app=$work/app
  # A ReadyToRun publish over the intermediate files of an earlier one once gave an image that aborted at its start
  # (SIGABRT, no message): each publish starts from none.
  rm -rf src/Switchboard/obj/Release/net10.0/linux-x64
  if [ "$composite" = true ]; then
    dotnet publish src/Switchboard -c Release -nologo -v quiet -r linux-x64 --self-contained true \
      -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true -o "$app" >/dev/null
    publish="ReadyToRun composite, self-contained"
  else
    dotnet publish src/Switchboard -c Release -nologo -v quiet -r linux-x64 --self-contained false \
      -p:PublishReadyToRun=true -o "$app" >/dev/null
    publish=ReadyToRun
  fi
else
  publish="given (--app)"
fi
[ -n "$label" ] || label=$commit
size_mb=$(du -sm "$app" | cut -f1)

port=""
for candidate in $(seq 5290 5390); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
url="http://127.0.0.1:$port"
export Switchboard__OperatorToken=bench-operator Switchboard__Twilio__AuthToken=demo-auth-token
export Switchboard__Twilio__PublicBaseUrl=$url

results="{}"
for database in ${databases//,/ }; do
  if [ "$database" = postgres ]; then
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    chown postgres "$work"
    su postgres -s /bin/bash -c "$pg_bin/initdb -D $work/pg -A trust -U postgres >/dev/null &&
      $pg_bin/pg_ctl -D $work/pg -w -l $work/pg.log start \
        -o \"-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c fsync=off\" >/dev/null"
    export Switchboard__Database__Provider=Postgres
    export ConnectionStrings__Switchboard="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=switchboard_cold"
  else
    export Switchboard__Database__Provider=Sqlite
    export ConnectionStrings__Switchboard="Data Source=$work/switchboard-demo.db"
  fi
  echo "== $label on $database: the demo store, then $runs cold starts =="
  # The demo seeds an organization whose agent texted +15550100123 from the group number +15550100001.
  python3 bench/coldstart.py --app "$app" --url "$url" --seed-demo >"$work/demo.log" 2>&1 \
    || { cat "$work/demo.log" >&2; exit 1; }
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  measured=$(python3 bench/coldstart.py --app "$app" --url "$url" --runs "$runs" --log "$work/server.log")
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "$measured" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("wall ms", r["wallMs"]); print("cpu ms", r["cpuMs"]); print("wrong answers", r["wrongAnswers"])'
  results=$(python3 -c '
import json, sys
results, database, measured, before, after = sys.argv[1:]
r = json.loads(results)
r[database] = dict(json.loads(measured), loadBefore=before, loadAfter=after)
print(json.dumps(r))' "$results" "$database" "$measured" "$load_before" "$load_after")
done

mkdir -p bench/results
out="bench/results/$(date -u +%Y-%m-%dT%H%M%SZ)-coldstart-$label.json"
python3 - "$out" "$results" "$commit" "$label" "$publish" "$size_mb" "$runs" <<'PY'
import json, os, statistics, sys
out, results, commit, label, publish, size_mb, runs = sys.argv[1:]
r = json.loads(results)
for d in r.values():
    for key in ("wallMs", "cpuMs"):
        d[key.replace("Ms", "MedianMs")] = statistics.median(d[key])
json.dump({"benchmark": "coldstart", "commit": commit, "label": label, "publish": publish, "publishedSizeMb": int(size_mb),
           "runs": int(runs), "cores": os.cpu_count(), "measuredTo": "first routed call answered (signed Twilio voice webhook)",
           "databases": r}, open(out, "w"), indent=2)
print(f"| {label} ({publish}, {size_mb} MB) | " + " | ".join(
    f"{k}: wall {d['wallMedianMs']:.0f} ms, CPU {d['cpuMedianMs']:.0f} ms, {d['wrongAnswers']} wrong answers"
    f" (load {d['loadBefore']} → {d['loadAfter']})"
    for k, d in r.items()) + " |")
print(f"written to {out}")
PY
