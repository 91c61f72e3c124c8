#!/usr/bin/env bash
# End-to-end checks per minute of `dagda serve` with 1 and 2 workers: N checks
# of real images posted at once to POST /v1/check, timed until every job is
# done (queue, scan, match, three reports, history), over a scratch SQLite
# database (the Alpine 3.10 and 3.11 secdb files) and a scratch cache.
#   bench/server_checks.sh [DAGDA] [N] [IMAGE...]
# Default images: the small real ones of ../shared/data and /work/images/out.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
DAGDA=${1:-$SRC/build/src/cli/dagda}
N=${2:-24}
shift $(($# > 2 ? 2 : $#))
DATA=$(realpath "${DAGDA_TESTDATA:-$SRC/../shared/data}")
IMAGES=("$@")
if ((${#IMAGES[@]} == 0)); then
  IMAGES=("$DATA/images/trivy-docker-save/alpine-310.tar.gz" "$DATA/images/trivy-docker-save/alpine-311.tar.gz"
    "$DATA/images/go-containerregistry/test_image_1.tar" "$DATA/images/go-containerregistry/hello-world-v25.tar")
  for f in /work/images/out/alpine-3.10.docker.tar /work/images/out/alpine-3.20.docker.tar; do
    [[ -f $f ]] && IMAGES+=("$f")
  done
fi
W=$(mktemp -d)
PID=
trap '[[ -n $PID ]] && kill $PID 2>/dev/null; rm -rf "$W"' EXIT
DB=$W/bench.db
"$DAGDA" --db "$DB" db import "$DATA/vulndb/alpine-secdb-yaml/v3.10/main.yaml" "$DATA/vulndb/alpine-secdb-yaml/v3.11/main.yaml" >/dev/null 2>&1
TOKEN=$("$DAGDA" --db "$DB" token create bench --scope scan)
DIRS=()
for img in "${IMAGES[@]}"; do DIRS+=("--allow-path" "$(dirname "$(realpath "$img")")"); done

run() {  # run WORKERS: prints checks per minute
  local workers=$1 port b start end i id left
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  b="http://127.0.0.1:$port"
  rm -rf "$W/cache-$workers"
  DAGDA_CACHE_DIR="$W/cache-$workers" "$DAGDA" --db "$DB" serve --listen "127.0.0.1:$port" --workers "$workers" \
    --rematch-interval 0 "${DIRS[@]}" 2>"$W/serve-$workers.log" &
  PID=$!
  for _ in $(seq 100); do curl -sf "$b/healthz" >/dev/null && break; sleep 0.1; done
  : >"$W/ids"
  start=$(date +%s.%N)
  for ((i = 0; i < N; i++)); do
    curl -s -H "Authorization: Bearer $TOKEN" -d "{\"source\":\"$(realpath "${IMAGES[$((i % ${#IMAGES[@]}))]}")\"}" "$b/v1/check" |
      jq -r .id >>"$W/ids" &
  done
  wait $(jobs -p | grep -v "^$PID$") 2>/dev/null || true
  while :; do
    left=0
    while read -r id; do
      curl -s -H "Authorization: Bearer $TOKEN" "$b/v1/jobs/$id" | jq -e '.state == "done" or .state == "failed"' >/dev/null || left=$((left + 1))
    done <"$W/ids"
    ((left == 0)) && break
    sleep 0.2
  done
  end=$(date +%s.%N)
  local failed
  failed=$(grep -c '"event":"job_failed"' "$W/serve-$workers.log" || true)
  kill "$PID"
  wait "$PID" 2>/dev/null || true
  PID=
  awk -v n="$N" -v w="$workers" -v a="$start" -v b="$end" -v f="$failed" \
    'BEGIN { printf "workers %d: %d checks in %.1f s = %.0f checks/min (%d failed)\n", w, n, b - a, n * 60 / (b - a), f }'
}
echo "images: ${#IMAGES[@]}, checks: $N, load: $(cut -d' ' -f1-3 /proc/loadavg)"
run 1
run 2
