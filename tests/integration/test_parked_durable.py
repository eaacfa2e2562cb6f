"""Parked sends survive kill -9 (issue #12): a DingTalk robot allowing one message per 3 s with
no wait parks all but the first of six groups, and their batches are acked. The daemon is killed
with SIGKILL (on --storage.path) once the parked records are committed, started again on the
same state, and re-sends them: every group reaches the DingTalk fake exactly once, proved by a
later marker group arriving after the six while no group arrived twice."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))

from chat_manifests import global_receiver
from dingtalk_fake import DingTalkFake
from nmtest import NMTestCase, alert, metric_sum, nm_manifest, wait_until

GROUPS = [f"Parked{i}" for i in range(6)]


class ParkedDurableTest(NMTestCase):

    def setUp(self):
        super().setUp()
        # The fake never refuses: a restarted daemon's throttle window starts empty.
        self.fake = DingTalkFake(rate_limit=1000, rate_window=1.0)
        options = {"dingtalk": {"apiBaseUrl": self.fake.url(""), "chatBotThrottle": {
            "threshold": 1, "unit": "3s", "maxWaitTime": "0s"}}}
        self.write("nm.yaml", nm_manifest(options=options))
        url = self.fake.add_robot("rb1", None, ["nm"])
        self.write("receiver.yaml", global_receiver("dt", "dingtalk", {
            "chatbot": {"webhook": {"value": url}, "keywords": ["nm"]}}))
        self.args = ["--storage.path", os.path.join(self.tmp, "state")]

    def tearDown(self):
        super().tearDown()
        self.fake.close()

    def delivered(self):
        texts = [r["body"]["text"]["content"] for r in self.fake.on("/robot/send", True)]
        return {g: sum(1 for t in texts if g in t) for g in GROUPS + ["Marker"]}

    def test_parked_sends_are_resent_once_after_kill_9(self):
        self.start(self.args)
        status, reply = self.post_alerts([alert({"alertname": g, "namespace": "n1"})
                                          for g in GROUPS])
        self.assertEqual(status, 200, reply)

        def parked_and_committed():
            m = self.daemon.metrics()
            return (metric_sum(m, "nm_notifications_parked") == len(GROUPS) - 1
                    and metric_sum(m, 'nm_state_writes_total{table="parked"}')
                    >= len(GROUPS) - 1)
        wait_until(parked_and_committed, 20, what="five parked sends with committed records")
        before = self.delivered()
        self.assertEqual(sum(before.values()), 1, before)  # only the first group went out
        self.daemon.kill()

        self.start(self.args)
        wait_until(lambda: sum(self.delivered().values()) >= len(GROUPS), 60,
                   what="every group delivered after the restart")
        m = self.daemon.metrics()
        self.assertEqual(metric_sum(m, "nm_parked_resent_total"), len(GROUPS) - 1)
        # The marker is throttled behind the resends: once it arrives, they have all gone out.
        status, reply = self.post_alerts([alert({"alertname": "Marker", "namespace": "n1"})])
        self.assertEqual(status, 200, reply)
        wait_until(lambda: self.delivered()["Marker"] >= 1, 60, what="the marker group")
        got = self.delivered()
        self.assertEqual(got, {g: 1 for g in GROUPS + ["Marker"]}, got)
        # Every record settled: none left for a next start.
        wait_until(lambda: metric_sum(self.daemon.metrics(), "nm_notifications_parked") == 0, 30,
                   what="no parked send left")


if __name__ == "__main__":
    unittest.main()
