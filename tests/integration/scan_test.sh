#!/usr/bin/env bash
# `dagda scan` against real feeds and real package databases, with expectations computed
# independently by scan_oracle.py from the same files (its own apk comparison from the apk
# version format; the real `dpkg --compare-versions` for Debian and Ubuntu).
source "$(dirname "$0")/lib.sh"
DATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
ORACLE="$DAGDA_SOURCE_DIR/tests/integration/scan_oracle.py"
VALIDATE="$DAGDA_SOURCE_DIR/tests/unit/report/validate_sbom.py"
MINIROOTFS="$DATA/pkgdb/alpine-minirootfs"
SECDB="$DATA/vulndb/alpine-secdb-yaml"
STATUS="$DATA/pkgdb/dpkg-status"
UCT="$DATA/vulndb/ubuntu-cve-tracker-2020-active-retired.tar.xz"
DEBLISTS=("$DATA/vulndb/debian-dsa-dla/DSA.list" "$DATA/vulndb/debian-dsa-dla/DLA.list")
command -v dpkg >/dev/null || fatal "dpkg is required (the oracle for Debian versions)"
python3 -c 'import yaml, jsonschema' 2>/dev/null || fatal "python3-yaml and python3-jsonschema are required"

# import NAME DB PATH...: imports feeds into a scratch database, or stops the test.
import_db() {
  local name=$1 db=$2
  shift 2
  run_dagda "$name" --db "$db" db import "$@"
  ((RC == 0)) || { show_err "$name"; fatal "$name: db import exited $RC"; }
}
# scan_json NAME DB SOURCE [ARGS...]: a JSON scan that must exit 0 with dagda.scan/v1.
scan_json() {
  local name=$1 db=$2 source=$3
  shift 3
  run_dagda "$name" --db "$db" scan "$source" --format json "$@"
  if ((RC != 0)) || ! jq -e '.schema == "dagda.scan/v1"' "$SCRATCH/$name.out" >/dev/null 2>&1; then
    fail "$name: dagda scan $source exited $RC without a dagda.scan/v1 document"
    show_err "$name"
    return 1
  fi
}
# names NAME: the sorted "package id" pairs of the unsuppressed findings, on one line.
names() { jq -r '[.findings[] | .package.name + " " + .id] | sort | join(",")' "$SCRATCH/$1.out"; }
suppressed() { jq -r '[.suppressed[] | .package.name + " " + .id] | sort | join(",")' "$SCRATCH/$1.out"; }
expect_eq() {  # expect_eq DESCRIPTION WANT GOT
  if [[ $2 == "$3" ]]; then pass "$1"; else fail "$1: wanted '$2', got '$3'"; fi
}
# same_set NAME EXPECTED ACTUAL: equal sorted row files, else counts and examples each way.
same_set() {
  local name=$1 exp=$2 got=$3
  local missing extra
  missing=$(comm -23 "$exp" "$got" | wc -l)
  extra=$(comm -13 "$exp" "$got" | wc -l)
  if ((missing == 0 && extra == 0)); then
    pass "$name: dagda's findings equal the oracle's ($(wc -l <"$exp") rows)"
  else
    fail "$name: $missing rows the oracle expects are missing, $extra rows are extra"
    comm -23 "$exp" "$got" | head -n 5 | sed 's/^/      missing: /'
    comm -13 "$exp" "$got" | head -n 5 | sed 's/^/      extra:   /'
  fi
}

