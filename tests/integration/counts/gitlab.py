#!/usr/bin/env python3
"""Counts GitLab Advisory Database records: one vulnerability per advisory
.yml with package_slug and identifier; one affected row per advisory whose
ecosystem has version rules in Dagda (all but conan) and whose affected_range
is not empty.
Usage: gitlab.py advisories-community.tar.xz|DIR...
"""
import os
import sys

import yaml

sys.path.insert(0, os.path.dirname(__file__))
import _walk  # noqa: E402

v = a = 0
for path, data in _walk.files(_walk.main_args()):
    if not path.endswith(".yml"):
        continue
    doc = yaml.safe_load(data)
    if not isinstance(doc, dict) or "package_slug" not in doc or not doc.get("identifier"):
        continue
    v += 1
    if doc["package_slug"].split("/")[0] != "conan" and str(doc.get("affected_range") or "").strip():
        a += 1
_walk.emit("gitlab", vulnerabilities=v, affected=a)
