#!/usr/bin/env bash
# The client side of `dagda serve`: `dagda agent` and the --server remote mode,
# against the real server process on a free port over a scratch SQLite database
# made by importing real feed files. The agent's report must hold the same
# findings as a local `dagda scan` of the same image against the same database.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/services.sh"
DATA=$(realpath "${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}")  # the server names files resolved
SECDB="$DATA/vulndb/alpine-secdb-yaml"
# A real Alpine 3.7 root file system with findings in the 3.7 secdb.
ALPINE_DIR="$DATA/pkgdb/alpine-minirootfs"
ALPINE="rootfs-archive:$ALPINE_DIR/alpine-minirootfs-3.7.3-x86_64.tar.gz"
need_test_images
LAYERED="docker-archive:$IMAGES/layered.docker.tar"

DB=$SCRATCH/state.db
# With KEV, EPSS, Exploit-DB, BugTraq and NVD records for the vuln queries.
"$DAGDA" --db "$DB" db import "$SECDB/v3.7/main.yaml" "$DATA/vulndb/debian-dsa-dla" "$DATA/vulndb/cisa-kev" \
  "$DATA/vulndb/exploitdb-cve-mapping" "$DATA/vulndb/bugtraq" "$DATA/vulndb/epss" \
  "$DATA/vulndb/nvd-samples/nvdcve-1.1-osvdev-669.json" >/dev/null 2>"$SCRATCH/import.err" ||
  { cat "$SCRATCH/import.err"; fatal "db import failed"; }
tok() { "$DAGDA" --db "$DB" token create "$1" --scope "$2" 2>>"$SCRATCH/token.err"; }
SCAN=$(tok ci scan)
READ=$(tok reader read)
REVOKED=$(tok gone scan)
"$DAGDA" --db "$DB" token revoke gone >/dev/null 2>&1

PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
export DOCKER_HOST="unix://$SCRATCH/no-engine.sock"
"$DAGDA" --db "$DB" serve --listen "127.0.0.1:$PORT" --workers 1 --allow-path "$ALPINE_DIR" 2>"$SCRATCH/serve.log" &
SERVER_PID=$!
at_exit "kill -9 $SERVER_PID 2>/dev/null || true"
wait_for "dagda serve" 30 curl -sf "$URL/healthz"

# findings FILE: the findings of a dagda.scan/v1 report, one comparable line each.
findings() { jq -r '.findings[] | [.kind, .id, .package.name // .target, .package.version // "", .severity, .status, (.fixed_version // "")] | @tsv' "$1" | sort; }
# same_findings NAME A B: the two reports list the same findings (and at least one when $3 says so).
same_findings() {
  local name=$1 a=$2 b=$3 min=${4:-0}
  findings "$a" >"$SCRATCH/$name.a" && findings "$b" >"$SCRATCH/$name.b" || { fail "$name: not dagda.scan/v1"; return; }
  local n
  n=$(wc -l <"$SCRATCH/$name.a")
  if cmp -s "$SCRATCH/$name.a" "$SCRATCH/$name.b" && ((n >= min)); then pass "$name: the same $n findings"
  else fail "$name: findings differ ($n vs $(wc -l <"$SCRATCH/$name.b"))"; diff "$SCRATCH/$name.a" "$SCRATCH/$name.b" | head -10 || true; fi
}
# fails NAME WANT_RC PATTERN ARGS...: dagda exits WANT_RC, prints nothing on stdout and one line matching PATTERN.
fails() {
  local name=$1 want=$2 pattern=$3
  shift 3
  run_dagda "$name" "$@"
  if [[ $RC == "$want" && ! -s $SCRATCH/$name.out ]] && [[ $(wc -l <"$SCRATCH/$name.err") == 1 ]] &&
    grep -Eq -e "$pattern" "$SCRATCH/$name.err"; then pass "$name: exit $RC, $(cut -c1-110 "$SCRATCH/$name.err")"
  else fail "$name: exit $RC (wanted $want), stderr: $(head -c 400 "$SCRATCH/$name.err")"; fi
}

