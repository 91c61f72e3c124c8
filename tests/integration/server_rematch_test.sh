#!/usr/bin/env bash
# Re-match (docs/server.md): two `dagda serve` on one scratch SQLite database
# made from a few real Alpine secdb files, checks of two real Alpine rootfs
# recorded in the history, then `dagda db import` of the real feed file that
# covers one of them. The servers see the import generation move; one queues the
# re-match, which matches each image's stored inventory again, records an entry
# of origin "rematch" whose diff holds the new findings, and POSTs the webhook to
# this test's own listener. Then fp marks
# (findings removed, not announced), their removal (announced at once), and
# imports that change nothing for the images (no entry, no webhook); last, --notify-severity
# high against a gain of medium findings (not announced) and one with a high finding (announced).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/services.sh"
DATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
SECDB="$DATA/vulndb/alpine-secdb-yaml"
ROOTFS="$DATA/pkgdb/alpine-minirootfs"
# A real Alpine 3.7.3 minirootfs: its musl has CVE-2019-14697 (critical) in v3.7/main.yaml.
IMG="$ROOTFS/alpine-minirootfs-3.7.3-x86_64.tar.gz"
# A second image the imports below do not touch.
OTHER="$ROOTFS/alpine-minirootfs-3.10.3-x86_64.tar.gz"
DB=$SCRATCH/state.db
# An image with configuration findings (runs as root, no HEALTHCHECK) the imports below do not
# touch either: a re-match matches its stored inventory again and keeps those findings, so it
# records nothing.
need_test_images
LAYERED="$IMAGES/layered.docker.tar"

# A third image for --notify-severity: a folder with jquery 3.4.0 (two medium findings in
# GitLab's npm advisories) and ms 0.7.0 (one high), installed by npm; each package's advisories
# are imported on their own from the real GitLab archive.
command -v npm >/dev/null || fatal "npm is required (scripts/install-deps.sh test)"
APP=$(realpath "$SCRATCH")/app
mkdir -p "$APP"
(cd "$APP" && echo '{"name":"dagda-rematch-test","version":"1.0.0","private":true}' >package.json &&
  npm install --no-audit --no-fund --loglevel=error jquery@3.4.0 ms@0.7.0 >/dev/null) ||
  fatal "npm install failed (is the npm registry reachable?)"
GITLAB=$SCRATCH/gitlab
mkdir -p "$GITLAB"
tar -xJf "$DATA/vulndb/gitlab-advisories-community-2022-05-23.tar.xz" -C "$GITLAB" \
  advisories-community/npm/jquery advisories-community/npm/ms || fatal "cannot extract the GitLab npm advisories"

import() {  # import FILE...: dagda db import into the scratch database
  "$DAGDA" --db "$DB" db import "$@" >/dev/null 2>"$SCRATCH/import.err" || { cat "$SCRATCH/import.err"; fatal "db import $* failed"; }
}
# Not the Alpine 3.7 main repository: the first checks find nothing.
import "$SECDB/v3.7/community.yaml" "$SECDB/v3.10/main.yaml" "$SECDB/v3.6/main.yaml"
SCAN=$("$DAGDA" --db "$DB" token create ci --scope scan 2>/dev/null)

# The listener: answers 200, or 500 while $HOOKS/fail-next counts down.
HOOKS=$SCRATCH/hooks
mkdir -p "$HOOKS"
python3 "$DAGDA_SOURCE_DIR/tests/integration/webhook_listener.py" "$SCRATCH/hook.port" "$HOOKS" &
at_exit "kill $!"
wait_for "webhook listener" 10 test -s "$SCRATCH/hook.port"
HOOK_URL="http://127.0.0.1:$(cat "$SCRATCH/hook.port")/dagda"

