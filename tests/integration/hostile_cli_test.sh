#!/usr/bin/env bash
# The binary against hostile inputs and careless use (issue 16 items 3, 6, 7, 8, 9, 10;
# issue 11 items 7 and 8). Every input is made here, from the real data of ../shared/data.
#   3  lost output: stdout on /dev/full, or -o on a full disk, is exit 1 with one line, for
#      every command; nothing half-written replaces an existing report
#   6  databases and os-release reached through symlinks inside the image are read
#   7  escapes and control bytes from an image never reach the terminal raw; NUL cuts nothing
#   8  a FIFO where a file is expected (oci-dir index.json, an option's file) is refused at once
#   9  an exception in a library is one line and exit 1, never an abort
#  10  --exit-code 0..255 only; --severity ','; ignore-file dates and repeated keys
#  11.7 plain ignore files; 11.8 -o onto a device node, a FIFO and a symlink
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TESTDATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
[[ -d $TESTDATA/pkgdb ]] || fatal "no test data at $TESTDATA (set DAGDA_TESTDATA)"
GEN=$DAGDA_SOURCE_DIR/tests/integration/hostile_images.py
ALPINE=rootfs-archive:$TESTDATA/pkgdb/alpine-minirootfs/alpine-minirootfs-3.7.3-x86_64.tar.gz
DEBIAN_STATUS=$TESTDATA/pkgdb/dpkg-status/debian-12.15-bookworm-minbase.status
DB=$SCRATCH/vulndb.sqlite
DAGDA_TIMEOUT=60  # every case here ends in seconds; a hang fails by timeout
ROOT=0
[[ $(id -u) == 0 ]] && ROOT=1

run_dagda import --db "$DB" db import "$TESTDATA/vulndb/alpine-secdb-yaml/v3.7"
((RC == 0)) || fatal "cannot import the Alpine 3.7 secdb: $(head -n 3 "$SCRATCH/import.err")"

# one_error_line NAME TEXT: exit 1 (or CODE), exactly one line on stderr, containing TEXT.
one_error_line() {
  local name=$1 text=$2 code=${3:-1}
  local lines
  lines=$(wc -l <"$SCRATCH/$name.err")
  if ((RC == code)) && ((lines == 1)) && grep -qF -- "$text" "$SCRATCH/$name.err"; then
    pass "$name: exit $code with one line on stderr: $text"
  else
    fail "$name: exit $RC, $lines line(s) on stderr; want exit $code and one line with \"$text\""
    show_err "$name"
  fi
}

# --- 3. Lost output --------------------------------------------------------------------------
python3 "$GEN" dpkg 20000 | gzip -1 >"$SCRATCH/dpkg20k.tar.gz"  # a report of several MB
cp "$DB" "$SCRATCH/fp.sqlite"
run_dagda fpadd --db "$SCRATCH/fp.sqlite" fp add '*' musl CVE-2019-14697
declare -A CMDS=(
  [sbom]="sbom rootfs-archive:$SCRATCH/dpkg20k.tar.gz --format json"
  [sbom-table]="sbom rootfs-archive:$SCRATCH/dpkg20k.tar.gz"
  [scan]="--db $DB scan $ALPINE --format json"
  [vuln]="--db $DB vuln --cve CVE-2019-14697"
  [vuln-json]="--db $DB vuln --cve CVE-2019-14697 --json"
  [db-status]="--db $DB db status"
  [db-status-json]="--db $DB db status --json"
  [fp-list]="--db $SCRATCH/fp.sqlite fp list"
  [version]="version compare deb 1.0 2.0"
  [help]="--help"
)
for name in "${!CMDS[@]}"; do
  # shellcheck disable=SC2086
  env HOME="$SCRATCH/env/home" DAGDA_CACHE_DIR="$SCRATCH/env/cache" timeout -k 5 60 "$DAGDA" ${CMDS[$name]} \
    >/dev/full 2>"$SCRATCH/full-$name.err" && RC=0 || RC=$?
  one_error_line "full-$name" "dagda: cannot write to standard output: No space left on device"
