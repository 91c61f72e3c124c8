#!/usr/bin/env bash
# Bad input through the real binary (issue 2, item 8): a missing file, something that is not an
# image, a truncated tar, a digest mismatch, an absolute or ../ path in a layer, a symlink loop,
# an image whose OS is unknown, a corrupt dpkg/apk/rpm database, and a giant file.
#
# Every input is made here from real files: the images and debootstrap tree that
# scripts/make-test-images.sh builds, the real databases in ../shared/data, host binaries.
# Each case must end, within a time bound, either
#   - with exit status 1, nothing on stdout and exactly one line on stderr naming the file, or
#   - (where the case allows it) with exit 0 and a JSON inventory whose warnings name the file
#     (and that is marked "partial" when packages may be missing);
# never with a crash (a signal), a hang, or a file written anywhere but the cache directory.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_test_images
TESTDATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
[[ -d $TESTDATA/pkgdb ]] || fatal "no test data at $TESTDATA (set DAGDA_TESTDATA)"
ROOTFS=$IMAGES/debian-rootfs

# Everything under AREA is watched: inputs, HOME, TMPDIR and the working directory. Only
# AREA/env/cache (DAGDA_CACHE_DIR) may change during a run.
AREA=$SCRATCH/area
IN=$AREA/inputs
export DAGDA_ENV_ROOT=$AREA/env
mkdir -p "$IN" "$AREA/cwd" "$DAGDA_ENV_ROOT"/{home,cache,tmp}
cd "$AREA/cwd" || exit 1

snapshot() {
  find "$AREA" -path "$DAGDA_ENV_ROOT/cache" -prune -o -printf '%P\t%y\t%s\t%T@\n' | LC_ALL=C sort
}

# bad_case NAME MODE NAMES SOURCE [ARGS...]
#   MODE error            exit 1 only
#        error_or_partial exit 1, or exit 0 with "partial": true and a warning naming the file
#        error_or_warning exit 1, or exit 0 with a warning naming the file
#   NAMES  '|'-separated strings; the error line or a warning must contain one of them.
bad_case() {
  local name=$1 mode=$2 names=$3 source=$4
  shift 4
  local before after named=0 n
  before=$(snapshot)
  run_dagda "$name" sbom "$source" --format json "$@"
  after=$(snapshot)
  local err=$SCRATCH/$name.err out=$SCRATCH/$name.out what="$name ($source)"

  if [[ $before != "$after" ]]; then
    fail "$what: wrote outside the cache directory"
    diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -n 10 | sed 's/^/      /'
  fi
  if ((RC == 124 || RC == 137)); then
    fail "$what: no answer within ${DAGDA_TIMEOUT}s (hang)"
    return
  fi
  if ((RC > 128)); then
    fail "$what: killed by signal $((RC - 128)) (crash)"
    show_err "$name"
    return
  fi
  local -a wanted
  IFS='|' read -r -a wanted <<<"$names"

  if ((RC == 1)); then
    n=$(grep -c '' "$err" || true)
    for s in "${wanted[@]}"; do grep -qF -- "$s" "$err" && named=1; done
    if ((n != 1)); then
      fail "$what: exit 1 with $n lines on stderr, expected exactly one"
      show_err "$name"
    elif [[ -s $out ]]; then
      fail "$what: exit 1 but something was printed on stdout"
    elif ((!named)); then
      fail "$what: the error does not name the file (any of: $names)"
      show_err "$name"
    else
      pass "$what: exit 1: $(cat "$err")"
    fi
    return
  fi
  if ((RC != 0)); then
    fail "$what: exit status $RC (expected 1)"
    show_err "$name"
    return
  fi
  if [[ $mode == error ]]; then
    fail "$what: accepted (exit 0), expected an error"
    return
  fi
  if ! jq -e '.schema == "dagda.sbom/v1"' "$out" >/dev/null 2>&1; then
    fail "$what: exit 0 without a dagda.sbom/v1 document"
    return
  fi
  for s in "${wanted[@]}"; do
    jq -e --arg s "$s" 'any(.warnings[]; ((.file // "") + " " + .message) | contains($s))' "$out" >/dev/null && named=1
  done
  if ((!named)); then
    fail "$what: exit 0 and no warning names the file (any of: $names)"
    jq -c '.warnings' "$out" | head -c 600 | sed 's/^/      warnings: /'
    echo
    return
  fi
  if [[ $mode == error_or_partial ]] && ! jq -e '.partial == true' "$out" >/dev/null; then
    fail "$what: exit 0 with a warning but not marked \"partial\": true"
    return
  fi
  if [[ ! -s $err ]] || grep -qv '^dagda: ' "$err"; then
    fail "$what: exit 0 with warnings, but stderr is not only 'dagda: ' lines"
    show_err "$name"
    return
  fi
  pass "$what: exit 0, $(jq -r '"partial=\(.partial)"' "$out"), warning: $(jq -r '.warnings[0] | "\(.code): \(.message)"' "$out" | head -c 200)"
}

