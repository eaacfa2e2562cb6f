"""Three replicas of the real binary on one real redis-server (random port, stopped by PID) with
partitioned streams and 2s partition leases, one webhook sink: alerts of 20 groups posted
round-robin to the replicas are notified once per group with every alert; after kill -9 of one
replica its partitions move to the survivors (time measured) and nothing is lost; restarted, it
gets its share back. Skips when redis-server is not installed."""

import os
import re
import subprocess
import time
import unittest

from nmtest import (BINARY, Daemon, NMTestCase, alert, am_webhook, metric_sum, nm_manifest, wait_until,
                    webhook_receiver)
from test_redis_queue import PARTITIONS, REDIS, RedisServer, streams_len, streams_pending

TTL = 2.0  # --store.lease-ttl, seconds


class RedisReplicasTest(NMTestCase):

    def setUp(self):
        if not REDIS:
            self.skipTest("redis-server is not installed (apt-get install redis-server)")
        super().setUp()
        self.redis = RedisServer(os.path.join(self.tmp, "redis"))
        self.replicas = [None, None, None]
        self.last_state = None
        self.dirs = []
        for i in range(3):
            d = os.path.join(self.tmp, f"r{i}", "config")  # each replica logs to r<i>/daemon.log
            os.makedirs(d)
            for name, text in (
                    ("nm.yaml", nm_manifest(batch_max_wait="1s",
                                            group_labels="[alertname, namespace]")),
                    ("r.yaml", webhook_receiver("g", self.sink.url("/g"), {"type": "global"}))):
                with open(os.path.join(d, name), "w") as f:
                    f.write(text)
            self.dirs.append(d)

    def tearDown(self):
        for i, r in enumerate(self.replicas):
            if r:
                r.kill()
                if self._outcome_failed():
                    print(f"---- replica {i} log ----\n" + r.logs()[-4000:])
        if REDIS:
            self.redis.stop()
        super().tearDown()

    def start_replica(self, i):
        self.replicas[i] = Daemon(self.dirs[i], [
            "--store.type", "redis", "--store.redis.url", f"redis://127.0.0.1:{self.redis.port}",
            "--store.lease-ttl", f"{int(TTL * 1000)}ms"])

    def live(self):
        return [r for r in self.replicas if r and r.proc.poll() is None]

    def owned(self):
        return [metric_sum(r.metrics(), "nm_partitions_owned") for r in self.live()]

    def wait_balanced(self, n, timeout):
        """Every partition owned, each of the n live replicas at most its fair share, none idle."""
        share = -(-PARTITIONS // n)

        def balanced():
            o = self.owned()
            return len(o) == n and sum(o) == PARTITIONS and min(o) > 0 and max(o) <= share
        wait_until(balanced, timeout, interval=0.1, what=f"{n} replicas to share the partitions")
        return self.owned()

    def settled(self):
        """Every accepted alert notified and acked: each push was answered 200 only after its
        entries were in a stream, and an entry leaves its stream (XACK+XDEL) only once its batch
        went through notify; nothing pending, no batch in flight on a live replica. Redis is the
        record: per-replica counters cannot be summed across a kill -9 (the victim's die with it,
        and what it dispatched another replica received)."""
        ms = [r.metrics() for r in self.live()]
        self.last_state = (streams_len(self.redis), streams_pending(self.redis),
                           sum(metric_sum(m, "nm_batches_in_flight") for m in ms))
        return self.last_state == (0, 0, 0)

    def wait_notified(self, timeout, prefix, groups, per_group):
        self.wait_or_diagnose(lambda: len(self.notifications(prefix)) == groups, timeout,
                              f"{groups} {prefix} groups notified", prefix, groups, per_group)

    def wait_settled(self, timeout, prefix, groups, per_group):
        self.wait_or_diagnose(self.settled, timeout, "every alert notified and acked", prefix,
                              groups, per_group)

    def wait_or_diagnose(self, pred, timeout, what, prefix, groups, per_group):
        """wait_until(pred); on a timeout the failure says where every alert of `prefix` is."""
        try:
            wait_until(pred, timeout, what=what)
        except AssertionError as e:
            raise AssertionError(f"{e}\n{self.diagnose(prefix, groups, per_group)}") from None

    def diagnose(self, prefix, groups, per_group):
        """Each replica's queue, lease and dispatcher figures, each partition's stream, pending
        entries (by consumer) and lease, the alerts of `prefix` the sink has not seen, and every
        replica's lease and take-over log lines."""
        out = [f"(XLEN, XPENDING, in flight) = {self.last_state}"]
        wanted = re.compile(r"nm_(queue|partition|batches|alerts_(received|rejected|dispatched))")
        for i, r in enumerate(self.replicas):
            if not r or r.proc.poll() is not None:
                out.append(f"replica {i}: dead")
                continue
            try:
                m = r.metrics()
            except (OSError, AssertionError) as e:
                out.append(f"replica {i}: /metrics failed: {e}")
                continue
            out.append(f"replica {i} (pid {r.proc.pid}): " + ", ".join(
                f"{k}={v:g}" for k, v in sorted(m.items())
                if wanted.match(k) and "_bucket" not in k and v))
        for p in range(PARTITIONS):
            s = f"nm:alerts:{p}"
            out.append(f"partition {p}: XLEN {self.redis.cmd('XLEN', s)} lease "
                       f"{self.redis.cmd('GET', f'nm:alerts:lease:{p}')} pending "
                       f"{self.redis.cmd('XPENDING', s, 'notification-manager', '-', '+', 50)}")
        live = self.redis.cmd("ZRANGE", "nm:alerts:replicas", 0, -1, "WITHSCORES")
        out.append(f"replica heartbeats: {live}")
        seen = {}
        for name, sends in self.notifications(prefix).items():
            for send in sends:
                seen.setdefault(name, set()).update(send)
        missing = [f"{prefix}{g}/i{k}" for g in range(groups) for k in range(per_group)
                   if f"i{k}" not in seen.get(f"{prefix}{g}", set())]
        out.append(f"not at the sink: {missing}")
        for i, r in enumerate(self.replicas):
            if r:
                lines = [ln for ln in r.logs().splitlines()
                         if "lease" in ln or "took over" in ln or "redis" in ln or "level=warn"
                         in ln or "level=error" in ln]
                out.append(f"---- replica {i} lease/take-over lines ----\n" +
                           "\n".join(lines[-60:]))
        return "\n".join(out)

    def post_groups(self, prefix, groups, per_group, targets):
        """Alert k of group g goes to targets[(g + k) % len]: each group spread over replicas."""
        batches = {id(t): (t, []) for t in targets}
        for g in range(groups):
            for k in range(per_group):
                t = targets[(g + k) % len(targets)]
                batches[id(t)][1].append(alert({"alertname": f"{prefix}{g}",
                                                "namespace": f"ns{g % 4}",
                                                "instance": f"i{k}"}))
        for t, alerts in batches.values():
            status, body, _ = t.request("POST", "/api/v2/alerts", am_webhook(alerts))
            self.assertEqual(status, 200, body)

    def notifications(self, prefix):
        """{group: [instances of each notification]} for alertnames starting with prefix."""
        out = {}
        for r in self.sink.on("/g"):
            alerts = (r["json"] or {}).get("alerts", [])
            names = {a["labels"]["alertname"] for a in alerts}
            self.assertEqual(len(names), 1, f"one notification mixes groups: {names}")
            name = names.pop()
            if name.startswith(prefix):
                out.setdefault(name, []).append(sorted(a["labels"]["instance"] for a in alerts))
        return out

    def assert_once_each(self, prefix, groups, per_group):
        want = sorted(f"i{k}" for k in range(per_group))
        got = self.notifications(prefix)
        self.assertEqual(sorted(got), sorted(f"{prefix}{g}" for g in range(groups)))
        for name, sends in got.items():
            self.assertEqual(sends, [want], f"{name} was notified {sends}")

    def test_one_notification_per_group_failover_and_rebalance(self):
        for i in range(3):
            self.start_replica(i)
        print(f"\nowned after start: {self.wait_balanced(3, 6 * TTL)}")

        # (a) 20 groups of 3 alerts, each group's alerts posted to all three replicas.
        self.post_groups("G", 20, 3, self.live())
        self.wait_notified(30, "G", 20, 3)
        self.wait_settled(10, "G", 20, 3)
        self.assert_once_each("G", 20, 3)

        # (b) kill -9 one replica; alerts posted at once to the survivors all arrive.
        victim = self.replicas[2]
        victim.kill()
        killed = time.monotonic()
        survivors = self.live()
        self.post_groups("H", 20, 2, survivors)
        owned = self.wait_balanced(2, 4 * TTL)
        moved = time.monotonic() - killed
        print(f"partitions moved to the survivors {moved:.2f}s after kill -9 (ttl {TTL}s): {owned}")
        self.assertLessEqual(moved, 2 * TTL + 1.0)
        self.wait_notified(30, "H", 20, 2)
        self.wait_settled(30, "H", 20, 2)
        self.assert_once_each("H", 20, 2)

        # (c) restart it: it gets a share back, and alerts through all three still arrive once.
        self.start_replica(2)
        print(f"owned after restart: {self.wait_balanced(3, 6 * TTL)}")
        self.post_groups("I", 20, 3, self.live())
        self.wait_notified(30, "I", 20, 3)
        self.wait_settled(30, "I", 20, 3)
        self.assert_once_each("I", 20, 3)
        self.assert_once_each("G", 20, 3)  # nothing more of the first round arrived meanwhile
        moves = sum(metric_sum(r.metrics(), "nm_partition_lease_moves_total") for r in self.live())
        self.assertGreater(moves, 0)

    def test_a_different_partition_count_is_refused_with_exit_2(self):
        self.redis.cmd("SET", "nm:alerts:partitions", "16")  # what the running replicas recorded
        p = subprocess.run([BINARY, "--config.dir", self.dirs[0], "--webhook.address",
                            "127.0.0.1:0", "--store.type", "redis", "--store.redis.url",
                            f"redis://127.0.0.1:{self.redis.port}", "--store.partitions", "8"],
                           capture_output=True, text=True, timeout=30)
        out = p.stderr + p.stdout
        self.assertEqual(p.returncode, 2, out)
        self.assertIn("--store.partitions 8 differs from the 16 partitions", out)


if __name__ == "__main__":
    unittest.main()
