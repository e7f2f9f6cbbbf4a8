#!/usr/bin/env bash
# Extractor benchmark, in one run over the whole corpus (default ../shared/corpus/cables):
#   (a) ctrack extract --json FILES                         -> s
#   (b) rg -c -i with one alternation of the extractor's cue words and ASCII word
#       boundaries over the same files: the floor (reading the bytes, matching the cues)
# Each runs RUNS times (default 5), alternating; medians and the ratio (a)/(b) are printed,
# then the corpus-wide number of commitments and the count per country.
#
# Usage: scripts/bench-extract.sh     (needs rg: Debian's ripgrep package, and python3)
set -euo pipefail
cd "$(dirname "$0")/.."

CORPUS=${CTRACK_CORPUS:-../shared/corpus}/cables
RUNS=${RUNS:-5}
[ -d "$CORPUS" ] || { echo "no corpus at $CORPUS (set CTRACK_CORPUS)" >&2; exit 1; }
command -v rg >/dev/null || { echo "rg not found: apt-get install ripgrep" >&2; exit 1; }

cargo build --release --quiet
BIN=$PWD/target/release/ctrack
OUT=$(mktemp /tmp/ctrack-extract.XXXXXX)
trap 'rm -f "$OUT"' EXIT

# The prefilter's cue words (src/extract/cues.rs, ANY_CUE), as one alternation.
CUES='will|would|shall|plans?|planned|intends?|intended|expects?|expected|pledged?|promised?|committed|agreed?|vowed?|undertook|aims?|seeks?|hopes?|draft|scheduled|upcoming|soon|mandated?'
PATTERN="(?-u)\\b(${CUES})\\b"

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

files=$(find "$CORPUS" -type f | wc -l)
bytes=$(du -sb "$CORPUS" | cut -f1)
echo "corpus: $files files, $((bytes / 1000000)) MB; $(nproc) cores; $RUNS runs each"
ours=(); floor=()
for _ in $(seq "$RUNS"); do
    t0=$(now); "$BIN" extract "$CORPUS" --json > "$OUT"; t1=$(now)
    ours+=("$(elapsed "$t0" "$t1")")
    t0=$(now); rg -c -i "$PATTERN" "$CORPUS" > /dev/null; t1=$(now)
    floor+=("$(elapsed "$t0" "$t1")")
done
m_ours=$(median "${ours[@]}"); m_floor=$(median "${floor[@]}")
echo "ctrack extract --json: median ${m_ours} s   (runs: ${ours[*]})"
echo "rg -c -i cues:         median ${m_floor} s   (runs: ${floor[*]})"
awk -v a="$m_ours" -v b="$m_floor" 'BEGIN { printf "ratio: %.1fx the rg floor\n", a / b }'
python3 - "$OUT" <<'PY'
import collections, json, sys
per_country = collections.Counter()
total = cables = 0
for line in open(sys.argv[1]):
    d = json.loads(line)
    cs = d["commitments"]
    total += len(cs)
    cables += bool(cs)
    for c in cs:
        per_country[c["country"] or "?"] += 1
print(f"commitments: {total} in {cables} cables")
print("per country: " + ", ".join(f"{k} {v}" for k, v in per_country.most_common()))
PY
