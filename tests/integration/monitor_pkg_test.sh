#!/usr/bin/env bash
# The monitor's package facts (dagda.pkg, dagda.pkg.vulns, dagda.pkg.kev) on real data: the
# real Alpine 3.7.3 minirootfs imported with `podman import`, a scratch database made with
# `dagda db import` of the real Alpine secdb v3.7/main.yaml and CISA's KEV file, and
# `dagda monitor run` (eBPF) on a container of that image that runs programs of the image.
# Oracles, computed here without Dagda: the owner of each program from the rootfs's own apk
# database (/lib/apk/db/installed, tar + awk); its vulnerabilities from the secdb YAML (the
# advisories of the package's origin whose fixed version is newer than the installed one,
# python3 with a small Alpine version comparison); KEV membership from the KEV JSON (jq).
# Cases: getent (musl-utils, whose origin musl has CVE-2019-14697 unfixed), the musl loader
# itself, busybox (advisories fixed in 1.27.2-r4, installed 1.27.2-r11: 0, which a textual
# comparison gets wrong), and a copy of getent made at run time (drift, no package). Then
# without a vulnerability database and with --no-vulns: the package is known, the counts are
# unknown (null). Needs root and podman. Labelled heavy.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $(id -u) -eq 0 ]] || fatal "the eBPF sensor needs root"
command -v podman >/dev/null || fatal "podman is required"
TESTDATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
ROOTFS=$TESTDATA/pkgdb/alpine-minirootfs/alpine-minirootfs-3.7.3-x86_64.tar.gz
SECDB=$TESTDATA/vulndb/alpine-secdb-yaml/v3.7/main.yaml
KEV=$TESTDATA/vulndb/cisa-kev/known_exploited_vulnerabilities.json
for f in "$ROOTFS" "$SECDB" "$KEV"; do [[ -f $f ]] || fatal "missing $f (set DAGDA_TESTDATA)"; done

SOCK=$SCRATCH/podman.sock
TAG=dagda-monpkg-$$
IMG=localhost/$TAG:3.7.3
SVC=""
MON=""
stop_all() {
  [[ -n $MON ]] && kill "$MON" 2>/dev/null || true
  podman rm -f -t 0 "$TAG" >/dev/null 2>&1 || true
  podman rmi -f "$IMG" >/dev/null 2>&1 || true
  [[ -n $SVC ]] && kill "$SVC" 2>/dev/null || true
  _cleanup
}
trap stop_all EXIT

# ---- the oracles ----
mkdir -p "$SCRATCH/rootfs"
tar -xzf "$ROOTFS" -C "$SCRATCH/rootfs" ./lib/apk/db/installed
APKDB=$SCRATCH/rootfs/lib/apk/db/installed
# owner PATH: "name@version origin version" of the apk package whose file list has PATH, or nothing.
owner() {
  awk -v want="${1#/}" '
    /^P:/ { p = substr($0, 3) } /^V:/ { v = substr($0, 3) } /^o:/ { o = substr($0, 3) }
    /^F:/ { dir = substr($0, 3) }
    /^R:/ { files[(dir == "" ? "" : dir "/") substr($0, 3)] = 1 }
    /^$/ { if (want in files) print p "@" v, o, v; delete files; dir = "" }
    END { if (want in files) print p "@" v, o, v }' "$APKDB"
}
# unfixed ORIGIN VERSION: the distinct ids the secdb fixes in a version newer than VERSION, one a line.
unfixed() {
  python3 - "$SECDB" "$1" "$2" <<'PY'
import re, sys, yaml
secdb, origin, installed = sys.argv[1:]
def key(v):
    # Alpine versions of these packages: dotted numbers and -rN (anything else stops the test).
    m = re.fullmatch(r"(\d+(?:\.\d+)*)-r(\d+)", str(v))
    if not m:
        sys.exit(f"unexpected version {v!r} for {origin}")
    return tuple(int(x) for x in m.group(1).split(".")), int(m.group(2))
def newer(a, b):
    (da, ra), (db, rb) = key(a), key(b)
    n = max(len(da), len(db))
    da, db = da + (0,) * (n - len(da)), db + (0,) * (n - len(db))
    return (da, ra) > (db, rb)
ids = set()
for entry in yaml.safe_load(open(secdb))["packages"]:
    pkg = entry["pkg"]
    if pkg["name"] != origin:
        continue
    for fixed, vulns in (pkg.get("secfixes") or {}).items():
        if newer(fixed, installed):
            for item in vulns or []:
                ids.update(str(item).split())
print("\n".join(sorted(ids)))
PY
}
jq -r '.vulnerabilities[].cveID' "$KEV" | sort -u >"$SCRATCH/kev_ids"
(($(wc -l <"$SCRATCH/kev_ids") > 1000)) || fatal "the KEV file lists too few CVEs"

