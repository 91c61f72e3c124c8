#!/usr/bin/env python3
"""Counts EPSS scores: one per data line (not '#' comments, not the
"cve,epss,percentile" header, not blank) of every CSV in the inputs.
Usage: epss.py FILE|ARCHIVE...
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import _walk  # noqa: E402

n = 0
for path, data in _walk.files(_walk.main_args()):
    if not path.endswith(".csv"):
        continue
    for line in data.decode().splitlines():
        if line and not line.startswith("#") and not line.lower().startswith("cve,epss"):
            n += 1
_walk.emit("epss", epss=n)
