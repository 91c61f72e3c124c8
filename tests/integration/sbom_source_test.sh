#!/usr/bin/env bash
# sbom:PATH: our own CycloneDX and SPDX SBOMs of real images read back give the image's
# packages, and `scan sbom:` gives exactly the findings of scanning the image (Alpine 3.7.3
# with its secdb). The layered Debian 12 image round-trips its packages with their source
# package facts; Debian's DSA/DLA lists have no finding for its current packages, so its
# findings comparison is checked but proves little.
# Bad documents end in one clear line.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_test_images
DATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
ALPINE=$DATA/pkgdb/alpine-minirootfs/alpine-minirootfs-3.7.3-x86_64.tar.gz
SECDB=$DATA/vulndb/alpine-secdb-yaml/v3.7
DEBLISTS=("$DATA/vulndb/debian-dsa-dla/DSA.list" "$DATA/vulndb/debian-dsa-dla/DLA.list")
[[ -f $ALPINE && -d $SECDB && -f ${DEBLISTS[0]} ]] || fatal "test data missing under $DATA (set DAGDA_TESTDATA)"

rows() {  # the package facts a match depends on
  jq -r '.packages[] | [.ecosystem, .name, .version, (.arch // ""), (.source_name // ""), (.source_version // "")] | @tsv' "$1" |
    LC_ALL=C sort
}
# The vulnerability findings: an SBOM document holds packages, not the layers or image config the
# secret and config scanners read.
findings() { jq -r '.findings[] | select(.kind == "vuln") | [.package.name, .package.version, .id, (.fixed_version // "")] | @tsv' "$1" | LC_ALL=C sort; }

run_dagda alpine-db --db "$SCRATCH/alpine.db" db import "$SECDB/main.yaml" "$SECDB/community.yaml"
((RC == 0)) || fatal "db import failed: $(cat "$SCRATCH/alpine-db.err")"
run_dagda debian-db --db "$SCRATCH/debian.db" db import "${DEBLISTS[@]}"
((RC == 0)) || fatal "db import failed: $(cat "$SCRATCH/debian-db.err")"

check_image() {  # check_image NAME SOURCE DB
  local name=$1 source=$2 db=$3 fmt
  sbom_json "$name-image" "$source" || return
  run_dagda "$name-scan" --db "$db" scan "$source" --format json
  ((RC == 0)) || fail "$name: scan of the image exited $RC"
  findings "$SCRATCH/$name-scan.out" >"$SCRATCH/$name-scan.rows"
  for fmt in cyclonedx spdx; do
    run_dagda "$name-$fmt" sbom "$source" --format "$fmt" -o "$SCRATCH/$name.$fmt.json"
    ((RC == 0)) || { fail "$name: sbom --format $fmt exited $RC"; continue; }
    sbom_json "$name-from-$fmt" "sbom:$SCRATCH/$name.$fmt.json" || continue
    rows "$SCRATCH/$name-image.out" >"$SCRATCH/$name-image.rows"
    rows "$SCRATCH/$name-from-$fmt.out" >"$SCRATCH/$name-from-$fmt.rows"
    same_lines "$name: sbom:$fmt gives the image's packages (name, version, arch, source)" \
      "$SCRATCH/$name-image.rows" "$SCRATCH/$name-from-$fmt.rows"
    check "$name: sbom:$fmt knows the OS release" \
      jq -e --slurpfile img "$SCRATCH/$name-image.out" '.os.family == $img[0].os.family and .os.version_id == $img[0].os.version_id' \
      "$SCRATCH/$name-from-$fmt.out"
    run_dagda "$name-scan-$fmt" --db "$db" scan "sbom:$SCRATCH/$name.$fmt.json" --format json
    ((RC == 0)) || { fail "$name: scan sbom:$fmt exited $RC"; show_err "$name-scan-$fmt"; continue; }
    findings "$SCRATCH/$name-scan-$fmt.out" >"$SCRATCH/$name-scan-$fmt.rows"
    same_lines "$name: scan sbom:$fmt gives the findings of scanning the image" \
      "$SCRATCH/$name-scan.rows" "$SCRATCH/$name-scan-$fmt.rows"
  done
}
check_image alpine "rootfs-archive:$ALPINE" "$SCRATCH/alpine.db"
[[ -s $SCRATCH/alpine-scan.rows ]] && pass "alpine 3.7.3 has $(wc -l <"$SCRATCH/alpine-scan.rows") findings to compare" ||
  fail "alpine 3.7.3 has no finding: the comparison proves nothing"
check_image debian "docker-archive:$IMAGES/layered.docker.tar" "$SCRATCH/debian.db"
check "debian: source packages differ from binary ones in the round trip (libc6 from glibc)" \
  grep -qP '^deb\tlibc6\t.*\tglibc\t' "$SCRATCH/debian-from-spdx.rows"

# Components that cannot be matched are counted in a warning.
jq '.components += [{"type": "library", "name": "no-purl", "version": "1"},
                    {"type": "library", "name": "gh", "version": "1", "purl": "pkg:github/o/r@1"}]' \
  "$SCRATCH/alpine.cyclonedx.json" >"$SCRATCH/extra.json"
sbom_json extra "sbom:$SCRATCH/extra.json"
check "unusable components are counted in a warning" \
  jq -e 'any(.warnings[]; .code == "sbom.unusable-components" and (.message | contains("2 of")))' "$SCRATCH/extra.out"
grep -q "sbom.unusable-components" "$SCRATCH/extra.err" && pass "and the warning is on stderr" || fail "no warning on stderr"

# Bad documents: one line naming the file.
one_error() {  # one_error NAME FILE
  run_dagda "$1" sbom "sbom:$2" --format json
  if ((RC == 1)) && [[ $(grep -c '' "$SCRATCH/$1.err") == 1 ]] && grep -qF "$2" "$SCRATCH/$1.err" && [[ ! -s $SCRATCH/$1.out ]]; then
    pass "$1: $(cat "$SCRATCH/$1.err")"
  else
    fail "$1: exit $RC"
    show_err "$1"
  fi
}
head -c 5000 "$SCRATCH/alpine.cyclonedx.json" >"$SCRATCH/truncated.json"
one_error truncated "$SCRATCH/truncated.json"
echo '{"bomFormat": "CycloneDX", "specVersion": "1.2", "components": []}' >"$SCRATCH/old.json"
one_error old-cyclonedx "$SCRATCH/old.json"
echo '{"packages": []}' >"$SCRATCH/neither.json"
one_error neither "$SCRATCH/neither.json"
one_error missing "$SCRATCH/no-such.json"
cp "$IMAGES/layered.docker.tar" "$SCRATCH/not-json.json"
one_error not-json "$SCRATCH/not-json.json"
finish
