#!/usr/bin/python3
"""Which advisories of a language feed affect one installed package, decided by that
ecosystem's own tool, compared with the findings of a `dagda scan --format json`.

usage: apps_oracle.py SCAN.json VULNDB_DIR FEED ECOSYSTEM NAME VERSION

FEED is rubysec, friendsofphp, nodejs, pypi or retirejs. The advisories are read from
the feed files in VULNDB_DIR; whether VERSION is affected is decided by Ruby's
Gem::Requirement, Composer's Semver, node-semver or python3-packaging (retire.js ranges
by node-semver too), never by Dagda's comparators. Each advisory must be reported by a
finding of the package that carries a match from FEED, and each such match must be one
of the advisories. Exit 0 when both hold and there is at least one advisory.
"""
import json
import os
import subprocess
import sys
import tarfile

import yaml
from packaging.version import InvalidVersion, Version

scan_path, vdb, feed, eco, name, version = sys.argv[1:7]
SOURCE = {"pypi": "pypa"}.get(feed, feed)  # the source name `db status` gives the PyPA database


def tar_members(path, want):
    with tarfile.open(path) as t:
        for m in t:
            if m.isfile() and want(m.name):
                yield m.name, t.extractfile(m).read()


def run(cmd, stdin, env=None):
    out = subprocess.run(cmd, input=stdin.encode(), capture_output=True, env=env)
    if out.returncode != 0:
        sys.exit(f"oracle {cmd[0]} failed: {out.stderr.decode()[:500]}")
    return out.stdout.decode()


def node_satisfies(pairs):
    """node-semver's answer for each (version, range)."""
    js = ("const s=require('semver');const r=[];"
          "for(const [v,g] of JSON.parse(require('fs').readFileSync(0,'utf8')))"
          "r.push(s.satisfies(v,g,{loose:true}));console.log(JSON.stringify(r));")
    env = dict(os.environ, NODE_PATH="/usr/share/nodejs:/usr/lib/nodejs")
    return json.loads(run(["/usr/bin/node", "-e", js], json.dumps(pairs), env))


def rubysec():
    advs = []
    for path, raw in tar_members(f"{vdb}/rubysec-ruby-advisory-db.tar.xz",
                                 lambda n: n.startswith(f"gems/{name}/") and n.endswith(".yml")):
        d = yaml.safe_load(raw)
        ids = [i for i in ("CVE-" + str(d["cve"]) if d.get("cve") else "",
                           "GHSA-" + str(d["ghsa"]) if d.get("ghsa") else "") if i]
        advs.append((ids or [os.path.basename(path)[:-4]], d.get("patched_versions") or [],
                     d.get("unaffected_versions") or []))
    rb = ("require 'json'; v = Gem::Version.new(ARGV[0]); "
          "sat = ->(list) { list.any? { |r| Gem::Requirement.new(*r.split(',').map(&:strip)).satisfied_by?(v) } }; "
          "puts JSON.generate(JSON.parse(STDIN.read).map { |p, u| !sat.(p) && !sat.(u) })")
    hits = json.loads(run(["ruby", "-e", rb, version], json.dumps([[p, u] for _, p, u in advs])))
    return [ids for (ids, _, _), hit in zip(advs, hits) if hit]


def friendsofphp():
    advs = []
    for path, raw in tar_members(f"{vdb}/friendsofphp-security-advisories.tar.xz",
                                 lambda n: n.startswith(f"{name}/") and n.endswith(".yaml")):
        d = yaml.safe_load(raw)
        cve = d.get("cve")
        ids = [cve] if cve and cve != "~" else [f"FRIENDSOFPHP-{name}-{os.path.basename(path)[:-5]}"]
        advs.append((ids, [",".join(b.get("versions") or []) for b in (d.get("branches") or {}).values()]))
    php = ("require 'Composer/Semver/autoload.php'; $v = $argv[1]; $out = []; "
           "foreach (json_decode(stream_get_contents(STDIN), true) as $branches) { $hit = false; "
           "foreach ($branches as $c) if ($c !== '' && Composer\\Semver\\Semver::satisfies($v, $c)) $hit = true; "
           "$out[] = $hit; } echo json_encode($out);")
    hits = json.loads(run(["php", "-r", php, version], json.dumps([b for _, b in advs])))
    return [ids for (ids, _), hit in zip(advs, hits) if hit]


