#!/usr/bin/env bash
# registry: against Debian's docker-registry started here on 127.0.0.1 with TLS (a CA made
# here with openssl): htpasswd basic auth, and token auth with a token service written for
# the test (registry_fixtures.py token-issuer). Images are pushed with skopeo (the layered
# Debian image, gzip and zstd variants) and, for a multi-platform index, with podman
# manifest push. Oracles: the docker-archive of the same image; the registry's access log.
# Faults a real registry cannot be made to show (403, 429, 500, a 100 MB manifest, redirects
# to another host, a truncated or altered blob in flight) come from registry_fixtures.py faulty.
FIXTURES=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/registry_fixtures.py
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"

need_test_images
DATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
ROOTFS_320=$DATA/pkgdb/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz
ROOTFS_319=$DATA/pkgdb/alpine-minirootfs/alpine-minirootfs-3.19.4-x86_64.tar.gz
[[ -f $ROOTFS_320 && -f $ROOTFS_319 ]] || fatal "no Alpine minirootfs in $DATA (set DAGDA_TESTDATA)"
command -v htpasswd >/dev/null || fatal "htpasswd is required (apache2-utils)"

TLS=$SCRATCH/tls
make_ca "$TLS"
mkdir -p "$SCRATCH/ca"
cp "$TLS/ca.crt" "$SCRATCH/ca/ca.crt"  # a skopeo --cert-dir with the CA alone
USER_NAME=tester
PASSWORD='pa ss:w0rd'
htpasswd -Bbn "$USER_NAME" "$PASSWORD" >"$SCRATCH/htpasswd"

# ------------------------------------------------------------------ a registry with basic auth
BASIC_PORT=$(free_port)
BASIC=127.0.0.1:$BASIC_PORT
start_registry "$SCRATCH/basic" "$BASIC_PORT" "$TLS" "  htpasswd:
    realm: dagda-test
    path: $SCRATCH/htpasswd"
push() {  # push SOURCE DEST [skopeo options]: to the basic-auth registry
  local src=$1 dest=$2
  shift 2
  skopeo copy -q --dest-cert-dir "$SCRATCH/ca" --dest-creds "$USER_NAME:$PASSWORD" "$@" "$src" "docker://$BASIC/$dest" ||
    fatal "skopeo could not push $src"
}
push "docker-archive:$IMAGES/layered.docker.tar" dagda/layered:1
push "oci:$IMAGES/layered.oci-zstd:latest" dagda/layered:zstd
LAYERED_DIGEST=$(skopeo inspect --cert-dir "$SCRATCH/ca" --creds "$USER_NAME:$PASSWORD" "docker://$BASIC/dagda/layered:1" |
  jq -r .Digest)

# A multi-platform index: Alpine 3.20 as linux/amd64 and Alpine 3.19 labelled linux/arm64.
start_podman_service
P=("${PODMAN[@]}")
"${P[@]}" import -q "$ROOTFS_320" localhost/dagda-test/alpine:amd64 >/dev/null
"${P[@]}" import -q --arch arm64 "$ROOTFS_319" localhost/dagda-test/alpine:arm64 >/dev/null
"${P[@]}" manifest create localhost/dagda-test/multi:1 >/dev/null
"${P[@]}" manifest add localhost/dagda-test/multi:1 containers-storage:localhost/dagda-test/alpine:amd64 >/dev/null
"${P[@]}" manifest add localhost/dagda-test/multi:1 containers-storage:localhost/dagda-test/alpine:arm64 >/dev/null
"${P[@]}" manifest push -q --all --cert-dir "$SCRATCH/ca" --creds "$USER_NAME:$PASSWORD" \
  localhost/dagda-test/multi:1 "docker://$BASIC/dagda/multi:1" >/dev/null 2>&1 || fatal "podman manifest push failed"
"${P[@]}" save -q --format docker-archive -o "$SCRATCH/alpine-amd64.docker.tar" localhost/dagda-test/alpine:amd64

# Credentials as `docker login` writes them.
mkdir -p "$SCRATCH/docker"
AUTH64=$(printf '%s:%s' "$USER_NAME" "$PASSWORD" | base64 -w0)
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$BASIC" "$AUTH64" >"$SCRATCH/docker/config.json"
export DOCKER_CONFIG=$SCRATCH/docker
unset REGISTRY_AUTH_FILE
CA=(--registry-ca "$TLS/ca.crt")