# ---- 1. Alpine minirootfs 3.6 to 3.11 against the secdb of its branch.
alpine_total=0
for tgz in "$MINIROOTFS"/alpine-minirootfs-3.{6,7,8,9,10,11}.*-x86_64.tar.gz; do
  full=$(basename "$tgz" | sed -E 's/alpine-minirootfs-([0-9.]+)-x86_64.*/\1/')
  ver=${full%.*}
  name="alpine-$full"
  db="$SCRATCH/$name.db"
  import_db "$name-import" "$db" "$SECDB/v$ver/main.yaml" "$SECDB/v$ver/community.yaml"
  scan_json "$name" "$db" "rootfs-archive:$tgz" || continue
  expect_eq "$name: matched in alpine:$ver" "alpine:$ver" "$(jq -r '.namespaces | join(",")' "$SCRATCH/$name.out")"
  python3 "$ORACLE" alpine "$tgz" "$SECDB/v$ver/main.yaml" "$SECDB/v$ver/community.yaml" \
    >"$SCRATCH/$name.exp" 2>"$SCRATCH/$name.oracle.err" || fatal "$name: the oracle failed: $(head -3 "$SCRATCH/$name.oracle.err")"
  if [[ -s "$SCRATCH/$name.oracle.err" ]]; then
    fail "$name: the oracle could not decide some versions"
    sed 's/^/      /' "$SCRATCH/$name.oracle.err" | head -5
  fi
  python3 "$ORACLE" dagda-rows "$SCRATCH/$name.out" alpine >"$SCRATCH/$name.got"
  same_set "$name" "$SCRATCH/$name.exp" "$SCRATCH/$name.got"
  bad=$(jq '[.findings[] | select(.match.comparator != "apk" or .status != "fixed")] | length' "$SCRATCH/$name.out")
  expect_eq "$name: every finding is fixed and decided by the apk comparator" 0 "$bad"
  alpine_total=$((alpine_total + $(wc -l <"$SCRATCH/$name.exp")))
done
# Six images must give findings between them, or the comparison above proved nothing.
if ((alpine_total > 0)); then pass "alpine: $alpine_total expected findings over the six releases"
else fail "alpine: the oracle expects no finding at all"; fi

# ---- 2. Ubuntu 18.04 dpkg status files against the Ubuntu CVE tracker.
UDB="$SCRATCH/ubuntu.db"
import_db ubuntu-import "$UDB" "$UCT"
make_root() {  # make_root DIR STATUS_FILE OS_RELEASE_TEXT
  mkdir -p "$1/etc" "$1/var/lib/dpkg"
  printf '%b' "$3" >"$1/etc/os-release"
  cp "$2" "$1/var/lib/dpkg/status"
}
# The trivy fixture is a txtar: its var/lib/dpkg/status section is a real status file.
awk '/^-- var\/lib\/dpkg\/status --$/ {on = 1; next} /^-- / {on = 0} on' \
  "$STATUS/trivy-ubuntu1804-valid.txtar" >"$SCRATCH/trivy-bionic.status"
[[ -s "$SCRATCH/trivy-bionic.status" ]] || fatal "no var/lib/dpkg/status section in trivy-ubuntu1804-valid.txtar"
for st in "$SCRATCH/trivy-bionic.status" "$STATUS/claircore-texlive.status"; do
  name="ubuntu-$(basename "$st" .status)"
  make_root "$SCRATCH/$name" "$st" 'ID=ubuntu\nVERSION_ID="18.04"\nVERSION_CODENAME=bionic\n'
  scan_json "$name" "$UDB" "dir:$SCRATCH/$name" || continue
  expect_eq "$name: matched in ubuntu:18.04" "ubuntu:18.04" "$(jq -r '.namespaces | join(",")' "$SCRATCH/$name.out")"
  python3 "$ORACLE" ubuntu "$st" "$UCT" bionic >"$SCRATCH/$name.exp" 2>"$SCRATCH/$name.oracle.err" ||
    fatal "$name: the oracle failed: $(head -3 "$SCRATCH/$name.oracle.err")"
  python3 "$ORACLE" dagda-rows "$SCRATCH/$name.out" deb >"$SCRATCH/$name.got"
  same_set "$name (source, CVE, status)" "$SCRATCH/$name.exp" "$SCRATCH/$name.got"
  bad=$(jq '[.findings[] | select(.match.comparator != "deb")] | length' "$SCRATCH/$name.out")
  expect_eq "$name: every finding is decided by the deb comparator" 0 "$bad"
done

statuses=$(cat "$SCRATCH"/ubuntu-*.exp | cut -f3 | sort -u | tr '\n' ' ')
[[ $statuses == *fixed*postponed*unfixed*will-not-fix* ]] && pass "ubuntu: the expected rows cover $statuses" ||
  fail "ubuntu: the expected rows cover only '$statuses'"

