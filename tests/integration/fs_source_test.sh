#!/usr/bin/env bash
# `dagda sbom fs:DIR` on a project tree holding several lockfiles, written by the
# real tools where they run here (npm, go, cargo, pip) or taken from Debian
# packages and tests/data/lockfiles: each lockfile's packages are reported with
# the right ecosystem, version and path; a symlink to a lockfile outside the
# tree is not followed; lockfiles inside node_modules are not read; a broken
# lockfile gives a warning and a partial inventory without hiding the others.
source "$(dirname "$0")/lib.sh"
for t in npm go /usr/bin/cargo; do command -v "$t" >/dev/null || fatal "$t is required (scripts/install-deps.sh test)"; done
DATA_LOCK="$DAGDA_SOURCE_DIR/tests/data/lockfiles"
P="$SCRATCH/project"
mkdir -p "$P/web" "$P/svc" "$P/rust/src" "$P/py" "$P/java/core" "$P/ruby" "$P/php" "$P/dotnet" "$P/outside"

# npm: lockfile v3 by npm itself.
cat >"$P/web/package.json" <<'JSON'
{"name": "web", "version": "1.0.0", "dependencies": {"lodash": "4.17.20"}, "devDependencies": {"is-number": "7.0.0"}}
JSON
(cd "$P/web" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund >/dev/null 2>&1) || fatal "npm install failed"
mkdir -p "$P/web/node_modules/lodash"
cp "$P/web/package-lock.json" "$P/web/node_modules/lodash/package-lock.json"  # shipped inside a package: not read

# Go: go.mod written by go.
(cd "$P/svc" && go mod init example.com/svc >/dev/null 2>&1 &&
  go mod edit -require=github.com/pkg/errors@v0.9.1 -require=golang.org/x/text@v0.3.7) || fatal "go mod failed"

# Rust: Cargo.lock by Debian's cargo, offline, from Debian's vendored crates.
cat >"$P/rust/Cargo.toml" <<'TOML'
[package]
name = "tool"
version = "0.1.0"
edition = "2021"

[dependencies]
cfg-if = "1"
TOML
echo 'fn main() {}' >"$P/rust/src/main.rs"
mkdir -p "$P/rust/.cargo"
printf '[source.crates-io]\nreplace-with = "debian"\n[source.debian]\ndirectory = "/usr/share/cargo/registry"\n' >"$P/rust/.cargo/config.toml"
(cd "$P/rust" && CARGO_HOME="$SCRATCH/cargo-home" /usr/bin/cargo generate-lockfile --offline >/dev/null 2>&1) || fatal "cargo generate-lockfile failed"

# Python: pip freeze of Debian's Python, plus published Pipfile.lock and poetry.lock.
/usr/bin/python3 -m pip freeze --all 2>/dev/null >"$P/py/requirements.txt"
echo "requests>=2" >>"$P/py/requirements.txt"
cp "$DATA_LOCK/pipfile/Pipfile.lock" "$DATA_LOCK/poetry/poetry.lock" "$P/py/"

# Java: Debian's maven-core pom below its parent.
cp /usr/share/maven-repo/org/apache/maven/maven/3.8.7/maven-3.8.7.pom "$P/java/pom.xml"
cp /usr/share/maven-repo/org/apache/maven/maven-core/3.8.7/maven-core-3.8.7.pom "$P/java/core/pom.xml"

cp /usr/lib/ruby/gems/3.1.0/gems/typeprof-0.21.2/Gemfile.lock "$P/ruby/"
cp "$DATA_LOCK/composer/composer.lock" "$P/php/"
cp "$DATA_LOCK/nuget/packages.lock.json" "$P/dotnet/"

# A lockfile outside the tree, reached only through a symlink; and a broken lockfile.
mkdir -p "$SCRATCH/elsewhere"
printf '{"lockfileVersion":3,"packages":{"node_modules/secret-pkg":{"version":"9.9.9"}}}' >"$SCRATCH/elsewhere/package-lock.json"
ln -s "$SCRATCH/elsewhere/package-lock.json" "$P/outside/package-lock.json"
ln -s "$SCRATCH/elsewhere" "$P/outside/dir"
mkdir -p "$P/broken"
printf '{"lockfileVersion":3,"packages":{"node_modules/a":{"version":"1.0.0"' >"$P/broken/package-lock.json"