# expected PATH -> globals PKG VULNS KEVB (and the ids in $SCRATCH/ids.PATH-basename)
declare -A PKG VULNS KEVB
for path in /usr/bin/getent /lib/ld-musl-x86_64.so.1 /bin/busybox; do
  read -r pkg origin version <<<"$(owner "$path")"
  [[ -n $pkg ]] || fatal "the apk database of the rootfs does not own $path"
  ids=$(unfixed "$origin" "$version") || fatal "secdb oracle failed for $origin"
  PKG[$path]=$pkg
  VULNS[$path]=$( [[ -z $ids ]] && echo 0 || wc -l <<<"$ids")
  KEVB[$path]=$( [[ -n $ids ]] && grep -qxF -f <(echo "$ids") "$SCRATCH/kev_ids" && echo true || echo false)
  echo "# oracle: $path is $pkg (origin $origin): ${VULNS[$path]} unfixed [${ids//$'\n'/ }], in KEV: ${KEVB[$path]}"
done
((${VULNS[/usr/bin/getent]} > 0)) || fatal "the oracle finds no unfixed vulnerability for getent's package: nothing to test"
# busybox has advisories in the secdb, all fixed before the installed version: its 0 means something.
grep -A3 'name: busybox$' "$SECDB" | grep -q secfixes || fatal "no busybox advisories in the secdb"
[[ -z $(owner /tmp/dropped-getent) ]] || fatal "the apk database owns /tmp/dropped-getent"

# ---- the image, the database, the Docker API ----
podman import "$ROOTFS" "$IMG" >/dev/null 2>"$SCRATCH/import.err" || { cat "$SCRATCH/import.err"; fatal "podman import failed"; }
DB=$SCRATCH/db.sqlite
"$DAGDA" --db "$DB" db import "$SECDB" "$KEV" >/dev/null 2>"$SCRATCH/dbimport.err" ||
  { cat "$SCRATCH/dbimport.err"; fatal "dagda db import failed"; }
podman system service --time=0 "unix://$SOCK" >"$SCRATCH/service.log" 2>&1 &
SVC=$!
for _ in $(seq 100); do [[ -S $SOCK ]] && break; sleep 0.1; done
[[ -S $SOCK ]] || fatal "podman system service did not start"
export DOCKER_HOST=unix://$SOCK
podman run -d --name "$TAG" "$IMG" sleep 600 >/dev/null
SHORT=$(podman inspect -f '{{.Id}}' "$TAG" | cut -c1-12)

# Every exec in a container, with the facts.
RULES=$SCRATCH/exec.yaml
cat >"$RULES" <<'EOF'
- rule: Program started in a container
  desc: every exec in a container, with what the image's inventory says about the program
  condition: evt.type in (execve, execveat) and container.id != host
  output: exec %proc.exepath pkg=%dagda.pkg vulns=%dagda.pkg.vulns kev=%dagda.pkg.kev drift=%dagda.drift
  priority: NOTICE
EOF

