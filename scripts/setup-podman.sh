#!/usr/bin/env bash
# Configures rootful podman for building test images on this machine and in CI.
# Idempotent: running it again changes nothing. It installs nothing; the packages
# (podman runc skopeo debootstrap uidmap fuse-overlayfs) come from scripts/install-deps.sh.
#
# Writes /etc/containers/containers.conf (merging into an existing file) with:
#   [containers] default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
#   [engine]     runtime = "runc", cgroup_manager = "cgroupfs", events_logger = "file"
# and, only when the overlay storage driver cannot work here, switches storage to vfs.
set -euo pipefail

log() { printf 'setup-podman: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

missing=()
for tool in podman runc skopeo debootstrap python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
((${#missing[@]} == 0)) || die "missing tools: ${missing[*]} (run scripts/install-deps.sh)"

if [[ $(id -u) -ne 0 ]]; then
  # Rootless podman keeps its own configuration; we only check that it answers.
  podman info >/dev/null 2>&1 || die "podman info fails for $(id -un); run this script as root"
  log "not root: left /etc/containers alone; podman answers"
  exit 0
fi

CONF_DIR=${CONTAINERS_CONF_DIR:-/etc/containers}
CONF=$CONF_DIR/containers.conf
mkdir -p "$CONF_DIR"

# Sets KEY = VALUE in [SECTION] of a TOML file, keeping every other line as it is.
# An existing (uncommented) KEY in that section is replaced, including an array value
# that spans several lines; a missing section is appended.
python3 - "$CONF" <<'PY'
import os, re, sys

path = sys.argv[1]
wanted = [
    ("containers", "default_ulimits", '["nofile=20000:20000", "nproc=32768:32768"]'),
    ("engine", "runtime", '"runc"'),
    ("engine", "cgroup_manager", '"cgroupfs"'),
    ("engine", "events_logger", '"file"'),
]

lines = open(path).read().splitlines() if os.path.exists(path) else []
header = re.compile(r'^\s*\[\s*([A-Za-z0-9_.\-]+)\s*\]\s*(#.*)?$')

def section_bounds(name):
    """(header index, end index) of [name], or None."""
    start = None
    for i, line in enumerate(lines):
        m = header.match(line)
        if m and start is None and m.group(1) == name:
            start = i
        elif m and start is not None:
            return start, i
    return (start, len(lines)) if start is not None else None

def value_end(i):
    """Index after the last line of the value that starts at line i (multi-line arrays)."""
    depth = 0
    j = i
    while j < len(lines):
        text = lines[j].split('#', 1)[0] if j > i else lines[j].split('=', 1)[1].split('#', 1)[0]
        depth += text.count('[') - text.count(']')
        j += 1
        if depth <= 0:
            break
    return j

inserted = {}
for section, key, value in wanted:
    entry = f"{key} = {value}"
    bounds = section_bounds(section)
    if bounds is None:
        if lines and lines[-1].strip():
            lines.append("")
        lines += [f"[{section}]", entry]
        inserted[section] = 1
        continue
    start, end = bounds
    key_re = re.compile(rf'^\s*{re.escape(key)}\s*=')
    for i in range(start + 1, end):
        if key_re.match(lines[i]):
            lines[i:value_end(i)] = [entry]
            break
    else:
        # Keep our keys in the order listed, right after the section header.
        pos = start + 1 + inserted.get(section, 0)
        lines.insert(pos, entry)
        inserted[section] = inserted.get(section, 0) + 1

text = "\n".join(lines) + "\n"
old = open(path).read() if os.path.exists(path) else None
if text != old:
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
    print(f"setup-podman: wrote {path}", file=sys.stderr)
PY

# The storage driver: overlay is podman's default and works on ext4/xfs as root. When the
# kernel or the backing filesystem refuses it (overlay on overlay, some sandboxes), fall back
# to vfs, which always works but copies every layer.
driver=$(podman info --format '{{.Store.GraphDriverName}}' 2>/dev/null || true)
if [[ -z $driver ]]; then
  STORAGE=$CONF_DIR/storage.conf
  log "podman info fails with the current storage driver; switching to vfs in $STORAGE"
  if [[ ! -f $STORAGE ]]; then
    printf '[storage]\ndriver = "vfs"\nrunroot = "/run/containers/storage"\ngraphroot = "/var/lib/containers/storage"\n' >"$STORAGE"
  elif grep -qE '^\s*driver\s*=' "$STORAGE"; then
    sed -i -E 's/^\s*driver\s*=.*/driver = "vfs"/' "$STORAGE"
  elif grep -qE '^\s*\[storage\]' "$STORAGE"; then
    sed -i -E '0,/^\s*\[storage\]/s//[storage]\ndriver = "vfs"/' "$STORAGE"
  else
    printf '\n[storage]\ndriver = "vfs"\n' >>"$STORAGE"
  fi
  driver=$(podman info --format '{{.Store.GraphDriverName}}' 2>/dev/null) || die "podman info still fails with vfs storage"
fi

runtime=$(podman info --format '{{.Host.OCIRuntime.Name}}')
cgroups=$(podman info --format '{{.Host.CgroupManager}}')
events=$(podman info --format '{{.Host.EventLogger}}')
[[ $runtime == runc ]] || die "podman uses runtime '$runtime', expected runc"
[[ $cgroups == cgroupfs ]] || die "podman uses cgroup manager '$cgroups', expected cgroupfs"
[[ $events == file ]] || die "podman uses events logger '$events', expected file"
log "podman ready: storage=$driver runtime=$runtime cgroups=$cgroups events=$events"