# ---- 3. Debian minimal systems against DSA/DLA lists (the lists have no bookworm rows: the
# scan falls back to bullseye, says so, and marks the matches best effort).
DDB="$SCRATCH/debian.db"
import_db debian-import "$DDB" "${DEBLISTS[@]}"
for rel in bullseye:11:debian-bullseye-minbase bookworm:12:debian-12.15-bookworm-minbase \
  buster:10:claircore-postgresql; do
  IFS=: read -r code num file <<<"$rel"
  name="debian-$code"
  make_root "$SCRATCH/$name" "$STATUS/$file.status" "ID=debian\nVERSION_ID=\"$num\"\nVERSION_CODENAME=$code\n"
  scan_json "$name" "$DDB" "dir:$SCRATCH/$name" || continue
  if python3 "$ORACLE" debian-check "$SCRATCH/$name.out" >"$SCRATCH/$name.check" 2>&1; then
    pass "$name: no finding at or above its fixed version, all by the deb comparator ($(tail -1 "$SCRATCH/$name.check"))"
  else
    fail "$name: findings the installed version does not warrant"
    head -n 5 "$SCRATCH/$name.check" | sed 's/^/      /'
  fi
  # The lists give bookworm no rows: its rows come from bullseye's.
  oracle_rel=$code
  [[ $code == bookworm ]] && oracle_rel=bullseye
  python3 "$ORACLE" debian "$STATUS/$file.status" "$oracle_rel" "${DEBLISTS[@]}" \
    >"$SCRATCH/$name.exp" 2>"$SCRATCH/$name.oracle.err" || fatal "$name: the oracle failed"
  python3 "$ORACLE" dagda-rows "$SCRATCH/$name.out" deb >"$SCRATCH/$name.got"
  same_set "$name (source, id, status)" "$SCRATCH/$name.exp" "$SCRATCH/$name.got"
  # The sets are empty on these up-to-date systems: show that rows were weighed, not absent.
  rows=$(grep -oE '^oracle: [0-9]+' "$SCRATCH/$name.oracle.err" | grep -oE '[0-9]+')
  ((rows > 0)) && pass "$name: $rows advisory rows name its installed sources" ||
    fail "$name: no advisory row names an installed source; the check above weighed nothing"
done
if grep -q 'match.release-fallback' "$SCRATCH/debian-bookworm.err" &&
  jq -e '.namespaces == ["debian:11"]' "$SCRATCH/debian-bookworm.out" >/dev/null; then
  pass "debian-bookworm: falls back to debian:11 with match.release-fallback"
else fail "debian-bookworm: no stated fallback to debian:11"; fi

# ---- 4. Policy on a real finding: CVE-2019-14697 in musl 1.1.18-r3 (Alpine 3.7.3), where the
# musl source gives two binary packages, musl and musl-utils.
ADB="$SCRATCH/alpine-3.7.3.db"
IMG="rootfs-archive:$MINIROOTFS/alpine-minirootfs-3.7.3-x86_64.tar.gz"
BOTH="musl CVE-2019-14697,musl-utils CVE-2019-14697"
scan_json policy-base "$ADB" "$IMG"
expect_eq "policy-base: both musl packages have CVE-2019-14697" "$BOTH" "$(names policy-base)"

cat >"$SCRATCH/ignore-utils.yaml" <<'EOF'
- id: CVE-2019-14697
  package: musl-utils
  reason: only the utilities
EOF
scan_json ignore-utils "$ADB" "$IMG" --ignorefile "$SCRATCH/ignore-utils.yaml"
expect_eq "ignore-utils: a package-limited entry leaves musl" "musl CVE-2019-14697" "$(names ignore-utils)"
expect_eq "ignore-utils: and suppresses musl-utils" "musl-utils CVE-2019-14697" "$(suppressed ignore-utils)"
expect_eq "ignore-utils: with the file's reason" "ignorefile:only the utilities" \
  "$(jq -r '.suppressed[0].suppression | .kind + ":" + .reason' "$SCRATCH/ignore-utils.out")"

