#!/usr/bin/env python3
"""Counts retire.js records: per repository file, one affected row per
vulnerabilities[] item with "below" or "atOrAbove" of every library except
"retire-example", and one signature (the file itself).
Usage: retirejs.py jsrepository.json npmrepository.json...
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import _walk  # noqa: E402

a = s = 0
for path, data in _walk.files(_walk.main_args()):
    doc = json.loads(data)
    s += 1
    for name, lib in doc.items():
        if name == "retire-example":
            continue
        a += sum(1 for x in lib.get("vulnerabilities", []) if x.get("below") or x.get("atOrAbove"))
_walk.emit("retirejs", affected=a, signatures=s)
