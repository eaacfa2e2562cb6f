#!/usr/bin/env bash
# Side by side with Alertmanager 0.25 (issue #11): the same nm-loadgen load (Prometheus' alert
# array, batches of 100, 8 connections) against Debian's prometheus-alertmanager and the daemon
# (active-alert store, silence, inhibit, route, aggregate, dedup, webhook to nm-sink), in one run.
# Runs: "resend" re-posts a fixed set of 51,200 alerts (Prometheus' steady state) -> accepted/s;
#       "fill" posts TOTAL distinct alerts -> accepted/s, then RSS once all are held.
# Usage: scripts/bench-vs-alertmanager.sh [TOTAL]   (default 1000000)
# Env: NM_AM_BUILD (dir with notification-manager and bench/nm-sink; default build),
#      NM_AM_LOADGEN (default $NM_AM_BUILD/bench/nm-loadgen), NM_AM_ALERTMANAGER (binary),
#      NM_AM_RUNS="resend fill", NM_AM_ROUNDS (default 1), NM_AM_RESEND_TOTAL (default 1000000),
#      NM_AM_SETTLE (seconds between "all held" and the RSS reading; default 35, past group_wait),
#      NM_AM_QUEUE (the daemon's --store.memory.queue; default 10000, its default: a full queue
#      holds the sender back, so accepted/s is what the whole pipeline sustains; a queue as large
#      as the load measures ingest alone and leaves the in-flight peak in RSS),
#      NM_AM_GROUP (groupLabels of both; default [alertname]: 20 groups, so neither delivers one
#      alert per request), NM_AM_NM_ARGS (extra daemon flags), NM_AM_KEEP=1 (keep the temp dir).
set -euo pipefail
cd "$(dirname "$0")/.."
TOTAL="${1:-1000000}"
B="${NM_AM_BUILD:-build}"
AM_BIN="${NM_AM_ALERTMANAGER:-$(command -v prometheus-alertmanager)}"
RUNS=" ${NM_AM_RUNS:-resend fill} "
ROUNDS="${NM_AM_ROUNDS:-1}"
RESEND_TOTAL="${NM_AM_RESEND_TOTAL:-1000000}"
SETTLE="${NM_AM_SETTLE:-35}"
DIR="$(mktemp -d)"; echo "bench dir: $DIR"
# Copies, so a rebuild of the source tree during the run cannot change what is measured.
mkdir -p "$DIR/bin"
cp "$B/notification-manager" "$B/bench/nm-sink" "$DIR/bin/"
cp "${NM_AM_LOADGEN:-$B/bench/nm-loadgen}" "$DIR/bin/nm-loadgen"
"$AM_BIN" --version 2>&1 | head -1

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
SINK_PORT=$(freeport); AM_PORT=$(freeport); NM_PORT=$(freeport)

# Alertmanager: group_wait 30s so delivery does not dominate; a receiver without integrations.
cat > "$DIR/alertmanager.yml" <<YAML
route:
  receiver: blackhole
  group_by: ${NM_AM_GROUP:-[alertname]}
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
receivers:
- name: blackhole
YAML
# The daemon: one global webhook receiver to nm-sink (every alert is delivered: dedup lets each
# new alert through once), memory state (no --storage.path).
mkdir -p "$DIR/config"
cat > "$DIR/config/nm.yaml" <<YAML
apiVersion: notification.kubesphere.io/v2beta2
kind: NotificationManager
metadata: {name: bench}
spec:
  receivers:
    tenantKey: namespace
    globalReceiverSelector: {matchLabels: {type: global}}
    tenantReceiverSelector: {matchLabels: {type: tenant}}
  groupLabels: ${NM_AM_GROUP:-[alertname]}
  batchMaxSize: 1000
  batchMaxWait: 1s
---
apiVersion: notification.kubesphere.io/v2beta2
kind: Receiver
metadata: {name: global-sink, labels: {type: global}}
spec: {webhook: {url: 'http://127.0.0.1:$SINK_PORT/global'}}
YAML

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${NM_AM_KEEP:-}" ] || rm -rf "$DIR"
}
trap cleanup EXIT
stop() {
  kill -TERM "$1"; wait "$1" 2>/dev/null || true
  local keep=() p; for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; PIDS=("${keep[@]}")
}
waitready() {
  for _ in $(seq 1 200); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "not ready: $1" >&2; return 1
}
kb() { awk -v f="$2:" '$1==f{print $2}' "/proc/$1/status"; }
cpu() { awk -v t="$(getconf CLK_TCK)" '{printf "%.1f", ($14+$15)/t}' "/proc/$1/stat"; }
# A sample's value as an integer (Go's client writes 1000000 as 1e+06).
metric() { curl -fsS "$1" | awk -v m="$2" '$1==m{v=$2} END{if (v != "") printf "%d\n", v + 0}'; }
secs() { date +%s.%N; }
# Waits (up to 900 s) until the shell condition holds, polling every $2 s (default 0.2); prints
# the time it took. Alertmanager is polled once a second: it computes alertmanager_alerts by
# walking every alert (up to 15 s per scrape at 1,000,000 on this VM), so polling harder slows
# what it measures.
waituntil() {
  local t0 end; t0=$(secs); end=$(( $(date +%s) + 900 ))
  until eval "$1"; do [ "$(date +%s)" -lt $end ] || { echo "timeout: $1" >&2; return 1; }; sleep "${2:-0.2}"; done
  awk -v a="$t0" -v b="$(secs)" 'BEGIN{printf "%.2f", b-a}'
}