# --- helpers that make inputs from real files --------------------------------------------------

# layer_tar SRC_DIR OUT: a layer tar of a directory, entries without a ./ prefix.
layer_tar() {
  local src=$1 out=$2 entries
  mapfile -t entries < <(ls -A "$src")
  tar -C "$src" --numeric-owner --sort=name -cf "$out" -- "${entries[@]}"
}

# flip_byte FILE OFFSET: inverts the bits of one byte in place.
flip_byte() {
  python3 - "$1" "$2" <<'PY'
import sys
path, off = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(off)
    b = f.read(1)
    f.seek(off)
    f.write(bytes([b[0] ^ 0xFF]))
PY
}

# splice FILE OFFSET SOURCE: overwrites 4 KiB of FILE at OFFSET with bytes of a real binary.
splice() {
  dd if="$3" of="$1" bs=1 seek="$2" skip=8192 count=4096 conv=notrunc status=none
}

# A root with the real os-release and dpkg database of the debootstrap tree.
debian_root() {
  local dst=$1
  mkdir -p "$dst/etc" "$dst/var/lib/dpkg"
  cp "$ROOTFS/usr/lib/os-release" "$dst/etc/os-release"
  cp "$ROOTFS/var/lib/dpkg/status" "$dst/var/lib/dpkg/status"
}

