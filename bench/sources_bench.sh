#!/usr/bin/env bash
# Cold and warm `dagda sbom` / `dagda scan` of one image from three sources: its docker-archive,
# the engine (Podman's API service) and a registry (Debian's docker-registry on 127.0.0.1), and
# the registry read against `skopeo copy` of the same image to a folder.
#
#   bench/sources_bench.sh [--runs N] [--dagda PATH] [--image NAME] [--archive FILE]
#
# NAME (default deb-fat) is an image of ../shared/images/build-images.sh: the archive defaults
# to /work/images/out/NAME.docker.tar and the engine's copy is localhost/bench/NAME:latest (in
# the machine's podman storage, read only: the script serves it with its own API socket). The
# registry gets the image with `skopeo copy` (gzip layers) in a scratch folder.
#
# cold: an empty cache directory (the cache is written); nocache: --no-cache; warm: the same
# cache directory again. `scan` uses a database of Debian's DSA and DLA lists (../shared/data).
# Each figure is the median of --runs runs (wall seconds, peak RSS from /usr/bin/time).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
RUNS=3
DAGDA=${DAGDA:-$ROOT/build/src/cli/dagda}
NAME=deb-fat
ARCHIVE=
DATA=${DAGDA_TESTDATA:-$ROOT/../shared/data}
while (($#)); do
  case $1 in
    --runs) RUNS=$2; shift ;;
    --dagda) DAGDA=$2; shift ;;
    --image) NAME=$2; shift ;;
    --archive) ARCHIVE=$2; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
ARCHIVE=${ARCHIVE:-/work/images/out/$NAME.docker.tar}
[[ -x $DAGDA ]] || { echo "no dagda binary at $DAGDA" >&2; exit 1; }
[[ -f $ARCHIVE ]] || { echo "no archive $ARCHIVE (../shared/images/build-images.sh builds it)" >&2; exit 1; }
for t in podman skopeo docker-registry curl jq /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "$t is needed" >&2; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/dagda-sources-bench.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# The engine: the machine's podman storage behind a socket of our own.
podman system service --time=0 "unix://$WORK/podman.sock" >"$WORK/podman.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -sf --unix-socket "$WORK/podman.sock" http://d/_ping >/dev/null && break; sleep 0.1; done
ENGINE_REF=localhost/bench/$NAME:latest
curl -sf --unix-socket "$WORK/podman.sock" "http://d/v1.41/images/$ENGINE_REF/json" >/dev/null ||
  { echo "podman has no $ENGINE_REF" >&2; exit 1; }

# The registry, plain HTTP on loopback.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s/registry\nhttp:\n  addr: 127.0.0.1:%s\n' \
  "$WORK" "$PORT" >"$WORK/registry.yml"
docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/v2/" && break; sleep 0.1; done
skopeo copy -q --dest-tls-verify=false --dest-compress-format gzip "docker-archive:$ARCHIVE" \
  "docker://127.0.0.1:$PORT/bench/$NAME:1"
REGISTRY_REF=127.0.0.1:$PORT/bench/$NAME:1

"$DAGDA" -q --db "$WORK/debian.db" db import "$DATA/vulndb/debian-dsa-dla/DSA.list" "$DATA/vulndb/debian-dsa-dla/DLA.list" >/dev/null

# measure LABEL CACHE_DIR COMMAND...: one run; appends "wall rss" to $WORK/LABEL.
measure() {
  local label=$1 cache=$2
  shift 2
  /usr/bin/time -f "%e %M" -o "$WORK/time.out" env DOCKER_HOST="unix://$WORK/podman.sock" DAGDA_CACHE_DIR="$cache" \
    "$@" >/dev/null 2>"$WORK/last.err" || { echo "failed: $* ($(tail -1 "$WORK/last.err"))" >&2; exit 1; }
  tail -n1 "$WORK/time.out" >>"$WORK/$label"
}
median() { sort -n -k1,1 "$WORK/$1" | awk '{a[NR]=$1; m[NR]=$2} END {i=int((NR+1)/2); printf "%.2f s, %d MiB", a[i], m[i]/1024}'; }

declare -A SRC=([archive]="docker-archive:$ARCHIVE" [engine]="docker:$ENGINE_REF" [registry]="registry:$REGISTRY_REF")
for kind in archive engine registry; do
  for cmd in sbom scan; do
    extra=()
    [[ $cmd == scan ]] && extra=(--db "$WORK/debian.db")
    for ((r = 1; r <= RUNS; r++)); do
      c=$WORK/cache-$kind-$cmd-$r
      measure "$kind-$cmd-nocache" "$c" "$DAGDA" -q "${extra[@]}" "$cmd" "${SRC[$kind]}" --format json --no-cache
      measure "$kind-$cmd-cold" "$c" "$DAGDA" -q "${extra[@]}" "$cmd" "${SRC[$kind]}" --format json
      measure "$kind-$cmd-warm" "$c" "$DAGDA" -q "${extra[@]}" "$cmd" "${SRC[$kind]}" --format json
      rm -rf "$c"
    done
  done
done
for ((r = 1; r <= RUNS; r++)); do
  rm -rf "$WORK/skopeo-dir"
  /usr/bin/time -f "%e %M" -o "$WORK/time.out" skopeo copy -q --src-tls-verify=false "docker://$REGISTRY_REF" \
    "dir:$WORK/skopeo-dir" >/dev/null
  tail -n1 "$WORK/time.out" >>"$WORK/skopeo"
done

echo "image $NAME ($(du -h "$ARCHIVE" | cut -f1) docker-archive), $RUNS runs each, median wall time and peak RSS"
echo
echo "| source | command | --no-cache | cold (cache written) | warm (rescan) | warm / cold |"
echo "| --- | --- | --- | --- | --- | --- |"
for kind in archive engine registry; do
  for cmd in sbom scan; do
    cold=$(sort -n "$WORK/$kind-$cmd-cold" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    warm=$(sort -n "$WORK/$kind-$cmd-warm" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    ratio=$(awk -v c="$cold" -v w="$warm" 'BEGIN {printf "%.1f%%", 100 * w / c}')
    echo "| $kind | $cmd | $(median "$kind-$cmd-nocache") | $(median "$kind-$cmd-cold") | $(median "$kind-$cmd-warm") | $ratio |"
  done
done
echo
echo "skopeo copy docker://… dir: of the same image: $(median skopeo)"
