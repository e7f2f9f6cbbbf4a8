#!/usr/bin/env bash
# Export benchmark. With the shared corpus ingested, and then with the corpus repeated until
# there are at least 100,000 commitments, in one run against one managed PostgreSQL server:
#   (a) ctrack export of the country with the most commitments, CSV, JSON and Markdown
#   (b) ctrack export --country all, the same three formats
# Each runs RUNS times (default 5); prints the median wall time and the peak resident
# memory of ctrack (from /usr/bin/time), the output size, and how both grow.
#
# Usage: scripts/bench-export.sh          RUNS=5 TARGET=100000 by default
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
TARGET=${TARGET:-100000}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian: apt-get install time)" >&2; exit 1; }
. scripts/lib.sh

machine
hold_server
"$BIN" ingest --progress none "$CORPUS" >/dev/null 2>&1 || true

# run_export COUNTRY FORMAT -> "median_s peak_mib bytes"
run_export() {
    local times=() rss=() out=$WORK/export.out
    for _ in $(seq "$RUNS"); do
        s=$(now)
        /usr/bin/time -f '%M' -o "$WORK/time.out" \
            "$BIN" export --country "$1" --format "$2" --as-of 2011-01-01 --out "$out" 2>/dev/null
        e=$(now)
        times+=("$(elapsed "$s" "$e")")
        rss+=("$(tail -1 "$WORK/time.out")")
    done
    echo "$(median "${times[@]}") $(( $(median "${rss[@]}") / 1024 )) $(stat -c %s "$out")"
}

measure() {
    local commitments country n
    commitments=$(sql -c 'SELECT count(*) FROM commitments')
    read -r country n < <(sql -F' ' -c "SELECT eff_country, count(*) FROM commitments
        WHERE review <> 'dismissed' GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
    sql -c 'VACUUM ANALYZE' >/dev/null
    echo
    echo "== $1: $commitments commitments; largest country $country with $n"
    for target in "$country" all; do
        for format in csv json md; do
            read -r t m b < <(run_export "$target" "$format")
            printf '  --country %-4s --format %-4s %7.3f s  peak %4d MiB  %9d bytes\n' "$target" "$format" "$t" "$m" "$b"
            echo "$1 $target $format $t $m" >>"$WORK/results"
        done
    done
}

measure x1
per=$(sql -c 'SELECT count(*) FROM commitments')
scale=$(( (TARGET + per - 1) / per ))
if [ "$scale" -gt 1 ]; then
    repeat_corpus "$WORK/corpus-x$scale" "$scale" 1
    "$BIN" ingest --progress none "$WORK/corpus-x$scale" >/dev/null 2>&1 || true
    measure "x$scale"
    echo
    echo "growth from x1 to x$scale (time ratio, peak memory ratio):"
    awk '{ k = $2 " " $3 } $1 == "x1" { t[k] = $4; m[k] = $5; next }
         { printf "  %-10s %5.1fx time  %4.2fx memory\n", k, $4 / t[k], $5 / m[k] }' "$WORK/results"
fi
