#!/usr/bin/env python3
"""Prints the rows an Oracle ELSA OVAL file stands for, per architecture,
independently of Dagda: `ns<TAB>package<TAB>evr<TAB>advisory` per line. Under
each "Oracle Linux N is installed" branch, each "P is earlier than E:V-R"
criterion gives P's fix for the nearest enclosing "Oracle Linux arch is A"
(none: ""); per (release, package, arch) the lowest EVR by rpm's own
comparison (`rpm --eval` rpm.vercmp). When a package's architectures agree the row is
keyed P, else one row per architecture keyed P#A.
Usage: oracle-arch-rows.py FILE.xml
"""
import re
import sys
import xml.etree.ElementTree as ET

import subprocess

NS = "{http://oval.mitre.org/XMLSchema/oval-definitions-5}"


def vercmp(a, b):
    out = subprocess.run(["rpm", "--eval", '%%{lua: print(rpm.vercmp("%s", "%s"))}' % (a, b)],
                         capture_output=True, text=True, check=True).stdout
    return int(out.strip())


def walk(crit, release, arch, out):
    for c in crit.findall(NS + "criterion"):
        m = re.match(r"Oracle Linux (\d+) is installed$", c.get("comment", ""))
        if m:
            release = m.group(1)
        m = re.match(r"Oracle Linux arch is (\S+)$", c.get("comment", ""))
        if m:
            arch = m.group(1)
    for c in crit:
        if c.tag == NS + "criteria":
            walk(c, release, arch, out)
        elif c.tag == NS + "criterion":
            m = re.match(r"^(\S+) is earlier than (\S+)$", c.get("comment", ""))
            if m and release:
                out.append((release, m.group(1), arch, m.group(2)))


def main():
    root = ET.parse(sys.argv[1]).getroot()
    rows = set()
    for d in root.iter(NS + "definition"):
        adv = [r.get("ref_id") for r in d.iter(NS + "reference") if r.get("source") == "elsa"][0]
        fixes = []
        walk(d.find(NS + "criteria"), None, "", fixes)
        lowest = {}
        for release, pkg, arch, evr in fixes:
            k = (release, pkg)
            cur = lowest.setdefault(k, {}).get(arch)
            if cur is None or vercmp(evr, cur) < 0:
                lowest[k][arch] = evr
        for (release, pkg), per_arch in lowest.items():
            if len(set(per_arch.values())) == 1:
                rows.add((f"oracle:{release}", pkg, next(iter(per_arch.values())), adv))
            else:
                for arch, evr in per_arch.items():
                    rows.add((f"oracle:{release}", f"{pkg}#{arch}" if arch else pkg, evr, adv))
    for r in sorted(rows):
        print("\t".join(r))


if __name__ == "__main__":
    main()
