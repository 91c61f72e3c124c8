#!/usr/bin/env python3
"""Counts FriendsOfPHP records: one vulnerability per advisory .yaml with a
"reference: composer://..."; one affected row per advisory with at least one
branch listing versions.
Usage: friendsofphp.py security-advisories.tar.xz|DIR...
"""
import os
import sys

import yaml

sys.path.insert(0, os.path.dirname(__file__))
import _walk  # noqa: E402

v = a = 0
for path, data in _walk.files(_walk.main_args()):
    if not path.endswith((".yaml", ".yml")):
        continue
    doc = yaml.safe_load(data)
    if not isinstance(doc, dict) or not str(doc.get("reference", "")).startswith("composer://"):
        continue
    v += 1
    if any((b or {}).get("versions") for b in (doc.get("branches") or {}).values()):
        a += 1
_walk.emit("friendsofphp", vulnerabilities=v, affected=a)