# ---- agent ----
for img in alpine layered; do
  src=$ALPINE min=1
  [[ $img == layered ]] && src=$LAYERED min=0
  # The agent's inventory carries no layers: the server matches vulnerabilities only.
  run_dagda "local-$img" --db "$DB" scan "$src" --format json --scanners vuln
  [[ $RC == 0 ]] || fail "local scan of $img exited $RC: $(head -3 "$SCRATCH/local-$img.err")"
  run_dagda "agent-$img" agent --server "$URL" --token "$SCAN" "$src" --name "agent-host/$img" --format json
  if [[ $RC == 0 ]] && jq -e '.schema == "dagda.scan/v1" and (.packages | length > 0)' "$SCRATCH/agent-$img.out" >/dev/null; then
    pass "agent $img: a dagda.scan/v1 report"
  else fail "agent $img exited $RC: $(head -3 "$SCRATCH/agent-$img.err")"; fi
  same_findings "agent-vs-local-$img" "$SCRATCH/local-$img.out" "$SCRATCH/agent-$img.out" "$min"
  check "agent $img: the report says it ran the vuln scanner only" jq -e '.scanners == ["vuln"]' "$SCRATCH/agent-$img.out"
  jq -S '[.packages[] | {name, version, ecosystem}] | sort_by(.ecosystem, .name, .version)' "$SCRATCH/local-$img.out" >"$SCRATCH/pk-l-$img"
  jq -S '[.packages[] | {name, version, ecosystem}] | sort_by(.ecosystem, .name, .version)' "$SCRATCH/agent-$img.out" >"$SCRATCH/pk-a-$img"
  cmp -s "$SCRATCH/pk-l-$img" "$SCRATCH/pk-a-$img" && pass "agent $img: the same packages as the local scan" ||
    fail "agent $img: packages differ from the local scan"
done
N_ALPINE=$(jq '.findings | length' "$SCRATCH/local-alpine.out")

# The table is the local scan's table (but its first line: the server read an SBOM, not the
# archive); the environment gives the server and token.
run_dagda local-table --db "$DB" scan "$ALPINE"
DAGDA_SERVER=$URL DAGDA_TOKEN=$SCAN run_dagda agent-table agent "$ALPINE" --name agent-host/alpine
if [[ $RC == 0 ]] && cmp -s <(tail -n +2 "$SCRATCH/local-table.out") <(tail -n +2 "$SCRATCH/agent-table.out") &&
  head -1 "$SCRATCH/agent-table.out" | grep -q '(sbom)'; then pass "agent table (DAGDA_SERVER, DAGDA_TOKEN) = local table"
else fail "agent table exited $RC or differs"; diff "$SCRATCH/local-table.out" "$SCRATCH/agent-table.out" | head -10 || true; fi

# The exit-code policy of scan: --exit-code N when findings at --severity remain (the
# findings here are of severity unknown: none is critical).
for fmt in table json sarif cyclonedx; do
  run_dagda "agent-exit-$fmt" agent --server "$URL" --token "$SCAN" "$ALPINE" --format "$fmt" --exit-code 3
  ALL_RC=$RC
  run_dagda "agent-exit-crit-$fmt" agent --server "$URL" --token "$SCAN" "$ALPINE" --format "$fmt" --exit-code 3 --severity critical
  CRIT_RC=$RC
  run_dagda "local-exit-crit-$fmt" --db "$DB" scan "$ALPINE" --format "$fmt" --exit-code 3 --severity critical
  if [[ $ALL_RC == 3 && $CRIT_RC == 0 && $RC == 0 ]]; then pass "agent --format $fmt --exit-code 3: 3, and 0 with --severity critical as locally"
  else fail "agent --format $fmt exit codes $ALL_RC/$CRIT_RC (local $RC), wanted 3/0"; fi
done
jq -e '.version == "2.1.0"' "$SCRATCH/agent-exit-sarif.out" >/dev/null && pass "agent --format sarif: SARIF 2.1.0" || fail "agent sarif"
jq -e '.bomFormat == "CycloneDX"' "$SCRATCH/agent-exit-cyclonedx.out" >/dev/null && pass "agent --format cyclonedx" || fail "agent cyclonedx"

# The history shows the agent's entries.
H=$(jq -rn --arg s "agent-host/alpine" '$s | @uri')
curl -sf -H "Authorization: Bearer $READ" "$URL/v1/history/$H" >"$SCRATCH/agent-history.json" || true
jq -e ".entries[0].origin == \"agent\" and .entries[0].summary.total == $N_ALPINE" "$SCRATCH/agent-history.json" >/dev/null &&
  pass "the history holds the agent's entry" || fail "agent history: $(head -c 300 "$SCRATCH/agent-history.json")"

