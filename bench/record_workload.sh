#!/usr/bin/env bash
# Records a real workload with the eBPF sensor and replays it through the rule engine:
# `dagda monitor run --record FILE` restricted to one podman container while the container
# runs `find / -xdev`, dpkg/apt-get queries, a few hundred short shell commands, `ls -lR /usr/share`
# and 2000 opens of /etc/passwd from perl,
# then rules_bench's BM_Recorded* (default rules, Falco's falco_rules.yaml) on that
# recording, one core. The recording stays in a temporary directory (or --keep FILE).
# Needs root, podman and an image with perl and apt (the test base image by default).
# Usage: sudo bench/record_workload.sh [--build build] [--image IMAGE] [--keep FILE] [--min-time 2]
set -euo pipefail
BUILD=build
IMAGE=""
KEEP=""
MIN_TIME=2
while (($#)); do
  case $1 in
    --build) BUILD=$2; shift 2 ;;
    --image) IMAGE=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    --min-time) MIN_TIME=$2; shift 2 ;;
    *) echo "usage: $0 [--build DIR] [--image IMAGE] [--keep FILE] [--min-time SECONDS]" >&2; exit 2 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { echo "needs root" >&2; exit 1; }
DAGDA=$BUILD/src/cli/dagda
BENCH=$BUILD/bench/rules_bench
[[ -x $DAGDA && -x $BENCH ]] || { echo "build dagda and rules_bench first: ninja -C $BUILD dagda rules_bench" >&2; exit 1; }
if [[ -z $IMAGE ]]; then
  # shellcheck source=/dev/null
  source "${DAGDA_TEST_IMAGES:-$BUILD/test-images}/layered.env" 2>/dev/null ||
    { echo "no test images: run scripts/make-test-images.sh or pass --image" >&2; exit 1; }
  IMAGE=$BASE_IMAGE
fi
TMP=$(mktemp -d)
NAME=dagda-record-$$
SVC=""
MON=""
trap 'kill "$MON" "$SVC" 2>/dev/null || true; podman rm -f -t 0 "$NAME" >/dev/null 2>&1 || true; rm -rf "$TMP"' EXIT
podman system service --time=0 "unix://$TMP/podman.sock" >/dev/null 2>&1 &
SVC=$!
for _ in $(seq 100); do [[ -S $TMP/podman.sock ]] && break; sleep 0.1; done
export DOCKER_HOST=unix://$TMP/podman.sock
REC=${KEEP:-$TMP/recording.jsonl}

"$DAGDA" monitor run --json --no-store --no-vulns --container "$NAME" --record "$REC" >"$TMP/alerts" 2>"$TMP/err" &
MON=$!
for _ in $(seq 300); do grep -q 'monitor ready' "$TMP/err" && break; sleep 0.1; done
grep -q 'monitor ready' "$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
podman run -d --name "$NAME" "$IMAGE" sleep 600 >/dev/null
t0=$(date +%s.%N)
podman exec "$NAME" sh -c 'find / -xdev >/dev/null 2>&1; dpkg -l >/dev/null; apt-get --version >/dev/null;
  apt-cache policy >/dev/null 2>&1; for i in $(seq 300); do ls /etc >/dev/null; cat /etc/os-release >/dev/null;
  id >/dev/null; done; ls -lR /usr/share >/dev/null 2>&1; perl -e "for (1..2000) { open(my \$f, q{<}, q{/etc/passwd}) }"'
t1=$(date +%s.%N)
sleep 2
kill -TERM "$MON"
wait "$MON" || true
MON=""
grep 'monitor stopped' "$TMP/err" || true
events=$(($(wc -l <"$REC") - 1))
echo "workload: $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s, $events events recorded" \
     "($(du -h "$REC" | cut -f1)), $(wc -l <"$TMP/alerts") alerts from the default rules while recording:" \
     "$(jq -r .rule "$TMP/alerts" | sort | uniq -c | awk '{n=$1; $1=""; printf "%s x%s,", $0, n}')"
echo "event types: $(jq -r 'select(.type) | .type' "$REC" 2>/dev/null | sort | uniq -c | sort -rn | awk '{printf "%s %s, ", $2, $1}')"
DAGDA_EVENTS_RECORDING=$REC taskset -c 0 "$BENCH" --benchmark_filter='Recorded' --benchmark_min_time="$MIN_TIME"
