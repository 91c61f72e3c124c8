#!/usr/bin/env bash
# Installs the Debian 12 packages Dagda needs. `build` installs what building
# and running needs; `test` adds the real tools the tests use as oracles and
# fixtures makers. Skips apt entirely when everything is already there.
set -euo pipefail

BUILD_PKGS=(
  build-essential cmake ninja-build pkg-config
  libarchive-dev zlib1g-dev libzstd-dev liblzma-dev libisal-dev libssl-dev libsqlite3-dev
  nlohmann-json3-dev libsimdjson-dev libyaml-cpp-dev libcli11-dev libfmt-dev libcpp-httplib-dev
  libpq-dev libcurl4-openssl-dev libxml2-dev libtomlplusplus-dev libre2-dev libhyperscan-dev
  libbpf-dev bpftool clang llvm
  libclamav-dev libyara-dev
  node-spdx-license-ids node-spdx-exceptions
)
TEST_PKGS=(
  libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev
  rpm python3-rpm librpm-dev libdpkg-dev python3-packaging python3-jsonschema node-semver ruby
  podman runc skopeo debootstrap uidmap fuse-overlayfs jq xz-utils zstd gzip time
  golang-go cargo librust-cfg-if-dev librust-itoa-dev python3-pip golang-1.19-src
  lz4 nodejs openjdk-17-jre-headless libmaven3-core-java python3-distro distro-info-data lsb-release
  postgresql python3-yaml python3-toml composer php-twig python3-debian node-spdx-expression-parse
  docker-registry apache2-utils openssl strace curl python3-jwt python3-cryptography wrk
  busybox apache2-bin nginx-core redis-tools zip iproute2
)
# Tools Debian does not package, from npm (the test group only): an OpenAPI validator.
NPM_TEST_PKGS=(@apidevtools/swagger-cli)

want=("${BUILD_PKGS[@]}")
if [[ "${1:-build}" == "test" ]]; then want+=("${TEST_PKGS[@]}"); fi

SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f '${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-build}" == "test" ]] && ! command -v swagger-cli >/dev/null; then
  # Debian's nodejs 18 comes without npm (its own package); a nodejs that carries npm needs none.
  if ! command -v npm >/dev/null; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
  fi
  echo "install-deps: installing ${NPM_TEST_PKGS[*]} from npm" >&2
  cafile=$(npm config get cafile 2>/dev/null || true)
  [[ -z $cafile || $cafile == null || $cafile == undefined ]] && cafile=/etc/ssl/certs/ca-certificates.crt
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO npm install -g --cafile "$cafile" "${NPM_TEST_PKGS[@]}" >/dev/null
fi