# A package entry matches the binary or the source package (policy.cpp); the source name musl
# covers both of its binaries.
printf -- '- id: CVE-2019-14697\n  package: musl\n' >"$SCRATCH/ignore-src.yaml"
scan_json ignore-src "$ADB" "$IMG" --ignorefile "$SCRATCH/ignore-src.yaml"
expect_eq "ignore-src: the source name suppresses both binaries" "$BOTH" "$(suppressed ignore-src)"

printf -- '- id: CVE-2019-99999\n' >"$SCRATCH/ignore-other.yaml"
scan_json ignore-other "$ADB" "$IMG" --ignorefile "$SCRATCH/ignore-other.yaml"
expect_eq "ignore-other: another id suppresses nothing" "$BOTH" "$(names ignore-other)"

printf -- '- id: CVE-2019-14697\n  expires: 2001-01-01\n  reason: long ago\n' >"$SCRATCH/ignore-expired.yaml"
scan_json ignore-expired "$ADB" "$IMG" --ignorefile "$SCRATCH/ignore-expired.yaml"
expect_eq "ignore-expired: an expired entry suppresses nothing" "$BOTH" "$(names ignore-expired)"
check "ignore-expired: warns policy.ignore-expired" grep -q 'policy.ignore-expired' "$SCRATCH/ignore-expired.err"
printf -- '- id: CVE-2019-14697\n  expires: 2999-01-01\n' >"$SCRATCH/ignore-future.yaml"
scan_json ignore-future "$ADB" "$IMG" --ignorefile "$SCRATCH/ignore-future.yaml"
expect_eq "ignore-future: an entry not yet expired suppresses" "" "$(names ignore-future)"
if grep -q 'policy.ignore-expired' "$SCRATCH/ignore-future.err"; then fail "ignore-future: warned as expired"
else pass "ignore-future: no expiry warning"; fi

PURL=$(jq -r '.findings[] | select(.package.name == "musl") | .package.purl' "$SCRATCH/policy-base.out")
jq -n --arg purl "$PURL" '{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.invalid/vex/1",
  author: "scan_test", timestamp: "2026-01-01T00:00:00Z", version: 1,
  statements: [{vulnerability: {name: "CVE-2019-14697"}, products: [{"@id": $purl}],
                status: "not_affected", justification: "vulnerable_code_not_in_execute_path"}]}' >"$SCRATCH/musl.vex.json"
scan_json vex "$ADB" "$IMG" --vex "$SCRATCH/musl.vex.json"
expect_eq "vex: not_affected for musl's purl leaves musl-utils" "musl-utils CVE-2019-14697" "$(names vex)"
expect_eq "vex: and suppresses musl as vex" "vex musl" \
  "$(jq -r '.suppressed[] | .suppression.kind + " " + .package.name' "$SCRATCH/vex.out")"
jq '.statements[0].status = "under_investigation"' "$SCRATCH/musl.vex.json" >"$SCRATCH/musl-ui.vex.json"
scan_json vex-ui "$ADB" "$IMG" --vex "$SCRATCH/musl-ui.vex.json"
expect_eq "vex-ui: under_investigation suppresses nothing" "$BOTH" "$(names vex-ui)"

run_dagda fp-add --db "$ADB" fp add "$IMG" musl-utils CVE-2019-14697
expect_eq "fp add: exit 0" 0 "$RC"
scan_json fp-after "$ADB" "$IMG"
expect_eq "fp-after: the marked package is suppressed, musl is not" "musl CVE-2019-14697" "$(names fp-after)"
run_dagda fp-remove --db "$ADB" fp remove "$IMG" musl-utils CVE-2019-14697
expect_eq "fp remove: exit 0" 0 "$RC"
scan_json fp-removed "$ADB" "$IMG"
expect_eq "fp-removed: the finding is back" "$BOTH" "$(names fp-removed)"

run_dagda exit3 --db "$ADB" scan "$IMG" --exit-code 3
expect_eq "exit-code: 3 with findings" 3 "$RC"
run_dagda exit3-suppressed --db "$ADB" scan "$IMG" --exit-code 3 --ignorefile "$SCRATCH/ignore-src.yaml"
expect_eq "exit-code: 0 when every finding is suppressed" 0 "$RC"
run_dagda exit3-partial --db "$ADB" scan "$IMG" --exit-code 3 --ignorefile "$SCRATCH/ignore-utils.yaml"
expect_eq "exit-code: 3 while one finding remains" 3 "$RC"

