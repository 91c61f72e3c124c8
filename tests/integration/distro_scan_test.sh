#!/usr/bin/env bash
# distro_scan_test: scans of the real SLE 15 BCI (NDB) and CBL-Mariner 2.0 (SQLite) rpm
# databases of ../shared/data/pkgdb/rpmdb, each in a root folder with an os-release, against
# advisories imported from the real vendor samples (SUSE CVRF, Mariner OVAL). A finding is
# expected exactly when rpm's own comparison puts the installed version below the fixed one
# (distro_scan_oracle.py). The os-release is the one the distro's release package installs:
# its ID and VERSION_ID are taken from that package (sles-release, mariner-release) in the
# same database, since the data has no os-release file of its own.
# Also: an image of a distro Dagda cannot match says so in a warning and in the JSON, and
# Rocky is not matched against Red Hat's advisories.
source "$(dirname "$0")/lib.sh"

DATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
S=$DATA/vulndb/samples/distro
DB=$SCRATCH/vulndb.sqlite
ORACLE=$DAGDA_SOURCE_DIR/tests/integration/distro_scan_oracle.py

run_dagda import --db "$DB" db import \
  "$S/vuln-list-update/suse_cvrf_testdata/testdata/cvrf" \
  "$S/vuln-list-update/mariner_testdata/testdata/happy/cbl-mariner-2.0-preview-oval.xml" \
  "$S/vunnel/mariner/test-fixtures/mariner-truncated-2.0-oval.xml" \
  "$S/vuln-list-update/rocky_testdata/testdata/fixtures/happy/updateinfo.xml" \
  "$S/vuln-list-update/redhat_oval_testdata/testdata/happy/RHEL8/ansible-2-including-unpatched.oval.xml.bz2"
[[ $RC == 0 ]] || fatal "import failed: $(head -5 "$SCRATCH/import.err")"

run_dagda status --db "$DB" db status --json
for src in suse azurelinux rocky; do
  check "db status lists $src with records" jq -e --arg s "$src" '[.. | objects | select(.source? == $s)] | length > 0' "$SCRATCH/status.out"
done

