#!/usr/bin/env bash
# Ingest benchmark. For each corpus scale (default: 1 and 10 times the shared corpus), in
# one run against one managed PostgreSQL server:
#   (a) ctrack parse --json over the corpus          -> MB/s
#   (b) ctrack ingest into an empty database         -> s, cables/s
#   (c) ctrack ingest again (everything unchanged)   -> s
#   (d) psql \copy of the same raw texts into a one-column table (lz4, as cables.body)
# and prints (b)/(d), the ingest's cost over the floor of getting these bytes into
# PostgreSQL. Each step runs RUNS times (default 3); medians are reported.
#
# The 10x corpus is the real cables repeated with rewritten file names (ctrack keys a
# document by its file name when that is a cable ID), so it has ten times the rows and
# bytes. Needs python3 (to write the CSV for \copy and the scaled corpus).
#
# Usage: scripts/bench-ingest.sh [SCALE...]      e.g. scripts/bench-ingest.sh 1 10
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
SCALES=("$@")
[ ${#SCALES[@]} -eq 0 ] && SCALES=(1 10)
. scripts/lib.sh

machine
echo "server:  $(sql -c 'SHOW server_version' 2>/dev/null) (managed, in $CTRACK_DATA_DIR)"
hold_server

declare -A RESULT
for scale in "${SCALES[@]}"; do
    dir=$CORPUS
    if [ "$scale" -ne 1 ]; then
        dir=$WORK/corpus-x$scale
        repeat_corpus "$dir" "$scale" 0
    fi
    files=$(find "$dir" -type f | wc -l)
    bytes=$(find "$dir" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
    mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
    echo
    echo "== scale x$scale: $files cables, $mb MB"

    # CSV of the raw texts, one per row, for \copy.
    csv=$WORK/raw-x$scale.csv
    python3 - "$dir" "$csv" <<'PY'
import csv, os, sys
src, out = sys.argv[1], sys.argv[2]
with open(out, 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    for name in sorted(os.listdir(src)):
        w.writerow([open(os.path.join(src, name), encoding='utf-8').read()])
PY

    parse=(); ingest=(); reingest=(); copy=()
    for run in $(seq "$RUNS"); do
        s=$(now); "$BIN" parse "$dir" --json >/dev/null; e=$(now); parse+=("$(elapsed "$s" "$e")")

        sql -c 'TRUNCATE cables CASCADE' >/dev/null
        s=$(now); "$BIN" ingest --progress none "$dir" >"$WORK/ingest.out" 2>/dev/null; e=$(now); ingest+=("$(elapsed "$s" "$e")")
        cp "$WORK/ingest.out" "$WORK/ingest.first"
        head -1 "$WORK/ingest.out" | grep -q "ingested $files, updated 0, unchanged 0, failed 0" \
            || { echo "unexpected ingest report:"; cat "$WORK/ingest.out"; exit 1; }
        s=$(now); "$BIN" ingest --progress none "$dir" >"$WORK/ingest.out" 2>/dev/null; e=$(now); reingest+=("$(elapsed "$s" "$e")")
        head -1 "$WORK/ingest.out" | grep -q "unchanged $files" || { cat "$WORK/ingest.out"; exit 1; }

        sql -c 'DROP TABLE IF EXISTS raw_copy' -c 'CREATE TABLE raw_copy (body text)' \
            -c 'ALTER TABLE raw_copy ALTER COLUMN body SET COMPRESSION lz4' >/dev/null
        s=$(now); sql -c "\\copy raw_copy FROM '$csv' WITH (FORMAT csv)" >/dev/null; e=$(now); copy+=("$(elapsed "$s" "$e")")
        echo "  run $run: parse ${parse[-1]} s, ingest ${ingest[-1]} s, re-ingest ${reingest[-1]} s, \\copy ${copy[-1]} s"
    done
    p=$(median "${parse[@]}"); i=$(median "${ingest[@]}"); r=$(median "${reingest[@]}"); c=$(median "${copy[@]}")
    rss=$(grep -o 'peak memory [0-9]* MiB' "$WORK/ingest.first" | head -1)
    echo "  medians of $RUNS:"
    awk -v p="$p" -v i="$i" -v r="$r" -v c="$c" -v mb="$mb" -v n="$files" -v rss="$rss" 'BEGIN {
        printf "  (a) parse --json   %7.2f s  %6.1f MB/s\n", p, mb / p
        printf "  (b) ingest         %7.2f s  %6.0f cables/s   (%s)\n", i, n / i, rss
        printf "  (c) re-ingest      %7.2f s  %6.0f cables/s   (%.0f%% of (b))\n", r, n / r, 100 * r / i
        printf "  (d) psql \\copy     %7.2f s\n", c
        printf "  (b)/(d) = %.2f\n", i / c
    }'
    RESULT[$scale]=$i
done

if [ -n "${RESULT[1]:-}" ] && [ -n "${RESULT[10]:-}" ]; then
    echo
    awk -v a="${RESULT[1]}" -v b="${RESULT[10]}" 'BEGIN {
        printf "growth: ingest x10 takes %.2f times as long as x1 (10 = linear)\n", b / a }'
fi
