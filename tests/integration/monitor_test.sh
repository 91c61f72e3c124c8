#!/usr/bin/env bash
# `dagda monitor run` with the eBPF sensor on real processes in podman containers
# (issue 14): one container does what Dagda's default rules are about (a shell,
# apt-get, a write below /etc, a sensitive file read, a UDP "connection" to an odd
# port (a connected UDP socket: no packet is sent), the exec of a file copied in at
# run time (drift), an exec from /dev/shm, a memfd exec, a file named release_agent
# opened for writing); a quiet container does nothing. Each expected rule must fire
# with its priority, the container's 12-character id and its fields; the quiet
# container must produce nothing. The alerts are then in the state store
# (`monitor events`), Falco's real JSON alerts are ingested beside them, and a flood
# of opens ends with every event either delivered or counted as dropped. Monitor windows
# (`monitor start`/`stop` through `dagda serve`) record what happens between them. The fallback
# sensor (no eBPF) sees the shell.
# Needs root and podman (CI runs as root). Labelled heavy.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $(id -u) -eq 0 ]] || fatal "the eBPF sensor needs root"
command -v podman >/dev/null || fatal "podman is required"
TESTDATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
ALERTS_FILE=$TESTDATA/falco/alerts/elastic-integrations-falco-alerts-subset.jsonl
[[ -f $ALERTS_FILE ]] || fatal "no Falco alerts at $ALERTS_FILE (set DAGDA_TESTDATA)"
need_test_images
IMG=$BASE_IMAGE

DB=$SCRATCH/state.sqlite
SOCK=$SCRATCH/podman.sock
TAG=dagda-mon-$$
BUSY=$TAG-busy
QUIET=$TAG-quiet
SVC=""
MON=""
SRV=""
stop_all() {
  [[ -n $MON ]] && kill "$MON" 2>/dev/null || true
  [[ -n $SRV ]] && kill -9 "$SRV" 2>/dev/null || true
  podman rm -f -t 0 "$BUSY" "$QUIET" >/dev/null 2>&1 || true
  [[ -n $SVC ]] && kill "$SVC" 2>/dev/null || true
  _cleanup
}
trap stop_all EXIT

podman system service --time=0 "unix://$SOCK" >"$SCRATCH/service.log" 2>&1 &
SVC=$!
for _ in $(seq 100); do [[ -S $SOCK ]] && break; sleep 0.1; done
[[ -S $SOCK ]] || fatal "podman system service did not start"
export DOCKER_HOST=unix://$SOCK

# start_monitor NAME ARGS...: `dagda monitor run ARGS` until it is ready.
start_monitor() {
  local name=$1
  shift
  monitor_start "$name" "$DAGDA" --db "$DB" monitor run "$@"
}

start_monitor mon --json --no-vulns
grep -q '^dagda: sensor ebpf:' "$SCRATCH/mon.err" && pass "the eBPF sensor is attached" || fail "not the eBPF sensor: $(head -3 "$SCRATCH/mon.err")"

podman run -d --name "$QUIET" "$IMG" sleep 600 >/dev/null
# Podman mounts /dev/shm noexec; the staging case needs an executable one.
podman run -d --name "$BUSY" --tmpfs /dev/shm:rw,exec,size=64m "$IMG" sleep 600 >/dev/null
BUSY_ID=$(podman inspect -f '{{.Id}}' "$BUSY")
QUIET_ID=$(podman inspect -f '{{.Id}}' "$QUIET")
sleep 1

x() { podman exec "$BUSY" "$@" >/dev/null 2>&1 || true; }
x sh -c 'true'
x apt-get --version
x sh -c 'echo dagda > /etc/dagda-written'
x cat /etc/shadow
x bash -c 'exec 3<>/dev/udp/192.0.2.10/4444'
x sh -c 'cp /usr/bin/ls /tmp/dropped && chmod +x /tmp/dropped && /tmp/dropped / >/dev/null'
x sh -c 'cp /usr/bin/true /dev/shm/staged && /dev/shm/staged'
x perl -MPOSIX -e 'my $fd = syscall(319, my $n = "dagda", 0); die if $fd < 0;
  open(my $in, "<", "/usr/bin/true") or die; binmode $in; local $/; my $d = <$in>;
  POSIX::write($fd, $d, length $d) == length $d or die; exec {"/proc/self/fd/$fd"} "memfd-true" or die'
