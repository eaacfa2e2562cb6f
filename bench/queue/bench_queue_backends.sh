#!/usr/bin/env bash
# Queue backends side by side (issue #12): the same nm-loadgen load against one daemon replica on
# the memory queue, on Redis Streams (a redis-server of its own) and on NATS JetStream (a
# nats-server -js of its own), in one run; prints accepted and delivered alerts/s and CPU per alert.
# Load: Prometheus' alert array, TOTAL distinct alerts (--distinct), batches of 100, 8 keep-alive
# connections, 1,000 namespaces x 20 alertnames. The daemon groups by [alertname]
# (batchMaxSize 1000, batchMaxWait 1s) and delivers every alert to nm-sink through one global
# webhook receiver. Each queue holds the whole load (no back-pressure), so "accepted" is the
# intake into the backend alone and "delivered" is TOTAL over the time until nm-sink has them all.
# Usage: bench/queue/bench_queue_backends.sh [TOTAL]   (default 300000)
# Env: NM_QB_BUILD (dir with notification-manager, bench/nm-sink, bench/nm-loadgen; default build),
#      NM_QB_DAEMON (another notification-manager binary, e.g. a build from before a change),
#      NM_QB_BACKENDS (default "memory redis nats"), NM_QB_CONNECTIONS (default 8),
#      NM_QB_NM_ARGS (extra daemon flags, e.g. --webhook.threads 4), NM_QB_KEEP=1 (keep the dir),
#      NM_QB_HOLD=1 (batchMaxSize 1000000, batchMaxWait 1h: delivery is held, so the pipeline
#      does not compete with intake for the CPU and "accepted" is the queue's intake alone;
#      delivered is not measured).
set -euo pipefail
cd "$(dirname "$0")/../.."
TOTAL="${1:-300000}"
B="${NM_QB_BUILD:-build}"
BACKENDS="${NM_QB_BACKENDS:-memory redis nats}"
CONNS="${NM_QB_CONNECTIONS:-8}"
DIR="$(mktemp -d)"; echo "bench dir: $DIR"
# Copies, so a rebuild of the source tree during the run cannot change what is measured.
mkdir -p "$DIR/bin"
cp "${NM_QB_DAEMON:-$B/notification-manager}" "$DIR/bin/notification-manager"
cp "$B/bench/nm-sink" "$B/bench/nm-loadgen" "$DIR/bin/"

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
SINK_PORT=$(freeport)

HOLD="${NM_QB_HOLD:-}"
if [ -n "$HOLD" ]; then BATCH_SIZE=1000000; BATCH_WAIT=1h; else BATCH_SIZE=1000; BATCH_WAIT=1s; fi
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
  groupLabels: [alertname]
  batchMaxSize: ${BATCH_SIZE}
  batchMaxWait: ${BATCH_WAIT}
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
  [ -n "${NM_QB_KEEP:-}" ] || rm -rf "$DIR"
}
trap cleanup EXIT
stop() {
  kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true
  local keep=() p; for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; PIDS=("${keep[@]}")
}
waitready() {
  for _ in $(seq 1 200); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "not ready: $1" >&2; return 1
}
# CPU seconds (user + system) of a process so far; 0 for none.
cpu() { [ -n "$1" ] && awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15)/t}' "/proc/$1/stat" || echo 0; }
secs() { date +%s.%N; }
sink_alerts() { curl -fsS "http://127.0.0.1:$SINK_PORT/stats" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["alerts"]))'; }

"$DIR/bin/nm-sink" --address "127.0.0.1:$SINK_PORT" > "$DIR/sink.log" 2>&1 &
PIDS+=("$!")
waitready "http://127.0.0.1:$SINK_PORT/stats"

echo "daemon: batchMaxSize $BATCH_SIZE, batchMaxWait $BATCH_WAIT, flags: ${NM_QB_NM_ARGS:-none}"
echo "load: $TOTAL distinct alerts, Prometheus alert array, batches of 100, $CONNS connections;"
echo "      uptime: $(uptime)"
printf '%-7s %12s %12s %14s %14s\n' backend accepted/s delivered/s "daemon µs/a" "server µs/a"
for backend in $BACKENDS; do
  SERVER=""; args=()
  case "$backend" in
    memory) args=(--store.memory.queue $((TOTAL + 1000))) ;;
    redis)
      port=$(freeport); mkdir -p "$DIR/redis"
      redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$DIR/redis" \
        --logfile "$DIR/redis.log" &
      SERVER=$!; PIDS+=("$SERVER")
      for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
      args=(--store.type redis --store.redis.url "redis://127.0.0.1:$port" \
            --store.redis.max-len $((TOTAL + 1000))) ;;
    nats)
      port=$(freeport); rm -rf "$DIR/nats"; mkdir -p "$DIR/nats"
      nats-server -js -sd "$DIR/nats" -a 127.0.0.1 -p "$port" > "$DIR/nats.log" 2>&1 &
      SERVER=$!; PIDS+=("$SERVER")
      for _ in $(seq 1 100); do grep -q "Server is ready" "$DIR/nats.log" && break; sleep 0.1; done
      args=(--store.type nats --store.nats.url "nats://127.0.0.1:$port" \
            --store.nats.max-msgs $((TOTAL + 1000))) ;;
  esac
  NM_PORT=$(freeport)
  "$DIR/bin/notification-manager" --config.dir "$DIR/config" --webhook.address "127.0.0.1:$NM_PORT" \
    --log.level warn --shutdown.timeout 1s "${args[@]}" ${NM_QB_NM_ARGS:-} > "$DIR/nm-$backend.log" 2>&1 &
  NM=$!; PIDS+=("$NM")
  waitready "http://127.0.0.1:$NM_PORT/-/ready"
  base=$(sink_alerts); nm0=$(cpu "$NM"); sv0=$(cpu "$SERVER"); t0=$(secs)
  line=$("$DIR/bin/nm-loadgen" --target "127.0.0.1:$NM_PORT" --no-sink --format array \
    --connections "$CONNS" --batch 100 --tenants 1000 --alertnames 20 --distinct --total "$TOTAL" \
    | grep -E '^sent:')
  nm1=$(cpu "$NM"); sv1=$(cpu "$SERVER")
  accepted=$(sed -E 's/.* -> ([0-9]+) alerts\/s accepted.*/\1/' <<<"$line")
  if [ -n "$HOLD" ]; then
    delivered=held
  else
    end=$(( $(date +%s) + 300 ))
    until [ $(( $(sink_alerts) - base )) -ge "$TOTAL" ] || [ "$(date +%s)" -ge $end ]; do sleep 0.1; done
    got=$(( $(sink_alerts) - base ))
    delivered=$(awk -v a="$t0" -v b="$(secs)" -v n="$got" 'BEGIN{printf "%.0f", n/(b-a)}')
    [ "$got" -ge "$TOTAL" ] || delivered="$delivered (only $got)"
  fi
  per() { awk -v a="$1" -v b="$2" -v n="$TOTAL" 'BEGIN{printf "%.1f", (b-a)*1e6/n}'; }
  printf '%-7s %12s %12s %14s %14s\n' "$backend" "$accepted" "$delivered" "$(per "$nm0" "$nm1")" \
    "$( [ -n "$SERVER" ] && per "$sv0" "$sv1" || echo -)"
  echo "        $line" >> "$DIR/lines.txt"
  stop "$NM"
  [ -z "$SERVER" ] || stop "$SERVER"
done
echo "(CPU per alert is measured over the send only: user + system of the process, /proc/PID/stat)"
sed 's/^/  /' "$DIR/lines.txt"
