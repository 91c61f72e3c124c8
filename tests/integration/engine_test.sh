#!/usr/bin/env bash
# docker:, container:, bare references and `dagda docker ...` against a real engine:
# Podman's Docker-compatible API service, started here on a socket in this test's own
# folder with its own storage. Images: the real layered Debian image of
# scripts/make-test-images.sh (podman load) and an Alpine minirootfs (podman import).
# Oracles: the docker-archive of the same image; dpkg inside the running container.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"

need_test_images
DATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
MINIROOTFS=$DATA/pkgdb/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz
[[ -f $MINIROOTFS ]] || fatal "no $MINIROOTFS (set DAGDA_TESTDATA)"

start_podman_service
P=("${PODMAN[@]}")
"${P[@]}" load -q -i "$IMAGES/layered.docker.tar" >/dev/null || fatal "podman load failed"
LAYERED=$("${P[@]}" images --format '{{.Repository}}:{{.Tag}}' | grep debian-layered | head -n1)
[[ -n $LAYERED ]] || fatal "the layered image was not loaded"
"${P[@]}" import -q "$MINIROOTFS" localhost/dagda-test/alpine:3.20 >/dev/null || fatal "podman import failed"
"${P[@]}" save -q --format docker-archive -o "$SCRATCH/alpine.docker.tar" localhost/dagda-test/alpine:3.20 ||
  fatal "podman save failed"

# ------------------------------------------------------------------ docker: = docker-archive
sbom_json archive-layered "docker-archive:$IMAGES/layered.docker.tar"
sbom_json engine-layered "docker:$LAYERED"
same_inventory "docker:$LAYERED gives the inventory of its docker-archive" \
  "$SCRATCH/archive-layered.out" "$SCRATCH/engine-layered.out"
check "docker: source says kind docker and the image id" \
  jq -e --arg id "$("${P[@]}" image inspect --format '{{.Id}}' "$LAYERED")" \
  '.source.kind == "docker" and (.source.image_id == ("sha256:" + $id) or .source.image_id == $id)' \
  "$SCRATCH/engine-layered.out"

sbom_json archive-alpine "docker-archive:$SCRATCH/alpine.docker.tar"
sbom_json engine-alpine docker:localhost/dagda-test/alpine:3.20
same_inventory "docker:alpine gives the inventory of its docker-archive" "$SCRATCH/archive-alpine.out" "$SCRATCH/engine-alpine.out"
check "the alpine image is read as Alpine 3.20 with packages" \
  jq -e '.os.family == "alpine" and (.os.version_id | startswith("3.20")) and (.packages | length) > 5' \
  "$SCRATCH/engine-alpine.out"

# By image id, and a bare reference (no kind): the engine answers first.
ALPINE_ID=$("${P[@]}" image inspect --format '{{.Id}}' localhost/dagda-test/alpine:3.20)
sbom_json engine-by-id "docker:$ALPINE_ID"
same_inventory "docker:ID gives the same inventory" "$SCRATCH/engine-alpine.out" "$SCRATCH/engine-by-id.out"
sbom_json bare-ref localhost/dagda-test/alpine:3.20
check "a bare reference is found in the engine" jq -e '.source.kind == "docker"' "$SCRATCH/bare-ref.out"

# ------------------------------------------------------------------ the cache and the engine
# A rescan reads neither the export nor any layer: the engine is asked for the image's description only.
export DAGDA_ENV_ROOT=$SCRATCH/cache-env
run_dagda warm-1 sbom "docker:$LAYERED" --format json
# LeakSanitizer cannot run under ptrace: leaks are checked by the other runs of a sanitizer build.
strace -f -qq -e trace=sendto,write -s 120 -o "$SCRATCH/warm.strace" \
  env HOME="$DAGDA_ENV_ROOT/home" DAGDA_CACHE_DIR="$DAGDA_ENV_ROOT/cache" \
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$DAGDA" sbom "docker:$LAYERED" --format json \
  -o "$SCRATCH/area/warm-2.json" 2>/dev/null || fail "warm rescan failed"
if grep -q 'GET /v1\.[0-9]*/images/.*/get' "$SCRATCH/warm.strace"; then
  fail "a warm rescan asked the engine for the image export"
else
  pass "a warm rescan did not ask for the export"
fi
grep -q 'GET /v1\.[0-9]*/images/.*/json' "$SCRATCH/warm.strace" && pass "it asked for the image's description" ||
  fail "the warm rescan did not ask for the image's description (strace saw nothing?)"
same_inventory "the warm rescan gives the same inventory" "$SCRATCH/warm-1.out" "$SCRATCH/area/warm-2.json"
unset DAGDA_ENV_ROOT

# ------------------------------------------------------------------ container: drift
# A package installed after start (a .deb made here with dpkg-deb), three packages purged, and
# a file of sed altered. dpkg rewrites its status file for all of it.
PROBE=$SCRATCH/probe/dagda-drift-probe
mkdir -p "$PROBE/DEBIAN" "$PROBE/usr/share/dagda-drift-probe"
printf 'Package: dagda-drift-probe\nVersion: 1.0-1\nArchitecture: all\nMaintainer: Dagda tests <tests@dagda.invalid>\nDescription: installed at run time by the drift test\n' \
  >"$PROBE/DEBIAN/control"
