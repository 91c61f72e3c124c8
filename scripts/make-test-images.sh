#!/usr/bin/env bash
# Builds real container images for Dagda's end-to-end tests and benchmark, with real tools
# (debootstrap, podman, skopeo), cached in OUTDIR.
#
#   scripts/make-test-images.sh [--big] OUTDIR
#
# Always built (about two minutes the first time):
#   debian-rootfs/              debootstrap --variant=minbase bookworm tree (the base image's files)
#   debian-rootfs.tar[.zst]     that tree as a root filesystem tar (plain and zstd)
#   layered.docker.tar          3-layer image, `podman save --format docker-archive`
#   layered.oci.tar             the same, `--format oci-archive`
#   layered.oci-dir/            the same, `--format oci-dir` (podman gzips the layers)
#   layered.oci-gzip/           the same, copied by skopeo with gzip layers
#   layered.oci-zstd/           the same, copied by skopeo with zstd layers
#   layered.oci-plain/          the same, copied by skopeo with uncompressed layers
#   layered.admindir/           the final image's var/lib/dpkg, exported by podman (an oracle)
#   layered.env                 what the layers do: PURGED, INSTALLED packages, layer markers
# With --big (about ten minutes, about 6 GB of disk):
#   big.docker.tar              an image with one layer of 2 GB of real Debian packages (over 1 GB)
#   big.oci-gzip/               the same with gzip layers
#
# Work already done is skipped; it is keyed by this script's own hash, so an edit rebuilds.
# Runs as root without a terminal (CI=true); podman is configured by scripts/setup-podman.sh.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF="$SCRIPT_DIR/$(basename "${BASH_SOURCE[0]}")"

usage() { echo "usage: $0 [--big] OUTDIR" >&2; exit 2; }
BIG=0
OUTDIR=
while (($#)); do
  case $1 in
    --big) BIG=1 ;;
    -h|--help) usage ;;
    -*) echo "unknown option: $1" >&2; usage ;;
    *) [[ -z $OUTDIR ]] || usage; OUTDIR=$1 ;;
  esac
  shift
done
[[ -n $OUTDIR ]] || usage