run_dagda show-suppressed --db "$ADB" scan "$IMG" --ignorefile "$SCRATCH/ignore-utils.yaml" --show-suppressed
if ((RC == 0)) && grep -q 'suppressed by ignorefile: only the utilities' "$SCRATCH/show-suppressed.out" &&
  grep -q '^musl-utils' "$SCRATCH/show-suppressed.out"; then
  pass "show-suppressed: the table lists musl-utils with its reason"
else fail "show-suppressed: rc=$RC, no suppressed musl-utils in the table"; fi
run_dagda hide-suppressed --db "$ADB" scan "$IMG" --ignorefile "$SCRATCH/ignore-utils.yaml"
if grep -q '^musl-utils' "$SCRATCH/hide-suppressed.out"; then fail "hide-suppressed: the table shows musl-utils"
else pass "hide-suppressed: without --show-suppressed the table leaves it out"; fi

# --severity on the Ubuntu scan, where the tracker's priorities give several severities.
U="ubuntu-trivy-bionic"
want=$(jq '[.findings[] | select(.severity == "high" or .severity == "critical")] | length' "$SCRATCH/$U.out")
all=$(jq '.findings | length' "$SCRATCH/$U.out")
scan_json severity-high "$UDB" "dir:$SCRATCH/$U" --severity high
got=$(jq '.findings | length' "$SCRATCH/severity-high.out")
lower=$(jq '[.findings[] | select(.severity != "high" and .severity != "critical")] | length' "$SCRATCH/severity-high.out")
if ((want > 0 && want < all && got == want && lower == 0)); then
  pass "severity high: $got of $all findings, all high or critical"
else fail "severity high: $got findings ($lower below high); wanted $want of $all"; fi
scan_json severity-list "$UDB" "dir:$SCRATCH/$U" --severity low,negligible
want=$(jq '[.findings[] | select(.severity == "low" or .severity == "negligible")] | length' "$SCRATCH/$U.out")
expect_eq "severity low,negligible: exactly those" "$want" "$(jq '.findings | length' "$SCRATCH/severity-list.out")"
run_dagda severity-exit --db "$UDB" scan "dir:$SCRATCH/$U" --severity critical --exit-code 3
expect_eq "severity critical with --exit-code 3: no critical finding, exit 0" 0 "$RC"

for fmt in sarif:sarif-2.1.0 cyclonedx:cyclonedx-1.6; do
  IFS=: read -r f kind <<<"$fmt"
  run_dagda "report-$f" --db "$ADB" scan "$IMG" --format "$f" --ignorefile "$SCRATCH/ignore-utils.yaml" --show-suppressed
  if ((RC == 0)) && /usr/bin/python3 "$VALIDATE" "$DATA/schemas" "$kind" "$SCRATCH/report-$f.out" >"$SCRATCH/report-$f.val" 2>&1; then
    pass "report-$f: valid $kind"
  else
    fail "report-$f: rc=$RC, not valid $kind"
    head -n 5 "$SCRATCH/report-$f.val" | sed 's/^/      /'
  fi
  check "report-$f: names CVE-2019-14697" grep -q 'CVE-2019-14697' "$SCRATCH/report-$f.out"
done

# ---- 5. Errors.
run_dagda missing-db --db "$SCRATCH/no-such.db" scan "$IMG"
expect_eq "missing database: exit 1" 1 "$RC"
if [[ $(wc -l <"$SCRATCH/missing-db.err") == 1 ]]; then pass "missing database: one line on stderr"
else fail "missing database: stderr is not one line"; show_err missing-db; fi
[[ ! -e "$SCRATCH/no-such.db" ]] && pass "missing database: not created by a scan" ||
  fail "missing database: the scan created $SCRATCH/no-such.db"
run_dagda bad-format --db "$ADB" scan "$IMG" --format xml
expect_eq "unknown --format: exit 2" 2 "$RC"
check "unknown --format: names it" grep -q "xml" "$SCRATCH/bad-format.err"
finish
