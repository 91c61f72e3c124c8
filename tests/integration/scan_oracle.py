#!/usr/bin/env python3
"""Independent expectations for scan_test.sh, computed from the feed files themselves.

  scan_oracle.py alpine ROOTFS_TGZ SECDB_YAML...   -> "package<TAB>id" lines a scan must report
  scan_oracle.py ubuntu STATUS UCT_TAR CODENAME     -> "source<TAB>id<TAB>status" lines
  scan_oracle.py debian-check SCAN_JSON             -> checks each finding with dpkg --compare-versions
  scan_oracle.py dagda-rows SCAN_JSON MODE          -> the same rows from a dagda.scan/v1 document

The apk comparison is written here from the apk version format (digits, letter, suffixes,
-rN); the Debian/Ubuntu comparisons ask the real dpkg. Nothing here calls dagda's code.
"""
import json
import re
import subprocess
import sys
import tarfile

import yaml

# ---------------------------------------------------------------- apk versions
_APK_RE = re.compile(r"^(\d+(?:\.\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(?:-r(\d+))?$")
# Suffix order of the apk format: pre-releases sort before the bare version, the others after.
_SUFFIX_RANK = {"alpha": -4, "beta": -3, "pre": -2, "rc": -1, "cvs": 1, "svn": 2, "git": 3, "hg": 4, "p": 5}


class BadVersion(Exception):
    pass


def _apk_parse(v):
    m = _APK_RE.match(v)
    if not m:
        raise BadVersion(v)
    digits = m.group(1).split(".")
    suffixes = []
    for s in re.findall(r"_([a-z]+)(\d*)", m.group(3)):
        suffixes.append((_SUFFIX_RANK[s[0]], int(s[1] or 0)))
    return digits, m.group(2), suffixes, int(m.group(4) or 0)


def _cmp(a, b):
    return (a > b) - (a < b)


def apk_compare(a, b):
    da, la, sa, ra = _apk_parse(a)
    db, lb, sb, rb = _apk_parse(b)
    for i in range(min(len(da), len(db))):
        x, y = da[i], db[i]
        # After the first component, a leading zero makes the component a decimal fraction
        # ("1.02" < "1.1"): compared as strings.
        if i > 0 and (x.startswith("0") or y.startswith("0")):
            c = _cmp(x, y)
        else:
            c = _cmp(int(x), int(y))
        if c:
            return c
    if len(da) != len(db):
        return 1 if len(da) > len(db) else -1
    c = _cmp(la, lb)  # no letter sorts before any letter
    if c:
        return c
    for i in range(max(len(sa), len(sb))):
        x = sa[i] if i < len(sa) else None
        y = sb[i] if i < len(sb) else None
        if x is None:  # the bare version is above a pre-release and below a post-release
            return 1 if y[0] < 0 else -1
        if y is None:
            return -1 if x[0] < 0 else 1
        c = _cmp(x, y)
        if c:
            return c
    return _cmp(ra, rb)


_ID_RE = re.compile(r"^(CVE-\d{4}-\d+|[A-Z]{2,}-\d[\w.:-]*)$")


def _secfix_identity(item):
    words = [w.strip(",;()") for w in str(item).split()]
    ids = [w for w in words if _ID_RE.match(w)]
    cves = [w for w in ids if w.startswith("CVE-")]
    if cves:
        return cves[0]
    return ids[0] if ids else None


