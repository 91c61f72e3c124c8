#!/usr/bin/env python3
"""Counts Debian security tracker JSON records, independently of Dagda.

A document is a .json file whose top level maps package -> {id -> {releases...}}
(the first id starts with CVE- or TEMP-). Vulnerabilities: the distinct ids per
file. Affected rows: every (package, id, release) whose release is a known
Debian codename (or sid/unstable) and whose status is resolved, open or
undetermined.
Usage: debian-tracker.py PATH...
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import common  # noqa: E402

CODENAMES = {"buzz", "rex", "bo", "hamm", "slink", "potato", "woody", "sarge", "etch", "lenny", "squeeze",
             "wheezy", "jessie", "stretch", "buster", "bullseye", "bookworm", "trixie", "forky", "duke",
             "sid", "unstable"}


def main():
    vulns = rows = 0
    seen = False
    for path, data in common.entries(sys.argv[1:]):
        if not path.lower().endswith(".json"):
            continue
        try:
            doc = json.loads(data)
        except ValueError:
            continue
        if not isinstance(doc, dict) or not doc:
            continue
        first = next(iter(doc.values()))
        if not isinstance(first, dict) or not first or not next(iter(first)).startswith(("CVE-", "TEMP-")):
            continue
        seen = True
        ids = set()
        for pkg, entries in doc.items():
            for i, info in entries.items():
                ids.add(i)
                rels = info.get("releases") or {}
                for rel, r in (rels.items() if isinstance(rels, dict) else []):
                    if rel.lower() in CODENAMES and r.get("status") in ("resolved", "open", "undetermined"):
                        rows += 1
        vulns += len(ids)
    if seen:
        common.emit({"debian-tracker": [vulns, rows]})


if __name__ == "__main__":
    main()
