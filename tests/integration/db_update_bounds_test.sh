#!/usr/bin/env bash
# `dagda db update` against a hostile local server (issue 16, item 4): every download ends,
# within its deadline and size cap, with memory bounded, and says what it waits for.
#   - Retry-After: 100000 does not put the update to sleep for a day (the wait is cut, and
#     a wait past the deadline ends the download); a short Retry-After is waited for, saying so;
#   - a body trickling at 2 bytes/s ends at --download-timeout;
#   - an announced or streamed body over --max-download-size is refused;
#   - a 2 MB gzip body that expands to 2 GiB, sent as Content-Encoding: gzip or as a .json.gz
#     file, is refused as a decompression bomb with peak RSS far below its expansion (before:
#     4.2 GB and 30-45 s).
# Each run is under a memory limit (prlimit --as) so a regression fails instead of swapping.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ -x /usr/bin/time ]] || fatal "/usr/bin/time is required (Debian package time)"
command -v prlimit >/dev/null || fatal "prlimit is required (util-linux)"
CTL=$SCRATCH/ctl
mkdir -p "$CTL"
python3 "$DAGDA_SOURCE_DIR/tests/integration/hostile_feed_server.py" "$CTL" &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; _cleanup' EXIT
for _ in $(seq 1 300); do [[ -s $CTL/port ]] && break; sleep 0.1; done
[[ -s $CTL/port ]] || fatal "the hostile feed server did not start"
BASE="http://127.0.0.1:$(cat "$CTL/port")"
SANITIZED=0
grep -qa __asan_init "$DAGDA" && SANITIZED=1
AS_LIMIT=$((2 << 30))  # address space: the bombs expand to 2 GiB

# update NAME URL [ARGS...]: one feed from URL, under the memory limit and /usr/bin/time.
# Sets RC, SECS (wall time) and KIB (peak RSS).
update() {
  local name=$1 url=$2
  shift 2
  local root=$SCRATCH/env
  mkdir -p "$root/home" "$root/cache" "$root/tmp"
  local -a limit=(prlimit --as=$AS_LIMIT)
  ((SANITIZED)) && limit=()  # ASan reserves terabytes of address space
  RC=0
  env HOME="$root/home" DAGDA_CACHE_DIR="$root/cache" TMPDIR="$root/tmp" \
    /usr/bin/time -f '%M %e' -o "$SCRATCH/$name.time" timeout -k 10 300 "${limit[@]}" \
    "$DAGDA" --db "$SCRATCH/$name.sqlite" db update --feed "$name" --url "$name=$url" "$@" \
    >"$SCRATCH/$name.out" 2>"$SCRATCH/$name.err" || RC=$?
  read -r KIB SECS < <(tail -n 1 "$SCRATCH/$name.time") || { KIB=0; SECS=0; }
  echo "# $name: exit $RC, ${SECS} s, peak RSS $((KIB / 1024)) MiB"
}
# failed_with NAME TEXT: exit 1, and the feed's line says "failed" with TEXT.
failed_with() {
  local name=$1 text=$2
  if ((RC == 1)) && grep -q "^$name: failed: .*$text" "$SCRATCH/$name.out"; then
    pass "$name: fails with \"$text\""
  else
    fail "$name: exit $RC, want 1 and \"$name: failed: ...$text\""
    sed 's/^/      out: /' "$SCRATCH/$name.out" | head -n 5
    show_err "$name"
  fi
  check "$name: the database is left unchanged" grep -q '^import: nothing imported; the database is unchanged' "$SCRATCH/$name.out"
  check "$name: no partial download is left" bash -c "! find '$SCRATCH/env/cache' -name '*.part-*' | grep -q ."
}
under() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# --- Retry-After ------------------------------------------------------------------------------
update ra "$BASE/retry-after/100000" --retries 1 --download-timeout 30
failed_with ra "Retry-After: 100000 (cut to 60 s), but no time is left for another try within the 30 s deadline"
check "ra: a Retry-After of 100000 s does not make it wait (${SECS} s)" under "$SECS" 20

update ra2 "$BASE/retry-after/2" --retries 1
failed_with ra2 "HTTP 503"
check "ra2: says on stderr what it waits for" \
  grep -q "^dagda: waiting 2 s before try 2 of 2 for $BASE/retry-after/2 (HTTP 503 .*the server's Retry-After: 2)" "$SCRATCH/ra2.err"
check "ra2: waited (${SECS} s) and tried twice" test "$(grep -c '^/retry-after/2$' "$CTL/requests.log")" -eq 2
update ra3 "$BASE/retry-after/2" --retries 1 -q
check "ra3: -q: nothing on stderr" test ! -s "$SCRATCH/ra3.err"

# --- A body trickling at 2 bytes/s ends at the deadline ----------------------------------------
update trickle "$BASE/trickle" --retries 3 --download-timeout 8
failed_with trickle "did not finish within the 8 s deadline"
check "trickle: ends at the deadline, retries included (${SECS} s)" under "$SECS" 30

# --- Size caps -----------------------------------------------------------------------------------
update large "$BASE/large" --max-download-size 10MB
failed_with large "larger than the 10485760 byte limit"
check "large: refused on its Content-Length, without waiting for the body (${SECS} s)" under "$SECS" 20
update endless "$BASE/endless" --max-download-size 10MB
failed_with endless "larger than the 10485760 byte limit"

# --- Decompression bombs ------------------------------------------------------------------------
for name in enc gz; do
  url=$BASE/encoded-bomb.json
  [[ $name == gz ]] && url=$BASE/bomb.json.gz
  update "$name" "$url"
  failed_with "$name" "refused as a decompression bomb"
  if ((SANITIZED)); then
    echo "# AddressSanitizer build: the absolute RSS bound is not checked"
  else
    check "$name: peak RSS $((KIB / 1024)) MiB stays under 150 MiB (the body expands to 2 GiB)" test "$KIB" -lt $((150 * 1024))
  fi
  check "$name: refused within the hang limit (${SECS} s)" under "$SECS" 120
done

# --- Bad option values are usage errors -------------------------------------------------------
run_dagda badsize --db "$SCRATCH/x.sqlite" db update --max-download-size lots
check "--max-download-size lots: usage error (2)" test "$RC" -eq 2
run_dagda badtime --db "$SCRATCH/x.sqlite" db update --download-timeout 0
check "--download-timeout 0: usage error (2)" test "$RC" -eq 2

# --- Nothing hostile: a small feed still downloads ----------------------------------------------
update ok "$BASE/ok.json"
check "ok: a small file still downloads" grep -q '^ok: downloaded 13 bytes' "$SCRATCH/ok.out"

finish
