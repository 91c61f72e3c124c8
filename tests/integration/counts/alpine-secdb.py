#!/usr/bin/env python3
"""Counts Alpine secdb records in the inputs, independently of Dagda.

Every .yaml/.yml/.json document with `distroversion` is read. A record
(affected row) is one string item of a package's secfixes list that names at
least one id (a word like CVE-2019-1234 or XSA-200); the secdb has no
vulnerability records of its own, so "vulnerabilities" is 0.
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
                    words = re.split(r"[ \t,;()]", str(item))
                    if any(ID.match(w) for w in words):
                        rows += 1
    if seen:
        common.emit({"alpine-secdb": [0, rows]})


if __name__ == "__main__":
    main()