done
run_dagda import-json --db "$SCRATCH/new.sqlite" db import --json "$TESTDATA/vulndb/cisa-kev" >/dev/null
env HOME="$SCRATCH/env/home" timeout 60 "$DAGDA" --db "$SCRATCH/new2.sqlite" db import --json \
  "$TESTDATA/vulndb/cisa-kev" >/dev/full 2>"$SCRATCH/full-import.err" && RC=0 || RC=$?
one_error_line full-import "cannot write to standard output"

if ((ROOT)); then
  # A full disk: a 1 MiB tmpfs inside the scratch folder.
  FULL=$SCRATCH/fulldisk
  mkdir -p "$FULL"
  if mount -t tmpfs -o size=1m tmpfs "$FULL"; then
    trap 'umount "$FULL" 2>/dev/null || true; _cleanup' EXIT
    echo "previous report" >"$FULL/report.json"
    run_dagda disk sbom "rootfs-archive:$SCRATCH/dpkg20k.tar.gz" --format json -o "$FULL/report.json"
    one_error_line disk "$FULL/report.json: cannot write: No space left on device"
    check "full disk: the previous report is left whole" grep -qx "previous report" "$FULL/report.json"
    check "full disk: no temporary file is left" test "$(ls -A "$FULL" | wc -l)" -eq 1
    check "full disk: nothing on stdout" test ! -s "$SCRATCH/disk.out"
    umount "$FULL"
  else
    fail "cannot mount a tmpfs for the full-disk case"
  fi
else
  echo "skip - full disk (needs root to mount a small tmpfs)"
fi

# --- 11.8 -o onto a device, a FIFO and a symlink ------------------------------------------------
OUTS=$SCRATCH/outs
mkdir -p "$OUTS"
if ((ROOT)); then
  mknod "$OUTS/null" c 1 3
  run_dagda o-dev sbom "$ALPINE" --format json -o "$OUTS/null"
  check "-o device node: exit 0" test "$RC" -eq 0
  check "-o device node: still a character device, not replaced by a file" test -c "$OUTS/null"
  ln -s null "$OUTS/to-null"
  run_dagda o-devlink sbom "$ALPINE" --format json -o "$OUTS/to-null"
  check "-o symlink to a device: the link and the device stay" bash -c "[[ -L '$OUTS/to-null' && -c '$OUTS/null' ]]"
else
  echo "skip - -o onto a device node (mknod needs root)"
fi
echo old >"$OUTS/real.json"
chmod 600 "$OUTS/real.json"
ln -s real.json "$OUTS/link.json"
run_dagda o-link sbom "$ALPINE" --format json -o "$OUTS/link.json"
check "-o symlink: exit 0" test "$RC" -eq 0
check "-o symlink: the link is kept" test -L "$OUTS/link.json"
check "-o symlink: its target holds the report" jq -e '.schema == "dagda.sbom/v1"' "$OUTS/real.json"
check "-o symlink: the target keeps its mode 600" test "$(stat -c %a "$OUTS/real.json")" = 600
mkfifo "$OUTS/pipe"
(timeout 60 cat "$OUTS/pipe" >"$OUTS/from-pipe.json") &
reader=$!
run_dagda o-fifo sbom "$ALPINE" --format json -o "$OUTS/pipe"
wait "$reader" || true
check "-o FIFO: exit 0" test "$RC" -eq 0
check "-o FIFO: still a FIFO" test -p "$OUTS/pipe"
check "-o FIFO: the reader got the report" jq -e '.schema == "dagda.sbom/v1"' "$OUTS/from-pipe.json"
run_dagda o-dir sbom "$ALPINE" -o "$OUTS"
one_error_line o-dir "is a directory" 2

# --- 10. Options and ignore files ------------------------------------------------------------
run_dagda exit7 --db "$DB" scan "$ALPINE" --exit-code 7 -q
check "--exit-code 7 with findings: exit 7" test "$RC" -eq 7
for bad in 256 -1 1000; do
  run_dagda "exit$bad" --db "$DB" scan "$ALPINE" --exit-code "$bad"
  check "--exit-code $bad: usage error (2), naming the range" \
    bash -c "[[ $RC == 2 ]] && grep -q 'not in range 0 to 255' '$SCRATCH/exit$bad.err'"
