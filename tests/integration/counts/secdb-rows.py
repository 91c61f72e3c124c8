#!/usr/bin/env python3
"""Prints the rows a secdb JSON file (Alpine, Wolfi, Chainguard) stands for,
independently of Dagda: one line `package<TAB>version<TAB>id` per vulnerability
of a string item of a package's secfixes list: each distinct CVE it names
("CVE_2019-1" read as CVE-2019-1), or, when it names no CVE, each other id
(a word like XSA-200 or GHSA-...). Version "0" is printed as is (not affected).
Usage: secdb-rows.py FILE.json
"""
import json
import re
import sys

ID = re.compile(r"^[A-Z0-9]+-[A-Za-z0-9_.-]+$")
CVE = re.compile(r"^CVE-\d{4}-\d{4,}$")


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = json.load(f)
    rows = set()
    for p in doc.get("packages") or []:
        pkg = p.get("pkg") or {}
        for ver, items in (pkg.get("secfixes") or {}).items():
            for item in items or []:
                words = [re.sub(r"^CVE_", "CVE-", w) for w in re.split(r"[ \t,;()]", str(item))]
                cves = {w for w in words if CVE.match(w)}
                others = {w for w in words if ID.match(w) and not CVE.match(w)}
                for i in cves if cves else others:
                    rows.add((pkg["name"], ver, i))
    for r in sorted(rows):
        print("\t".join(r))


if __name__ == "__main__":
    main()
