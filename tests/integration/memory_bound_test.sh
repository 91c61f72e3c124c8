#!/usr/bin/env bash
# The memory bound (issue 2, item 4): a layer of more than 2 GiB costs dagda no more memory
# than a small one. The layer is the real debootstrap tree (scripts/make-test-images.sh) plus
# a 2 GiB file that no cataloger reads, zstd-compressed (the file is NUL bytes, so the layer
# stays small on disk; dagda still inflates, hashes and walks all of it). Then (issue 15) the
# same image scanned with every scanner, malware with a YARA rule imported: the secret scanner
# reads the file's first bytes only and the malware scanner skips it, each saying so in a
# warning, in the same bounded memory.
# bench/sbom_vs_floor.sh measures the same on a 2 GB layer of real Debian packages.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LIMIT_MIB=${DAGDA_MEMORY_LIMIT_MIB:-200}
[[ -x /usr/bin/time ]] || fatal "/usr/bin/time is required (Debian package time)"
need_test_images

tree=$SCRATCH/tree
cp -a "$IMAGES/debian-rootfs" "$tree"
mkdir -p "$tree/opt/data"
truncate -s 2G "$tree/opt/data/blob-2g.bin"
mapfile -t entries < <(ls -A "$tree")
tar -C "$tree" --numeric-owner --sort=name -cf - -- "${entries[@]}" | zstd -q -1 -T0 >"$SCRATCH/big-layer.tar.zst"
rm -rf "$tree"
make_oci_layout "$SCRATCH/big.oci" "$SCRATCH/big-layer.tar.zst"
rm -f "$SCRATCH/big-layer.tar.zst"
layer_bytes=$(jq -r '.layers[0].size' "$SCRATCH/big.oci/blobs/sha256/$(jq -r '.manifests[0].digest | sub("sha256:"; "")' "$SCRATCH/big.oci/index.json")")
echo "# layer: $((layer_bytes / 1048576)) MiB zstd, more than 2 GiB uncompressed"

measure() {
  local name=$1 source=$2
  run_dagda "$name" sbom "$source" --format json
  cp "$SCRATCH/$name.out" "$SCRATCH/$name.json"
  # the same run again under /usr/bin/time, for its peak resident set size, with a cache of its
  # own (an empty one: the first run's would serve the inventory without reading the layer)
  env HOME="$SCRATCH/env/home" DAGDA_CACHE_DIR="$SCRATCH/env/cache-timed-$name" TMPDIR="$SCRATCH/env/tmp" \
    timeout -k 10 "$DAGDA_TIMEOUT" /usr/bin/time -f '%M %e' -o "$SCRATCH/$name.time" \
    "$DAGDA" sbom "$source" --format json >/dev/null 2>&1 || true
}

dpkg_rows "$IMAGES/debian-rootfs/var/lib/dpkg" >"$SCRATCH/expected.rows"

measure small "oci-dir:$IMAGES/layered.oci-zstd"
measure big "oci-dir:$SCRATCH/big.oci"

if ((RC != 0)); then
  fail "dagda sbom on the 2 GiB layer exited $RC"
  show_err big
else
  pkg_rows "$SCRATCH/big.json" >"$SCRATCH/big.rows"
  same_lines "2 GiB layer: packages equal dpkg-query on the debootstrap tree" "$SCRATCH/expected.rows" "$SCRATCH/big.rows"
fi
read -r small_kib small_s <"$SCRATCH/small.time" || fatal "no /usr/bin/time figures for the small image"
read -r big_kib big_s <"$SCRATCH/big.time" || fatal "no /usr/bin/time figures for the 2 GiB layer"
echo "# peak RSS: small image $((small_kib / 1024)) MiB (${small_s} s), 2 GiB layer $((big_kib / 1024)) MiB (${big_s} s)"
# A sanitizer build carries shadow memory and quarantine: there only the relative bound holds.
if grep -qa __asan_init "$DAGDA"; then
  echo "# AddressSanitizer build: the absolute bound of $LIMIT_MIB MiB is not checked"
else
  check "2 GiB layer: peak RSS $((big_kib / 1024)) MiB is under $LIMIT_MIB MiB" test "$big_kib" -lt $((LIMIT_MIB * 1024))
fi
# A layer of 2 GiB more must not cost memory in proportion: allow 64 MiB of slack.
check "2 GiB layer: peak RSS within 64 MiB of the small image's ($((small_kib / 1024)) MiB)" \
  test "$big_kib" -lt $((small_kib + 64 * 1024))

# Every scanner on the 2 GiB file (Release only: under ASan a second walk of 2 GiB costs a minute).
if grep -qa __asan_init "$DAGDA"; then
  echo "# AddressSanitizer build: the scan with every scanner is left to the Release pass"
else
  DB=$SCRATCH/vulndb.sqlite
  printf 'rule DagdaTestNeverMatches { strings: $a = "dagda-test-marker-%s" condition: $a }\n' "$$" >"$SCRATCH/t.yar"
  "$DAGDA" --db "$DB" --quiet db import "${DAGDA_TESTDATA:-$DAGDA_TESTDATA_DEFAULT}/vulndb/cisa-kev" "$SCRATCH/t.yar" \
    >/dev/null || fatal "importing KEV and a YARA rule failed"
  env HOME="$SCRATCH/env/home" DAGDA_CACHE_DIR="$SCRATCH/env/scan-cache" TMPDIR="$SCRATCH/env/tmp" \
    timeout -k 10 "$DAGDA_TIMEOUT" /usr/bin/time -f '%M %e' -o "$SCRATCH/scan.time" \
    "$DAGDA" --db "$DB" scan "oci-dir:$SCRATCH/big.oci" --scanners vuln,secret,config,malware -f json \
    >"$SCRATCH/scan.json" 2>"$SCRATCH/scan.err" || true
  read -r scan_kib scan_s <"$SCRATCH/scan.time" || fatal "no /usr/bin/time figures for the scan"
  echo "# scan with every scanner: peak RSS $((scan_kib / 1024)) MiB (${scan_s} s)"
  check "2 GiB file, every scanner: a report" jq -e '.schema == "dagda.scan/v1"' "$SCRATCH/scan.json"
  check "2 GiB file: the secret scanner says it read its first bytes only" \
    jq -e '[.warnings[].code] | index("secret.file-truncated") != null' "$SCRATCH/scan.json"
  check "2 GiB file: the malware scanner says it skipped one file over its bound" \
    jq -e '[.warnings[] | select(.code == "malware.file-too-large") | .message | startswith("1 file ")] == [true]' \
    "$SCRATCH/scan.json"
  check "2 GiB file, every scanner: no secret or malware finding" \
    jq -e '[.findings[] | select(.kind == "secret" or .kind == "malware")] | length == 0' "$SCRATCH/scan.json"
  check "2 GiB file, every scanner: peak RSS $((scan_kib / 1024)) MiB is under $LIMIT_MIB MiB" \
    test "$scan_kib" -lt $((LIMIT_MIB * 1024))
fi

finish
