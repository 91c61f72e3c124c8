#!/usr/bin/env bash
# feed_hostile_test: hostile feed files and databases, generated here.
#  - a YAML alias bomb ("billion laughs", under 1 KiB) in the shape of every YAML
#    feed (alpine-secdb, OSV, GitLab, RubySec, FriendsOfPHP) and an XML entity bomb
#    (Red Hat OVAL): each is refused with an error naming the file, quickly, under
#    a 2 GiB address-space limit (prlimit --as), and the database stays unchanged;
#  - text from real feeds that is not valid UTF-8 (FriendsOfPHP CVE-2019-8156,
#    PyPA PYSEC-2023-172) or holds a NUL (GitLab CVE-2013-4314) is repaired at
#    import: `dagda vuln --json` prints valid JSON for it;
#  - NVD CPE configurations of runtimes with 200,000 versions, absurd versions and wrong types:
#    imported under the same limit, the bad versions counted in one warning;
#  - a database that cannot be written (another user's) can still be read;
#  - `db import` into another application's SQLite file is refused untouched.
source "$(dirname "$0")/lib.sh"

DATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
V=$DATA/vulndb
DB=$SCRATCH/vulndb.sqlite
D() { "$DAGDA" --db "$DB" "$@"; }
command -v prlimit >/dev/null || fatal "prlimit (util-linux) is required"

# The nested aliases of a bomb: 10 levels of 10 copies, 10^10 leaves if expanded.
bomb_anchors() {
  echo "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"
  for i in 1 2 3 4 5 6 7 8 9; do
    p=$((i - 1))
    echo "x$i: &a$i [*a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p]"
  done
}
mkdir -p "$SCRATCH/bombs/gems/rack" "$SCRATCH/bombs/pkg/vendor"
{ echo "distroversion: v3.10"; echo "reponame: main"; bomb_anchors; echo "packages:"; echo "  - pkg: {name: musl, secfixes: {1.1.22-r3: *a9}}"; } >"$SCRATCH/bombs/alpine.yaml"
{ echo "id: PYSEC-0000-1"; echo "modified: 2024-01-01T00:00:00Z"; bomb_anchors; echo "affected: *a9"; } >"$SCRATCH/bombs/PYSEC-0000-1.yaml"
{ echo "identifier: CVE-0000-1"; echo "package_slug: npm/left-pad"; echo "affected_range: <1.0"; bomb_anchors; echo "identifiers: *a9"; } >"$SCRATCH/bombs/gitlab.yml"
{ echo "gem: rack"; echo "title: bomb"; echo "url: https://example.invalid"; bomb_anchors; echo "patched_versions: *a9"; } >"$SCRATCH/bombs/gems/rack/CVE-0000-1.yml"
{ echo "title: bomb"; echo "link: https://example.invalid"; echo "reference: composer://vendor/pkg"; bomb_anchors; echo "branches: {master: {versions: *a9}}"; } >"$SCRATCH/bombs/pkg/vendor/2024-01-01.yaml"
cat >"$SCRATCH/bombs/oval.xml" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE oval_definitions [
 <!ENTITY l0 "lol">
 <!ENTITY l1 "&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;">
 <!ENTITY l2 "&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;">
 <!ENTITY l3 "&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;">
 <!ENTITY l4 "&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;">
 <!ENTITY l5 "&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;">
 <!ENTITY l6 "&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;">
 <!ENTITY l7 "&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;">
 <!ENTITY l8 "&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;">
 <!ENTITY l9 "&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;">
]>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"><generator><product_name>Red Hat OVAL Patch Definition Merger</product_name></generator>
<definitions><definition class="patch" id="oval:com.redhat.rhsa:def:1"><metadata><title>&l9;</title><reference ref_id="RHSA-0000:1" source="RHSA"/></metadata></definition></definitions></oval_definitions>
XML
D db import "$V/cisa-kev" >/dev/null 2>&1 || fatal "importing the KEV catalog failed"
D db status --json >"$SCRATCH/before.json"
for f in alpine.yaml PYSEC-0000-1.yaml gitlab.yml gems/rack/CVE-0000-1.yml pkg/vendor/2024-01-01.yaml oval.xml; do
  RC=0
  start=$SECONDS
  prlimit --as=$((2 << 30)) timeout -k 5 60 "$DAGDA" --db "$DB" db import "$SCRATCH/bombs/$f" >"$SCRATCH/bomb.out" 2>"$SCRATCH/bomb.err" || RC=$?
  took=$((SECONDS - start))
  if [[ $RC -eq 1 ]] && grep -q "$(basename "$f")" "$SCRATCH/bomb.err" && ((took < 30)); then
    pass "$f: refused naming the file in ${took}s ($(head -c 160 "$SCRATCH/bomb.err"))"
  else
    fail "$f: exit $RC after ${took}s: $(head -c 300 "$SCRATCH/bomb.err")"
  fi
