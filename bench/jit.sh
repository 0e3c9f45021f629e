# Sourced by bench/run.sh and bench/report.sh. jit_ticks DIR: CPU ticks (1/100 s) the .NET runtime's tiered-compilation
# thread of the process at /proc DIR has used so far (0 when it has none). A fresh server recompiles its hot methods
# for tens of seconds on 2 cores; the benches load it until this stops growing before they measure.
jit_ticks() {
  local stat
  for stat in "$1"/task/*/stat; do
    grep -q '(.NET Tiered Com' "$stat" 2>/dev/null && sed 's/^.*) //' "$stat" | awk '{ print $12 + $13 }' && return
  done
  echo 0
}
