#!/usr/bin/env bash
# `dagda sbom` on real images built here with debootstrap, podman and skopeo
# (scripts/make-test-images.sh): a Debian 12 minbase base layer, a layer that purges a package
# and deletes files (whiteouts, an opaque directory), and a layer that installs one.
# Oracles: dpkg-query on the image's final dpkg database (merged by podman) and on the
# debootstrap tree; the image config's diff ids and history.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SCHEMAS=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}/schemas

need_test_images
I=$IMAGES

# ------------------------------------------------------------------ the oracles
CONFIG=$SCRATCH/config.json
image_config_json "$I/layered.docker.tar" >"$CONFIG"
mapfile -t DIFF_IDS < <(jq -r '.rootfs.diff_ids[]' "$CONFIG")
# History entries that made a layer, in layer order.
mapfile -t CREATED_BY < <(jq -r '.history[] | select(.empty_layer != true) | .created_by' "$CONFIG")
((${#DIFF_IDS[@]} == 3)) || fatal "the layered image should have 3 layers, its config lists ${#DIFF_IDS[@]}"
((${#CREATED_BY[@]} == 3)) || fatal "the layered image's history should name 3 layers, it names ${#CREATED_BY[@]}"
INSTALL_LAYER=-1
for i in "${!CREATED_BY[@]}"; do
  [[ ${CREATED_BY[$i]} == *"$INSTALL_MARKER"* ]] && INSTALL_LAYER=$i
done
((INSTALL_LAYER == 2)) || fatal "no history entry carries '$INSTALL_MARKER'"
[[ ${CREATED_BY[1]} == *"$PURGE_MARKER"* ]] || fatal "history entry 1 should carry '$PURGE_MARKER'"

BASE_ROWS=$SCRATCH/base.rows
FINAL_ROWS=$SCRATCH/final.rows
dpkg_rows "$I/debian-rootfs/var/lib/dpkg" >"$BASE_ROWS"
dpkg_rows "$I/layered.admindir" >"$FINAL_ROWS"
for p in $PURGED; do
  grep -q "^$p	" "$BASE_ROWS" || fatal "purged package $p is not in the base image; the test would prove nothing"
  ! grep -q "^$p	" "$FINAL_ROWS" || fatal "purged package $p is still in the final dpkg database"
done
for p in $INSTALLED; do
  grep -q "^$p	" "$FINAL_ROWS" || fatal "installed package $p is missing from the final dpkg database"
done

# Expected attribution: a package whose (name, version, arch) the base already had comes from
# layer 0, any other from the install layer. Columns: name, version, layer index, diff id, created_by.
EXPECTED_ATTR=$SCRATCH/attribution.expected
python3 - "$BASE_ROWS" "$FINAL_ROWS" "$CONFIG" "$INSTALL_LAYER" >"$EXPECTED_ATTR" <<'PY'
import json, sys
base_rows, final_rows, config_path, install = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
config = json.load(open(config_path))
diff_ids = config["rootfs"]["diff_ids"]
created = [h.get("created_by", "") for h in config["history"] if not h.get("empty_layer")]
key = lambda line: tuple(line.split("\t")[:3])
base = {key(l) for l in open(base_rows).read().splitlines()}
out = []
for line in open(final_rows).read().splitlines():
    name, version = line.split("\t")[:2]
    layer = 0 if key(line) in base else install
    out.append("\t".join([name, version, str(layer), diff_ids[layer], created[layer]]))
print("\n".join(sorted(out)))
PY
grep -qP "\t$INSTALL_LAYER\t" "$EXPECTED_ATTR" || fatal "the oracle attributes nothing to the install layer"

attribution_rows() {
  jq -r '.packages[] | [.name, .version, (.layer_index // -1 | tostring), (.layer // ""), (.created_by // "")] | @tsv' "$1" |
    LC_ALL=C sort
}

# What must not differ between the formats of one image.
comparable() {
  jq -S '{os, packages, partial, layers: [.source.layers[] | {index, diff_id, created_by}]}' "$1"
}

# ------------------------------------------------------------------ the layered image
# A zstd-compressed docker archive, made here from the real one.
zstd -q -1 -T0 "$I/layered.docker.tar" -o "$SCRATCH/layered.docker.tar.zst"

declare -A KIND=(
  [docker]="docker-archive:$I/layered.docker.tar|docker-archive"
  [oci_archive]="oci-archive:$I/layered.oci.tar|oci-archive"
  [oci_dir]="oci-dir:$I/layered.oci-dir|oci-dir"
  [oci_gzip]="oci-dir:$I/layered.oci-gzip|oci-dir"
  [oci_zstd]="oci-dir:$I/layered.oci-zstd#latest|oci-dir"
  [oci_plain]="oci-dir:$I/layered.oci-plain|oci-dir"
  [bare_docker]="$I/layered.docker.tar|docker-archive"
  [bare_docker_zst]="$SCRATCH/layered.docker.tar.zst|docker-archive"
  [bare_oci_archive]="$I/layered.oci.tar|oci-archive"
  [bare_oci_dir]="$I/layered.oci-zstd|oci-dir"
)
REFERENCE=
for name in docker oci_archive oci_dir oci_gzip oci_zstd oci_plain bare_docker bare_docker_zst bare_oci_archive bare_oci_dir; do
  source=${KIND[$name]%|*}
  kind=${KIND[$name]#*|}
  sbom_json "$name" "$source" || continue
  out=$SCRATCH/$name.out

  check "$name: source kind is $kind" jq -e --arg k "$kind" '.source.kind == $k' "$out"
  check "$name: not partial, no warnings" jq -e '.partial == false and (.warnings | length) == 0' "$out"
  check "$name: OS is Debian 12 bookworm" \
    jq -e '.os.family == "debian" and .os.version_id == "12" and .os.codename == "bookworm"' "$out"

  pkg_rows "$out" >"$SCRATCH/$name.rows"
  same_lines "$name: packages equal dpkg-query on the image's final dpkg database" "$FINAL_ROWS" "$SCRATCH/$name.rows"
  for p in $PURGED; do
    check "$name: purged package $p is absent" jq -e --arg p "$p" '[.packages[] | select(.name == $p)] | length == 0' "$out"
  done
  for p in $INSTALLED; do
    check "$name: $p is attributed to the install layer ${DIFF_IDS[$INSTALL_LAYER]:7:12} by 'apt-get install'" \
      jq -e --arg p "$p" --arg d "${DIFF_IDS[$INSTALL_LAYER]}" --arg m "$INSTALL_MARKER" --argjson i "$INSTALL_LAYER" \
      '[.packages[] | select(.name == $p)] | length == 1 and all(.layer == $d and .layer_index == $i
         and (.created_by | contains($m) and contains("apt-get install")))' "$out"
  done
  check "$name: every package is deb with a pkg:deb/debian purl, its arch and var/lib/dpkg/status" \
    jq -e 'all(.packages[]; . as $p | .ecosystem == "deb" and ($p.purl | startswith(@uri "pkg:deb/debian/\($p.name)@"))
             and ($p.purl | contains("arch=\($p.arch)")) and .path == "var/lib/dpkg/status")' "$out"

  # Licenses from usr/share/doc/NAME/copyright. The purge layer makes usr/share/doc opaque, hiding the
  # base layer's copyright files: only the packages the install layer brings (jq and its libraries) have
  # theirs in the final image, and exactly those have a license.
  check "$name: a license (and its SPDX form) exactly for the packages whose copyright file survives" \
    jq -e --argjson i "$INSTALL_LAYER" 'all(.packages[]; ((.license // "") != "" and (.license_spdx // "") != "")
         == (.layer_index == $i)) and any(.packages[]; .layer_index == $i)' "$out"

  attribution_rows "$out" >"$SCRATCH/$name.attr"
  same_lines "$name: each package's layer, diff id and created_by (base layer vs install layer)" \
    "$EXPECTED_ATTR" "$SCRATCH/$name.attr"

  jq -r '.source.layers[] | [.index, .diff_id, .created_by] | @tsv' "$out" >"$SCRATCH/$name.layers"
  for i in 0 1 2; do printf '%s\t%s\t%s\n' "$i" "${DIFF_IDS[$i]}" "${CREATED_BY[$i]}"; done >"$SCRATCH/layers.expected"
  same_lines "$name: source.layers carry the config's diff ids and history" "$SCRATCH/layers.expected" "$SCRATCH/$name.layers"

  comparable "$out" >"$SCRATCH/$name.cmp"
  if [[ -z $REFERENCE ]]; then
    REFERENCE=$name
  else
    same_lines "$name: same inventory as $REFERENCE" "$SCRATCH/$REFERENCE.cmp" "$SCRATCH/$name.cmp"
  fi
done

# The layer digests of an OCI layout are the manifest's blob digests (compressed).
oci_layer_digests() {
  local dir=$1 manifest
  manifest=$(jq -r '.manifests[0].digest | sub("sha256:"; "")' "$dir/index.json")
  jq -r '.layers[].digest' "$dir/blobs/sha256/$manifest"
}
if [[ -s $SCRATCH/oci_gzip.out ]]; then
  oci_layer_digests "$I/layered.oci-gzip" >"$SCRATCH/oci_gzip.digests.expected"
  jq -r '.source.layers[].digest' "$SCRATCH/oci_gzip.out" >"$SCRATCH/oci_gzip.digests"
  same_lines "oci_gzip: source.layers[].digest are the manifest's gzip blob digests" \
    "$SCRATCH/oci_gzip.digests.expected" "$SCRATCH/oci_gzip.digests"
fi

# The purge layer really holds whiteouts and an opaque directory (the test's premise).
purge_layer=$(tar -xOf "$I/layered.docker.tar" manifest.json | jq -r '.[0].Layers[1]')
tar -xOf "$I/layered.docker.tar" "$purge_layer" | tar -t >"$SCRATCH/purge-layer.list"
check "the purge layer holds whiteouts" grep -q '/\.wh\.[^.]' "$SCRATCH/purge-layer.list"
check "the purge layer holds an opaque directory" grep -q '/\.wh\.\.wh\.\.opq$' "$SCRATCH/purge-layer.list"
check "the opaque directory is usr/share/doc (the base layer's copyright files are hidden)" \
  grep -qx 'usr/share/doc/\.wh\.\.wh\.\.opq' "$SCRATCH/purge-layer.list"
check "usr/share/doc/README.dagda (written after the opaque marker) is in the purge layer" \
  grep -qx 'usr/share/doc/README.dagda' "$SCRATCH/purge-layer.list"

# ------------------------------------------------------------------ other formats, -o, cache, threads
if [[ -s $SCRATCH/docker.out ]]; then
  jq -r '.packages[].purl' "$SCRATCH/docker.out" | LC_ALL=C sort >"$SCRATCH/purls.json"

  run_dagda cdx sbom "docker-archive:$I/layered.docker.tar" --format cyclonedx
  if ((RC == 0)); then
    jq -r '.. | objects | select(has("purl")) | .purl' "$SCRATCH/cdx.out" | LC_ALL=C sort -u >"$SCRATCH/purls.cdx"
    same_lines "cyclonedx: the same purls as the JSON inventory" "$SCRATCH/purls.json" "$SCRATCH/purls.cdx"
    check "cyclonedx: valid against the official schema (licenses, LicenseRef- expressions)" \
      /usr/bin/python3 "$DAGDA_SOURCE_DIR/tests/unit/report/validate_sbom.py" "$SCHEMAS" cyclonedx-1.6 "$SCRATCH/cdx.out"
    check "cyclonedx: the distro on the scanned image's component" \
      jq -e '[.metadata.component.properties[] | select(.name == "dagda:os:family" or .name == "dagda:os:version_id")
              | .value] == ["debian", "12"]' "$SCRATCH/cdx.out"
  else
    fail "cyclonedx: dagda sbom exited $RC"
    show_err cdx
  fi

  run_dagda spdx sbom "docker-archive:$I/layered.docker.tar" --format spdx
  if ((RC == 0)); then
    jq -r '.packages[].externalRefs[]? | select(.referenceType == "purl") | .referenceLocator' "$SCRATCH/spdx.out" |
      LC_ALL=C sort -u >"$SCRATCH/purls.spdx"
    same_lines "spdx: the same purls as the JSON inventory" "$SCRATCH/purls.json" "$SCRATCH/purls.spdx"
    check "spdx: valid against the official schema, every LicenseRef- declared" \
      /usr/bin/python3 "$DAGDA_SOURCE_DIR/tests/unit/report/validate_sbom.py" "$SCHEMAS" spdx-2.3 "$SCRATCH/spdx.out"
  else
    fail "spdx: dagda sbom exited $RC"
    show_err spdx
  fi

  run_dagda table sbom "docker-archive:$I/layered.docker.tar"
  if ((RC == 0)); then
    missing=0
    while IFS=$'\t' read -r name version _; do
      grep -F -- "$name" "$SCRATCH/table.out" | grep -qF -- "$version" || { missing=1; echo "      not in table: $name $version"; }
    done <"$FINAL_ROWS"
    check "table: every package appears with its version" test "$missing" -eq 0
  else
    fail "table: dagda sbom exited $RC"
    show_err table
  fi

  run_dagda to_file sbom "docker-archive:$I/layered.docker.tar" --format json -o "$SCRATCH/written.json"
  check "-o FILE: exit 0, nothing on stdout, the same document as stdout" \
    bash -c '(( '"$RC"' == 0 )) && [[ ! -s "$1" ]] && cmp -s "$2" "$3"' _ "$SCRATCH/to_file.out" "$SCRATCH/written.json" "$SCRATCH/docker.out"

  run_dagda again sbom "docker-archive:$I/layered.docker.tar" --format json
  check "a second run with the same cache gives the same document" cmp -s "$SCRATCH/again.out" "$SCRATCH/docker.out"

  run_dagda one_thread sbom "oci-dir:$I/layered.oci-gzip" --format json --threads 1
  check "--threads 1 gives the same inventory as the default" \
    cmp -s <(comparable "$SCRATCH/one_thread.out" 2>/dev/null) "$SCRATCH/docker.cmp"
fi

# ------------------------------------------------------------------ the debootstrap tree
dpkg_rows "$I/debian-rootfs/var/lib/dpkg" >"$SCRATCH/rootfs.expected"
declare -A ROOTFS=(
  [dir]="dir:$I/debian-rootfs|dir"
  [rootfs_tar]="rootfs-archive:$I/debian-rootfs.tar|rootfs-archive"
  [rootfs_zst]="rootfs-archive:$I/debian-rootfs.tar.zst|rootfs-archive"
  [bare_dir]="$I/debian-rootfs|dir"
  [bare_rootfs_zst]="$I/debian-rootfs.tar.zst|rootfs-archive"
)
for name in dir rootfs_tar rootfs_zst bare_dir bare_rootfs_zst; do
  source=${ROOTFS[$name]%|*}
  kind=${ROOTFS[$name]#*|}
  sbom_json "$name" "$source" || continue
  out=$SCRATCH/$name.out
  check "$name: source kind is $kind" jq -e --arg k "$kind" '.source.kind == $k' "$out"
  check "$name: not partial" jq -e '.partial == false' "$out"
  check "$name: OS is Debian 12 bookworm" \
    jq -e '.os.family == "debian" and .os.version_id == "12" and .os.codename == "bookworm"' "$out"
  pkg_rows "$out" >"$SCRATCH/$name.rows"
  same_lines "$name: packages equal dpkg-query on the debootstrap tree" "$SCRATCH/rootfs.expected" "$SCRATCH/$name.rows"
  # The tree keeps its documentation: a license exactly for the packages with a copyright file there.
  (cd "$I/debian-rootfs/usr/share/doc" && for d in *; do [[ -e $d/copyright ]] && echo "$d"; done) | LC_ALL=C sort \
    >"$SCRATCH/$name.with-copyright"
  jq -r '.packages[] | select((.license // "") != "" and (.license_spdx // "") != "") | .name' "$out" | LC_ALL=C sort -u \
    >"$SCRATCH/$name.licensed"
  jq -r '.packages[].name' "$out" | LC_ALL=C sort -u | LC_ALL=C comm -12 - "$SCRATCH/$name.with-copyright" \
    >"$SCRATCH/$name.expected-licensed"
  same_lines "$name: a license for every package with a copyright file" "$SCRATCH/$name.expected-licensed" \
    "$SCRATCH/$name.licensed"
done

finish
