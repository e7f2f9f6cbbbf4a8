# Shared by the benchmark scripts (sourced from the project directory): the corpus, the
# release build, a scratch directory with its own managed PostgreSQL data directory that
# is removed at exit, and small helpers.

CORPUS=${CTRACK_CORPUS:-../shared/corpus}/cables
[ -d "$CORPUS" ] || { echo "no corpus at $CORPUS (set CTRACK_CORPUS)" >&2; exit 1; }

cargo build --release --quiet
BIN=$PWD/target/release/ctrack
WORK=$(mktemp -d /tmp/ctrack-bench.XXXXXX)
chmod 755 "$WORK"
export CTRACK_DATA_DIR=$WORK/data
unset DATABASE_URL

# Background processes to stop at exit.
BACKGROUND=()
cleanup() {
    local p
    for p in "${BACKGROUND[@]}"; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
sql() { PGOPTIONS='-c client_min_messages=warning' "$BIN" sql -qAt -v ON_ERROR_STOP=1 "$@" 2>/dev/null; }

machine() {
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $("$BIN" --version)"
}

# Keeps the managed server up for the whole run; every ctrack started later attaches to it.
hold_server() {
    "$BIN" sql -qc 'SELECT pg_sleep(1e6)' >/dev/null 2>&1 &
    BACKGROUND+=($!)
    until sql -c 'SELECT 1' >/dev/null 2>&1; do sleep 0.2; done
}

# repeat_corpus DIR SCALE FIRST: copies k = FIRST .. SCALE-1 of every corpus cable into DIR,
# copy k under a new cable ID (serial + k * 10,000,000); ctrack keys a document by its file
# name when that is a cable ID, so each copy is a new cable with the same text.
repeat_corpus() {
    python3 - "$CORPUS" "$1" "$2" "$3" <<'PY'
import os, re, sys
src, dst, scale, first = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
os.makedirs(dst)
for name in sorted(os.listdir(src)):
    data = open(os.path.join(src, name), 'rb').read()
    m = re.match(r'^(\d\d)(.*?)(\d+)\.txt$', name)
    for k in range(first, scale):
        new = name if k == 0 else f"{m.group(1)}{m.group(2)}{int(m.group(3)) + k * 10_000_000}.txt"
        open(os.path.join(dst, new), 'wb').write(data)
PY
}
