#!/usr/bin/env bash
# `dagda db update` against a local HTTP server (feed_server.py) that serves the
# real feed files of ../shared/data/vulndb with ETag/Last-Modified, and can drop
# a connection midway through a body. Checks: the first update downloads and
# imports; the second gets 304s and changes nothing; a dropped connection fails
# that feed with no partial file and the database unchanged; an NVD 1.1 feed is
# checked against its .meta sha256; kill -9 during an import leaves the
# previous database usable.
source "$(dirname "$0")/lib.sh"

DATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}/vulndb
[[ -d $DATA ]] || fatal "no test data at $DATA"
CTL=$SCRATCH/ctl
mkdir -p "$CTL"
python3 "$DAGDA_SOURCE_DIR/tests/integration/feed_server.py" "$DATA" "$CTL" &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; _cleanup' EXIT
for _ in $(seq 1 100); do [[ -s $CTL/port ]] && break; sleep 0.1; done
[[ -s $CTL/port ]] || fatal "the feed server did not start"
BASE="http://127.0.0.1:$(cat "$CTL/port")"

DB=$SCRATCH/vulndb.sqlite
CACHE=$SCRATCH/env/cache/feeds
KEV=cisa-kev/known_exploited_vulnerabilities.json
FEEDS=(--feed kev --feed retirejs --feed rustsec
  --url "kev=$BASE/$KEV"
  --url "retirejs=$BASE/retirejs/jsrepository.json" --url "retirejs=$BASE/retirejs/npmrepository.json"
  --url "rustsec=$BASE/rustsec-advisory-db.tar.xz")

status_json() { # NAME: db status --json into $SCRATCH/NAME.out, without the volatile nothing
  run_dagda "$1" --db "$DB" db status --json
  ((RC == 0)) || { fail "$1: dagda db status exited $RC"; show_err "$1"; return 1; }
}
no_part_files() { ! find "$CACHE" -name '*.part-*' | grep -q .; }

# --- 1. first update: downloads and imports -------------------------------------------------
run_dagda up1 --db "$DB" db update "${FEEDS[@]}"
if ((RC == 0)); then pass "first update exits 0"; else fail "first update exited $RC"; show_err up1; fi
kev_bytes=$(stat -c %s "$DATA/$KEV")
check "kev: downloaded $kev_bytes bytes (the file's size)" grep -qx "kev: downloaded $kev_bytes bytes" "$SCRATCH/up1.out"
check "retirejs and rustsec downloaded" grep -q '^retirejs: downloaded' "$SCRATCH/up1.out"
check "rustsec downloaded" grep -q '^rustsec: downloaded' "$SCRATCH/up1.out"
check "an import summary line" grep -q '^import: [1-9][0-9]* records' "$SCRATCH/up1.out"
check "the cached kev file is the served file" cmp -s "$DATA/$KEV" "$CACHE/kev/known_exploited_vulnerabilities.json"
check "the cached rustsec archive is the served file" cmp -s "$DATA/rustsec-advisory-db.tar.xz" "$CACHE/rustsec/rustsec-advisory-db.tar.xz"
check "no temporary files left" no_part_files
check "the ETag state was saved" jq -e '.files | length == 4' "$CACHE/state.json"
status_json st1
# Independent count: the KEV catalog's entries, by jq.
kev_entries=$(jq '.vulnerabilities | length' "$DATA/$KEV")
kev_in_db=$(jq '[.sources[] | .counts.kev] | add' "$SCRATCH/st1.out")
if [[ $kev_in_db == "$kev_entries" ]]; then pass "db status: $kev_in_db KEV entries, as in the file"; else fail "db status: $kev_in_db KEV entries, the file has $kev_entries"; fi

# --- 2. second update: 304s, nothing changes -----------------------------------------------
: >"$CTL/requests.log"
run_dagda up2 --db "$DB" db update "${FEEDS[@]}"
if ((RC == 0)); then pass "second update exits 0"; else fail "second update exited $RC"; show_err up2; fi
for f in kev retirejs rustsec; do
  check "$f: unchanged (304)" grep -qx "$f: unchanged (304)" "$SCRATCH/up2.out"