log() { printf 'make-test-images: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (debootstrap and rootful podman)"
for tool in debootstrap podman skopeo tar zstd python3 sha256sum flock; do
  command -v "$tool" >/dev/null 2>&1 || die "missing tool: $tool (run scripts/install-deps.sh)"
done

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
LOGDIR=$OUTDIR/logs
mkdir -p "$LOGDIR"

# Several tests may call us at once, for this OUTDIR or another (the podman tags below are
# shared by the whole machine): one builder at a time, the others wait and then reuse.
exec 9>"${TMPDIR:-/tmp}/dagda-make-test-images.lock"
flock 9

KEY=$(sha256sum "$SELF" | cut -c1-12)
# Only this script tags images under this name (other tests use localhost/dagda-test/).
REPO=localhost/dagda-e2e
BASE_IMAGE=$REPO/debian-minbase:$KEY
LAYERED_IMAGE=$REPO/debian-layered:$KEY
BIG_IMAGE=$REPO/debian-big:$KEY

# Packages the layered image purges and installs (tests read them from layered.env).
PURGED="tzdata"
INSTALLED="jq"
# The big layer: real Debian packages, more than 1 GB installed.
BIG_PACKAGES="golang-1.19-go openjdk-17-jdk-headless llvm-14-dev clang-14 gcc-12 g++-12 rustc libstd-rust-dev gfortran-12"

done_stamp() { [[ -f $OUTDIR/.stamp-$1 && $(cat "$OUTDIR/.stamp-$1") == "$KEY" ]]; }
mark_done() { echo "$KEY" >"$OUTDIR/.stamp-$1"; }

# Runs a command with its output in a log file; on failure shows the end of the log.
run_logged() {
  local name=$1
  shift
  local logfile=$LOGDIR/$name.log
  if ! "$@" >"$logfile" 2>&1; then
    log "'$*' failed; last lines of $logfile:"
    tail -n 40 "$logfile" >&2
    exit 1
  fi
}

# The Debian mirror this machine's apt uses (deb822 .sources or one-line sources.list).
debian_mirror() {
  if [[ -n ${DAGDA_DEBIAN_MIRROR:-} ]]; then
    echo "$DAGDA_DEBIAN_MIRROR"
    return
  fi
  python3 - <<'PY'
import glob, re
uris = []
for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    for stanza in re.split(r"\n\s*\n", open(path).read()):
        fields = {}
        for line in stanza.splitlines():
            m = re.match(r"^([A-Za-z-]+):\s*(.*)$", line)
            if m:
                fields[m.group(1).lower()] = m.group(2).split()
        if "bookworm" in fields.get("suites", []) and fields.get("enabled", ["yes"])[0] != "no":
            uris += fields.get("uris", [])
for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
    try:
        for line in open(path):
            words = line.split("#", 1)[0].split()
            words = [w for w in words if not w.startswith("[")]
            if len(words) >= 3 and words[0] == "deb" and words[2] == "bookworm":
                uris.append(words[1])
    except OSError:
        pass
debian = [u for u in uris if u.rstrip("/").endswith("/debian")]
print((debian or uris or ["http://deb.debian.org/debian"])[0])
PY
}

if [[ $(id -u) -eq 0 ]]; then
  "$SCRIPT_DIR/setup-podman.sh" 2>"$LOGDIR/setup-podman.log" || {
    cat "$LOGDIR/setup-podman.log" >&2
    die "podman is not usable here"
  }
fi

# ---------------------------------------------------------------- base: debootstrap minbase
build_base() {
  local mirror
  mirror=$(debian_mirror)
  log "debootstrap --variant=minbase bookworm from $mirror"
  # A base image of this key made from another tree (another OUTDIR, an earlier attempt) must
  # not stand in for this one: the tests compare the image with this tree.
  podman untag "$BASE_IMAGE" >/dev/null 2>&1 || true
  rm -rf "$OUTDIR/debian-rootfs" "$OUTDIR/debian-rootfs.tmp" "$OUTDIR"/debian-rootfs.tar*
  run_logged debootstrap debootstrap --variant=minbase bookworm "$OUTDIR/debian-rootfs.tmp" "$mirror"
  # debootstrap keeps the downloaded .debs; they are no part of an installed system.
  find "$OUTDIR/debian-rootfs.tmp/var/cache/apt/archives" -name '*.deb' -delete
  mv "$OUTDIR/debian-rootfs.tmp" "$OUTDIR/debian-rootfs"
  tar --numeric-owner --sort=name -C "$OUTDIR/debian-rootfs" -cf "$OUTDIR/debian-rootfs.tar.tmp" .
  mv "$OUTDIR/debian-rootfs.tar.tmp" "$OUTDIR/debian-rootfs.tar"
  zstd -q -T0 -f "$OUTDIR/debian-rootfs.tar" -o "$OUTDIR/debian-rootfs.tar.zst"
  mark_done base
}

# The base image in podman's storage, imported from the rootfs tar when missing (a new
# machine, or storage that was reset while OUTDIR was kept).
ensure_base_image() {
  podman image exists "$BASE_IMAGE" && return
  log "podman import $BASE_IMAGE"
  run_logged podman-import podman import \
    --message "debootstrap --variant=minbase bookworm (dagda test base)" \
    --change 'CMD ["/bin/bash"]' \
    "$OUTDIR/debian-rootfs.tar" "$BASE_IMAGE"
}

# ---------------------------------------------------------------- layered: purge + install
write_layered_containerfile() {
  local dir=$1
  mkdir -p "$dir"
  # Each RUN starts with a `: dagda-layer=NAME` marker so the history's created_by names it.
  # The purge layer removes packages (whiteouts for their files) and recreates
  # /usr/share/doc empty (an opaque directory); the install layer adds $INSTALLED.
  cat >"$dir/Containerfile" <<EOF
FROM $BASE_IMAGE
ENV DEBIAN_FRONTEND=noninteractive
RUN : dagda-layer=purge && apt-get purge -y $PURGED \\
 && rm -rf /usr/share/doc /usr/share/man /var/log/apt \\
 && mkdir /usr/share/doc && echo "documentation removed" > /usr/share/doc/README.dagda
RUN : dagda-layer=install && apt-get -o Acquire::Check-Valid-Until=false update \\
 && apt-get install -y --no-install-recommends $INSTALLED \\
 && apt-get clean && rm -rf /var/lib/apt/lists/*
EOF
}

build_layered() {
  ensure_base_image
  local ctx=$OUTDIR/layered-context
  write_layered_containerfile "$ctx"
  log "podman build $LAYERED_IMAGE"
  run_logged podman-build-layered podman build --network host --no-cache --layers \
    -t "$LAYERED_IMAGE" -f "$ctx/Containerfile" "$ctx"
  save_image "$LAYERED_IMAGE" layered
  rm -rf "$OUTDIR/layered.oci-zstd" "$OUTDIR/layered.oci-gzip" "$OUTDIR/layered.oci-plain"
  run_logged skopeo-zstd skopeo copy --dest-compress --dest-compress-format zstd \
    "containers-storage:$LAYERED_IMAGE" "oci:$OUTDIR/layered.oci-zstd:latest"
  run_logged skopeo-gzip skopeo copy --dest-compress --dest-compress-format gzip \
    "containers-storage:$LAYERED_IMAGE" "oci:$OUTDIR/layered.oci-gzip:latest"
  run_logged skopeo-plain skopeo copy --dest-oci-accept-uncompressed-layers \
    "containers-storage:$LAYERED_IMAGE" "oci:$OUTDIR/layered.oci-plain:latest"
  export_admindir "$LAYERED_IMAGE" "$OUTDIR/layered.admindir"
  cat >"$OUTDIR/layered.env" <<EOF
# written by make-test-images.sh ($KEY)
IMAGE=$LAYERED_IMAGE
BASE_IMAGE=$BASE_IMAGE
PURGED="$PURGED"
INSTALLED="$INSTALLED"
PURGE_MARKER="dagda-layer=purge"
INSTALL_MARKER="dagda-layer=install"
EOF
  mark_done layered
}

# podman save in the three formats, each written beside and then moved into place.
save_image() {
  local image=$1 name=$2
  rm -rf "$OUTDIR/$name.docker.tar" "$OUTDIR/$name.oci.tar" "$OUTDIR/$name.oci-dir" "$OUTDIR/$name".*.tmp
  log "podman save $image (docker-archive, oci-archive, oci-dir)"
  run_logged "save-$name-docker" podman save --format docker-archive -o "$OUTDIR/$name.docker.tar.tmp" "$image"
  run_logged "save-$name-oci" podman save --format oci-archive -o "$OUTDIR/$name.oci.tar.tmp" "$image"
  run_logged "save-$name-ocidir" podman save --format oci-dir -o "$OUTDIR/$name.oci-dir.tmp" "$image"
  mv "$OUTDIR/$name.docker.tar.tmp" "$OUTDIR/$name.docker.tar"
  mv "$OUTDIR/$name.oci.tar.tmp" "$OUTDIR/$name.oci.tar"
  mv "$OUTDIR/$name.oci-dir.tmp" "$OUTDIR/$name.oci-dir"
}

# The image's final dpkg database, from podman's own merge of the layers (an oracle).
export_admindir() {
  local image=$1 dest=$2 root
  rm -rf "$dest" "$dest.tmp"
  root=$(podman image mount "$image") || die "podman image mount $image failed"
  cp -a "$root/var/lib/dpkg" "$dest.tmp" || { podman image unmount "$image" >/dev/null; die "cannot copy var/lib/dpkg of $image"; }
  podman image unmount "$image" >/dev/null
  mv "$dest.tmp" "$dest"
}

# ---------------------------------------------------------------- big: a layer over 1 GB
build_big() {
  ensure_base_image
  local ctx=$OUTDIR/big-context
  mkdir -p "$ctx"
  cat >"$ctx/Containerfile" <<EOF
FROM $BASE_IMAGE
ENV DEBIAN_FRONTEND=noninteractive
RUN : dagda-layer=big && apt-get -o Acquire::Check-Valid-Until=false update \\
 && apt-get install -y --no-install-recommends $BIG_PACKAGES \\
 && apt-get clean && rm -rf /var/lib/apt/lists/*
EOF
  log "podman build $BIG_IMAGE (downloads and installs about 2 GB of packages)"
  run_logged podman-build-big podman build --network host --no-cache --layers \
    -t "$BIG_IMAGE" -f "$ctx/Containerfile" "$ctx"
  rm -rf "$OUTDIR/big.docker.tar" "$OUTDIR/big.docker.tar.tmp" "$OUTDIR/big.oci-gzip"
  log "podman save $BIG_IMAGE (docker-archive)"
  run_logged save-big-docker podman save --format docker-archive -o "$OUTDIR/big.docker.tar.tmp" "$BIG_IMAGE"
  mv "$OUTDIR/big.docker.tar.tmp" "$OUTDIR/big.docker.tar"
  log "skopeo copy $BIG_IMAGE to an OCI layout with gzip layers"
  run_logged skopeo-big-gzip skopeo copy --dest-compress --dest-compress-format gzip \
    "containers-storage:$BIG_IMAGE" "oci:$OUTDIR/big.oci-gzip:latest"
  # The largest layer must hold more than 1 GB (the benchmark's premise).
  local largest
  largest=$(tar -tvf "$OUTDIR/big.docker.tar" | awk '{print $3}' | sort -n | tail -1)
  ((largest >= 1000000000)) || die "largest layer of $BIG_IMAGE is only $largest bytes"
  mark_done big
}

# Old tags of our own images (from earlier versions of this script) only take disk. Only a
# run that built something prunes, and only tags older than two hours: a checkout at another
# version may be building its own tags right now.
BUILT=0
remove_stale_images() {
  local ref
  while read -r ref; do
    [[ $ref == "$REPO/"* && $ref != *":$KEY" ]] || continue
    podman rmi "$ref" >/dev/null 2>&1 || true
  done < <(podman images --filter until=2h --format '{{.Repository}}:{{.Tag}}')
}

if ! done_stamp base; then
  rm -f "$OUTDIR"/.stamp-*
  build_base
  BUILT=1
fi
done_stamp layered || { build_layered; BUILT=1; }
if ((BIG)); then
  done_stamp big || { build_big; BUILT=1; }
fi
((BUILT == 0)) || remove_stale_images

log "images in $OUTDIR (key $KEY):"
for f in debian-rootfs debian-rootfs.tar debian-rootfs.tar.zst layered.docker.tar layered.oci.tar \
  layered.oci-dir layered.oci-gzip layered.oci-zstd layered.oci-plain layered.admindir big.docker.tar big.oci-gzip; do
  [[ -e $OUTDIR/$f ]] || continue
  printf '  %-22s %s\n' "$f" "$(du -sh "$OUTDIR/$f" | cut -f1)" >&2
done
