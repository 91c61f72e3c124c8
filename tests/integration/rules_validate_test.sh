#!/usr/bin/env bash
# `dagda rules validate` through the real binary (issue 14, item 1): Dagda's own default
# rules, Falco's real rule files (../shared/data/falco), the rule files of Falco plugins,
# broken copies of Falco's rules (a syntax error, an unknown field) and hostile files (an
# alias bomb, deep nesting, a macro loop, lists and macros that expand exponentially, a
# huge list, 10k rules, truncated and binary files), each under a 2 GB address-space limit
# in the Release build and a time bound. Every case must end with exit 0 or 1 and, for a
# failure, an error that names the file (and the line where there is one); never a crash.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TESTDATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
FALCO=$TESTDATA/falco
[[ -f $FALCO/rules/falco_rules.yaml ]] || fatal "no Falco rule files at $FALCO/rules (set DAGDA_TESTDATA)"
IN=$SCRATCH/inputs
mkdir -p "$IN"

# AddressSanitizer reserves terabytes of address space: there the limit cannot apply.
LIMIT=(prlimit --as=2000000000)
if grep -qa __asan_init "$DAGDA"; then
  echo "# AddressSanitizer build: hostile inputs run without the address-space limit"
  LIMIT=()
fi

# validate NAME ARGS...: `dagda rules validate ARGS...` under the limit; sets RC.
validate() {
  local name=$1
  shift
  RC=0
  "${LIMIT[@]}" timeout -k 10 120 "$DAGDA" rules validate "$@" >"$SCRATCH/$name.out" 2>"$SCRATCH/$name.err" || RC=$?
}

# ends_cleanly NAME WANT_RC: the run ended with WANT_RC (not a signal, not the time bound).
ends_cleanly() {
  local name=$1 want=$2
  if ((RC == 124 || RC == 137)); then
    fail "$name: no answer within 120 s (hang)"
  elif ((RC > 128)); then
    fail "$name: killed by signal $((RC - 128)) (crash)"
    show_err "$name"
  elif ((RC != want)); then
    fail "$name: exit $RC, expected $want"
    head -n 5 "$SCRATCH/$name.out" | sed 's/^/      stdout: /'
    show_err "$name"
  else
    pass "$name: exit $want"
    return 0
  fi
  return 1
}

# error_names NAME FILE LINE CODE: an error line "FILE:LINE: error: ... [CODE]" (LINE, a
# regular expression, may be empty for an error of the whole file: "FILE: error:").
error_names() {
  local name=$1 file=$2 line=$3 code=$4 prefix
  if [[ -n $line ]]; then prefix="$file:$line: error: "; else prefix="$file: error: "; fi
  if grep -E -- "^$prefix" "$SCRATCH/$name.out" | grep -qF -- "[$code]"; then
    pass "$name: the error names ${prefix% error: } [$code]"
  else
    fail "$name: no error '$prefix... [$code]' in the output"
    head -n 5 "$SCRATCH/$name.out" | sed 's/^/      stdout: /'
  fi
}

# ---- Dagda's own rules ----
validate default
ends_cleanly default 0 &&
  check "default: the built-in rules all load and are active" \
    grep -Eq '^([0-9]+) rules in 1 file .*: \1 active; 0 errors, 0 warnings$' "$SCRATCH/default.out"
validate shipped --json "$DAGDA_SOURCE_DIR/rules/dagda_rules.yaml"
if ends_cleanly shipped 0; then
  check "shipped: rules/dagda_rules.yaml is what is built in (same rules)" \
    test "$(jq '.summary.rules' "$SCRATCH/shipped.out")" = \
    "$(sed -nE 's/^([0-9]+) rules in 1 file.*/\1/p' "$SCRATCH/default.out")"
  check "shipped: at least 9 rules, every one active, no problem" \
    jq -e '.ok and .summary.rules >= 9 and .summary.active == .summary.rules and (.problems | length) == 0' \
    "$SCRATCH/shipped.out"
  check "shipped: the sensitive-file rule is named as Falco's is" \
    jq -e '[.rules[].name | ascii_downcase | select(contains("sensitive file"))] | length == 1' "$SCRATCH/shipped.out"
  check "shipped: every rule is indexed under a few event types, not all of them" \
    jq -e '[.rules[] | select(.event_types < 1 or .event_types > 40)] | length == 0' "$SCRATCH/shipped.out"
fi

