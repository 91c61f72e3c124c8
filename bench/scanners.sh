#!/usr/bin/env bash
# Scan time with each scanner on and off (issue 15): `dagda scan --scanners vuln` against
# vuln,secret / vuln,config / vuln,secret,config / secret,config, on the same image, each run
# with an empty cache directory (the layers are read every time). Then the default scanners
# (no --scanners) cold, with an empty cache, and warm, with the cache a scan of the same image
# filled (the layers and the scanners' results are taken from it). One warm-up run, then RUNS
# runs of each, alternating; prints the median wall time and peak RSS and the ratio to the
# vuln-only scan.
# --malware adds vuln,malware and malware: the database is copied and signatures made here are
# imported into the copy (no real ClamAV database can be fetched here): 20,000 .hdb hashes and
# 2,000 .ndb body patterns of random bytes, and 200 YARA rules with random strings. They match
# nothing; what is measured is reading and scanning every file with both engines. With
# signatures imported, the default rows include malware too.
#
#   bench/scanners.sh [--runs N] [--dagda PATH] [--db FILE] [--images DIR] [--malware] [IMAGE...]
#
# IMAGEs are docker-archive tars of ../shared/images/build-images.sh (default: deb-fat).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
RUNS=3
DAGDA=${DAGDA:-$ROOT/build/src/cli/dagda}
DB=${DAGDA_DB:-$ROOT/build-release/vulndb.sqlite}
IMAGES=${DAGDA_IMAGES_ROOT:-${TMPDIR:-/tmp}/images}/out
names=()
MALWARE=0
while (($#)); do
  case $1 in
    --runs) RUNS=$2; shift ;;
    --dagda) DAGDA=$2; shift ;;
    --db) DB=$2; shift ;;
    --images) IMAGES=$2; shift ;;
    --malware) MALWARE=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "unknown argument: $1" >&2; exit 2 ;;
    *) names+=("$1") ;;
  esac
  shift
done
((${#names[@]})) || names=(deb-fat)
[[ -x $DAGDA ]] || { echo "no dagda binary at $DAGDA" >&2; exit 1; }
[[ -f $DB ]] || { echo "no database at $DB (pass --db)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is missing: apt-get install time" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
SETS=(vuln vuln,secret vuln,config vuln,secret,config secret,config default default-warm)
if ((MALWARE)); then
  mkdir -p "$WORK/sigs"
  cp "$DB" "$WORK/vulndb.sqlite"
  DB=$WORK/vulndb.sqlite
  head -c $((20000 * 16)) /dev/urandom | od -An -v -tx1 -w16 | tr -d ' ' |
    awk '{printf "%s:%d:Bench.Hash.%d\n", $1, 1000 + NR, NR}' >"$WORK/sigs/bench.hdb"
  head -c $((2000 * 12)) /dev/urandom | od -An -v -tx1 -w12 | tr -d ' ' |
    awk '{printf "Bench.Body.%d:0:*:%s\n", NR, $1}' >"$WORK/sigs/bench.ndb"
  head -c $((200 * 10)) /dev/urandom | od -An -v -tx1 -w10 | tr -d ' ' |
    awk '{printf "rule Bench_%d { strings: $a = { %s } condition: $a }\n", NR, $1}' >"$WORK/sigs/bench.yar"
  "$DAGDA" --quiet --db "$DB" db import "$WORK/sigs" >/dev/null
  SETS+=(vuln,malware malware)
fi

one() {  # one IMAGE SET: appends "wall rss" to $WORK/IMAGE.SET
  local args=(--scanners "$2")
  [[ $2 == default* ]] && args=()
  rm -rf "$WORK/cache"
  if [[ $2 == default-warm ]]; then
    env DAGDA_CACHE_DIR="$WORK/cache" "$DAGDA" --quiet --db "$DB" scan "docker-archive:$IMAGES/$1.docker.tar" \
      -f json -o "$WORK/out.json"
  fi
  /usr/bin/time -f '%e %M' -o "$WORK/t" env DAGDA_CACHE_DIR="$WORK/cache" \
    "$DAGDA" --quiet --db "$DB" scan "docker-archive:$IMAGES/$1.docker.tar" "${args[@]}" -f json -o "$WORK/out.json"
  cat "$WORK/t" >>"$WORK/$1.$2"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for img in "${names[@]}"; do
  [[ -f $IMAGES/$img.docker.tar ]] || { echo "no image $IMAGES/$img.docker.tar" >&2; exit 1; }
  for s in "${SETS[@]}"; do one "$img" "$s"; : >"$WORK/$img.$s"; done
  for ((r = 0; r < RUNS; r++)); do for s in "${SETS[@]}"; do one "$img" "$s"; done; done
  base=$(cut -d' ' -f1 "$WORK/$img.vuln" | median)
  printf '%s (median of %d runs)\n%-20s %8s %8s %10s\n' "$img" "$RUNS" scanners wall_s ratio peak_MB
  for s in "${SETS[@]}"; do
    w=$(cut -d' ' -f1 "$WORK/$img.$s" | median)
    m=$(cut -d' ' -f2 "$WORK/$img.$s" | median)
    printf '%-20s %8s %8.2f %10d\n' "$s" "$w" "$(echo "$w / $base" | bc -l)" $((m / 1024))
  done
done
