#!/usr/bin/env bash
# `dagda serve` end to end: the real server process on a free port over a
# scratch SQLite database made by importing a real feed, then two servers and
# `dagda worker` processes sharing one PostgreSQL (scripts/start-postgres.sh).
# Every route of the OpenAPI document is called (checked from the access log),
# the document is validated by swagger-cli (npm), auth, bad input, parallel
# checks, and a worker killed with -9 in the middle of a job.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/services.sh"
DATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
SECDB="$DATA/vulndb/alpine-secdb-yaml"
IMAGES="$DATA/images"
ALPINE="$IMAGES/trivy-docker-save/alpine-310.tar.gz"
command -v curl >/dev/null || fatal "curl is required"
command -v swagger-cli >/dev/null || fatal "swagger-cli is required (scripts/install-deps.sh test)"
command -v docker-registry >/dev/null && command -v skopeo >/dev/null || fatal "docker-registry and skopeo are required"

DB=$SCRATCH/state.db
run_dagda() {  # run_dagda NAME ARGS...: sets RC; output in $SCRATCH/NAME.out/.err
  local name=$1
  shift
  set +e
  "$DAGDA" "$@" >"$SCRATCH/$name.out" 2>"$SCRATCH/$name.err"
  RC=$?
  set -e
}
"$DAGDA" --db "$DB" db import "$SECDB/v3.10/main.yaml" >/dev/null 2>"$SCRATCH/import.err" || { cat "$SCRATCH/import.err"; fatal "db import failed"; }

# Tokens, made with the CLI.
tok() { "$DAGDA" --db "$1" token create "$2" --scope "$3" ${4:+--expires "$4"} 2>>"$SCRATCH/token.err"; }
ADMIN=$(tok "$DB" admin admin)
SCAN=$(tok "$DB" ci scan)
READ=$(tok "$DB" reader read)
EXPIRING=$(tok "$DB" short read 1s)
REVOKED=$(tok "$DB" gone read)
run_dagda revoke --db "$DB" token revoke gone
[[ $RC == 0 ]] && pass "token revoke" || fail "token revoke exited $RC"
run_dagda revoke-again --db "$DB" token revoke gone
[[ $RC == 1 ]] && pass "revoking a revoked token is an error" || fail "revoke again exited $RC"
run_dagda token-list --db "$DB" token list --json
if jq -e 'length == 5 and (map(.name) | sort == ["admin","ci","gone","reader","short"]) and ([.[] | select(.revoked_at != null)] | length == 1)' "$SCRATCH/token-list.out" >/dev/null &&
  ! grep -q -e "$ADMIN" -e "$SCAN" "$SCRATCH/token-list.out"; then pass "token list: 5 tokens, one revoked, no secrets"
else fail "token list"; cat "$SCRATCH/token-list.out"; fi
run_dagda bad-scope --db "$DB" token create x --scope root
[[ $RC == 2 ]] && pass "unknown scope is a usage error" || fail "unknown scope exited $RC"

# ---- one server on SQLite ----
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
start_server() {  # start_server LOG ARGS...: a server in the background; SERVER_PID
  local log=$1
  shift
  "$DAGDA" "$@" 2>"$log" &
  SERVER_PID=$!
  at_exit "kill -9 $SERVER_PID 2>/dev/null || true"
}
# No engine behind DOCKER_HOST for this server: the docker routes answer with their JSON error.
export DOCKER_HOST="unix://$SCRATCH/no-engine.sock"
mkdir -p "$SCRATCH/empty-mirror"
start_server "$SCRATCH/serve.log" --db "$DB" serve --listen "127.0.0.1:$PORT" --workers 2 --allow-path "$IMAGES" \
  --feed kev --feed-mirror "$SCRATCH/empty-mirror" \
  --read-timeout 2 --max-body 1048576 --lease 5
MAIN_PID=$SERVER_PID
wait_for "dagda serve" 30 curl -sf "$BASE/healthz"
# The listen queue is the kernel's (somaxconn), not the 5 Debian's cpp-httplib listens with: many
# clients connecting at once are not dropped (a dropped handshake costs its request a second).
backlog=$(ss -Hltn "sport = :$PORT" | awk '{print $3}' | head -1)
[[ $backlog =~ ^[0-9]+$ ]] && ((backlog > 5)) && pass "the listen backlog is $backlog, not cpp-httplib's 5" ||
  fail "the listen backlog is '$backlog'"

