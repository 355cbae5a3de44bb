#!/usr/bin/env bash
# shenbao build against Hugo on the same generated entries, side by side in one run.
#
#   bash benches/vs_hugo.sh [ENTRIES] [RUNS]     (default 10000 entries, 5 runs each)
#
# Both write to tmpfs (/dev/shm) into a fresh, empty folder on every run, so neither pays for
# deleting a previous site. Prints the median wall time and the peak memory (max RSS) of each,
# and their ratios; exits 1 if shenbao takes more than 0.12 of Hugo's time or more memory.
# Needs Debian's `hugo` (0.111) and python3; run from anywhere.
set -euo pipefail
N=${1:-10000}
RUNS=${2:-5}
HERE=$(cd "$(dirname "$0")/.." && pwd)
GEN="$HERE/../shared/bench/gen_campaign.py"
SHM=${SHENBAO_BENCH_TMP:-/dev/shm}/shenbao-vs-hugo-$N
command -v hugo >/dev/null || { echo "hugo not found (apt-get install hugo)" >&2; exit 2; }
[ -f "$GEN" ] || { echo "$GEN not found" >&2; exit 2; }

cargo build --release --quiet --manifest-path "$HERE/Cargo.toml"
BIN="$HERE/target/release/shenbao"
if [ ! -f "$SHM/campaign/campaign.yaml" ]; then
  rm -rf "$SHM"
  mkdir -p "$SHM"
  python3 "$GEN" "$SHM/campaign" "$N" --hugo "$SHM/hugo" >/dev/null
fi

# One run: prints "seconds kilobytes".
run() {
  local out=$1; shift
  rm -rf "$out"
  /usr/bin/time -f "%e %M" -o "$SHM/time" "$@" >/dev/null 2>&1
  cat "$SHM/time"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: >"$SHM/shenbao.txt"
: >"$SHM/hugo.txt"
# Warm the page cache for both, then alternate so that neither gets a quieter machine.
run "$SHM/out-shenbao" "$BIN" --root "$SHM/campaign" build --out "$SHM/out-shenbao" >/dev/null
run "$SHM/out-hugo" hugo --quiet --source "$SHM/hugo" --destination "$SHM/out-hugo" >/dev/null
for _ in $(seq "$RUNS"); do
  run "$SHM/out-shenbao" "$BIN" --root "$SHM/campaign" build --out "$SHM/out-shenbao" >>"$SHM/shenbao.txt"
  run "$SHM/out-hugo" hugo --quiet --source "$SHM/hugo" --destination "$SHM/out-hugo" >>"$SHM/hugo.txt"
done

s_time=$(cut -d' ' -f1 "$SHM/shenbao.txt" | median)
s_mem=$(cut -d' ' -f2 "$SHM/shenbao.txt" | median)
h_time=$(cut -d' ' -f1 "$SHM/hugo.txt" | median)
h_mem=$(cut -d' ' -f2 "$SHM/hugo.txt" | median)
s_pages=$(find "$SHM/out-shenbao" -name '*.html' | wc -l)
h_pages=$(find "$SHM/out-hugo" -name '*.html' | wc -l)

printf '%s entries, median of %s runs, output on %s\n' "$N" "$RUNS" "$(dirname "$SHM")"
printf '%-8s %8s s %9s MB %8s pages\n' shenbao "$s_time" "$((s_mem / 1024))" "$s_pages"
printf '%-8s %8s s %9s MB %8s pages\n' hugo "$h_time" "$((h_mem / 1024))" "$h_pages"
awk -v s="$s_time" -v h="$h_time" -v sm="$s_mem" -v hm="$h_mem" 'BEGIN {
  printf "shenbao / hugo: %.2f of the time, %.2f of the memory\n", s / h, sm / hm
  ok = (s / h <= 0.12) && (sm < hm)
  print (ok ? "bar met: at most 0.12 of hugo'"'"'s time, lower peak memory" : "bar NOT met (0.12 of hugo'"'"'s time, lower peak memory)")
  exit !ok
}'
