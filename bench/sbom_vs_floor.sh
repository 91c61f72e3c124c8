#!/usr/bin/env bash
# Whole-command benchmark: `dagda sbom` on an image with a layer of more than 1 GB, against the
# floor of only reading and decompressing its layers.
#
#   bench/sbom_vs_floor.sh [--runs N] [--dagda PATH] [--images DIR]
#
#   uncompressed layers: dagda sbom docker-archive:big.docker.tar   vs  tar -xOf big.docker.tar
#   gzip layers:         dagda sbom oci-dir:big.oci-gzip            vs  zcat of each layer blob
#
# The image is built by scripts/make-test-images.sh --big (real Debian packages, about
# 1.3 GB in one layer) and cached. Runs alternate dagda / floor; each dagda run gets an empty
# cache directory, so nothing is reused between runs. Both sides read files the page cache
# already holds (one warm-up run each). Wall time and peak RSS come from /usr/bin/time.
# Prints the median, min and max wall time of each, the ratio of the medians, and dagda's peak RSS.
# For reference it also times the floor plus the SHA-256 digests dagda has to verify (openssl).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
RUNS=5
DAGDA=${DAGDA:-$ROOT/build/src/cli/dagda}
IMAGES=${DAGDA_TEST_IMAGES:-$ROOT/build/test-images}

while (($#)); do
  case $1 in
    --runs) RUNS=$2; shift ;;
    --dagda) DAGDA=$2; shift ;;
    --images) IMAGES=$2; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

[[ -x $DAGDA ]] || { echo "no dagda binary at $DAGDA (build it, or pass --dagda)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is missing: apt-get install time" >&2; exit 1; }
((RUNS >= 1)) || { echo "--runs must be at least 1" >&2; exit 2; }

"$ROOT/scripts/make-test-images.sh" --big "$IMAGES" </dev/null

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

DOCKER=$IMAGES/big.docker.tar
OCI=$IMAGES/big.oci-gzip
manifest=$(jq -r '.manifests[0].digest | sub("sha256:"; "")' "$OCI/index.json")
mapfile -t GZ_LAYERS < <(jq -r '.layers[].digest | sub("sha256:"; "")' "$OCI/blobs/sha256/$manifest" |
  sed "s|^|$OCI/blobs/sha256/|")

# timed OUTFILE CMD...: runs CMD once with stdout to /dev/null; appends "seconds kib" to OUTFILE.
timed() {
  local out=$1
  shift
  /usr/bin/time -f '%e %M' -o "$WORK/last" "$@" >/dev/null 2>"$WORK/stderr" || {
    echo "command failed: $*" >&2
    cat "$WORK/stderr" >&2
    exit 1
  }
  tail -n 1 "$WORK/last" >>"$out"
}

dagda_sbom() {
  local cache
  cache=$(mktemp -d "$WORK/cache.XXXXXX")
  DAGDA_CACHE_DIR=$cache "$DAGDA" sbom "$1" --format json
  rm -rf "$cache"
}
floor_tar() { tar -xOf "$1"; }
floor_zcat() { local b; for b in "$@"; do zcat "$b"; done; }
# The same floors plus the SHA-256 digests dagda must check (blob digest and diff id).
floor_tar_sha() { openssl dgst -sha256 "$1"; }  # every byte of the archive, hashed
floor_zcat_sha() { local b; for b in "$@"; do openssl dgst -sha256 "$b"; zcat "$b" | openssl dgst -sha256; done; }
export -f dagda_sbom floor_tar floor_zcat floor_tar_sha floor_zcat_sha
export DAGDA WORK

# stats FILE: "median min max" of the first column.
stats() {
  sort -n -k1,1 "$1" | awk '{ t[NR] = $1 } END {
    m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
    printf "%.2f %.2f %.2f\n", m, t[1], t[NR] }'
}
peak_mib() { sort -n -k2,2 "$1" | tail -n 1 | awk '{ printf "%.0f", $2 / 1024 }'; }

# bench_pair LABEL SOURCE FLOOR_NAME FLOOR_FN DIGEST_FN ARGS...: dagda against the floor
# (FLOOR_FN ARGS) and, for reference, the floor with SHA-256 digests (DIGEST_FN ARGS).
bench_pair() {
  local label=$1 source=$2 floor_name=$3 floor_fn=$4 digest_fn=$5
  shift 5
  local a=$WORK/$label.dagda b=$WORK/$label.floor c=$WORK/$label.digest
  : >"$a"
  : >"$b"
  : >"$c"
  # Warm-up: fills the page cache and checks every command works.
  timed "$WORK/warmup" bash -c 'dagda_sbom "$1"' _ "$source"
  timed "$WORK/warmup" bash -c "$floor_fn \"\$@\"" _ "$@"
  for ((i = 0; i < RUNS; i++)); do
    timed "$a" bash -c 'dagda_sbom "$1"' _ "$source"
    timed "$b" bash -c "$floor_fn \"\$@\"" _ "$@"
    timed "$c" bash -c "$digest_fn \"\$@\"" _ "$@"
  done
  read -r am amin amax < <(stats "$a")
  read -r bm bmin bmax < <(stats "$b")
  read -r cm cmin cmax < <(stats "$c")
  printf '\n%s\n' "$label"
  printf '  %-40s %7s %7s %7s\n' "wall seconds" median min max
  printf '  %-40s %7s %7s %7s\n' "dagda sbom $(basename "$source")" "$am" "$amin" "$amax"
  printf '  %-40s %7s %7s %7s\n' "floor: $floor_name" "$bm" "$bmin" "$bmax"
  printf '  %-40s %7s %7s %7s\n' "floor + SHA-256 digests (reference)" "$cm" "$cmin" "$cmax"
  awk -v a="$am" -v b="$bm" -v c="$cm" 'BEGIN {
    printf "  ratio dagda / floor (medians): %.2f  (target: 1.5 or less)\n", a / b
    printf "  ratio dagda / floor with digests: %.2f\n", a / c }'
  printf '  dagda peak RSS: %s MiB  (target: under 200 MiB)\n' "$(peak_mib "$a")"
}

layer_bytes=$(tar -tvf "$DOCKER" | awk '$6 !~ /\.json$/ { s += $3 } END { printf "%d", s }')
gz_bytes=$(du -cb "${GZ_LAYERS[@]}" | tail -n 1 | cut -f1)
echo "dagda: $DAGDA ($("$DAGDA" --version 2>/dev/null || echo unknown version))"
echo "image: $(jq -r '.[0].RepoTags[0]' < <(tar -xOf "$DOCKER" manifest.json)), ${#GZ_LAYERS[@]} layers;" \
  "$((layer_bytes / 1000000)) MB of layer tars, $((gz_bytes / 1000000)) MB gzip-compressed"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $RUNS runs each, alternating"

bench_pair "uncompressed layers (docker-archive)" "docker-archive:$DOCKER" "tar -xOf" floor_tar floor_tar_sha "$DOCKER"
bench_pair "gzip layers (oci-dir)" "oci-dir:$OCI" "zcat of each layer" floor_zcat floor_zcat_sha "${GZ_LAYERS[@]}"
