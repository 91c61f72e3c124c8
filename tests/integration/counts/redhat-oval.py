#!/usr/bin/env python3
"""Counts Red Hat OVAL v2 records, independently of Dagda (xml.etree).

A document is an XML file whose root is oval_definitions and that mentions Red
Hat. Every <definition> is one vulnerability. Its affected rows are the
distinct package names of the rpminfo_tests its criteria refer to (tests with
check_existence="none_exist" excepted) that either have a state whose evr has
operation "less than" (a fix), or, in class="vulnerability" definitions, any
rpminfo_test (unfixed). Definitions without a RHEL release (criteria comment
"Red Hat Enterprise Linux N is installed", an "elN" CPE, or RHELN/rhel-N in the
path) have no rows.
A patch definition covering several CVEs has rows per (package, CVE), and
each <cve> element of its advisory that carries Red Hat's figures (impact,
cvss3, cvss2 or cwe) is one more vulnerability (that CVE's own record), unless
the CVE is the definition's own id.
Usage: redhat-oval.py PATH...
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(__file__))
import common  # noqa: E402


def local(tag):
    return tag.rsplit("}", 1)[-1]


def main():
    vulns = rows = 0
    seen = False
    for path, data in common.entries(sys.argv[1:]):
        if b"<oval_definitions" not in data[:4096] or (b"com.redhat" not in data[:4096] and b"Red Hat" not in data[:4096]):
            continue
        try:
            root = ET.fromstring(data)
        except ET.ParseError:
            continue
        seen = True
        tests, objects, states = {}, {}, {}
        for el in root.iter():
            t = local(el.tag)
            if t == "rpminfo_test":
                o = s = None
                for c in el:
                    if local(c.tag) == "object":
                        o = c.get("object_ref")
                    if local(c.tag) == "state":
                        s = c.get("state_ref")
                tests[el.get("id")] = (o, s, el.get("check_existence") == "none_exist")
            elif t == "rpminfo_object":
                for c in el:
                    if local(c.tag) == "name":
                        objects[el.get("id")] = c.text
            elif t == "rpminfo_state":
                for c in el:
                    if local(c.tag) == "evr":
                        states[el.get("id")] = c.get("operation")
        pm = re.search(r"(?:RHEL|rhel-)(\d+)", path)
        for d in root.iter():
            if local(d.tag) != "definition":
                continue
            vulns += 1
            cves, advisory = [], None
            for el in d.iter():
                if local(el.tag) == "reference":
                    if el.get("source") == "CVE":
                        if re.fullmatch(r"CVE-\d{4}-\d+", el.get("ref_id", "")) and el.get("ref_id") not in cves:
                            cves.append(el.get("ref_id"))
                    elif advisory is None and el.get("ref_id"):
                        advisory = el.get("ref_id")
            if d.get("class") == "vulnerability" and cves:
                own = cves[0]
            else:
                own = advisory or (cves[0] if cves else d.get("id"))
            for el in d.iter():
                if local(el.tag) == "cve" and re.fullmatch(r"CVE-\d{4}-\d+", (el.text or "").strip()):
                    if (el.text or "").strip() != own and any(el.get(k) for k in ("impact", "cvss3", "cvss2", "cwe")):
                        vulns += 1
            major = None
            refs = []
            for el in d.iter():
                if local(el.tag) == "criterion":
                    refs.append(el.get("test_ref"))
                    m = re.search(r"Red Hat Enterprise Linux (\d+) is installed", el.get("comment", ""))
                    if m and not major:
                        major = m.group(1)
            if not major:
                for el in d.iter():
                    if local(el.tag) == "cpe" and el.text and re.search(r"el(\d+)", el.text):
                        major = re.search(r"el(\d+)", el.text).group(1)
                        break
            if not major and pm:
                major = pm.group(1)
            if not major:
                continue
            pkgs = set()
            for r in refs:
                if r not in tests:
                    continue
                o, s, none = tests[r]
                if none or o not in objects:
                    continue
                if states.get(s) == "less than" or d.get("class") == "vulnerability":
                    pkgs.add(objects[o])
            rows += len(pkgs) * max(1, len(cves))
    if seen:
        common.emit({"redhat-oval": [vulns, rows]})


if __name__ == "__main__":
    main()
