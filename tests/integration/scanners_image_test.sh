#!/usr/bin/env bash
# The secret and config scanners on a real image built here with podman on the debootstrap
# minbase test base: AWS's documented example access key in a .env file, a PEM private key made
# by openssl and deleted again by a later layer, a GitHub-style token (random, from openssl) in
# ENV, a setuid copy of a program, USER unset, no HEALTHCHECK (and the apt lists debootstrap left
# in the base layer). Each must be reported with its
# layer (the diff id podman gives that layer), the key masked in every format, and nothing else
# (the base's own setuid programs belong to dpkg packages and are not reported). Also: --scanners
# selects (vuln only gives no secret; an unknown scanner is a usage error), --severity and an
# ignore file act on secret/config findings, --exit-code counts them, and a custom rule from
# --secret-config finds what it describes. Debian's nodejs binary and its libnode copied to
# /usr/local outside dpkg: one Node.js runtime with its layer, matched against node-core.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

for tool in podman openssl jq; do command -v "$tool" >/dev/null || fatal "missing $tool"; done
need_test_images

CTX=$SCRATCH/ctx
mkdir -p "$CTX"
# AWS's documentation example key pair (docs.aws.amazon.com, "Understanding and getting your AWS credentials").
printf 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nREGION=eu-west-1\n' >"$CTX/app.env"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$CTX/id_rsa" 2>/dev/null || fatal "openssl genpkey failed"
TOKEN=ghp_$(openssl rand -base64 64 | tr -dc 'A-Za-z0-9' | head -c 36)
[[ ${#TOKEN} == 40 ]] || fatal "could not make a token"
printf 'internal-ticket: DGT-%s\n' "$(openssl rand -hex 12)" >"$CTX/ticket.txt"

# Debian's nodejs (a stub `node`) and the libnode that holds its version, from the Debian
# packages (not NodeSource's), unpacked here and copied to /usr/local where dpkg owns nothing.
NODE_DEB_VER=$(apt-cache madison nodejs | awk -F'|' '$3 ~ /debian/ {gsub(/ /, "", $2); print $2; exit}')
[[ -n $NODE_DEB_VER ]] || fatal "no Debian nodejs package in the apt sources"
LIBNODE=$(apt-cache depends "nodejs=$NODE_DEB_VER" | grep -o 'libnode[0-9]*' | head -1)
mkdir -p "$SCRATCH/debs" "$SCRATCH/nodex" "$CTX/node/bin" "$CTX/node/lib"
(cd "$SCRATCH/debs" && apt-get download -q "nodejs=$NODE_DEB_VER" "$LIBNODE=$NODE_DEB_VER" >/dev/null 2>&1) ||
  fatal "apt-get download nodejs $NODE_DEB_VER failed"
for deb in "$SCRATCH"/debs/*.deb; do dpkg-deb -x "$deb" "$SCRATCH/nodex"; done
cp "$SCRATCH/nodex/usr/bin/node" "$CTX/node/bin/node"
cp "$SCRATCH"/nodex/usr/lib/*/libnode.so.* "$CTX/node/lib/"
LIBNODE_FILE=$(basename "$(ls "$CTX"/node/lib/libnode.so.*)")
# The upstream version of the package: "18.20.4+dfsg-1~deb12u3" -> "18.20.4".
NODE_VER=$(dpkg-deb -f "$SCRATCH"/debs/"$LIBNODE"_*.deb Version | sed -e 's/^[0-9]*://' -e 's/[-+~].*//')

cat >"$CTX/Containerfile" <<CF
FROM $BASE_IMAGE
COPY node/ /usr/local/
COPY app.env /srv/app/.env
COPY id_rsa /root/.ssh/id_rsa
COPY ticket.txt /srv/ticket.txt
RUN cp /bin/true /usr/local/bin/suid-true && chmod 4755 /usr/local/bin/suid-true
RUN rm /root/.ssh/id_rsa
ENV GITHUB_TOKEN=$TOKEN
CF
build_test_image scanners
n=${#DIFF[@]}
L_ENV=${DIFF[n - 5]} L_KEY=${DIFF[n - 4]} L_SUID=${DIFF[n - 2]} L_NODE=${DIFF[n - 6]}

# A database is needed to open; the secret and config scanners do not read it.
DB=$SCRATCH/vulndb.sqlite
"$DAGDA" --db "$DB" --quiet db import "${DAGDA_TESTDATA:-$DAGDA_TESTDATA_DEFAULT}/vulndb/cisa-kev" >/dev/null ||
  fatal "importing the KEV catalog failed"
IMG=docker-archive:$SCRATCH/img.tar

# The default scanners (vuln,secret,config) through the per-layer cache: a cold scan reads the
# layers; a warm one reads none of them again (strace counts the bytes read from the archive)
# and writes the same report, byte for byte.
SIZE=$(stat -c %s "$SCRATCH/img.tar")
traced_dagda cold "$SCRATCH/img.tar" --db "$DB" scan "$IMG" -f json
[[ $RC == 0 ]] || { show_err cold; fatal "default scan failed ($RC)"; }
cold=$BYTES
check "default scan: the scanners are vuln, secret and config" jq -e '.scanners == ["vuln","secret","config"]' \
  "$SCRATCH/cold.out"
((cold >= SIZE / 2)) && pass "a cold default scan reads the archive ($cold of $SIZE bytes)" ||
  fail "a cold default scan read only $cold of $SIZE bytes"
traced_dagda warm "$SCRATCH/img.tar" --db "$DB" scan "$IMG" -f json
warm=$BYTES
((RC == 0 && warm < 1048576)) && pass "a warm default scan reads $warm bytes of the archive: no layer" ||
  fail "a warm default scan (exit $RC) read $warm bytes of the archive"
cmp -s "$SCRATCH/cold.out" "$SCRATCH/warm.out" && pass "the warm report is the cold one, byte for byte" ||
  fail "the warm report differs from the cold one: $(diff <(jq -S . "$SCRATCH/cold.out") <(jq -S . "$SCRATCH/warm.out") | head -c 600)"
check "the cached default scan still has the planted secrets, each with its layer" \
  jq -e --arg e "$L_ENV" --arg k "$L_KEY" '[.findings[] | select(.kind == "secret") | "\(.id) \(.layer)"] | sort ==
    (["aws-access-key-id \($e)", "github-token null", "private-key \($k)"] | sort)' "$SCRATCH/warm.out"
run_dagda cache-status cache status --json
check "the scanners' results are cached per layer ($n layers)" \
  jq -e --argjson n "$n" '.scanner_results == $n and .layers == $n' "$SCRATCH/cache-status.out"

run_dagda json --db "$DB" scan "$IMG" --scanners secret,config -f json
[[ $RC == 0 ]] || { show_err json; fatal "scan failed ($RC)"; }
J=$SCRATCH/json.out
jq -r '.findings[] | [.kind, .id, .target, (.layer // "-")] | @tsv' "$J" | sort >"$SCRATCH/got"
{
  printf 'config\tDG-IMG-001\timage config: User\t-\n'
  printf 'config\tDG-IMG-002\timage config: Healthcheck\t-\n'
  # The debootstrap base leaves apt's package lists: a true finding of the base layer.
  printf 'config\tDG-IMG-005\tvar/lib/apt/lists\t%s\n' "${DIFF[0]}"
  printf 'config\tDG-IMG-006\tusr/local/bin/suid-true\t%s\n' "$L_SUID"
  printf 'secret\taws-access-key-id\tsrv/app/.env\t%s\n' "$L_ENV"
  printf 'secret\tgithub-token\timage config: Env GITHUB_TOKEN\t-\n'
  printf 'secret\tprivate-key\troot/.ssh/id_rsa\t%s\n' "$L_KEY"
} | sort >"$SCRATCH/want"
if diff -u "$SCRATCH/want" "$SCRATCH/got" >"$SCRATCH/diff"; then
  pass "exactly the planted secrets and misconfigurations, each with its layer (the deleted key's included)"
else
  fail "findings differ from the planted ones:"
  sed 's/^/      /' "$SCRATCH/diff"
fi
check "json: scanners listed" jq -e '.scanners == ["secret","config"]' "$J"
check "json: the line of the key in .env" jq -e '.findings[] | select(.id=="aws-access-key-id") | .line == 1' "$J"
check "json: summary by kind" jq -e '.summary.by_kind.secret == 3 and .summary.by_kind.config == 4' "$J"

# Masked everywhere: no format holds a whole secret.
KEYLINE=$(sed -n 2p "$CTX/id_rsa")
for fmt in table json sarif cyclonedx; do
  run_dagda "mask-$fmt" --db "$DB" scan "$IMG" --scanners secret,config -f "$fmt" --show-suppressed
  if [[ $RC == 0 ]] && ! grep -q -e AKIAIOSFODNN7EXAMPLE -e "$TOKEN" -e "${TOKEN:4:20}" -F "$SCRATCH/mask-$fmt.out" &&
    ! grep -q -F -e "${KEYLINE:0:40}" "$SCRATCH/mask-$fmt.out" && grep -q AKIA "$SCRATCH/mask-$fmt.out"; then
    pass "$fmt: findings present, every secret masked"
  else
    fail "$fmt: rc $RC, or a secret shown whole"
  fi
done
check "sarif: kind and layer of the key" jq -e --arg l "$L_KEY" \
  '[.runs[0].results[] | select(.ruleId=="private-key") | .properties] | .[0].kind == "secret" and .[0].layer == $l' \
  "$SCRATCH/mask-sarif.out"

# --scanners selects.
run_dagda vuln --db "$DB" scan "$IMG" --scanners vuln -f json
check "--scanners vuln: no secret or config finding" jq -e '[.findings[] | select(.kind != "vuln")] | length == 0' \
  "$SCRATCH/vuln.out"
run_dagda bad --db "$DB" scan "$IMG" --scanners vuln,bogus
if [[ $RC == 2 || $RC == 1 ]] && grep -q "unknown scanner 'bogus'" "$SCRATCH/bad.err"; then
  pass "an unknown scanner is refused, naming it"
else
  fail "unknown scanner: rc $RC"
fi
# No malware signatures in this database: a warning, no finding (malware_image_test.sh imports some).
run_dagda malware --db "$DB" scan "$IMG" --scanners malware -f json
check "--scanners malware without signatures: exit 0, warning malware.no-signatures, no finding" \
  jq -e '(.findings | length == 0) and ([.warnings[].code] | index("malware.no-signatures") != null)' \
  "$SCRATCH/malware.out"

# Policy: --severity, an ignore file and --exit-code act on the new kinds.
run_dagda sev --db "$DB" scan "$IMG" --scanners secret,config -f json --severity critical
check "--severity critical keeps the AWS key and the token only" \
  jq -e '[.findings[].id] | sort == ["aws-access-key-id","github-token"]' "$SCRATCH/sev.out"
cat >"$SCRATCH/ignore.yaml" <<'YAML'
ignore:
  - id: private-key
    path: root/.ssh/*
    reason: a test key
  - id: DG-IMG-002
    reason: health is checked by the orchestrator
YAML
run_dagda ign --db "$DB" scan "$IMG" --scanners secret,config -f json --ignorefile "$SCRATCH/ignore.yaml"
check "ignore file suppresses a secret by rule and path, and a config check by id" \
  jq -e '([.suppressed[].id] | sort == ["DG-IMG-002","private-key"]) and ([.findings[].id] | index("private-key") == null)' \
  "$SCRATCH/ign.out"
run_dagda exit --db "$DB" scan "$IMG" --scanners secret --exit-code 7 -f json
check "--exit-code counts secrets" test "$RC" = 7
printf 'ignore:\n  - id: aws-access-key-id\n  - id: github-token\n' >"$SCRATCH/ignore-critical.yaml"
run_dagda exit0 --db "$DB" scan "$IMG" --scanners secret --exit-code 7 -f json --severity critical \
  --ignorefile "$SCRATCH/ignore-critical.yaml"
check "--exit-code 0 when every secret is suppressed" test "$RC" = 0

# A custom rule and an allow-list from --secret-config.
cat >"$SCRATCH/secrets.yaml" <<'YAML'
rules:
  - id: internal-ticket
    title: Internal ticket id
    severity: low
    keywords: [dgt-]
    regex: '\b(DGT-[0-9a-f]{24})\b'
allow_values:
  - '^AKIAIOSFODNN7EXAMPLE$'
YAML
run_dagda custom --db "$DB" scan "$IMG" --scanners secret -f json --secret-config "$SCRATCH/secrets.yaml"
check "custom rule found with its layer; allow-listed value not reported" \
  jq -e --arg l "${DIFF[n - 3]}" '([.findings[] | select(.id=="internal-ticket") | .layer] == [$l]) and
    ([.findings[] | select(.id=="aws-access-key-id")] | length == 0)' "$SCRATCH/custom.out"
# The same scan with another rule file, then with the first again: each gets its own rules'
# results, never those cached for the other (the warm layers are not walked again for it).
sed -e 's/^allow_values:$/disable: [aws-access-key-id]\nallow_values:/' -e 's/id: internal-ticket/id: ticket-renamed/' \
  "$SCRATCH/secrets.yaml" >"$SCRATCH/secrets2.yaml"
run_dagda custom2 --db "$DB" scan "$IMG" --scanners secret -f json --secret-config "$SCRATCH/secrets2.yaml"
check "a changed --secret-config is not served the results of the first" \
  jq -e '([.findings[].id] | sort) == ["github-token","private-key","ticket-renamed"]' "$SCRATCH/custom2.out"
traced_dagda custom-again "$SCRATCH/img.tar" --db "$DB" scan "$IMG" --scanners secret -f json \
  --secret-config "$SCRATCH/secrets.yaml"
((RC == 0 && BYTES < 1048576)) && cmp -s "$SCRATCH/custom.out" "$SCRATCH/custom-again.out" &&
  pass "the first rule file again: its cached results, the same report, no layer read ($BYTES bytes)" ||
  fail "the first rule file again: exit $RC, $BYTES bytes read, or another report"
printf 'rules:\n  - id: broken\n    regex: "(["\n' >"$SCRATCH/bad-secrets.yaml"
run_dagda badcfg --db "$DB" scan "$IMG" --scanners secret --secret-config "$SCRATCH/bad-secrets.yaml"
if [[ $RC != 0 ]] && grep -q "bad-secrets.yaml" "$SCRATCH/badcfg.err"; then
  pass "a bad secret rule is an error naming the file"
else
  fail "bad secret config: rc $RC"
fi

# The Node.js runtime copied in by hand: one package from libnode (the stub `node` holds no
# version), with its layer, matched against node-core; nothing of the kind in the base image.
DATA=${DAGDA_TESTDATA:-$DAGDA_TESTDATA_DEFAULT}
"$DAGDA" --db "$DB" --quiet db import "$DATA/vulndb/node-core" >/dev/null || fatal "importing node-core failed"
sbom_json rt "$IMG" || finish
check "runtime: exactly Debian's Node.js $NODE_VER, from /usr/local/lib/$LIBNODE_FILE, in its layer" \
  jq -e --arg v "$NODE_VER" --arg l "$L_NODE" --arg f "usr/local/lib/$LIBNODE_FILE" \
  '[.packages[] | select(.ecosystem == "runtime") | [.name, .version, .layer, .path, .purl]] ==
   [["node", $v, $l, $f, "pkg:generic/node@\($v)"]]' "$SCRATCH/rt.out"
run_dagda rtvuln --db "$DB" scan "$IMG" --scanners vuln -f json
[[ $RC == 0 ]] || { show_err rtvuln; fatal "scan failed ($RC)"; }
# Which CVEs the audit rules say hold this version, read by the independent reader.
mapfile -t WANT_CVES < <(python3 "$DAGDA_SOURCE_DIR/tests/integration/counts/node-core.py" \
  "$DATA"/vulndb/node-core/*.json --at "$NODE_VER" | jq -r --arg v "$NODE_VER" '.affected_at[$v][]')
((${#WANT_CVES[@]} > 0)) || fatal "the node-core data names no CVE of $NODE_VER"
got_ids=$(jq -c '[.findings[] | select(.kind == "vuln" and .package.ecosystem == "runtime") | .id, .aliases[]]' \
  "$SCRATCH/rtvuln.out")
if jq -e --argjson got "$got_ids" '. - $got == []' <<<"$(printf '%s\n' "${WANT_CVES[@]}" | jq -R . | jq -s .)" \
  >/dev/null; then
  pass "node-core: the ${#WANT_CVES[@]} CVEs the audit rules give for $NODE_VER are reported"
else
  fail "node-core: missing some of ${WANT_CVES[*]} in $got_ids"
fi
check "node-core: every runtime finding is node's, in its layer, from the node-core rows" \
  jq -e --arg l "$L_NODE" '[.findings[] | select(.kind == "vuln" and .package.ecosystem == "runtime")] |
    length > 0 and all(.package.name == "node" and .layer == $l and .match.namespace == "runtime")' \
  "$SCRATCH/rtvuln.out"
podman save --format docker-archive -o "$SCRATCH/base.tar" "$BASE_IMAGE" >/dev/null 2>&1 || fatal "podman save base failed"
sbom_json base "docker-archive:$SCRATCH/base.tar" || finish
check "runtime: nothing on the clean Debian base image" \
  jq -e '[.packages[] | select(.ecosystem == "runtime")] == []' "$SCRATCH/base.out"
run_dagda base-scan --db "$DB" scan "docker-archive:$SCRATCH/base.tar" -f json
check "the clean Debian base image, default scanners: zero secrets" \
  jq -e '(.scanners | index("secret")) and ([.findings[] | select(.kind == "secret")] == [])' "$SCRATCH/base-scan.out"

# The same checks on a Dockerfile found by fs: (our own, written here; the real podman build above
# used one like it).
mkdir -p "$SCRATCH/proj"
printf 'FROM debian\nENV API_TOKEN=%s\nEXPOSE 22\n' "$(openssl rand -hex 12)" >"$SCRATCH/proj/Dockerfile"
run_dagda fs --db "$DB" scan "fs:$SCRATCH/proj" --scanners secret,config -f json
check "fs: Dockerfile checks (root, healthcheck, ENV secret, port 22, unpinned base), each with its line" \
  jq -e '[.findings[] | "\(.id):\(.line)"] | sort == ["DG-IMG-001:null","DG-IMG-002:null","DG-IMG-004:2","DG-IMG-008:3","DG-IMG-009:1"]' \
  "$SCRATCH/fs.out"
finish