# ---- Falco's rule files ----
F=$FALCO/rules/falco_rules.yaml
validate falco --json "$F"
if ends_cleanly falco 0; then
  check "falco: loads with no error" jq -e '.ok and .summary.errors == 0' "$SCRATCH/falco.out"
  check "falco: every rule of the file is listed" \
    test "$(jq '.summary.rules' "$SCRATCH/falco.out")" = "$(grep -c '^- rule:' "$F")"
  check "falco: most rules are active" jq -e '.summary.active >= 20' "$SCRATCH/falco.out"
  # What Dagda lacks is listed per rule, with the fields, and each such rule has a warning.
  check "falco: 'Contact K8S API Server From Container' is disabled, naming fd.sip.name and k8s.ns.name" \
    jq -e '.rules[] | select(.name == "Contact K8S API Server From Container")
           | (.active | not) and .unsupported == ["fd.sip.name", "k8s.ns.name"]' "$SCRATCH/falco.out"
  check "falco: each rule disabled for a field has one rules.unsupported-field warning naming the file and a line" \
    jq -e --arg f "$F" '([.rules[] | select(.unsupported | length > 0) | "rule \u0027\(.name)\u0027"] | sort) ==
           ([.problems[] | select(.code == "rules.unsupported-field" and .file == $f and .line > 0) | .item] | sort)
           and ([.rules[] | select(.unsupported | length > 0)] | length) >= 1' "$SCRATCH/falco.out"
  check "falco: the lacking fields are few (at most 3 distinct)" jq -e '(.unsupported | length) <= 3' "$SCRATCH/falco.out"
fi
validate falco_text "$F"
ends_cleanly falco_text 0 &&
  check "falco (text): the warning names the file, the line and the fields" \
    grep -Eq "^$F:[0-9]+: warning: rule 'Contact K8S API Server From Container': disabled: .*fd.sip.name.*k8s.ns.name.* \[rules.unsupported-field\]$" \
    "$SCRATCH/falco_text.out"

validate falco_all --json "$F" "$FALCO/rules/falco-incubating_rules.yaml" "$FALCO/rules/falco-sandbox_rules.yaml"
ends_cleanly falco_all 0 &&
  check "falco + incubating + sandbox: load together with no error, most rules active" \
    jq -e '.ok and .summary.errors == 0 and .summary.active >= 60' "$SCRATCH/falco_all.out"
