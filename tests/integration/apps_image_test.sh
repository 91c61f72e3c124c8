#!/usr/bin/env bash
# Application packages in a real image built here with podman on the debootstrap minbase test
# base: node_modules from a real `npm install` run on the host, a war holding Debian's
# commons-io jar, Debian's python3-six (an egg-info the deb owns) and dist-infos copied in by
# hand (attrs, pip), Debian's jQuery and npm's jQuery 3.4.0 vendored under /var/www, Ruby's
# rexml gemspec copied into a GEM_HOME, a vendor/ made by a real `composer install` of Debian's
# Twig, and a Go binary built with Debian's Go. Each must be found with its name, version, path
# and layer; the Debian-owned egg-info only as the deb (and as pypi too with
# --include-os-owned). Oracles: `npm ls`, unzip, importlib.metadata, dpkg-query, gem, composer,
# `go version -m`. `dagda scan` of the image must then report, for one package of each language
# feed, exactly the advisories that the ecosystem's own tool says affect it (apps_oracle.py).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

for tool in npm go zip unzip podman jq composer ruby php /usr/bin/node /usr/bin/python3; do
  command -v "$tool" >/dev/null || fatal "missing $tool (scripts/install-deps.sh test)"
done
need_test_images

CTX=$SCRATCH/ctx
mkdir -p "$CTX/app" "$CTX/war/WEB-INF/lib" "$CTX/site" "$CTX/www/js" "$CTX/www/legacy/js" "$CTX/gosrc" \
  "$CTX/gems/specifications" "$CTX/php/twig" "$CTX/php/app"

# --- node_modules from a real npm install (the npm registry is reachable from the host)
(cd "$CTX/app" && echo '{"name":"dagda-apps-test","version":"1.0.0","private":true}' >package.json &&
  npm install --no-audit --no-fund --loglevel=error is-number@7.0.0 @sindresorhus/is@4.6.0 jquery@3.4.0 \
    ms@0.7.0 >/dev/null) ||
  fatal "npm install failed (is the npm registry reachable?)"
(cd "$CTX/app" && npm ls --all --json) |
  jq -r '[.. | objects | .dependencies? // empty | to_entries[] | "\(.key)@\(.value.version)"] | unique[]' \
    >"$SCRATCH/npm.want"

# --- a jar with pom.properties inside a war
cp /usr/share/java/commons-io-2.11.0.jar "$CTX/war/WEB-INF/lib/"
(cd "$CTX/war" && zip -q -r ../app.war WEB-INF)
io_version=$(unzip -p /usr/share/java/commons-io-2.11.0.jar META-INF/maven/commons-io/commons-io/pom.properties |
  sed -n 's/^version=//p' | tr -d '\r')

# --- a dist-info copied in by hand (Debian's attrs, from the host)
attrs_dir=$(ls -d /usr/lib/python3/dist-packages/attrs-*.dist-info | head -1)
cp -r "$attrs_dir" "$CTX/site/"
attrs_version=$(/usr/bin/python3 -c "import importlib.metadata as m; print(m.version('attrs'))")

# --- and pip's (Debian's python3-pip), an older pip than the PyPA advisories' fixes
pip_dir=$(ls -d /usr/lib/python3/dist-packages/pip-*.dist-info | head -1)
cp -r "$pip_dir" "$CTX/site/"
pip_version=$(/usr/bin/python3 -c "import importlib.metadata as m; print(m.version('pip'))")

# --- vendored jQuery: Debian's, and npm's 3.4.0 under a name that does not tell its version
cp /usr/share/javascript/jquery/jquery.min.js "$CTX/www/js/jquery.min.js"
jq_version=$(dpkg-query -W -f '${Version}' libjs-jquery | sed 's/[+~-].*//')
cp "$CTX/app/node_modules/jquery/dist/jquery.min.js" "$CTX/www/legacy/js/jquery.min.js"

