#!/usr/bin/env bash
# Runs every fuzz target in BUILD_DIR for SECONDS each, seeded from the real
# files in ../shared/data that it parses (fuzz/seeds.txt maps target -> paths;
# an absolute path names files of this Debian system, such as its copyright files)
# and from the inputs that once crashed it (fuzz/regressions/TARGET/).
# DAGDA_FUZZ_SEED fixes libFuzzer's random seed, so a failure can be replayed;
# DAGDA_FUZZ_JOBS targets run at a time (default: one per core).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-san}"
seconds="${2:-60}"
data="${DAGDA_TESTDATA:-$(cd .. && pwd)/shared/data}"
export DAGDA_TESTDATA="$data"  # targets that load real data themselves read it
parallel=${DAGDA_FUZZ_JOBS:-$(nproc)}

# fuzz_one BIN: one target's run; its output goes to BUILD/fuzz-NAME.log, its verdict to .status.
fuzz_one() {
  local bin=$1 name
  name=$(basename "$bin")
  local corpus="$build/fuzz-corpus/$name" seeddir="$build/fuzz-seeds/$name"
  mkdir -p "$corpus" "$seeddir"
  local seeds=() target glob f s
  while read -r target glob; do
    [[ "$target" == "$name" ]] || continue
    [[ $glob == /* ]] || glob=$data/$glob  # an absolute glob names host files (this Debian's own)
    for f in $glob; do [[ -f "$f" ]] && seeds+=("$f"); done
  done < <(grep -v '^#' fuzz/seeds.txt 2>/dev/null || true)
  for s in "${seeds[@]}"; do
    case "$s" in
      *.xz) xz -dc "$s" > "$seeddir/$(basename "$s" .xz)" ;;
      /*) [[ $s == "$data"/* ]] && cp -f "$s" "$seeddir/" || cp -f "$s" "$seeddir/$(printf %s "$s" | tr / _)" ;;
      *) cp -f "$s" "$seeddir/" ;;
    esac
  done
  local regressions=() seed=()
  [[ -d fuzz/regressions/$name ]] && regressions=("fuzz/regressions/$name")
  # Seeds made by real tools and kept in the repository (engine answers recorded from Podman, our SBOMs).
  [[ -d fuzz/corpus/$name ]] && regressions+=("fuzz/corpus/$name")
  [[ -n ${DAGDA_FUZZ_SEED:-} ]] && seed=(-seed="$DAGDA_FUZZ_SEED")
  echo "${#seeds[@]}" >"$build/fuzz-$name.seeds"
  if "$bin" "${seed[@]}" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=1048576 \
      -print_final_stats=1 "$corpus" "$seeddir" "${regressions[@]}" >"$build/fuzz-$name.log" 2>&1; then
    echo ok >"$build/fuzz-$name.status"
  else
    echo failed >"$build/fuzz-$name.status"
  fi
}

# JOBS targets at a time (each libFuzzer run is one process on one core).
bins=("$build"/fuzz/*_fuzz)
for bin in "${bins[@]}"; do
  while (($(jobs -rp | wc -l) >= parallel)); do wait -n || true; done
  rm -f "$build/fuzz-$(basename "$bin").status"
  fuzz_one "$bin" &
done
wait

status=0
for bin in "${bins[@]}"; do
  name=$(basename "$bin")
  echo "-- $name ($(cat "$build/fuzz-$name.seeds") seeds, ${seconds}s)"
  if [[ $(cat "$build/fuzz-$name.status" 2>/dev/null) != ok ]]; then
    echo "FUZZ FAILURE in $name; see $build/fuzz-$name.log" >&2
    tail -40 "$build/fuzz-$name.log" >&2
    status=1
  else
    grep -E '^stat::number_of_executed_units' "$build/fuzz-$name.log" | sed "s/^/   /" || true
  fi
done
exit $status