run_dagda fs sbom "fs:$P" --format json
[[ $RC == 0 ]] && pass "sbom fs: exits 0" || { fail "sbom fs: exit $RC"; show_err fs; }
J="$SCRATCH/fs.out"
has() {  # has ECOSYSTEM NAME VERSION PATH
  jq -e --arg e "$1" --arg n "$2" --arg v "$3" --arg p "$4" \
    'any(.packages[]; .ecosystem == $e and .name == $n and .version == $v and .path == $p)' "$J" >/dev/null
}
check "source kind is fs" jq -e '.source.kind == "fs"' "$J"
check "npm lodash from the npm lockfile" has npm lodash 4.17.20 web/package-lock.json
check "npm dev dependency is-number" has npm is-number 7.0.0 web/package-lock.json
check "go require" has golang github.com/pkg/errors v0.9.1 svc/go.mod
check "go require x/text" has golang golang.org/x/text v0.3.7 svc/go.mod
CFG_IF=$(basename /usr/share/cargo/registry/cfg-if-* | sed 's/^cfg-if-//')
check "cargo crate from the Debian registry ($CFG_IF)" has cargo cfg-if "$CFG_IF" rust/Cargo.lock
check "the crate itself is not a dependency" jq -e 'all(.packages[]; .name != "tool")' "$J"
PIP_FIRST=$(grep -m1 '==' "$P/py/requirements.txt")
PIP_NAME=$(echo "${PIP_FIRST%%==*}" | tr 'A-Z_.' 'a-z--')
check "pip freeze line $PIP_FIRST" has pypi "$PIP_NAME" "${PIP_FIRST#*==}" py/requirements.txt
check "unpinned requirement not reported" jq -e 'all(.packages[]; .name != "requests" or .path != "py/requirements.txt")' "$J"
check "unpinned requirement noted" jq -e 'any(.warnings[]; .code == "lockfile.skipped" and (.message | contains("requests>=2")))' "$J"
PF=$(jq -r '.default | to_entries[0] | "\(.key)\t\(.value.version)"' "$P/py/Pipfile.lock")
PF_NAME=$(cut -f1 <<<"$PF" | tr 'A-Z_.' 'a-z--'); PF_VER=$(cut -f2 <<<"$PF"); PF_VER=${PF_VER#==}
check "Pipfile.lock $PF_NAME $PF_VER" has pypi "$PF_NAME" "$PF_VER" py/Pipfile.lock
check "poetry.lock PEP 503 name" has pypi backports-tarfile 1.1.1 py/poetry.lock
check "maven dependency with a parent-managed version" jq -e 'any(.packages[]; .ecosystem == "maven" and .path == "java/core/pom.xml" and .name == "org.apache.maven:maven-model")' "$J"
check "Gemfile.lock" has gem rbs 2.0.0 ruby/Gemfile.lock
check "composer.lock" has composer composer/installers dev-master php/composer.lock
check "packages.lock.json" has nuget Newtonsoft.Json 13.0.1 dotnet/packages.lock.json
check "no package through a symlink out of the tree" jq -e 'all(.packages[]; .name != "secret-pkg")' "$J"
check "nothing read inside node_modules" jq -e 'all(.packages[]; (.path | contains("node_modules")) | not)' "$J"
check "broken lockfile: warning naming it" jq -e 'any(.warnings[]; .code == "lockfile.unreadable" and (.message | contains("broken/package-lock.json")))' "$J"
check "broken lockfile: partial" jq -e '.partial == true' "$J"
check "no os.unknown warning for fs:" jq -e 'all(.warnings[]; .code != "os.unknown")' "$J"
N=$(jq '.packages | length' "$J")
((N > 60)) && pass "$N packages in all" || fail "only $N packages"

# Scopes, and --exclude-dev.
check "is-number is a dev dependency" jq -e 'any(.packages[]; .name == "is-number" and .scope == "dev")' "$J"
check "lodash is runtime" jq -e 'any(.packages[]; .name == "lodash" and (has("scope") | not))' "$J"
run_dagda nodev sbom "fs:$P" --format json --exclude-dev
[[ $RC == 0 ]] && pass "sbom --exclude-dev exits 0" || { fail "sbom --exclude-dev: exit $RC"; show_err nodev; }
check "--exclude-dev: no dev or test package" jq -e 'all(.packages[]; .scope != "dev" and .scope != "test" and .scope != "dev-optional")' "$SCRATCH/nodev.out"
check "--exclude-dev: lodash kept" jq -e 'any(.packages[]; .name == "lodash")' "$SCRATCH/nodev.out"
check "--exclude-dev: is-number left out" jq -e 'all(.packages[]; .name != "is-number")' "$SCRATCH/nodev.out"
run_dagda cdx sbom "fs:$P" --format cyclonedx
check "CycloneDX: a dev dependency is scope excluded" jq -e 'any(.components[]; .name == "is-number" and .scope == "excluded")' "$SCRATCH/cdx.out"

# The same tree as an image root (dir:) reads no lockfiles unless asked.
run_dagda dir sbom "dir:$P" --format json
check "dir: without --lockfiles: no application packages" jq -e '[.packages[] | select(.ecosystem == "npm")] | length == 0' "$SCRATCH/dir.out"
run_dagda dirlock sbom "dir:$P" --format json --lockfiles
check "dir: --lockfiles: lodash" jq -e 'any(.packages[]; .name == "lodash" and .version == "4.17.20")' "$SCRATCH/dirlock.out"
finish