done
n304=$(grep -c ' 304 if-none-match="' "$CTL/requests.log" || true)
if [[ $n304 == 4 ]]; then pass "4 conditional requests answered 304"; else fail "$n304 of 4 requests were 304 with If-None-Match"; cat "$CTL/requests.log"; fi
check "the import skipped every input" grep -q '^import: 0 records from 0 changed input(s); 4 input(s) unchanged' "$SCRATCH/up2.out"
status_json st2
check "db status is identical after the second update" cmp -s "$SCRATCH/st1.out" "$SCRATCH/st2.out"

# --- 3. a connection dropped midway through the body ---------------------------------------
echo "/$KEV" >"$CTL/drop"
run_dagda up3 --db "$DB" db update --feed kev --url "kev=$BASE/$KEV" --force --retries 1
rm -f "$CTL/drop"
if ((RC == 1)); then pass "dropped connection: exit 1"; else fail "dropped connection: exit $RC (want 1)"; fi
check "dropped connection: kev failed, naming the URL" grep -q "^kev: failed: .*$KEV" "$SCRATCH/up3.out"
check "dropped connection: the server dropped it twice (one retry)" test "$(grep -c '200-dropped' "$CTL/requests.log")" -eq 2
check "dropped connection: no partial file" no_part_files
check "dropped connection: the cached file is intact" cmp -s "$DATA/$KEV" "$CACHE/kev/known_exploited_vulnerabilities.json"
status_json st3
check "dropped connection: the database is unchanged" cmp -s "$SCRATCH/st1.out" "$SCRATCH/st3.out"

# --- 4. an HTTP error fails only its feed; the others still import -------------------------
echo "/retirejs/npmrepository.json 503" >"$CTL/status"
run_dagda up4 --db "$DB" db update --feed retirejs --feed kev --url "kev=$BASE/$KEV" \
  --url "retirejs=$BASE/retirejs/jsrepository.json" --url "retirejs=$BASE/retirejs/npmrepository.json" --retries 0
rm -f "$CTL/status"
if ((RC == 1)); then pass "HTTP 503: exit 1"; else fail "HTTP 503: exit $RC (want 1)"; fi
check "HTTP 503: retirejs failed with the status" grep -q '^retirejs: failed: .*HTTP 503' "$SCRATCH/up4.out"
check "HTTP 503: kev still answered (304)" grep -qx 'kev: unchanged (304)' "$SCRATCH/up4.out"

# --- 5. NVD 1.1 feed checked against its .meta (sha256 of the uncompressed JSON) -------------
NVD_URL="$BASE/nvd-1.1-yearly/nvdcve-1.1-2002.json.gz"
echo "/nvd-1.1-yearly/nvdcve-1.1-2002.meta" >"$CTL/badmeta"
run_dagda up5 --db "$DB" db update --feed nvd --url "nvd=$NVD_URL"
if ((RC == 1)); then pass "wrong .meta sha256: exit 1"; else fail "wrong .meta sha256: exit $RC (want 1)"; fi
check "wrong .meta sha256: a checksum mismatch" grep -q '^nvd: failed: .*checksum mismatch' "$SCRATCH/up5.out"
check "wrong .meta sha256: nothing kept" test ! -e "$CACHE/nvd/nvdcve-1.1-2002.json.gz"
rm -f "$CTL/badmeta"
run_dagda up6 --db "$DB" db update --feed nvd --url "nvd=$NVD_URL"
if ((RC == 0)); then pass "NVD 1.1 feed with a matching .meta: exit 0"; else fail "NVD 1.1 with .meta: exit $RC"; show_err up6; fi
check "NVD 1.1 feed downloaded" grep -q '^nvd: downloaded' "$SCRATCH/up6.out"
status_json st6

