#!/usr/bin/env bash
# DingTalk throttle benchmark (issue #4): notification-manager → nm-dingtalk-fake on 127.0.0.1.
# The fake enforces DingTalk's per-robot sliding window (errcode 130101 over it) and checks every
# signature; bench/throttle/check_results.py compares its accept log with W robots × G groups.
#   run 1 "fits":  NM_BT_WEBHOOKS (500) robots × NM_BT_GROUPS (20) = 10,000 messages, default
#                  chatBotThrottle (20 per 1m, maxWaitTime 10s), fake 20 per 60 s: nothing waits.
#   run 2 "bound": NM_BT2_WEBHOOKS (100) × NM_BT2_GROUPS (100) = 10,000 messages, throttle and fake
#                  at NM_BT2_THRESHOLD (20) per NM_BT2_UNIT_S (5) s, maxWaitTime NM_BT2_MAXWAIT
#                  (1s), while nm-loadgen posts NM_BT_BG_RATE (2000) other alerts/s to nm-sink.
# NM_BT2_FAKE_WINDOW_S=s: the fake's window in run 2 when it should differ from the daemon's unit.
# NM_BT_SPREAD_MS=n posts the G alerts one by one, n ms apart (throttled sends in many batches).
# NM_BT_PENALTY_S=n: the fake then blocks a robot n s after it went over (DingTalk: 10 minutes).
# NM_BT_NM_ARGS="--flag value": extra daemon flags (e.g. --store.memory.queue 20000).
# Exit 1 when a message was lost or the fake answered "send too fast" even once.
# Usage: scripts/bench-throttle.sh   (NM_BT_RUNS="1 2" picks runs; NM_BT_BUILD=build-bench)
# Build: cmake -S . -B build-bench -G Ninja -DNM_BENCH=ON -DCMAKE_BUILD_TYPE=Release &&
#        cmake --build build-bench --target notification-manager nm-dingtalk-fake nm-loadgen nm-sink
set -euo pipefail
cd "$(dirname "$0")/.."
B="${NM_BT_BUILD:-build-bench}"
RUNS="${NM_BT_RUNS:-1 2}"
FAKE_ADDR=127.0.0.1:19299
NM_ADDR=127.0.0.1:19293
SINK_ADDR=127.0.0.1:19298
TICK=$(getconf CLK_TCK)
DIR="$(mktemp -d)"
echo "bench dir: $DIR   load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for bin in notification-manager bench/nm-dingtalk-fake bench/nm-loadgen bench/nm-sink; do
  [ -x "$B/$bin" ] || { echo "missing $B/$bin (see Build above)" >&2; exit 2; }
done

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${NM_BT_KEEP:-}" ] || rm -rf "$DIR"
}
trap cleanup EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
metric_sum() { awk -v m="$1" '$1 == m || index($1, m "{") == 1 {s += $2} END {print s + 0}' "$2"; }

