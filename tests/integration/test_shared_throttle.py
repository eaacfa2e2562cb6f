"""Chat throttles shared by replicas (--store.type redis, issue #12): three replicas of the real
binary on one real redis-server (random port, stopped by PID), each sending to the same DingTalk
robot of the protocol-faithful fake; the robot's window (5 per 3 s here, declared the same in the
Config and in the fake) is never exceeded by the three together, and every notification arrives.
Skips when redis-server is not installed."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))

import test_redis_queue as rq  # noqa: E402  (its RedisServer; its tests stay in its module)
from chat_manifests import global_receiver  # noqa: E402
from dingtalk_fake import DingTalkFake  # noqa: E402
from nmtest import Daemon, NMTestCase, alert, am_webhook, metric_sum, nm_manifest, wait_until  # noqa: E402

LIMIT, WINDOW = 5, 3.0  # sends per window of seconds: the Config's chatBotThrottle and the fake's
REPLICAS, GROUPS_PER_REPLICA = 3, 6


class SharedThrottleTest(NMTestCase):
    """The backend hooks (server, flags, the shared window's trace) are overridden by
    test_nats_throttle.py."""

    def server_missing(self):
        return None if rq.REDIS else "redis-server is not installed (apt-get install redis-server)"

    def start_server(self):
        self.server = rq.RedisServer(os.path.join(self.tmp, "redis"))

    def store_args(self, i):
        return ["--store.type", "redis", "--store.redis.url",
                f"redis://127.0.0.1:{self.server.port}", "--store.redis.stream", f"nm:alerts:r{i}"]

    def assert_window_stored(self):
        self.assertTrue(self.server.cmd("KEYS", "nm:throttle:*"))

    def setUp(self):
        if self.server_missing():
            self.skipTest(self.server_missing())
        super().setUp()
        self.start_server()
        self.fake = DingTalkFake(rate_limit=LIMIT, rate_window=WINDOW)
        self.replicas = []

    def tearDown(self):
        for d in self.replicas:
            d.kill()
        if self._outcome_failed():
            for i, d in enumerate(self.replicas):
                print(f"---- replica {i} log ----\n" + d.logs()[-4000:])
        self.fake.close()
        self.server.stop()
        super().tearDown()

    def start_replica(self, i):
        """Replica i: its own config dir (same files) and its own stream, so each sends the groups
        posted to it; only the throttle window is shared between them."""
        config_dir = os.path.join(self.tmp, f"r{i}", "config")
        os.makedirs(config_dir)
        options = {"dingtalk": {"apiBaseUrl": self.fake.url(""), "chatBotThrottle": {
            "threshold": LIMIT, "unit": f"{int(WINDOW)}s", "maxWaitTime": "30s"}}}
        url = self.fake.add_robot("shared", "SEC", ("nm",))
        robot = {"webhook": {"value": url}, "secret": {"value": "SEC"}, "keywords": ["nm"]}
        for name, text in (("nm.yaml", nm_manifest(options=options)),
                           ("receiver.yaml", global_receiver("dt", "dingtalk", {"chatbot": robot}))):
            with open(os.path.join(config_dir, name), "w") as f:
                f.write(text)
        d = Daemon(config_dir, self.store_args(i))
        self.replicas.append(d)
        return d

    def test_three_replicas_together_stay_under_one_robots_limit(self):
        for i in range(REPLICAS):
            self.start_replica(i)
        names = []
        for i, d in enumerate(self.replicas):
            group = [f"R{i}G{k}" for k in range(GROUPS_PER_REPLICA)]
            names += group
            status, body, _ = d.request("POST", "/api/v2/alerts", am_webhook(
                [alert({"alertname": n, "namespace": "ns"}) for n in group]))
            self.assertEqual(status, 200, body)

        def delivered():
            texts = "".join(r["body"]["text"]["content"]
                            for r in self.fake.on("/robot/send", True))
            return all(n in texts for n in names)

        total = REPLICAS * GROUPS_PER_REPLICA
        wait_until(lambda: len(self.fake.on("/robot/send", True)) >= total and delivered(),
                   timeout=90, what=f"all {total} notifications at the robot")
        for d in self.replicas:
            d.wait_settled(60)  # the marker: nothing more will be sent

        sent = self.fake.on("/robot/send")
        rejected = [r["answer"] for r in sent if r["answer"].get("errcode") != 0]
        self.assertEqual(rejected, [], "the robot refused sends (over its limit or unsigned)")
        times = sorted(r["at"] for r in sent)
        for i in range(LIMIT, len(times)):
            self.assertGreaterEqual(times[i] - times[i - LIMIT], WINDOW,
                                    f"{LIMIT + 1} sends within {WINDOW} s ending at send {i}")
        # Every replica sent through the one shared window (the store was never bypassed).
        for d in self.replicas:
            m = d.metrics()
            self.assertEqual(metric_sum(m, "nm_throttle_redis_fallback_total"), 0)
            self.assertGreater(metric_sum(m, "nm_throttle_delayed_total"), 0)
        self.assert_window_stored()


if __name__ == "__main__":
    unittest.main()
