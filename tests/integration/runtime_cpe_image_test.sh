#!/usr/bin/env bash
# runtime_cpe_image_test: runtimes copied into an image outside any package manager, matched
# against NVD's CPE ranges (namespace nvd-cpe, docs/feeds.md "NVD CPE ranges"). A podman image
# FROM the Debian test base with Alpine 3.10.9's BusyBox and libcrypto (OpenSSL) from the real
# minirootfs copied to /usr/local, one layer each. The database: three real NVD 1.1 feeds (2018,
# 2021, recent). The oracle: tests/integration/counts/nvd.py --at, which reads the same files
# in Python and decides the ranges with dpkg --compare-versions where its ordering agrees with
# the upstream comparator's; the versions come from `strings` over the binaries.
source "$(dirname "$0")/lib.sh"

for tool in podman jq python3 dpkg strings; do command -v "$tool" >/dev/null || fatal "missing $tool"; done
need_test_images
DATA=${DAGDA_TESTDATA:-$DAGDA_TESTDATA_DEFAULT}
ROOTFS=$DATA/pkgdb/alpine-minirootfs/alpine-minirootfs-3.10.9-x86_64.tar.gz
NVD=$DATA/vulndb/nvd-1.1-yearly
FEEDS=("$NVD/nvdcve-1.1-2018.json.gz" "$NVD/nvdcve-1.1-2021.json.gz" "$NVD/nvdcve-1.1-recent.json.gz")

CTX=$SCRATCH/ctx
mkdir -p "$CTX/rt"
tar -xzf "$ROOTFS" -C "$CTX/rt" ./bin/busybox ./lib/libcrypto.so.1.1 || fatal "cannot unpack $ROOTFS"
BB_VER=$(strings "$CTX/rt/bin/busybox" | sed -n 's/^BusyBox v\([0-9.]*\) (.*/\1/p' | head -1)
SSL_VER=$(strings "$CTX/rt/lib/libcrypto.so.1.1" | sed -n 's/^OpenSSL \([0-9.]*[a-z]*\) .*/\1/p' | head -1)
[[ -n $BB_VER && -n $SSL_VER ]] || fatal "no version strings in the Alpine binaries"

cat >"$CTX/Containerfile" <<CF
FROM $BASE_IMAGE
COPY rt/bin/busybox /usr/local/bin/busybox
COPY rt/lib/libcrypto.so.1.1 /usr/local/lib/libcrypto.so.1.1
CF
build_test_image runtime-cpe
n=${#DIFF[@]}
L_BB=${DIFF[n - 2]} L_SSL=${DIFF[n - 1]}
IMG=docker-archive:$SCRATCH/img.tar

DB=$SCRATCH/vulndb.sqlite
"$DAGDA" --db "$DB" --quiet db import "${FEEDS[@]}" >/dev/null || fatal "importing the NVD feeds failed"
python3 "$DAGDA_SOURCE_DIR/tests/integration/counts/nvd.py" "${FEEDS[@]}" --at "busybox=$BB_VER" \
  --at "openssl=$SSL_VER" | tail -n +2 >"$SCRATCH/oracle.jsonl" || fatal "counts/nvd.py failed"

run_dagda scan --db "$DB" scan "$IMG" --scanners vuln -f json
[[ $RC == 0 ]] || { show_err scan; fatal "scan failed ($RC)"; }
check "runtime: BusyBox $BB_VER and OpenSSL $SSL_VER, each from its file in its layer" \
  jq -e --arg b "$BB_VER" --arg s "$SSL_VER" --arg lb "$L_BB" --arg ls "$L_SSL" \
  '[.packages[] | select(.ecosystem == "runtime") | [.name, .version, .path, .layer]] | sort ==
   [["busybox", $b, "usr/local/bin/busybox", $lb], ["openssl", $s, "usr/local/lib/libcrypto.so.1.1", $ls]]' \
  "$SCRATCH/scan.out"

for rt in busybox openssl; do
  want=$(jq -c --arg r "$rt" 'select(.runtime == $r) | .affected' "$SCRATCH/oracle.jsonl")
  maybe=$(jq -c --arg r "$rt" 'select(.runtime == $r) | .affected + .undecided' "$SCRATCH/oracle.jsonl")
  got=$(jq -c --arg r "$rt" '[.findings[] | select(.kind == "vuln" and .package.name == $r) | .id] | sort' "$SCRATCH/scan.out")
  if [[ $want != "[]" ]] && jq -n -e --argjson w "$want" --argjson m "$maybe" --argjson g "$got" \
    '($w - $g) == [] and ($g - $m) == []' >/dev/null; then
    pass "$rt: the CVEs NVD's ranges give for its version are reported: $got"
  else
    fail "$rt: reported $got, the oracle says $want (undecided allowed: $maybe)"
  fi
done
check "every runtime finding is a best-effort match of an nvd-cpe row, from nvd, in its package's layer" \
  jq -e --arg lb "$L_BB" --arg ls "$L_SSL" '[.findings[] | select(.kind == "vuln" and .package.ecosystem == "runtime")] |
    length > 0 and all(.match.namespace == "nvd-cpe" and .match.source == "nvd" and .match.best_effort == true and
      .match.comparator == "upstream" and .layer == (if .package.name == "busybox" then $lb else $ls end))' \
  "$SCRATCH/scan.out"
check "no runtime.not-matched: both runtimes have rows" \
  jq -e '[.warnings[] | select(.code == "runtime.not-matched")] == []' "$SCRATCH/scan.out"
check "the table marks them best effort" \
  bash -c "\"$DAGDA\" --db '$DB' scan '$IMG' --scanners vuln 2>/dev/null | grep -q 'best effort'"

# Without NVD rows, the runtimes say they were not matched.
"$DAGDA" --db "$SCRATCH/kev.sqlite" --quiet db import "$DATA/vulndb/cisa-kev" >/dev/null || fatal "importing KEV failed"
run_dagda nomatch --db "$SCRATCH/kev.sqlite" scan "$IMG" --scanners vuln -f json
check "without NVD feeds: runtime.not-matched for each runtime, no runtime finding" \
  jq -e '([.warnings[] | select(.code == "runtime.not-matched")] | length) == 2 and
    ([.findings[] | select(.package.ecosystem == "runtime")] == [])' "$SCRATCH/nomatch.out"
finish