def nodejs():
    advs = []
    for _, raw in tar_members(f"{vdb}/nodejs-security-wg-vuln.tar.xz",
                              lambda n: "/npm/" in n and n.endswith(".json")):
        d = json.loads(raw)
        if d.get("module_name") != name:
            continue
        ids = [f"NSWG-ECO-{d['id']}"] + list(d.get("cves") or [])
        advs.append((ids, d.get("vulnerable_versions") or "", d.get("patched_versions") or ""))
    pairs = []
    for _, vuln, patched in advs:
        pairs += [[version, vuln or "<0.0.0-0"], [version, patched or "<0.0.0-0"]]
    sat = node_satisfies(pairs)
    return [ids for i, (ids, _, _) in enumerate(advs) if sat[2 * i] and not sat[2 * i + 1]]


def pypi():
    v = Version(version)
    out = []
    for _, raw in tar_members(f"{vdb}/osv-pypi-pypa-advisory-database.tar.xz",
                              lambda n: n.endswith((".yaml", ".json"))):
        d = yaml.safe_load(raw)
        if not isinstance(d, dict):
            continue
        for a in d.get("affected", []):
            if a.get("package", {}).get("name", "").lower() != name:
                continue
            hit = version in (a.get("versions") or [])
            for r in a.get("ranges", []):
                if r.get("type") != "ECOSYSTEM":
                    continue
                lo = None
                for e in r.get("events", []):
                    try:
                        if "introduced" in e:
                            lo = Version(e["introduced"])
                        elif "fixed" in e and lo is not None:
                            hit |= lo <= v < Version(e["fixed"])
                            lo = None
                        elif "last_affected" in e and lo is not None:
                            hit |= lo <= v <= Version(e["last_affected"])
                            lo = None
                    except InvalidVersion:
                        lo = None
                if lo is not None and lo <= v:
                    hit = True
            if hit:
                out.append([d["id"]] + list(d.get("aliases") or []))
    return out


def retirejs():
    repo = json.load(open(f"{vdb}/retirejs/jsrepository.json"))
    advs, pairs = [], []
    for vuln in repo.get(name, {}).get("vulnerabilities", []):
        ident = vuln.get("identifiers", {})
        ids = list(ident.get("githubID", []) if isinstance(ident.get("githubID"), list)
                   else [ident["githubID"]] if ident.get("githubID") else [])
        ids += list(ident.get("CVE", []))
        rng = " ".join(x for x in (f">={vuln['atOrAbove']}" if vuln.get("atOrAbove") else "",
                                   f"<{vuln['below']}" if vuln.get("below") else "") if x)
        advs.append(ids)
        pairs.append([version, rng or "*"])
    sat = node_satisfies(pairs)
    return [ids for ids, hit in zip(advs, sat) if hit and ids]


want = {"rubysec": rubysec, "friendsofphp": friendsofphp, "nodejs": nodejs, "pypi": pypi,
        "retirejs": retirejs}[feed]()
scan = json.load(open(scan_path))
findings = [f for f in scan["findings"]
            if f["package"]["name"] == name and f["package"]["ecosystem"] == eco
            and any(m["source"] == SOURCE for m in f["matches"])]
names = [set([f["id"]] + f.get("aliases", []) + [m["advisory"] for m in f["matches"]]) for f in findings]
missing = [ids for ids in want if not any(set(ids) & n for n in names)]
extra = sorted({m["advisory"] for f in findings for m in f["matches"] if m["source"] == SOURCE
                and not any(m["advisory"] in ids or f["id"] in ids for ids in want)})
print(f"  {feed} {name} {version}: the feed by its own tool {len(want)} advisories, "
      f"dagda {len(findings)} findings from {SOURCE}")
for ids in missing:
    print(f"  missing from dagda: {ids}")
for a in extra:
    print(f"  not affected by the oracle: {a}")
sys.exit(0 if want and not missing and not extra else 1)
