#!/usr/bin/env bash
# The README's first command: install dependencies, build, start the example webhook sink and the
# daemon on examples/config, post example alerts, and show what gets delivered. Ctrl-C stops both.
# NM_EXAMPLE_ONESHOT=1 exits after the deliveries; NM_EXAMPLE_BUILD_DIR=DIR runs DIR's binaries
# without installing or building (both used by the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
B="${NM_EXAMPLE_BUILD_DIR:-}"
if [ -z "$B" ]; then
  scripts/install-deps.sh --run
  # Only what this script runs; scripts/test.sh builds the tests and benchmarks.
  scripts/build.sh build -DNM_TESTS=OFF -DNM_BENCH=OFF -- notification-manager nm-sink >/dev/null
  B=build
fi
PORT="${NM_EXAMPLE_PORT:-19093}"
LOG="$(mktemp -d)/sink.log"

"$B/bench/nm-sink" --address 127.0.0.1:19099 --print >"$LOG" 2>&1 &
SINK=$!
"$B/notification-manager" --config.dir examples/config --webhook.address "127.0.0.1:$PORT" &
DAEMON=$!
cleanup() { kill -TERM "$DAEMON" "$SINK" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/-/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
echo
echo "== posting an Alertmanager webhook (2 alerts, namespace demo) and a Prometheus alert array"
curl -sS -XPOST -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/api/v2/alerts" \
  --data-binary @examples/alerts/alertmanager-webhook.json; echo
curl -sS -XPOST -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/api/v2/alerts" \
  --data-binary @examples/alerts/prometheus-array.json; echo
echo "== waiting for deliveries (batchMaxWait is 1s) ..."
for _ in $(seq 1 50); do
  grep -q '/history' "$LOG" && break
  sleep 0.1
done
echo "== what the webhook sink received (global receiver, tenant 'demo', history):"
cat "$LOG"
echo
echo "Note: Watchdog reached the global receiver but not tenant 'demo' (its Silence mutes it)."
echo "Try: curl http://127.0.0.1:$PORT/receivers   curl http://127.0.0.1:$PORT/metrics"
if [ -n "${NM_EXAMPLE_ONESHOT:-}" ]; then exit 0; fi
echo "The daemon keeps running; post more alerts, edit examples/config (it reloads), Ctrl-C to stop."
tail -f -n 0 "$LOG" &
wait "$DAEMON"
