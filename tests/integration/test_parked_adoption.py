"""Parked sends of a replica that dies for good are taken over (issue #12): on a real
redis-server and a real nats-server -js, replica A alone parks four of five groups behind a
DingTalk robot throttle (one message per 3 s, no wait); replica B joins; A is killed with
SIGKILL (holding those it has not sent yet) and never restarted (a Deployment's pod gets a new name, so no replica ever comes back
under A's id). Once A's heartbeat is older than the lease ttl, B re-sends A's parked records:
every group reaches the DingTalk fake exactly once, proved by a later marker group posted to B
arriving after them while no group arrived twice, and no parked record is left."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))

from chat_manifests import global_receiver
from dingtalk_fake import DingTalkFake
from nmtest import Daemon, NMTestCase, alert, am_webhook, metric_sum, nm_manifest, wait_until
from test_nats_queue import NATS, NatsServer
from test_redis_queue import PARTITIONS, REDIS, RedisServer

GROUPS = [f"Orphan{i}" for i in range(5)]
TTL_MS = 2000  # --store.lease-ttl


class ParkedAdoptionBase:
    """The scenario; subclasses start the backend and name its flags."""

    def setUp(self):
        super().setUp()
        self.fake = DingTalkFake(rate_limit=1000, rate_window=1.0)
        options = {"dingtalk": {"apiBaseUrl": self.fake.url(""), "chatBotThrottle": {
            "threshold": 1, "unit": "3s", "maxWaitTime": "0s"}}}
        url = self.fake.add_robot("rb1", None, ["nm"])
        self.dirs = []
        for name in ("a", "b"):
            d = os.path.join(self.tmp, name, "config")  # each replica logs to <name>/daemon.log
            os.makedirs(d)
            with open(os.path.join(d, "nm.yaml"), "w") as f:
                f.write(nm_manifest(options=options))
            with open(os.path.join(d, "receiver.yaml"), "w") as f:
                f.write(global_receiver("dt", "dingtalk", {
                    "chatbot": {"webhook": {"value": url}, "keywords": ["nm"]}}))
            self.dirs.append(d)
        self.a = self.b = None

    def tearDown(self):
        for name, r in (("a", self.a), ("b", self.b)):
            if r:
                r.kill()
                if self._outcome_failed():
                    print(f"---- replica {name} log ----\n" + r.logs()[-5000:])
        self.fake.close()
        self.stop_backend()
        super().tearDown()

    def delivered(self):
        texts = [r["body"]["text"]["content"] for r in self.fake.on("/robot/send", True)]
        return {g: sum(1 for t in texts if g in t) for g in GROUPS + ["Marker"]}

    def post(self, daemon, names):
        status, body, _ = daemon.request("POST", "/api/v2/alerts", am_webhook(
            [alert({"alertname": n, "namespace": "n1"}) for n in names]))
        self.assertEqual(status, 200, body)

    def test_a_dead_replicas_parked_sends_are_resent_once_by_a_survivor(self):
        args = self.backend_args() + ["--store.lease-ttl", f"{TTL_MS}ms"]
        self.a = Daemon(self.dirs[0], args)
        wait_until(lambda: metric_sum(self.a.metrics(), "nm_partitions_owned") == PARTITIONS, 20,
                   what="replica A to own every partition")
        self.post(self.a, GROUPS)

        def parked_and_written():
            m = self.a.metrics()
            return (metric_sum(m, "nm_notifications_parked") == len(GROUPS) - 1
                    and metric_sum(m, 'nm_state_writes_total{table="parked"}')
                    >= len(GROUPS) - 1)
        wait_until(parked_and_written, 20, what="four parked sends with written records on A")
        self.assertEqual(sum(self.delivered().values()), 1, self.delivered())

        self.b = Daemon(self.dirs[1], args)
        wait_until(lambda: metric_sum(self.b.metrics(), "nm_partitions_owned") > 0, 20,
                   what="replica B to own partitions")
        # B knows A is live: nothing of A's is taken while A runs.
        self.assertEqual(metric_sum(self.b.metrics(), "nm_parked_resent_total"), 0)
        # A sends one parked group per 3 s while B starts: what it still holds when killed is
        # what B must take over.
        self.a.kill()

        wait_until(lambda: metric_sum(self.b.metrics(), "nm_parked_resent_total") >= 1, 30,
                   what="B to take over A's parked sends")
        wait_until(lambda: sum(self.delivered()[g] for g in GROUPS) >= len(GROUPS), 60,
                   what="every group delivered after the take-over")
        # The marker is throttled behind the resends: once it arrives, they have all gone out.
        self.post(self.b, ["Marker"])
        wait_until(lambda: self.delivered()["Marker"] >= 1, 60, what="the marker group")
        got = self.delivered()
        self.assertEqual(got, {g: 1 for g in GROUPS + ["Marker"]}, got)
        wait_until(lambda: metric_sum(self.b.metrics(), "nm_notifications_parked") == 0, 30,
                   what="no parked send left on B")
        self.assertIn("parked notifications of a stopped replica taken over", self.b.logs())


class RedisParkedAdoptionTest(ParkedAdoptionBase, NMTestCase):

    def setUp(self):
        if not REDIS:
            self.skipTest("redis-server is not installed (apt-get install redis-server)")
        super().setUp()
        self.redis = RedisServer(os.path.join(self.tmp, "redis"))

    def stop_backend(self):
        self.redis.stop()

    def backend_args(self):
        return ["--store.type", "redis", "--store.redis.url", f"redis://127.0.0.1:{self.redis.port}"]


class NatsParkedAdoptionTest(ParkedAdoptionBase, NMTestCase):

    def setUp(self):
        if not NATS:
            self.skipTest("nats-server is not installed (apt-get install nats-server)")
        super().setUp()
        self.nats = NatsServer(os.path.join(self.tmp, "nats"))

    def stop_backend(self):
        self.nats.stop()

    def backend_args(self):
        return ["--store.type", "nats", "--store.nats.url", f"nats://127.0.0.1:{self.nats.port}"]


if __name__ == "__main__":
    unittest.main()