"$DIR/bin/nm-sink" --address "127.0.0.1:$SINK_PORT" > "$DIR/sink.log" 2>&1 &
SINK=$!; PIDS+=("$SINK")

start_am() {
  rm -rf "$DIR/am-data"; mkdir -p "$DIR/am-data"
  "$AM_BIN" --config.file="$DIR/alertmanager.yml" --storage.path="$DIR/am-data" \
    --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= --log.level=warn \
    > "$DIR/am.log" 2>&1 &
  PID=$!; PIDS+=("$PID")
  waitready "http://127.0.0.1:$AM_PORT/-/ready"
  URL="127.0.0.1:$AM_PORT"; METRICS="http://$URL/metrics"
}
start_nm() {
  # "processed" is when the pipeline has drained the queue (all of the load went through).
  "$DIR/bin/notification-manager" --config.dir "$DIR/config" --webhook.address "127.0.0.1:$NM_PORT" \
    --log.level warn --store.memory.queue "${NM_AM_QUEUE:-10000}" --shutdown.timeout 1s \
    ${NM_AM_NM_ARGS:-} > "$DIR/nm.log" 2>&1 &
  PID=$!; PIDS+=("$PID")
  waitready "http://127.0.0.1:$NM_PORT/-/ready"
  URL="127.0.0.1:$NM_PORT"; METRICS="http://$URL/metrics"
}
loadgen() {
  "$DIR/bin/nm-loadgen" --target "$URL" --no-sink --format array --connections 8 --batch 100 \
    --tenants 1000 --alertnames 20 --pid "$PID" "$@" | grep -E '^sent:'
}
nm_drained() {
  [ "$(metric "$METRICS" nm_queue_length)" = 0 ] && [ "$(metric "$METRICS" nm_batches_in_flight)" = 0 ]
}
am_active() { metric "$METRICS" 'alertmanager_alerts{state="active"}'; }
nm_firing() { metric "$METRICS" 'nm_alerts{state="firing"}'; }
sink_alerts() { curl -fsS "http://127.0.0.1:$SINK_PORT/stats" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["alerts"]))'; }

echo "load: Prometheus alert array, batches of 100, 8 connections, 6 labels + 2 annotations per alert,"
echo "      1,000 namespaces x 20 alertnames; endsAt 1 h ahead (firing); uptime: $(uptime)"
for round in $(seq 1 "$ROUNDS"); do
  if [[ $RUNS == *" resend "* ]]; then
    echo "== round $round, resend: $RESEND_TOTAL posts of a fixed set of 51,200 alerts"
    start_am "$RESEND_TOTAL"
    line=$(loadgen --total "$RESEND_TOTAL")
    set_size=$(( RESEND_TOTAL < 51200 ? RESEND_TOTAL : 51200 ))
    waituntil "[ \"\$(am_active)\" = $set_size ]" 1 >/dev/null
    echo "alertmanager: $line; cpu $(cpu "$PID") s; active $(am_active)"
    stop "$PID"
    start_nm "$RESEND_TOTAL"
    base=$(sink_alerts); t0=$(secs)
    line=$(loadgen --total "$RESEND_TOTAL")
    waituntil nm_drained >/dev/null
    processed=$(awk -v a="$t0" -v b="$(secs)" -v n="$RESEND_TOTAL" 'BEGIN{printf "%.0f", n/(b-a)}')
    echo "daemon:       $line; processed through the pipeline $processed alerts/s; cpu $(cpu "$PID") s; firing $(nm_firing); delivered $(( $(sink_alerts) - base ))"
    stop "$PID"
  fi
  if [[ $RUNS == *" fill "* ]]; then
    echo "== round $round, fill: $TOTAL distinct alerts, then RSS with all of them active"
    start_am "$TOTAL"
    idle=$(kb "$PID" VmRSS)
    echo "alertmanager: idle RSS $idle kB; $(loadgen --total "$TOTAL" --distinct)"
    waituntil "[ \"\$(am_active)\" = $TOTAL ]" 1 >/dev/null
    sleep "$SETTLE"
    rss=$(kb "$PID" VmRSS)
    echo "alertmanager: $(am_active) active; after ${SETTLE}s: VmRSS $rss kB, VmHWM $(kb "$PID" VmHWM) kB," \
      "$(( (rss - idle) * 1024 / TOTAL )) B per alert over idle; cpu $(cpu "$PID") s"
    stop "$PID"
    start_nm "$TOTAL"
    idle=$(kb "$PID" VmRSS); base=$(sink_alerts)
    t0=$(secs)
    echo "daemon:       idle RSS $idle kB; $(loadgen --total "$TOTAL" --distinct)"
    waituntil "[ \"\$(nm_firing)\" = $TOTAL ] && nm_drained" >/dev/null
    held=$(awk -v a="$t0" -v b="$(secs)" -v n="$TOTAL" 'BEGIN{printf "%.0f", n/(b-a)}')
    echo "daemon:       all $TOTAL in the store and the queue drained: $held alerts/s from the first post;" \
      "delivered to nm-sink so far $(( $(sink_alerts) - base ))"
    sleep "$SETTLE"
    rss=$(kb "$PID" VmRSS)
    echo "daemon:       $(nm_firing) firing; after ${SETTLE}s: VmRSS $rss kB, VmHWM $(kb "$PID" VmHWM) kB," \
      "$(( (rss - idle) * 1024 / TOTAL )) B per alert over idle; store bytes $(metric "$METRICS" nm_alert_store_bytes);" \
      "delivered $(( $(sink_alerts) - base )); cpu $(cpu "$PID") s"
    stop "$PID"
  fi
done
