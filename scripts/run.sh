#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is needed, build
# Dagda, and list the packages of real images from ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh build
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DDAGDA_TESTS=OFF -DDAGDA_BENCH=OFF >/dev/null
ninja -C build-release dagda
DATA="${DAGDA_TESTDATA:-$PWD/../shared/data}"
echo "== dagda sbom on the official alpine:3.10 image (docker save, gzip)" >&2
./build-release/src/cli/dagda sbom "$DATA/images/trivy-docker-save/alpine-310.tar.gz"
echo "== dagda sbom on a CentOS 7 rpm database is covered by the tests; see README" >&2
