#!/usr/bin/env bash
# A real multi-platform OCI index, made with podman from two Alpine minirootfs
# (imported as linux/amd64 and linux/arm64/v8): dagda picks linux/amd64 by
# default, follows --platform, and names the platforms it has when asked for
# one it lacks.
source "$(dirname "$0")/lib.sh"
DATA=${DAGDA_TESTDATA:-$DAGDA_TESTDATA_DEFAULT}
command -v podman >/dev/null || fatal "podman is required"

tag="localhost/dagda-test/multiarch-$$"
amd="localhost/dagda-test/alpine-amd64-$$"
arm="localhost/dagda-test/alpine-arm64-$$"
cleanup_images() { podman manifest rm "$tag" >/dev/null 2>&1 || true; podman rmi -f "$amd" "$arm" >/dev/null 2>&1 || true; }
trap 'cleanup_images; _cleanup' EXIT

podman import --os linux --arch amd64 "$DATA/pkgdb/alpine-minirootfs/alpine-minirootfs-3.19.4-x86_64.tar.gz" "$amd" >/dev/null 2>&1
podman import --os linux --arch arm64 --variant v8 "$DATA/pkgdb/alpine-minirootfs/alpine-minirootfs-3.18.9-x86_64.tar.gz" "$arm" >/dev/null 2>&1
podman manifest create "$tag" >/dev/null
podman manifest add "$tag" "containers-storage:$arm" >/dev/null
podman manifest add "$tag" "containers-storage:$amd" >/dev/null
podman manifest push --all "$tag" "oci:$SCRATCH/layout" >/dev/null 2>"$SCRATCH/push.err" || { cat "$SCRATCH/push.err"; fatal "podman manifest push failed"; }

os_version() { jq -r '.os.version_id' "$SCRATCH/$1.out"; }

run_dagda default sbom "oci-dir:$SCRATCH/layout" --format json
[[ $RC == 0 ]] && [[ $(os_version default) == 3.19.4 ]] && pass "default platform is linux/amd64 (Alpine 3.19.4)" \
  || { fail "default platform: rc=$RC os=$(os_version default 2>/dev/null)"; show_err default; }

run_dagda arm sbom "oci-dir:$SCRATCH/layout" --platform linux/arm64 --format json
[[ $RC == 0 ]] && [[ $(os_version arm) == 3.18.9 ]] && pass "--platform linux/arm64 picks Alpine 3.18.9" \
  || { fail "--platform linux/arm64: rc=$RC"; show_err arm; }

run_dagda armv8 sbom "oci-dir:$SCRATCH/layout" --platform linux/arm64/v8 --format json
[[ $RC == 0 ]] && [[ $(os_version armv8) == 3.18.9 ]] && pass "--platform linux/arm64/v8 picks the variant" \
  || { fail "--platform linux/arm64/v8: rc=$RC"; show_err armv8; }

# Same content as a tar: podman wrote the layout, tar packs it unchanged.
tar -C "$SCRATCH/layout" -cf "$SCRATCH/layout.tar" .
run_dagda tar sbom "$SCRATCH/layout.tar" --platform linux/arm64 --format json
[[ $RC == 0 ]] && [[ $(os_version tar) == 3.18.9 ]] && [[ $(jq -r .source.kind "$SCRATCH/tar.out") == oci-archive ]] \
  && pass "the same index as an oci-archive, detected by content" || { fail "oci-archive: rc=$RC"; show_err tar; }

run_dagda missing sbom "oci-dir:$SCRATCH/layout" --platform linux/s390x
if [[ $RC == 1 ]] && [[ $(wc -l <"$SCRATCH/missing.err") == 1 ]] && grep -q 'linux/amd64' "$SCRATCH/missing.err" \
  && grep -q 'linux/arm64/v8' "$SCRATCH/missing.err"; then
  pass "an absent platform is one line naming the available ones"
else
  fail "absent platform: rc=$RC"; show_err missing
fi
finish
