#!/usr/bin/env python3
"""Counts NVD records in the inputs, independently of Dagda.

A record is one CVE: an item of "CVE_Items" (JSON 1.1 feeds) with
cve.CVE_data_meta.ID, or an item of "vulnerabilities" (API 2.0 pages) with
cve.id. Affected rows: NVD's CPE ranges of the runtimes docs/feeds.md lists
("NVD CPE ranges"), one row per CVE (not rejected) and runtime with at least one
vulnerable match kept by the rules written there. Also printed: rows per runtime,
and the SHA-256 of the sorted lines "CVE runtime constraint" (constraint as the
docs describe it: the alternatives in document order, duplicates dropped, " || ").
Usage: nvd.py PATH... [--at RUNTIME=VERSION]...   (files, folders, .json.gz, archives)

With --at, one more line per RUNTIME=VERSION: the CVEs whose rows hold that version, decided
with dpkg --compare-versions as the version oracle, only where its ordering agrees with the
upstream comparator's (bounds of dotted numbers with at most a trailing letter run that is not
"rc": OpenSSL's 1.1.1k); rows with any other bound are listed as "undecided".
"""
import collections
import hashlib
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import _walk  # noqa: E402

RUNTIMES = {
    ("nodejs", "node.js"): "node", ("nodejs", "nodejs"): "node", ("joyent", "node.js"): "node",
    ("python", "python"): "python", ("python_software_foundation", "python"): "python",
    ("ruby-lang", "ruby"): "ruby", ("yukihiro_matsumoto", "ruby"): "ruby", ("php", "php"): "php",
    ("oracle", "openjdk"): "openjdk", ("sun", "openjdk"): "openjdk", ("golang", "go"): "go",
    ("openssl", "openssl"): "openssl", ("openssl_project", "openssl"): "openssl",
    ("nginx", "nginx"): "nginx", ("f5", "nginx"): "nginx",
    ("apache", "http_server"): "httpd", ("apache", "apache_http_server"): "httpd",
    ("redis", "redis"): "redis", ("redislabs", "redis"): "redis",
    ("postgresql", "postgresql"): "postgresql", ("busybox", "busybox"): "busybox",
}
BOUNDS = [("versionStartIncluding", ">="), ("versionStartExcluding", ">"),
          ("versionEndIncluding", "<="), ("versionEndExcluding", "<")]
VERSION = re.compile(r"[0-9][A-Za-z0-9._+~-]*")


def comparable(v):
    if re.match(r"(?i)go[0-9]", v):
        v = v[2:]
    elif re.match(r"[vV][0-9]", v):
        v = v[1:]
    return len(v) <= 128 and VERSION.fullmatch(v) is not None


def fields(uri):
    if not isinstance(uri, str) or not uri.startswith("cpe:2.3:") or len(uri) > 4096:
        return None
    out, cur, i = [], "", 0
    while i < len(uri):
        c = uri[i]
        if c == "\\" and i + 1 < len(uri):
            cur += uri[i + 1]
            i += 2
            continue
        if c == ":":
            out.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    out.append(cur)
    return out if len(out) >= 7 else None


def matches(lst, key):
    out = []
    for m in lst if isinstance(lst, list) else []:
        if not isinstance(m, dict):
            continue
        f = fields(m.get(key))
        if not f:
            continue
        rt = RUNTIMES.get((f[3], f[4])) if f[2] == "a" else None
        out.append(dict(part=f[2], vendor=f[3], runtime=rt, m=m, f=f, vuln=m.get("vulnerable") is True))
    return out


def alternative(x):
    terms = []
    for k, op in BOUNDS:
        v = x["m"].get(k)
        if isinstance(v, str) and v:
            if not comparable(v):
                return None
            terms.append(op + v)
    if terms:
        return " ".join(terms)
    v, upd = x["f"][5], x["f"][6]
    if v in ("*", "-", ""):
        return None
    m = re.fullmatch(r"update_?([0-9]+)", upd)
    if m:
        v += "_" + m.group(1)
    elif upd not in ("*", "-", ""):
        v += "-" + upd
    return "=" + v if comparable(v) else None


def take(group, rows):
    for x in group:
        if x["vuln"] and x["runtime"]:
            a = alternative(x)
            if a is not None and a not in rows[x["runtime"]]:
                rows[x["runtime"]].append(a)


def platforms(group):
    if not group or any(x["part"] not in ("o", "h") for x in group):
        return False
    return not all(x["part"] == "o" and x["vendor"] in ("microsoft", "apple") for x in group)


def take_and(parts, rows):
    for i, p in enumerate(parts):
        if all(platforms(q) for j, q in enumerate(parts) if j != i):
            take(p, rows)


def parts_of(node, list_key, uri_key):
    ms = matches(node.get(list_key), uri_key)
    if not ms:
        return []
    return [[x] for x in ms] if node.get("operator") == "AND" else [ms]


