# shellcheck shell=bash
# tests/integration/lib.sh: helpers shared by the end-to-end tests (source it).
#
# Environment (set by CTest; defaults let a test run by hand from the source tree):
#   DAGDA              the built dagda binary
#   DAGDA_SOURCE_DIR   the source tree
#   DAGDA_BUILD_DIR    the build tree (test images are cached in $DAGDA_BUILD_DIR/test-images)
#   DAGDA_TEST_IMAGES  another place for the cached test images
#   KEEP_SCRATCH=1     keep the scratch directory of a run for inspection
set -euo pipefail

DAGDA_SOURCE_DIR=${DAGDA_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
DAGDA_BUILD_DIR=${DAGDA_BUILD_DIR:-$DAGDA_SOURCE_DIR/build}
DAGDA=${DAGDA:-$DAGDA_BUILD_DIR/src/cli/dagda}
TEST_NAME=$(basename "$0" .sh)

[[ -x $DAGDA ]] || { echo "FATAL: no dagda binary at '$DAGDA' (set DAGDA)"; exit 1; }
for _tool in jq timeout python3; do
  command -v "$_tool" >/dev/null || { echo "FATAL: $_tool is required"; exit 1; }
done

# `jq -e` exits 0 when its input is empty (no result at all is not "false or null"), so a check
# on a file that was never written, or on a stream with nothing selected, would pass. In these
# tests `jq -e` (or --exit-status) also fails, with jq's own code 4, when jq printed nothing.
jq() {
  local arg strict=0
  for arg in "$@"; do
    [[ $arg == --exit-status || $arg =~ ^-[a-zA-Z]*e[a-zA-Z]*$ ]] && strict=1
  done
  ((strict)) || { command jq "$@"; return; }
  local out rc=0
  out=$(command jq "$@"; code=$?; printf x; exit "$code") || rc=$?
  [[ $out == x ]] && return 4
  printf '%s' "${out%x}"
  return "$rc"
}

mkdir -p "$DAGDA_BUILD_DIR/e2e"
SCRATCH=$(mktemp -d "$DAGDA_BUILD_DIR/e2e/$TEST_NAME.XXXXXX")
_cleanup() {
  if [[ ${KEEP_SCRATCH:-0} == 1 ]]; then
    echo "scratch kept in $SCRATCH"
  else
    rm -rf "$SCRATCH"
  fi
}
trap _cleanup EXIT

FAILURES=0
CHECKS=0
pass() { CHECKS=$((CHECKS + 1)); echo "ok   - $*"; }
fail() { CHECKS=$((CHECKS + 1)); FAILURES=$((FAILURES + 1)); echo "FAIL - $*"; }
fatal() { echo "FATAL - $*"; exit 1; }
# check DESCRIPTION COMMAND...: passes when the command succeeds (its output is not shown).
check() {
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}
finish() {
  if ((FAILURES)); then
    echo "$TEST_NAME: $FAILURES of $CHECKS checks failed"
    exit 1
  fi
  ((CHECKS > 0)) || fatal "$TEST_NAME checked nothing"
  echo "$TEST_NAME: all $CHECKS checks passed"
}

# The real test images (scripts/make-test-images.sh), built once and cached. Podman and
# debootstrap are required: without them this fails loudly rather than skipping.
# DAGDA_TEST_IMAGES lets several build trees (plain, sanitizer) share one set.
IMAGES=${DAGDA_TEST_IMAGES:-$DAGDA_BUILD_DIR/test-images}
need_test_images() {
  if ! "$DAGDA_SOURCE_DIR/scripts/make-test-images.sh" "$@" "$IMAGES" </dev/null; then
    fatal "scripts/make-test-images.sh failed: the real test images could not be built (podman, debootstrap and the Debian mirror are required)"
  fi
  # shellcheck source=/dev/null
  source "$IMAGES/layered.env"
}

# run_dagda NAME ARGS...: runs the binary with a scratch HOME and cache, under a time bound.
# Sets RC; stdout and stderr are in $SCRATCH/NAME.out and $SCRATCH/NAME.err.
# DAGDA_ENV_ROOT (default $SCRATCH/env) holds home/, cache/, tmp/ for the run.
DAGDA_TIMEOUT=${DAGDA_TIMEOUT:-300}
run_dagda() {
  local name=$1
  shift
  local root=${DAGDA_ENV_ROOT:-$SCRATCH/env}
  mkdir -p "$root/home" "$root/cache" "$root/tmp"
  RC=0
  env HOME="$root/home" XDG_CACHE_HOME="$root/home/.cache" XDG_DATA_HOME="$root/home/.local/share" \
    XDG_CONFIG_HOME="$root/home/.config" DAGDA_CACHE_DIR="$root/cache" TMPDIR="$root/tmp" \
    timeout -k 10 "$DAGDA_TIMEOUT" "$DAGDA" "$@" >"$SCRATCH/$name.out" 2>"$SCRATCH/$name.err" || RC=$?
}

# show_err NAME: the first lines of a run's stderr, indented, for a failure message.
show_err() { head -n 5 "$SCRATCH/$1.err" | sed 's/^/      stderr: /'; }

# sbom_json NAME SOURCE [ARGS...]: `dagda sbom SOURCE --format json`; passes when it exits 0
# with a dagda.sbom/v1 document. Returns non-zero otherwise.
sbom_json() {
  local name=$1 source=$2
  shift 2
  run_dagda "$name" sbom "$source" --format json "$@"
  if ((RC != 0)); then
    fail "$name: dagda sbom $source exited $RC"
    show_err "$name"
    return 1
  fi
  if ! jq -e '.schema == "dagda.sbom/v1"' "$SCRATCH/$name.out" >/dev/null 2>&1; then
    fail "$name: dagda sbom $source did not print a dagda.sbom/v1 JSON document"
    return 1
  fi
  pass "$name: dagda sbom $source --format json exits 0 with a dagda.sbom/v1 document"
}

# pkg_rows JSON: one sorted line per package: name, version, arch, source name, source version.
pkg_rows() {
  jq -r '.packages[] | [.name, .version, (.arch // ""), (.source_name // .name),
           (.source_version // .version)] | @tsv' "$1" | LC_ALL=C sort
}

# dpkg_rows ADMINDIR: the same columns from dpkg-query, for packages dpkg says are installed.
dpkg_rows() {
  dpkg-query --admindir="$1" -W \
    -f '${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\n' |
    awk -F'\t' '$1 == "installed"' | cut -f2- | LC_ALL=C sort
}

# same_lines DESCRIPTION EXPECTED_FILE ACTUAL_FILE: passes when both sorted files are equal,
# else shows the first differences.
same_lines() {
  local what=$1 expected=$2 actual=$3
  if cmp -s "$expected" "$actual"; then
    pass "$what ($(wc -l <"$expected") lines)"
  else
    fail "$what"
    diff "$expected" "$actual" | head -n 20 | sed 's/^/      /'
  fi
}

# make_oci_layout DIR LAYER_TAR... : wraps plain layer tars in an OCI image layout with correct
# digests (blob sha256, diff ids, sizes) and a history entry per layer naming the tar.
# LAYER_TAR may end in .gz or .zst; its media type follows. Layers are streamed, not loaded.
make_oci_layout() {
  python3 - "$@" <<'PY'
import hashlib, json, os, shutil, subprocess, sys

out, layers = sys.argv[1], sys.argv[2:]
blobs = os.path.join(out, "blobs", "sha256")
os.makedirs(blobs, exist_ok=True)

def sha256_of(stream):
    h = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        h.update(chunk)
    return "sha256:" + h.hexdigest()

def put_bytes(data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest, len(data)

descs, diff_ids, history = [], [], []
for path in layers:
    with open(path, "rb") as f:
        digest = sha256_of(f)
    shutil.copyfile(path, os.path.join(blobs, digest.split(":")[1]))
    if path.endswith(".gz") or path.endswith(".zst"):
        tool = "gzip" if path.endswith(".gz") else "zstd"
        media = "application/vnd.oci.image.layer.v1.tar+" + tool
        p = subprocess.Popen([tool, "-dc", path], stdout=subprocess.PIPE)
        diff_id = sha256_of(p.stdout)
        if p.wait() != 0:
            sys.exit(f"{tool} -dc {path} failed")
    else:
        media = "application/vnd.oci.image.layer.v1.tar"
        diff_id = digest
    descs.append({"mediaType": media, "digest": digest, "size": os.path.getsize(path)})
    diff_ids.append(diff_id)
    history.append({"created_by": "layer " + os.path.basename(path)})

config = {"architecture": "amd64", "os": "linux", "config": {},
          "rootfs": {"type": "layers", "diff_ids": diff_ids}, "history": history}
cdigest, csize = put_bytes(json.dumps(config).encode())
manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": cdigest, "size": csize},
            "layers": descs}
mdigest, msize = put_bytes(json.dumps(manifest).encode())
index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                            "digest": mdigest, "size": msize}]}
with open(os.path.join(out, "index.json"), "w") as f:
    json.dump(index, f)
