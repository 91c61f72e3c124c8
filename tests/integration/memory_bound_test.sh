#!/usr/bin/env bash
# The memory bound (issue 2, item 4): a layer of more than 1 GiB costs dagda no more memory
# than a small one. The layer is the real debootstrap tree (scripts/make-test-images.sh) plus
# a 1 GiB file that no cataloger reads, zstd-compressed (the file is NUL bytes, so the layer
# stays small on disk; dagda still inflates, hashes and walks all of it).
# bench/sbom_vs_floor.sh measures the same on a 2 GB layer of real Debian packages.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LIMIT_MIB=${DAGDA_MEMORY_LIMIT_MIB:-200}
[[ -x /usr/bin/time ]] || fatal "/usr/bin/time is required (Debian package time)"
need_test_images

tree=$SCRATCH/tree
cp -a "$IMAGES/debian-rootfs" "$tree"
mkdir -p "$tree/opt/data"
truncate -s 1G "$tree/opt/data/blob-1g.bin"
mapfile -t entries < <(ls -A "$tree")
tar -C "$tree" --numeric-owner --sort=name -cf - -- "${entries[@]}" | zstd -q -1 -T0 >"$SCRATCH/big-layer.tar.zst"
rm -rf "$tree"
make_oci_layout "$SCRATCH/big.oci" "$SCRATCH/big-layer.tar.zst"
rm -f "$SCRATCH/big-layer.tar.zst"
layer_bytes=$(jq -r '.layers[0].size' "$SCRATCH/big.oci/blobs/sha256/$(jq -r '.manifests[0].digest | sub("sha256:"; "")' "$SCRATCH/big.oci/index.json")")
echo "# layer: $((layer_bytes / 1048576)) MiB zstd, more than 1 GiB uncompressed"

measure() {
  local name=$1 source=$2
  run_dagda "$name" sbom "$source" --format json
  cp "$SCRATCH/$name.out" "$SCRATCH/$name.json"
  # the same run again under /usr/bin/time, for its peak resident set size
  env HOME="$SCRATCH/env/home" DAGDA_CACHE_DIR="$SCRATCH/env/cache" TMPDIR="$SCRATCH/env/tmp" \
    timeout -k 10 "$DAGDA_TIMEOUT" /usr/bin/time -f '%M %e' -o "$SCRATCH/$name.time" \
    "$DAGDA" sbom "$source" --format json >/dev/null 2>&1 || true
}

dpkg_rows "$IMAGES/debian-rootfs/var/lib/dpkg" >"$SCRATCH/expected.rows"

measure small "oci-dir:$IMAGES/layered.oci-zstd"
measure big "oci-dir:$SCRATCH/big.oci"

if ((RC != 0)); then
  fail "dagda sbom on the 1 GiB layer exited $RC"
  show_err big
else
  pkg_rows "$SCRATCH/big.json" >"$SCRATCH/big.rows"
  same_lines "1 GiB layer: packages equal dpkg-query on the debootstrap tree" "$SCRATCH/expected.rows" "$SCRATCH/big.rows"
fi
read -r small_kib small_s <"$SCRATCH/small.time" || fatal "no /usr/bin/time figures for the small image"
read -r big_kib big_s <"$SCRATCH/big.time" || fatal "no /usr/bin/time figures for the 1 GiB layer"
echo "# peak RSS: small image $((small_kib / 1024)) MiB (${small_s} s), 1 GiB layer $((big_kib / 1024)) MiB (${big_s} s)"
# A sanitizer build carries shadow memory and quarantine: there only the relative bound holds.
if grep -qa __asan_init "$DAGDA"; then
  echo "# AddressSanitizer build: the absolute bound of $LIMIT_MIB MiB is not checked"
else
  check "1 GiB layer: peak RSS $((big_kib / 1024)) MiB is under $LIMIT_MIB MiB" test "$big_kib" -lt $((LIMIT_MIB * 1024))
fi
# A layer of 1 GiB more must not cost memory in proportion: allow 64 MiB of slack.
check "1 GiB layer: peak RSS within 64 MiB of the small image's ($((small_kib / 1024)) MiB)" \
  test "$big_kib" -lt $((small_kib + 64 * 1024))

finish