done
for bad in , ',,' 'high,,low' ''; do
  run_dagda sev --db "$DB" scan --severity "$bad" "$ALPINE"
  one_error_line sev "the severity list is empty or has an empty item" 2
done
run_dagda sev-ok --db "$DB" scan "$ALPINE" --severity HIGH,critical -q
check "--severity HIGH,critical still works (exit 0)" test "$RC" -eq 0

IGN=$SCRATCH/ignore
mkdir -p "$IGN"
printf '# accepted\nCVE-2019-14697   # musl, not reachable\n' >"$IGN/plain.txt"
run_dagda ign-plain --db "$DB" scan "$ALPINE" --ignorefile "$IGN/plain.txt" --exit-code 7 --format json
check "plain ignore file: the findings are suppressed (exit 0 with --exit-code 7)" test "$RC" -eq 0
check "plain ignore file: each finding suppressed by its line of the file" \
  jq -e --arg w "$IGN/plain.txt:2" '(.findings | length == 0) and (.suppressed | length >= 1) and
    all(.suppressed[]; .id == "CVE-2019-14697" and .suppression.kind == "ignorefile" and .suppression.where == $w)' \
  "$SCRATCH/ign-plain.out"
printf 'ignore:\n  - id: CVE-2019-14697\n    expires: 2027-02-30\n' >"$IGN/date.yaml"
run_dagda ign-date --db "$DB" scan "$ALPINE" --ignorefile "$IGN/date.yaml"
one_error_line ign-date "$IGN/date.yaml:2: \`expires: 2027-02-30\` is not a real day" 2
printf -- '- id: CVE-2016-10228\n  id: CVE-2019-14697\n' >"$IGN/twice.yaml"
run_dagda ign-twice --db "$DB" scan "$ALPINE" --ignorefile "$IGN/twice.yaml"
one_error_line ign-twice "$IGN/twice.yaml:2: \`id\` given twice in one entry" 2

# --- 7. Terminal injection -------------------------------------------------------------------
python3 "$GEN" inject >"$SCRATCH/inject.tar"
run_dagda inject sbom "rootfs-archive:$SCRATCH/inject.tar" --format json
check "inject: exit 0" test "$RC" -eq 0
check "inject: no raw control byte on stderr" python3 -c '
import sys
data = open(sys.argv[1], "rb").read()
sys.exit(1 if any((b < 32 and b != 10) or b == 127 for b in data) else 0)' "$SCRATCH/inject.err"
check "inject: a NUL did not cut the message" grep -qF 'evil\x1b[31mred\x00cut-here' "$SCRATCH/inject.err"
check "inject: the entry name is shown escaped" grep -qF '\x1b]0;owned\x07' "$SCRATCH/inject.err"
check "inject: the bidi override is shown escaped" grep -qF '\u{202e}' "$SCRATCH/inject.err"
check "inject: C1 controls are shown escaped" grep -qF '\u{009b}' "$SCRATCH/inject.err"
check "inject: the JSON report is valid and keeps the warnings" jq -e '.warnings | length >= 2' "$SCRATCH/inject.out"

# --- 8. FIFOs where a file is expected ---------------------------------------------------------
FIFOS=$SCRATCH/fifos
mkdir -p "$FIFOS/oci"
echo '{"imageLayoutVersion":"1.0.0"}' >"$FIFOS/oci/oci-layout"
mkfifo "$FIFOS/oci/index.json" "$FIFOS/p"
declare -A FIFO_CASES=(
  [oci-dir]="sbom oci-dir:$FIFOS/oci|$FIFOS/oci/index.json: a FIFO, not a regular file"
  [oci-bare]="sbom $FIFOS/oci|$FIFOS/oci/index.json: a FIFO, not a regular file"
  [bare]="sbom $FIFOS/p|$FIFOS/p: a FIFO, not a regular file"
  [docker-archive]="sbom docker-archive:$FIFOS/p|$FIFOS/p: a FIFO, not a regular file"
  [rootfs]="sbom rootfs-archive:$FIFOS/p|$FIFOS/p: a FIFO, not a regular file"
  [retirejs]="sbom $ALPINE --retirejs $FIFOS/p|$FIFOS/p: a FIFO, not a regular file"
  [ignorefile]="--db $DB scan $ALPINE --ignorefile $FIFOS/p|$FIFOS/p: a FIFO, not a regular file"
  [vex]="--db $DB scan $ALPINE --vex $FIFOS/p|$FIFOS/p: a FIFO, not a regular file"
  [import]="--db $SCRATCH/fifo-import.sqlite db import $FIFOS/p|$FIFOS/p: a FIFO, not a regular file"
)
for name in "${!FIFO_CASES[@]}"; do
  spec=${FIFO_CASES[$name]}
  # shellcheck disable=SC2086
  run_dagda "fifo-$name" ${spec%%|*}
  if ((RC == 124 || RC == 137)); then
    fail "fifo-$name: hung on the FIFO"
  else
    one_error_line "fifo-$name" "${spec#*|}"
  fi
