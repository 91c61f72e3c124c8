#!/usr/bin/env python3
"""Hostile root filesystem tars for the hardening tests (issue 16), written to stdout.

Made here, in a few seconds, rather than committed:
  apk N      an Alpine root whose lib/apk/db/installed lists N packages (4,000,000: ~100 MB,
             9-10 MB gzip-compressed)
  dpkg N     a Debian root whose var/lib/dpkg/status lists N installed packages
  files N    a layer of N empty regular files under usr/share/pkgNNNN/ (paths of 34 bytes)
  inject     names and package fields full of terminal escapes, C1 and bidi controls and a NUL
Tar headers are written directly (GNU format), far faster than the tarfile module.

Usage: hostile_images.py KIND [N] | gzip > layer.tar.gz
"""
import sys

BLOCK = 512


def header(name, size=0, typ=b"0", mode=0o644):
    raw = name.encode("utf-8", "surrogateescape") if isinstance(name, str) else name
    out = b""
    if len(raw) > 99:  # GNU long name
        data = raw + b"\0"
        out += header(b"././@LongLink", len(data), b"L") + data + pad(len(data))
        raw = raw[:99]
    h = bytearray(BLOCK)
    h[0:len(raw)] = raw
    h[100:108] = b"%07o\0" % mode
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"00000000000\0"
    h[148:156] = b" " * 8
    h[156:157] = typ
    h[257:265] = b"ustar  \0"
    h[148:156] = b"%06o\0 " % sum(h)
    return out + bytes(h)


def pad(n):
    return b"\0" * ((BLOCK - n % BLOCK) % BLOCK)


def add_file(out, name, data):
    out.write(header(name, len(data)))
    out.write(data)
    out.write(pad(len(data)))


def add_generated(out, name, make, n):
    """A member whose content comes in pieces from make(n), written twice over: once to size it."""
    size = sum(len(c) for c in make(n))
    out.write(header(name, size))
    for c in make(n):
        out.write(c)
    out.write(pad(size))


def batched(lines, n, batch=20000):
    buf = []
    for i in range(n):
        buf.append(lines(i))
        if len(buf) == batch:
            yield b"".join(buf)
            buf = []
    if buf:
        yield b"".join(buf)


def apk(n):
    return batched(lambda i: b"P:p%07d\nV:1.%d-r0\nA:x86_64\n\n" % (i, i % 10), n)


def dpkg(n):
    return batched(lambda i: b"Package: p%07d\nStatus: install ok installed\nVersion: 1.%d-1\n"
                             b"Architecture: amd64\n\n" % (i, i % 10), n)


def main():
    kind = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    out = sys.stdout.buffer
    if kind == "apk":
        add_file(out, "etc/os-release", b'ID=alpine\nVERSION_ID=3.20.3\nNAME="Alpine Linux"\n')
        add_generated(out, "lib/apk/db/installed", apk, n)
    elif kind == "dpkg":
        add_file(out, "etc/os-release", b'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n')
        add_generated(out, "var/lib/dpkg/status", dpkg, n)
    elif kind == "files":
        # One header template; only the name and the checksum change from file to file.
        template = bytearray(header(b""))
        template[148:156] = b" " * 8
        base = sum(template)
        batch = []
        for i in range(n):
            name = b"usr/share/pkg%04d/file-%07d.dat" % (i // 1000, i)
            h = template[:]
            h[0:len(name)] = name
            h[148:156] = b"%06o\0 " % (base + sum(name))
            batch.append(h)
            if len(batch) == 10000:
                out.write(b"".join(batch))
                batch = []
        out.write(b"".join(batch))
    elif kind == "inject":
        esc = "\x1b]0;owned\x07\x1b[2J\x1b[31m"
        add_file(out, "etc/os-release", b"ID=alpine\nVERSION_ID=3.20.3\n")
        # An absolute entry name (a warning quotes it) with OSC/CSI escapes and a bidi override.
        add_file(out, "/abs/" + esc + "evil\u202etxt.exe", b"x")
        # apk records whose fields reach warnings: a name with escapes and a NUL, C1 bytes.
        add_file(out, "lib/apk/db/installed",
                 b"P:evil\x1b[31mred\x00cut-here\nA:x\n\n"
                 b"P:c1\xc2\x9b31mname\nV:1\nP:ok\nV:1.0-r0\n\n"
                 b"\x1b:bad line\n\n")
    else:
        sys.exit("unknown kind " + kind)
    out.write(b"\0" * (2 * BLOCK))


if __name__ == "__main__":
    main()
