#!/usr/bin/env bash
# Requests per second and latency (p50/p99) of `dagda serve`'s history and vuln
# queries under wrk (Debian's) at 64 connections, over a scratch SQLite database
# made from a real feed and a few real checks.
#   bench/server_wrk.sh [DAGDA] [SECONDS]
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
DAGDA=${1:-$SRC/build/src/cli/dagda}
SECS=${2:-10}
DATA=$(realpath "${DAGDA_TESTDATA:-$SRC/../shared/data}")
IMG=$DATA/images/trivy-docker-save/alpine-310.tar.gz
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
W=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$W"' EXIT
DB=$W/bench.db
"$DAGDA" --db "$DB" db import "$DATA/vulndb/alpine-secdb-yaml/v3.10/main.yaml" >/dev/null 2>&1
TOKEN=$("$DAGDA" --db "$DB" token create bench --scope scan)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$DAGDA" --db "$DB" serve --listen "127.0.0.1:$PORT" --workers 1 --allow-path "$DATA/images" --threads 64 2>"$W/serve.log" &
PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
B="http://127.0.0.1:$PORT"
ID=$(curl -s -H "Authorization: Bearer $TOKEN" -d "{\"source\":\"$IMG\"}" "$B/v1/check" | jq -r .id)
REP=""
for _ in $(seq 600); do
  REP=$(curl -s -H "Authorization: Bearer $TOKEN" "$B/v1/jobs/$ID" | jq -r 'select(.state == "done") | .report_id')
  [[ -n $REP ]] && break
  sleep 0.1
done
[[ -n $REP ]] || { echo "the check did not finish" >&2; exit 1; }
IMGENC=$(jq -rn --arg s "$IMG" '$s | @uri')
CVE=CVE-2019-10206  # in the imported v3.10/main.yaml
for path in "/v1/history/$IMGENC" "/v1/history/$IMGENC?id=$REP" "/v1/vuln/cve/$CVE" /v1/vuln/products/musl/1.1.22-r2 /healthz; do
  echo "== GET $path"
  wrk -t2 -c64 -d"${SECS}s" --latency -H "Authorization: Bearer $TOKEN" "$B$path" | grep -E "Requests/sec|50%|99%|Non-2xx"
done