def alpine(rootfs, secdbs):
    with tarfile.open(rootfs) as t:
        member = next(m for m in t.getmembers() if m.name.lstrip("./") == "lib/apk/db/installed")
        text = t.extractfile(member).read().decode()
    installed = []
    for block in text.split("\n\n"):
        f = {}
        for line in block.splitlines():
            if len(line) > 2 and line[1] == ":":
                f.setdefault(line[0], line[2:])
        if "P" in f:
            installed.append((f["P"], f["V"], f.get("o", f["P"])))
    fixes = {}  # origin -> list of (fixed version, id)
    for path in secdbs:
        with open(path) as fh:
            doc = yaml.safe_load(fh)
        for entry in doc.get("packages") or []:
            pkg = (entry or {}).get("pkg") or {}
            name = pkg.get("name")
            secfixes = pkg.get("secfixes") or {}
            if not name or not isinstance(secfixes, dict):
                continue
            for ver, items in secfixes.items():
                for item in items or []:
                    ident = _secfix_identity(item)
                    if ident:
                        fixes.setdefault(name, []).append((str(ver), ident))
    out, bad = set(), set()
    for name, version, origin in installed:
        never = {i for v, i in fixes.get(origin, []) if v == "0"}
        for fixed, ident in fixes.get(origin, []):
            if fixed == "0" or ident in never:
                continue
            try:
                if apk_compare(version, fixed) < 0:
                    out.add((name, ident))
            except BadVersion as e:
                bad.add(str(e))
    for b in sorted(bad):
        print(f"oracle: cannot parse apk version {b!r}", file=sys.stderr)
    for row in sorted(out):
        print("\t".join(row))


# ---------------------------------------------------------------- dpkg
def dpkg_installed(path):
    with open(path) as fh:
        text = fh.read()
    out = []
    for block in re.split(r"\n\s*\n", text):
        f = {}
        for line in block.splitlines():
            if line and not line[0].isspace() and ":" in line:
                k, v = line.split(":", 1)
                f[k] = v.strip()
        if "Package" not in f or not f.get("Status", "").endswith(" installed"):
            continue
        src, srcver = f["Package"], f["Version"]
        if f.get("Source"):
            m = re.match(r"^(\S+)(?:\s+\((\S+)\))?$", f["Source"])
            src = m.group(1)
            if m.group(2):
                srcver = m.group(2)
        out.append((f["Package"], f["Version"], src, srcver))
    return out


_lt_cache = {}


def dpkg_lt(a, b):
    key = (a, b)
    if key not in _lt_cache:
        _lt_cache[key] = subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0
    return _lt_cache[key]


# needs-triage: Ubuntu has not decided yet whether the package is affected (issue 11).
_UCT_STATUS = {"needed": "unfixed", "needs-triage": "under-investigation", "active": "unfixed", "pending": "unfixed",
               "deferred": "postponed", "not-affected": "not-affected", "released": "fixed"}


def ubuntu(status_file, uct_tar, codename):
    sources = {}
    for _pkg, _ver, src, srcver in dpkg_installed(status_file):
        sources.setdefault(src, set()).add(srcver)
    line_re = re.compile(r"^([a-z0-9./-]+)_([A-Za-z0-9.+-]+):\s*(\S+)\s*(?:\((.*)\))?")
    out, unknown = set(), set()
    with tarfile.open(uct_tar) as t:
        for m in t:
            if not m.isfile() or not re.search(r"/(active|retired)/CVE-\d+-\d+$", "/" + m.name):
                continue
            text = t.extractfile(m).read().decode("utf-8", "replace")
            cand = re.search(r"^Candidate:\s*(\S+)", text, re.M)
            if not cand:
                continue
            cve = cand.group(1)
            if re.search(r"^Description:\s*\n?\s*\*\* REJECT \*\*", text, re.M):
                continue  # a rejected candidate (CVE-2019-9619) is no vulnerability
            rows = {}  # source -> (status word, detail, esm)
            for line in text.splitlines():
                lm = line_re.match(line)
                if not lm:
                    continue
                rel, pkg, st, detail = lm.group(1), lm.group(2), lm.group(3), lm.group(4) or ""
                if rel == codename:
                    esm = False
                elif rel == codename + "/esm" or (rel.startswith("esm-") and rel.endswith("/" + codename)):
                    esm = True
                else:
                    continue
                if pkg not in sources or st == "DNE":
                    continue
                if pkg not in rows or (esm and not rows[pkg][2]):
                    rows[pkg] = (st, detail, esm)
            for pkg, (st, detail, _esm) in rows.items():
                if st == "ignored":
                    low = detail.lower()
                    status = "end-of-life" if ("end of life" in low or "end-of-life" in low) else "will-not-fix"
                else:
                    status = _UCT_STATUS.get(st)
                if status is None:
                    unknown.add(st)
                    continue
                if status == "not-affected":
                    continue
                for ver in sources[pkg]:
                    fixed = detail.split(" ")[0] if status == "fixed" else ""
                    if status == "fixed" and fixed and not dpkg_lt(ver, fixed):
                        continue
                    out.add((pkg, cve, status))
    for u in sorted(unknown):
        print(f"oracle: unknown UCT status {u!r}", file=sys.stderr)
    print(f"oracle: {len(_lt_cache)} dpkg comparisons", file=sys.stderr)
    for row in sorted(out):
        print("\t".join(row))