# Errors: auth, scope, a server that is down, bad options.
fails agent-no-token 2 "no API token" agent --server "$URL" "$ALPINE"
fails agent-bad-token 2 "refused the token.*401 unauthorized" agent --server "$URL" --token dgd_nope "$ALPINE"
fails agent-revoked 2 "refused the token.*token_revoked" agent --server "$URL" --token "$REVOKED" "$ALPINE"
fails agent-read-scope 2 "needs a token of scope 'scan'" agent --server "$URL" --token "$READ" "$ALPINE"
DOWN=$(free_port)
fails agent-down 1 "cannot reach the dagda server at http://127.0.0.1:$DOWN" agent --server "http://127.0.0.1:$DOWN" --token "$SCAN" "$ALPINE"
fails agent-bad-url 2 "not an http" agent --server "ftp://x" --token "$SCAN" "$ALPINE"
fails agent-no-server 2 "no server" agent --token "$SCAN" "$ALPINE"
fails agent-bad-format 2 "unknown format" agent --server "$URL" --token "$SCAN" "$ALPINE" --format spdx
fails agent-token-first 2 "refused the token" agent --server "$URL" --token dgd_nope "$SCRATCH/no-such.tar"
fails agent-bad-source 1 "no-such" agent --server "$URL" --token "$SCAN" "$SCRATCH/no-such.tar"

# ---- remote mode: scan, history, fp, vuln give the local answer ----
R=(--server "$URL" --token "$SCAN")
# scan: the check runs on the server (the image is under its --allow-path).
for fmt in json table; do
  run_dagda "remote-scan-$fmt" scan "$ALPINE" "${R[@]}" --format "$fmt"
  [[ $RC == 0 ]] || fail "remote scan --format $fmt exited $RC: $(head -3 "$SCRATCH/remote-scan-$fmt.err")"
done
# A check on the server runs the default scanners, as a local scan does.
run_dagda local-alpine-default --db "$DB" scan "$ALPINE" --format json
same_findings remote-scan-vs-local "$SCRATCH/local-alpine-default.out" "$SCRATCH/remote-scan-json.out" 1
check "remote scan: the default scanners" jq -e '.scanners == ["vuln","secret","config"]' "$SCRATCH/remote-scan-json.out"
cmp -s "$SCRATCH/local-table.out" "$SCRATCH/remote-scan-table.out" && pass "remote scan table = local table" ||
  { fail "remote scan table differs"; diff "$SCRATCH/local-table.out" "$SCRATCH/remote-scan-table.out" | head -10 || true; }
run_dagda local-scan-filtered --db "$DB" scan "$ALPINE" --format json --severity high
run_dagda remote-scan-filtered scan "$ALPINE" "${R[@]}" --format json --severity high
same_findings remote-scan-options "$SCRATCH/local-scan-filtered.out" "$SCRATCH/remote-scan-filtered.out"
jq -e '[.suppressed[].suppression.kind] | index("severity") != null' "$SCRATCH/remote-scan-filtered.out" >/dev/null &&
  pass "remote scan: --severity went to the server" || fail "remote scan: no severity suppression in the report"
run_dagda remote-scan-exit scan "$ALPINE" "${R[@]}" --exit-code 4
[[ $RC == $([[ $N_ALPINE -gt 0 ]] && echo 4 || echo 0) ]] && pass "remote scan --exit-code: $RC" || fail "remote scan --exit-code: $RC"
run_dagda remote-scan-sarif scan "$ALPINE" "${R[@]}" --format sarif -o "$SCRATCH/remote.sarif"
[[ $RC == 0 ]] && jq -e '.version == "2.1.0"' "$SCRATCH/remote.sarif" >/dev/null && pass "remote scan -o FILE --format sarif" || fail "remote scan sarif: $RC"
fails remote-scan-path 2 "path_not_allowed.*--allow-path" scan "$LAYERED" "${R[@]}"
fails remote-scan-vex 2 "--vex has no meaning with --server" scan "$ALPINE" "${R[@]}" --vex "$SCRATCH/x.json"
fails remote-scan-read 2 "needs a token of scope 'scan'" scan "$ALPINE" --server "$URL" --token "$READ"
fails remote-scan-missing 1 "failed on the server" scan "rootfs-archive:$ALPINE_DIR/no-such.tar.gz" "${R[@]}"