# --- a gemspec in a GEM_HOME of its own: Ruby's rexml (Debian's libruby), copied
rexml_spec=$(ls /usr/lib/ruby/gems/*/specifications/rexml-*.gemspec | head -1)
cp "$rexml_spec" "$CTX/gems/specifications/"
rexml_version=$(ruby -e 'puts Gem::Specification.load(ARGV[0]).version' "$rexml_spec")

# --- vendor/ from a real `composer install` (offline) of Debian's Twig as a path package
twig_version=$(dpkg-query -W -f '${Version}' php-twig | sed 's/-[^-]*$//')
cp -r /usr/share/php/Twig "$CTX/php/twig/src"
jq -n --arg v "$twig_version" '{name: "twig/twig", version: $v, license: "BSD-3-Clause",
  autoload: {"psr-4": {"Twig\\": "src/"}}}' >"$CTX/php/twig/composer.json"
jq -n '{repositories: [{"packagist.org": false}, {type: "path", url: "../twig", options: {symlink: false}}],
  require: {"twig/twig": "*"}}' >"$CTX/php/app/composer.json"
(cd "$CTX/php/app" && COMPOSER_HOME=$SCRATCH/composer-home composer install --no-interaction --quiet) ||
  fatal "composer install failed"

# --- a Go binary
(cd "$CTX/gosrc" && printf 'module example.com/dagdahello\n\ngo 1.19\n' >go.mod &&
  printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n' >main.go &&
  GOCACHE=$SCRATCH/gocache GOPATH=$SCRATCH/gopath GOPROXY=off GOFLAGS=-mod=mod \
    go build -buildvcs=false -o ../hello .) || fatal "go build failed"
go_version=$(go version "$CTX/hello" | sed 's/.*: go//; s/ .*//')

cat >"$CTX/Containerfile" <<CF
FROM $BASE_IMAGE
RUN : dagda-apps=apt && apt-get -o Acquire::Check-Valid-Until=false update \\
 && apt-get install -y --no-install-recommends python3-six \\
 && apt-get clean && rm -rf /var/lib/apt/lists/*
COPY app/node_modules /srv/app/node_modules
COPY app.war /srv/app.war
COPY site /opt/py/site-packages
COPY www /var/www
COPY gems /usr/local/bundle
COPY php/app/vendor /var/www/php/vendor
COPY hello /usr/local/bin/hello
CF
tag=localhost/dagda-test/apps:$$
podman build --network host --no-cache -q -t "$tag" -f "$CTX/Containerfile" "$CTX" >"$SCRATCH/build.log" 2>&1 ||
  { tail -20 "$SCRATCH/build.log"; fatal "podman build failed"; }
podman save --format docker-archive -o "$SCRATCH/apps.tar" "$tag" >/dev/null 2>&1 || fatal "podman save failed"
podman rmi -f "$tag" >/dev/null 2>&1 || true
# the upstream part of the deb's version (bookworm on the host and in the image)
six_version=$(dpkg-query -W -f '${Version}' python3-six | sed 's/-[^-]*$//')

RETIRE=${DAGDA_TESTDATA:-$DAGDA_TESTDATA_DEFAULT}/vulndb/retirejs/jsrepository.json
[[ -f $RETIRE ]] || fatal "no retire.js repository at $RETIRE"
sbom_json apps "docker-archive:$SCRATCH/apps.tar" --retirejs "$RETIRE" || finish
OUT=$SCRATCH/apps.out

# pkg ECOSYSTEM NAME [PATH]: the package's JSON (the first one of that name, or at PATH)
pkg() {
  jq -c --arg e "$1" --arg n "$2" --arg p "${3:-}" \
    '[.packages[] | select(.ecosystem == $e and .name == $n and ($p == "" or .path == $p))][0] // empty' "$OUT"
}
# expect WHAT ECOSYSTEM NAME VERSION PATH LAYER_TEXT: name, version, path, and the layer whose
# history entry holds LAYER_TEXT
expect() {
  local what=$1 eco=$2 name=$3 version=$4 path=$5 layer_text=$6
  local p
  p=$(pkg "$eco" "$name" "$path")
  if [[ -z $p ]]; then
    fail "$what: no $eco package $name"
    return
  fi
  check "$what: $name version $version" test "$(jq -r .version <<<"$p")" = "$version"
  check "$what: path $path" test "$(jq -r .path <<<"$p")" = "$path"
  check "$what: layer from '$layer_text'" grep -qF -- "$layer_text" <<<"$(jq -r .created_by <<<"$p")"
}

# npm: every package npm ls lists, nothing more
jq -r '.packages[] | select(.ecosystem == "npm") | "\(.name)@\(.version)"' "$OUT" | sort -u >"$SCRATCH/npm.got"
check "npm: the packages npm ls lists ($(wc -l <"$SCRATCH/npm.want"))" diff "$SCRATCH/npm.want" "$SCRATCH/npm.got"
expect npm npm is-number 7.0.0 srv/app/node_modules/is-number/package.json "/srv/app/node_modules"
expect npm npm @sindresorhus/is 4.6.0 srv/app/node_modules/@sindresorhus/is/package.json "/srv/app/node_modules"
check "npm: scoped purl" test "$(jq -r .purl <<<"$(pkg npm @sindresorhus/is)")" = "pkg:npm/%40sindresorhus/is@4.6.0"

# java: the jar inside the war
expect java maven commons-io:commons-io "$io_version" srv/app.war "/srv/app.war"
check "java: archive chain" test "$(jq -c .parents <<<"$(pkg maven commons-io:commons-io)")" = \
  '["srv/app.war","WEB-INF/lib/commons-io-2.11.0.jar"]'
check "java: SHA-1 of the jar" test "$(jq -r .sha1 <<<"$(pkg maven commons-io:commons-io)")" = \
  "$(sha1sum /usr/share/java/commons-io-2.11.0.jar | cut -c1-40)"

# python: the hand-copied dist-info; the deb's egg-info only as the deb
expect python pypi attrs "$attrs_version" "opt/py/site-packages/$(basename "$attrs_dir")/METADATA" "/opt/py/site-packages"
check "python: six is not a pypi package by default" test -z "$(pkg pypi six)"
check "python: six is the deb python3-six" test -n "$(pkg deb python3-six)"

# python: pip's dist-info
expect pip pypi pip "$pip_version" "opt/py/site-packages/$(basename "$pip_dir")/METADATA" "/opt/py/site-packages"

# javascript: the vendored jQuery files by their content
expect javascript javascript jquery "$jq_version" var/www/js/jquery.min.js "/var/www"
expect javascript-npm javascript jquery 3.4.0 var/www/legacy/js/jquery.min.js "/var/www"

# ruby: the copied gemspec
expect gem gem rexml "$rexml_version" "usr/local/bundle/specifications/$(basename "$rexml_spec")" "/usr/local/bundle"

# php: composer's installed.json
expect composer composer twig/twig "$(jq -r '.packages[] | select(.name == "twig/twig") | .version' \
  "$CTX/php/app/vendor/composer/installed.json")" var/www/php/vendor/composer/installed.json "/var/www/php/vendor"

# go: the binary's main module and toolchain
expect go golang example.com/dagdahello "(devel)" usr/local/bin/hello "/usr/local/bin/hello"
expect go-stdlib golang stdlib "$go_version" usr/local/bin/hello "/usr/local/bin/hello"

# CycloneDX and SPDX stay schema-valid with the new packages (validated like the other tests)
run_dagda apps-cdx sbom "docker-archive:$SCRATCH/apps.tar" --retirejs "$RETIRE" --format cyclonedx
check "cyclonedx: exits 0" test "$RC" -eq 0
check "cyclonedx: the war's jar with its SHA-1" jq -e \
  '.components[] | select(.purl == "pkg:maven/commons-io/commons-io@'"$io_version"'") | .hashes[0].alg == "SHA-1"' \
  "$SCRATCH/apps-cdx.out"

# --include-os-owned: six appears twice, as the deb and as pypi
sbom_json apps-owned "docker-archive:$SCRATCH/apps.tar" --include-os-owned || finish
OUT=$SCRATCH/apps-owned.out
expect six-owned pypi six "$six_version" usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO "apt-get install"
check "six: still the deb too" test -n "$(pkg deb python3-six)"

# dagda scan: findings from the real language advisories, each with its range and comparator
V=${DAGDA_TESTDATA:-$DAGDA_TESTDATA_DEFAULT}/vulndb
DB=$SCRATCH/vulndb.sqlite
"$DAGDA" --db "$DB" --quiet db import "$V/osv-go-vulndb.tar.xz" "$V/osv-pypi-pypa-advisory-database.tar.xz" \
  "$V/nodejs-security-wg-vuln.tar.xz" "$V/retirejs" "$V/gitlab-advisories-community-2022-05-23.tar.xz" \
  "$V/rubysec-ruby-advisory-db.tar.xz" "$V/friendsofphp-security-advisories.tar.xz" >/dev/null ||
  fatal "importing the language advisories failed"
# The vulnerability scanner alone: the checks below compare its findings with each ecosystem's
# own tool (the secret and config scanners are tested in scanners_image_test).
run_dagda apps-scan --db "$DB" scan "docker-archive:$SCRATCH/apps.tar" --format json --scanners vuln
check "scan: exits 0" test "$RC" -eq 0
S=$SCRATCH/apps-scan.out
check "scan: every finding names its range and comparator" \
  jq -e '[.findings[] | select((.match.range // "") == "" or (.match.comparator // "") == "")] | length == 0' "$S"
check "scan: npm jquery 3.4.0 has GHSA-gxr4-xjj5-5px2 (fixed 3.5.0) by npm rules" jq -e \
  '[.findings[] | select(.package.name == "jquery" and .package.ecosystem == "npm" and ((.aliases + [.id]) | index("GHSA-gxr4-xjj5-5px2")) and .match.comparator == "npm")] | length > 0' "$S"
# Go: the toolchain's stdlib findings, each checked against the Go database's ranges in python
set +e
python3 - "$S" "$V/osv-go-vulndb.tar.xz" "$go_version" <<'PY'
import json, lzma, sys, tarfile
scan, tar, gov = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
def key(v):
    return tuple(int(x) for x in v.split("-")[0].split("."))
want = set()
with tarfile.open(tar) as t:
    for m in t:
        if not m.isfile() or not m.name.endswith(".json"): continue
        d = json.load(t.extractfile(m))
        for a in d.get("affected", []):
            if a.get("package", {}).get("name") != "stdlib": continue
            for r in a.get("ranges", []):
                if r.get("type") != "SEMVER": continue
                hit, intro = False, None
                for e in r["events"]:
                    if "introduced" in e: intro = e["introduced"]
                    if "fixed" in e and intro is not None:
                        if key(intro if intro != "0" else "0") <= key(gov) < key(e["fixed"]): hit = True
                        intro = None
                if intro is not None and key(intro if intro != "0" else "0") <= key(gov): hit = True
                if hit: want.add(d["id"])
got = {f["match"]["advisory"] for f in scan["findings"] if f["package"]["name"] == "stdlib"}
print(f"  stdlib {gov}: dagda {len(got)} advisories, the Go database {len(want)}")
sys.exit(0 if got == want and want else 1)
PY
rc=$?
set -e
check "scan: Go stdlib findings equal the Go database's ranges for $go_version" test "$rc" -eq 0
# One package per language feed: exactly the advisories its ecosystem's own tool says apply
oracle() {
  local rc=0
  /usr/bin/python3 "$DAGDA_SOURCE_DIR/tests/integration/apps_oracle.py" "$S" "$V" "$@" || rc=$?
  check "scan: $1 advisories of $3 $4 equal what the ecosystem's tool decides" test "$rc" -eq 0
}
oracle pypi pypi pip "$pip_version"
oracle rubysec gem rexml "$rexml_version"
oracle friendsofphp composer twig/twig "$twig_version"
oracle nodejs npm ms 0.7.0
oracle retirejs javascript jquery 3.4.0

finish
