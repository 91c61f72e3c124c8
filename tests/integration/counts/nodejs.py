#!/usr/bin/env python3
"""Counts Node.js security-wg records: one vulnerability per vuln/npm/N.json
(with "module_name") and vuln/core/N.json (with "vulnerable" or "cve"),
index.json aggregates and vuln/deps/ excluded; one affected row per advisory
with a non-empty vulnerable_versions / vulnerable range.
Usage: nodejs.py security-wg.tar.xz|DIR...
"""
import json
import os
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
    if rng.strip():
        a += 1
_walk.emit("nodejs", vulnerabilities=v, affected=a)