# --- 6. kill -9 during the import leaves the previous database usable -----------------------
args=(--feed nvd)
for f in "$DATA"/nvd-1.1-yearly/nvdcve-1.1-20*.json.gz; do args+=(--url "nvd=$BASE/nvd-1.1-yearly/$(basename "$f")"); done
root=$SCRATCH/env
env HOME="$root/home" XDG_DATA_HOME="$root/home/.local/share" DAGDA_CACHE_DIR="$root/cache" TMPDIR="$root/tmp" \
  "$DAGDA" --db "$DB" db update "${args[@]}" >"$SCRATCH/kill.out" 2>"$SCRATCH/kill.err" &
pid=$!
for _ in $(seq 1 1200); do grep -q 'importing' "$SCRATCH/kill.err" 2>/dev/null && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
sleep 1
if kill -9 "$pid" 2>/dev/null; then
  pass "dagda was killed (-9) during the import"
else
  fail "dagda had already ended before the kill; the import was too quick to interrupt"
fi
wait "$pid" 2>/dev/null || true
status_json st7
check "after kill -9: db status works and shows the previous counts" cmp -s "$SCRATCH/st6.out" "$SCRATCH/st7.out"
run_dagda up8 --db "$DB" db update --feed kev --url "kev=$BASE/$KEV"
if ((RC == 0)); then pass "after kill -9: the next update succeeds"; else fail "after kill -9: the next update exited $RC"; show_err up8; fi

# --- 7. the same on PostgreSQL (the server scripts/test.sh starts) --------------------------
if [[ -z ${DAGDA_TEST_PG_URL:-} ]]; then
  if [[ ${DAGDA_CI:-0} == 1 ]]; then fail "DAGDA_TEST_PG_URL is unset (scripts/start-postgres.sh)"; else echo "skip - PostgreSQL: DAGDA_TEST_PG_URL is unset"; fi
else
  pgdb="dagda_update_$$"
  psql -q "$DAGDA_TEST_PG_URL" -c "CREATE DATABASE $pgdb" >/dev/null
  PG="${DAGDA_TEST_PG_URL%/*}/$pgdb"
  run_dagda pg1 --db "$PG" db update "${FEEDS[@]}" --force
  if ((RC == 0)); then pass "PostgreSQL: update exits 0"; else fail "PostgreSQL: update exited $RC"; show_err pg1; fi
  run_dagda pgst1 --db "$PG" db status --json
  pg_kev=$(jq '[.sources[] | .counts.kev] | add' "$SCRATCH/pgst1.out")
  if [[ $pg_kev == "$kev_entries" ]]; then pass "PostgreSQL: $pg_kev KEV entries, as in the file"; else fail "PostgreSQL: $pg_kev KEV entries, the file has $kev_entries"; fi
  env HOME="$root/home" XDG_DATA_HOME="$root/home/.local/share" DAGDA_CACHE_DIR="$root/cache" TMPDIR="$root/tmp" \
    "$DAGDA" --db "$PG" db update "${args[@]}" --force >"$SCRATCH/pgkill.out" 2>"$SCRATCH/pgkill.err" &
  pid=$!
  for _ in $(seq 1 1200); do grep -q 'importing' "$SCRATCH/pgkill.err" 2>/dev/null && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  sleep 1
  if kill -9 "$pid" 2>/dev/null; then pass "PostgreSQL: dagda was killed (-9) during the import"; else fail "PostgreSQL: dagda ended before the kill"; fi
  wait "$pid" 2>/dev/null || true
  run_dagda pgst2 --db "$PG" db status --json
  check "PostgreSQL: after kill -9 the database shows the previous counts" cmp -s "$SCRATCH/pgst1.out" "$SCRATCH/pgst2.out"
  psql -q "$DAGDA_TEST_PG_URL" -c "DROP DATABASE $pgdb WITH (FORCE)" >/dev/null || true
fi

finish