done
grep -q "alias" "$SCRATCH/bomb.err" 2>/dev/null || true
D db status --json >"$SCRATCH/after.json"
check "the refused bombs left the database unchanged" diff <(jq -S '[.sources[] | {source, counts}]' "$SCRATCH/before.json") <(jq -S '[.sources[] | {source, counts}]' "$SCRATCH/after.json")

# NVD CPE configurations of runtimes, hostile: 200,000 exact versions of one CVE (one row with a
# 2 MB constraint), absurd versions (1 MB, an operator inside), configurations of the wrong types.
python3 - "$SCRATCH/nvd-hostile.json" <<'PY'
import json, sys
def cve(i, configurations):
    return {"cve": {"id": f"CVE-2099-{i:04d}", "vulnStatus": "Analyzed", "configurations": configurations}}
many = [{"vulnerable": True, "criteria": f"cpe:2.3:a:busybox:busybox:1.{n // 1000}.{n % 1000}:*:*:*:*:*:*:*"}
        for n in range(200000)]
absurd = [{"vulnerable": True, "criteria": "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*", "versionEndExcluding": v}
          for v in ("9" * (1 << 20), "1.0 || >=0", "1.0\u0000", "")]
page = {"resultsPerPage": 4, "format": "NVD_CVE", "vulnerabilities": [
    cve(1, [{"nodes": [{"operator": "OR", "cpeMatch": many}]}]),
    cve(2, [{"nodes": [{"operator": "OR", "cpeMatch": absurd}]}]),
    cve(3, [{"operator": "AND", "nodes": [7, {"cpeMatch": "x"}]}, {"nodes": 5}, 3]),
    cve(4, {"nodes": []})]}
json.dump(page, open(sys.argv[1], "w"))
PY
RC=0
start=$SECONDS
prlimit --as=$((2 << 30)) timeout -k 5 60 "$DAGDA" --db "$SCRATCH/nvd.sqlite" db import "$SCRATCH/nvd-hostile.json" \
  >"$SCRATCH/nvd-hostile.out" 2>"$SCRATCH/nvd-hostile.err" || RC=$?
took=$((SECONDS - start))
if [[ $RC -eq 0 ]] && ((took < 30)); then pass "hostile NVD CPE configurations import in ${took}s under 2 GiB"; else fail "hostile NVD CPE configurations: exit $RC after ${took}s: $(head -c 300 "$SCRATCH/nvd-hostile.err")"; fi
check "the absurd versions are counted in nvd.cpe-version-skipped, naming the file" \
  grep -q "nvd.cpe-version-skipped.*nvd-hostile.json\|nvd-hostile.json.*nvd.cpe-version-skipped" "$SCRATCH/nvd-hostile.err"
check "one row: CVE-2099-0001's 200,000 versions of BusyBox" \
  test "$("$DAGDA" --db "$SCRATCH/nvd.sqlite" db status --json | jq '.sources[] | select(.source == "nvd") | .counts.affected')" = 1

# Real text that is not valid UTF-8, or holds a NUL.
D db import "$V/friendsofphp-security-advisories.tar.xz" "$V/osv-pypi-pypa-advisory-database.tar.xz" \
  "$V/gitlab-advisories-community-2022-05-23.tar.xz" >/dev/null 2>"$SCRATCH/utf8.err" || fail "importing FriendsOfPHP, PyPA and GitLab: $(head -c 300 "$SCRATCH/utf8.err")"
for id in CVE-2019-8156 PYSEC-2023-172 CVE-2013-4314; do
  RC=0
  D vuln --cve "$id" --json >"$SCRATCH/$id.json" 2>"$SCRATCH/$id.err" || RC=$?
  if [[ $RC -eq 0 ]] && python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$SCRATCH/$id.json" 2>/dev/null; then
    pass "dagda vuln --cve $id --json prints valid UTF-8 JSON"
  else
    fail "dagda vuln --cve $id --json: exit $RC $(head -c 200 "$SCRATCH/$id.err")"
  fi
done
check "CVE-2019-8156's title keeps its text, the bad byte as U+FFFD" \
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert any("\ufffd" in r["summary"] for r in d["records"])' "$SCRATCH/CVE-2019-8156.json"

