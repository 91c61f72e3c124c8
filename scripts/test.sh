#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine, as root: installs the
# packages, configures Podman, builds Dagda twice (normal, and with
# AddressSanitizer + UndefinedBehaviorSanitizer) and runs every test in both,
# then runs each fuzz target briefly.
set -euo pipefail
cd "$(dirname "$0")/.."
export DAGDA_TESTDATA="${DAGDA_TESTDATA:-$(cd .. && pwd)/shared/data}"
jobs=$(nproc)

bash scripts/install-deps.sh test
bash scripts/setup-podman.sh

# A throwaway PostgreSQL server for the tests of the PostgreSQL backend; tests
# that need it fail (rather than skip) without it when DAGDA_CI=1.
export DAGDA_CI=1
pg_env=$(bash scripts/start-postgres.sh start)  # fails the run when the server does not start
eval "$pg_env"
trap 'bash scripts/start-postgres.sh stop "$DAGDA_TEST_PG_DIR"' EXIT

echo "== build (warnings are errors)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build
echo "== tests"
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== build with ASan + UBSan"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDAGDA_SANITIZE=ON -DDAGDA_BENCH=OFF >/dev/null
ninja -C build-asan
# The podman-built test images do not depend on the build: share the first build's copy.
if [[ -d build/test-images && ! -e build-asan/test-images ]]; then ln -s ../build/test-images build-asan/test-images; fi
echo "== tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== fuzz targets (libFuzzer, ${DAGDA_FUZZ_SECONDS:-6} s each)"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DDAGDA_FUZZ=ON \
  -DDAGDA_TESTS=OFF -DDAGDA_BENCH=OFF >/dev/null
ninja -C build-fuzz
bash scripts/fuzz.sh build-fuzz "${DAGDA_FUZZ_SECONDS:-6}"