x sh -c ': > /tmp/release_agent'
sleep 2
monitor_stop mon

OUT=$SCRATCH/mon.out
SHORT=${BUSY_ID:0:12}
jq -c . "$OUT" >/dev/null 2>&1 && pass "every alert line is JSON" || fail "alert lines are not all JSON"
# expect RULE PRIORITY JQ_CONDITION: an alert of that rule in the busy container, with that priority, meeting the condition.
expect() {
  local rule=$1 prio=$2 cond=$3
  local n
  n=$(jq -c --arg r "$rule" --arg c "$SHORT" --arg p "$prio" \
    "select(.rule == \$r and .priority == \$p and .output_fields[\"container.id\"] == \$c and .source == \"syscall\" and (.hostname | length > 0) and ($cond))" "$OUT" | wc -l)
  if ((n > 0)); then pass "$rule ($prio) fired in the busy container"; else
    fail "$rule ($prio) did not fire with $cond"
    jq -c --arg r "$rule" 'select(.rule == $r)' "$OUT" | head -3 | sed 's/^/      /'
  fi
}
expect "Shell spawned in container" Notice '.output_fields["proc.name"] == "sh" and .output_fields["container.name"] == "'"$BUSY"'"'
expect "Launch package management process in container" Error '.output_fields["proc.cmdline"] | startswith("apt-get")'
expect "Write below etc in container" Error '.output_fields["fd.name"] == "/etc/dagda-written"'
expect "Read sensitive file in container" Warning '.output_fields["fd.name"] == "/etc/shadow" and .output_fields["user.name"] == "root"'
expect "Unexpected outbound port in container" Notice '.output_fields["fd.sport"] == 4444 and .output_fields["fd.l4proto"] == "udp"'
expect "Drop and execute new binary in container (drift)" Critical '.output_fields["proc.exepath"] == "/tmp/dropped" and .output_fields["dagda.drift"] == true'
expect "Execution from /dev/shm in container" Warning '.output_fields["proc.exepath"] == "/dev/shm/staged"'
expect "Fileless execution via memfd_create in container" Critical '.output_fields["proc.exepath"] | startswith("memfd:dagda")'
expect "Detect release_agent file container escape" Critical '.output_fields["fd.name"] == "/tmp/release_agent"'
# The image's binaries are not drift.
n=$(jq -c --arg c "$SHORT" 'select(.output_fields["container.id"] == $c and .output_fields["dagda.drift"] == true and .output_fields["proc.exepath"] != "/tmp/dropped")' "$OUT" | wc -l)
((n == 0)) && pass "no drift for the image's own binaries" || fail "$n drift alerts for binaries of the image"
n=$(jq -c --arg c "${QUIET_ID:0:12}" 'select(.output_fields["container.id"] == $c)' "$OUT" | wc -l)
((n == 0)) && pass "the quiet container produced no alert" || fail "the quiet container produced $n alerts"
grep -qE '^dagda: monitor stopped: sensor ebpf, [0-9]+ events, [0-9]+ alerts, [0-9]+ events dropped' "$SCRATCH/mon.err" &&
  pass "the monitor reports its counts" || fail "no count line: $(tail -2 "$SCRATCH/mon.err")"

# The alerts are in the state store.
run_dagda events --db "$DB" monitor events --container "$BUSY_ID" --json
stored=$(jq '.count' "$SCRATCH/events.out" 2>/dev/null || echo 0)
printed=$(jq -c --arg c "$SHORT" 'select(.output_fields["container.id"] == $c)' "$OUT" | wc -l)
((RC == 0 && stored == printed && stored > 0)) && pass "monitor events lists the $stored alerts of the busy container" ||
  fail "monitor events: exit $RC, $stored stored, $printed printed"
run_dagda ingest --db "$DB" monitor ingest "$ALERTS_FILE"
((RC == 0)) && pass "Falco's alerts ingested" || { fail "ingest: exit $RC"; show_err ingest; }
run_dagda ingest_stdin --db "$DB" monitor ingest - <"$ALERTS_FILE"
run_dagda falco_events --db "$DB" monitor events --container 9656db3bb358 --json
[[ $(jq '.count' "$SCRATCH/falco_events.out") == 3 ]] && pass "ingested alerts are queryable by container, once each" ||
  fail "ingested alerts by container: $(jq -c '.count' "$SCRATCH/falco_events.out")"
