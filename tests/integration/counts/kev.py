#!/usr/bin/env python3
"""Counts CISA KEV records: one per vulnerabilities[] item whose cveID is a CVE id.
Usage: kev.py known_exploited_vulnerabilities.json...
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
import _walk  # noqa: E402

n = 0
for path, data in _walk.files(_walk.main_args()):
    doc = json.loads(data)
    n += sum(1 for v in doc["vulnerabilities"] if re.fullmatch(r"CVE-\d{4}-\d{4,}", v.get("cveID", "")))
_walk.emit("kev", kev=n)