# history: the server's entries, printed as the local command prints the same database.
for args in "" "agent-host/alpine" "agent-host/alpine --json"; do
  # shellcheck disable=SC2086
  run_dagda "hl" --db "$DB" history $args
  cp "$SCRATCH/hl.out" "$SCRATCH/history-local.out"
  # shellcheck disable=SC2086
  run_dagda "hr" history $args --server "$URL" --token "$READ"
  if [[ $RC == 0 && -s $SCRATCH/hr.out ]] && cmp -s "$SCRATCH/history-local.out" "$SCRATCH/hr.out"; then pass "remote history $args = local"
  else fail "remote history $args (exit $RC)"; diff "$SCRATCH/history-local.out" "$SCRATCH/hr.out" | head -6 || true; fi
done
IDS=($(jq -r '.[].id' "$SCRATCH/hr.out" | head -2))
for args in "--id ${IDS[0]}" "--diff ${IDS[1]} ${IDS[0]}" "--diff ${IDS[1]} ${IDS[0]} --json"; do
  # shellcheck disable=SC2086
  run_dagda "hl" --db "$DB" history agent-host/alpine $args
  cp "$SCRATCH/hl.out" "$SCRATCH/history-local.out"
  # shellcheck disable=SC2086
  run_dagda "hr" history agent-host/alpine $args --server "$URL" --token "$READ"
  if [[ $RC == 0 && -s $SCRATCH/hr.out ]] && cmp -s "$SCRATCH/history-local.out" "$SCRATCH/hr.out"; then pass "remote history $args = local"
  else fail "remote history $args (exit $RC)"; diff "$SCRATCH/history-local.out" "$SCRATCH/hr.out" | head -6 || true; fi
done
DAGDA_SERVER=http://127.0.0.1:$DOWN DAGDA_TOKEN=$READ run_dagda history-local-override --db "$DB" history --server ''
[[ $RC == 0 ]] && cmp -s "$SCRATCH/history-local-override.out" <("$DAGDA" --db "$DB" history 2>/dev/null) &&
  pass "--server '' runs locally despite DAGDA_SERVER" || fail "--server '': exit $RC $(head -2 "$SCRATCH/history-local-override.err")"
fails remote-history-id-noimage 2 "need the IMAGE" history --id "${IDS[0]}" --server "$URL" --token "$READ"
fails remote-history-none 1 "404 not_found" history no-such-image --server "$URL" --token "$READ"

# fp: a mark set remotely is the mark `fp list` sees locally, and hides the package in the next agent report.
PKG=$(jq -r '.findings[0].package.name' "$SCRATCH/local-alpine.out")
VER=$(jq -r '.findings[0].package.version' "$SCRATCH/local-alpine.out")
run_dagda fp-add fp add agent-host/alpine "$PKG:$VER" "${R[@]}"
[[ $RC == 0 ]] && pass "remote fp add" || fail "remote fp add exited $RC: $(cat "$SCRATCH/fp-add.err")"
run_dagda fp-list --db "$DB" fp list agent-host/alpine
grep -q "^agent-host/alpine	$PKG:$VER	\*	" "$SCRATCH/fp-list.out" && pass "the remote mark is the local mark" || fail "fp list: $(cat "$SCRATCH/fp-list.out")"
run_dagda agent-fp agent "$ALPINE" --name agent-host/alpine --format json "${R[@]}"
jq -e --arg p "$PKG" '([.findings[] | select(.package.name == $p)] | length == 0) and ([.suppressed[] | select(.suppression.kind == "fp")] | length > 0)' \
  "$SCRATCH/agent-fp.out" >/dev/null && pass "the mark hides $PKG in the next agent report" || fail "agent report after fp add"
