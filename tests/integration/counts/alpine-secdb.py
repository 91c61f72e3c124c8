#!/usr/bin/env python3
"""Counts Alpine secdb records in the inputs, independently of Dagda.

Every .yaml/.yml/.json document with `distroversion` is read. An affected
row is one vulnerability of a string item of a package's secfixes list: each
distinct CVE it names ("CVE_2019-1" read as CVE-2019-1), or, when it names no
CVE, each other id (a word like XSA-200); the secdb has no vulnerability
records of its own, so "vulnerabilities" is 0.
Usage: alpine-secdb.py PATH...
"""
import json
import os
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(__file__))
import common  # noqa: E402

ID = re.compile(r"^[A-Z0-9]+-[A-Za-z0-9_.-]+$")
CVE = re.compile(r"^CVE-\d{4}-\d{4,}$")


def main():
    rows = 0
    seen = False
    for path, data in common.entries(sys.argv[1:]):
        low = path.lower()
        if low.endswith(".json"):
            doc = json.loads(data)
        elif low.endswith((".yaml", ".yml")):
            doc = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        else:
            continue
        if not isinstance(doc, dict) or "distroversion" not in doc:
            continue
        seen = True
        for p in doc.get("packages") or []:
            fixes = (p.get("pkg") or {}).get("secfixes") or {}
            for _ver, items in fixes.items():
                for item in items or []:
                    words = [re.sub(r"^CVE_", "CVE-", w) for w in re.split(r"[ \t,;()]", str(item))]
                    cves = {w for w in words if CVE.match(w)}
                    others = {w for w in words if ID.match(w) and not CVE.match(w)}
                    rows += len(cves) if cves else len(others)
    if seen:
        common.emit({"alpine-secdb": [0, rows]})


if __name__ == "__main__":
    main()