# root DIR DBFILE DBPATH: a root folder holding the rpm database at DBPATH.
root() {
  mkdir -p "$1/$(dirname "$3")" "$1/etc"
  cp "$2" "$1/$3"
}
# os_release ROOT ID RELEASE-PACKAGE-REGEX: writes etc/os-release from the release package's version.
os_release() {
  run_dagda "sbom-$2" sbom "dir:$1" --format json
  local v
  v=$(jq -r --arg re "$3" '[.packages[] | select(.name | test($re)) | .version][0] // empty' "$SCRATCH/sbom-$2.out")
  [[ -n $v ]] || fatal "no release package matching $3 in $1: $(jq -r '[.packages[].name] | join(" ")' "$SCRATCH/sbom-$2.out" | head -c 400)"
  v=${v#*:}
  v=${v%%-*}
  printf 'NAME="%s"\nID="%s"\nVERSION_ID="%s"\n' "$2" "$2" "$v" >"$1/etc/os-release"
  echo "$2 release package version: $v"
}

scan_and_compare() {  # NAME ROOT NAMESPACE
  run_dagda "scan-$1" --db "$DB" scan "dir:$2" --format json
  [[ $RC == 0 || $RC == 1 ]] || fatal "scan $1 failed ($RC): $(head -5 "$SCRATCH/scan-$1.err")"
  python3 "$ORACLE" "$SCRATCH/scan-$1.out" "$DB" >"$SCRATCH/oracle-$1.out"
  local want got figures
  want=$(sed -n 1p "$SCRATCH/oracle-$1.out")
  got=$(sed -n 2p "$SCRATCH/oracle-$1.out")
  figures=$(sed -n 3p "$SCRATCH/oracle-$1.out")
  echo "$1: rows for installed packages $figures"
  if [[ $want == "$got" ]]; then pass "$1: findings are exactly the rows rpm puts above the installed version"; else
    fail "$1: expected $want, got $got"; fi
  if [[ ${4:-rows} == rows ]]; then
    check "$1: some advisory rows meet installed packages" jq -e '.rows > 0' <<<"$figures"
  fi
  check "$1: matched in $3 only" jq -e --arg ns "$3" '.namespaces == [$ns]' "$SCRATCH/scan-$1.out"
}

SLE=$SCRATCH/sle
root "$SLE" "$DATA/pkgdb/rpmdb/sle15-bci.Packages.db" usr/lib/sysimage/rpm/Packages.db
os_release "$SLE" sles '^(sles|SLES|sle_bci|SLE_BCI)[-_]release$'
# The samples' newest SLE 15 advisories are for SP1: a BCI of a later service pack is matched
# against sles:15.1 as a best effort, and the scan says so. Those SP1 rows (kernel-rt modules)
# name no package the BCI has, so this scan shows namespace selection and no false finding only.
scan_and_compare sle "$SLE" sles:15.1 no-rows
check "SLE: the best effort is a warning" jq -e '[.warnings[].code] | index("match.release-fallback")' "$SCRATCH/scan-sle.out"

MAR=$SCRATCH/mariner
root "$MAR" "$DATA/pkgdb/rpmdb/cbl-mariner-2.0.rpmdb.sqlite" var/lib/rpm/rpmdb.sqlite
os_release "$MAR" mariner '^mariner-release$'
scan_and_compare mariner "$MAR" azurelinux:2.0
check "mariner: openssl 1.1.1k-7.cm2 has CVE-2023-5678 (fixed in 1.1.1k-28)" \
  jq -e '[.findings[] | select(.package.name == "openssl" and .id == "CVE-2023-5678")] | length == 1' "$SCRATCH/scan-mariner.out"

# The same Mariner packages as Rocky 8: matched against Rocky's own advisories only, never Red Hat's.
ROCKY=$SCRATCH/rocky
root "$ROCKY" "$DATA/pkgdb/rpmdb/cbl-mariner-2.0.rpmdb.sqlite" var/lib/rpm/rpmdb.sqlite
printf 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="8.4"\n' >"$ROCKY/etc/os-release"
run_dagda scan-rocky --db "$DB" scan "dir:$ROCKY" --format json
check "rocky: matched in rocky:8" jq -e '.namespaces == ["rocky:8"]' "$SCRATCH/scan-rocky.out"
check "rocky: no finding from Red Hat data" jq -e '[.findings[].match.source | select(startswith("redhat"))] | length == 0' "$SCRATCH/scan-rocky.out"

# A distro with no advisories in Dagda: a warning, in the JSON too.
FED=$SCRATCH/fedora
root "$FED" "$DATA/pkgdb/rpmdb/cbl-mariner-2.0.rpmdb.sqlite" var/lib/rpm/rpmdb.sqlite
printf 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=40\n' >"$FED/etc/os-release"
run_dagda scan-fedora --db "$DB" scan "dir:$FED" --format json
check "fedora: match.distro-not-covered in the JSON" jq -e '[.warnings[].code] | index("match.distro-not-covered")' "$SCRATCH/scan-fedora.out"
check "fedora: no findings" jq -e '.findings | length == 0' "$SCRATCH/scan-fedora.out"
# A covered distro whose release has no advisories imported (Photon here): a warning too.
PH=$SCRATCH/photon
root "$PH" "$DATA/pkgdb/rpmdb/cbl-mariner-2.0.rpmdb.sqlite" var/lib/rpm/rpmdb.sqlite
printf 'NAME="VMware Photon OS"\nID=photon\nVERSION_ID=5.0\n' >"$PH/etc/os-release"
run_dagda scan-photon --db "$DB" scan "dir:$PH" --format json
check "photon without advisories: match.no-advisories in the JSON" jq -e '[.warnings[].code] | index("match.no-advisories")' "$SCRATCH/scan-photon.out"

# Wolfi: no real Wolfi secdb is in the test data. Its format is Alpine's secdb JSON, so the
# real Alpine 3.7 secdb (YAML, written out as JSON by python3) is imported twice: as itself
# (detected as alpine:3.7) and with --format secdb --release wolfi:rolling. The real Alpine
# 3.7.3 minirootfs's installed db under a Wolfi os-release is then matched in wolfi:rolling
# only, with the same findings as under its own Alpine os-release in alpine:3.7 only.
python3 -c 'import json,sys,yaml; json.dump(yaml.safe_load(open(sys.argv[1])), open(sys.argv[2], "w"))' \
  "$DATA/vulndb/alpine-secdb-yaml/v3.7/main.yaml" "$SCRATCH/secdb-main.json" || fatal "yaml -> json failed"
run_dagda import-alpine --db "$DB" db import "$DATA/vulndb/alpine-secdb-yaml/v3.7/main.yaml"
[[ $RC == 0 ]] || fatal "alpine import failed: $(head -5 "$SCRATCH/import-alpine.err")"
run_dagda import-wolfi --db "$DB" db import --format secdb --release wolfi:rolling "$SCRATCH/secdb-main.json"
[[ $RC == 0 ]] || fatal "wolfi import failed: $(head -5 "$SCRATCH/import-wolfi.err")"
run_dagda status-apk --db "$DB" db status --json
check "db status lists wolfi with records" jq -e '[.. | objects | select(.source? == "wolfi")] | length > 0' "$SCRATCH/status-apk.out"
apk_root() {  # DIR ID VERSION_ID
  mkdir -p "$1/etc"
  tar xzf "$DATA/pkgdb/alpine-minirootfs/alpine-minirootfs-3.7.3-x86_64.tar.gz" -C "$1" ./lib/apk/db/installed
  printf 'NAME="%s"\nID=%s\nVERSION_ID=%s\n' "$2" "$2" "$3" >"$1/etc/os-release"
}
apk_root "$SCRATCH/wolfi" wolfi 20230201
apk_root "$SCRATCH/alpine" alpine 3.7.3
for d in wolfi alpine; do
  run_dagda "scan-$d" --db "$DB" scan "dir:$SCRATCH/$d" --format json
  [[ $RC == 0 || $RC == 1 ]] || fatal "scan $d failed ($RC): $(head -5 "$SCRATCH/scan-$d.err")"
done
check "wolfi: matched in wolfi:rolling only" jq -e '.namespaces == ["wolfi:rolling"]' "$SCRATCH/scan-wolfi.out"
check "wolfi: findings from the wolfi source only" \
  jq -e '(.findings | length > 0) and ([.findings[].matches[].source] | unique == ["wolfi"])' "$SCRATCH/scan-wolfi.out"
check "alpine: matched in alpine:3.7 only" jq -e '.namespaces == ["alpine:3.7"]' "$SCRATCH/scan-alpine.out"
pairs() { jq -c '[.findings[] | [.package.name, .package.version, .id]] | sort' "$1"; }
if [[ $(pairs "$SCRATCH/scan-wolfi.out") == "$(pairs "$SCRATCH/scan-alpine.out")" && $(pairs "$SCRATCH/scan-alpine.out") != "[]" ]]; then
  pass "wolfi and alpine: the same findings from the same secdb rows"
else
  fail "wolfi and alpine findings differ: $(pairs "$SCRATCH/scan-wolfi.out" | head -c 300) vs $(pairs "$SCRATCH/scan-alpine.out" | head -c 300)"
fi

finish
