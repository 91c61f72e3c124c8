#!/usr/bin/env bash
# Runs every fuzz target in BUILD_DIR for SECONDS each, seeded from the real
# files in ../shared/data that it parses (fuzz/seeds.txt maps target -> paths)
# and from the inputs that once crashed it (fuzz/regressions/TARGET/).
# DAGDA_FUZZ_SEED fixes libFuzzer's random seed, so a failure can be replayed.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-san}"
seconds="${2:-60}"
data="${DAGDA_TESTDATA:-$(cd .. && pwd)/shared/data}"
export DAGDA_TESTDATA="$data"  # targets that load real data themselves read it
status=0
for bin in "$build"/fuzz/*_fuzz; do
  name=$(basename "$bin")
  corpus="$build/fuzz-corpus/$name"
  mkdir -p "$corpus"
  seeds=()
  while read -r target glob; do
    [[ "$target" == "$name" ]] || continue
    for f in $data/$glob; do [[ -f "$f" ]] && seeds+=("$f"); done
  done < <(grep -v '^#' fuzz/seeds.txt 2>/dev/null || true)
  seeddir="$build/fuzz-seeds/$name"
  mkdir -p "$seeddir"
  for s in "${seeds[@]}"; do
    case "$s" in
      *.xz) xz -dc "$s" > "$seeddir/$(basename "$s" .xz)" ;;
      *) cp -f "$s" "$seeddir/" ;;
    esac
  done
  regressions=()
  [[ -d fuzz/regressions/$name ]] && regressions=("fuzz/regressions/$name")
  seed=()
  [[ -n ${DAGDA_FUZZ_SEED:-} ]] && seed=(-seed="$DAGDA_FUZZ_SEED")
  echo "-- $name (${#seeds[@]} seeds, ${seconds}s)"
  if ! "$bin" "${seed[@]}" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=1048576 \
      -print_final_stats=1 "$corpus" "$seeddir" "${regressions[@]}" >"$build/fuzz-$name.log" 2>&1; then
    echo "FUZZ FAILURE in $name; see $build/fuzz-$name.log" >&2
    tail -40 "$build/fuzz-$name.log" >&2
    status=1
  else
    grep -E '^stat::number_of_executed_units' "$build/fuzz-$name.log" | sed "s/^/   /" || true
  fi
done
exit $status
