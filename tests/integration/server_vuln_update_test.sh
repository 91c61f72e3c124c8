#!/usr/bin/env bash
# POST /v1/vuln/update and /v1/vuln/init (docs/server.md): `dagda serve` with
# feed settings pointing at a local HTTP server (feed_server.py, serving the
# real files of ../shared/data/vulndb), a real Alpine rootfs checked first. The
# update job runs `db update`'s code, update-status reports its per-feed
# outcome, the re-match it queues (--rematch-interval is an hour here: only the
# update can trigger it) records the new findings; a second update gets 304s
# and changes nothing; a feed that answers 404 is reported failed.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/services.sh"
DATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
ROOTFS="$DATA/pkgdb/alpine-minirootfs"
IMG="$ROOTFS/alpine-minirootfs-3.7.3-x86_64.tar.gz"
DB=$SCRATCH/state.db
export XDG_CACHE_HOME=$SCRATCH/env/cache DAGDA_CACHE_DIR=$SCRATCH/env/cache

CTL=$SCRATCH/ctl
mkdir -p "$CTL"
python3 "$DAGDA_SOURCE_DIR/tests/integration/feed_server.py" "$DATA/vulndb" "$CTL" &
at_exit "kill $!"
wait_for "the feed server" 10 test -s "$CTL/port"
FEEDS="http://127.0.0.1:$(cat "$CTL/port")"

"$DAGDA" --db "$DB" db import "$DATA/vulndb/alpine-secdb-yaml/v3.6/main.yaml" >/dev/null 2>&1 || fatal "db import failed"
ADMIN=$("$DAGDA" --db "$DB" token create admin --scope admin 2>/dev/null)
SCAN=$("$DAGDA" --db "$DB" token create ci --scope scan 2>/dev/null)
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
"$DAGDA" --db "$DB" serve --listen "127.0.0.1:$PORT" --workers 1 --allow-path "$ROOTFS" --rematch-interval 3600 \
  --feed alpine37 --feed-url "alpine37=$FEEDS/alpine-secdb-yaml/v3.7/main.yaml" \
  --feed kev --feed-url "kev=$FEEDS/cisa-kev/known_exploited_vulnerabilities.json" \
  --feed missing --feed-url "missing=$FEEDS/no/such/file.json" 2>"$SCRATCH/serve.log" &
at_exit "kill -9 $! 2>/dev/null || true"
wait_for "dagda serve" 30 curl -sf "$BASE/healthz"

