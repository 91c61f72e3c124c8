#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine, as root: installs the
# packages, configures Podman, starts PostgreSQL, then builds Dagda twice and
# runs every test in both builds:
#   build/      GCC, Release (the product's own flags), warnings are errors;
#   build-san/  Clang with AddressSanitizer + UndefinedBehaviorSanitizer and
#               libFuzzer's coverage; its fuzz targets then run briefly.
set -euo pipefail
cd "$(dirname "$0")/.."
export DAGDA_TESTDATA="${DAGDA_TESTDATA:-$(cd .. && pwd)/shared/data}"
jobs=$(nproc)
t0=$SECONDS
step() { echo "== $* (at $((SECONDS - t0)) s)"; }

bash scripts/install-deps.sh test
bash scripts/setup-podman.sh

# A throwaway PostgreSQL server for the tests of the PostgreSQL backend; tests
# that need it fail (rather than skip) without it when DAGDA_CI=1.
export DAGDA_CI=1
pg_env=$(bash scripts/start-postgres.sh start)  # fails the run when the server does not start
eval "$pg_env"
trap 'bash scripts/start-postgres.sh stop "$DAGDA_TEST_PG_DIR"' EXIT

step "build (GCC, Release, warnings are errors)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build
step "tests"
ctest --test-dir build --output-on-failure -j "$jobs"

# -O0 with line tables only: the cheapest build that still gives symbolized
# sanitizer reports. The same objects serve the tests and the fuzz targets.
step "build with ASan + UBSan + fuzzing (Clang)"
cmake -S . -B build-san -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_C_FLAGS_DEBUG="-O0 -gline-tables-only" -DCMAKE_CXX_FLAGS_DEBUG="-O0 -gline-tables-only" \
  -DDAGDA_SANITIZE=ON -DDAGDA_FUZZ=ON -DDAGDA_BENCH=OFF >/dev/null
ninja -C build-san
# The podman-built test images do not depend on the build: share the first build's copy.
if [[ -d build/test-images && ! -e build-san/test-images ]]; then ln -s ../build/test-images build-san/test-images; fi
step "tests under ASan + UBSan"
# Unit tests that import or match against whole real feeds (a minute or more each under ASan)
# run in the Release pass only, like the tests labelled heavy.
san_skip='^(Findings\.|StoreOnRealFeeds\.|StoreWithdrawn\.|StoreEvaluate\.|UbuntuCveTrackerImporter\.WholeTracker|NvdImporter\.RealFeeds|Cvss\.AgreesWithEveryNvdScore|GitlabImporter\.RealDatabase)'
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-san --output-on-failure -j "$jobs" -LE heavy -E "$san_skip"

step "fuzz targets (libFuzzer, ${DAGDA_FUZZ_SECONDS:-4} s each, seed ${DAGDA_FUZZ_SEED:-1})"
DAGDA_FUZZ_SEED=${DAGDA_FUZZ_SEED:-1} bash scripts/fuzz.sh build-san "${DAGDA_FUZZ_SECONDS:-4}"
step "done"
