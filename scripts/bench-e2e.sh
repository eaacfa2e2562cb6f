#!/usr/bin/env bash
# End-to-end benchmark: nm-loadgen → notification-manager → nm-sink on 127.0.0.1.
# Config: 1,000 tenants (namespace tenant-0..999 in the alerts), 100 webhook receivers
# (1 global + 99 tenant receivers for tenant-0..98), groupLabels [alertname, namespace].
# Runs: (1) idle RSS, (2) max throughput, (3) latency at a fixed 10,000 alerts/s.
# Usage: scripts/bench-e2e.sh [TOTAL_ALERTS]   (build first: scripts/build.sh build)
# Env: NM_BENCH_RUNS="idle ingest throughput latency" (runs to do), NM_BENCH_NM_ARGS (extra daemon
# flags, e.g. "--notify.threads 1"), NM_BENCH_NM_ENV (daemon environment, e.g.
# GLIBC_TUNABLES=...), NM_BENCH_THREADS=1 (per-thread CPU of the daemon),
# NM_BENCH_BUILD (build directory), NM_BENCH_GROUP, NM_BENCH_BATCH_SIZE, NM_BENCH_BATCH_WAIT.
set -euo pipefail
cd "$(dirname "$0")/.."
TOTAL="${1:-1000000}"
B="${NM_BENCH_BUILD:-build}"
DIR="$(mktemp -d)"; echo "bench dir: $DIR"
CFG="$DIR/config"
mkdir -p "$CFG"
SINK_PORT=19199
NM_PORT=19193
BATCH_WAIT="${NM_BENCH_BATCH_WAIT:-100ms}"
RUNS=" ${NM_BENCH_RUNS:-idle ingest throughput latency} "

cat > "$CFG/nm.yaml" <<YAML
apiVersion: notification.kubesphere.io/v2beta2
kind: NotificationManager
metadata: {name: bench}
spec:
  receivers:
    tenantKey: namespace
    globalReceiverSelector: {matchLabels: {type: global}}
    tenantReceiverSelector: {matchLabels: {type: tenant}}
  groupLabels: ${NM_BENCH_GROUP:-[alertname, namespace]}
  batchMaxSize: ${NM_BENCH_BATCH_SIZE:-1000}
  batchMaxWait: $BATCH_WAIT
YAML
# The ingest-only run holds every alert in the queue (batches that never fill or age).
sed -e 's/batchMaxSize: .*/batchMaxSize: 100000000/' -e 's/batchMaxWait: .*/batchMaxWait: 1h/' \
  "$CFG/nm.yaml" > "$DIR/nm-hold.yaml"
{
  echo "apiVersion: notification.kubesphere.io/v2beta2"
  echo "kind: Receiver"
  echo "metadata: {name: global-0, labels: {type: global}}"
  echo "spec: {webhook: {url: 'http://127.0.0.1:$SINK_PORT/global'}}"
  for i in $(seq 0 98); do
    echo "---"
    echo "apiVersion: notification.kubesphere.io/v2beta2"
    echo "kind: Receiver"
    echo "metadata: {name: tenant-$i, labels: {type: tenant, namespace: tenant-$i}}"
    echo "spec: {webhook: {url: 'http://127.0.0.1:$SINK_PORT/tenant/$i'}}"
  done
} > "$CFG/receivers.yaml"

cleanup() { kill -TERM ${NM:-} ${SINK:-} 2>/dev/null || true; wait 2>/dev/null || true; [ -n "${NM_BENCH_KEEP:-}" ] || rm -rf "$DIR"; }
trap cleanup EXIT

start() {
  "$B/bench/nm-sink" --address "127.0.0.1:$SINK_PORT" > "$DIR/sink.log" 2>&1 &
  SINK=$!
  env ${NM_BENCH_NM_ENV:-} "$B/notification-manager" --config.dir "$CFG" --webhook.address "127.0.0.1:$NM_PORT" \
    --log.level warn ${NM_BENCH_NM_ARGS:-} "$@" > "$DIR/nm.log" 2>&1 &
  NM=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$NM_PORT/-/ready" >/dev/null 2>&1 && break; sleep 0.1; done
}
# CPU seconds (user+system) each process used, read before it exits.
cpu() { awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15)/t}' "/proc/$1/stat"; }
# Per-thread CPU seconds of the daemon (NM_BENCH_THREADS=1), busiest first.
threads() {
  for f in /proc/$NM/task/*/stat; do
    awk -v t="$(getconf CLK_TCK)" '{c=$0; sub(/^[^(]*\(/,"",c); sub(/\).*/,"",c); $0=substr($0,index($0,")")+2);
      printf "%8.2f  %s\n", ($12+$13)/t, c}' "$f"
  done | sort -rn | head -12
}
stop() {
  echo "cpu seconds: daemon $(cpu $NM), sink $(cpu $SINK)"
  [ -z "${NM_BENCH_THREADS:-}" ] || threads
  kill -TERM $NM $SINK; wait $NM $SINK 2>/dev/null || true
}


if [[ $RUNS == *" idle "* ]]; then
echo "== idle RSS (100 receivers loaded, no traffic)"
start
sleep 1
grep -E 'VmRSS|VmHWM' /proc/$NM/status
stop
fi

if [[ $RUNS == *" ingest "* ]]; then
echo "== ingest only: $TOTAL alerts, batches of 100, 4 connections (queue holds them all)"
cp "$CFG/nm.yaml" "$DIR/nm-normal.yaml"
cp "$DIR/nm-hold.yaml" "$CFG/nm.yaml"
start --store.memory.queue $((TOTAL + 1000)) --shutdown.timeout 1s ${NM_BENCH_INGEST_ARGS:-}
"$B/bench/nm-loadgen" --target "127.0.0.1:$NM_PORT" --sink "" --connections 4 --batch 100 \
  --total "$TOTAL" --tenants 1000 --pid $NM
stop
cp "$DIR/nm-normal.yaml" "$CFG/nm.yaml"
fi

if [[ $RUNS == *" throughput "* ]]; then
echo "== throughput: $TOTAL alerts, batches of 100, 4 connections"
start
time "$B/bench/nm-loadgen" --target "127.0.0.1:$NM_PORT" --sink "127.0.0.1:$SINK_PORT" \
  --connections 4 --batch 100 --total "$TOTAL" --tenants 1000 --pid $NM \
  --tenant-receivers 99 --wait 20
# Webhook requests as the sink counted them (a request carries one group's alerts).
curl -fsS "http://127.0.0.1:$SINK_PORT/stats" | python3 -c 'import json,sys; s=json.load(sys.stdin)
print("sink: %d webhook requests in %.3f s (first to last) -> %.0f requests/s" % (s["requests"], s["span_seconds"], s["requests"] / max(s["span_seconds"], 1e-9)))'
stop
fi

if [[ $RUNS == *" latency "* ]]; then
echo "== latency at 10,000 alerts/s for 10 s (batchMaxWait $BATCH_WAIT)"
start
"$B/bench/nm-loadgen" --target "127.0.0.1:$NM_PORT" --sink "127.0.0.1:$SINK_PORT" \
  --connections 2 --batch 100 --total 100000 --rate 10000 --tenants 1000 --pid $NM \
  --tenant-receivers 99 --wait 20
stop
fi
