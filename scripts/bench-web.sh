#!/usr/bin/env bash
# Web benchmark. With the shared corpus ingested (and then the corpus repeated until there
# are at least 100,000 commitments), in one run against one managed PostgreSQL server:
#   (a) the commitments list page with a filter, loaded with wrk, signed in
#   (b) a commitment's page, the same way
#   (c) the list page's own SQL query through pgbench at the same concurrency: the floor
#       the page cannot beat
# and prints requests/s, p50 and p99 for each, and (a)/(c). (a) and (c) take turns ROUNDS
# times and the medians are printed.
#
# The pgbench script is the query `tracking::list` builds for the list filter below
# (country, status, newest first, a page of 50 and one more to know there is a next page),
# prepared as sqlx prepares it; keep the two in step.
#
# Needs wrk and pgbench (Debian: apt-get install wrk postgresql-client), curl, python3.
#
# Usage: scripts/bench-web.sh               CONNS=32 SECS=30 ROUNDS=3 TARGET=100000 by default
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${CONNS:-32}
SECS=${SECS:-30}
ROUNDS=${ROUNDS:-3}
TARGET=${TARGET:-100000}
PORT=${PORT:-8391}
COUNTRY=${COUNTRY:-BR}
for tool in wrk pgbench curl python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done
. scripts/lib.sh

BASE=http://127.0.0.1:$PORT

echo "$(machine); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"

# One server for the whole run: `ctrack serve` keeps the managed cluster up, and every
# other ctrack below attaches to it.
"$BIN" ingest --progress none "$CORPUS" >/dev/null 2>&1 || true
echo bench-password-1 | "$BIN" user add bench --role viewer --password-stdin --update >/dev/null
"$BIN" serve --bind "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
BACKGROUND+=($!)
until curl -fs -o /dev/null "$BASE/login"; do sleep 0.2; done
SOCKET=$(sql -c 'SHOW unix_socket_directories' | cut -d, -f1)

# Sign in as a browser does: the login page's token, its cookie, the form.
jar=$WORK/cookies
csrf=$(curl -fs -c "$jar" "$BASE/login" | grep -o 'name="csrf" value="[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}')
curl -fs -b "$jar" -c "$jar" -o /dev/null -d "username=bench&password=bench-password-1&csrf=$csrf&next=/" "$BASE/login"
session=$(awk '$6 == "ctrack_session" { print $7 }' "$jar")
[ -n "$session" ] || { echo "could not sign in" >&2; exit 1; }
COOKIE="ctrack_session=$session"

LIST="/commitments?country=$COUNTRY&status=open"
# The filter values are pgbench variables, so with -M prepared they are bind parameters, as
# they are in the page's query (and the planner faces the same generic-or-custom choice).
cat >"$WORK/list.sql" <<'SQL'
SELECT id, cable_id, sent_at, eff_country AS country, COALESCE(actor_fix, actor) AS actor,
       sentence, eff_category AS category, status, review, eff_due_date AS due_date,
       due_key, confidence,
       COALESCE(eff_due_date < current_date AND status IN ('open', 'in_progress'), false) AS overdue,
       COALESCE(c.status IN ('open', 'in_progress')
           AND c.sent_at > '0001-01-02'
           AND GREATEST(c.sent_at, c.last_evidence_at) < now() - interval '12 months',
           false) AS stale
FROM commitments c WHERE true AND eff_country = :country AND status = :status
  AND (extracted OR revision > 0)
ORDER BY sent_at DESC, id DESC LIMIT :limit;
SQL

# wrk's summary -> "req/s p50_ms p99_ms"
wrk_run() {
    wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -H "Cookie: $COOKIE" "$BASE$1" >"$WORK/wrk.out"
    if grep -q "Non-2xx" "$WORK/wrk.out"; then
        echo "non-2xx answers for $1:" >&2; cat "$WORK/wrk.out" >&2; exit 1
    fi
    python3 - "$WORK/wrk.out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    n, unit = re.match(r'([\d.]+)(us|ms|s)', v).groups()
    return float(n) * {'us': 0.001, 'ms': 1.0, 's': 1000.0}[unit]
p50 = ms(re.search(r'^\s+50%\s+(\S+)', text, re.M).group(1))
p99 = ms(re.search(r'^\s+99%\s+(\S+)', text, re.M).group(1))
rps = float(re.search(r'Requests/sec:\s+([\d.]+)', text).group(1))
print(f"{rps:.0f} {p50:.2f} {p99:.2f}")
PY
}

