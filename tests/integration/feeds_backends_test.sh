#!/usr/bin/env bash
# feeds_backends_test (label "heavy": the Release pass only): every shared feed
# (the list scripts/run.sh imports) into SQLite and into PostgreSQL; their
# `db status --json` counts and the findings of two real images must be equal.
# PostgreSQL could not hold the real data before (invalid UTF-8 and NUL bytes
# in FriendsOfPHP, PyPA and GitLab records): text is repaired at import.
source "$(dirname "$0")/lib.sh"

DATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
if [[ -z ${DAGDA_TEST_PG_URL:-} ]]; then
  if [[ ${DAGDA_CI:-0} == 1 ]]; then fatal "DAGDA_TEST_PG_URL is unset (scripts/start-postgres.sh)"; fi
  echo "skip - DAGDA_TEST_PG_URL is unset (eval \"\$(bash scripts/start-postgres.sh start)\")"
  exit 0
fi
feeds=()
for f in "$DATA"/vulndb/*; do
  case $(basename "$f") in samples | node-core | README*) ;; *) feeds+=("$f") ;; esac
done
SQ=$SCRATCH/vulndb.sqlite
pgdb="dagda_backends_$$"
psql -q "$DAGDA_TEST_PG_URL" -c "CREATE DATABASE $pgdb" >/dev/null || fatal "cannot create a PostgreSQL database"
trap 'psql -q "$DAGDA_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true; _cleanup' EXIT
PG="${DAGDA_TEST_PG_URL%/*}/$pgdb"

DAGDA_TIMEOUT=1500
for db in sqlite postgresql; do
  url=$SQ
  [[ $db == postgresql ]] && url=$PG
  run_dagda "import-$db" --quiet --db "$url" db import "${feeds[@]}"
  if ((RC == 0)); then pass "$db: every shared feed imports"; else fail "$db: import exited $RC: $(head -c 400 "$SCRATCH/import-$db.err")"; fi
  run_dagda "status-$db" --db "$url" db status --json
  jq -S '[.sources[] | {source, counts, newest_record}]' "$SCRATCH/status-$db.out" >"$SCRATCH/counts-$db.json"
done
check "db status: the same sources, counts and newest records in both" diff "$SCRATCH/counts-sqlite.json" "$SCRATCH/counts-postgresql.json"
check "db status lists the sources (not empty)" test "$(jq length "$SCRATCH/counts-sqlite.json")" -gt 15

images=("rootfs-archive:$DATA/pkgdb/alpine-minirootfs/alpine-minirootfs-3.7.3-x86_64.tar.gz"
  "$DATA/images/trivy-docker-save/alpine-310.tar.gz")
for i in "${!images[@]}"; do
  for db in sqlite postgresql; do
    url=$SQ
    [[ $db == postgresql ]] && url=$PG
    run_dagda "scan-$i-$db" --db "$url" scan "${images[$i]}" -f json
    ((RC == 0)) || fail "scan of ${images[$i]} on $db exited $RC: $(head -c 300 "$SCRATCH/scan-$i-$db.err")"
    jq -S '[.findings[]? | {id, package: (.package.name // .package), version: (.package.version // null), fixed_version, status, severity, aliases, matches: [.matches[]? | {source, advisory, rule}]}] | sort_by(.id, .package)' \
      "$SCRATCH/scan-$i-$db.out" >"$SCRATCH/findings-$i-$db.json"
  done
  n=$(jq length "$SCRATCH/findings-$i-sqlite.json")
  total=$((${total:-0} + n))
  check "scan of $(basename "${images[$i]}"): $n findings, the same on both databases" diff "$SCRATCH/findings-$i-sqlite.json" "$SCRATCH/findings-$i-postgresql.json"
done
# (alpine:3.10.4's packages are all at or past the fixes of the 2020 secdb in the data.)
check "the scans find something ($total findings)" test "$total" -gt 0
finish