PORT=$(free_port)
PORT2=$(free_port)
BASE="http://127.0.0.1:$PORT"
# serve LOG PORT SEVERITY: a server re-matching every second, announcing findings at or above SEVERITY.
# (The secdb files rate nothing and the NVD files here lack 2019: these findings are of severity unknown.)
serve() {
  "$DAGDA" --db "$DB" serve --listen "127.0.0.1:$2" --workers 1 --allow-path "$ROOTFS" --allow-path "$APP" \
    --allow-path "$IMAGES" --rematch-interval 1 \
    --notify-url "$HOOK_URL" --notify-severity "$3" 2>>"$1" &
  SERVER_PIDS+=($!)
  at_exit "kill -9 $! 2>/dev/null || true"
}
SERVER_PIDS=()
serve "$SCRATCH/serve1.log" "$PORT" unknown
serve "$SCRATCH/serve2.log" "$PORT2" unknown
wait_for "dagda serve" 30 curl -sf "$BASE/healthz"
wait_for "the second dagda serve" 30 curl -sf "http://127.0.0.1:$PORT2/healthz"

get() { curl -sf -H "Authorization: Bearer $SCAN" "$BASE$1"; }
enc() { jq -rn --arg s "$1" '$s | @uri'; }
check_image() {  # check_image PATH: the history entry id of a check of PATH
  local job i
  job=$(curl -sf -H "Authorization: Bearer $SCAN" -d "{\"source\":\"$1\"}" "$BASE/v1/check" | jq -r .id)
  for ((i = 0; i < 600; i++)); do
    get "/v1/jobs/$job" >"$SCRATCH/job.json" || true
    if jq -e '.state == "done"' "$SCRATCH/job.json" >/dev/null 2>&1; then jq -r .report_id "$SCRATCH/job.json"; return; fi
    jq -e '.state == "failed"' "$SCRATCH/job.json" >/dev/null 2>&1 && break
    sleep 0.1
  done
  fatal "the check of $1 did not finish: $(cat "$SCRATCH/job.json")"
}
entries() { get "/v1/history/$(enc "$1")" | jq '.entries | length'; }
# wait_entries IMAGE N: waits (20 s at most) until IMAGE has N history entries.
wait_entries() {
  local i
  for ((i = 0; i < 200; i++)); do
    [[ $(entries "$1") == "$2" ]] && return 0
    sleep 0.1
  done
  return 1
}
# rematch_jobs_done: re-match jobs finished, in both servers' logs.
rematch_jobs_done() { cat "$SCRATCH"/serve*.log | jq -c 'select(.event == "job_done" and .kind == "rematch")' | wc -l; }
wait_rematch_jobs() {
  local i
  for ((i = 0; i < 300; i++)); do
    (($(rematch_jobs_done) >= $1)) && return 0
    sleep 0.1
  done
  return 1
}

hooks() { find "$HOOKS" -name '*.json' | wc -l; }
wait_hooks() {  # wait_hooks N: until the listener has received N POSTs (15 s at most)
  local i
  for ((i = 0; i < 150; i++)); do (($(hooks) >= $1)) && return 0; sleep 0.1; done
  return 1
}
queued() { cat "$SCRATCH"/serve*.log | jq -c 'select(.event == "rematch_queued")' | wc -l; }

R1=$(check_image "$IMG")
R0=$(check_image "$OTHER")
RL=$(check_image "$LAYERED")
check "the layered image's check has configuration findings" \
  jq -e '[.findings[] | select(.kind == "config")] | length > 0' <(get "/v1/history/$(enc "$LAYERED")?id=$RL")
get "/v1/history/$(enc "$IMG")?id=$R1" >"$SCRATCH/before.json"
[[ $(entries "$IMG") == 1 && $(entries "$OTHER") == 1 ]] && jq -e '.findings | length == 0' "$SCRATCH/before.json" >/dev/null &&
  pass "each image has one history entry, without findings" || fail "history before the imports"

