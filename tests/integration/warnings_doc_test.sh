#!/usr/bin/env bash
# Every warning code the code can emit is documented in docs/warnings.md, and the
# documented codes still exist (no stale rows). Codes are read from the source:
# the string literals of the form `area.what-happened` passed to a warning.
source "$(dirname "$0")/lib.sh"

python3 - "$DAGDA_SOURCE_DIR" >"$SCRATCH/report" <<'PY'
import pathlib, re, sys
root = pathlib.Path(sys.argv[1])
code = re.compile(r'"([a-z][a-z0-9]*(?:-[a-z0-9]+)*\.[a-z][a-z0-9]*(?:-[a-z0-9]+)*)"')
context = re.compile(r'warn|Warning|diag\.add|\.code\b')
found = {}
for f in sorted((root / "src").rglob("*.[ch]pp")):
    lines = f.read_text(errors="replace").splitlines()
    for i, line in enumerate(lines):
        window = " ".join(lines[max(0, i - 2):i + 1])
        if not context.search(window):
            continue
        for m in code.finditer(line):
            c = m.group(1)
            if re.search(r'\.(json|yaml|yml|xml|txt|csv|gz|zip|cpp|hpp|list|sqlite|toml|lock|md|com|org|io|net)$', c):
                continue
            found.setdefault(c, f"{f.relative_to(root)}:{i + 1}")
doc = (root / "docs/warnings.md").read_text()
documented = set(re.findall(r'`([a-zA-Z*][A-Za-z0-9*-]*\.[a-z*][a-z0-9*-]*)`', doc))
# Rows that list a family: "`dpkg.*` (`malformed-line`, `bad-name`, ...)" document dpkg.malformed-line etc.
for row in doc.splitlines():
    fam = re.match(r'\|\s*`([a-z][a-z0-9-]*)\.\*`\s*\(([^)]*)\)', row)
    if fam:
        for s in re.findall(r'`([a-z0-9-]+)`', fam.group(2)):
            documented.add(f"{fam.group(1)}.{s}")
    # "`a.b`, `.c`" shorthands: `.c` after `a.b` means a.c
    prev = None
    for tok in re.findall(r'`([^`]+)`', row.split('|')[1] if row.startswith('|') else ''):
        if tok.startswith('.') and prev:
            documented.add(prev + tok)
        elif '.' in tok:
            prev = tok.split('.')[0]
missing = sorted(c for c in found if c not in documented and not any(
    d.endswith('.*') and c.startswith(d[:-1]) for d in documented))
for c in missing:
    print(f"MISSING {c} ({found[c]})")
print(f"codes {len(found)}")
PY
n=$(sed -n 's/^codes //p' "$SCRATCH/report")
((n > 50)) && pass "read $n warning codes from the source" || fail "only $n warning codes found in the source"
if grep -q '^MISSING' "$SCRATCH/report"; then
  fail "warning codes missing from docs/warnings.md: $(grep '^MISSING' "$SCRATCH/report" | tr '\n' ' ')"
else
  pass "every warning code is in docs/warnings.md"
fi
finish