sbom_json archive "docker-archive:$IMAGES/layered.docker.tar"
sbom_json reg-basic "registry:$BASIC/dagda/layered:1" "${CA[@]}"
same_inventory "registry: (basic auth, TLS) gives the inventory of the docker-archive" "$SCRATCH/archive.out" "$SCRATCH/reg-basic.out"
check "it records the manifest digest" jq -e --arg d "$LAYERED_DIGEST" '.source.manifest_digest == $d' "$SCRATCH/reg-basic.out"
sbom_json reg-digest "registry:$BASIC/dagda/layered@$LAYERED_DIGEST" "${CA[@]}" --no-cache
same_inventory "registry:...@DIGEST gives the same inventory" "$SCRATCH/archive.out" "$SCRATCH/reg-digest.out"
sbom_json reg-bare "$BASIC/dagda/layered:1" "${CA[@]}" --no-cache
check "a bare reference no engine has comes from the registry" jq -e '.source.kind == "registry"' "$SCRATCH/reg-bare.out"

# The per-layer cache: the zstd variant has other blobs but the same diff ids: nothing is downloaded.
blob_gets() { grep -c "GET /v2/dagda/$1/blobs/" "$SCRATCH/basic/registry.log" || true; }
before=$(blob_gets layered)
sbom_json reg-warm "registry:$BASIC/dagda/layered:1" "${CA[@]}"
after=$(blob_gets layered)
((after - before == 1)) && pass "a rescan fetches only the config blob, no layer ($((after - before)) blob GET)" ||
  fail "a rescan fetched $((after - before)) blobs, expected 1 (the config)"
before=$(blob_gets layered)
sbom_json reg-zstd "registry:$BASIC/dagda/layered:zstd" "${CA[@]}"
after=$(blob_gets layered)
((after - before == 1)) && pass "the zstd variant (same diff ids) downloads no layer" ||
  fail "the zstd variant fetched $((after - before)) blobs, expected 1 (the config)"
same_inventory "and gives the same inventory" "$SCRATCH/archive.out" "$SCRATCH/reg-zstd.out"
sbom_json reg-zstd-cold "registry:$BASIC/dagda/layered:zstd" "${CA[@]}" --no-cache
same_inventory "the zstd variant read cold gives the same inventory" "$SCRATCH/archive.out" "$SCRATCH/reg-zstd-cold.out"

# Other places for credentials and CAs.
(
  base=$FAILURES
  unset DOCKER_CONFIG
  printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$BASIC" "$AUTH64" >"$SCRATCH/auth.json"
  export REGISTRY_AUTH_FILE=$SCRATCH/auth.json
  sbom_json reg-authfile "registry:$BASIC/dagda/layered:1" "${CA[@]}" --no-cache
  # A credential store: docker-credential-NAME get, on PATH.
  mkdir -p "$SCRATCH/helper/bin" "$SCRATCH/helper/docker"
  cat >"$SCRATCH/helper/bin/docker-credential-dagdatest" <<EOF
#!/bin/sh
[ "\$1" = get ] || exit 1
read server
[ "\$server" = "$BASIC" ] || { echo "credentials not found in native keychain"; exit 1; }
printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' "\$server" "$USER_NAME" "$PASSWORD"
EOF
  chmod +x "$SCRATCH/helper/bin/docker-credential-dagdatest"
  echo '{"credsStore": "dagdatest"}' >"$SCRATCH/helper/docker/config.json"
  unset REGISTRY_AUTH_FILE
  PATH=$SCRATCH/helper/bin:$PATH DOCKER_CONFIG=$SCRATCH/helper/docker sbom_json reg-helper "registry:$BASIC/dagda/layered:1" \
    "${CA[@]}" --no-cache
  # Docker's per-registry CA folder, /etc/docker/certs.d/HOST:PORT/ca.crt (this port's folder only).
  CERTS_D=/etc/docker/certs.d/$BASIC
  if [[ ! -e $CERTS_D ]]; then
    mkdir -p "$CERTS_D" && cp "$TLS/ca.crt" "$CERTS_D/ca.crt"
    DOCKER_CONFIG=$SCRATCH/docker sbom_json reg-certs-d "registry:$BASIC/dagda/layered:1" --no-cache
    rm -rf "$CERTS_D"
  else
    fail "$CERTS_D exists already; not touched"
  fi
  exit $((FAILURES > base))
) || FAILURES=$((FAILURES + 1))
CHECKS=$((CHECKS + 4))
sbom_json reg-insecure "registry:$BASIC/dagda/layered:1" --insecure-registry --no-cache
check "--insecure-registry reads it without the CA" jq -e '.packages | length > 50' "$SCRATCH/reg-insecure.out"

# The index: the default platform, another one, and one it does not have.
sbom_json archive-amd64 "docker-archive:$SCRATCH/alpine-amd64.docker.tar"
sbom_json multi-default "registry:$BASIC/dagda/multi:1" "${CA[@]}"
same_inventory "an index resolves to linux/amd64 by default" "$SCRATCH/archive-amd64.out" "$SCRATCH/multi-default.out"
sbom_json multi-arm64 "registry:$BASIC/dagda/multi:1" "${CA[@]}" --platform linux/arm64
check "--platform linux/arm64 picks the arm64 image (Alpine 3.19)" \
  jq -e '(.os.version_id | startswith("3.19")) and .source.architecture == "arm64"' "$SCRATCH/multi-arm64.out"
