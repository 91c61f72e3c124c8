#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is needed, build
# Dagda, import the real vulnerability feeds of ../shared/data into an embedded
# SQLite database, and scan real images with it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh build
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DDAGDA_TESTS=OFF -DDAGDA_BENCH=OFF >/dev/null
ninja -C build-release dagda
DATA="${DAGDA_TESTDATA:-$PWD/../shared/data}"
DAGDA=./build-release/src/cli/dagda
export DAGDA_DB="$PWD/build-release/vulndb.sqlite"

echo "== dagda db import: every feed in $DATA/vulndb (unchanged inputs are skipped on a re-run)" >&2
feeds=()
for f in "$DATA"/vulndb/*; do
  case $(basename "$f") in samples | README*) ;; *) feeds+=("$f") ;; esac
done
$DAGDA --quiet db import "${feeds[@]}"
$DAGDA db status

echo "== dagda scan of the official alpine:3.10 image (docker save)" >&2
$DAGDA scan "$DATA/images/trivy-docker-save/alpine-310.tar.gz"
echo "== dagda scan of the Alpine 3.7.3 minirootfs" >&2
$DAGDA scan "rootfs-archive:$DATA/pkgdb/alpine-minirootfs/alpine-minirootfs-3.7.3-x86_64.tar.gz"
