#!/usr/bin/env python3
"""Counts RustSec records: one vulnerability per advisory (.md with a ```toml
block holding [advisory], or a bare .toml); one affected row per advisory of a
crate (crates/, not the rust/ toolchain) that is neither informational nor
withdrawn and whose
patched/unaffected requirements are not "every version" ("*" or ">= 0.0.0").
Usage: rustsec.py advisory-db.tar.xz|DIR...
"""
import os
import re
import sys
import tomllib

sys.path.insert(0, os.path.dirname(__file__))
import _walk  # noqa: E402

v = a = 0
for path, data in _walk.files(_walk.main_args()):
    text = data.decode()
    if path.endswith(".md"):
        m = re.match(r"\s*```toml\n(.*?)\n```", text, re.S)
        if not m:
            continue
        text = m.group(1)
    elif not path.endswith(".toml"):
        continue
    doc = tomllib.loads(text)
    adv = doc.get("advisory")
    if not adv:
        continue
    v += 1
    parts = re.split(r"[/!]", path)
    if len(parts) >= 3 and parts[-3] == "rust":
        continue
    if adv.get("informational") or adv.get("withdrawn"):
        continue
    vers = doc.get("versions", {})
    reqs = vers.get("patched", []) + vers.get("unaffected", [])
    if any(r.replace(" ", "") in ("*", ">=0.0.0", ">=0") for r in reqs):
        continue
    a += 1
_walk.emit("rustsec", vulnerabilities=v, affected=a)