# A mark on one vulnerability; fp list (one image, every image) prints what the local one prints.
VID=$(jq -r '.findings[0].id' "$SCRATCH/local-alpine.out")
run_dagda fp-add-vuln fp add agent-host/alpine "$PKG" "$VID" "${R[@]}"
[[ $RC == 0 ]] && pass "remote fp add with VULN_ID" || fail "remote fp add $PKG $VID exited $RC: $(cat "$SCRATCH/fp-add-vuln.err")"
for img in agent-host/alpine ""; do
  # shellcheck disable=SC2086
  run_dagda fll --db "$DB" fp list $img
  cp "$SCRATCH/fll.out" "$SCRATCH/fp-list-local.out"
  # shellcheck disable=SC2086
  run_dagda flr fp list $img --server "$URL" --token "$READ"
  if [[ $RC == 0 ]] && grep -q "	$PKG	$VID	" "$SCRATCH/flr.out" && grep -q "	$PKG:$VER	\*	" "$SCRATCH/flr.out" &&
    cmp -s "$SCRATCH/fp-list-local.out" "$SCRATCH/flr.out"; then pass "remote fp list ${img:-(every image)} = local ($(wc -l <"$SCRATCH/flr.out") marks)"
  else fail "remote fp list ${img:-(every image)} (exit $RC)"; diff "$SCRATCH/fp-list-local.out" "$SCRATCH/flr.out" | head -6 || true; fi
done
run_dagda fp-rm-vuln fp remove agent-host/alpine "$PKG" "$VID" "${R[@]}"
[[ $RC == 0 ]] && ! "$DAGDA" --db "$DB" fp list agent-host/alpine | grep -q "	$VID	" && pass "remote fp remove with VULN_ID" ||
  fail "remote fp remove $PKG $VID exited $RC"
fails fp-rm-vuln-again 1 "no such mark" fp remove agent-host/alpine "$PKG" "$VID" "${R[@]}"
fails fp-add-read 2 "needs a token of scope 'scan'" fp add agent-host/alpine "$PKG" --server "$URL" --token "$READ"
run_dagda fp-rm fp remove agent-host/alpine "$PKG:$VER" "${R[@]}"
[[ $RC == 0 ]] && pass "remote fp remove" || fail "remote fp remove exited $RC"
run_dagda fp-list2 --db "$DB" fp list agent-host/alpine
[[ ! -s $SCRATCH/fp-list2.out ]] && pass "the mark is gone locally too" || fail "fp list after remove: $(cat "$SCRATCH/fp-list2.out")"
fails fp-rm-again 1 "no such mark" fp remove agent-host/alpine "$PKG:$VER" "${R[@]}"

# vuln: the server answers the document the local query prints (--json), and the text is the
# local text, byte for byte.
LOG4SHELL=CVE-2021-44228  # KEV, EPSS, Exploit-DB, and Debian's DSA-5020-1 / DLA-2842-1
NVD_CVE=$(jq -r '.CVE_Items[0].cve.CVE_data_meta.ID' "$DATA/vulndb/nvd-samples/nvdcve-1.1-osvdev-669.json")  # an NVD record with CVSS and CWE
EDB=$(jq -r --arg c "$LOG4SHELL" '.[$c][0]' "$DATA/vulndb/exploitdb-cve-mapping/exploitdb_mapping_cve.json")
BID=$(head -n1 "$DATA/vulndb/bugtraq/biddb-sample.jsonl" | jq -r .bugtraq_id)
run_dagda vl-log4shell --db "$DB" vuln --cve "$LOG4SHELL" --json
jq -e '(.kev | length) == 1 and (.epss | length) == 1 and (.exploits | length) > 0 and (.related_advisories | index("DSA-5020-1")) != null' \
  "$SCRATCH/vl-log4shell.out" >/dev/null && pass "local vuln $LOG4SHELL: KEV, EPSS, exploits, related advisories" ||
  fail "local vuln $LOG4SHELL lacks KEV, EPSS or exploits: $(head -c 300 "$SCRATCH/vl-log4shell.out")"
run_dagda vl-nvd --db "$DB" vuln --cve "$NVD_CVE" --json
jq -e '(.records[0].cvss | length) > 0 and (.records[0].cwes | length) > 0' "$SCRATCH/vl-nvd.out" >/dev/null &&
  pass "local vuln $NVD_CVE: an NVD record with CVSS and CWE" || fail "local vuln $NVD_CVE: $(head -c 300 "$SCRATCH/vl-nvd.out")"
