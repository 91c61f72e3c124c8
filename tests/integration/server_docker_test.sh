#!/usr/bin/env bash
# The docker routes of `dagda serve` against a real engine: Podman's Docker API
# service (its own storage and socket under the scratch folder, started and
# stopped here), an image imported from a real Alpine 3.7.3 minirootfs and a
# running container of it. GET /v1/docker/images, containers and events show
# them as `podman` does; POST /v1/check/containers/<id> checks the container
# and its report holds the musl advisory of the imported secdb file.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/services.sh"
DATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
ROOTFS="$DATA/pkgdb/alpine-minirootfs/alpine-minirootfs-3.7.3-x86_64.tar.gz"
DB=$SCRATCH/state.db
TAG=localhost/dagda-test/alpine:3.7

start_podman_service
P=("${PODMAN[@]}")
T0=$(date +%s)
"${P[@]}" import -q "$ROOTFS" "$TAG" >/dev/null || fatal "podman import failed"
IMAGE_ID=$("${P[@]}" image inspect --format '{{.Id}}' "$TAG")
CID=$("${P[@]}" run -d --name dagda-test-c1 --network none "$TAG" sleep 600) || fatal "podman run failed"
wait_for "the container to run" 20 bash -c "[[ \$(${P[*]} inspect --format '{{.State.Status}}' $CID) == running ]]"

"$DAGDA" --db "$DB" db import "$DATA/vulndb/alpine-secdb-yaml/v3.7/main.yaml" >/dev/null 2>&1 || fatal "db import failed"
READ=$("$DAGDA" --db "$DB" token create reader --scope read 2>/dev/null)
SCAN=$("$DAGDA" --db "$DB" token create ci --scope scan 2>/dev/null)
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
# DOCKER_HOST (set by start_podman_service) is the server's engine.
"$DAGDA" --db "$DB" serve --listen "127.0.0.1:$PORT" --workers 1 2>"$SCRATCH/serve.log" &
at_exit "kill -9 $! 2>/dev/null || true"
wait_for "dagda serve" 30 curl -sf "$BASE/healthz"
get() {  # get NAME PATH: the body in $SCRATCH/NAME.json; CODE
  CODE=$(curl -s -o "$SCRATCH/$1.json" -w '%{http_code}' -H "Authorization: Bearer $READ" "$BASE$2" || true)
}

get images /v1/docker/images
[[ $CODE == 200 ]] && jq -e --arg id "$IMAGE_ID" --arg tag "$TAG" \
  '[.images[] | select((.id == $id or .id == ("sha256:" + $id)) and (.tags | index($tag) != null))] | length == 1' \
  "$SCRATCH/images.json" >/dev/null && pass "images: the imported image with its tag" ||
  fail "images: $CODE $(head -c 400 "$SCRATCH/images.json")"
[[ $(jq '.images | length' "$SCRATCH/images.json") == $("${P[@]}" images -q --no-trunc | sort -u | wc -l) ]] &&
  pass "images: as many as podman lists" || fail "images: $(jq '.images | length' "$SCRATCH/images.json") vs podman's"

get containers /v1/docker/containers
[[ $CODE == 200 ]] && jq -e --arg id "$CID" \
  '[.containers[] | select(.id == $id and .state == "running" and (.names | map(ltrimstr("/")) | index("dagda-test-c1") != null))] | length == 1' \
  "$SCRATCH/containers.json" >/dev/null && pass "containers: the running container" ||
  fail "containers: $CODE $(head -c 400 "$SCRATCH/containers.json")"

get events "/v1/docker/events?since=$((T0 - 1))&until=$(($(date +%s) + 1))"
if [[ $CODE == 200 ]] && jq -e --arg id "$CID" '[.events[] | tostring | select(contains($id))] | length > 0' "$SCRATCH/events.json" >/dev/null; then
  pass "events: the container's events since the test began ($(jq '.events | length' "$SCRATCH/events.json") events)"
else fail "events: $CODE $(head -c 400 "$SCRATCH/events.json")"; fi
get events-bad "/v1/docker/events?since=yesterday"
[[ $CODE == 400 ]] && jq -e '.error.code == "invalid_input"' "$SCRATCH/events-bad.json" >/dev/null &&
  pass "events: a malformed since is 400" || fail "events-bad: $CODE"

CODE=$(curl -s -o "$SCRATCH/check.json" -w '%{http_code}' -X POST -H 'Content-Length: 0' -H "Authorization: Bearer $SCAN" \
  "$BASE/v1/check/containers/$CID" || true)
[[ $CODE == 202 ]] && pass "check of the container: 202" || fail "check: $CODE $(cat "$SCRATCH/check.json")"
JOB=$(jq -r .id "$SCRATCH/check.json")
for ((i = 0; i < 600; i++)); do
  get job "/v1/jobs/$JOB"
  jq -e '.state == "done" or .state == "failed"' "$SCRATCH/job.json" >/dev/null 2>&1 && break
  sleep 0.1
done
REP=$(jq -r '.report_id // empty' "$SCRATCH/job.json")
if jq -e '.state == "done"' "$SCRATCH/job.json" >/dev/null && [[ -n $REP ]]; then
  pass "the container check is done (entry $REP)"
  get report "/v1/history/$(jq -rn --arg s "container:$CID" '$s | @uri')?id=$REP"
  "$DAGDA" --db "$DB" sbom "$ROOTFS" --format json -o "$SCRATCH/rootfs.json" 2>/dev/null
  [[ $CODE == 200 ]] && jq -e --slurpfile fs "$SCRATCH/rootfs.json" '.os.family == "alpine" and
      ([.packages[].name] | sort) == ([$fs[0].packages[].name] | sort) and
      ([.findings[] | select(.id == "CVE-2019-14697" and .package.name == "musl")] | length == 1)' "$SCRATCH/report.json" >/dev/null &&
    pass "the container's report: the rootfs's packages and musl's CVE-2019-14697" ||
    fail "report: $CODE $(jq -c '{os, n: (.packages | length), f: [.findings[].id]}' "$SCRATCH/report.json" 2>/dev/null | head -c 400)"
else fail "container job: $(cat "$SCRATCH/job.json")"; fi
finish
