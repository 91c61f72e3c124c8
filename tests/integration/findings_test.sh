#!/usr/bin/env bash
# What a user sees of vulnerabilities on the command line (issue 11): `dagda vuln`
# shows a CVE's own records once each, its related notices as related, and only its
# own KEV/EPSS; --product finds a package by the name users type; `dagda version`
# prints the version CMake gives; a scan table at 80 columns keeps titles readable.
source "$(dirname "$0")/lib.sh"

DATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
DB="$SCRATCH/vulndb.sqlite"
run_dagda import --db "$DB" db import "$DATA/vulndb/debian-dsa-dla" "$DATA/vulndb/gitlab-advisories-community-2022-05-23.tar.xz" \
  "$DATA/vulndb/cisa-kev" "$DATA/vulndb/epss" "$DATA/vulndb/alpine-secdb-yaml/v3.7" \
  "$DATA/vulndb/ubuntu-cve-tracker-2020-active-retired.tar.xz"
((RC == 0)) || { show_err import; fatal "db import exited $RC"; }

# dagda vuln --cve: CVE-2020-11022 and -11023 share DSA-4693-1; only 11023 is in KEV.
run_dagda cve --db "$DB" vuln --cve CVE-2020-11022 --json
J="$SCRATCH/cve.out"
((RC == 0)) && pass "vuln --cve CVE-2020-11022 exits 0" || { fail "vuln --cve exited $RC"; show_err cve; }
check "its records are its own (no DSA/DLA record, no other CVE's record)" \
  jq -e '[.records[] | select(.id != "CVE-2020-11022" and ((.aliases // []) | index("CVE-2020-11022") | not))] | length == 0' "$J"
check "DSA-4693-1 is a related advisory" jq -e '.related_advisories | index("DSA-4693-1")' "$J"
check "no KEV entry (KEV lists CVE-2020-11023, not -11022)" jq -e '.kev | length == 0' "$J"
check "EPSS only of CVE-2020-11022" jq -e '[.epss[].cve] == ["CVE-2020-11022"]' "$J"
check "each record printed once (source, id and text distinct)" \
  jq -e '[.records[] | [.source, .id, .summary, .description]] | (length == (unique | length))' "$J"
check "no alias repeated within a record" jq -e 'all(.records[]; (.aliases | length) == (.aliases | unique | length))' "$J"

run_dagda cve-text --db "$DB" vuln --cve CVE-2020-11023
grep -q 'KEV: CVE-2020-11023 is known exploited' "$SCRATCH/cve-text.out" &&
  pass "the KEV line names its CVE" || fail "the KEV line does not name its CVE: $(grep KEV "$SCRATCH/cve-text.out")"

# --product by the name users type.
run_dagda product --db "$DB" vuln --product log4j-core --json
check "vuln --product log4j-core finds org.apache.logging.log4j:log4j-core" \
  jq -e '[.affected[] | select(.namespace == "maven" and .package == "org.apache.logging.log4j:log4j-core")] | length > 0' "$SCRATCH/product.out"
check "...with CVE-2021-44228 among them" jq -e '[.affected[].vulnerability] | index("CVE-2021-44228")' "$SCRATCH/product.out"
check "...and no row twice" jq -e '[.affected[] | [.source, .advisory, .namespace, .package, .fixed_version, .range]] | length == (unique | length)' "$SCRATCH/product.out"

# dagda version with no arguments: the version CMake was given.
want=$(sed -n 's/^project(dagda VERSION \([0-9.]*\).*/\1/p' "$DAGDA_SOURCE_DIR/CMakeLists.txt")
run_dagda version version
[[ $RC == 0 && $(cat "$SCRATCH/version.out") == "dagda $want" ]] && pass "dagda version prints 'dagda $want'" ||
  fail "dagda version printed '$(cat "$SCRATCH/version.out")' (exit $RC), wanted 'dagda $want'"

# A scan table at 80 columns: every title shown whole or at least 24 columns long.
TGZ="$DATA/pkgdb/alpine-minirootfs/alpine-minirootfs-3.7.3-x86_64.tar.gz"
root=${DAGDA_ENV_ROOT:-$SCRATCH/env}
mkdir -p "$root/cache"
COLUMNS=80 DAGDA_CACHE_DIR="$root/cache" script -qec "stty cols 80; $DAGDA --db $DB scan rootfs-archive:$TGZ --no-color 2>/dev/null" /dev/null \
  >"$SCRATCH/table80.out" || true
python3 - "$SCRATCH/table80.out" <<'PY' && pass "80-column table: titles whole or at least 24 columns" || fail "80-column table cuts titles short: $(head -12 "$SCRATCH/table80.out")"
import sys
lines = open(sys.argv[1], encoding="utf-8", errors="replace").read().replace("\r", "").splitlines()
assert any("CVE-2019-14697" in l for l in lines), "no finding shown"
assert all(len(l) <= 80 for l in lines), "a line wider than 80 columns"
for i, l in enumerate(lines):
    if "CVE-2019-14697" in l:
        title = l.split("E2.7%")[-1].strip() if "E2.7%" in l else ""
        below = lines[i + 1].strip() if i + 1 < len(lines) else ""
        shown = title or below
        assert shown.startswith("musl libc"), f"no title for the finding: {l!r} / {below!r}"
        assert len(shown) >= 24 or not shown.endswith("..."), f"title cut to {len(shown)}: {shown!r}"
PY
finish