for f in "$FALCO"/rules/*.yaml; do
  n=$(basename "$f" .yaml)
  validate "file_$n" "$f"
  ends_cleanly "file_$n" 0 || true
done
# Plugin rule files: checked, not evaluated (their sources are not syscalls).
validate plugins --json "$FALCO/plugin-rules/k8s_audit_rules.yaml" "$FALCO/plugin-rules/k8s_audit_rules_gke.yaml" \
  "$FALCO/plugin-rules/aws_cloudtrail_rules.yaml" "$FALCO/plugin-rules/gcp_auditlog_rules.yaml" \
  "$FALCO/plugin-rules/github.yaml" "$FALCO/plugin-rules/okta_rules.yaml"
ends_cleanly plugins 0 &&
  check "plugin rules: load with no error, none active, each named for its source" \
    jq -e '.ok and .summary.rules > 100 and .summary.active == 0 and .summary.other_source == .summary.rules' \
    "$SCRATCH/plugins.out"

# ---- Falco's rules, broken ----
# A syntax error in one condition: the error names the file and the condition's line.
line=$(grep -n 'condition:' "$F" | sed -n '40p' | cut -d: -f1)
awk -v l="$line" 'NR == l { sub(/condition:/, "condition: (proc.name = ") } { print }' "$F" >"$IN/syntax.yaml"
validate syntax "$IN/syntax.yaml"
ends_cleanly syntax 1 && error_names syntax "$IN/syntax.yaml" "$line" rules.syntax-error
# A field no Falco component knows.
line=$(grep -n 'proc.pname' "$F" | sed -n '3p' | cut -d: -f1)
sed "${line}s/proc\.pname/proc.pnamex/" "$F" >"$IN/unknown_field.yaml"
validate unknown_field "$IN/unknown_field.yaml"
if ends_cleanly unknown_field 1; then
  check "unknown_field: the error names proc.pnamex" grep -q "unknown field 'proc.pnamex'" "$SCRATCH/unknown_field.out"
  check "unknown_field: the error names the file and a line" \
    grep -Eq "^$IN/unknown_field.yaml:[0-9]+: error: .*\[rules.unknown-field\]$" "$SCRATCH/unknown_field.out"
fi
# A YAML syntax error.
head -n 200 "$F" >"$IN/yaml_error.yaml"
printf -- '- list: broken\n  items: [a, b\n' >>"$IN/yaml_error.yaml"
validate yaml_error "$IN/yaml_error.yaml"
# (yaml-cpp notices the missing ']' where the file ends.)
ends_cleanly yaml_error 1 && error_names yaml_error "$IN/yaml_error.yaml" '20[23]' rules.yaml-error
validate missing "$IN/no-such-file.yaml"
ends_cleanly missing 1 && error_names missing "$IN/no-such-file.yaml" "" rules.file-error

# ---- Hostile files ----
python3 - "$IN" <<'PY'
import sys
d = sys.argv[1]
def rule(cond, name="R"):
    return f"- rule: {name}\n  desc: d\n  condition: {cond}\n  output: o\n  priority: INFO\n"
def w(name, text):
    with open(f"{d}/{name}.yaml", "w") as f:
        f.write(text)
# Billion laughs: 10^10 scalars once the aliases are expanded.
s = "- list: l0\n  items: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
for i in range(1, 10):
    s += f"- list: l{i}\n  items: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]\n"
w("alias_bomb", s)
n = 100000
w("deep_parens", rule('"evt.type = execve and ' + "(" * n + "proc.name = x" + ")" * n + '"'))
w("deep_yaml", "- list: x\n  items: " + "[" * n + "]" * n + "\n")
s = "- macro: m0\n  condition: proc.name = x\n"
for i in range(1, 20000):
    s += f"- macro: m{i}\n  condition: (m{i-1} or proc.name = y{i})\n"
w("macro_chain", s + rule("evt.type = execve and m19999"))
s = "- macro: d0\n  condition: proc.name = x\n"
for i in range(1, 64):
    s += f"- macro: d{i}\n  condition: (d{i-1} and d{i-1})\n"
w("macro_double", s + rule("evt.type = execve and d63"))
w("macro_loop", "- macro: a\n  condition: proc.name = x\n- macro: b\n  condition: a\n"
  "- macro: a\n  condition: or b\n  override:\n    condition: append\n" + rule("evt.type = execve and b"))
s = "- list: L0\n  items: [a, b]\n"
for i in range(1, 64):
    s += f"- list: L{i}\n  items: [L{i-1}, L{i-1}]\n"
w("list_double", s + rule("evt.type = execve and proc.name in (L63)"))
w("huge_list", "- list: big\n  items: [" + ", ".join("a" for _ in range(1200000)) + "]\n"
  + rule("evt.type = execve and proc.name in (big)"))
w("rules_10k", "".join(rule(f"evt.type = execve and proc.name = p{i}", f"Rule {i}") for i in range(10000)))
with open(f"{d}/binary.yaml", "wb") as f:
    f.write(bytes(range(256)) * 64)
with open(f"{d}/oversized.yaml", "w") as f:
    f.write("# " + "x" * (17 << 20) + "\n")
PY
hostile() {  # hostile NAME WANT_RC LINE CODE
  local name=$1 want=$2 line=$3 code=$4
  validate "$name" "$IN/$name.yaml"
  ends_cleanly "$name" "$want" && [[ -n $code ]] && error_names "$name" "$IN/$name.yaml" "$line" "$code"
  return 0
}
hostile alias_bomb 1 "" rules.yaml-error
hostile deep_parens 1 3 rules.syntax-error
hostile deep_yaml 1 2 rules.yaml-error
hostile macro_chain 1 40003 rules.too-large
hostile macro_double 1 131 rules.too-large
hostile macro_loop 1 2 rules.macro-loop
hostile list_double 1 39 rules.too-large
hostile huge_list 1 1 rules.too-large
hostile binary 1 "" ""
check "binary: the error names the file" grep -q "^$IN/binary.yaml:[0-9]*: error: .*\[rules.yaml-error\]" "$SCRATCH/binary.out"
hostile oversized 1 "" rules.file-error
validate rules_10k "$IN/rules_10k.yaml"
ends_cleanly rules_10k 0 &&
  check "rules_10k: all 10000 rules load and are active" \
    grep -q '^10000 rules in 1 file (0 lists, 0 macros): 10000 active; 0 errors' "$SCRATCH/rules_10k.out"

# Falco's rules cut at 40 places: a clean answer each time, never a crash.
size=$(stat -c %s "$F")
cut_bad=0
for i in $(seq 1 40); do
  head -c $(((size * i) / 41)) "$F" >"$IN/cut.yaml"
  validate cut "$IN/cut.yaml"
  if ((RC != 0 && RC != 1)); then
    cut_bad=$((cut_bad + 1))
    echo "# cut at $(((size * i) / 41)) bytes: exit $RC"
  elif ((RC == 1)) && grep ': error: ' "$SCRATCH/cut.out" | grep -vq "^$IN/cut.yaml:"; then
    cut_bad=$((cut_bad + 1))
    echo "# cut at $(((size * i) / 41)) bytes: an error that does not name the file"
  fi
done
check "truncated: Falco's rules cut at 40 places end with exit 0 or 1, errors naming the file" test "$cut_bad" -eq 0

finish