# pgbench at the same concurrency -> "tps p50_ms p99_ms" (from its per-transaction log)
pgbench_run() {
    rm -f "$WORK"/pgbench_log.*
    (cd "$WORK" && pgbench -h "$SOCKET" -U postgres -n -M prepared -c "$CONNS" -j 2 -T "$SECS" \
        -D country="$COUNTRY" -D status=open -D limit=51 -l -f list.sql ctrack >"$WORK/pgbench.out" 2>&1)
    python3 - "$WORK" <<'PY'
import glob, re, sys
work = sys.argv[1]
lat = sorted(int(line.split()[2]) for f in glob.glob(work + '/pgbench_log.*') for line in open(f))
tps = float(re.search(r'tps = ([\d.]+)', open(work + '/pgbench.out').read()).group(1))
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] / 1000
print(f"{tps:.0f} {q(0.50):.2f} {q(0.99):.2f}")
PY
}

# The list page and its bare query take turns, ROUNDS times: a shared machine's speed
# drifts over minutes, and a ratio of two runs minutes apart measures the drift too.
measure() {
    local label=$1
    local commitments cables one
    commitments=$(sql -c 'SELECT count(*) FROM commitments')
    cables=$(sql -c 'SELECT count(*) FROM cables')
    local matching
    matching=$(sql -c "SELECT count(*) FROM commitments WHERE eff_country = '$COUNTRY' AND status = 'open'")
    one=$(sql -c "SELECT id FROM commitments WHERE eff_country = '$COUNTRY' ORDER BY id LIMIT 1")
    sql -c 'VACUUM ANALYZE' >/dev/null
    echo
    echo "== $label: $cables cables, $commitments commitments ($matching match the list filter)"
    # Warm up the pages and the server's caches.
    for _ in 1 2 3; do curl -fs -o /dev/null -b "$COOKIE" "$BASE$LIST"; curl -fs -o /dev/null -b "$COOKIE" "$BASE/commitments/$one"; done
    local lr l50 l99 qr q50 q99 r
    local list_rps=() list_p50=() list_p99=() sql_tps=() sql_p50=() sql_p99=() ratios=()
    for r in $(seq "$ROUNDS"); do
        read -r lr l50 l99 < <(wrk_run "$LIST")
        read -r qr q50 q99 < <(pgbench_run)
        printf '  round %s: list page %s req/s (p99 %s ms), SQL %s tx/s: %s\n' "$r" "$lr" "$l99" "$qr" \
            "$(awk -v a="$lr" -v c="$qr" 'BEGIN { printf "%.2f", a / c }')"
        list_rps+=("$lr"); list_p50+=("$l50"); list_p99+=("$l99")
        sql_tps+=("$qr"); sql_p50+=("$q50"); sql_p99+=("$q99")
        ratios+=("$(awk -v a="$lr" -v c="$qr" 'BEGIN { print a / c }')")
    done
    read -r cr c50 c99 < <(wrk_run "/commitments/$one")
    echo "  medians over $ROUNDS rounds:"
    printf '  %-40s %7s req/s  p50 %6s ms  p99 %6s ms\n' "(a) list page $LIST" \
        "$(median "${list_rps[@]}")" "$(median "${list_p50[@]}")" "$(median "${list_p99[@]}")"
    printf '  %-40s %7s req/s  p50 %6s ms  p99 %6s ms  (one run)\n' \
        "(b) commitment page /commitments/$one" "$cr" "$c50" "$c99"
    printf '  %-40s %7s tx/s   p50 %6s ms  p99 %6s ms\n' "(c) the list's SQL, pgbench" \
        "$(median "${sql_tps[@]}")" "$(median "${sql_p50[@]}")" "$(median "${sql_p99[@]}")"
    printf "  (a)/(c) = %.2f of the bare query's throughput (median of the rounds' ratios)\n" \
        "$(median "${ratios[@]}")"
}

echo "load: $CONNS connections for $SECS s each, wrk -t2, pgbench -j 2 -M prepared; $ROUNDS rounds"
measure "corpus x1"

# Repeat the corpus under new cable IDs until there are TARGET commitments.
per=$(sql -c 'SELECT count(*) FROM commitments')
scale=$(( (TARGET + per - 1) / per ))
if [ "$scale" -gt 1 ]; then
    dir=$WORK/corpus-x$scale
    repeat_corpus "$dir" "$scale" 1
    # Suggestions are not what this measures; computing them for 100,000 commitments
    # would only make the run longer.
    "$BIN" ingest --progress none --no-suggest "$dir" >/dev/null 2>&1 || true
    measure "corpus x$scale"
fi