# run <name> <webhooks> <groups> <fake limit> <fake window s> <bg alerts/s> <gen_config args...>
run() {
  local name=$1 W=$2 G=$3 LIMIT=$4 WINDOW=$5 BG=$6
  shift 6
  local D="$DIR/$name"
  mkdir -p "$D"
  local sinkArgs=()
  [ "$BG" -gt 0 ] && sinkArgs=(--sink-url "http://$SINK_ADDR/background")
  python3 bench/throttle/gen_config.py --dir "$D" --webhooks "$W" --groups "$G" \
    --fake "$FAKE_ADDR" "${sinkArgs[@]}" "$@"
  "$B/bench/nm-dingtalk-fake" --address "$FAKE_ADDR" --limit "$LIMIT" --window "$WINDOW" \
    --robots "$D/robots.txt" --penalty "${NM_BT_PENALTY_S:-0}" > "$D/fake.log" 2>&1 &
  local FAKE=$!
  PIDS+=("$FAKE")
  local SINK=""
  if [ "$BG" -gt 0 ]; then
    "$B/bench/nm-sink" --address "$SINK_ADDR" > "$D/sink.log" 2>&1 &
    SINK=$!
    PIDS+=("$SINK")
  fi
  # shellcheck disable=SC2086  # NM_BT_NM_ARGS: extra daemon flags, split on purpose
  "$B/notification-manager" --config.dir "$D/config" --webhook.address "$NM_ADDR" \
    --log.level info ${NM_BT_NM_ARGS:-} > "$D/nm.log" 2>&1 &
  local NM=$!
  PIDS+=("$NM")
  for _ in $(seq 1 200); do curl -fsS "http://$NM_ADDR/-/ready" >/dev/null 2>&1 && break; sleep 0.1; done
  sleep 0.5
  local cpu0 t0
  cpu0=$(cpu_ticks "$NM")

  # Queue and in-flight gauges every 200 ms while the run lasts.
  (while kill -0 "$NM" 2>/dev/null; do
     curl -fsS "http://$NM_ADDR/metrics" 2>/dev/null |
       awk '$1 ~ /^nm_(queue_length|batches_in_flight|notifications_in_flight)$/ {printf "%s=%s ", $1, $2}'
     echo
     sleep 0.2
   done) > "$D/gauges.log" 2>/dev/null &
  local SAMPLER=$!

  local LOADGEN=""
  t0=$(date +%s%3N)
  if [ "$BG" -gt 0 ]; then
    local secs=${NM_BT_BG_SECONDS:-30}
    "$B/bench/nm-loadgen" --target "$NM_ADDR" --sink "$SINK_ADDR" --connections 2 --batch 100 \
      --total $((BG * secs)) --rate "$BG" --tenants 1000 --wait 20 > "$D/loadgen.log" 2>&1 &
    LOADGEN=$!
  fi
  # One POST of all G alerts, or (NM_BT_SPREAD_MS=n) one POST per alert every n ms, so that the
  # throttled notifications ride in many batches (the ingest-stall case).
  python3 - "$D/alerts.json" "$NM_ADDR" "${NM_BT_SPREAD_MS:-0}" <<'PY'
import json, sys, time, urllib.request
body, addr, spread = json.load(open(sys.argv[1])), sys.argv[2], float(sys.argv[3])
posts = [body] if spread <= 0 else [dict(body, alerts=[a]) for a in body["alerts"]]
for i, b in enumerate(posts):
    while True:
        req = urllib.request.Request(f"http://{addr}/api/v2/alerts", json.dumps(b).encode(),
                                     {"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(req, timeout=30).read()
            break
        except urllib.error.HTTPError as e:
            if e.code != 503:
                sys.exit(f"posting the alerts answered HTTP {e.code}")
            print("503 while posting the throttled alerts", file=sys.stderr)
            time.sleep(0.05)
    time.sleep(spread / 1000)
PY

  local rc=0
  python3 bench/throttle/check_results.py --fake "$FAKE_ADDR" --webhooks "$W" --groups "$G" \
    --start-ms "$t0" --idle "${NM_BT_IDLE:-30}" --save "$D/accepts.tsv" > "$D/check.txt" || rc=1
  local cpu1 hwm
  cpu1=$(cpu_ticks "$NM")
  hwm=$(awk '/VmHWM/ {print $2, $3}' "/proc/$NM/status")
  [ -n "$LOADGEN" ] && { wait "$LOADGEN" || rc=1; }
  curl -fsS "http://$NM_ADDR/metrics" > "$D/metrics.txt"
  kill -TERM "$NM" "$FAKE" ${SINK:+"$SINK"} 2>/dev/null || true
  wait "$NM" "$FAKE" ${SINK:+"$SINK"} "$SAMPLER" 2>/dev/null || true
  PIDS=()

  echo "== $name: $W robots × $G groups = $((W * G)) messages; fake $LIMIT per ${WINDOW}s per robot"
  sed 's/^/   /' "$D/check.txt"
  local waited deferred failed rejected
  waited=$(awk '$1 == "nm_throttle_delayed_total{outcome=\"waited\"}" {print $2}' "$D/metrics.txt")
  deferred=$(awk '$1 == "nm_throttle_delayed_total{outcome=\"deferred\"}" {print $2}' "$D/metrics.txt")
  failed=$(metric_sum nm_notifications_failed_total "$D/metrics.txt")
  rejected=$(metric_sum nm_alerts_rejected_total "$D/metrics.txt")
  echo "   daemon: cpu_s=$(awk -v a="$cpu0" -v b="$cpu1" -v t="$TICK" 'BEGIN {printf "%.2f", (b - a) / t}')" \
    "peak_rss=$hwm throttle_waited=${waited:-0} throttle_deferred=${deferred:-0}" \
    "deferred_log_lines=$(grep -c 'send deferred' "$D/nm.log" || true)" \
    "notifications_failed=$failed alerts_rejected_503=$rejected"
  echo "   gauges (max over 200 ms samples): $(awk '{for (i = 1; i <= NF; i++) {split($i, kv, "=");
    if (!(kv[1] in m) || kv[2] + 0 > m[kv[1]] + 0) m[kv[1]] = kv[2] + 0}} END {for (k in m) printf "%s=%s ", k, m[k]}' "$D/gauges.log")"
  [ -n "$LOADGEN" ] && sed 's/^/   background: /' "$D/loadgen.log"
  return $rc
}

status=0
for r in $RUNS; do
  case $r in
    1)
      W=${NM_BT_WEBHOOKS:-500} G=${NM_BT_GROUPS:-20}
      echo "   (run 1 minimum: $G per robot ≤ 20 per 60 s, so no send has to wait: 0 s of throttle)"
      run fits "$W" "$G" 20 60 0 --defaults || status=1
      ;;
    2)
      W=${NM_BT2_WEBHOOKS:-100} G=${NM_BT2_GROUPS:-100} T=${NM_BT2_THRESHOLD:-20}
      U=${NM_BT2_UNIT_S:-5}
      echo "   (run 2 minimum: (ceil($G / $T) - 1) × ${U} s = $(((G + T - 1) / T - 1)) × $U s = $((((G + T - 1) / T - 1) * U)) s)"
      run bound "$W" "$G" "$T" "${NM_BT2_FAKE_WINDOW_S:-$U}" "${NM_BT_BG_RATE:-2000}" --threshold "$T" --unit "${U}s" \
        --max-wait "${NM_BT2_MAXWAIT:-1s}" || status=1
      ;;
  esac
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
[ $status = 0 ] && echo "PASS: nothing lost, never over the limit" || echo "FAIL: see above"
exit $status