CVE=CVE-2019-14697  # musl's, in the imported v3.7/main.yaml
for q in "--cve $LOG4SHELL" "--cve $NVD_CVE" "--cve $CVE" "--advisory DSA-5020-1" "--product musl" \
  "--product musl --version 1.1.18-r3" "--product musl --ecosystem alpine:3.7" "--product apache-log4j2 --version 2.15.0-1~deb10u1" \
  "--exploit $EDB" "--bid $BID"; do
  for json in "" --json; do
    # shellcheck disable=SC2086
    run_dagda vl --db "$DB" vuln $q $json
    LRC=$RC
    cp "$SCRATCH/vl.out" "$SCRATCH/vuln-local.out"
    # shellcheck disable=SC2086
    run_dagda vr vuln $q $json --server "$URL" --token "$READ"
    if [[ $RC == 0 && $LRC == 0 && -s $SCRATCH/vr.out ]] && cmp -s "$SCRATCH/vuln-local.out" "$SCRATCH/vr.out"; then
      pass "remote vuln $q ${json:-(text)} = local ($(wc -l <"$SCRATCH/vr.out") lines)"
    else fail "remote vuln $q ${json:-(text)} (exit $RC, local $LRC)"; diff "$SCRATCH/vuln-local.out" "$SCRATCH/vr.out" | head -6 || true; fi
  done
done
# The answers are the shapes the OpenAPI document states (its component schemas, validated with jsonschema).
curl -sf -H "Authorization: Bearer $READ" "$URL/v1/openapi.json" >"$SCRATCH/openapi.json" || fail "GET /v1/openapi.json"
vuln_get() { curl -s -H "Authorization: Bearer $READ" "$URL/v1/vuln/$1" >"$SCRATCH/$2.json"; }
vuln_get "cve/$LOG4SHELL" VulnById && vuln_get "advisory/DSA-5020-1" VulnById-advisory &&
  vuln_get "products/musl/1.1.18-r3" VulnProduct && vuln_get "exploit/$EDB" VulnExploitEntry && vuln_get "bid/$BID" VulnBugtraqEntry
if python3 - "$SCRATCH" <<'PY' >"$SCRATCH/schemas.out" 2>&1; then pass "vuln answers match the OpenAPI schemas"; else fail "schemas: $(tail -5 "$SCRATCH/schemas.out")"; fi
import json, sys, jsonschema
d = sys.argv[1]
doc = json.load(open(d + "/openapi.json"))
schemas = doc["components"]["schemas"]
def to_jsonschema(s):  # OpenAPI 3.0's nullable as JSON Schema, refs into one definitions table
    if isinstance(s, dict):
        out = {k: to_jsonschema(v) for k, v in s.items() if k != "nullable"}
        if s.get("nullable"):
            out["type"] = [s["type"], "null"]
        if "$ref" in out:
            out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/definitions/")
        return out
    if isinstance(s, list):
        return [to_jsonschema(x) for x in s]
    return s
defs = to_jsonschema(schemas)
for name, file in [("VulnById", "VulnById"), ("VulnById", "VulnById-advisory"), ("VulnProduct", "VulnProduct"),
                   ("VulnExploitEntry", "VulnExploitEntry"), ("VulnBugtraqEntry", "VulnBugtraqEntry")]:
    answer = json.load(open(d + "/" + file + ".json"))
    jsonschema.validate(answer, {"$ref": "#/definitions/" + name, "definitions": defs})
    print(file, "ok")
