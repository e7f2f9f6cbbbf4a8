#!/usr/bin/env bash
# Follow-up engine benchmark, in one run against one managed PostgreSQL server:
#   (a) ctrack ingest of the whole corpus into an empty database with suggestions off
#       (--no-suggest) and on, RUNS times each (default 3), alternating: medians, and what
#       suggestions add
#   (b) with the whole corpus stored, SAMPLE cables (default 100, a fixed random sample)
#       each removed and ingested again on its own, as a new cable arrives: the time
#       `ctrack ingest` reports for its suggestions (its own commitments against later
#       cables, and earlier open commitments against it): median and p99
#
# Usage: scripts/bench-follow.sh          RUNS=3 SAMPLE=100 by default
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SAMPLE=${SAMPLE:-100}
. scripts/lib.sh

machine
hold_server

off=(); on=(); sugg=()
for run in $(seq "$RUNS"); do  # RUNS=0 skips (a)
    for mode in off on; do
        sql -c 'TRUNCATE cables CASCADE' >/dev/null
        flag=(); [ "$mode" = off ] && flag=(--no-suggest)
        s=$(now); "$BIN" ingest --progress none "${flag[@]}" "$CORPUS" >"$WORK/ingest.out" 2>/dev/null || true; e=$(now)
        t=$(elapsed "$s" "$e")
        if [ "$mode" = off ]; then off+=("$t"); else
            on+=("$t")
            sugg+=("$(grep -o 'in [0-9.]* s' <(grep '^suggestions:' "$WORK/ingest.out") | grep -o '[0-9.]*')")
        fi
    done
    echo "  run $run: off ${off[-1]} s, on ${on[-1]} s ($(grep '^suggestions:' "$WORK/ingest.out"))"
done
if [ "$RUNS" -gt 0 ]; then
    o=$(median "${off[@]}"); n=$(median "${on[@]}"); g=$(median "${sugg[@]}")
    echo "(a) corpus ingest, medians of $RUNS: suggestions off $o s, on $n s (of which suggestions $g s)"
    awk -v o="$o" -v n="$n" 'BEGIN { printf "    suggestions add %.0f%%\n", 100 * (n - o) / o }'
fi

# (b) one cable at a time, with everything else stored.
[ "$RUNS" -gt 0 ] || "$BIN" ingest --progress none "$CORPUS" >/dev/null 2>&1 || true
ls "$CORPUS" | awk 'BEGIN { srand(7) } { print rand() "\t" $0 }' | sort | awk -v n="$SAMPLE" 'NR <= n' | cut -f2 >"$WORK/sample"
: >"$WORK/times"
while read -r name; do
    id=${name%.txt}
    sql -c "DELETE FROM cables WHERE id = '$id'" >/dev/null
    "$BIN" ingest --progress none "$CORPUS/$name" >"$WORK/one.out" 2>/dev/null || true
    line=$(grep '^suggestions:' "$WORK/one.out" || true)
    [ -n "$line" ] && echo "$line" | sed -E 's/.* for ([0-9]+) commitments in ([0-9.]+) s/\2 \1/' >>"$WORK/times"
done <"$WORK/sample"
sort -g "$WORK/times" | awk '{ t[NR] = $1 * 1000; c[NR] = $2; sum += $2 }
    END { printf "(b) one new cable with the corpus stored, %d cables: suggestions median %.1f ms, p99 %.1f ms, max %.1f ms (%.0f commitments refreshed per cable on average)\n",
          NR, t[int((NR + 1) / 2)], t[int(NR * 0.99 + 0.999)], t[NR], sum / NR }'