# api NAME METHOD PATH [TOKEN] [CURL ARGS...]: sets CODE; the body in $SCRATCH/NAME.json
api() {
  local name=$1 method=$2 path=$3 token=${4:-}
  shift 3
  (($#)) && shift
  local auth=()
  [[ -n $token ]] && auth=(-H "Authorization: Bearer $token")
  # A POST, PATCH or PUT without a body still sends Content-Length: 0 (the server requires one).
  [[ ($method == POST || $method == PATCH || $method == PUT) && " $* " != *" -d "* && " $* " != *" --data-binary "* ]] && auth+=(-H 'Content-Length: 0')
  CODE=$(curl -s --path-as-is -o "$SCRATCH/$name.json" -w '%{http_code}' -X "$method" "${auth[@]}" "$@" "$BASE$path" || true)
}
# expect NAME STATUS [JQ]: the last api call answered STATUS with a JSON body matching JQ.
expect() {
  local name=$1 status=$2 filter=${3:-.}
  if [[ $CODE == "$status" ]] && jq -e "$filter" "$SCRATCH/$name.json" >/dev/null 2>&1; then pass "$name: $status"
  else fail "$name: got $CODE (wanted $status, $filter)"; head -c 600 "$SCRATCH/$name.json"; echo; fi
}
# error NAME STATUS CODE: a JSON error body with that stable code.
error() { expect "$1" "$2" ".error.code == \"$3\" and (.error.message | length > 0)"; }
enc() { jq -rn --arg s "$1" '$s | @uri'; }
# wait_job ID TOKEN: polls until the job is done or failed; prints its JSON.
wait_job() {
  local i
  for ((i = 0; i < 600; i++)); do
    curl -s -H "Authorization: Bearer $2" "$BASE/v1/jobs/$1" >"$SCRATCH/job-$1.json" || true
    if jq -e '.state == "done" or .state == "failed"' "$SCRATCH/job-$1.json" >/dev/null 2>&1; then
      cat "$SCRATCH/job-$1.json"
      return 0
    fi
    sleep 0.1
  done
  cat "$SCRATCH/job-$1.json"
}

api healthz GET /healthz; expect healthz 200 '.status == "ok"'
api readyz GET /readyz; expect readyz 200 '.status == "ready"'

# Auth.
api noauth GET /v1/history; error noauth 401 unauthorized
api badtoken GET /v1/history dgd_nope; error badtoken 401 unauthorized
api revoked GET /v1/history "$REVOKED"; error revoked 401 token_revoked
sleep 1.2
api expired GET /v1/history "$EXPIRING"; error expired 401 token_expired
api readscope POST /v1/check "$READ" -d '{"source":"docker:alpine"}'; error readscope 403 forbidden
api metrics-scan GET /metrics "$SCAN"; error metrics-scan 403 forbidden

# OpenAPI: served, valid, every route with its scope.
api openapi GET /v1/openapi.json "$READ"; expect openapi 200 '.openapi | startswith("3.")'
if swagger-cli validate "$SCRATCH/openapi.json" >"$SCRATCH/swagger.out" 2>&1; then pass "swagger-cli validates the OpenAPI document"
else fail "swagger-cli: $(cat "$SCRATCH/swagger.out")"; fi
jq -e '[.paths[][] | select(has("x-dagda-scope") | not)] | length == 0' "$SCRATCH/openapi.json" >/dev/null &&
  pass "every operation states its scope" || fail "an operation without x-dagda-scope"

# A check of a real image: 202, job, report in three formats.
api check POST /v1/check "$SCAN" -H 'Content-Type: application/json' -d "{\"source\":\"$ALPINE\"}"
expect check 202 '.state == "queued" and (.id | type == "number")'
JOB1=$(jq -r .id "$SCRATCH/check.json")
wait_job "$JOB1" "$READ" >"$SCRATCH/job1.json"
if jq -e '.state == "done" and (.report_id | type == "number") and .error == null' "$SCRATCH/job1.json" >/dev/null; then pass "the check job is done"
else fail "job $JOB1: $(cat "$SCRATCH/job1.json")"; tail -5 "$SCRATCH/serve.log"; fi
REP1=$(jq -r .report_id "$SCRATCH/job1.json")
IMG=$(enc "$ALPINE")
api get-job GET "/v1/jobs/$JOB1" "$READ"; expect get-job 200 ".id == $JOB1"
api report GET "/v1/history/$IMG?id=$REP1" "$READ"
expect report 200 '.schema == "dagda.scan/v1" and (.packages | length > 0)'
api report-sarif GET "/v1/history/$IMG?id=$REP1&format=sarif" "$READ"; expect report-sarif 200 '.version == "2.1.0"'
api report-cdx GET "/v1/history/$IMG?id=$REP1" "$READ" -H 'Accept: application/vnd.cyclonedx+json'
expect report-cdx 200 '.bomFormat == "CycloneDX"'
api report-badfmt GET "/v1/history/$IMG?id=$REP1&format=xml" "$READ"; error report-badfmt 400 invalid_input
# The same image by its digest and its tag.
DIGEST=$(jq -r '.source.image_id // empty' "$SCRATCH/report.json")
api by-digest GET "/v1/history/$(enc "$DIGEST")" "$READ"; expect by-digest 200 "[.entries[].id] | index($REP1) != null"
api history-list GET /v1/history "$READ"; expect history-list 200 ".entries[0].job_id == $JOB1"
api history-limit GET "/v1/history?limit=0" "$READ"; error history-limit 400 invalid_input

# fp marks: a finding's package marked, carried to the next scan, then removed.
PKG=$(jq -r '.packages[0].name' "$SCRATCH/report.json")
VER=$(jq -r '.packages[0].version' "$SCRATCH/report.json")
api fp-get-none GET "/v1/history/$IMG/fp/$(enc "$PKG")" "$READ"; error fp-get-none 404 not_found
api fp-patch-read PATCH "/v1/history/$IMG/fp/$(enc "$PKG")/$(enc "$VER")" "$READ"; error fp-patch-read 403 forbidden
api fp-patch PATCH "/v1/history/$IMG/fp/$(enc "$PKG")/$(enc "$VER")" "$SCAN"; expect fp-patch 200 ".marked.product == \"$PKG\""
api fp-get GET "/v1/history/$IMG/fp/$(enc "$PKG")/$(enc "$VER")" "$READ"; expect fp-get 200 '.marks | length == 1'
api fp-get-p GET "/v1/history/$IMG/fp/$(enc "$PKG")" "$READ"; expect fp-get-p 200 '.marks | length == 1'
api fp-patch-p PATCH "/v1/history/$IMG/fp/$(enc "$PKG")" "$SCAN"; expect fp-patch-p 200
api fp-del-p DELETE "/v1/history/$IMG/fp/$(enc "$PKG")" "$SCAN"; expect fp-del-p 200 '.removed == 1'
# The marks of an image, and of every image; a mark on one vulnerability (?vuln=).
api fp-list GET "/v1/history/$IMG/fp" "$READ"; expect fp-list 200 ".marks | length == 1 and .[0].product == \"$PKG\" and .[0].version == \"$VER\""
api fp-list-all GET /v1/fp "$READ"; expect fp-list-all 200 "[.marks[] | select(.product == \"$PKG\")] | length == 1"
api fp-list-none GET "/v1/history/no-such-image/fp" "$READ"; expect fp-list-none 200 '.marks == []'
api fp-vuln PATCH "/v1/history/$IMG/fp/$(enc "$PKG")?vuln=CVE-2019-0001" "$SCAN"; expect fp-vuln 200 '.marked.vulnerability == "CVE-2019-0001"'
api fp-vuln-get GET "/v1/history/$IMG/fp/$(enc "$PKG")?vuln=CVE-2019-0001" "$READ"; expect fp-vuln-get 200 '.marks | length == 1'
api fp-vuln-other GET "/v1/history/$IMG/fp/$(enc "$PKG")?vuln=CVE-2019-0002" "$READ"; error fp-vuln-other 404 not_found
api fp-vuln-empty PATCH "/v1/history/$IMG/fp/$(enc "$PKG")?vuln=" "$SCAN"; error fp-vuln-empty 400 invalid_input
api fp-vuln-del DELETE "/v1/history/$IMG/fp/$(enc "$PKG")?vuln=CVE-2019-0001" "$SCAN"; expect fp-vuln-del 200 '.removed == 1'
api check2 POST "/v1/check/images/$IMG" "$SCAN"; expect check2 202
JOB2=$(jq -r .id "$SCRATCH/check2.json")
REP2=$(wait_job "$JOB2" "$READ" | jq -r .report_id)
api report2 GET "/v1/history/$IMG?id=$REP2" "$READ"
expect report2 200 "[.findings[] | select(.package.name == \"$PKG\")] | length == 0"
api diff GET "/v1/history/$IMG/diff?from=$REP1&to=$REP2" "$READ"
expect diff 200 "(.removed | length == 0) and (.added | length == 0) and .from == $REP1 and .to == $REP2"
api diff-default GET "/v1/history/$IMG/diff" "$READ"; expect diff-default 200 ".to == $REP2 and .from == $REP1"
api diff-other GET "/v1/history/other%3A1/diff?from=$REP1&to=$REP2" "$READ"; error diff-other 404 not_found
api fp-del DELETE "/v1/history/$IMG/fp/$(enc "$PKG")/$(enc "$VER")" "$SCAN"; expect fp-del 200 '.removed == 1'
api fp-del-again DELETE "/v1/history/$IMG/fp/$(enc "$PKG")/$(enc "$VER")" "$SCAN"; error fp-del-again 404 not_found

# An agent's report: the inventory (CycloneDX from `dagda sbom`), matched and stored by the server.
"$DAGDA" sbom "$ALPINE" --format cyclonedx -o "$SCRATCH/agent.cdx.json" 2>/dev/null
api agent POST "/v1/history/agent-host%2Falpine%3A3.10" "$SCAN" -H 'Content-Type: application/json' --data-binary "@$SCRATCH/agent.cdx.json"
expect agent 201 '.schema == "dagda.scan/v1" and (.packages | length > 0)'
api agent-history GET "/v1/history/agent-host%2Falpine%3A3.10" "$READ"; expect agent-history 200 '.entries[0].origin == "agent"'
api agent-bad POST "/v1/history/x" "$SCAN" -d '{"bomFormat": 7}'; error agent-bad 400 invalid_input

# Containers and the engine: no engine behind DOCKER_HOST here, a JSON error naming it.
api container POST "/v1/check/containers/abc123" "$SCAN"; expect container 202
JOBC=$(jq -r .id "$SCRATCH/container.json")
wait_job "$JOBC" "$READ" >"$SCRATCH/jobc.json"
jq -e '.state == "failed" and (.error | length > 0)' "$SCRATCH/jobc.json" >/dev/null && pass "a container check without an engine fails with its error" || fail "container job: $(cat "$SCRATCH/jobc.json")"
for what in images containers events; do
  api "docker-$what" GET "/v1/docker/$what" "$READ"; error "docker-$what" 502 engine_unavailable
done
# Monitor windows need the engine too (none here); alerts a Falco posts are stored and listed
# (monitor_test.sh opens and closes windows on a real container).
api mon-start POST "/v1/monitor/containers/abc123/start" "$SCAN"; error mon-start 503 unavailable
api mon-stop POST "/v1/monitor/containers/abc123/stop" "$SCAN"; error mon-stop 503 unavailable
api mon-start-read POST "/v1/monitor/containers/abc123/start" "$READ"; error mon-start-read 403 forbidden
api mon-falco POST /v1/monitor/falco "$SCAN" --data-binary "@$DATA/falco/alerts/elastic-integrations-falco-alerts-subset.jsonl"
expect mon-falco 201 '.stored > 0'
api mon-events GET "/v1/monitor/events?container=9656db3bb358" "$READ"; expect mon-events 200 '.count == 3 and .schema == "dagda.monitor-events/v1"'
api mon-events-bad GET "/v1/monitor/events?since=yesterday-ish" "$READ"; error mon-events-bad 400 invalid_input

# The knowledge base.
CVE=CVE-2019-10206  # ansible's, in the imported v3.10/main.yaml
api cve GET "/v1/vuln/cve/$CVE" "$READ"; expect cve 200 ".query.cve == \"$CVE\" and (.affected | length > 0)"
api cve-none GET "/v1/vuln/cve/CVE-1999-99999" "$READ"; error cve-none 404 not_found
api advisory GET "/v1/vuln/advisory/$CVE" "$READ"; expect advisory 200 '.affected | length > 0'
# The advisory's package (Alpine files advisories under the origin package).
APKG=ansible
AVER=2.8.3-r0
api product GET "/v1/vuln/products/$(enc "$APKG")" "$READ"; expect product 200 '.affected | length > 0'
api product-v GET "/v1/vuln/products/$(enc "$APKG")/$(enc "$AVER")" "$READ"
expect product-v 200 "[.affected[].vulnerability] | index(\"$CVE\") != null"
api product-fixed GET "/v1/vuln/products/$(enc "$APKG")/999999" "$READ"; expect product-fixed 200 '.affected | length == 0'
api bid GET /v1/vuln/bid/1 "$READ"; error bid 404 not_found
api bid-bad GET /v1/vuln/bid/x1 "$READ"; error bid-bad 400 invalid_input
api exploit GET /v1/vuln/exploit/1 "$READ"; error exploit 404 not_found
# A database update job (server_vuln_update_test covers it against a feed server): the feed of
# this server's --feed-mirror is an empty folder, so the job is done with that feed failed.
api init POST /v1/vuln/init "$ADMIN"; expect init 202 '.state == "queued" or .state == "running"'
JOBU=$(jq -r .id "$SCRATCH/init.json")
api update POST /v1/vuln/update "$ADMIN"; expect update 202 '.id | type == "number"'
wait_job "$JOBU" "$READ" >/dev/null
api update-run GET /v1/vuln/update-status "$READ"
expect update-run 200 ".last_run.job >= $JOBU and (.last_run.feeds // [] | all(.state == \"failed\"))"
api init-scan POST /v1/vuln/init "$SCAN"; error init-scan 403 forbidden
api init-status GET /v1/vuln/init-status "$READ"; expect init-status 200 '.status == "ready" and (.sources | length > 0)'
api update-status GET /v1/vuln/update-status "$READ"; expect update-status 200 '.sources | length > 0'

# Bad input, each a JSON error, the server unaffected.
api malformed POST /v1/check "$SCAN" -d '{"source": '; error malformed 400 invalid_json
api notobject POST /v1/check "$SCAN" -d '[1,2]'; error notobject 400 invalid_json
api nosource POST /v1/check "$SCAN" -d '{"options":{}}'; error nosource 400 invalid_input
api badopt POST /v1/check "$SCAN" -d "{\"source\":\"$ALPINE\",\"options\":{\"severity\":\"dire\"}}"; error badopt 400 invalid_input
api unknownopt POST /v1/check "$SCAN" -d "{\"source\":\"$ALPINE\",\"options\":{\"ignorefile\":\"/etc/shadow\"}}"; error unknownopt 400 invalid_input
head -c 2000000 /dev/zero | tr '\0' 'a' >"$SCRATCH/huge.body"
api huge POST /v1/check "$SCAN" --data-binary "@$SCRATCH/huge.body"; error huge 413 too_large
api unknown GET /v1/nothing/here "$READ"; error unknown 404 unknown_route
api unknown-anon GET /v1/nothing; error unknown-anon 404 unknown_route
api method PUT /v1/history "$READ"; error method 405 method_not_allowed
api badescape GET "/v1/history/%zz" "$READ"; error badescape 400 invalid_path
api emptyseg GET "/v1/history//fp/x" "$READ"; error emptyseg 400 invalid_path
api dotdot GET "/v1/history/%2e%2e" "$READ"; error dotdot 400 invalid_input
api traversal POST "/v1/check/images/..%2F..%2F..%2Fetc%2Fpasswd" "$SCAN"; error traversal 403 path_not_allowed
api abs POST /v1/check "$SCAN" -d '{"source":"/etc/passwd"}'; error abs 403 path_not_allowed
api prefixed POST /v1/check "$SCAN" -d '{"source":"dir:/etc"}'; error prefixed 403 path_not_allowed
api symlink-escape POST /v1/check "$SCAN" -d "{\"source\":\"$IMAGES/../../../etc\"}"; error symlink-escape 403 path_not_allowed
api job-bad GET /v1/jobs/abc "$READ"; error job-bad 400 invalid_input
api job-none GET /v1/jobs/999999 "$READ"; error job-none 404 not_found
# A client that sends half a request and waits: the server drops it after --read-timeout and keeps serving.
python3 - "$PORT" >"$SCRATCH/slow.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
t = time.time()
s.settimeout(30)
data = s.recv(4096)
print("closed after %.1fs" % (time.time() - t), data[:12])
PY
SLOW=$!
api during-slow GET /healthz; expect during-slow 200
wait "$SLOW" || true
grep -q "closed after" "$SCRATCH/slow.out" && pass "a slow client is dropped ($(cat "$SCRATCH/slow.out"))" || fail "slow client: $(cat "$SCRATCH/slow.out")"
api after-bad GET /readyz; expect after-bad 200 '.status == "ready"'
kill -0 "$MAIN_PID" && pass "the server survived the bad input" || fail "the server died"

# Parallel checks: every job done once, one history entry each.
mapfile -t SOURCES < <(printf '%s\n' "$IMAGES/trivy-docker-save/alpine-310.tar.gz" "$IMAGES/trivy-docker-save/alpine-311.tar.gz" \
  "$IMAGES/go-containerregistry/test_image_1.tar" "$IMAGES/go-containerregistry/test_image_2.tar" \
  "$IMAGES/go-containerregistry/hello-world-v25.tar" "$IMAGES/stereoscope/valid-oci.tar")
: >"$SCRATCH/parallel.ids"
PIDS=()
for i in $(seq 0 29); do
  src=${SOURCES[$((i % ${#SOURCES[@]}))]}
  (curl -s -H "Authorization: Bearer $SCAN" -d "{\"source\":\"$src\"}" "$BASE/v1/check" | jq -r .id >>"$SCRATCH/parallel.ids") &
  PIDS+=($!)
done
wait "${PIDS[@]}" || true
: >"$SCRATCH/parallel.reports"
while read -r id; do wait_job "$id" "$READ" | jq -r '"\(.state) \(.report_id)"' >>"$SCRATCH/parallel.reports"; done <"$SCRATCH/parallel.ids"
if [[ $(sort -u "$SCRATCH/parallel.ids" | grep -c '^[0-9]') == 30 && $(grep -c '^done ' "$SCRATCH/parallel.reports") == 30 &&
  $(awk '{print $2}' "$SCRATCH/parallel.reports" | sort -u | wc -l) == 30 ]]; then pass "30 parallel checks (6 images): 30 jobs done, 30 distinct reports"
else fail "parallel checks: $(sort "$SCRATCH/parallel.reports" | uniq -c | head)"; fi
api all-history GET "/v1/history?limit=1000" "$READ"
ids=$(paste -sd, "$SCRATCH/parallel.ids")
expect all-history 200 "[.entries[] | select(.job_id as \$j | [$ids] | index(\$j))] | length == 30"

api metrics GET /metrics "$ADMIN"
if [[ $CODE == 200 ]] && grep -q '^dagda_http_requests_total [1-9]' "$SCRATCH/metrics.json" && grep -q 'dagda_jobs{state="done"}' "$SCRATCH/metrics.json"; then
  pass "metrics: Prometheus text"; else fail "metrics: $CODE"; fi

# Every path of the OpenAPI document was called (the access log says which).
python3 - "$SCRATCH/openapi.json" "$SCRATCH/serve.log" >"$SCRATCH/coverage.out" 2>&1 <<'PY' && pass "every OpenAPI operation was exercised" || fail "not exercised: $(cat "$SCRATCH/coverage.out")"
import json, re, sys
doc = json.load(open(sys.argv[1]))
seen = set()
for line in open(sys.argv[2]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("event") == "request" and "path" in e:
        seen.add((e["method"].lower(), e["path"]))
missing = []
for path, ops in doc["paths"].items():
    rx = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
    for method in ops:
        if not any(m == method and rx.match(p) for m, p in seen):
            missing.append(method + " " + path)
print(" ".join(missing))
sys.exit(1 if missing else 0)
PY
# The access log is JSON lines.
if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1]) if l.strip()]' "$SCRATCH/serve.log"; then pass "the log is JSON lines"
else fail "the log has lines that are not JSON"; fi

# history on the CLI.
run_dagda cli-history --db "$DB" history "$ALPINE" --json
[[ $RC == 0 ]] && jq -e "length >= 2 and (map(.id) | index($REP1) != null)" "$SCRATCH/cli-history.out" >/dev/null && pass "dagda history IMAGE" || fail "dagda history: $RC"
run_dagda cli-diff --db "$DB" history --diff "$REP1" "$REP2" --json
[[ $RC == 0 ]] && jq -e '.removed | length == 0' "$SCRATCH/cli-diff.out" >/dev/null && pass "dagda history --diff" || fail "dagda history --diff: $RC"
run_dagda cli-id --db "$DB" history --id "$REP1"
jq -e ".schema == \"dagda.scan/v1\" and (.packages | length > 0)" "$SCRATCH/cli-id.out" >/dev/null && pass "dagda history --id" || fail "dagda history --id"

# Graceful stop.
kill -TERM "$MAIN_PID"
for _ in $(seq 100); do kill -0 "$MAIN_PID" 2>/dev/null || break; sleep 0.1; done
if ! kill -0 "$MAIN_PID" 2>/dev/null && grep -q '"event":"stopped"' "$SCRATCH/serve.log"; then pass "SIGTERM stops the server"
else fail "the server did not stop on SIGTERM"; fi

# ---- PostgreSQL: two servers and workers share one queue ----
eval "$(bash "$DAGDA_SOURCE_DIR/scripts/start-postgres.sh" start)"
at_exit "bash '$DAGDA_SOURCE_DIR/scripts/start-postgres.sh' stop '$DAGDA_TEST_PG_DIR'"
PG=$DAGDA_TEST_PG_URL
"$DAGDA" --db "$PG" db import "$SECDB/v3.10/main.yaml" >/dev/null 2>"$SCRATCH/pg-import.err" || { cat "$SCRATCH/pg-import.err"; fatal "db import into PostgreSQL failed"; }
PGSCAN=$(tok "$PG" ci scan)
P1=$(free_port)
start_server "$SCRATCH/pg1.log" --db "$PG" serve --listen "127.0.0.1:$P1" --workers 1 --allow-path "$IMAGES" --lease 4
PG1=$SERVER_PID
P2=$(free_port)
start_server "$SCRATCH/pg2.log" --db "$PG" serve --listen "127.0.0.1:$P2" --workers 1 --allow-path "$IMAGES" --lease 4
PG2=$SERVER_PID
wait_for "server 1 on PostgreSQL" 30 curl -sf "http://127.0.0.1:$P1/readyz"
wait_for "server 2 on PostgreSQL" 30 curl -sf "http://127.0.0.1:$P2/readyz"
: >"$SCRATCH/pg.ids"
for i in $(seq 0 11); do
  port=$P1; ((i % 2)) && port=$P2
  src=${SOURCES[$((i % ${#SOURCES[@]}))]}
  curl -s -H "Authorization: Bearer $PGSCAN" -d "{\"source\":\"$src\"}" "http://127.0.0.1:$port/v1/check" | jq -r .id >>"$SCRATCH/pg.ids"
done
BASE="http://127.0.0.1:$P2"
: >"$SCRATCH/pg.reports"
while read -r id; do wait_job "$id" "$PGSCAN" | jq -r '"\(.state) \(.report_id)"' >>"$SCRATCH/pg.reports"; done <"$SCRATCH/pg.ids"
if [[ $(grep -c '^done ' "$SCRATCH/pg.reports") == 12 && $(awk '{print $2}' "$SCRATCH/pg.reports" | sort -u | wc -l) == 12 ]]; then
  pass "two servers on one PostgreSQL: 12 checks done once each"
else fail "PostgreSQL checks: $(cat "$SCRATCH/pg.reports" | tr '\n' ' ')"; fi
if grep -q '"event":"job_done"' "$SCRATCH/pg1.log" && grep -q '"event":"job_done"' "$SCRATCH/pg2.log"; then pass "both servers' workers took jobs"
else fail "one server took no job"; fi
kill -TERM "$PG1" "$PG2"
wait "$PG1" "$PG2" 2>/dev/null || true

# kill -9 of a worker in the middle of a job: another worker completes it.
RDIR=$SCRATCH/registry
mkdir -p "$RDIR/data"
RPORT=$(free_port)
printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' "$RDIR/data" "$RPORT" >"$RDIR/config.yml"
docker-registry serve "$RDIR/config.yml" >"$RDIR/registry.log" 2>&1 &
at_exit "kill $! 2>/dev/null || true"
wait_for "docker-registry" 20 curl -sf "http://127.0.0.1:$RPORT/v2/"
skopeo copy --quiet --dest-tls-verify=false "docker-archive:$IMAGES/go-containerregistry/test_image_1.tar" \
  "docker://127.0.0.1:$RPORT/test/one:1" >"$SCRATCH/skopeo.log" 2>&1 || { cat "$SCRATCH/skopeo.log"; fatal "skopeo copy failed"; }
XPORT=$(free_port)
STALL=$SCRATCH/stall
touch "$STALL"
python3 "$DAGDA_SOURCE_DIR/tests/integration/stall_proxy.py" "$XPORT" "$RPORT" "$STALL" >"$SCRATCH/proxy.log" 2>&1 &
at_exit "kill $! 2>/dev/null || true"
wait_for "the stalling proxy" 10 grep -q listening "$SCRATCH/proxy.log"
P3=$(free_port)
start_server "$SCRATCH/pg3.log" --db "$PG" serve --listen "127.0.0.1:$P3" --workers 0
wait_for "API-only server" 30 curl -sf "http://127.0.0.1:$P3/readyz"
BASE="http://127.0.0.1:$P3"
"$DAGDA" --db "$PG" worker --lease 3 2>"$SCRATCH/worker-a.log" &
WA=$!
api kill-check POST /v1/check "$PGSCAN" -d "{\"source\":\"registry:127.0.0.1:$XPORT/test/one:1\"}"; expect kill-check 202
KJOB=$(jq -r .id "$SCRATCH/kill-check.json")
wait_for "worker A to be stalled in the job" 30 grep -q "stalled a connection" "$SCRATCH/proxy.log"
grep -q "\"job\":$KJOB" "$SCRATCH/worker-a.log" && pass "worker A claimed the job" || fail "worker A did not claim job $KJOB"
kill -9 "$WA"
wait "$WA" 2>/dev/null || true
rm -f "$STALL"
"$DAGDA" --db "$PG" worker --lease 3 2>"$SCRATCH/worker-b.log" &
WB=$!
at_exit "kill -9 $WB 2>/dev/null || true"
wait_job "$KJOB" "$PGSCAN" >"$SCRATCH/kjob.json"
if jq -e '.state == "done" and .attempts == 2 and (.report_id | type == "number")' "$SCRATCH/kjob.json" >/dev/null &&
  grep -q "\"event\":\"job_done\".*\"job\":$KJOB\|\"job\":$KJOB.*\"event\":\"job_done\"" "$SCRATCH/worker-b.log"; then
  pass "the killed worker's job was completed by another (attempt 2)"
else fail "take-over: $(cat "$SCRATCH/kjob.json")"; tail -5 "$SCRATCH/worker-b.log"; fi
RID=$(jq -r .report_id "$SCRATCH/kjob.json")
api kill-report GET "/v1/history/registry%3A127.0.0.1%3A$XPORT%2Ftest%2Fone%3A1" "$PGSCAN"
expect kill-report 200 "[.entries[] | select(.job_id == $KJOB)] | length == 1 and .[0].id == $RID"
kill -TERM "$WB" 2>/dev/null || true
finish
