#!/usr/bin/env bash
# The command-line contract of PRODUCT.md: exit statuses, global options
# before or after the command, one clear line on stderr for a failure.
source "$(dirname "$0")/lib.sh"
DATA=${DAGDA_TESTDATA:-$DAGDA_TESTDATA_DEFAULT}
IMG="$DATA/images/trivy-docker-save/alpine-310.tar.gz"

expect_rc() {  # expect_rc WANT NAME ARGS...
  local want=$1 name=$2
  shift 2
  run_dagda "$name" "$@"
  if [[ $RC == "$want" ]]; then pass "$name: exit $want"; else fail "$name: exit $RC, wanted $want"; show_err "$name"; fi
}
one_line() {  # one_line NAME PATTERN
  if [[ $(wc -l <"$SCRATCH/$1.err") == 1 ]] && grep -q -- "$2" "$SCRATCH/$1.err"; then pass "$1: one line on stderr naming '$2'"
  else fail "$1: stderr is not one line with '$2'"; show_err "$1"; fi
}

expect_rc 0 help --help
expect_rc 2 no-command
expect_rc 2 unknown-command frobnicate
expect_rc 2 unknown-option sbom "$IMG" --no-such-option
expect_rc 2 unknown-format sbom "$IMG" --format xml
one_line unknown-format "unknown format 'xml'"
expect_rc 2 unknown-kind sbom "nosuchkind:$IMG"
one_line unknown-kind "unknown source kind"
expect_rc 1 missing-file sbom "$SCRATCH/no-such-image.tar"
one_line missing-file "no-such-image.tar"
# An engine that is not there: one line naming the reference (tests/integration/engine_test.sh has the rest).
DOCKER_HOST="unix://$SCRATCH/no-engine.sock" expect_rc 1 no-engine sbom docker:alpine:3.19
one_line no-engine "docker:alpine:3.19"

expect_rc 0 globals-before --quiet --no-color --cache-dir "$SCRATCH/c1" sbom "$IMG" --format json
expect_rc 0 globals-after sbom "$IMG" --format json --quiet --no-color --cache-dir "$SCRATCH/c2"
if cmp -s "$SCRATCH/globals-before.out" "$SCRATCH/globals-after.out"; then pass "same output either way"
else fail "global options change the output depending on their place"; fi
expect_rc 0 nested-globals version compare deb 1:1.0-1 2.0 --quiet
[[ $(cat "$SCRATCH/nested-globals.out") == ">" ]] && pass "version compare prints >" || fail "version compare printed $(cat "$SCRATCH/nested-globals.out")"

run_dagda to-file sbom "$IMG" --format json -o "$SCRATCH/out.json"
if [[ $RC == 0 && ! -s "$SCRATCH/to-file.out" ]] && jq -e '.schema == "dagda.sbom/v1"' "$SCRATCH/out.json" >/dev/null; then
  pass "-o writes the file and nothing to stdout"
else fail "-o FILE: rc=$RC"; fi
expect_rc 1 unwritable sbom "$IMG" -o "$SCRATCH/no/such/dir/out.json"
one_line unwritable "out.json"
finish
