#!/usr/bin/env python3
"""Counts Node.js security-wg records: one vulnerability per vuln/npm/N.json
(with "module_name") and vuln/core/N.json (with "vulnerable" or "cve"),
index.json aggregates and vuln/deps/ excluded; one affected row per CVE it
lists (one when it lists none) for each advisory with a non-empty
vulnerable_versions / vulnerable range.
Usage: nodejs.py security-wg.tar.xz|DIR...
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
import _walk  # noqa: E402

v = a = 0
for path, data in _walk.files(_walk.main_args()):
    name = path.replace("!", "/").split("/")
    if not path.endswith(".json") or name[-1] == "index.json" or len(name) < 2 or name[-2] not in ("npm", "core"):
        continue
    doc = json.loads(data)
    if name[-2] == "npm" and "module_name" in doc:
        rng = doc.get("vulnerable_versions") or ""
    elif name[-2] == "core" and ("vulnerable" in doc or "cve" in doc):
        rng = doc.get("vulnerable") or ""
    else:
        continue
    v += 1
    cves = doc.get("cves") if name[-2] == "npm" else doc.get("cve")
    cves = [cves] if isinstance(cves, str) else cves or []
    n = len({c for c in cves if isinstance(c, str) and re.fullmatch(r"CVE-\d{4}-\d+", c)})
    if rng.strip():
        a += max(1, n)
_walk.emit("nodejs", vulnerabilities=v, affected=a)
