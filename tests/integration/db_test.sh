#!/usr/bin/env bash
# db_test: `dagda db import` of every real feed in ../shared/data/vulndb, `db status`
# counts against independent counts of the files (tests/integration/counts/*.py),
# re-import is a no-op, bad feeds leave the database unchanged, kill -9 during an
# import leaves a usable database, and `dagda vuln` answers from the real data.
source "$(dirname "$0")/lib.sh"

DATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
V=$DATA/vulndb
COUNTS=$DAGDA_SOURCE_DIR/tests/integration/counts
DB=$SCRATCH/vulndb.sqlite
D() { "$DAGDA" --db "$DB" "$@"; }

# Every feed at the top of vulndb/ with the importer whose count script checks it.
# (samples/ holds other projects' fixtures, some broken on purpose: tested below;
# node-core/ is counted by node-core.py, as is the core index inside the security WG archive.)
declare -A FEEDS=(
  [alpine-secdb-yaml]=alpine-secdb [bugtraq]=bugtraq [cisa-kev]=kev [debian-dsa-dla]=debian-lists
  [debian-elts-osv-advisories-2026-08-17.tar.xz]=osv [epss]=epss [exploitdb-cve-mapping]=exploitdb
  [friendsofphp-security-advisories.tar.xz]=friendsofphp [gitlab-advisories-community-2022-05-23.tar.xz]=gitlab
  [nodejs-security-wg-vuln.tar.xz]=nodejs [node-core]=node-core [nvd-1.1-yearly]=nvd [nvd-samples]=nvd
  [osv-go-vulndb.tar.xz]=osv [osv-pypi-pypa-advisory-database.tar.xz]=osv [retirejs]=retirejs
  [rubysec-ruby-advisory-db.tar.xz]=rubysec [rustsec-advisory-db.tar.xz]=rustsec
  [ubuntu-cve-tracker-2020-active-retired.tar.xz]=ubuntu-cve-tracker
)
inputs=()
for f in "${!FEEDS[@]}"; do inputs+=("$V/$f"); done
# Every top-level entry is covered (a new feed in the data must be added here).
for e in "$V"/*; do
  b=$(basename "$e")
  [[ $b == samples || $b == README* || -n ${FEEDS[$b]+x} ]] || fail "feed $b is not covered by db_test"
done

if D db import "${inputs[@]}" >"$SCRATCH/import.out" 2>"$SCRATCH/import.err"; then
  pass "importing every real feed succeeds"
else
  fail "importing every real feed: $(tail -n 2 "$SCRATCH/import.err")"
fi
D db status --json >"$SCRATCH/status.json"
for f in "${!FEEDS[@]}"; do
  if [[ ${FEEDS[$f]} == node-core ]]; then python3 "$COUNTS/node-core.py" "$V/$f"/*.json
  else python3 "$COUNTS/${FEEDS[$f]}.py" "$V/$f"; fi
done >"$SCRATCH/expected.jsonl"
# The security WG's archive also holds its core index (vuln/core/index.json): node-core's format.
mkdir -p "$SCRATCH/nodejs-core"
tar -xJf "$V/nodejs-security-wg-vuln.tar.xz" -C "$SCRATCH/nodejs-core" --wildcards '*vuln/core/index.json'
python3 "$COUNTS/node-core.py" "$(find "$SCRATCH/nodejs-core" -name index.json)" >>"$SCRATCH/expected.jsonl"
if python3 - "$SCRATCH/status.json" "$SCRATCH/expected.jsonl" <<'PY'; then pass "db status counts equal the independent counts of the files"; else fail "db status counts differ from the independent counts"; fi
import json, sys, collections
status = {s["source"]: s["counts"] for s in json.load(open(sys.argv[1]))["sources"]}
want = collections.defaultdict(collections.Counter)
for line in open(sys.argv[2]):
    if line.strip():
        d = json.loads(line)
        src = d.pop("source")
        want[src].update({k: v for k, v in d.items() if isinstance(v, int)})
bad = 0
for src, kinds in sorted(want.items()):
    for kind, n in sorted(kinds.items()):
        got = status.get(src, {}).get(kind, 0)
        if got != n:
            print(f"  {src} {kind}: database {got}, files {n}")
            bad += 1
extra = set(status) - set(want)
if extra:
    print("  sources without an independent count:", sorted(extra)); bad += 1
print(f"  {len(want)} sources compared")
sys.exit(1 if bad else 0)
PY

# Re-import: nothing changes, every input is skipped.
cp "$SCRATCH/status.json" "$SCRATCH/status-before.json"
D db import "${inputs[@]}" >"$SCRATCH/reimport.out" 2>&1
check "re-import skips every unchanged input" test "$(grep -c 'unchanged since the last import' "$SCRATCH/reimport.out")" -eq "${#inputs[@]}"
D db status --json >"$SCRATCH/status-after.json"
same_counts() { diff <(jq -S '[.sources[] | {source, counts}]' "$1") <(jq -S '[.sources[] | {source, counts}]' "$2"); }
check "re-import changes no count" same_counts "$SCRATCH/status-before.json" "$SCRATCH/status-after.json"
D db import --force "$V/cisa-kev" >/dev/null 2>&1
D db status --json >"$SCRATCH/status-forced.json"
check "a forced re-import replaces the input's records, not adds to them" same_counts "$SCRATCH/status-before.json" "$SCRATCH/status-forced.json"

# Bad feeds: a clear error naming the file; the database is unchanged.
head -c 300000 "$V/cisa-kev/known_exploited_vulnerabilities.json" >"$SCRATCH/kev-truncated.json"
printf 'this is not a feed\n' >"$SCRATCH/notes.txt"
printf '{"vulnerabilities": [' >"$SCRATCH/bad.json"
head -c 100000 "$V/osv-go-vulndb.tar.xz" >"$SCRATCH/osv-truncated.tar.xz"
for bad in kev-truncated.json notes.txt bad.json osv-truncated.tar.xz; do
  set +e
  D db import "$V/retirejs" "$SCRATCH/$bad" >"$SCRATCH/bad.out" 2>"$SCRATCH/bad.err"
  rc=$?
  set -e
  if [[ $rc -ne 0 ]] && grep -q "$bad" "$SCRATCH/bad.err"; then pass "$bad is rejected naming the file (exit $rc)"; else fail "$bad: exit $rc, $(cat "$SCRATCH/bad.err")"; fi
  D db status --json >"$SCRATCH/status-bad.json"
  check "$bad leaves the database unchanged" same_counts "$SCRATCH/status-before.json" "$SCRATCH/status-bad.json"
done
# Other projects' deliberately broken fixtures are rejected too.
set +e
D db import "$V/samples/distro/vuln-list-update/redhat_oval_testdata/testdata/broken-xml" >/dev/null 2>"$SCRATCH/broken.err"
rc=$?
set -e
check "a broken OVAL stream is rejected (exit $rc)" test "$rc" -ne 0

# kill -9 in the middle of a big import: the previous database stays usable.
cp "$DB" "$SCRATCH/k.sqlite"
"$DAGDA" --db "$SCRATCH/k.sqlite" db import --force "$V/ubuntu-cve-tracker-2020-active-retired.tar.xz" "$V/nvd-1.1-yearly" >/dev/null 2>&1 &
pid=$!
sleep 3
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
"$DAGDA" --db "$SCRATCH/k.sqlite" db status --json >"$SCRATCH/status-killed.json" 2>"$SCRATCH/killed.err" || true
check "after kill -9 during an import the database opens and keeps its counts" same_counts "$SCRATCH/status-before.json" "$SCRATCH/status-killed.json"

# dagda vuln on the real data.
D vuln --cve CVE-2021-44228 --json >"$SCRATCH/log4shell.json"
check "Log4Shell is in the KEV catalog" jq -e '.kev[0].cve == "CVE-2021-44228"' "$SCRATCH/log4shell.json"
expected_edb=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(sorted(str(x) for x in d.get("CVE-2021-44228", []))))' "$V/exploitdb-cve-mapping/exploitdb_mapping_cve.json")
got_edb=$(jq -r '[.exploits[].id | tostring] | sort | join(" ")' "$SCRATCH/log4shell.json")
check "its Exploit-DB ids are those of the mapping ($expected_edb)" test "$expected_edb" = "$got_edb" -a -n "$got_edb"
check "its EPSS score is there" jq -e '.epss[0].score > 0.9' "$SCRATCH/log4shell.json"
check "Debian's advisories list apache-log4j2 with a fixed version" \
  jq -e '[.affected[] | select(.source == "debian-dsa" and .package == "apache-log4j2" and .fixed_version != null)] | length > 0' "$SCRATCH/log4shell.json"
D vuln --product jquery --version 3.4.0 --ecosystem javascript --json >"$SCRATCH/jq340.json" 2>/dev/null
D vuln --product jquery --version 3.5.0 --ecosystem javascript --json >"$SCRATCH/jq350.json" 2>/dev/null
check "jquery 3.4.0 is affected by GHSA-gxr4-xjj5-5px2 (fixed 3.5.0), decided by npm rules" \
  jq -e '[.affected[] | select(.advisory == "GHSA-gxr4-xjj5-5px2" and .match.affected and .match.comparator == "npm")] | length > 0' "$SCRATCH/jq340.json"
check "jquery 3.5.0 is not" jq -e '[.affected[] | select(.advisory == "GHSA-gxr4-xjj5-5px2")] | length == 0' "$SCRATCH/jq350.json"
# PEP 440 decides pypi: 2.0.0rc1 is before 2.0.0 (a string compare says otherwise).
D vuln --product Django --ecosystem pypi --json >"$SCRATCH/django.json"
check "pypi names are normalised (Django finds django advisories)" jq -e '.affected | length > 10' "$SCRATCH/django.json"
D vuln --advisory DSA-5020-1 --json >"$SCRATCH/dsa.json"
check "--advisory DSA-5020-1 lists its packages" jq -e '[.affected[] | select(.package == "apache-log4j2")] | length > 0' "$SCRATCH/dsa.json"
D vuln --exploit "$(echo "$expected_edb" | cut -d' ' -f1)" --json >"$SCRATCH/edb.json"
check "--exploit shows the CVE" jq -e '.exploit.cves | index("CVE-2021-44228") != null' "$SCRATCH/edb.json"
bid=$(head -n1 "$V/bugtraq/biddb-sample.jsonl" | jq -r '.bugtraq_id // .bid // .id')
check "--bid $bid answers" D vuln --bid "$bid"
set +e
D vuln --cve CVE-1999-99999 >/dev/null 2>"$SCRATCH/nf.err"
rc=$?
set -e
check "an unknown CVE is exit 1 with one line" test "$rc" -eq 1 -a "$(wc -l <"$SCRATCH/nf.err")" -eq 1
set +e
"$DAGDA" --db "$SCRATCH/none.sqlite" vuln --cve CVE-2021-44228 >/dev/null 2>"$SCRATCH/nodb.err"
rc=$?
set -e
check "no database: exit 1 naming it" grep -q none.sqlite "$SCRATCH/nodb.err"
finish