largest_blob() { ls -S "$1"/blobs/sha256/* | head -n 1; }

# --- 1. missing files ---------------------------------------------------------------------------
bad_case missing_bare error "does-not-exist.tar" "$IN/does-not-exist.tar"
bad_case missing_docker error "missing.tar" "docker-archive:$IN/missing.tar"
bad_case missing_oci_archive error "missing-oci.tar" "oci-archive:$IN/missing-oci.tar"
bad_case missing_oci_dir error "missing-layout" "oci-dir:$IN/missing-layout"
bad_case missing_dir error "missing-root" "dir:$IN/missing-root"
bad_case missing_rootfs error "missing-rootfs.tar.gz" "rootfs-archive:$IN/missing-rootfs.tar.gz"

# --- 2. not an image ----------------------------------------------------------------------------
cp /usr/bin/true "$IN/true-binary"
cp "$ROOTFS/usr/lib/os-release" "$IN/os-release.txt"
gzip -c "$IN/os-release.txt" >"$IN/os-release.gz"
: >"$IN/empty.tar"
mkdir -p "$IN/empty-layout" "$IN/not-layout"
cp "$ROOTFS/usr/lib/os-release" "$ROOTFS/etc/debian_version" "$IN/not-layout/"
layer_tar "$ROOTFS/etc/apt" "$IN/etc-apt.tar"
bad_case not_image_elf error "true-binary" "$IN/true-binary"
bad_case not_image_text_docker error "os-release.txt" "docker-archive:$IN/os-release.txt"
bad_case not_image_gzip_oci error "os-release.gz" "oci-archive:$IN/os-release.gz"
bad_case not_image_empty error "empty.tar" "$IN/empty.tar"
bad_case not_image_empty_docker error "empty.tar" "docker-archive:$IN/empty.tar"
bad_case not_image_plain_tar_docker error "etc-apt.tar" "docker-archive:$IN/etc-apt.tar"
bad_case not_image_plain_tar_oci error "etc-apt.tar" "oci-archive:$IN/etc-apt.tar"
bad_case not_image_empty_layout error "empty-layout" "oci-dir:$IN/empty-layout"
bad_case not_image_not_layout error "not-layout" "oci-dir:$IN/not-layout"
bad_case not_image_file_as_dir error "os-release.txt" "dir:$IN/os-release.txt"

# --- 3. truncated tars --------------------------------------------------------------------------
size=$(stat -c %s "$IMAGES/layered.docker.tar")
head -c $((size * 2 / 5)) "$IMAGES/layered.docker.tar" >"$IN/truncated.docker.tar"
bad_case truncated_docker error "truncated.docker.tar" "docker-archive:$IN/truncated.docker.tar"
bad_case truncated_docker_bare error "truncated.docker.tar" "$IN/truncated.docker.tar"

# The same archive with manifest.json and the config first, cut inside the last layer: the
# manifest reads fine and the layer ends early.
python3 - "$IMAGES/layered.docker.tar" "$IN/manifest-first.docker.tar" <<'PY'
import sys, tarfile
src, dst = sys.argv[1], sys.argv[2]
with tarfile.open(src) as t, tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as out:
    members = t.getmembers()
    first = [m for m in members if m.name.endswith(".json")]
    rest = [m for m in members if not m.name.endswith(".json")]
    for m in first + rest:
        out.addfile(m, t.extractfile(m) if m.isfile() else None)
PY
python3 - "$IN/manifest-first.docker.tar" "$IN/cut-layer.docker.tar" <<'PY'
import json, sys, tarfile
src, dst = sys.argv[1], sys.argv[2]
with tarfile.open(src) as t:
    manifest = json.load(t.extractfile("manifest.json"))
    base = t.getmember(manifest[0]["Layers"][0])
    cut = base.offset_data + base.size // 2
with open(src, "rb") as f, open(dst, "wb") as out:
    out.write(f.read(cut))
PY
bad_case truncated_docker_in_layer error "cut-layer.docker.tar" "docker-archive:$IN/cut-layer.docker.tar"

size=$(stat -c %s "$IMAGES/layered.oci.tar")
head -c $((size * 3 / 5)) "$IMAGES/layered.oci.tar" >"$IN/truncated.oci.tar"
bad_case truncated_oci_archive error "truncated.oci.tar" "oci-archive:$IN/truncated.oci.tar"

cp -a "$IMAGES/layered.oci-gzip" "$IN/truncated-blob.oci"
blob=$(largest_blob "$IN/truncated-blob.oci")
truncate -s $(($(stat -c %s "$blob") / 2)) "$blob"
bad_case truncated_oci_blob error "$(basename "$blob" | cut -c1-12)|truncated-blob.oci" "oci-dir:$IN/truncated-blob.oci"
rm -rf "$IN/truncated-blob.oci"

size=$(stat -c %s "$IMAGES/debian-rootfs.tar.zst")
head -c $((size / 2)) "$IMAGES/debian-rootfs.tar.zst" >"$IN/truncated-rootfs.tar.zst"
bad_case truncated_rootfs_zst error_or_partial "truncated-rootfs.tar.zst" "rootfs-archive:$IN/truncated-rootfs.tar.zst"
# Cut inside a file's data (not on a header boundary) in the middle of the plain rootfs tar.
size=$(stat -c %s "$IMAGES/debian-rootfs.tar")
head -c $((size / 2 / 512 * 512 + 100)) "$IMAGES/debian-rootfs.tar" >"$IN/truncated-rootfs.tar"
bad_case truncated_rootfs_tar error_or_partial "truncated-rootfs.tar" "rootfs-archive:$IN/truncated-rootfs.tar"

# --- 4. digest mismatches -----------------------------------------------------------------------
cp -a "$IMAGES/layered.oci-gzip" "$IN/flipped-layer.oci"
blob=$(largest_blob "$IN/flipped-layer.oci")
flip_byte "$blob" $(($(stat -c %s "$blob") / 2))
bad_case digest_oci_layer error "$(basename "$blob" | cut -c1-12)" "oci-dir:$IN/flipped-layer.oci"
rm -rf "$IN/flipped-layer.oci"

cp -a "$IMAGES/layered.oci-gzip" "$IN/flipped-config.oci"
manifest=$(jq -r '.manifests[0].digest | sub("sha256:"; "")' "$IN/flipped-config.oci/index.json")
config=$(jq -r '.config.digest | sub("sha256:"; "")' "$IN/flipped-config.oci/blobs/sha256/$manifest")
sed -i 's/"amd64"/"amd65"/' "$IN/flipped-config.oci/blobs/sha256/$config"  # still valid JSON
bad_case digest_oci_config error "${config:0:12}" "oci-dir:$IN/flipped-config.oci"
rm -rf "$IN/flipped-config.oci"

# One byte of a file's contents inside a layer of a docker archive: the tars stay well formed,
# only the diff id (the config's rootfs.diff_ids) can tell.
cp "$IMAGES/layered.docker.tar" "$IN/flipped.docker.tar"
read -r offset layer_name < <(python3 - "$IN/flipped.docker.tar" <<'PY'
import json, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    manifest = json.load(t.extractfile("manifest.json"))
    member = t.getmember(manifest[0]["Layers"][0])
    with tarfile.open(fileobj=t.extractfile(member)) as layer:
        inner = next(m for m in layer if m.isfile() and m.size > 4096)
    print(member.offset_data + inner.offset_data + inner.size // 2, member.name)
PY
)
flip_byte "$IN/flipped.docker.tar" "$offset"
bad_case digest_docker_layer error "${layer_name:0:12}|flipped.docker.tar" "docker-archive:$IN/flipped.docker.tar"
rm -f "$IN/flipped.docker.tar"

# --- 5. absolute and ../ paths in a layer ---------------------------------------------------------
# hostile_layer OUT NAME...: a layer with the real os-release and dpkg status, plus a copy of
# a real file under each hostile NAME.
hostile_layer() {
  python3 - "$ROOTFS" "$@" <<'PY'
import sys, tarfile
rootfs, out, names = sys.argv[1], sys.argv[2], sys.argv[3:]
with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
    t.add(rootfs + "/usr/lib/os-release", arcname="etc/os-release")
    t.add(rootfs + "/var/lib/dpkg/status", arcname="var/lib/dpkg/status")
    for name in names:
        info = t.gettarinfo(rootfs + "/usr/share/doc/bash/copyright", arcname="x")
        info.name = name  # set after gettarinfo, which would strip a leading '/' or '../'
        with open(rootfs + "/usr/share/doc/bash/copyright", "rb") as f:
            t.addfile(info, f)
PY
}
mkdir -p "$SCRATCH/layers"
hostile_layer "$SCRATCH/layers/absolute.tar" "$AREA/escaped-absolute"
make_oci_layout "$IN/absolute.oci" "$SCRATCH/layers/absolute.tar"
bad_case absolute_path error_or_warning "escaped-absolute" "oci-dir:$IN/absolute.oci"

hostile_layer "$SCRATCH/layers/dotdot.tar" "../../../../../../../../../../..$AREA/escaped-dotdot"
make_oci_layout "$IN/dotdot.oci" "$SCRATCH/layers/dotdot.tar"
bad_case dotdot_path error_or_warning "escaped-dotdot" "oci-dir:$IN/dotdot.oci"

hostile_layer "$SCRATCH/layers/dotdot-mid.tar" "usr/share/../../../../../../../../../..$AREA/escaped-mid"
gzip -k "$SCRATCH/layers/dotdot-mid.tar"
make_oci_layout "$IN/dotdot-mid.oci" "$SCRATCH/layers/dotdot-mid.tar.gz"
bad_case dotdot_mid_path error_or_warning "escaped-mid" "oci-dir:$IN/dotdot-mid.oci"

# In a docker archive too (the same layer, saved with podman's own base layer beneath it).
mkdir -p "$SCRATCH/docker-abs"
(
  cd "$SCRATCH/docker-abs" || exit 1
  tar -xf "$IMAGES/layered.docker.tar"
  base=$(jq -r '.[0].Layers[0]' manifest.json)
  cfg=$(jq -r '.[0].Config' manifest.json)
  cp "$SCRATCH/layers/dotdot.tar" hostile.tar
  # manifest and config for [base, hostile], with the real diff ids.
  python3 - "$base" "$cfg" <<'PY'
import hashlib, json, sys
base, cfg = sys.argv[1], sys.argv[2]
config = json.load(open(cfg))
h = lambda p: "sha256:" + hashlib.sha256(open(p, "rb").read()).hexdigest()
config["rootfs"]["diff_ids"] = [h(base), h("hostile.tar")]
config["history"] = [config["history"][0], {"created_by": "hostile layer"}]
data = json.dumps(config).encode()
name = hashlib.sha256(data).hexdigest() + ".json"
open(name, "wb").write(data)
json.dump([{"Config": name, "RepoTags": [], "Layers": [base, "hostile.tar"]}], open("manifest.json", "w"))
PY
  tar -cf "$IN/dotdot.docker.tar" manifest.json "$(jq -r '.[0].Config' manifest.json)" "$base" hostile.tar
)
rm -rf "$SCRATCH/docker-abs"
bad_case dotdot_docker error_or_warning "escaped-dotdot" "docker-archive:$IN/dotdot.docker.tar"

# --- 6. symlink loops, and links that point out of the image ----------------------------------------
# A real tree made with ln -s: os-release and the dpkg status loop; dpkg's info dir is itself.
make_loop_tree() {
  local t=$1
  mkdir -p "$t/etc" "$t/usr/lib" "$t/var/lib/dpkg"
  ln -s os-release.2 "$t/etc/os-release"
  ln -s os-release "$t/etc/os-release.2"
  ln -s ../../etc/os-release "$t/usr/lib/os-release"
  ln -s status "$t/var/lib/dpkg/status"
  ln -s . "$t/var/lib/dpkg/info"
  ln -s ../var/lib "$t/usr/lib/varlib"
  ln -s ../../usr/lib/varlib "$t/var/lib/loop"
}
make_loop_tree "$SCRATCH/loop-tree"
layer_tar "$SCRATCH/loop-tree" "$SCRATCH/layers/loop.tar"
make_oci_layout "$IN/loop.oci" "$SCRATCH/layers/loop.tar"
bad_case symlink_loop_layer error_or_warning "os-release|var/lib/dpkg/status" "oci-dir:$IN/loop.oci"
make_loop_tree "$IN/loop-root"
bad_case symlink_loop_dir error_or_warning "os-release|var/lib/dpkg/status" "dir:$IN/loop-root"

# Links whose targets lie outside the image root, towards a real os-release and dpkg database
# that only the host has (in AREA). Whatever the outcome, those must never be read.
mkdir -p "$IN/host-secret"
sed 's/^ID=.*/ID=leakedhost/' "$ROOTFS/usr/lib/os-release" >"$IN/host-secret/os-release"
cp "$TESTDATA/pkgdb/dpkg-status/debian-trixie-minbase.status" "$IN/host-secret/status"
escape_tree() {
  local t=$1
  mkdir -p "$t/etc" "$t/var/lib/dpkg"
  ln -s "../../../../../../../../../..$IN/host-secret/os-release" "$t/etc/os-release"
  ln -s "$IN/host-secret/status" "$t/var/lib/dpkg/status"
}
escape_tree "$IN/escape-root"
escape_tree "$SCRATCH/escape-tree"
layer_tar "$SCRATCH/escape-tree" "$SCRATCH/layers/escape.tar"
# A hard link to a path outside the root, too.
python3 - "$SCRATCH/layers/escape.tar" "$IN/host-secret/status" <<'PY'
import sys, tarfile
path, target = sys.argv[1], sys.argv[2]
with tarfile.open(path, "a") as t:
    info = tarfile.TarInfo("var/lib/dpkg/status.d/escape")
    info.type = tarfile.LNKTYPE
    info.linkname = "../../../../../../../.." + target
    t.addfile(info)
PY
make_oci_layout "$IN/escape.oci" "$SCRATCH/layers/escape.tar"
for src in "dir:$IN/escape-root" "oci-dir:$IN/escape.oci"; do
  name=escape_${src%%:*}
  name=${name//-/_}
  run_dagda "$name" sbom "$src" --format json
  if ((RC == 124 || RC == 137 || RC > 128)); then
    fail "$name ($src): exit $RC (hang or crash)"
  elif grep -q leakedhost "$SCRATCH/$name.out" || jq -e '(.packages | length) > 0' "$SCRATCH/$name.out" >/dev/null 2>&1; then
    fail "$name ($src): read a file outside the image root through a link"
  else
    pass "$name ($src): links out of the root are not followed on the host (exit $RC)"
  fi
done

# --- 7. an OS nobody can tell -------------------------------------------------------------------
mkdir -p "$SCRATCH/no-os/usr/bin" "$SCRATCH/no-os/usr/share/doc/bash"
cp "$ROOTFS/usr/bin/bash" "$SCRATCH/no-os/usr/bin/"
cp "$ROOTFS/usr/share/doc/bash/copyright" "$SCRATCH/no-os/usr/share/doc/bash/"
layer_tar "$SCRATCH/no-os" "$SCRATCH/layers/no-os.tar"
make_oci_layout "$IN/no-os.oci" "$SCRATCH/layers/no-os.tar"
bad_case unknown_os error_or_warning "os|OS" "oci-dir:$IN/no-os.oci"
if [[ -s $SCRATCH/unknown_os.out ]]; then
  check "unknown_os: the inventory has no OS and no packages" jq -e '.os == null and (.packages | length) == 0' "$SCRATCH/unknown_os.out"
fi

# os-release that is binary junk (the start of a real ELF file), beside a good dpkg database.
debian_root "$IN/junk-os-release"
head -c 65536 "$ROOTFS/usr/bin/bash" >"$IN/junk-os-release/etc/os-release"
bad_case junk_os_release error_or_warning "os-release" "dir:$IN/junk-os-release"

# --- 8. corrupt package databases ---------------------------------------------------------------
# dpkg: cut just after a "Package:" line, so the last stanza has no Status or Version.
debian_root "$IN/dpkg-cut"
python3 - "$IN/dpkg-cut/var/lib/dpkg/status" <<'PY'
import sys
path = sys.argv[1]
data = open(path, "rb").read()
at = data.index(b"\nPackage: ", len(data) // 2)
at = data.index(b"\n", at + 1)  # the end of that Package: line
open(path, "wb").write(data[: at + len(b"\nStat")])
PY
bad_case dpkg_truncated error_or_partial "var/lib/dpkg/status" "dir:$IN/dpkg-cut"

debian_root "$IN/dpkg-junk"
splice "$IN/dpkg-junk/var/lib/dpkg/status" $(($(stat -c %s "$IN/dpkg-junk/var/lib/dpkg/status") / 2)) /usr/bin/bash
bad_case dpkg_junk error_or_partial "var/lib/dpkg/status" "dir:$IN/dpkg-junk"

debian_root "$SCRATCH/dpkg-junk-layer"
cp -a "$IN/dpkg-junk/var/lib/dpkg/status" "$SCRATCH/dpkg-junk-layer/var/lib/dpkg/status"
layer_tar "$SCRATCH/dpkg-junk-layer" "$SCRATCH/layers/dpkg-junk.tar"
zstd -q "$SCRATCH/layers/dpkg-junk.tar"
make_oci_layout "$IN/dpkg-junk.oci" "$SCRATCH/layers/dpkg-junk.tar.zst"
bad_case dpkg_junk_layer error_or_partial "var/lib/dpkg/status" "oci-dir:$IN/dpkg-junk.oci"

debian_root "$IN/dpkg-statusd"
mkdir -p "$IN/dpkg-statusd/var/lib/dpkg/status.d"
cp /usr/bin/true "$IN/dpkg-statusd/var/lib/dpkg/status.d/true"
bad_case dpkg_status_d_junk error_or_partial "status.d/true" "dir:$IN/dpkg-statusd"

# apk: the real installed database of Alpine 3.20.3, cut inside a record and spliced with junk.
mkdir -p "$IN/apk-cut" "$IN/apk-junk"
tar -xzf "$TESTDATA/pkgdb/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz" -C "$IN/apk-cut"
tar -xzf "$TESTDATA/pkgdb/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz" -C "$IN/apk-junk"
python3 - "$IN/apk-cut/lib/apk/db/installed" <<'PY'
import sys
path = sys.argv[1]
data = open(path, "rb").read()
at = data.index(b"\n\nC:", len(data) // 2)
at = data.index(b"\n", at + 2)  # the end of the record's C: line
open(path, "wb").write(data[: at + len(b"\nP:")])
PY
bad_case apk_truncated error_or_partial "lib/apk/db/installed" "dir:$IN/apk-cut"
splice "$IN/apk-junk/lib/apk/db/installed" $(($(stat -c %s "$IN/apk-junk/lib/apk/db/installed") / 2)) /usr/bin/bash
bad_case apk_junk error_or_partial "lib/apk/db/installed" "dir:$IN/apk-junk"

# rpm: each of the three database formats, truncated or spliced with junk.
mkdir -p "$IN/rpm-bdb-cut/var/lib/rpm" "$IN/rpm-bdb-junk/var/lib/rpm"
xz -dc "$TESTDATA/pkgdb/rpmdb/centos7-plain.Packages.xz" >"$SCRATCH/Packages"
size=$(stat -c %s "$SCRATCH/Packages")
head -c $((size / 2 + 1000)) "$SCRATCH/Packages" >"$IN/rpm-bdb-cut/var/lib/rpm/Packages"
bad_case rpm_bdb_truncated error_or_partial "Packages" "dir:$IN/rpm-bdb-cut"
cp "$SCRATCH/Packages" "$IN/rpm-bdb-junk/var/lib/rpm/Packages"
splice "$IN/rpm-bdb-junk/var/lib/rpm/Packages" $((size / 3)) /usr/bin/bash
bad_case rpm_bdb_junk error_or_partial "Packages" "dir:$IN/rpm-bdb-junk"

mkdir -p "$IN/rpm-sqlite-cut/var/lib/rpm"
size=$(stat -c %s "$TESTDATA/pkgdb/rpmdb/cbl-mariner-2.0.rpmdb.sqlite")
head -c $((size / 2)) "$TESTDATA/pkgdb/rpmdb/cbl-mariner-2.0.rpmdb.sqlite" >"$IN/rpm-sqlite-cut/var/lib/rpm/rpmdb.sqlite"
bad_case rpm_sqlite_truncated error_or_partial "rpmdb.sqlite" "dir:$IN/rpm-sqlite-cut"

mkdir -p "$IN/rpm-ndb-junk/usr/lib/sysimage/rpm"
cp "$TESTDATA/pkgdb/rpmdb/sle15-bci.Packages.db" "$IN/rpm-ndb-junk/usr/lib/sysimage/rpm/Packages.db"
splice "$IN/rpm-ndb-junk/usr/lib/sysimage/rpm/Packages.db" 4096 /usr/bin/bash
bad_case rpm_ndb_junk error_or_partial "Packages.db" "dir:$IN/rpm-ndb-junk"

# --- 9. a giant file: a 2 GiB dpkg status of NUL bytes, in a zstd layer of a few hundred KB ------
mkdir -p "$SCRATCH/giant/etc" "$SCRATCH/giant/var/lib/dpkg"
cp "$ROOTFS/usr/lib/os-release" "$SCRATCH/giant/etc/os-release"
truncate -s 2G "$SCRATCH/giant/var/lib/dpkg/status"
(cd "$SCRATCH/giant" && tar --numeric-owner -cf - etc var) | zstd -q -1 -T0 >"$SCRATCH/layers/giant.tar.zst"
rm -rf "$SCRATCH/giant"
make_oci_layout "$IN/giant.oci" "$SCRATCH/layers/giant.tar.zst"
rm -f "$SCRATCH/layers/giant.tar.zst"
DAGDA_REAL=$DAGDA
DAGDA=$SCRATCH/dagda-timed
printf '#!/bin/sh\nexec /usr/bin/time -f %%M -o %q %q "$@"\n' "$SCRATCH/giant.rss" "$DAGDA_REAL" >"$DAGDA"
chmod +x "$DAGDA"
DAGDA_TIMEOUT=180 bad_case giant_status error_or_partial "var/lib/dpkg/status" "oci-dir:$IN/giant.oci"
DAGDA=$DAGDA_REAL
if [[ -s $SCRATCH/giant.rss ]]; then
  rss_kb=$(tail -n 1 "$SCRATCH/giant.rss")
  check "giant_status: peak memory $((rss_kb / 1024)) MiB stays under 256 MiB" test "$rss_kb" -lt $((256 * 1024))
fi

finish
