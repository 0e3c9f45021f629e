#!/usr/bin/env bash
# Runs Switchboard's whole test suite from a clean checkout, installing what the machine lacks.
# The last line is the totals, e.g. "tests: 412 passed, 0 failed".
set -uo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is required (https://dot.net); 'dotnet' is not on PATH." >&2
  echo "tests: 0 passed, 1 failed"
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet test Switchboard.slnx -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One summary line per test assembly: "Passed!  - Failed:     0, Passed:    87, Skipped: ..."
read -r passed failed < <(awk '/^(Passed|Failed)! +- Failed:/ {
    for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i + 1); if ($i == "Passed:") p += $(i + 1) }
  } END { print p + 0, f + 0 }' "$log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the build or the test host failed before any test could report
fi

echo "tests: ${passed} passed, ${failed} failed"
exit "$status"
