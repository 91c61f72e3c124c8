#!/usr/bin/env python3
"""Counts Debian DSA/DLA list records, independently of Dagda.

A list is a file whose first line is "[dd Mon yyyy] ID ...". Each such
advisory line is one vulnerability of source debian-dsa (DSA-*), debian-dla
(DLA-*) or debian-lists (others). Each "[release] - package version" line under
it whose release (without -lts/-security) is a known Debian codename and whose
version is a version or one of <not-affected> <unfixed> <end-of-life> <no-dsa>
<ignored> <postponed> is one affected row per CVE of the advisory's {CVE ...} list (one row when
the advisory lists no CVE).
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
        nrows = ncves = 0

        def close():
            if cur is not None:
                cur[1] += nrows * max(1, ncves)

        for line in text.splitlines():
            m = HEAD.match(line)
            if m:
                close()
                i = m.group(1)
                src = "debian-dsa" if i.startswith("DSA-") else "debian-dla" if i.startswith("DLA-") else "debian-lists"
                cur = counts.setdefault(src, [0, 0])
                cur[0] += 1
                nrows = ncves = 0
                continue
            ids = re.match(r"^\s+\{(.*)\}\s*$", line)
            if ids and cur is not None:  # the advisory's CVEs, wherever the line stands
                ncves = len({w for w in ids.group(1).split() if re.fullmatch(r"CVE-\d{4}-\d+", w)})
                continue
            r = REL.match(line)
            if r and cur is not None:
                rel = re.sub(r"-(lts|security)$", "", r.group(1))
                ver = r.group(3)
                if rel in CODENAMES and (not ver.startswith("<") or ver in TAGS):
                    nrows += 1
        close()
    common.emit(counts)


if __name__ == "__main__":
    main()
