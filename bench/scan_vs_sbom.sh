#!/usr/bin/env bash
# Whole-command benchmark (issue 10): `dagda scan` against `dagda sbom` of the same image,
# and `dagda sbom` against the floor that verifying diff ids imposes: the SHA-256 of every
# layer with OpenSSL, the layers spread over the cores (the largest layer sets it).
#
#   bench/scan_vs_sbom.sh [--runs N] [--dagda PATH] [--db FILE] [--images DIR] [IMAGE...]
#
# IMAGEs are docker-archive tars of ../shared/images/build-images.sh (default: deb-fat and big,
# in $DAGDA_IMAGES_ROOT/out, default $TMPDIR/images/out). --db is a VulnDB with the real feeds
# imported (scripts/run.sh makes one: build-release/vulndb.sqlite). Each dagda run gets an
# empty cache directory, except `scan-warm`: a scan again with the cache the scan before it
# filled (the per-layer cache and the scanners' results in it). Runs alternate sbom / scan /
# scan-warm / floor after one warm-up of each, so all read from the page cache. `scan` runs the
# default scanners (vuln,secret,config). /usr/bin/time gives wall time, CPU and peak RSS; the
# script prints the median of each and the ratios scan/sbom and sbom/floor.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
RUNS=5
DAGDA=${DAGDA:-$ROOT/build/src/cli/dagda}
DB=${DAGDA_DB:-$ROOT/build-release/vulndb.sqlite}
IMAGES=${DAGDA_IMAGES_ROOT:-${TMPDIR:-/tmp}/images}/out
names=()
while (($#)); do
  case $1 in
    --runs) RUNS=$2; shift ;;
    --dagda) DAGDA=$2; shift ;;
    --db) DB=$2; shift ;;
    --images) IMAGES=$2; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "unknown argument: $1" >&2; exit 2 ;;
    *) names+=("$1") ;;
  esac
  shift
done
((${#names[@]})) || names=(deb-fat big)
[[ -x $DAGDA ]] || { echo "no dagda binary at $DAGDA" >&2; exit 1; }
[[ -f $DB ]] || { echo "no database at $DB (scripts/run.sh makes one; or pass --db)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is missing: apt-get install time" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The floor: SHA-256 (OpenSSL, through Python's hashlib) of each layer member of the archive,
# read in place, the layers shared among the cores.
cat >"$WORK/floor.py" <<'PY'
import concurrent.futures, hashlib, json, os, sys, tarfile
path = sys.argv[1]
with tarfile.open(path) as t:
    manifest = json.load(t.extractfile("manifest.json"))[0]
    ranges = [(m.offset_data, m.size) for m in (t.getmember(l) for l in manifest["Layers"])]
def digest(r):
    off, size = r
    h = hashlib.sha256()
    with open(path, "rb", buffering=0) as f:
        f.seek(off)
        left = size
        while left:
            b = f.read(min(left, 1 << 20))
            h.update(b)
            left -= len(b)
    return h.hexdigest()
ranges.sort(key=lambda r: -r[1])
with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as ex:
    list(ex.map(digest, ranges))
PY

timed() {  # timed OUT CMD...: appends "wall cpu kib"
  local out=$1
  shift
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/last" "$@" >/dev/null 2>"$WORK/err" || {
    echo "failed: $*" >&2; cat "$WORK/err" >&2; exit 1; }
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$WORK/last" >>"$out"
}
median() { sort -n -k"$2" "$1" | awk -v k="$2" '{a[NR]=$k} END {print a[int((NR+1)/2)]}'; }

for name in "${names[@]}"; do
  img=$IMAGES/$name.docker.tar
  [[ -f $img ]] || { echo "missing $img (run ../shared/images/build-images.sh)" >&2; exit 1; }
  rm -f "$WORK"/{sbom,scan,scan-warm,floor}
  for ((i = 0; i <= RUNS; i++)); do
    for kind in sbom scan; do
      cache=$(mktemp -d "$WORK/cache.XXXX")
      out=$WORK/$kind
      ((i == 0)) && out=$WORK/warmup
      timed "$out" env DAGDA_CACHE_DIR="$cache" "$DAGDA" --db "$DB" "$kind" "docker-archive:$img" --format json -o "$WORK/report.json"
      if [[ $kind == scan ]]; then
        out=$WORK/scan-warm
        ((i == 0)) && out=$WORK/warmup
        timed "$out" env DAGDA_CACHE_DIR="$cache" "$DAGDA" --db "$DB" scan "docker-archive:$img" --format json -o "$WORK/report.json"
      fi
      rm -rf "$cache"
    done
    out=$WORK/floor
    ((i == 0)) && out=$WORK/warmup
    timed "$out" python3 "$WORK/floor.py" "$img"
  done
  sb=$(median "$WORK/sbom" 1); sc=$(median "$WORK/scan" 1); fl=$(median "$WORK/floor" 1)
  echo "$name ($(du -h "$img" | cut -f1), $RUNS runs, medians):"
  printf '  %-6s wall %6.2f s  cpu %6.2f s  peak RSS %4d MiB\n' \
    sbom "$sb" "$(median "$WORK/sbom" 2)" $(($(sort -n -k3 "$WORK/sbom" | tail -1 | cut -d' ' -f3) / 1024)) \
    scan "$sc" "$(median "$WORK/scan" 2)" $(($(sort -n -k3 "$WORK/scan" | tail -1 | cut -d' ' -f3) / 1024)) \
    scan-w "$(median "$WORK/scan-warm" 1)" "$(median "$WORK/scan-warm" 2)" \
    $(($(sort -n -k3 "$WORK/scan-warm" | tail -1 | cut -d' ' -f3) / 1024)) \
    floor "$fl" "$(median "$WORK/floor" 2)" $(($(sort -n -k3 "$WORK/floor" | tail -1 | cut -d' ' -f3) / 1024))
  awk -v a="$sc" -v b="$sb" -v c="$fl" 'BEGIN {printf "  scan/sbom %.2f   sbom/floor %.2f\n", a / b, b / c}'
done