# Each vuln route names its schema.
for path, ops in doc["paths"].items():
    if path.startswith("/v1/vuln/") and "init" not in path and "update" not in path:
        ref = ops["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert ref.split("/")[-1] in schemas, path
PY
fails vuln-none 1 "404 not_found" vuln --cve CVE-1999-99999 --server "$URL" --token "$READ"
fails vuln-bad-eco 2 "400 invalid_input.*unknown ecosystem" vuln --product musl --ecosystem nosuch --server "$URL" --token "$READ"
fails vuln-down 1 "cannot reach the dagda server" vuln --cve "$CVE" --json --server "http://127.0.0.1:$DOWN" --token "$READ"

# A job that never runs (a server without workers, on a database of its own): --timeout bounds the wait.
QDB=$SCRATCH/queue-only.db
QTOKEN=$("$DAGDA" --db "$QDB" token create q --scope scan 2>>"$SCRATCH/token.err")
QPORT=$(free_port)
"$DAGDA" --db "$QDB" serve --listen "127.0.0.1:$QPORT" --workers 0 --allow-path "$ALPINE_DIR" 2>"$SCRATCH/serve-q.log" &
at_exit "kill -9 $! 2>/dev/null || true"
wait_for "dagda serve (no workers)" 30 curl -sf "http://127.0.0.1:$QPORT/healthz"
START=$SECONDS
fails remote-scan-timeout 1 "still queued after 2 s \(--timeout\)" scan "$ALPINE" --server "http://127.0.0.1:$QPORT" --token "$QTOKEN" --timeout 2
((SECONDS - START <= 10)) && pass "--timeout 2 ended the wait in $((SECONDS - START)) s" || fail "--timeout 2 took $((SECONDS - START)) s"

# A broken or hostile server: each answer one clear error line, under a memory bound.
HPORT=$(free_port)
python3 "$DAGDA_SOURCE_DIR/tests/integration/hostile_dagda_server.py" "$HPORT" >"$SCRATCH/hostile.out" 2>&1 &
at_exit "kill $! 2>/dev/null || true"
wait_for "the hostile server" 10 grep -q ready "$SCRATCH/hostile.out"
hostile() {  # hostile MODE WANT_RC PATTERN [FORMAT]
  fails "hostile-$1" "$2" "$3" agent "$ALPINE" --server "http://127.0.0.1:$HPORT" --token x --name "$1" --format "${4:-table}"
}
DAGDA_REAL=$DAGDA
printf '#!/bin/sh\nexec prlimit --as=1073741824 "%s" "$@"\n' "$DAGDA_REAL" >"$SCRATCH/dagda-limited"
chmod +x "$SCRATCH/dagda-limited"
DAGDA=$SCRATCH/dagda-limited
hostile notjson 1 "the server's report: not JSON"
hostile html500 1 "the server failed: HTTP 500 without a dagda error body"
hostile badschema 1 "not a dagda.scan/v1 report"
hostile wrongtypes 1 "'id' is not a string"
hostile deep 1 "the server's report: not JSON" json
hostile cut 1 "cannot reach the dagda server.*cut short"
hostile oddstatus 1 "418 teapot: .x1b"
H=(--server "http://127.0.0.1:$HPORT" --token x)
fails hostile-vuln-schema 1 "not a dagda.vuln/v1 document" vuln --cve vulnbadschema "${H[@]}"
fails hostile-vuln-types 1 "not a dagda.vuln/v1 document.*type must be" vuln --cve vulnwrongtypes "${H[@]}"
fails hostile-vuln-missing 1 "not a dagda.vuln/v1 document" vuln --product vulnmissing "${H[@]}"
fails hostile-vuln-deep 1 "not JSON" vuln --cve deep "${H[@]}"
fails hostile-marks-wrong 1 "the server's marks.*a mark without" fp list markswrong "${H[@]}"
fails hostile-marks-none 1 "the server's marks.*no \"marks\" list" fp list marksnone "${H[@]}"
DAGDA=$DAGDA_REAL

# TLS: a server with a certificate of our own CA, trusted with --cacert, refused without.
make_ca "$SCRATCH/tls"
TPORT=$(free_port)
"$DAGDA" --db "$DB" serve --listen "127.0.0.1:$TPORT" --workers 0 --tls-cert "$SCRATCH/tls/server.crt" \
  --tls-key "$SCRATCH/tls/server.key" 2>"$SCRATCH/serve-tls.log" &
at_exit "kill -9 $! 2>/dev/null || true"
wait_for "dagda serve (TLS)" 30 curl -sf --cacert "$SCRATCH/tls/ca.crt" "https://127.0.0.1:$TPORT/healthz"
run_dagda agent-tls agent --server "https://127.0.0.1:$TPORT" --token "$SCAN" --cacert "$SCRATCH/tls/ca.crt" "$ALPINE" --format json
[[ $RC == 0 ]] && same_findings agent-tls "$SCRATCH/local-alpine.out" "$SCRATCH/agent-tls.out" 1 || fail "agent over TLS exited $RC: $(head -2 "$SCRATCH/agent-tls.err")"
fails agent-tls-untrusted 1 "cannot reach the dagda server" agent --server "https://127.0.0.1:$TPORT" --token "$SCAN" "$ALPINE"

finish