def v11(node, rows, depth=0):
    if depth > 4 or not isinstance(node, dict) or node.get("negate") is True:
        return
    kids = node.get("children") if isinstance(node.get("children"), list) else []
    if node.get("operator") != "AND":
        take(matches(node.get("cpe_match"), "cpe23Uri"), rows)
        for k in kids:
            v11(k, rows, depth + 1)
        return
    parts = parts_of(node, "cpe_match", "cpe23Uri")
    for k in kids:
        if not isinstance(k, dict) or k.get("negate") is True or (isinstance(k.get("children"), list) and k["children"]):
            return
        parts += parts_of(k, "cpe_match", "cpe23Uri")
    take_and(parts, rows)


def api2(conf, rows):
    if not isinstance(conf, dict) or conf.get("negate") is True or not isinstance(conf.get("nodes"), list):
        return
    if conf.get("operator") == "AND":
        parts = []
        for n in conf["nodes"]:
            if not isinstance(n, dict) or n.get("negate") is True:
                return
            parts += parts_of(n, "cpeMatch", "criteria")
        take_and(parts, rows)
        return
    for n in conf["nodes"]:
        if not isinstance(n, dict) or n.get("negate") is True:
            continue
        ps = parts_of(n, "cpeMatch", "criteria")
        if n.get("operator") == "AND":
            take_and(ps, rows)
        else:
            for p in ps:
                take(p, rows)


AT = []
args = []
argv = sys.argv[1:]
while argv:
    a = argv.pop(0)
    if a == "--at" and argv:
        AT.append(tuple(argv.pop(0).split("=", 1)))
    else:
        args.append(a)
sys.argv[1:] = args

n = 0
lines = []
row_alts = []  # (cve, runtime, alternatives)
per_runtime = collections.Counter()


def record(cve, rejected, rows):
    if rejected:
        return
    for rt, alts in rows.items():
        if alts:
            per_runtime[rt] += 1
            lines.append(f"{cve} {rt} {' || '.join(alts)}")
            row_alts.append((cve, rt, list(alts)))


for path, data in _walk.files(_walk.main_args()):
    if not path.endswith(".json"):
        continue
    doc = json.loads(data)
    if "CVE_Items" in doc:
        for i in doc["CVE_Items"]:
            cid = i.get("cve", {}).get("CVE_data_meta", {}).get("ID")
            if not cid:
                continue
            n += 1
            rows = collections.defaultdict(list)
            for node in (i.get("configurations") or {}).get("nodes") or []:
                v11(node, rows)
            desc = [d.get("value", "") for d in i["cve"].get("description", {}).get("description_data", [])
                    if d.get("lang") == "en"]
            record(cid, bool(desc) and desc[0].startswith("** REJECT **"), rows)
    elif "vulnerabilities" in doc and "resultsPerPage" in doc:
        for i in doc["vulnerabilities"]:
            cve = i.get("cve", {})
            if not cve.get("id"):
                continue
            n += 1
            rows = collections.defaultdict(list)
            for conf in cve.get("configurations") or []:
                api2(conf, rows)
            record(cve["id"], cve.get("vulnStatus") == "Rejected", rows)
digest = hashlib.sha256("".join(line + "\n" for line in sorted(lines)).encode()).hexdigest()
_walk.emit("nvd", vulnerabilities=n, affected=len(lines), affected_by_runtime=dict(sorted(per_runtime.items())),
           rows_sha256=digest)

AGREE = re.compile(r"[0-9]+(\.[0-9]+)*[a-z]{0,2}")
OPS = {">=": "ge", ">": "gt", "<=": "le", "<": "lt", "=": "eq"}


def terms(alt):
    for t in alt.split(" "):
        op = re.match(r"[<>=]+", t).group(0)
        yield op, t[len(op):]


for rt, version in AT:
    mine = [(cve, alts) for cve, r, alts in row_alts if r == rt]
    checks = sorted({(version, OPS[op], b) for _, alts in mine for alt in alts for op, b in terms(alt)
                     if AGREE.fullmatch(b) and b[-2:] != "rc"})
    script = "".join(f"dpkg --compare-versions '{v}' {op} '{b}' && echo y || echo n\n" for v, op, b in checks)
    out = subprocess.run(["bash"], input=script, capture_output=True, text=True, check=True).stdout.split()
    holds = dict(zip(checks, (x == "y" for x in out)))
    affected, undecided = set(), set()
    for cve, alts in mine:
        decided_all = True
        for alt in alts:
            ts = list(terms(alt))
            if any(not AGREE.fullmatch(b) or b[-2:] == "rc" for _, b in ts):
                decided_all = False
                continue
            if all(holds[(version, OPS[op], b)] for op, b in ts):
                affected.add(cve)
        if cve not in affected and not decided_all:
            undecided.add(cve)
    print(json.dumps(dict(runtime=rt, version=version, affected=sorted(affected), undecided=sorted(undecided))))
