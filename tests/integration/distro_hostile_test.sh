#!/usr/bin/env bash
# distro_hostile_test: hostile inputs for the distro importers (suse-cvrf, updateinfo,
# oracle-oval, azure-oval, photon-cve, alma-errata, secdb), made here from their real samples:
# truncated, deeply nested, an XML entity bomb (DTD), and huge. Each `db import` runs under a
# 2 GiB address-space limit (prlimit --as) and a timeout: a broken file is refused with an
# error naming it (exit 1), a huge valid one imports, nothing crashes, and the database is
# unchanged by every refused file.
source "$(dirname "$0")/lib.sh"

DATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
V=$DATA/vulndb/samples/distro/vuln-list-update
DB=$SCRATCH/vulndb.sqlite
H=$SCRATCH/hostile
mkdir -p "$H"
command -v prlimit >/dev/null || fatal "prlimit (util-linux) is required"

# FORMAT RELEASE SAMPLE: the real sample each hostile file of that format is made from.
SAMPLES=(
  "suse-cvrf|-|$V/suse_cvrf_testdata/testdata/cvrf/cvrf-suse-su-2019-1608-1.xml|xml"
  "updateinfo|rocky:8|$V/rocky_testdata/testdata/fixtures/happy/updateinfo.xml|xml"
  "oracle-oval|-|$V/oracle_oval_testdata/testdata/ELSA-2007-0057.xml|xml"
  "azure-oval|-|$V/mariner_testdata/testdata/happy/cbl-mariner-2.0-preview-oval.xml|xml"
  "photon-cve|photon:3.0|$V/photon_testdata/testdata/cve_data_photon3.0.json|json"
  "alma-errata|alma:8|$V/alma_testdata/testdata/errata.json|json"
  "secdb|wolfi:rolling|$DATA/vulndb/samples/distro/vulnerablecode/alpine/v3.11/main.json|json"
)

# import NAME FORMAT RELEASE FILE: `db import --format` under the limits; RC and TOOK set.
import() {
  local args=(--db "$DB" db import --format "$2")
  [[ $3 != - ]] && args+=(--release "$3")
  RC=0
  local start=$SECONDS
  prlimit --as=$((2 << 30)) timeout -k 5 120 "$DAGDA" "${args[@]}" "$4" >"$SCRATCH/$1.out" 2>"$SCRATCH/$1.err" || RC=$?
  TOOK=$((SECONDS - start))
}
refused() {  # NAME FORMAT RELEASE FILE
  import "$@"
  if [[ $RC == 1 ]] && grep -qF "$(basename "$4")" "$SCRATCH/$1.err" && ((TOOK < 60)); then
    pass "$1: refused naming the file in ${TOOK}s ($(head -c 140 "$SCRATCH/$1.err" | tr '\n' ' '))"
  else
    fail "$1: exit $RC after ${TOOK}s: $(head -c 300 "$SCRATCH/$1.err")"
  fi
}

"$DAGDA" --db "$DB" db import "$V/alma_testdata/testdata/errata.json" >/dev/null 2>&1 || fatal "the first import failed"
"$DAGDA" --db "$DB" db status --json >"$SCRATCH/before.json" || fatal "db status failed"

for s in "${SAMPLES[@]}"; do
  IFS='|' read -r fmt rel sample kind <<<"$s"
  [[ -f $sample ]] || fatal "no sample $sample"
  size=$(stat -c %s "$sample")
  # Truncated: the first half (a cut JSON or XML document is never valid).
  head -c $((size / 2)) "$sample" >"$H/$fmt-cut.$kind"
  refused "$fmt-cut" "$fmt" "$rel" "$H/$fmt-cut.$kind"
  if [[ $kind == json ]]; then
    # 200,000 nested arrays.
    python3 -c 'import sys; sys.stdout.write("[" * 200000 + "]" * 200000)' >"$H/$fmt-deep.json"
    refused "$fmt-deep" "$fmt" "$rel" "$H/$fmt-deep.json"
  else
    # The sample's root element, then 200,000 nested elements inside it.
    root=$(python3 -c 'import re,sys; d=open(sys.argv[1],encoding="utf-8").read(); print(re.search(r"<([A-Za-z_][\w:.-]*)[^>?!]*>", d).group(0))' "$sample")
    python3 -c 'import sys; sys.stdout.write(sys.argv[1] + "<a>" * 200000 + "</a>" * 200000)' "$root" >"$H/$fmt-deep.xml"
    refused "$fmt-deep" "$fmt" "$rel" "$H/$fmt-deep.xml"
    # An entity bomb: 10 levels of 10 references, declared in a DTD before the sample's own root.
    python3 - "$sample" "$H/$fmt-bomb.xml" <<'PY'
import re, sys
d = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"<([A-Za-z_][\w:.-]*)[^>?!]*>", d)
name = m.group(1)
ents = ['<!ENTITY l0 "lol">'] + [f'<!ENTITY l{i} "' + f"&l{i-1};" * 10 + '">' for i in range(1, 10)]
body = d[m.start():]
body = body.replace(m.group(0), m.group(0) + "&l9;", 1)
open(sys.argv[2], "w", encoding="utf-8").write('<?xml version="1.0"?>\n<!DOCTYPE ' + name + " [\n" + "\n".join(ents) + "\n]>\n" + body)
PY
    refused "$fmt-bomb" "$fmt" "$rel" "$H/$fmt-bomb.xml"
  fi
done
"$DAGDA" --db "$DB" db status --json >"$SCRATCH/after.json" || fatal "db status failed"
check "the refused files left the database unchanged" \
  diff <(jq -S '[.sources[] | {source, counts}]' "$SCRATCH/before.json") <(jq -S '[.sources[] | {source, counts}]' "$SCRATCH/after.json")

# Huge: the real Photon list and Rocky updateinfo, their records repeated to about 100 MB.
python3 - "$V/photon_testdata/testdata/cve_data_photon3.0.json" "$H/cve_data_photon3.0-huge.json" <<'PY'
import json, sys
entries = json.load(open(sys.argv[1]))
one = ",".join(json.dumps(e) for e in entries)
with open(sys.argv[2], "w") as f:
    f.write("[")
    n = 0
    while f.tell() < 100 << 20:
        f.write(("," if n else "") + one)
        n += 1
    f.write("]")
PY
import photon-huge photon-cve photon:3.0 "$H/cve_data_photon3.0-huge.json"
if [[ $RC == 0 ]]; then pass "photon-huge: 100 MB imported under 2 GiB in ${TOOK}s"; else
  fail "photon-huge: exit $RC after ${TOOK}s: $(head -c 300 "$SCRATCH/photon-huge.err")"; fi
python3 - "$V/rocky_testdata/testdata/fixtures/happy/updateinfo.xml" "$H/updateinfo-huge.xml" <<'PY'
import re, sys
d = open(sys.argv[1], encoding="utf-8").read()
start, end = d.index("<update "), d.rindex("</updates>")
head, updates, tail = d[:start], d[start:end], d[end:]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(head)
    while f.tell() < 100 << 20:
        f.write(updates)
    f.write(tail)
PY
import updateinfo-huge updateinfo rocky:8 "$H/updateinfo-huge.xml"
if [[ $RC == 0 ]]; then pass "updateinfo-huge: 100 MB imported under 2 GiB in ${TOOK}s"; else
  fail "updateinfo-huge: exit $RC after ${TOOK}s: $(head -c 300 "$SCRATCH/updateinfo-huge.err")"; fi
rm -f "$H"/*-huge.*

finish
