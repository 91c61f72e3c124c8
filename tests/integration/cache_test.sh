#!/usr/bin/env bash
# The per-layer cache with the real layered image of scripts/make-test-images.sh: a rescan
# gives the same inventory; an archive unchanged since its layers were verified is not read
# again (strace counts the bytes read), a changed one is (and a tampered one fails even with
# its mtime put back); damaged entries are rebuilt; --no-cache writes nothing; the size bound
# holds; `dagda cache status|clean`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_test_images
command -v strace >/dev/null || fatal "strace is required"
export DAGDA_ENV_ROOT=$SCRATCH/env
CACHE=$DAGDA_ENV_ROOT/cache

cp "$IMAGES/layered.docker.tar" "$SCRATCH/layered.tar"
ARCHIVE=$SCRATCH/layered.tar
SIZE=$(stat -c %s "$ARCHIVE")

# bytes_read NAME ARGS...: runs dagda under strace (sets RC); BYTES = the bytes it read from the archive with pread.
bytes_read() {
  local name=$1
  shift
  mkdir -p "$DAGDA_ENV_ROOT"/{home,cache,tmp}
  RC=0
  # LeakSanitizer cannot run under ptrace: leaks are checked by the other runs of a sanitizer build.
  strace -f -qq -e trace=openat,pread64 -o "$SCRATCH/$name.strace" \
    env HOME="$DAGDA_ENV_ROOT/home" DAGDA_CACHE_DIR="$CACHE" TMPDIR="$DAGDA_ENV_ROOT/tmp" \
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$DAGDA" "$@" \
    >"$SCRATCH/$name.out" 2>"$SCRATCH/$name.err" || RC=$?
  BYTES=$(python3 - "$SCRATCH/$name.strace" "$ARCHIVE" <<'PY'
import re, sys
fds, total = set(), 0
for line in open(sys.argv[1]):
    m = re.search(r'openat\(AT_FDCWD, "([^"]*)".*\) = (\d+)$', line)
    if m and m.group(1) == sys.argv[2]:
        fds.add(m.group(2))
    m = re.search(r'pread64\((\d+),.*\) = (\d+)$', line)
    if m and m.group(1) in fds:
        total += int(m.group(2))
print(total)
PY
)
}
comparable() { jq -S '{os, packages, partial, layers: [.source.layers[] | {index, diff_id, created_by}]}' "$1"; }

bytes_read cold sbom "docker-archive:$ARCHIVE" --format json
cold=$BYTES
((RC == 0)) || fatal "cold scan failed: $(cat "$SCRATCH/cold.err")"
((cold >= SIZE / 2)) && pass "a cold scan reads the archive ($cold of $SIZE bytes)" || fail "a cold scan read only $cold bytes"
bytes_read warm sbom "docker-archive:$ARCHIVE" --format json
warm=$BYTES
((RC == 0)) || fail "warm scan failed"
((warm < 1048576)) && pass "a warm scan of the unchanged archive reads $warm bytes (headers only)" ||
  fail "a warm scan read $warm bytes of the unchanged archive"
cmp -s <(comparable "$SCRATCH/cold.out") <(comparable "$SCRATCH/warm.out") && pass "warm and cold inventories are the same" ||
  fail "the warm inventory differs from the cold one"
cmp -s <(jq -S 'del(.created)' "$SCRATCH/cold.out") <(jq -S 'del(.created)' "$SCRATCH/warm.out") &&
  pass "the whole warm document is the same" || fail "the warm document differs"

# A new mtime: the archive is hashed again (and still gives the same inventory).
touch "$ARCHIVE"
bytes_read touched sbom "docker-archive:$ARCHIVE" --format json
again=$BYTES
((again >= SIZE / 2)) && pass "after its mtime changed the archive is read again ($again bytes)" ||
  fail "after its mtime changed only $again bytes were read"
cmp -s <(comparable "$SCRATCH/cold.out") <(comparable "$SCRATCH/touched.out") && pass "and gives the same inventory" ||
  fail "the inventory changed"

# Tampered with inside a layer, its mtime put back: still detected (ctime), never served from the cache.
mtime=$(stat -c %Y "$ARCHIVE")
python3 - "$ARCHIVE" <<'PY'
import sys, tarfile
# One byte in the middle of the largest layer's data (file contents, not a tar header).
with tarfile.open(sys.argv[1]) as t:
    m = max((m for m in t.getmembers() if m.isfile()), key=lambda m: m.size)
