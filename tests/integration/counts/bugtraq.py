#!/usr/bin/env python3
"""Counts BugTraq records: one per JSON line with a positive bugtraq_id.
Usage: bugtraq.py biddb.jsonl...
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import _walk  # noqa: E402

n = 0
for path, data in _walk.files(_walk.main_args()):
    for line in data.decode().splitlines():
        if line.strip() and int(json.loads(line).get("bugtraq_id", 0)) > 0:
            n += 1
_walk.emit("bugtraq", bugtraq=n)
