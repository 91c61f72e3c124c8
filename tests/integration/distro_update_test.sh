#!/usr/bin/env bash
# distro_update_test: `dagda db update` of the distro feeds (suse, amazon, rocky, oracle, alma,
# azurelinux, photon, wolfi, chainguard) against the local feed server (feed_server.py) serving
# the real vendor samples, then `db status` lists every source with records.
# amazon and rocky are yum repositories: the server holds each as a repository (a mirror.list
# for Amazon, repodata/repomd.xml and the real updateinfo beside it). The real repomd.xml
# samples name the sha256 of their own repository's updateinfo, not of the sample's, so the
# served repomd.xml is the real one with that one value set to the sha256 of the served file
# (sha256sum); the unedited real repomd.xml is served too, and its mismatch must fail the feed.
# No real Wolfi/Chainguard secdb is in the test data: the real Alpine 3.11 secdb JSON with its
# urlprefix set to each publisher's host stands in (docs/distros.md).
source "$(dirname "$0")/lib.sh"

DATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}/vulndb
S=$DATA/samples/distro
V=$S/vuln-list-update
WWW=$SCRATCH/www
CTL=$SCRATCH/ctl
mkdir -p "$CTL" "$WWW"

# --- what the server holds (copies in the scratch folder; the server serves one root) ---
tar -C "$V/suse_cvrf_testdata/testdata" -cjf "$WWW/cvrf.tar.bz2" cvrf || fatal "tar failed"
# repo DIR UPDATEINFO(.gz) REPOMD: a repository at DIR whose repomd.xml names the updateinfo with its sha256.
repo() {
  mkdir -p "$1/repodata"
  cp "$2" "$1/repodata/updateinfo.xml.gz"
  local sum old
  sum=$(sha256sum "$1/repodata/updateinfo.xml.gz" | cut -d' ' -f1)
  old=$(python3 -c 'import sys, xml.etree.ElementTree as E
ns = {"r": "http://linux.duke.edu/metadata/repo"}
for d in E.parse(sys.argv[1]).getroot().findall("r:data", ns):
    if d.get("type") == "updateinfo": print(d.find("r:checksum", ns).text.strip())' "$3")
  [[ ${#old} == 64 ]] || fatal "no updateinfo sha256 in $3"
  sed "s/$old/$sum/" "$3" >"$1/repodata/repomd.xml"
  grep -q "$sum" "$1/repodata/repomd.xml" || fatal "the sha256 was not set in $1/repodata/repomd.xml"
}
gzip -c "$V/rocky_testdata/testdata/fixtures/happy/updateinfo.xml" >"$SCRATCH/rocky-updateinfo.xml.gz"
repo "$WWW/rocky/8/BaseOS" "$SCRATCH/rocky-updateinfo.xml.gz" "$V/rocky_testdata/testdata/fixtures/happy/repomd.xml"
# The unedited real repomd.xml: its sha256 is not the served file's.
mkdir -p "$WWW/rocky/bad/repodata"
cp "$SCRATCH/rocky-updateinfo.xml.gz" "$WWW/rocky/bad/repodata/updateinfo.xml.gz"
cp "$V/rocky_testdata/testdata/fixtures/happy/repomd.xml" "$WWW/rocky/bad/repodata/repomd.xml"
repo "$WWW/amazon/2023" "$V/amazon_testdata/testdata/fixtures/updateinfo_AL2023.xml.gz" \
  "$V/amazon_testdata/testdata/fixtures/repomd_valid.xml"
for f in "$V/oracle_oval_testdata/testdata/elsa-2018-1196-1.xml.bz2" "$V/alma_testdata/testdata/errata.json" \
  "$V/mariner_testdata/testdata/happy/cbl-mariner-2.0-preview-oval.xml" "$V/photon_testdata/testdata/cve_data_photon3.0.json"; do
  cp "$f" "$WWW/"
done
ALPINE_JSON=$S/vulnerablecode/alpine/v3.11/main.json
sed 's|https://dl-cdn.alpinelinux.org/alpine|https://packages.wolfi.dev|; /"distroversion"/d' "$ALPINE_JSON" >"$WWW/wolfi-security.json"
sed 's|https://dl-cdn.alpinelinux.org/alpine|https://packages.cgr.dev|; /"distroversion"/d' "$ALPINE_JSON" >"$WWW/chainguard-security.json"
check "the wolfi stand-in has no distroversion" bash -c "! grep -q '\"distroversion\"' '$WWW/wolfi-security.json'"

python3 "$DAGDA_SOURCE_DIR/tests/integration/feed_server.py" "$WWW" "$CTL" &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; _cleanup' EXIT
for _ in $(seq 1 100); do [[ -s $CTL/port ]] && break; sleep 0.1; done
[[ -s $CTL/port ]] || fatal "the feed server did not start"
BASE="http://127.0.0.1:$(cat "$CTL/port")"
printf '%s/amazon/2023/\n' "$BASE" >"$WWW/amazon/mirror.list"

DB=$SCRATCH/vulndb.sqlite
FEEDS=(--feed suse --url "suse=$BASE/cvrf.tar.bz2"
  --feed amazon --url "amazon=$BASE/amazon/mirror.list"
  --feed rocky --url "rocky=$BASE/rocky/8/BaseOS/repodata/repomd.xml"
  --feed oracle --url "oracle=$BASE/elsa-2018-1196-1.xml.bz2"
  --feed alma --url "alma=$BASE/errata.json"
  --feed azurelinux --url "azurelinux=$BASE/cbl-mariner-2.0-preview-oval.xml"
  --feed photon --url "photon=$BASE/cve_data_photon3.0.json"
  --feed wolfi --url "wolfi=$BASE/wolfi-security.json"
  --feed chainguard --url "chainguard=$BASE/chainguard-security.json")
run_dagda up1 --db "$DB" db update "${FEEDS[@]}"
if ((RC == 0)); then pass "the update of the nine distro feeds exits 0"; else fail "the update exited $RC"; show_err up1; fi
for f in suse amazon rocky oracle alma azurelinux photon wolfi chainguard; do
  check "$f: downloaded" grep -q "^$f: downloaded" "$SCRATCH/up1.out"
done
CACHE=$SCRATCH/env/cache/feeds
check "amazon: the repository's updateinfo is the served file" \
  cmp -s "$V/amazon_testdata/testdata/fixtures/updateinfo_AL2023.xml.gz" "$CACHE/amazon/amazon-0-updateinfo.xml"
check "amazon: fetched through mirror.list and repomd.xml" \
  bash -c "grep -q 'GET /amazon/mirror.list 200' '$CTL/requests.log' && grep -q 'GET /amazon/2023/repodata/repomd.xml 200' '$CTL/requests.log'"
run_dagda status --db "$DB" db status --json
for src in suse amazon rocky oracle alma azurelinux photon wolfi chainguard; do
  check "db status lists $src with records" \
    jq -e --arg s "$src" '[.. | objects | select(.source? == $s)] | length > 0 and ([.[] | .. | numbers] | add > 0)' \
    "$SCRATCH/status.out"
done
check "db status: the Alpine stand-ins were not imported as Alpine" \
  jq -e '[.. | objects | select(.source? == "alpine-secdb")] | length == 0' "$SCRATCH/status.out"

# A second update: every file unchanged (conditional requests), the repositories resolved again.
run_dagda up2 --db "$DB" db update "${FEEDS[@]}"
if ((RC == 0)); then pass "the second update exits 0"; else fail "the second update exited $RC"; show_err up2; fi
check "rocky: unchanged the second time" grep -qx "rocky: unchanged (304)" "$SCRATCH/up2.out"
check "amazon: unchanged the second time" grep -qx "amazon: unchanged (304)" "$SCRATCH/up2.out"

# The real repomd.xml names another file's sha256: the feed fails, saying so.
run_dagda bad --db "$DB" db update --feed rocky --url "rocky=$BASE/rocky/bad/repodata/repomd.xml"
check "a repomd.xml sha256 mismatch fails the update" test "$RC" -ne 0
check "the failure says sha256" grep -qi "sha256" "$SCRATCH/bad.out" "$SCRATCH/bad.err"
# A repository without updateinfo: a clear error naming the repomd.xml.
mkdir -p "$WWW/rocky/none/repodata"
cp "$V/rocky_testdata/testdata/fixtures/no_updateinfo_field/repomd.xml" "$WWW/rocky/none/repodata/repomd.xml"
run_dagda none --db "$DB" db update --feed rocky --url "rocky=$BASE/rocky/none/repodata/repomd.xml"
check "a repository without updateinfo fails the update" test "$RC" -ne 0
check "the failure names the repomd.xml and updateinfo" \
  bash -c "cat '$SCRATCH/none.out' '$SCRATCH/none.err' | grep 'rocky/none/repodata/repomd.xml' | grep -q updateinfo"

finish
