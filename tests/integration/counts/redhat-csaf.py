#!/usr/bin/env python3
"""Counts Red Hat CSAF (advisory and VEX) records, independently of Dagda.

A document is a .json file (or .json.xz etc.) with document.csaf_version. Each
vulnerabilities[] entry is one vulnerability. Its affected rows are the
distinct (RHEL major, rpm name) pairs over product_status fixed,
known_affected and known_not_affected (in that order of precedence), where the
product id is a relationship whose platform has a RHEL CPE
(enterprise_linux:N or rhel_*:N) and whose component is an rpm: a pkg:rpm purl,
or a "name-E:V-R[.arch]" product id; known_affected/not_affected components may
also be a bare package name. Fixed entries need a version.
Usage: redhat-csaf.py PATH...
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
import common  # noqa: E402

CPE = re.compile(r"^cpe:/[aoh]:redhat:(?:enterprise_linux|rhel_[a-z0-9_]+):(\d+)")
NEVRA = re.compile(r"^(.+)-(\d+):([^-]+-[^-]+?)(?:\.(src|noarch|x86_64|i686|i386|aarch64|ppc64le|ppc64|s390x|s390|ppc|ia64|armv7hl))?$")


def products(node, out, depth=0):
    if depth > 32 or not isinstance(node, dict):
        return
    p = node.get("product")
    if isinstance(p, dict) and p.get("product_id"):
        h = p.get("product_identification_helper") or {}
        out[p["product_id"]] = (h.get("cpe", ""), h.get("purl", ""))
    for b in node.get("branches") or []:
        products(b, out, depth + 1)


def rpm(component, purl, fixed):
    if purl:
        if not purl.startswith("pkg:rpm/"):
            return None
        path = purl[8:].split("?")[0].split("/")[-1]
        name, _, ver = path.partition("@")
        if not ver:
            m = NEVRA.match(component)
            ver = m and m.group(3)
        return (name, ver) if (ver or not fixed) else None
    m = NEVRA.match(component)
    if m:
        return (m.group(1), m.group(3))
    if not fixed and component and not re.search(r"[/:@]", component):
        return (component, "")
    return None


def main():
    vulns = rows = 0
    seen_any = False
    for path, data in common.entries(sys.argv[1:]):
        if not path.lower().endswith(".json"):
            continue
        try:
            doc = json.loads(data)
        except ValueError:
            continue
        if not isinstance(doc, dict) or "csaf_version" not in (doc.get("document") or {}):
            continue
        seen_any = True
        prods, rels = {}, {}
        tree = doc.get("product_tree") or {}
        products(tree, prods)
        for r in tree.get("relationships") or []:
            pid = (r.get("full_product_name") or {}).get("product_id")
            if pid:
                rels[pid] = (r.get("product_reference", ""), r.get("relates_to_product_reference", ""))
        for v in doc.get("vulnerabilities") or []:
            vulns += 1
            keys = set()
            ps = v.get("product_status") or {}
            for lst in ("fixed", "known_affected", "known_not_affected"):
                for pid in ps.get(lst) or []:
                    if pid not in rels:
                        continue
                    comp, plat = rels[pid]
                    m = CPE.match(prods.get(plat, ("", ""))[0])
                    if not m:
                        continue
                    r = rpm(comp, prods.get(comp, ("", ""))[1], lst == "fixed")
                    if r:
                        keys.add((m.group(1), r[0]))
            rows += len(keys)
    if seen_any:
        common.emit({"redhat-csaf": [vulns, rows]})


if __name__ == "__main__":
    main()