# start_monitor NAME DB ARGS...: `dagda [--db DB] monitor run ARGS` (DB "-": no --db; a scratch HOME
# and cache, no DAGDA_DB) until it is ready.
start_monitor() {
  local name=$1 root=$SCRATCH/env-$1 db=()
  [[ $2 == - ]] || db=(--db "$2")
  shift 2
  mkdir -p "$root/home"
  monitor_start "$name" env -u DAGDA_DB HOME="$root/home" XDG_DATA_HOME="$root/home/.local/share" \
    XDG_CACHE_HOME="$root/home/.cache" DAGDA_CACHE_DIR="$root/cache" \
    "$DAGDA" "${db[@]}" monitor run --rules "$RULES" --json --container "$TAG" "$@"
}
x() { podman exec "$TAG" "$@" >/dev/null 2>&1 || true; }
# alerts NAME PATH: the alerts of run NAME for the exec of PATH in the container, one JSON line each.
alerts() {
  jq -c --arg p "$2" --arg c "$SHORT" \
    'select(.output_fields["proc.exepath"] == $p and .output_fields["container.id"] == $c) | .output_fields' \
    "$SCRATCH/$1.out" 2>/dev/null || true
}
# wait_facts NAME: runs getent until an alert of it carries dagda.pkg (the image is read in the
# background), at most 30 s.
wait_facts() {
  local t0=$SECONDS
  while ((SECONDS - t0 < 30)); do
    x /usr/bin/getent hosts localhost
    alerts "$1" /usr/bin/getent | jq -e 'select(.["dagda.pkg"] != null)' >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  return 1
}
# wait_alert NAME PATH: until an alert for PATH is printed, at most 10 s.
wait_alert() {
  for _ in $(seq 100); do [[ -n $(alerts "$1" "$2") ]] && return 0; sleep 0.1; done
  return 1
}
# facts_are NAME PATH PKG VULNS KEV: every alert of PATH with a package says exactly these (JSON values).
facts_are() {
  local name=$1 path=$2 want
  want=$(jq -cn --argjson p "$3" --argjson v "$4" --argjson k "$5" '{pkg: $p, vulns: $v, kev: $k}')
  local got
  got=$(alerts "$name" "$path" | jq -c 'select(.["dagda.pkg"] != null) |
        {pkg: .["dagda.pkg"], vulns: .["dagda.pkg.vulns"], kev: .["dagda.pkg.kev"]}' | sort -u)
  if [[ $got == "$want" ]]; then pass "$name: $path has $want"; else
    fail "$name: $path: expected $want, got [${got//$'\n'/ }]"
  fi
}

# ---- with the database ----
t0=$SECONDS
start_monitor mon "$DB" --no-store
wait_facts mon && pass "mon: the image's facts arrive within 30 s" || fail "mon: no alert with dagda.pkg within 30 s"
x /lib/ld-musl-x86_64.so.1
x /bin/busybox true
x /bin/busybox sh -c 'cp /usr/bin/getent /tmp/dropped-getent && /tmp/dropped-getent hosts localhost'
for p in /lib/ld-musl-x86_64.so.1 /bin/busybox /tmp/dropped-getent; do
  wait_alert mon "$p" || fail "mon: no alert for the exec of $p"
done
monitor_stop mon
for p in /usr/bin/getent /lib/ld-musl-x86_64.so.1 /bin/busybox; do
  facts_are mon "$p" "\"${PKG[$p]}\"" "${VULNS[$p]}" "${KEVB[$p]}"
done
# Facts come whole: no alert has counts without the package.
n=$(jq -c 'select(.output_fields["dagda.pkg"] == null and
                  (.output_fields["dagda.pkg.vulns"] != null or .output_fields["dagda.pkg.kev"] != null))' \
      "$SCRATCH/mon.out" | wc -l)
((n == 0)) && pass "mon: no counts without a package" || fail "mon: $n alerts with counts but no package"
dropped=$(alerts mon /tmp/dropped-getent | jq -sc 'map({pkg: .["dagda.pkg"], vulns: .["dagda.pkg.vulns"],
          kev: .["dagda.pkg.kev"], drift: .["dagda.drift"]}) | unique')
[[ $dropped == '[{"pkg":null,"vulns":null,"kev":null,"drift":true}]' ]] &&
  pass "mon: the copy made at run time is drift, with no package" || fail "mon: the dropped copy: $dropped"
# The same package in `dagda scan` of the rootfs tarball agrees (a consistency check, not the oracle).
"$DAGDA" --db "$DB" scan "$ROOTFS" --format json -o "$SCRATCH/scan.json" >/dev/null 2>"$SCRATCH/scan.err" || true
n=$(jq --arg n "${PKG[/usr/bin/getent]%@*}" '[.findings[] | select(.package.name == $n)] | length' "$SCRATCH/scan.json" 2>/dev/null || echo -1)
((n == ${VULNS[/usr/bin/getent]})) && pass "dagda scan of the rootfs gives ${PKG[/usr/bin/getent]} the same $n" ||
  fail "dagda scan: $n findings for ${PKG[/usr/bin/getent]}"

# ---- without a vulnerability database, and with --no-vulns: the package, no counts ----
start_monitor nodb - --no-store
wait_facts nodb && pass "nodb: the image's facts arrive within 30 s" || fail "nodb: no alert with dagda.pkg within 30 s"
monitor_stop nodb
facts_are nodb /usr/bin/getent "\"${PKG[/usr/bin/getent]}\"" null null
# Why the counts are unknown is said once, on stderr, naming the image.
n=$(grep -c "image .*dagda.pkg.vulns and dagda.pkg.kev stay unknown" "$SCRATCH/nodb.err" || true)
[[ $n == 1 ]] && pass "nodb: stderr says once why the counts are unknown" ||
  fail "nodb: $n notices of the missing database on stderr: $(head -c 400 "$SCRATCH/nodb.err")"
start_monitor novulns "$DB" --no-store --no-vulns
wait_facts novulns && pass "novulns: the image's facts arrive within 30 s" || fail "novulns: no alert with dagda.pkg within 30 s"
monitor_stop novulns
facts_are novulns /usr/bin/getent "\"${PKG[/usr/bin/getent]}\"" null null
! grep -q "stay unknown" "$SCRATCH/novulns.err" && pass "novulns: counts not asked for, no notice" ||
  fail "novulns: a notice though --no-vulns asked for no counts"
echo "# monitor runs: $((SECONDS - t0)) s"
finish