with open(os.path.join(out, "oci-layout"), "w") as f:
    json.dump({"imageLayoutVersion": "1.0.0"}, f)
PY
}

# image_config_json ARCHIVE: the config of a docker-archive, for reading diff ids and history.
image_config_json() {
  local config
  config=$(tar -xOf "$1" manifest.json | jq -r '.[0].Config')
  tar -xOf "$1" "$config"
}

# traced_dagda NAME FILE ARGS...: run_dagda under strace (LeakSanitizer cannot run under ptrace);
# BYTES = how many bytes dagda read from FILE (with read or pread), to show a layer was not read.
traced_dagda() {
  local name=$1 file=$2
  shift 2
  command -v strace >/dev/null || fatal "strace is required"
  local root=${DAGDA_ENV_ROOT:-$SCRATCH/env}
  mkdir -p "$root/home" "$root/cache" "$root/tmp"
  RC=0
  strace -f -qq -e trace=openat,read,pread64 -o "$SCRATCH/$name.strace" \
    env HOME="$root/home" XDG_CACHE_HOME="$root/home/.cache" XDG_DATA_HOME="$root/home/.local/share" \
    XDG_CONFIG_HOME="$root/home/.config" DAGDA_CACHE_DIR="$root/cache" TMPDIR="$root/tmp" \
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    timeout -k 10 "$DAGDA_TIMEOUT" "$DAGDA" "$@" >"$SCRATCH/$name.out" 2>"$SCRATCH/$name.err" || RC=$?
  BYTES=$(python3 - "$SCRATCH/$name.strace" "$(realpath "$file")" <<'PY'
import re, sys
fds, total = set(), 0
for line in open(sys.argv[1]):
    m = re.search(r'openat\(AT_FDCWD, "([^"]*)".*\) = (\d+)$', line)
    if m:
        (fds.add if m.group(1) == sys.argv[2] else fds.discard)(m.group(2))
        continue
    m = re.search(r'(?:pread64|read)\((\d+),.*\) = (\d+)$', line)
    if m and m.group(1) in fds:
        total += int(m.group(2))
print(total)
PY
)
}