expect_error index-no-platform "registry:$BASIC/dagda/multi:1" sbom "registry:$BASIC/dagda/multi:1" "${CA[@]}" --platform linux/s390x
grep -q "linux/amd64, linux/arm64" "$SCRATCH/index-no-platform.err" && pass "the error lists the index's platforms" ||
  fail "the error does not list the platforms"

# Authentication and TLS failures.
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$BASIC" "$(printf '%s:wrong' "$USER_NAME" | base64 -w0)" >"$SCRATCH/wrong.json"
DOCKER_CONFIG=$SCRATCH/wrongdir REGISTRY_AUTH_FILE=$SCRATCH/wrong.json expect_error wrong-password "registry:$BASIC/dagda/layered:1" \
  sbom "registry:$BASIC/dagda/layered:1" "${CA[@]}"
grep -q "rejected the configured credentials" "$SCRATCH/wrong-password.err" && pass "it says the credentials were rejected" ||
  fail "wrong-password: $(cat "$SCRATCH/wrong-password.err")"
grep -q "wrong" "$SCRATCH/wrong-password.err" && fail "the password is in the error message" || pass "no password in the message"
DOCKER_CONFIG=$SCRATCH/none expect_error no-credentials "registry:$BASIC/dagda/layered:1" sbom "registry:$BASIC/dagda/layered:1" "${CA[@]}"
expect_error untrusted-ca "registry:$BASIC/dagda/layered:1" sbom "registry:$BASIC/dagda/layered:1"
grep -q -- "--registry-ca" "$SCRATCH/untrusted-ca.err" && pass "an untrusted certificate's error points at --registry-ca" ||
  fail "untrusted-ca: $(cat "$SCRATCH/untrusted-ca.err")"
expect_error not-found "registry:$BASIC/dagda/nothing:1" sbom "registry:$BASIC/dagda/nothing:1" "${CA[@]}"
expect_error tag-not-found "registry:$BASIC/dagda/layered:2" sbom "registry:$BASIC/dagda/layered:2" "${CA[@]}"
EXPECT_RC=2 expect_error bad-reference "registry:$BASIC/Dagda" sbom "registry:$BASIC/Dagda" "${CA[@]}"

# ------------------------------------------------------------------ token auth
TOKEN_PORT=$(free_port)
make_ca "$SCRATCH/signing"  # the token service's signing key, under its own CA
python3 "$FIXTURES" token-issuer --port "$TOKEN_PORT" --cert "$TLS/server.crt" --key "$TLS/server.key" \
  --signing-cert "$SCRATCH/signing/server.crt" --signing-key "$SCRATCH/signing/server.key" --issuer dagda-test-issuer \
  --user "$USER_NAME:$PASSWORD" --log "$SCRATCH/token.log" 2>"$SCRATCH/token.err" &
at_exit "kill $!"
wait_for "the token service" 20 curl -s --cacert "$TLS/ca.crt" -o /dev/null "https://127.0.0.1:$TOKEN_PORT/token"
TOKEN_REG_PORT=$(free_port)
TOKEN_REG=127.0.0.1:$TOKEN_REG_PORT
start_registry "$SCRATCH/tokenreg" "$TOKEN_REG_PORT" "$TLS" "  token:
    realm: https://127.0.0.1:$TOKEN_PORT/token
    service: dagda-test-registry
    issuer: dagda-test-issuer
    rootcertbundle: $SCRATCH/signing/ca.crt"
skopeo copy -q --dest-cert-dir "$SCRATCH/ca" --dest-creds "$USER_NAME:$PASSWORD" \
  "docker-archive:$IMAGES/layered.docker.tar" "docker://$TOKEN_REG/dagda/layered:1" || fatal "skopeo push (token auth) failed"
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$TOKEN_REG" "$AUTH64" >"$SCRATCH/docker/config.json"
: >"$SCRATCH/token.log"
sbom_json reg-token "registry:$TOKEN_REG/dagda/layered:1" "${CA[@]}" --no-cache
same_inventory "registry: with token auth gives the inventory of the docker-archive" "$SCRATCH/archive.out" "$SCRATCH/reg-token.out"
check "the token service was asked for a pull token by the configured account" \
  jq -e -s 'any(.[]; .account == "tester" and .granted and (.scopes | index("repository:dagda/layered:pull")))' \
  "$SCRATCH/token.log"
