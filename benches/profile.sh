#!/usr/bin/env bash
# Where `shenbao build`'s time goes, by stage: CPU samples (perf, cpu-clock) of one build of the
# generated campaign, output on tmpfs, counted inclusively under each stage's function.
#
#   bash benches/profile.sh [ENTRIES]      (default 10000)
#
# Stages run partly at once on both cores, so their CPU adds up to more than the wall time;
# "writing" is the kernel's share of the stages that write (it is inside them, not beside them).
# Needs perf (Debian's linux-perf) and python3.
set -euo pipefail
N=${1:-10000}
HERE=$(cd "$(dirname "$0")/.." && pwd)
CORPUS="$HERE/target/bench-corpus/$N"
TMP=$(mktemp -d "${SHENBAO_BENCH_TMP:-/dev/shm}/shenbao-profile-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
command -v perf >/dev/null || { echo "perf not found (apt-get install linux-perf)" >&2; exit 2; }
cargo build --release --quiet --manifest-path "$HERE/Cargo.toml"
BIN="$HERE/target/release/shenbao"
[ -f "$CORPUS/campaign.yaml" ] || python3 "$HERE/../shared/bench/gen_campaign.py" "$CORPUS" "$N" >/dev/null
# Warm the page cache, then the profiled build.
"$BIN" --root "$CORPUS" build --out "$TMP/warm" >/dev/null 2>&1
rm -rf "$TMP/warm"
FREQ=$(( N >= 100000 ? 250 : 1000 ))
start=$(date +%s.%N)
perf record -q -e cpu-clock -F "$FREQ" --call-graph dwarf,16384 -o "$TMP/perf.data" \
  "$BIN" --root "$CORPUS" build --out "$TMP/out" >/dev/null 2>&1
end=$(date +%s.%N)
perf report -i "$TMP/perf.data" --children -g none --sort symbol --stdio 2>/dev/null >"$TMP/report.txt"
samples=$(perf script -i "$TMP/perf.data" -F time 2>/dev/null | wc -l)
python3 - "$TMP/report.txt" "$N" "$FREQ" "$start" "$end" "$samples" <<'PY'
import re, sys
report, n, freq, start, end, samples = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
inclusive = {}
for line in open(report, errors="replace"):
    m = re.match(r"\s+([\d.]+)%\s+[\d.]+%\s+\[[.k]\]\s+(.*?)\s*$", line)
    if m:
        sym = m.group(2).replace(" (inlined)", "")
        inclusive[sym] = max(inclusive.get(sym, 0.0), float(m.group(1)))
def pct(*needles):
    return max((v for s, v in inclusive.items() for nd in needles if s.startswith(nd)), default=0.0)
cpu = samples / freq
stages = [
    ("read files (entries, cards)", ["shenbao_core::rules::read_text"]),
    ("YAML front matter", ["shenbao_core::yaml::parse"]),
    ("Markdown (parse, HTML, text)", ["shenbao_core::body::parse"]),
    ("load in all (read, YAML, rules, Markdown)", ["shenbao_core::project::load"]),
    ("git arrival times", ["shenbao_git::"]),
    ("thumbnails and media", ["shenbao_site::media::read"]),
    ("site model", ["shenbao_site::model::assemble"]),
    ("templates (pages)", ["minijinja::template::Template::render"]),
    ("pages listing entries (templates, writing)", ["shenbao_site::render::render_lists"]),
    ("entries' own pages and the search index, in one pass", ["shenbao_site::search::write_with"]),
    ("  bodies rendered again (above 20,000 entries)", ["shenbao_core::rules::render_body"]),
    ("  entry pages' templates", ["shenbao_site::render::EntryPages::render"]),
    ("  search: walking the text", ["shenbao_site::search::Part::add"]),
    ("  search: fragments", ["shenbao_site::search::write_fragment"]),
    ("  search: shards", ["shenbao_site::search::Index::write_shards"]),
    ("exports (roster CSV/JSON/XLSX, entries.json)", ["shenbao_site::xlsx::roster", "shenbao_site::entry::entries_json"]),
    ("copies (attachments, photos)", ["<shenbao_site::output::Staging as shenbao_site::output::Sink>::copy"]),
    ("writing files (kernel, all stages)", ["<shenbao_site::output::Staging as shenbao_site::output::Sink>::write"]),
    ("swap into place", ["shenbao_site::output::Staging::commit"]),
]
wall = end - start
print(f"{n} entries: {cpu:.2f} s of CPU in {wall:.2f} s wall under perf (cpu-clock at {freq} Hz)")
print("| stage | share of CPU | CPU per entry |")
print("| --- | ---: | ---: |")
for name, needles in stages:
    p = pct(*needles)
    print(f"| {name} | {p:.1f}% | {p / 100 * cpu / n * 1e6:.0f} µs |")
PY