_DEB_TAGS = {"<not-affected>": "not-affected", "<unfixed>": "unfixed", "<end-of-life>": "end-of-life",
             "<no-dsa>": "will-not-fix", "<ignored>": "will-not-fix", "<postponed>": "postponed"}


def debian(status_file, codename, lists):
    """Rows a scan must report from DSA/DLA lists: per advisory, its CVEs (else the advisory)."""
    sources = {}
    for _pkg, _ver, src, srcver in dpkg_installed(status_file):
        sources.setdefault(src, set()).add(srcver)
    out, considered, never = set(), 0, set()
    for path in lists:
        adv, cves = None, []
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                m = re.match(r"^\[[^]]+\]\s+(D[SL]A-\S+)", line)
                if m:
                    adv, cves = m.group(1), []
                    continue
                m = re.match(r"^\s+\{(.*)\}", line)
                if m:
                    cves = [w for w in m.group(1).split() if w.startswith("CVE-")]
                    continue
                m = re.match(r"^\s+\[([a-z]+)(?:-lts|-security)?\]\s+-\s+(\S+)\s+(\S+)", line)
                if not m or m.group(1) != codename or m.group(2) not in sources:
                    continue
                considered += 1
                pkg, ver = m.group(2), m.group(3)
                status = _DEB_TAGS.get(ver, "fixed")
                for ident in cves or [adv]:
                    if status == "not-affected":
                        never.add((pkg, ident))
                        continue
                    for inst in sources[pkg]:
                        if status != "fixed" or dpkg_lt(inst, ver):
                            out.add((pkg, ident, status))
    print(f"oracle: {considered} advisory rows for installed sources, {len(_lt_cache)} dpkg comparisons",
          file=sys.stderr)
    for row in sorted(r for r in out if (r[0], r[1]) not in never):
        print("\t".join(row))


def debian_check(scan_json):
    doc = json.load(open(scan_json))
    bad = 0
    for f in doc["findings"]:
        m = f["match"]
        if m["comparator"] != "deb":
            print(f"comparator {m['comparator']!r} for {f['id']} {f['package']['name']}")
            bad += 1
        fixed = f.get("fixed_version") or ""
        if fixed and not dpkg_lt(m["installed"], fixed):
            print(f"{f['id']} {f['package']['name']}: installed {m['installed']} is not below fixed {fixed}")
            bad += 1
    print(f"{len(doc['findings'])} findings, {bad} wrong, {len(_lt_cache)} dpkg comparisons")
    sys.exit(1 if bad else 0)


def dagda_rows(scan_json, mode):
    doc = json.load(open(scan_json))
    rows = set()
    for f in doc["findings"]:
        p = f["package"]
        if mode == "alpine":
            rows.add((p["name"], f["id"]))
        else:
            rows.add((p.get("source_name") or p["name"], f["id"], f["status"]))
    for row in sorted(rows):
        print("\t".join(row))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "alpine":
        alpine(args[0], args[1:])
    elif cmd == "ubuntu":
        ubuntu(args[0], args[1], args[2])
    elif cmd == "debian":
        debian(args[0], args[1], args[2:])
    elif cmd == "debian-check":
        debian_check(args[0])
    elif cmd == "dagda-rows":
        dagda_rows(args[0], args[1])
    elif cmd == "apk-compare":
        print(apk_compare(args[0], args[1]))
    else:
        sys.exit(f"unknown command {cmd}")