# monitor_start NAME COMMAND...: COMMAND (a `dagda monitor run`) in the background, its output in
# $SCRATCH/NAME.out and NAME.err, until it says `dagda: monitor ready` (30 s at most, else the
# test stops); MON is its pid (a test's EXIT trap kills it).
monitor_start() {
  local name=$1
  shift
  "$@" >"$SCRATCH/$name.out" 2>"$SCRATCH/$name.err" &
  MON=$!
  for _ in $(seq 300); do
    grep -q '^dagda: monitor ready' "$SCRATCH/$name.err" && return 0
    kill -0 "$MON" 2>/dev/null || break
    sleep 0.1
  done
  show_err "$name"
  fatal "$name: the monitor did not become ready"
}

# monitor_stop NAME: SIGTERM to the monitor MON; it must end within 30 s and exit 0.
monitor_stop() {
  local name=$1 rc=0
  kill -TERM "$MON"
  for _ in $(seq 300); do kill -0 "$MON" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$MON" 2>/dev/null; then
    fail "$name: still running 30 s after SIGTERM (hang)"
    kill -KILL "$MON"
  fi
  wait "$MON" || rc=$?
  MON=""
  if ((rc == 0)); then pass "$name: exit 0 after SIGTERM"; else fail "$name: exit $rc"; show_err "$name"; fi
}

# build_test_image NAME: `podman build` of $CTX/Containerfile (context $CTX), saved as the docker
# archive $SCRATCH/img.tar; DIFF is podman's own list of the image's diff ids, in order (base
# layers first: the oracle for the layer of each finding). The tag is removed again.
build_test_image() {
  local tag=localhost/dagda-test/$1:$$
  podman build --network host --no-cache -q -t "$tag" -f "$CTX/Containerfile" "$CTX" >"$SCRATCH/build.log" 2>&1 ||
    { tail -20 "$SCRATCH/build.log"; fatal "podman build failed"; }
  podman save --format docker-archive -o "$SCRATCH/img.tar" "$tag" >/dev/null 2>&1 || fatal "podman save failed"
  mapfile -t DIFF < <(podman inspect "$tag" | jq -r '.[0].RootFS.Layers[]')
  podman rmi -f "$tag" >/dev/null 2>&1 || true
  ((${#DIFF[@]} > 0)) || fatal "podman inspect gave no layers"
}
