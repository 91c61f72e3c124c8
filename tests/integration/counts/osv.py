#!/usr/bin/env python3
"""Counts OSV records in the inputs, independently of Dagda.

A record is one OSV object (a .json file holding an object with "id", or a
.yaml/.yml file with top-level "id" and "affected"/"modified"). It counts as one
vulnerability of the source named by its id prefix (GHSA->ghsa, PYSEC->pypa,
GO->go-vulndb, RUSTSEC->rustsec-osv, ELA/DLA/DSA/DEBIAN->debian-osv,
USN/UBUNTU->ubuntu-osv, else osv). Each affected[] entry with a package name,
an ecosystem Dagda knows (see KNOWN below) and `ranges` absent or a list counts
as one affected row, except that a withdrawn record has none, and a distro
advisory (DSA, DLA, ELA, USN, RHSA, ... see ADVISORY) has one per CVE it
covers (the CVEs among upstream, related and aliases, UBUNTU-/DEBIAN- prefixes
removed), one when it covers none.
Usage: osv.py PATH...   (files, folders, archives)
"""
import json
import re
import sys

import yaml

sys.path.insert(0, __import__("os").path.dirname(__file__))
import common  # noqa: E402

KNOWN = {"pypi", "npm", "go", "golang", "crates.io", "cargo", "rubygems", "gem", "packagist",
         "composer", "maven", "nuget", "javascript", "retirejs"}
DISTROS = {"debian", "alpine", "ubuntu"}
DEBIAN = {"buzz", "rex", "bo", "hamm", "slink", "potato", "woody", "sarge", "etch", "lenny", "squeeze",
          "wheezy", "jessie", "stretch", "buster", "bullseye", "bookworm", "trixie", "forky", "duke"}


def known(eco):
    base, _, rest = eco.partition(":")
    b = base.lower()
    if rest and b in DISTROS:
        rel = rest
        if b == "ubuntu" and rel.startswith("Pro:"):
            rel = rel[4:]
        rel = rel.split(":")[0].lower()
        if b == "alpine":
            return rel == "edge" or re.fullmatch(r"v?[0-9.]+", rel) is not None
        if b == "debian":
            return rel in ("sid", "unstable") or rel in DEBIAN or re.fullmatch(r"[0-9.]+", rel) is not None
        return re.fullmatch(r"[0-9.]+", rel) is not None  # ubuntu: numbers (codenames not seen in OSV)
    return b in KNOWN


ADVISORY = ("DSA-", "DLA-", "DTSA-", "ELA-", "USN-", "LSN-", "RHSA-", "RHBA-", "RHEA-", "RLSA-", "RXSA-", "ALSA-",
            "ALBA-", "ALEA-", "MGASA-", "SUSE-SU-", "openSUSE-SU-", "BELL-")
CVE = re.compile(r"^CVE-\d{4}-\d+$")


def covered(doc):
    out = set()
    for x in (doc.get("upstream") or []) + (doc.get("related") or []) + (doc.get("aliases") or []):
        x = re.sub(r"^(UBUNTU|DEBIAN)-(?=CVE-)", "", x)
        if CVE.match(x):
            out.add(x.lower())
    return out


def source(i):
    p = i.split("-")[0]
    return {"GHSA": "ghsa", "PYSEC": "pypa", "GO": "go-vulndb", "RUSTSEC": "rustsec-osv", "ELA": "debian-osv",
            "DLA": "debian-osv", "DSA": "debian-osv", "DEBIAN": "debian-osv", "USN": "ubuntu-osv",
            "UBUNTU": "ubuntu-osv"}.get(p, "osv")


def main():
    counts = {}
    for path, data in common.entries(sys.argv[1:]):
        low = path.lower()
        try:
            if low.endswith(".json"):
                doc = json.loads(data)
            elif low.endswith((".yaml", ".yml")):
                doc = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            else:
                continue
        except Exception:
            continue
        if not isinstance(doc, dict) or "id" not in doc:
            continue
        if low.endswith((".yaml", ".yml")) and not ("affected" in doc or "modified" in doc):
            continue
        c = counts.setdefault(source(doc["id"]), [0, 0])
        c[0] += 1
        if doc.get("withdrawn"):
            continue
        per_entry = max(1, len(covered(doc))) if str(doc["id"]).startswith(ADVISORY) else 1
        for a in doc.get("affected") or []:
            pkg = a.get("package") or {}
            if not pkg.get("name") or not known(pkg.get("ecosystem", "")):
                continue
            if "ranges" in a and a["ranges"] is not None and not isinstance(a["ranges"], list):
                continue
            c[1] += per_entry
    common.emit(counts)


if __name__ == "__main__":
    main()