# Terminal escapes in a feed's text (an OSV record written here: a title that would set the
# window title, clear the screen, and a C1 CSI) reach `dagda vuln`'s text as '?', never as bytes
# the terminal would obey; the JSON keeps the text as it came, escaped by JSON itself.
python3 - "$SCRATCH/GHSA-esc0-0000-0000.json" <<'PY'
import json, sys
esc = "\x1b]0;owned\x07\x1b[2J\u009b31m"
rec = {"schema_version": "1.4.0", "id": "GHSA-esc0-0000-0000", "modified": "2024-01-01T00:00:00Z",
       "published": "2024-01-01T00:00:00Z", "aliases": ["CVE-2099-7777"],
       "summary": "escape " + esc + " in the summary\nsecond line\tand a tab",
       "details": "details " + esc,
       "references": [{"type": "WEB", "url": "https://example.com/" + esc}],
       "affected": [{"package": {"ecosystem": "npm", "name": "esc" + esc},
                     "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.0"}]}]}]}
json.dump(rec, open(sys.argv[1], "w"))
PY
D db import "$SCRATCH/GHSA-esc0-0000-0000.json" >/dev/null 2>"$SCRATCH/esc-import.err" ||
  fail "importing the OSV record with escapes: $(head -c 300 "$SCRATCH/esc-import.err")"
RC=0
D vuln --cve CVE-2099-7777 >"$SCRATCH/esc.out" 2>"$SCRATCH/esc.err" || RC=$?
if [[ $RC == 0 ]] && grep -q "GHSA-esc0-0000-0000" "$SCRATCH/esc.out" &&
  ! LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$SCRATCH/esc.out" && ! grep -qP '\x{9b}' "$SCRATCH/esc.out" &&
  grep -q "escape ?]0;owned??\[2J?31m in the summary second line and a tab" "$SCRATCH/esc.out"; then
  pass "dagda vuln: a feed's escape sequences are printed as '?', the summary on one line"
else
  fail "dagda vuln with escapes in the feed: exit $RC: $(head -c 400 "$SCRATCH/esc.out" | od -c | head -8)"
fi
D vuln --cve CVE-2099-7777 --json >"$SCRATCH/esc.json" 2>/dev/null || true
check "dagda vuln --json keeps the text, escaped by JSON" \
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert any("\x1b]0;owned" in r["summary"] for r in d["records"])' "$SCRATCH/esc.json"

# A database another user owns, in a folder we may not write: read-only access works.
ro=$SCRATCH/ro
mkdir -p "$ro"
cp "$DB" "$ro/vulndb.sqlite"
chmod 755 "$SCRATCH" "$ro"
chmod 444 "$ro/vulndb.sqlite"
if [[ $(id -u) -eq 0 ]] && command -v setpriv >/dev/null; then
  as_other() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
else
  chmod 555 "$ro"
  as_other() { "$@"; }
fi
for d in "$DAGDA_BUILD_DIR" "$DAGDA_BUILD_DIR/e2e"; do chmod o+rx "$d" 2>/dev/null || true; done
RC=0
as_other "$DAGDA" --db "$ro/vulndb.sqlite" vuln --cve CVE-2021-44228 --json >"$SCRATCH/ro.json" 2>"$SCRATCH/ro.err" || RC=$?
if [[ $RC -eq 0 ]] && jq -e '.kev[0].cve == "CVE-2021-44228"' "$SCRATCH/ro.json" >/dev/null; then
  pass "a database we may not write (another user's) can be read"
else
  fail "read-only database: exit $RC $(head -c 300 "$SCRATCH/ro.err")"
fi
check "reading it left no -wal or -shm beside it" test ! -e "$ro/vulndb.sqlite-wal" -a ! -e "$ro/vulndb.sqlite-shm"
RC=0
as_other "$DAGDA" --db "$ro/vulndb.sqlite" db status >/dev/null 2>"$SCRATCH/ro-status.err" || RC=$?
check "db status reads it too (exit $RC)" test "$RC" -eq 0
chmod 755 "$ro"

# Another application's SQLite file: refused, nothing added, journal mode untouched.
app=$SCRATCH/app.sqlite
sqlite3 "$app" 'CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES ("keep");'
RC=0
"$DAGDA" --db "$app" db import "$V/cisa-kev" >/dev/null 2>"$SCRATCH/app.err" || RC=$?
if [[ $RC -ne 0 ]] && grep -q "not a Dagda vulnerability database" "$SCRATCH/app.err"; then pass "db import into another application's SQLite file is refused"; else fail "db import into a foreign file: exit $RC $(cat "$SCRATCH/app.err")"; fi
check "its tables are as they were" test "$(sqlite3 "$app" "SELECT group_concat(name) FROM sqlite_master")" = notes
check "its journal mode is as it was" test "$(sqlite3 "$app" 'PRAGMA journal_mode')" = delete
finish
