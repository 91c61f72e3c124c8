#!/usr/bin/env python3
"""Counts RubySec records: one vulnerability per advisory .yml (a mapping with
"gem" or "engine": gems/ and rubies/); one affected row per advisory that
leaves some version affected, i.e. a version matched by none of its
patched_versions and unaffected_versions. Ruby's own Gem::Requirement decides,
on probe versions around every version the requirements name (two advisories
of the real database list requirements that together cover every version).
Usage: rubysec.py ruby-advisory-db.tar.xz|DIR...
"""
import json
import os
import subprocess
import sys

import yaml

sys.path.insert(0, os.path.dirname(__file__))
import _walk  # noqa: E402

RUBY = r'''
require "json"
n = 0
JSON.parse(STDIN.read).each do |reqs|
  rs = reqs.map { |r| Gem::Requirement.new(*r.split(",")) }
  probes = ["0.0.1", "999.0"]
  reqs.join(",").scan(/[0-9][0-9A-Za-z.\-]*/).each do |v|
    g = Gem::Version.new(v) rescue next
    probes << g.to_s << g.bump.to_s << (g.to_s + ".1") << (g.to_s + ".a") << (g.bump.to_s + ".a")
    s = g.segments
    if s.last.is_a?(Integer) && s.last > 0 then s[-1] -= 1; probes << s.join(".") end
  end
  n += 1 if probes.any? { |p| rs.none? { |r| r.satisfied_by?(Gem::Version.new(p)) } }
end
puts n
'''

v = 0
all_reqs = []
for path, data in _walk.files(_walk.main_args()):
    if not path.endswith(".yml"):
        continue
    doc = yaml.safe_load(data)
    if not isinstance(doc, dict) or not (doc.get("gem") or doc.get("engine")):
        continue
    v += 1
    all_reqs.append([str(r) for r in (doc.get("patched_versions") or []) + (doc.get("unaffected_versions") or [])])
a = int(subprocess.run(["ruby", "-e", RUBY], input=json.dumps(all_reqs), capture_output=True, text=True,
                       check=True).stdout)
_walk.emit("rubysec", vulnerabilities=v, affected=a)
