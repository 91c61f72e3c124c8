"""Shared by the count scripts: walk files, folders and archives (.tar.*, .zip,
.gz/.xz/.bz2) the way `dagda db import` does, yielding (path, bytes)."""
import bz2
import gzip
import io
import lzma
import os
import tarfile
import zipfile


def _decompress(name, data):
    if name.endswith(".gz"):
        return name[:-3], gzip.decompress(data)
    if name.endswith(".xz"):
        return name[:-3], lzma.decompress(data)
    if name.endswith(".bz2"):
        return name[:-4], bz2.decompress(data)
    return name, data


def _entries_of_bytes(name, data, sort_members):
    low = name.lower()
    if low.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for n in sorted(z.namelist()):
                if not n.endswith("/"):
                    yield name + "!" + n, z.read(n)
        return
    if any(low.endswith(s) for s in (".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2")):
        with tarfile.open(fileobj=io.BytesIO(data)) as t:
            members = t.getmembers()
            for m in sorted(members, key=lambda m: m.name) if sort_members else members:
                if m.isfile():
                    yield name + "!" + m.name, t.extractfile(m).read()
        return
    n, d = _decompress(name, data)
    yield n, d


def entries(paths, sort_members=False):
    """(path, bytes) of every file; sort_members reads tar members in name order."""
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for f in sorted(files):
                    full = os.path.join(root, f)
                    with open(full, "rb") as fh:
                        yield from _entries_of_bytes(full, fh.read(), sort_members)
        else:
            with open(p, "rb") as fh:
                yield from _entries_of_bytes(p, fh.read(), sort_members)


def emit(counts):
    """counts: {source: [vulnerabilities, affected]} -> one JSON line each."""
    import json
    for src in sorted(counts):
        v, a = counts[src]
        print(json.dumps({"source": src, "vulnerabilities": v, "affected": a}))
