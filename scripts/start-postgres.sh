#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (Debian's postgresql package).
#
#   eval "$(scripts/start-postgres.sh start)"   # exports DAGDA_TEST_PG_URL and DAGDA_TEST_PG_DIR
#   scripts/start-postgres.sh stop "$DAGDA_TEST_PG_DIR"
#
# `start` makes a cluster in a new temporary directory (initdb, trust
# authentication, UTF-8), listening on a unix socket in that directory and on
# a free TCP port of 127.0.0.1 only, creates the database dagda_test and
# prints the export lines. As root, the server runs as the `postgres` user
# (PostgreSQL refuses to run as root). `stop` shuts it down and deletes the
# directory.
set -euo pipefail

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x $d/initdb ]] && { echo "$d"; return; }
  done
  echo "start-postgres: PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  local bin dir port
  bin=$(pg_bin)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/dagda-pg.XXXXXX")
  chmod 755 "$dir"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -A trust -U dagda -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  # A port can be taken between choosing it and binding it: try a few.
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null; then
      break
    fi
    port=""
  done
  [[ -n $port ]] || { echo "start-postgres: the server did not start (log: $dir/server.log)" >&2; cat "$dir/server.log" >&2; exit 1; }
  as_owner "$bin/createdb" -h "$dir" -p "$port" -U dagda dagda_test
  echo "export DAGDA_TEST_PG_URL='postgresql://dagda@127.0.0.1:$port/dagda_test'"
  echo "export DAGDA_TEST_PG_DIR='$dir'"
  echo "start-postgres: PostgreSQL on 127.0.0.1:$port (socket dir $dir)" >&2
}

stop() {
  local dir=${1:?usage: start-postgres.sh stop DIR}
  [[ -d $dir/data ]] || { echo "start-postgres: no cluster in $dir" >&2; exit 1; }
  as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