enc() { jq -rn --arg s "$1" '$s | @uri'; }
# api NAME METHOD PATH TOKEN [CURL ARGS...]: sets CODE; the body in $SCRATCH/NAME.json
api() {
  local name=$1 method=$2 path=$3 token=$4
  shift 4
  local extra=()
  [[ $method == POST && " $* " != *" -d "* ]] && extra=(-H 'Content-Length: 0')
  CODE=$(curl -s -o "$SCRATCH/$name.json" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $token" "${extra[@]}" "$@" "$BASE$path" || true)
}
wait_job() {  # wait_job ID: until done or failed (60 s at most); the job in $SCRATCH/job-ID.json
  local i
  for ((i = 0; i < 600; i++)); do
    api "job-$1" GET "/v1/jobs/$1" "$SCAN"
    jq -e '.state == "done" or .state == "failed"' "$SCRATCH/job-$1.json" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
entries() { curl -sf -H "Authorization: Bearer $SCAN" "$BASE/v1/history/$(enc "$IMG")" | jq '.entries | length'; }

api check POST /v1/check "$SCAN" -d "{\"source\":\"$IMG\"}"
wait_job "$(jq -r .id "$SCRATCH/check.json")" || fatal "the check did not finish"
[[ $(entries) == 1 ]] && pass "the image has one entry" || fail "entries: $(entries)"

api status0 GET /v1/vuln/update-status "$SCAN"
[[ $CODE == 200 ]] && jq -e '.last_run == null and (.generation | type == "number")' "$SCRATCH/status0.json" >/dev/null &&
  pass "update-status before any update: no last run" || fail "status0: $CODE $(head -c 300 "$SCRATCH/status0.json")"
api update-scan POST /v1/vuln/update "$SCAN"
[[ $CODE == 403 ]] && jq -e '.error.code == "forbidden"' "$SCRATCH/update-scan.json" >/dev/null &&
  pass "an update needs the admin scope" || fail "update with scan scope: $CODE"
api update-bad POST /v1/vuln/update "$ADMIN" -d '{"feeds": ["x"]}'
[[ $CODE == 400 ]] && pass "unknown body fields are refused" || fail "update with a bad body: $CODE"

# 1. The update: downloads, imports, reports per feed, re-matches.
G0=$(jq .generation "$SCRATCH/status0.json")
api update POST /v1/vuln/update "$ADMIN"
[[ $CODE == 202 ]] && jq -e '.state == "queued" and (.id | type == "number")' "$SCRATCH/update.json" >/dev/null &&
  pass "POST /v1/vuln/update: 202 with the job" || fail "update: $CODE $(cat "$SCRATCH/update.json")"
U1=$(jq -r .id "$SCRATCH/update.json")
wait_job "$U1" || fail "the update job did not finish"
jq -e '.state == "done" and .kind == "vuln_update"' "$SCRATCH/job-$U1.json" >/dev/null && pass "the update job is done" ||
  fail "update job: $(cat "$SCRATCH/job-$U1.json")"
api status1 GET /v1/vuln/init-status "$SCAN"
KEV_ENTRIES=$(jq '.vulnerabilities | length' "$DATA/vulndb/cisa-kev/known_exploited_vulnerabilities.json")
if jq -e --argjson job "$U1" --argjson g0 "$G0" '.last_run.job == $job and .last_run.state == "done" and
     (.last_run.started | length > 0) and (.last_run.finished | length > 0) and .last_run.imported == true and
     .last_run.records > 0 and .generation > $g0 and
     ([.last_run.feeds[] | {(.feed): .state}] | add) == {"alpine37": "downloaded", "kev": "downloaded", "missing": "failed"} and
     (.last_run.feeds[] | select(.feed == "missing") | .error | length > 0)' "$SCRATCH/status1.json" >/dev/null; then
  pass "update-status: two feeds downloaded, the missing one failed with its error, $(jq .last_run.records "$SCRATCH/status1.json") records"
else fail "status1: $(jq -c .last_run "$SCRATCH/status1.json")"; fi
[[ $(jq '[.sources[] | select(.source | test("kev"; "i"))] | length' "$SCRATCH/status1.json") -ge 1 ]] &&
  pass "the KEV source is in the database" || fail "no KEV source: $(jq -c '[.sources[].source]' "$SCRATCH/status1.json")"
"$DAGDA" --db "$DB" db status --json >"$SCRATCH/dbstatus.json" 2>/dev/null
[[ $(jq '[.sources[] | .counts.kev] | add' "$SCRATCH/dbstatus.json") == "$KEV_ENTRIES" ]] &&
  pass "db status: $KEV_ENTRIES KEV entries, as in the file" || fail "KEV entries: $(jq '[.sources[] | .counts.kev] | add' "$SCRATCH/dbstatus.json") vs $KEV_ENTRIES"
for ((i = 0; i < 200; i++)); do [[ $(entries) == 2 ]] && break; sleep 0.1; done
if [[ $(entries) == 2 ]]; then
  curl -sf -H "Authorization: Bearer $SCAN" "$BASE/v1/history/$(enc "$IMG")/diff" >"$SCRATCH/diff.json"
  jq -e '[.added[].id] | index("CVE-2019-14697") != null' "$SCRATCH/diff.json" >/dev/null &&
    pass "the update's re-match recorded the new findings" || fail "diff: $(head -c 300 "$SCRATCH/diff.json")"
else fail "no re-match entry after the update"; fi

# 2. Again: every feed answers 304, nothing imported, no new generation.
api update2 POST /v1/vuln/init "$ADMIN"
U2=$(jq -r .id "$SCRATCH/update2.json")
wait_job "$U2" || fail "the second update did not finish"
api status2 GET /v1/vuln/update-status "$SCAN"
if jq -e --argjson job "$U2" --argjson g1 "$(jq .generation "$SCRATCH/status1.json")" '.last_run.job == $job and
     .generation == $g1 and ([.last_run.feeds[] | {(.feed): .state}] | add) == {"alpine37": "unchanged", "kev": "unchanged", "missing": "failed"}' \
  "$SCRATCH/status2.json" >/dev/null; then pass "a second update: 304s, the same generation"
else fail "status2: $(jq -c '.generation, .last_run' "$SCRATCH/status2.json")"; fi
sleep 1
[[ $(entries) == 2 ]] && pass "no new entry after an update that changed nothing" || fail "entries: $(entries)"
finish