done

run_dagda fifo-db --db "$FIFOS/p" db status
check "fifo-db: --db naming a FIFO is a usage error (2), not a hang" \
  bash -c "[[ $RC == 2 ]] && grep -q '$FIFOS/p: not a regular file' '$SCRATCH/fifo-db.err'"

# --- 6. Databases through symlinks, across layers ---------------------------------------------
# Layer 1 keeps the dpkg database and the os-release in unusual places; layer 2 links the
# standard paths to them. The walk of layer 1 cannot know they are wanted: read all the same.
L1=$SCRATCH/l1 L2=$SCRATCH/l2
mkdir -p "$L1/srv/dpkg/info" "$L1/opt" "$L2/var/lib" "$L2/etc"
cp "$DEBIAN_STATUS" "$L1/srv/dpkg/status"
printf 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' >"$L1/opt/os-release"
ln -s ../../srv/dpkg "$L2/var/lib/dpkg"
ln -s ../opt/os-release "$L2/etc/os-release"
tar -C "$L1" --numeric-owner -cf "$SCRATCH/l1.tar" .
tar -C "$L2" --numeric-owner -cf "$SCRATCH/l2.tar" .
gzip -k "$SCRATCH/l1.tar"
make_oci_layout "$SCRATCH/linked.oci" "$SCRATCH/l1.tar.gz" "$SCRATCH/l2.tar"
mkdir -p "$SCRATCH/admin/info" "$SCRATCH/admin/updates"
cp "$DEBIAN_STATUS" "$SCRATCH/admin/status"
dpkg_rows "$SCRATCH/admin" >"$SCRATCH/linked.expected"
if sbom_json linked "oci-dir:$SCRATCH/linked.oci"; then
  pkg_rows "$SCRATCH/linked.out" >"$SCRATCH/linked.rows"
  same_lines "linked: the packages equal dpkg-query's" "$SCRATCH/linked.expected" "$SCRATCH/linked.rows"
  check "linked: the OS is read through etc/os-release -> ../opt/os-release" jq -e '.os.family == "debian"' "$SCRATCH/linked.out"
  check "linked: not partial, no warning" jq -e '.partial == false and (.warnings | length == 0)' "$SCRATCH/linked.out"
  check "linked: packages attributed to layer 0, where the database was written" \
    jq -e '[.packages[].layer_index] | unique == [0]' "$SCRATCH/linked.out"
fi

# --- 9. An exception inside a library ------------------------------------------------------------
# A FriendsOfPHP record carries a raw 0xA0 byte; the JSON writer of `vuln` threw on it and the
# process aborted (exit 134). Whatever repairs the text later, it must never abort.
run_dagda php-import --db "$SCRATCH/php.sqlite" db import "$TESTDATA/vulndb/friendsofphp-security-advisories.tar.xz"
((RC == 0)) || fail "cannot import FriendsOfPHP: $(head -n 2 "$SCRATCH/php-import.err")"
run_dagda php-vuln --db "$SCRATCH/php.sqlite" vuln --cve CVE-2019-8156 --json
if ((RC == 0)); then
  check "vuln --json on a record with invalid UTF-8: valid JSON" jq -e . "$SCRATCH/php-vuln.out"
else
  one_error_line php-vuln "dagda: "
fi
check "vuln --json on a record with invalid UTF-8: no abort" test "$RC" -ne 134

finish