DOCKER_CONFIG=$SCRATCH/none expect_error token-anonymous "registry:$TOKEN_REG/dagda/layered:1" \
  sbom "registry:$TOKEN_REG/dagda/layered:1" "${CA[@]}" --no-cache
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$TOKEN_REG" "$(printf '%s:wrong' "$USER_NAME" | base64 -w0)" >"$SCRATCH/wrong-token.json"
REGISTRY_AUTH_FILE=$SCRATCH/wrong-token.json DOCKER_CONFIG=$SCRATCH/none expect_error token-wrong-password \
  "registry:$TOKEN_REG/dagda/layered:1" sbom "registry:$TOKEN_REG/dagda/layered:1" "${CA[@]}" --no-cache
grep -q "token service .* rejected the configured credentials" "$SCRATCH/token-wrong-password.err" &&
  pass "the token service's refusal is reported as such" || fail "token-wrong-password: $(cat "$SCRATCH/token-wrong-password.err")"

# ------------------------------------------------------------------ faults a real registry does not show
skopeo copy -q "docker-archive:$SCRATCH/alpine-amd64.docker.tar" "oci:$SCRATCH/alpine-layout:latest" || fatal "skopeo copy to oci: failed"
FAULTY_PORT=$(free_port)
OTHER_PORT=$(free_port)
FAULTY=127.0.0.1:$FAULTY_PORT
python3 "$FIXTURES" faulty --port "$FAULTY_PORT" --other "$OTHER_PORT" --layout "$SCRATCH/alpine-layout" \
  --user "$USER_NAME:$PASSWORD" --log "$SCRATCH/faulty.log" --other-log "$SCRATCH/other.log" 2>"$SCRATCH/faulty.err" &
at_exit "kill $!"
wait_for "the faulty registry" 20 curl -s -o /dev/null "http://$FAULTY/v2/"
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$FAULTY" "$AUTH64" >"$SCRATCH/docker/config.json"
sbom_json faulty-ok "registry:$FAULTY/ok/alpine:1" --no-cache
same_inventory "the fault-free path of the test registry (plain HTTP on loopback) works" \
  "$SCRATCH/archive-amd64.out" "$SCRATCH/faulty-ok.out"
: >"$SCRATCH/other.log"
sbom_json redirect "registry:$FAULTY/redirect/alpine:1" --no-cache
check "blobs were fetched from the other host" test -s "$SCRATCH/other.log"
if jq -e -s 'any(.[]; .authorization)' "$SCRATCH/other.log" >/dev/null; then
  fail "credentials were sent to the host a redirect pointed at"
else
  pass "no credentials went to the host a redirect pointed at"
fi
for f in e403 e404 e429 e500 big redirect401 truncated wrongdigest; do
  expect_error "fault-$f" "registry:$FAULTY/$f/alpine:1" sbom "registry:$FAULTY/$f/alpine:1" --no-cache
done
grep -q "4 MiB" "$SCRATCH/fault-big.err" && pass "the 100 MB manifest is refused at the manifest limit" || fail "fault-big: $(cat "$SCRATCH/fault-big.err")"
grep -q "digest mismatch" "$SCRATCH/fault-wrongdigest.err" && pass "an altered blob is a digest mismatch" ||
  fail "fault-wrongdigest: $(cat "$SCRATCH/fault-wrongdigest.err")"
grep -q "after 3 tries" "$SCRATCH/fault-e429.err" && pass "429 is retried, then reported" || fail "fault-e429: $(cat "$SCRATCH/fault-e429.err")"
grep -q "/alpine/.*HTTP 403\|access denied" "$SCRATCH/fault-e403.err" && pass "403 says access denied" || fail "fault-e403: $(cat "$SCRATCH/fault-e403.err")"

# A blob damaged in the real registry's storage: altered, then cut short.
expect_layer_damage() {
  local name=$1 how=$2 data
  # A layer of dagda/layered:1 itself (the storage also holds the zstd variant's and other images'
  # blobs): the largest layer its manifest lists.
  local blobs=$SCRATCH/basic/data manifest layer
  manifest=$(find "$blobs" -path "*/${LAYERED_DIGEST#sha256:}/data" | head -n1)
  [[ -n $manifest ]] || fatal "the manifest $LAYERED_DIGEST is not in the registry's storage"
  layer=$(jq -r '.layers | max_by(.size) | .digest' "$manifest")
  data=$(find "$blobs" -path "*/${layer#sha256:}/data" | head -n1)
  [[ -n $data ]] || fatal "no blob for the layer $layer in the registry's storage"
  case $how in
    flip) python3 -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(4096); b = f.read(1); f.seek(4096); f.write(bytes([b[0] ^ 255]))' "$data" ;;
    cut) truncate -s 100000 "$data" ;;
  esac
  printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$BASIC" "$AUTH64" >"$SCRATCH/docker/config.json"
  expect_error "$name" "registry:$BASIC/dagda/layered:1" sbom "registry:$BASIC/dagda/layered:1" "${CA[@]}" --no-cache
}
expect_layer_damage stored-blob-altered flip
expect_layer_damage stored-blob-truncated cut
finish
