#!/usr/bin/env bash
# Switchboard's soak: one PostgreSQL server of its own, two instances of the Release build sharing it, and the
# driver (bench/Switchboard.Bench --soak true) walking calls through both while it ingests message events and a
# receiver of its own takes the call events. Writes bench/results/<time>-soak-<N>min.json and .svg; exits non-zero
# when a check fails (docs/performance.md, "Soak").
#   bench/soak.sh [--minutes 30] [--calls-per-second 300] [--events-per-second 3000]
#                 [--pg-port 55481] [--ports 5300,5301,5302]   (instance 1, instance 2, events receiver)
#                 [--app DIR]   (another build's output, e.g. to compare; default: this tree's Release build)
#                 [--ramp-seconds 60]   (both rates rise from 0 over this time, as a load balancer's slow start)
#   SOAK_PG_OPTIONS="-c log_min_duration_statement=50"   more PostgreSQL settings (e.g. to log slow statements)
#   SOAK_KEEP_LOGS=DIR   keeps the instances' and PostgreSQL's logs there
#   SOAK_CONNECTION_OPTIONS="Maximum Pool Size=100"   appended to the instances' connection string (a later key wins)
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=30; calls=300; events=3000; ramp=60
pg_port=55481; ports=5300,5301,5302; app=src/Switchboard/bin/Release/net10.0
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes=$2; shift 2 ;;
    --calls-per-second) calls=$2; shift 2 ;;
    --events-per-second) events=$2; shift 2 ;;
    --pg-port) pg_port=$2; shift 2 ;;
    --ports) ports=$2; shift 2 ;;
    --app) app=$2; shift 2 ;;
    --ramp-seconds) ramp=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
IFS=, read -r port_a port_b receiver_port <<<"$ports"

dotnet build -c Release bench/Switchboard.Bench -v quiet -nologo >/dev/null
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pg_bin" ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); }

work=$(mktemp -d); chown postgres "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  su postgres -s /bin/bash -c "$pg_bin/pg_ctl -D $work/pg -m fast stop" >/dev/null 2>&1 || true
  [ -z "${SOAK_KEEP_LOGS:-}" ] || cp "$work"/*.log "$SOAK_KEEP_LOGS"/
  rm -rf "$work"
}
trap cleanup EXIT
su postgres -s /bin/bash -c "$pg_bin/initdb -D $work/pg -A trust -U postgres >/dev/null \
  && $pg_bin/pg_ctl -D $work/pg -w \
  -l $work/pg.log start -o \"-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c max_connections=300 ${SOAK_PG_OPTIONS:-}\" >/dev/null"
database="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=switchboard_soak"

# Both instances behind one public address, as behind a load balancer: Twilio signs that URL, not the instance's.
# Twenty connections per instance, as operations.md advises for a 2-core PostgreSQL: a pool far above what the server
# runs at once (Npgsql's default is 100) turns a burst into a storm of new connections (performance.md, stop 25).
export Switchboard__Database__Provider=Postgres \
  ConnectionStrings__Switchboard="$database;Maximum Pool Size=20;${SOAK_CONNECTION_OPTIONS:-}"
export Switchboard__OperatorToken=soak-operator Switchboard__Twilio__AuthToken=soak-auth
export Switchboard__Twilio__PublicBaseUrl=https://soak.example.org
# The driver is one source sending thousands of webhooks a second: keep the per-source limiter, far above that.
export Switchboard__RateLimits__Webhooks__PermitLimit=100000000
# The network guard refuses loopback events URLs unless the operator allows the network, as the tests do.
export Switchboard__CallEvents__AllowedNetworks__0=127.0.0.0/8
# 300 events a second for one organization: several on their way at once per instance (receivers de-duplicate on id).
export Switchboard__CallEvents__MaxConcurrentPerOrganization=16
# Warnings only: a log line per webhook would fill the disk in 30 minutes and measure the terminal.
export Logging__LogLevel__Default=Warning
settings="MaxConcurrentPerOrganization=16, log level Warning, webhook rate limit raised, 127.0.0.0/8 allowed"

start_instance() {
  (cd "$app" && exec dotnet Switchboard.dll --urls "http://127.0.0.1:$1" >"$work/app-$1.log" 2>&1) &
  pids+=($!)
  for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "instance on $1 did not start:" >&2; cat "$work/app-$1.log" >&2; exit 1
}
# The first applies the migrations; the second starts on the migrated database.
start_instance "$port_a"
start_instance "$port_b"

echo "== soak: $minutes min, $calls calls/s, $events message events/s (ramp ${ramp}s); $(uptime) =="
dotnet bench/Switchboard.Bench/bin/Release/net10.0/Switchboard.Bench.dll --soak true \
  --urls "http://127.0.0.1:$port_a,http://127.0.0.1:$port_b" --pids "${pids[0]},${pids[1]}" \
  --receiver-port "$receiver_port" --database "$database" --operator-token soak-operator --auth-token soak-auth \
  --minutes "$minutes" --calls-per-second "$calls" --events-per-second "$events" --ramp-seconds "$ramp" \
  --out bench/results \
  --logs "$work/app-$port_a.log,$work/app-$port_b.log" --uptime-before "$(uptime)" --app-settings "$settings" \
  && status=0 || status=$?
echo "uptime after: $(uptime)"
grep -h -A3 -E "^(fail|crit)" "$work"/app-*.log | grep -v -e "outlasted its" -e AnswerBudgetFilter | head -n 40 || true
exit $status
