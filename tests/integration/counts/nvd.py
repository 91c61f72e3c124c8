#!/usr/bin/env python3
"""Counts NVD records in the inputs, independently of Dagda.

A record is one CVE: an item of "CVE_Items" (JSON 1.1 feeds) with
cve.CVE_data_meta.ID, or an item of "vulnerabilities" (API 2.0 pages) with
cve.id. NVD gives vulnerabilities only (no affected rows).
Usage: nvd.py PATH...   (files, folders, .json.gz, archives)
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import _walk  # noqa: E402

n = 0
for path, data in _walk.files(_walk.main_args()):
    if not path.endswith(".json"):
        continue
    doc = json.loads(data)
    if "CVE_Items" in doc:
        n += sum(1 for i in doc["CVE_Items"] if i.get("cve", {}).get("CVE_data_meta", {}).get("ID"))
    elif "vulnerabilities" in doc and "resultsPerPage" in doc:
        n += sum(1 for i in doc["vulnerabilities"] if i.get("cve", {}).get("id"))
_walk.emit("nvd", vulnerabilities=n)
