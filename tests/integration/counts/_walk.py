"""Shared by the count scripts: yields (path, bytes) for every file in the
given arguments (files, folders, .tar.*/.zip archives, .gz/.xz/.bz2 files),
independently of Dagda's own input walker."""
import bz2
import gzip
import io
import json
import lzma
import os
import sys
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


def _from_bytes(name, data):
    if name.endswith((".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2")):
        with tarfile.open(fileobj=io.BytesIO(data)) as t:
            for m in sorted(t.getmembers(), key=lambda m: m.name):
                if m.isfile():
                    yield name + "!" + m.name, t.extractfile(m).read()
        return
    if name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for n in sorted(z.namelist()):
                if not n.endswith("/"):
                    yield name + "!" + n, z.read(n)
        return
    yield _decompress(name, data)


def files(args):
    for a in args:
        if os.path.isdir(a):
            for root, dirs, fs in os.walk(a):
                dirs.sort()
                for f in sorted(fs):
                    p = os.path.join(root, f)
                    with open(p, "rb") as fh:
                        yield from _from_bytes(p, fh.read())
        else:
            with open(a, "rb") as fh:
                yield from _from_bytes(a, fh.read())


def emit(source, **counts):
    print(json.dumps(dict(source=source, **counts)))


def main_args():
    if len(sys.argv) < 2:
        sys.exit("usage: %s FILE|DIR..." % sys.argv[0])
    return sys.argv[1:]