run_dagda since --db "$DB" monitor events --since 2025-01-01 --json
n=$(jq '[.alerts[] | select(.origin == "falco")] | length' "$SCRATCH/since.out")
((n == 1)) && pass "--since keeps the later Falco alert only" || fail "--since: $n Falco alerts"

# Monitor windows through `dagda serve` (the original's `monitor CONTAINER --start/--stop`): the
# server runs the sensor from the first start to the last stop; stop answers with the window's
# alerts, counted by priority. Falco's alerts can be posted to the same server.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
SDB=$SCRATCH/serve.sqlite
TOKEN=$("$DAGDA" --db "$SDB" token create monitor --scope scan 2>"$SCRATCH/token.err")
READ_TOKEN=$("$DAGDA" --db "$SDB" token create reader --scope read 2>>"$SCRATCH/token.err")
"$DAGDA" --db "$SDB" serve --listen "127.0.0.1:$PORT" 2>"$SCRATCH/serve.log" &
SRV=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
BASE=http://127.0.0.1:$PORT
export DAGDA_SERVER=$BASE DAGDA_TOKEN=$TOKEN
run_dagda wstart monitor start "$BUSY"
((RC == 0)) && pass "monitor start: a window on the busy container" || { fail "monitor start: exit $RC"; show_err wstart; tail -5 "$SCRATCH/serve.log"; }
x sh -c 'true'
x apt-get --version
x sh -c 'echo dagda > /etc/dagda-window'
x bash -c 'exec 3<>/dev/udp/192.0.2.10/4444'
x sh -c 'cp /usr/bin/ls /tmp/dropped2 && chmod +x /tmp/dropped2 && /tmp/dropped2 / >/dev/null'
sleep 1
run_dagda wstop monitor stop "$BUSY" --json
W=$SCRATCH/wstop.out
((RC == 0)) && pass "monitor stop answers" || { fail "monitor stop: exit $RC"; show_err wstop; }
# window_has RULE PRIORITY JQ_CONDITION: an alert of the window with that rule, priority and condition.
window_has() {
  local n
  n=$(jq --arg r "$1" --arg p "$2" --arg c "$SHORT" \
    "[.alerts[].alert | select(.rule == \$r and .priority == \$p and .output_fields[\"container.id\"] == \$c and ($3))] | length" "$W" 2>/dev/null || echo 0)
  ((n > 0)) && pass "window: $1 ($2)" || fail "window: no $1 ($2) with $3"
}
window_has "Shell spawned in container" Notice '.output_fields["proc.name"] == "sh"'
window_has "Launch package management process in container" Error '.output_fields["proc.cmdline"] | startswith("apt-get")'
window_has "Write below etc in container" Error '.output_fields["fd.name"] == "/etc/dagda-window"'
window_has "Unexpected outbound port in container" Notice '.output_fields["fd.sport"] == 4444'
window_has "Drop and execute new binary in container (drift)" Critical '.output_fields["proc.exepath"] == "/tmp/dropped2" and .output_fields["dagda.drift"] == true'
# The window holds only what happened inside it: nothing from the first run's files.
n=$(jq '[.alerts[].alert | select(.output_fields["fd.name"] == "/etc/dagda-written" or .output_fields["proc.exepath"] == "/tmp/dropped")] | length' "$W")
((n == 0)) && pass "window: nothing from before the window" || fail "window: $n alerts from before it"
ok=$(jq '(.counts | to_entries | map(.value) | add) == .count and .count == (.alerts | length) and .container.id == "'"$SHORT"'"' "$W")
[[ $ok == true ]] && pass "window: counts by priority add up to its alerts" || fail "window: counts do not add up: $(jq -c '{count, counts}' "$W")"
run_dagda wstop_table monitor stop "$BUSY"
((RC == 1)) && grep -q "not monitored" "$SCRATCH/wstop_table.err" && pass "stop without a window: a clear error" ||
  { fail "stop without a window: exit $RC"; show_err wstop_table; }
run_dagda wread monitor start "$BUSY" --token "$READ_TOKEN"
((RC == 2)) && grep -q "needs a token of scope 'scan'" "$SCRATCH/wread.err" && pass "a read token cannot open a window" ||
  { fail "read token: exit $RC"; show_err wread; }
