#!/usr/bin/env bash
# Benchmark: the dashboards and the registry on 100,000 generated cases, embedded SQLite,
# release build. Loads `seed-demo --scale large` into a fresh temporary database, starts the
# server, then times each request (sequential, after one warm-up) with curl and prints the
# median, 95th percentile and maximum in milliseconds. Figures, not assertions.
set -euo pipefail
cd "$(dirname "$0")"
BIN="${JIANDING_BIN:-../target/release/jianding}"
PORT="${BENCH_PORT:-3107}"
N="${BENCH_N:-30}"
DATA="$(mktemp -d /tmp/jianding-bench.XXXXXX)"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$(cd .. && pwd)/target/site}"
ARGS=(--addr "127.0.0.1:$PORT" --data-dir "$DATA" --database-url "sqlite://$DATA/bench.db")
start=$(date +%s)
"$BIN" "${ARGS[@]}" seed-demo --scale large | grep -v "^  " | tail -2
echo "seed: $(( $(date +%s) - start )) s, database $(du -sh "$DATA/bench.db" | cut -f1)"
"$BIN" "${ARGS[@]}" serve >"$DATA/server.log" 2>&1 &
PID=$!
cleanup() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
# The generated data leaves due work (determinations whose window has passed, …): the server's
# first pass of the background work (store::jobs::settle_due) settles it. That pass is not what
# is measured: wait until the server's CPU time stops growing.
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
prev=-1
waited=0
for _ in $(seq 1 600); do
  now=$(cpu)
  [ "$now" = "$prev" ] && break
  prev=$now
  sleep 1
  waited=$((waited + 1))
done
echo "server idle after ${waited} s (the first pass of the background work)"
BASE="http://127.0.0.1:$PORT"
login() {
  curl -fsS -c "$DATA/$1.jar" -o /dev/null -X POST "$BASE/api/login" \
    --data-urlencode "username=$1" --data-urlencode "password=Changji-Demo-2026"
}
login zhou-jbr
login xian-jbr
YEAR_AGO=$(date -d '-365 days' +%F)
TWO_YEARS=$(date -d '-730 days' +%F)
measure() { # user label path
  local jar="$DATA/$1.jar" url="$BASE$3" code
  [ "$1" = public ] && jar=/dev/null
  code=$(curl -s -b "$jar" -o "$DATA/last" -w '%{http_code}' "$url")
  [ "$code" = 200 ] || { echo "$2: HTTP $code"; head -c 300 "$DATA/last"; echo; return; }
  for _ in $(seq 1 "$N"); do
    curl -s -b "$jar" -o /dev/null -w '%{time_total}\n' "$url"
  done | sort -n | awk -v label="$2" -v bytes="$(stat -c %s "$DATA/last")" '
    { t[NR] = $1 * 1000 }
    END { printf "%-58s median %6.1f ms  p95 %6.1f ms  max %6.1f ms  (%d bytes)\n", label, t[int((NR + 1) / 2)], t[int(NR * 0.95 + 0.5)], t[NR], bytes }'
}
echo "requests: $N each, sequential, warm"
measure zhou-jbr "prefecture dashboard, this year (JSON)" "/api/dashboard"
measure zhou-jbr "prefecture dashboard, last 365 days (JSON)" "/api/dashboard?query%5Bfrom%5D=$YEAR_AGO"
measure zhou-jbr "prefecture dashboard, two years (JSON)" "/api/dashboard?query%5Bfrom%5D=$TWO_YEARS"
measure zhou-jbr "prefecture dashboard, one county (JSON)" "/api/dashboard?query%5Bcounty%5D=652302"
measure zhou-jbr "prefecture dashboard page (server-rendered HTML)" "/dashboard"
measure zhou-jbr "prefecture CSV: counties side by side" "/export/dashboard/counties"
measure xian-jbr "county dashboard, this year (JSON)" "/api/dashboard"
measure xian-jbr "county dashboard page (server-rendered HTML)" "/dashboard"
measure zhou-jbr "registry: institution name contains 昌吉" "/api/registry?query%5Binstitution%5D=%E6%98%8C%E5%90%89"
measure zhou-jbr "registry: page 400 of everything" "/api/registry?query%5Bpage%5D=400"
measure public "public registry, first page" "/api/public_registry"