off = m.offset_data + m.size // 2
with open(sys.argv[1], "r+b") as f:
    f.seek(off)
    b = f.read(1)
    f.seek(off)
    f.write(bytes([b[0] ^ 0x01]))
PY
touch -d "@$mtime" "$ARCHIVE"
bytes_read tampered sbom "docker-archive:$ARCHIVE" --format json
if ((RC == 1)) && grep -q "digest mismatch" "$SCRATCH/tampered.err"; then
  pass "a tampered archive with its mtime restored fails: $(head -c 160 "$SCRATCH/tampered.err")"
else
  fail "a tampered archive was not detected (exit $RC): $(head -c 300 "$SCRATCH/tampered.err")"
fi
cp "$IMAGES/layered.docker.tar" "$ARCHIVE"

# Damaged entries are ignored and rebuilt.
run_dagda ok sbom "docker-archive:$ARCHIVE" --format json
n=0
for f in "$CACHE"/layers/* "$CACHE"/inventories/*; do
  python3 -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(40); b = f.read(1); f.seek(40); f.write(bytes([b[0] ^ 0xFF]))' "$f"
  n=$((n + 1))
done
((n >= 4)) || fail "expected layer and inventory entries in the cache, found $n files"
run_dagda damaged sbom "docker-archive:$ARCHIVE" --format json
((RC == 0)) && cmp -s <(comparable "$SCRATCH/cold.out") <(comparable "$SCRATCH/damaged.out") &&
  pass "with every entry damaged the scan still gives the same inventory" || fail "damaged entries changed the result (exit $RC)"
run_dagda rebuilt sbom "docker-archive:$ARCHIVE" --format json
bytes_read rebuilt-warm sbom "docker-archive:$ARCHIVE" --format json
warm=$BYTES
((warm < 1048576)) && pass "the damaged entries were rebuilt: the next scan reads $warm bytes" ||
  fail "after rebuilding, a scan read $warm bytes"

# dagda cache status / clean.
run_dagda status cache status --json
check "cache status --json counts the layers and the inventory" \
  jq -e --arg d "$CACHE" '.dir == $d and .layers == 3 and .inventories >= 1 and .layer_bytes > 0' "$SCRATCH/status.out"
run_dagda status-text cache status
check "cache status prints the directory" grep -q "$CACHE" "$SCRATCH/status-text.out"
run_dagda clean cache clean
run_dagda status-after cache status --json
check "cache clean empties it" jq -e '.layers == 0 and .inventories == 0 and .records == 0' "$SCRATCH/status-after.out"

# --no-cache neither reads nor writes it; --cache-max-size bounds it.
run_dagda no-cache sbom "docker-archive:$ARCHIVE" --format json --no-cache
check "--no-cache writes no cache entry" test -z "$(find "$CACHE" -type f -not -path "*/tmp/*" 2>/dev/null)"
run_dagda bounded sbom "oci-dir:$IMAGES/layered.oci-zstd" --format json --cache-max-size 1M
run_dagda status-bounded cache status --json
check "--cache-max-size 1M keeps the cache under 1 MiB" jq -e '(.layer_bytes + .inventory_bytes) <= 1048576' \
  "$SCRATCH/status-bounded.out"
cmp -s <(comparable "$SCRATCH/cold.out") <(comparable "$SCRATCH/bounded.out") && pass "and the scan is complete" ||
  fail "the bounded scan differs"
run_dagda bad-size sbom "docker-archive:$ARCHIVE" --cache-max-size lots
((RC == 2)) && [[ $(grep -c '' "$SCRATCH/bad-size.err") == 1 ]] && pass "a bad --cache-max-size is a usage error" ||
  fail "--cache-max-size lots: exit $RC"

# Other kinds of archives share the entries: the OCI layouts of the same image hit the cache.
run_dagda oci-cold sbom "oci-archive:$IMAGES/layered.oci.tar" --format json
run_dagda oci-warm sbom "oci-archive:$IMAGES/layered.oci.tar" --format json
cmp -s <(comparable "$SCRATCH/oci-cold.out") <(comparable "$SCRATCH/oci-warm.out") && pass "oci-archive warm = cold" ||
  fail "oci-archive warm differs"
finish