run_dagda wnone monitor start "$BUSY" --server "http://127.0.0.1:1"
((RC == 1)) && grep -q "cannot reach the dagda server" "$SCRATCH/wnone.err" && pass "no server: a clear error" ||
  { fail "no server: exit $RC"; show_err wnone; }
(unset DAGDA_SERVER; "$DAGDA" monitor start "$BUSY" >"$SCRATCH/wunset.out" 2>"$SCRATCH/wunset.err") && RC=0 || RC=$?
((RC == 2)) && grep -q "needs a running .dagda serve." "$SCRATCH/wunset.err" && pass "no --server: a usage error saying a server is needed" ||
  { fail "no --server: exit $RC"; show_err wunset; }
code=$(curl -s -o "$SCRATCH/falco_post.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
  --data-binary "@$ALERTS_FILE" "$BASE/v1/monitor/falco")
[[ $code == 201 ]] && pass "POST /v1/monitor/falco stores Falco's alerts" || fail "POST /v1/monitor/falco: $code $(cat "$SCRATCH/falco_post.json")"
code=$(curl -s -o "$SCRATCH/mon_events.json" -w '%{http_code}' -H "Authorization: Bearer $READ_TOKEN" \
  "$BASE/v1/monitor/events?container=9656db3bb358")
[[ $code == 200 && $(jq '.count' "$SCRATCH/mon_events.json") == 3 ]] && pass "GET /v1/monitor/events by container" ||
  fail "GET /v1/monitor/events: $code $(head -c 300 "$SCRATCH/mon_events.json")"
code=$(curl -s -o "$SCRATCH/falco_bad.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
  --data-binary '{"rule": 5' "$BASE/v1/monitor/falco")
[[ $code == 400 && $(jq -r '.error.code' "$SCRATCH/falco_bad.json") == invalid_input ]] && pass "a malformed Falco alert: 400" ||
  fail "malformed Falco alert: $code"
kill -TERM "$SRV"
for _ in $(seq 300); do kill -0 "$SRV" 2>/dev/null || break; sleep 0.1; done
kill -0 "$SRV" 2>/dev/null && { fail "the server did not stop on SIGTERM"; kill -9 "$SRV"; } || pass "the server stops on SIGTERM"
unset DAGDA_SERVER DAGDA_TOKEN

# The fallback without eBPF (process connector + /proc): exec and exit only. A shell that
# lives long enough to be read from /proc is seen, with its container.
start_monitor fallback --json --no-store --sensor proc
grep -q '^dagda: sensor proc-connector: reduced coverage' "$SCRATCH/fallback.err" &&
  pass "the fallback states its reduced coverage" || fail "fallback: $(head -3 "$SCRATCH/fallback.err")"
podman exec "$BUSY" sh -c 'sleep 2' >/dev/null 2>&1 || true
sleep 1
monitor_stop fallback
n=$(jq -c --arg c "$SHORT" 'select(.rule == "Shell spawned in container" and .output_fields["container.id"] == $c and
  .output_fields["proc.cmdline"] == "sh -c sleep 2")' "$SCRATCH/fallback.out" | wc -l)
((n > 0)) && pass "fallback: the shell in the busy container is seen" || fail "fallback: no shell alert"

# A flood: far more open() records than the 16 MiB ring buffer holds, while the monitor is
# stopped (SIGSTOP), so that the buffer really fills. Every event must be delivered or counted
# as dropped, some must be dropped, and the monitor must still stop on SIGTERM.
start_monitor flood --no-store --container "$QUIET"
kill -STOP "$MON"
podman exec "$QUIET" perl -e 'for (1..300000) { open(my $f, "<", "/etc/hostname") }' || fail "the flood did not run"
kill -CONT "$MON"
sleep 2
monitor_stop flood
line=$(grep '^dagda: monitor stopped' "$SCRATCH/flood.err" || true)
events=$(sed -E 's/.* ([0-9]+) events, .*/\1/' <<<"$line")
dropped=$(sed -E 's/.* ([0-9]+) events dropped.*/\1/' <<<"$line")
echo "# flood: $line"
if [[ -n $line ]] && ((events + dropped >= 300000 && dropped > 0)); then
  pass "flood: $events events seen, $dropped dropped and counted"
else
  fail "flood: events lost without being counted ($line)"
fi
finish
