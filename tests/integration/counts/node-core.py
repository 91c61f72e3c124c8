#!/usr/bin/env python3
"""Node.js runtime vulnerability data, read independently of Dagda.
The security WG core index (is-my-node-vulnerable's core.json): one vulnerability per
advisory, one affected row per CVE it lists (one when none) when `vulnerable` is not empty.
node-version-audit rules-v1.json: one vulnerability per CVE of `cves`; one affected row per
CVE that some release patches, the range being, for each release line (the major; 0.x by
minor) with a patching release, the versions of that line below its first patching release.
Prints counts, and for the rules the CVEs whose range holds each version given with --at.
Usage: node-core.py FILE... [--at VERSION]...
"""
import json
import re
import sys

args = [a for a in sys.argv[1:]]
at = []
while "--at" in args:
    i = args.index("--at")
    at.append(args[i + 1])
    del args[i:i + 2]

CVE = re.compile(r"CVE-\d{4}-\d{4,}")


def triple(v):
    m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", v)
    return tuple(int(x) for x in m.groups()) if m else None


def line(t):
    return (t[0], t[1] if t[0] == 0 else 0)


v = a = 0
affected_at = {x: [] for x in at}
for path in args:
    doc = json.load(open(path, encoding="utf-8"))
    if "releases" in doc or "cves" in doc:
        fixes = {}
        for ver, rel in doc["releases"].items():
            t = triple(ver)
            if not t:
                continue
            for c in rel.get("patchedCveIds") or []:
                f = fixes.setdefault(c, {})
                if line(t) not in f or t < f[line(t)]:
                    f[line(t)] = t
        for key, c in doc["cves"].items():
            cid = c.get("id") or key
            if not CVE.fullmatch(cid):
                continue
            v += 1
            if cid not in fixes:
                continue
            a += 1
            for x in at:
                t = triple(x)
                f = fixes[cid].get(line(t))
                if f and t < f:
                    affected_at[x].append(cid)
    else:
        for key, adv in doc.items():
            if not isinstance(adv, dict):
                continue
            v += 1
            n = len({c for c in adv.get("cve") or [] if isinstance(c, str) and CVE.fullmatch(c)})
            if (adv.get("vulnerable") or "").strip():
                a += max(1, n)
print(json.dumps(dict(source="node-core", vulnerabilities=v, affected=a,
                      affected_at={k: sorted(x) for k, x in affected_at.items()})))