# 1. The feed that covers Alpine 3.7: a re-match entry, the webhook delivered.
import "$SECDB/v3.7/main.yaml"
if wait_entries "$IMG" 2; then pass "a re-match entry appeared"; else fail "no re-match entry"; fi
get "/v1/history/$(enc "$IMG")" >"$SCRATCH/hist.json"
E2=$(jq -r '.entries[0].id' "$SCRATCH/hist.json")
jq -e ".entries[0].origin == \"rematch\" and .entries[0].job_id != null and .entries[1].id == $R1 and
       (.entries[0].names | index(\"$IMG\") != null) and .entries[0].digest == .entries[1].digest" \
  "$SCRATCH/hist.json" >/dev/null && pass "the entry is of origin rematch, with the image's digest and names" ||
  fail "the re-match entry: $(jq -c '.entries' "$SCRATCH/hist.json")"
get "/v1/history/$(enc "$IMG")/diff" >"$SCRATCH/diff.json"
jq -e ".from == $R1 and .to == $E2 and (.added | length > 0) and (.removed | length == 0) and
       ([.added[].id] | index(\"CVE-2019-14697\") != null)" "$SCRATCH/diff.json" >/dev/null &&
  pass "the diff shows $(jq -c '[.added[] | .id + " " + .package]' "$SCRATCH/diff.json") added" || fail "diff: $(head -c 400 "$SCRATCH/diff.json")"
# The added findings are those a fresh `dagda scan` finds now.
"$DAGDA" --db "$DB" scan "$IMG" --format json -o "$SCRATCH/scan.json" 2>/dev/null || true
jq -S '[.added[] | {id, package, version}] | sort' "$SCRATCH/diff.json" >"$SCRATCH/added"
jq -S '[.findings[] | {id, package: .package.name, version: .package.version}] | sort' "$SCRATCH/scan.json" >"$SCRATCH/scanned"
cmp -s "$SCRATCH/added" "$SCRATCH/scanned" && pass "the added findings are those a fresh scan finds" ||
  { fail "added findings differ from a fresh scan"; diff "$SCRATCH/added" "$SCRATCH/scanned" | head; }
wait_hooks 1 || true
(($(hooks) == 1)) && grep -q '^200 application/json' "$HOOKS/001.status" && pass "one webhook, a JSON POST" ||
  fail "webhooks: $(ls "$HOOKS")"
# The image by the name it was checked under (a path through a symlink is named resolved, with
# the asked path among its names).
if jq -e --arg img "$IMG" --argjson id "$E2" --argjson prev "$R1" '(.image == $img or (.names | index($img) != null)) and .history_id == $id and
     .previous_id == $prev and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")) and (.findings | length > 0) and
     all(.findings[]; (.severity | length > 0) and (.id | length > 0) and
         (.package | length > 0) and (.version | length > 0) and has("fixed_version"))' "$HOOKS/001.json" >/dev/null; then
  pass "the webhook announced $(jq -c '[.findings[] | .id + " " + .package + " " + .version + " " + .severity]' "$HOOKS/001.json")"
else fail "webhook: $(head -c 400 "$HOOKS/001.json")"; fi
WANT=$(jq -c '[.added[] | {id, package, version, fixed_version}] | sort' "$SCRATCH/diff.json")
GOT=$(jq -c '[.findings[] | {id, package, version, fixed_version}] | sort' "$HOOKS/001.json")
[[ $WANT == "$GOT" ]] && pass "the webhook's findings are the diff's added ones" || fail "webhook findings: $GOT vs $WANT"
[[ $(entries "$OTHER") == 1 ]] && pass "the other image (no change) has no new entry" || fail "the other image got an entry"
[[ $(entries "$LAYERED") == 1 ]] && pass "the image with config findings (no change) has no new entry" ||
  fail "the image with config findings got an entry: $(get "/v1/history/$(enc "$LAYERED")/diff" | head -c 300)"

# 2. fp marks count in a re-match: the findings' packages marked, a neutral import: they are removed, nothing announced.
PKGS=$(jq -r '[.added[].package] | unique | .[]' "$SCRATCH/diff.json")
fp() {  # fp PATCH|DELETE: marks or unmarks the packages of the findings
  local p
  for p in $PKGS; do
    curl -sf -o /dev/null -X "$1" -H 'Content-Length: 0' -H "Authorization: Bearer $SCAN" "$BASE/v1/history/$(enc "$IMG")/fp/$p" ||
      fail "fp $1 $p"
  done
}
fp PATCH
import "$SECDB/v3.8/main.yaml"
if wait_entries "$IMG" 3; then pass "a re-match entry after the fp marks"; else fail "no re-match entry after the fp marks"; fi
get "/v1/history/$(enc "$IMG")/diff" >"$SCRATCH/diff3.json"
jq -e '(.added | length == 0) and (.removed | length > 0)' "$SCRATCH/diff3.json" >/dev/null &&
  pass "the marked findings are removed" || fail "diff after fp: $(head -c 300 "$SCRATCH/diff3.json")"
sleep 1
(($(hooks) == 1)) && pass "removed findings are not announced" || fail "a webhook for removed findings"

# 3. The marks removed, the listener failing once, a neutral import: the findings are back, the webhook retried.
fp DELETE
echo 1 >"$HOOKS/fail-next"
import "$SECDB/v3.9/main.yaml"
if wait_entries "$IMG" 4; then pass "a re-match entry after the marks were removed"; else fail "no fourth entry"; fi
E4=$(get "/v1/history/$(enc "$IMG")" | jq -r '.entries[0].id')
wait_hooks 3 || true
if (($(hooks) == 3)) && grep -q '^500' "$HOOKS/002.status" && grep -q '^200' "$HOOKS/003.status" &&
  cmp -s "$HOOKS/002.json" "$HOOKS/003.json" && jq -e ".history_id == $E4 and (.findings | length > 0)" "$HOOKS/003.json" >/dev/null; then
  pass "after a 500 the same webhook was POSTed again and delivered"
else fail "retry: $(ls "$HOOKS"; cat "$HOOKS"/*.status 2>/dev/null)"; fi
cat "$SCRATCH"/serve*.log | jq -e -s '[.[] | select(.event == "notify_failed" and .attempt == 1)] | length == 1' >/dev/null &&
  pass "the failed attempt is logged" || fail "no notify_failed log line"

# 4. The servers restarted announcing critical findings only: marked (removed) and unmarked again
# over two neutral imports, the findings come back of severity unknown: an entry, no webhook.
for pid in "${SERVER_PIDS[@]}"; do kill -TERM "$pid"; done
for pid in "${SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
SERVER_PIDS=()
serve "$SCRATCH/serve1.log" "$PORT" critical
serve "$SCRATCH/serve2.log" "$PORT2" critical
wait_for "dagda serve (restarted)" 30 curl -sf "$BASE/healthz"
wait_for "the second dagda serve (restarted)" 30 curl -sf "http://127.0.0.1:$PORT2/healthz"
fp PATCH
import "$SECDB/v3.4/main.yaml"
wait_entries "$IMG" 5 || fail "no fifth entry"
fp DELETE
import "$SECDB/v3.3/main.yaml"
if wait_entries "$IMG" 6; then pass "the findings are back in a sixth entry"; else fail "no sixth entry"; fi
get "/v1/history/$(enc "$IMG")/diff" >"$SCRATCH/diff6.json"
jq -e '(.added | length > 0) and all(.added[]; .severity == "unknown")' "$SCRATCH/diff6.json" >/dev/null &&
  pass "the findings back are of severity unknown" || fail "diff: $(head -c 300 "$SCRATCH/diff6.json")"
sleep 1
(($(hooks) == 3)) && pass "findings below --notify-severity critical are not announced" || fail "a webhook below the severity"

# 5. A feed neither image uses, nothing marked: re-matched, nothing recorded, nothing announced.
import "$SECDB/v3.5/main.yaml"
wait_rematch_jobs 6 && pass "the sixth generation was re-matched" || fail "no sixth re-match job"
[[ $(entries "$IMG") == 6 && $(entries "$OTHER") == 1 && $(entries "$LAYERED") == 1 ]] && pass "no change: no new entries" ||
  fail "entries after a neutral import"
(($(hooks) == 3)) && pass "no change: no webhook" || fail "a webhook without a change"

# Once per generation across the two servers.
sleep 2  # both servers have looked at the generation again since
[[ $(queued) == 6 && $(rematch_jobs_done) == 6 ]] && pass "two servers, six generations: six re-match jobs" ||
  fail "re-match jobs queued $(queued), done $(rematch_jobs_done)"
# An unchanged file imported again moves nothing.
import "$SECDB/v3.5/main.yaml"
sleep 2
[[ $(queued) == 6 ]] && pass "an unchanged import is not a new generation" || fail "an unchanged import queued a re-match"

# 6. --notify-severity high: a gain of medium findings only is recorded but not announced; a
# gain that holds a high one is announced, with the findings at or above high only.
for pid in "${SERVER_PIDS[@]}"; do kill -TERM "$pid"; done
for pid in "${SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
SERVER_PIDS=()
serve "$SCRATCH/serve1.log" "$PORT" high
serve "$SCRATCH/serve2.log" "$PORT2" high
wait_for "dagda serve (high)" 30 curl -sf "$BASE/healthz"
wait_for "the second dagda serve (high)" 30 curl -sf "http://127.0.0.1:$PORT2/healthz"
A1=$(check_image "fs:$APP")
[[ $(entries "fs:$APP") == 1 ]] && get "/v1/history/$(enc "fs:$APP")?id=$A1" | jq -e '.findings | length == 0' >/dev/null &&
  pass "the npm folder: one entry, no findings yet" || fail "the npm folder's first entry"
HOOKS_BEFORE=$(hooks)
import "$GITLAB/advisories-community/npm/jquery"
if wait_entries "fs:$APP" 2; then pass "jquery's advisories: a re-match entry"; else fail "no re-match entry after jquery's advisories"; fi
get "/v1/history/$(enc "fs:$APP")/diff" >"$SCRATCH/diff-medium.json"
jq -e '(.added | length == 2) and all(.added[]; .severity == "medium" and .package == "jquery")' "$SCRATCH/diff-medium.json" >/dev/null &&
  pass "the gain: $(jq -c '[.added[] | .id + " " + .severity]' "$SCRATCH/diff-medium.json")" || fail "medium diff: $(head -c 400 "$SCRATCH/diff-medium.json")"
sleep 1
(($(hooks) == HOOKS_BEFORE)) && pass "a medium-only gain is not announced at --notify-severity high" || fail "a webhook for a medium-only gain"
import "$GITLAB/advisories-community/npm/ms"
if wait_entries "fs:$APP" 3; then pass "ms's advisories: a re-match entry"; else fail "no re-match entry after ms's advisories"; fi
get "/v1/history/$(enc "fs:$APP")/diff" >"$SCRATCH/diff-high.json"
E7=$(get "/v1/history/$(enc "fs:$APP")" | jq -r '.entries[0].id')
wait_hooks $((HOOKS_BEFORE + 1)) || true
LAST=$(printf '%03d' $((HOOKS_BEFORE + 1)))
if (($(hooks) == HOOKS_BEFORE + 1)) && jq -e '[.added[] | select(.severity == "high")] | length == 1' "$SCRATCH/diff-high.json" >/dev/null &&
  jq -e --argjson id "$E7" '.history_id == $id and .severity == "high" and ([.findings[] | [.id, .package, .severity]] == [["CVE-2015-8315", "ms", "high"]])' \
    "$HOOKS/$LAST.json" >/dev/null; then pass "a gain with a high finding is announced: $(jq -c '[.findings[] | .id + " " + .severity]' "$HOOKS/$LAST.json")"
else fail "webhook at high: $(hooks) hooks (before $HOOKS_BEFORE); $(head -c 400 "$HOOKS/$LAST.json" 2>/dev/null)"; fi

# Bad settings are refused before the server starts.
set +e
timeout -k 2 10 "$DAGDA" --db "$DB" serve --listen "127.0.0.1:$(free_port)" --notify-url "ftp://x/y" >/dev/null 2>"$SCRATCH/bad-url.err"
RC=$?
set -e
[[ $RC != 0 ]] && grep -q -- '--notify-url' "$SCRATCH/bad-url.err" && pass "a non-HTTP --notify-url is refused" || fail "bad --notify-url: rc $RC"
set +e
timeout -k 2 10 "$DAGDA" --db "$DB" serve --listen "127.0.0.1:$(free_port)" --notify-severity huge >/dev/null 2>"$SCRATCH/bad-sev.err"
RC=$?
set -e
[[ $RC != 0 ]] && grep -q -- '--notify-severity' "$SCRATCH/bad-sev.err" && pass "an unknown --notify-severity is refused" || fail "bad --notify-severity: rc $RC"
finish
