#!/usr/bin/env bash
# Replica benchmark (issue #12): accepted and delivered alerts/s, and p99 ingest-to-delivery at a
# steady 10,000 alerts/s, for the memory backend (1 replica), Redis and NATS (1 and 3 replicas,
# measured once their partition leases have settled), one nm-loadgen spreading its connections
# over the replicas, one nm-sink. Redis runs with AOF (appendfsync always), NATS with file storage.
# Usage: scripts/bench-replicas.sh [TOTAL_ALERTS]   (default 100000; NM_BENCH_ONLY=REGEX runs only
#                                                    the rows whose label matches, e.g. 'nats')
#        scripts/bench-replicas.sh kill [TOTAL] [redis|nats]   the replica kill -9 run of
#                                                    test_replicas_chaos.py (3 replicas on Redis,
#                                                    default, or NATS): prints lost, duplicates
# Build first: cmake --build build --target notification-manager nm-loadgen nm-sink
set -euo pipefail
cd "$(dirname "$0")/.."
B="${NM_BENCH_BUILD:-build}"

if [ "${1:-}" = kill ]; then
  case "${3:-redis}" in
    redis) CLASS=ReplicasChaosTest ;;
    nats) CLASS=NatsReplicasChaosTest ;;
    *) echo "bench-replicas.sh kill: backend must be redis or nats, not \"$3\"" >&2; exit 2 ;;
  esac
  cd tests/integration
  NM_BINARY="$PWD/../../$B/notification-manager" NM_CHAOS_ALERTS="${2:-100000}" \
    NM_CHAOS_RATE="${NM_CHAOS_RATE:-10000}" python3 run.py \
    "test_replicas_chaos.$CLASS.test_replica_kill_9_mid_stream_loses_nothing_and_duplicates_stay_bounded" \
    2>&1 | grep -oE '(sent: .*|^delivered.*|^distinct.*|^chaos.*|FAIL.*|Error.*)'
  exit "${PIPESTATUS[0]}"
fi

TOTAL="${1:-100000}"
DIR="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 200); do eval "$1" >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "timeout: $1" >&2; return 1; }
stop_all() { for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done; PIDS=(); }

SINK_PORT=$(free_port)
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
  groupLabels: [alertname, namespace]
  batchMaxSize: 1000
  batchMaxWait: 100ms
YAML
cat > "$DIR/config/r.yaml" <<YAML
apiVersion: notification.kubesphere.io/v2beta2
kind: Receiver
metadata: {name: global, labels: {type: global}}
spec: {webhook: {url: 'http://127.0.0.1:$SINK_PORT/g'}}
YAML

# start BACKEND REPLICAS: the backend server (fresh data dir), the sink, the replicas; sets TARGETS.
start() {
  local backend=$1 n=$2 args=()
  rm -rf "$DIR/data"; mkdir -p "$DIR/data"
  case $backend in
    redis)
      local rp; rp=$(free_port)
      redis-server --port "$rp" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync always \
        --dir "$DIR/data" > "$DIR/data/redis.log" 2>&1 & PIDS+=($!)
      wait_for "redis-cli -p $rp ping | grep -q PONG"
      args=(--store.type redis --store.redis.url "redis://127.0.0.1:$rp") ;;
    nats)
      local np; np=$(free_port)
      nats-server -js -a 127.0.0.1 -p "$np" -sd "$DIR/data" > "$DIR/data/nats.log" 2>&1 & PIDS+=($!)
      wait_for "bash -c '</dev/tcp/127.0.0.1/$np'"
      args=(--store.type nats --store.nats.url "nats://127.0.0.1:$np") ;;
    memory) args=(--store.memory.queue 100000) ;;
  esac
  "$B/bench/nm-sink" --address "127.0.0.1:$SINK_PORT" > "$DIR/sink.log" 2>&1 & PIDS+=($!)
  wait_for "curl -fsS http://127.0.0.1:$SINK_PORT/stats"
  TARGETS=""
  for i in $(seq 1 "$n"); do
    local p; p=$(free_port)
    "$B/notification-manager" --config.dir "$DIR/config" --webhook.address "127.0.0.1:$p" \
      --log.level warn "${args[@]}" > "$DIR/nm-$backend-$i.log" 2>&1 & PIDS+=($!)
    wait_for "curl -fsS http://127.0.0.1:$p/-/ready"
    TARGETS="${TARGETS:+$TARGETS,}127.0.0.1:$p"
  done
  [ "$backend" = memory ] || wait_settled "$n"
}

# wait_settled N: every partition owned by exactly one replica and none over its fair share
# (ceil(16/N)), so a run measures the replicas working rather than their first lease handoffs.
wait_settled() {
  local n=$1 ok=0
  for _ in $(seq 1 600); do
    local owned=() t
    for t in ${TARGETS//,/ }; do
      owned+=("$(curl -fsS "http://$t/metrics" 2>/dev/null | sed -n 's/^nm_partitions_owned \([0-9.]*\).*/\1/p')")
    done
    if python3 -c 'import sys; o=[int(float(x or 0)) for x in sys.argv[2:]]; n=int(sys.argv[1]); sys.exit(0 if sum(o)==16 and max(o)<=-(-16//n) and len(o)==n else 1)' "$n" "${owned[@]}"; then
      ok=1; break
    fi
    sleep 0.1
  done
  [ "$ok" = 1 ] || echo "leases did not settle: owned ${owned[*]}" >&2
}

# run LABEL BACKEND REPLICAS: throughput (as fast as possible), then latency at 10,000 alerts/s.
run() {
  local label=$1 backend=$2 n=$3 out
  [[ "$label" =~ ${NM_BENCH_ONLY:-.} ]] || return 0
  start "$backend" "$n"
  out=$("$B/bench/nm-loadgen" --target "$TARGETS" --sink "127.0.0.1:$SINK_PORT" --connections 6 \
    --batch 100 --total "$TOTAL" --tenants 1000 --distinct --attempts 3000 --wait 30 2>&1) || true
  local acc del
  acc=$(sed -n 's/.*-> \([0-9]*\) alerts\/s accepted.*/\1/p' <<<"$out")
  del=$(sed -n 's/.*expected alert deliveries; \([0-9]*\) deliveries\/s.*/\1/p' <<<"$out")
  stop_all  # a fresh sink (its percentiles cover every sample it got) and an empty backend
  start "$backend" "$n"
  out=$("$B/bench/nm-loadgen" --target "$TARGETS" --sink "127.0.0.1:$SINK_PORT" --connections 6 \
    --batch 100 --total 100000 --rate 10000 --tenants 1000 --distinct --attempts 3000 --wait 30 2>&1) || true
  local p99
  p99=$(sed -n 's/.*p99=\([0-9.]*ms\).*/\1/p' <<<"$out")
  printf '%-22s %12s %13s %16s\n' "$label" "$acc" "$del" "$p99"
  stop_all
}

echo "$TOTAL alerts per throughput run (6 connections, 100 alerts per post, groupLabels [alertname, namespace]);"
echo "latency: 100,000 alerts at 10,000/s. $(nproc) cores shared by every process."
printf '%-22s %12s %13s %16s\n' backend accepted/s delivered/s "p99 @10k/s"
run "memory, 1 replica" memory 1
run "redis, 1 replica" redis 1
run "redis, 3 replicas" redis 3
run "nats, 1 replica" nats 1
run "nats, 3 replicas" nats 3
