#!/usr/bin/env bash
# Starts the built server on a fresh temporary database with demo data, waits until it
# answers, runs Playwright, and stops the server.
set -euo pipefail
cd "$(dirname "$0")"
BIN="${JIANDING_BIN:-../target/release/jianding}"
PORT="${E2E_PORT:-3100}"
DATA="$(mktemp -d /tmp/jianding-e2e.XXXXXX)"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$(cd .. && pwd)/target/site}"
# JIANDING_E2E_CLOCK=1: the idle-timeout journey moves the server's clock on (never in production).
JIANDING_E2E_CLOCK=1 "$BIN" --addr "127.0.0.1:$PORT" --data-dir "$DATA" --database-url "sqlite://$DATA/e2e.db" serve --seed-demo >"$DATA/server.log" 2>&1 &
PID=$!
cleanup() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$PID" 2>/dev/null; then cat "$DATA/server.log"; echo "server exited"; exit 1; fi
  sleep 0.5
done
export BASE_URL="http://127.0.0.1:$PORT"
if ! npx playwright test "$@" 2>&1 | tee "$DATA/playwright.log"; then
  # The server's log first, then Playwright's summary again: the end of the output names the
  # failed tests and their first error.
  echo "---- server log (tail) ----"; tail -50 "$DATA/server.log"
  echo "---- playwright summary ----"; grep -E "✘|failed|flaky|Error:|Expected|Received|›" "$DATA/playwright.log" | tail -60
  exit 1
fi
flaky=$(grep -Eo '[0-9]+ flaky' "$DATA/playwright.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
[ "$flaky" = 0 ] || { echo "---- flaky (passed on retry) ----"; grep -E "›" "$DATA/playwright.log" | grep -i -B1 -A1 "retry" | tail -20; }
passed=$(grep -Eo '[0-9]+ passed' "$DATA/playwright.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
failed=$(grep -Eo '[0-9]+ failed' "$DATA/playwright.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
echo "playwright: $passed passed, $failed failed, $flaky flaky"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
