# shellcheck shell=bash
# tests/integration/services.sh: real services that the engine, registry and
# cache tests start in their own scratch folder and stop when they end (source it
# after lib.sh). Nothing here touches the machine's podman storage or ports
# other than the ones it picks.
#
#   start_podman_service      Podman's Docker-compatible API on $SCRATCH/podman/api.sock, with its
#                             own storage (--root/--runroot/--tmpdir under $SCRATCH/podman); sets
#                             DOCKER_HOST and PODMAN (an array: the podman command for that storage).
#   free_port                 prints a free TCP port on 127.0.0.1.
#   make_ca DIR NAME...       a CA (DIR/ca.crt) and a certificate for 127.0.0.1, localhost and each
#                             NAME (DIR/server.crt, DIR/server.key), made with openssl.
#   start_registry DIR PORT TLS_DIR [AUTH_YAML]
#                             Debian's docker-registry on 127.0.0.1:PORT with TLS (TLS_DIR/server.*
#                             made by make_ca),
#                             storage in DIR/data and an access log in DIR/registry.log.
#   expect_error NAME NAMES ARGS...
#                             runs `dagda ARGS...`: passes when it exits 1 (or $EXPECT_RC: 2 for a
#                             usage error) with nothing on stdout,
#                             exactly one line on stderr containing one of the '|'-separated NAMES,
#                             and nothing changed under $WATCH (default $SCRATCH/area) but the cache.
set -euo pipefail

_CLEANUPS=()
at_exit() { _CLEANUPS+=("$*"); }
_run_cleanups() {
  local rc=$?
  local i
  for ((i = ${#_CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${_CLEANUPS[$i]}" >/dev/null 2>&1 || true; done
  _cleanup
  exit "$rc"
}
trap _run_cleanups EXIT

for _tool in podman openssl curl docker-registry skopeo; do
  command -v "$_tool" >/dev/null || fatal "$_tool is required (scripts/install-deps.sh test)"
done

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_for DESCRIPTION SECONDS COMMAND...: retries COMMAND every 0.1 s.
wait_for() {
  local what=$1 secs=$2
  shift 2
  local i
  for ((i = 0; i < secs * 10; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  fatal "$what did not come up within ${secs}s"
}

start_podman_service() {
  local pd=$SCRATCH/podman
  # Podman wants a run root of at most 50 characters: a short private folder in /tmp.
  PODMAN_RUN=$(mktemp -d /tmp/dagda-test-podman.XXXXXX)
  at_exit "rm -rf '$PODMAN_RUN'"
  mkdir -p "$pd/root" "$PODMAN_RUN/run" "$PODMAN_RUN/tmp"
  PODMAN=(podman --root "$pd/root" --runroot "$PODMAN_RUN/run" --tmpdir "$PODMAN_RUN/tmp")
  "${PODMAN[@]}" system service --time=0 "unix://$pd/api.sock" >"$pd/service.log" 2>&1 &
  local pid=$!
  at_exit "_stop_podman $pid"
  wait_for "podman system service" 30 curl -sf --unix-socket "$pd/api.sock" http://d/_ping
  export DOCKER_HOST="unix://$pd/api.sock"
}

_stop_podman() {
  local pid=$1 pd=$SCRATCH/podman
  "${PODMAN[@]}" rm -af -t 0 >/dev/null 2>&1 || true
  "${PODMAN[@]}" rmi -af >/dev/null 2>&1 || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  # Storage mounts left under our folder (overlay) go before the folder does.
  findmnt -rn -o TARGET | grep -e "^$pd/" -e "^$PODMAN_RUN/" | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
}

make_ca() {
  local dir=$1
  shift
  mkdir -p "$dir"
  local san="IP:127.0.0.1,DNS:localhost"
  local n
  for n in "$@"; do san+=",DNS:$n"; done
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=dagda test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" >"$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/server.ext" -out "$dir/server.crt" 2>/dev/null
}

start_registry() {
  local dir=$1 port=$2 tls=$3 auth=${4:-}
  mkdir -p "$dir/data"
  {
    printf 'version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: false\n'
    printf 'storage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n' "$dir/data"
    printf 'http:\n  addr: 127.0.0.1:%s\n  tls:\n    certificate: %s\n    key: %s\n' "$port" "$tls/server.crt" "$tls/server.key"
    if [[ -n $auth ]]; then printf 'auth:\n%s\n' "$auth"; fi
  } >"$dir/config.yml"
  docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  local pid=$!
  at_exit "kill $pid"
  wait_for "docker-registry on port $port" 20 curl -s --cacert "$tls/ca.crt" -o /dev/null "https://127.0.0.1:$port/v2/"
}

# What a failing run must leave unchanged: the working directory (the test runs in it) and the
# run's HOME and TMPDIR; only the cache directory may change.
WATCH=${WATCH:-$SCRATCH/area}
mkdir -p "$WATCH" "$SCRATCH/env"/{home,cache,tmp}
cd "$WATCH"
_snapshot() {
  local env=${DAGDA_ENV_ROOT:-$SCRATCH/env}
  mkdir -p "$env"/{home,cache,tmp}
  find "$WATCH" "$env" -path "$env/cache" -prune -o -printf '%p\t%y\t%s\t%T@\n' 2>/dev/null | LC_ALL=C sort
}

expect_error() {
  local name=$1 names=$2
  shift 2
  local before after
  before=$(_snapshot)
  run_dagda "$name" "$@"
  after=$(_snapshot)
  local err=$SCRATCH/$name.err out=$SCRATCH/$name.out n named=0 s
  local -a wanted
  IFS='|' read -r -a wanted <<<"$names"
  n=$(grep -c '' "$err" || true)
  for s in "${wanted[@]}"; do grep -qF -- "$s" "$err" && named=1; done
  if [[ $before != "$after" ]]; then
    fail "$name: wrote outside the cache directory"
  elif ((RC != ${EXPECT_RC:-1})); then
    fail "$name: exit $RC, expected ${EXPECT_RC:-1}"
    show_err "$name"
  elif ((n != 1)) || [[ -s $out ]]; then
    fail "$name: $n lines on stderr (expected 1), $(wc -c <"$out") bytes on stdout"
    show_err "$name"
  elif ((!named)); then
    fail "$name: the error does not name any of: $names"
    show_err "$name"
  else
    pass "$name: $(cut -c1-220 "$err")"
  fi
}

# comparable JSON: what must not differ between two sources of one image.
comparable() {
  jq -S '{os, packages: [.packages[] | del(.drift)], partial, layers: [.source.layers[] | {index, diff_id, created_by}]}' "$1"
}

# same_inventory DESCRIPTION A.json B.json
same_inventory() {
  if cmp -s <(comparable "$2") <(comparable "$3"); then
    pass "$1 ($(jq '.packages | length' "$2") packages)"
  else
    fail "$1"
    diff <(comparable "$2") <(comparable "$3") | head -n 20 | sed 's/^/      /'
  fi
}
