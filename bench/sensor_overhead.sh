#!/usr/bin/env bash
# The eBPF sensor's overhead on a syscall-heavy workload: `find / -xdev` (stat and
# openat of every directory; the sensor traces the opens) run RUNS times without
# monitoring, then with `dagda monitor run --no-store --no-vulns` running (default
# rules, every process of the machine traced), and the median wall time of each.
# Needs root. Usage: sudo bench/sensor_overhead.sh [--runs 5] [--dagda build/src/cli/dagda]
set -euo pipefail
RUNS=5
DAGDA=build/src/cli/dagda
while (($#)); do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --dagda) DAGDA=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--dagda PATH]" >&2; exit 2 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { echo "needs root" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'kill "$MON" 2>/dev/null || true; rm -rf "$TMP"' EXIT
MON=""

median_of_runs() {
  local times=()
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s.%N)
    find / -xdev >/dev/null 2>&1 || true
    t1=$(date +%s.%N)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'
}

find / -xdev >/dev/null 2>&1 || true  # warm the dentry cache
base=$(median_of_runs)
"$DAGDA" --db "$TMP/s.sqlite" monitor run --no-store --no-vulns >"$TMP/alerts" 2>"$TMP/err" &
MON=$!
for _ in $(seq 300); do grep -q 'monitor ready' "$TMP/err" && break; sleep 0.1; done
grep -q 'monitor ready' "$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
with=$(median_of_runs)
kill -TERM "$MON"
wait "$MON" || true
MON=""
echo "find / -xdev, median of $RUNS: without monitoring ${base}s, with the eBPF monitor ${with}s" \
     "($(awk -v a="$base" -v b="$with" 'BEGIN {printf "%+.1f", (b - a) * 100 / a}')%)"
grep 'monitor stopped' "$TMP/err" || true
