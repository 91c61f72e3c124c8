#!/usr/bin/env python3
"""Counts Debian DSA/DLA list records, independently of Dagda.

A list is a file whose first line is "[dd Mon yyyy] ID ...". Each such
advisory line is one vulnerability of source debian-dsa (DSA-*), debian-dla
(DLA-*) or debian-lists (others). Each "[release] - package version" line under
it whose release (without -lts/-security) is a known Debian codename and whose
version is a version or one of <not-affected> <unfixed> <end-of-life> <no-dsa>
<ignored> <postponed> is one affected row.
Usage: debian-lists.py PATH...
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
import common  # noqa: E402

CODENAMES = {"buzz", "rex", "bo", "hamm", "slink", "potato", "woody", "sarge", "etch", "lenny", "squeeze",
             "wheezy", "jessie", "stretch", "buster", "bullseye", "bookworm", "trixie", "forky", "duke",
             "sid", "unstable"}
TAGS = {"<not-affected>", "<unfixed>", "<end-of-life>", "<no-dsa>", "<ignored>", "<postponed>"}
HEAD = re.compile(r"^\[\d\d [A-Z][a-z][a-z] \d{4}\] (\S+) ")
REL = re.compile(r"^\s+\[([^\]]+)\]\s+-\s+(\S+)\s+(\S+)")


def main():
    counts = {}
    for path, data in common.entries(sys.argv[1:]):
        text = data.decode("utf-8", "replace")
        if not HEAD.match(text.lstrip()):
            continue
        cur = None
        for line in text.splitlines():
            m = HEAD.match(line)
            if m:
                i = m.group(1)
                src = "debian-dsa" if i.startswith("DSA-") else "debian-dla" if i.startswith("DLA-") else "debian-lists"
                cur = counts.setdefault(src, [0, 0])
                cur[0] += 1
                continue
            r = REL.match(line)
            if r and cur is not None:
                rel = re.sub(r"-(lts|security)$", "", r.group(1))
                ver = r.group(3)
                if rel in CODENAMES and (not ver.startswith("<") or ver in TAGS):
                    cur[1] += 1
    common.emit(counts)


if __name__ == "__main__":
    main()
