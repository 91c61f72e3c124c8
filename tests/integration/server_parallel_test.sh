#!/usr/bin/env bash
# 50 parallel checks of 50 different images against `dagda serve --workers 2`:
# no report lost or duplicated. The images are root filesystem trees made with
# tar and cp from a real Alpine minirootfs, each with a file of its own and a
# different set of packages (the i-th tree lacks the apk database records of
# one or two packages: apk's own file with whole records deleted), all
# under the test's scratch folder. All 50 are posted at once; every job must be
# done once, with its own history entry naming its own tree and holding that
# tree's packages.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/services.sh"
DATA=${DAGDA_TESTDATA:-${DAGDA_TESTDATA_DEFAULT:-$DAGDA_SOURCE_DIR/../shared/data}}
ROOTFS_TGZ="$DATA/pkgdb/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz"
DB=$SCRATCH/state.db
N=50

mkdir -p "$SCRATCH/base" "$SCRATCH/images"
tar -xzf "$ROOTFS_TGZ" -C "$SCRATCH/base" 2>/dev/null || fatal "cannot extract $ROOTFS_TGZ"
INSTALLED=$SCRATCH/base/lib/apk/db/installed
[[ -s $INSTALLED ]] || fatal "no apk database in the minirootfs"
# apk's database: records separated by blank lines, each starting with P:name.
mapfile -t PKGS < <(sed -n 's/^P://p' "$INSTALLED")
((${#PKGS[@]} >= 10)) || fatal "only ${#PKGS[@]} packages in the minirootfs"
# The packages each tree lacks: one package each, then pairs of packages; 50 different sets.
DROPS=()
for ((a = 0; a < ${#PKGS[@]}; a++)); do DROPS+=("${PKGS[$a]}"); done
for ((a = 0; a < ${#PKGS[@]}; a++)); do
  for ((b = a + 1; b < ${#PKGS[@]}; b++)); do DROPS+=("${PKGS[$a]} ${PKGS[$b]}"); done
done
for ((i = 0; i < N; i++)); do
  img=$SCRATCH/images/img$i
  cp -al "$SCRATCH/base" "$img"
  rm "$img/lib/apk/db/installed" && cp "$INSTALLED" "$img/lib/apk/db/installed"
  echo "$i" >"$img/etc/dagda-test-id"
  read -r -a drop <<<"${DROPS[$i]}"
  for p in "${drop[@]}"; do
    awk -v p="$p" 'BEGIN { RS = ""; ORS = "\n\n" } $0 !~ ("(^|\n)P:" p "\n")' "$img/lib/apk/db/installed" >"$img/installed.tmp"
    mv "$img/installed.tmp" "$img/lib/apk/db/installed"
  done
  printf '%s\n' "${drop[@]}" >"$SCRATCH/images/img$i.dropped"
done

for ((i = 0; i < N; i++)); do sed -n 's/^P://p' "$SCRATCH/images/img$i/lib/apk/db/installed" | sort | paste -sd ' '; done >"$SCRATCH/sets"
[[ $(sort -u "$SCRATCH/sets" | wc -l) == "$N" ]] && pass "$N trees with $N different package sets" || fail "package sets: $(sort -u "$SCRATCH/sets" | wc -l)"

"$DAGDA" --db "$DB" db import "$DATA/vulndb/alpine-secdb-yaml/v3.11/main.yaml" >/dev/null 2>&1 || fatal "db import failed"
SCAN=$("$DAGDA" --db "$DB" token create ci --scope scan 2>/dev/null)
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
"$DAGDA" --db "$DB" serve --listen "127.0.0.1:$PORT" --workers 2 --allow-path "$SCRATCH/images" 2>"$SCRATCH/serve.log" &
at_exit "kill -9 $! 2>/dev/null || true"
wait_for "dagda serve" 30 curl -sf "$BASE/healthz"

START=$(date +%s.%N)
PIDS=()
for ((i = 0; i < N; i++)); do
  curl -s -o "$SCRATCH/post$i.json" -H "Authorization: Bearer $SCAN" -d "{\"source\":\"$SCRATCH/images/img$i\"}" "$BASE/v1/check" &
  PIDS+=($!)
done
wait "${PIDS[@]}" || true
ids=()
for ((i = 0; i < N; i++)); do ids+=("$(jq -r .id "$SCRATCH/post$i.json")"); done
[[ $(printf '%s\n' "${ids[@]}" | grep -c '^[0-9][0-9]*$') == "$N" && $(printf '%s\n' "${ids[@]}" | sort -u | wc -l) == "$N" ]] &&
  pass "$N checks posted at once: $N distinct job ids" || fail "job ids: ${ids[*]}"

# Every job done, each with its own report.
for ((t = 0; t < 1200; t++)); do
  curl -sf -H "Authorization: Bearer $SCAN" "$BASE/v1/history?limit=1000" >"$SCRATCH/history.json" || true
  (($(jq '.entries | length' "$SCRATCH/history.json" 2>/dev/null || echo 0) >= N)) && break
  sleep 0.1
done
END=$(date +%s.%N)
: >"$SCRATCH/jobs"
for ((i = 0; i < N; i++)); do
  curl -sf -H "Authorization: Bearer $SCAN" "$BASE/v1/jobs/${ids[$i]}" | jq -r --arg i "$i" '"\($i) \(.state) \(.report_id)"' >>"$SCRATCH/jobs"
done
[[ $(grep -c ' done [0-9]' "$SCRATCH/jobs") == "$N" && $(awk '{print $3}' "$SCRATCH/jobs" | sort -u | wc -l) == "$N" ]] &&
  pass "$N jobs done, $N distinct reports" || fail "jobs: $(awk '{print $2}' "$SCRATCH/jobs" | sort | uniq -c)"
jq -e --argjson n "$N" '(.entries | length) == $n and ([.entries[].job_id] | unique | length) == $n' "$SCRATCH/history.json" >/dev/null &&
  pass "$N history entries, one per job" || fail "history: $(jq '.entries | length' "$SCRATCH/history.json") entries"

# Each entry is its own tree's: the job's entry names the tree, its packages are the tree's.
wrong=0
while read -r i state rid; do
  curl -sf -H "Authorization: Bearer $SCAN" "$BASE/v1/history/$(jq -rn --arg s "$SCRATCH/images/img$i" '$s | @uri')?id=$rid" >"$SCRATCH/r.json" || { wrong=$((wrong + 1)); continue; }
  # The apk packages: a tree that lacks busybox's or openssl's record also shows /bin/busybox or
  # libcrypto as a runtime nobody installed (catalog/runtime.cpp), rightly.
  got=$(jq -r '[.packages[] | select(.ecosystem == "apk") | .name] | sort | join(" ")' "$SCRATCH/r.json")
  want=$(sed -n 's/^P://p' "$SCRATCH/images/img$i/lib/apk/db/installed" | sort | paste -sd ' ')
  job=$(jq -r --argjson rid "$rid" '.entries[] | select(.id == $rid) | .job_id' "$SCRATCH/history.json")
  if [[ $got != "$want" || $job != "${ids[$i]}" ]]; then
    wrong=$((wrong + 1))
    echo "  img$i: entry $rid job $job (wanted ${ids[$i]}); packages differ: $(diff <(tr ' ' '\n' <<<"$got") <(tr ' ' '\n' <<<"$want") | head -3 | paste -sd ' ')"
  fi
done <"$SCRATCH/jobs"
((wrong == 0)) && pass "every entry holds its own tree's packages ($(sort -u "$SCRATCH"/images/*.dropped | wc -l) packages dropped across trees)" ||
  fail "$wrong entries are not their tree's"
echo "  $N checks with 2 workers in $(awk -v a="$START" -v b="$END" 'BEGIN { printf "%.1f", b - a }') s"
finish