echo "installed after start" >"$PROBE/usr/share/dagda-drift-probe/README"
dpkg-deb --build --root-owner-group "$PROBE" "$SCRATCH/probe.deb" >/dev/null || fatal "dpkg-deb failed"
"${P[@]}" run -d --name dagda-test-drift --network none "$LAYERED" sleep infinity >/dev/null || fatal "podman run failed"
"${P[@]}" cp "$SCRATCH/probe.deb" dagda-test-drift:/tmp/probe.deb
"${P[@]}" exec dagda-test-drift sh -c 'dpkg -i /tmp/probe.deb && rm /tmp/probe.deb && dpkg --purge jq libjq1 libonig5 && echo "# altered" >> /usr/bin/sed' \
  >/dev/null 2>&1 || fatal "changing the container failed"
"${P[@]}" exec dagda-test-drift dpkg-query -W -f '${db:Status-Status}\t${Package}\t${Version}\n' |
  awk -F'\t' '$1 == "installed" {print $2 "\t" $3}' | LC_ALL=C sort >"$SCRATCH/container.dpkg"

sbom_json drift container:dagda-test-drift
D=$SCRATCH/drift.out
drift_of() { jq -r --arg n "$1" '[.packages[] | select(.name == $n) | (.drift // "none")] | join(",")' "$D"; }
[[ $(drift_of dagda-drift-probe) == added ]] && pass "the package installed at run time is 'added'" ||
  fail "dagda-drift-probe: drift '$(drift_of dagda-drift-probe)'"
for p in jq libjq1 libonig5; do
  [[ $(drift_of "$p") == removed ]] && pass "$p purged at run time is 'removed'" || fail "$p: drift '$(drift_of "$p")'"
done
[[ $(drift_of sed) == modified ]] && pass "sed, whose /usr/bin/sed (listed as /bin/sed) was altered, is 'modified'" ||
  fail "sed: drift '$(drift_of sed)'"
n_marked=$(jq '[.packages[] | select(.drift)] | length' "$D")
((n_marked == 5)) && pass "no other package carries a drift mark (the status file was rewritten)" ||
  fail "$n_marked packages carry a drift mark, expected 5: $(jq -c '[.packages[] | select(.drift) | .name]' "$D")"
jq -r '.packages[] | select(.drift != "removed") | "\(.name)\t\(.version)"' "$D" | LC_ALL=C sort >"$SCRATCH/dagda.dpkg"
same_lines "the container's packages are what dpkg in the container lists" "$SCRATCH/container.dpkg" "$SCRATCH/dagda.dpkg"
check "the added package is attributed to the container's changes" \
  jq -e '.packages[] | select(.name == "dagda-drift-probe") | .layer_index == 3' "$D"

# ------------------------------------------------------------------ dagda docker ...
run_dagda images docker images --json
check "docker images --json lists the loaded images" \
  jq -e 'any(.[]; .repo_tags | index("localhost/dagda-test/alpine:3.20"))' "$SCRATCH/images.out"
run_dagda images-since docker images --json --since "$(($(date +%s) + 3600))"
check "docker images --since (an hour from now) lists nothing" jq -e 'length == 0' "$SCRATCH/images-since.out"
run_dagda images-since-0 docker images --json --since 0
check "docker images --since 0 lists them all" jq -e 'length == 2' "$SCRATCH/images-since-0.out"
run_dagda containers docker containers --json
check "docker containers --json lists the running container" \
  jq -e 'any(.[]; .names | index("dagda-test-drift"))' "$SCRATCH/containers.out"
run_dagda containers-table docker containers
check "docker containers prints a table" grep -q dagda-test-drift "$SCRATCH/containers-table.out"
run_dagda events docker events --since 10m --until 0s --json
check "docker events --since/--until ends with the container's start among its events" \
  jq -e -s 'any(.[]; .type == "container" and .action == "start" and .name == "dagda-test-drift")' "$SCRATCH/events.out"
((RC == 0)) && pass "docker events exits 0" || fail "docker events exited $RC"
EXPECT_RC=2 expect_error events-bad-time "yesterday" docker events --since yesterday

# ------------------------------------------------------------------ bad input
expect_error no-image "docker:localhost/dagda-test/none:1" sbom docker:localhost/dagda-test/none:1 --format json
expect_error no-container "container:dagda-test-none" sbom container:dagda-test-none --format json
EXPECT_RC=2 expect_error bad-name "docker:../etc" sbom "docker:../etc" --format json
DOCKER_HOST="unix://$SCRATCH/area/absent.sock" expect_error engine-absent "docker:alpine" sbom docker:alpine --format json
# A socket file with nobody accepting on it: connections are refused.
python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$SCRATCH/refusing.sock"
DOCKER_HOST="unix://$SCRATCH/refusing.sock" expect_error engine-refusing "docker:alpine" sbom docker:alpine --format json
DOCKER_HOST="unix://$SCRATCH/refusing.sock" expect_error engine-refusing-ctr "container:x" sbom container:x --format json
DOCKER_HOST="ssh://user@host" expect_error docker-host-ssh "DOCKER_HOST" docker images
finish
