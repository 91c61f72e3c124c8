#!/usr/bin/env python3
"""distro_scan_oracle.py SCAN.json DB: the findings a scan must have.

For every installed rpm of the scan's package list and every row of the
database in the namespaces the scan used (its "namespaces") for that binary
package, rpm's own comparison (rpm
--eval rpm.vercmp) decides: fixed rows give a finding exactly when the
installed version is below the fixed one; last_affected ranges when it is at
most the last affected one. Prints the expected and the actual set of
(package, vulnerability) pairs as two JSON lines."""
import json
import sqlite3
import subprocess
import sys

scan = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
namespaces = scan["namespaces"]

pairs = []
rows = []
for p in scan["packages"]:
    if p.get("ecosystem") != "rpm":
        continue
    for vuln, status, fixed, ranges in db.execute(
            "SELECT vuln_id, status, fixed_version, ranges FROM affected WHERE ns IN (%s) AND package = ?" %
            ",".join("?" * len(namespaces)), (*namespaces, p["name"])):
        rows.append((p["name"], p["version"], vuln, status, fixed, ranges))
        if status == "fixed":
            pairs.append((p["version"], fixed))
        elif status == "affected":
            last = [e["last_affected"] for r in json.loads(ranges) for e in r.get("events", []) if "last_affected" in e]
            pairs.append((p["version"], last[0]))

# One rpm call for every comparison (each pair printed as installed, other, vercmp).
lua = "".join('print(rpm.vercmp("%s", "%s")) print("\\n") ' % (a, b) for a, b in pairs)
out = subprocess.run(["rpm", "--eval", "%{lua: " + lua + "}"], capture_output=True, text=True, check=True).stdout
results = [int(x) for x in out.split()]
assert len(results) == len(pairs), (len(results), len(pairs))

expected = set()
i = 0
for name, version, vuln, status, fixed, ranges in rows:
    if status == "fixed":
        if results[i] < 0:
            expected.add((name, vuln))
        i += 1
    elif status == "affected":
        if results[i] <= 0:
            expected.add((name, vuln))
        i += 1
    elif status in ("unfixed", "will_not_fix", "postponed", "end_of_life", "under_investigation"):
        expected.add((name, vuln))

actual = set()
for f in scan["findings"]:
    if f["package"].get("ecosystem") == "rpm":
        actual.add((f["package"]["name"], f["id"]))
print(json.dumps(sorted(expected)))
print(json.dumps(sorted(actual)))
print(json.dumps({"rows": len(rows), "below": sum(1 for r in results if r < 0), "not_below": sum(1 for r in results if r >= 0)}))
