#!/usr/bin/env bash
# PERF-1 and PERF-2 at full size (docs/benchmarks.md): on a database made with `hcrm migrate &&
# hcrm demo && hcrm generate --customers 1000000 --visits 10000000` and `VACUUM ANALYZE`,
# starts the release server, runs `hcrm bench search` and `hcrm bench 360` (each with
# --pgbench) and the given-name-character search, printing the figures and the machine's load
# before each part, then stops the server it started.
# Usage: HCRM=target/release/hcrm DATABASE_URL=postgres://… HCRM_BENCH_PASSWORD=<director's>
#        scripts/bench-full.sh [duration per side, default 15s]
set -euo pipefail
DUR=${1:-15s}
HCRM=${HCRM:-target/release/hcrm}
: "${DATABASE_URL:?set DATABASE_URL to the full-size database}"
: "${HCRM_BENCH_PASSWORD:?set HCRM_BENCH_PASSWORD to the demo director password}"
export DATABASE_URL HCRM_BENCH_PASSWORD
PORT=${PORT:-18191}
URL=http://127.0.0.1:$PORT
OUT=${OUT:-bench-$(date -u +%Y%m%d-%H%M)}
mkdir -p "$OUT"
HCRM_BIND=127.0.0.1:$PORT "$HCRM" serve > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "$URL/readyz" > /dev/null 2>&1 && break
  sleep 0.2
done
echo "== $(date -u +%FT%TZ) server pid $SERVER on $URL, figures in $OUT"
echo "== load before PERF-1: $(uptime)"
"$HCRM" bench search --base-url "$URL" --clients 32 --duration "$DUR" --warmup 2s --pgbench \
  --out "$OUT/search.json" | tee "$OUT/search.txt"
echo "== load before the given-name character: $(uptime)"
"$HCRM" bench search --base-url "$URL" --clients 32 --duration "$DUR" --warmup 2s --pgbench \
  --kinds given_char --out "$OUT/given_char.json" | tee "$OUT/given_char.txt"
echo "== load before PERF-2: $(uptime)"
"$HCRM" bench 360 --base-url "$URL" --clients 32 --duration "$DUR" --warmup 2s --pgbench \
  --out "$OUT/360.json" | tee "$OUT/360.txt"
echo "== load after: $(uptime)"
echo "== server resident memory: $(ps -o rss= -p "$SERVER") kB"
