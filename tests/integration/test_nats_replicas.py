"""Three replicas of the real binary on one real nats-server -js (random port, temp store dir,
stopped by PID) with partitioned subjects (nm.alerts.<p>, one durable consumer each) and 2s
partition leases in the KV bucket NM_ALERTS_LEASES, one webhook sink: alerts of 20 groups posted
round-robin to the replicas are notified once per group with every alert; after kill -9 of one
replica its partitions move to the survivors (time measured) and nothing is lost; restarted, it
gets its share back; killed while holding fetched alerts, they reach the survivors after
--store.nats.ack-wait and each group is still notified once; a replica with another
--store.partitions exits 2 naming the flag. Skips when nats-server is not installed."""

import os
import subprocess
import time
import unittest

from nmtest import BINARY, Daemon, NMTestCase, metric_sum, nm_manifest, wait_until, webhook_receiver
from test_nats_queue import NATS, NatsServer, js
import test_redis_replicas

TTL = 2.0  # --store.lease-ttl, seconds
PARTITIONS = 16  # --store.partitions (the default)


class NatsReplicasTest(NMTestCase):
    # The scenario helpers are the Redis replicas test's; only the backend differs.
    live = test_redis_replicas.RedisReplicasTest.live
    owned = test_redis_replicas.RedisReplicasTest.owned
    post_groups = test_redis_replicas.RedisReplicasTest.post_groups
    notifications = test_redis_replicas.RedisReplicasTest.notifications
    assert_once_each = test_redis_replicas.RedisReplicasTest.assert_once_each

    def setUp(self):
        if not NATS:
            self.skipTest("nats-server is not installed (apt-get install nats-server)")
        super().setUp()
        self.nats = NatsServer(os.path.join(self.tmp, "nats"))
        self.replicas = [None, None, None]
        self.dead = (0, 0)  # what killed replicas had received and dispatched (counters die too)
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
        if NATS:
            self.nats.stop()
        super().tearDown()

    def url(self):
        return f"nats://127.0.0.1:{self.nats.port}"

    def start_replica(self, i):
        self.replicas[i] = Daemon(self.dirs[i], [
            "--store.type", "nats", "--store.nats.url", self.url(),
            "--store.nats.ack-wait", "3s", "--store.lease-ttl", f"{int(TTL * 1000)}ms"])

    def wait_balanced(self, n, timeout):
        """Every partition owned, each of the n live replicas at most its fair share, none idle."""
        share = -(-PARTITIONS // n)

        def balanced():
            o = self.owned()
            return len(o) == n and sum(o) == PARTITIONS and min(o) > 0 and max(o) <= share
        wait_until(balanced, timeout, interval=0.1, what=f"{n} replicas to share the partitions")
        return self.owned()

    def settled(self):
        """Every accepted alert, on whichever replica, notified and acked, the stream empty."""
        ms = [r.metrics() for r in self.live()]
        received = self.dead[0] + sum(metric_sum(m, "nm_alerts_received_total") -
                                      metric_sum(m, "nm_alerts_rejected_total") for m in ms)
        dispatched = self.dead[1] + sum(metric_sum(m, "nm_alerts_dispatched_total") for m in ms)
        self.last_state = (received, dispatched,
                           self.nats.stream("NM_ALERTS")["state"]["messages"],
                           sum(metric_sum(m, "nm_batches_in_flight") for m in ms))
        return dispatched >= received and self.last_state[2] == 0 and self.last_state[3] == 0

    def wait_settled(self, timeout=30):
        try:
            wait_until(self.settled, timeout, what="every alert notified and acked")
        except AssertionError:
            raise AssertionError(f"(received, dispatched, stream messages, in flight) = "
                                 f"{self.last_state} {self.nats.consumer()} {self.owned()}")

    def test_one_notification_per_group_failover_and_rebalance(self):
        for i in range(3):
            self.start_replica(i)
        print(f"\nowned after start: {self.wait_balanced(3, 6 * TTL)}")

        # (a) 20 groups of 3 alerts, each group's alerts posted to all three replicas.
        self.post_groups("G", 20, 3, self.live())
        wait_until(lambda: len(self.notifications("G")) == 20, 30, what="20 groups notified")
        self.wait_settled()
        self.assert_once_each("G", 20, 3)

        # (b) kill -9 one replica; alerts posted at once to the survivors all arrive.
        victim = self.replicas[2]
        m = victim.metrics()  # final: everything was settled above
        self.dead = (metric_sum(m, "nm_alerts_received_total") -
                     metric_sum(m, "nm_alerts_rejected_total"),
                     metric_sum(m, "nm_alerts_dispatched_total"))
        victim.kill()
        killed = time.monotonic()
        survivors = self.live()
        self.post_groups("H", 20, 2, survivors)
        owned = self.wait_balanced(2, 4 * TTL)
        moved = time.monotonic() - killed
        print(f"partitions moved to the survivors {moved:.2f}s after kill -9 (ttl {TTL}s): {owned}")
        self.assertLessEqual(moved, 2 * TTL + 1.0)
        wait_until(lambda: len(self.notifications("H")) == 20, 30, what="H groups notified")
        self.wait_settled()
        self.assert_once_each("H", 20, 2)

        # (c) restart it: it gets a share back, and alerts through all three still arrive once.
        self.start_replica(2)
        print(f"owned after restart: {self.wait_balanced(3, 6 * TTL)}")
        self.post_groups("I", 20, 3, self.live())
        wait_until(lambda: len(self.notifications("I")) == 20, 30, what="I groups notified")
        self.wait_settled()
        self.assert_once_each("I", 20, 3)
        self.assert_once_each("G", 20, 3)  # nothing more of the first round arrived meanwhile
        self.assert_once_each("H", 20, 2)
        moves = sum(metric_sum(r.metrics(), "nm_partition_lease_moves_total") for r in self.live())
        self.assertGreater(moves, 0)

    def test_kill_9_with_alerts_fetched_but_not_notified_loses_none(self):
        # A 6s batch wait: what the victim fetched is held, ack pending, when it dies.
        for d in self.dirs:
            with open(os.path.join(d, "nm.yaml"), "w") as f:
                f.write(nm_manifest(batch_max_wait="6s", group_labels="[alertname, namespace]"))
        for i in range(3):
            self.start_replica(i)
        self.wait_balanced(3, 6 * TTL)
        self.post_groups("K", 20, 3, self.live())
        def all_fetched():
            # A message per POST and partition, holding that partition's alerts: every one
            # fetched and held, none left to deliver.
            c = self.nats.consumer()
            stored = self.nats.stream("NM_ALERTS")["state"]["messages"]
            return c["num_pending"] == 0 and c["num_ack_pending"] == stored > 0
        wait_until(all_fetched, 10, what="all 60 alerts fetched (held by the batch wait)")
        victim = self.replicas[2]
        victim.kill()
        killed = time.monotonic()
        # Its partitions move within ~ttl; its fetched messages come back after AckWait (3s).
        wait_until(lambda: len(self.notifications("K")) == 20, 30, what="K groups notified")
        took = time.monotonic() - killed
        print(f"\nevery group notified {took:.2f}s after kill -9 (ttl {TTL}s, ack-wait 3s)")
        wait_until(lambda: self.nats.stream("NM_ALERTS")["state"]["messages"] == 0, 20,
                   what="every message acked")
        self.assert_once_each("K", 20, 3)  # the victim had notified nothing: no duplicate

    def test_a_different_partition_count_is_refused_with_exit_2(self):
        self.start_replica(0)  # records 16 in the lease bucket
        wait_until(lambda: sum(self.owned()) == PARTITIONS, 6 * TTL,
                   what="the first replica's leases")
        p = subprocess.run([BINARY, "--config.dir", self.dirs[1], "--webhook.address",
                            "127.0.0.1:0", "--store.type", "nats", "--store.nats.url", self.url(),
                            "--store.partitions", "8"],
                           capture_output=True, text=True, timeout=30)
        out = p.stderr + p.stdout
        self.assertEqual(p.returncode, 2, out)
        self.assertIn("--store.partitions 8 differs from the 16 partitions", out)


if __name__ == "__main__":
    unittest.main()
