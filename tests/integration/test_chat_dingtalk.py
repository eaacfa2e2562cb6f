"""DingTalk through the real binary against the DingTalk fake: signed robot messages with
keywords, splitting, throttling (all delivered, none over the limit), conversation token refresh,
retry after 500, no retry after 400, and /api/v2/verify returning the vendor's error."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))

from chat_manifests import default_config, global_receiver
from dingtalk_fake import DingTalkFake
from nmtest import NMTestCase, alert, nm_manifest, wait_until, webhook_receiver


class DingTalkTest(NMTestCase):

    def setUp(self):
        super().setUp()
        self.fake = DingTalkFake(rate_limit=3, rate_window=1.9)

    def tearDown(self):
        super().tearDown()
        self.fake.close()

    def start_with(self, options, robot_spec=None, chatids=None, extra_args=()):
        options = dict(options)
        dt = dict(options.get("dingtalk", {}))
        dt.setdefault("apiBaseUrl", self.fake.url(""))
        dt.setdefault("chatBotThrottle", {"threshold": 3, "unit": "2s", "maxWaitTime": "1s"})
        options["dingtalk"] = dt
        self.write("nm.yaml", nm_manifest(options=options))
        spec = {}
        if robot_spec:
            spec["chatbot"] = robot_spec
        if chatids:
            spec["conversation"] = {"chatids": chatids}
            self.fake.add_app("ak1", "as1")
            self.write("config.yaml", default_config("dt", "dingtalk", {
                "conversation": {"appkey": {"value": "ak1"}, "appsecret": {"value": "as1"}}}))
        if spec:
            self.write("receiver.yaml", global_receiver("dt", "dingtalk", spec))
        self.start(extra_args)

    def robot(self, token="rb1", secret="SEC123", keywords=("nm",)):
        url = self.fake.add_robot(token, secret, keywords)
        spec = {"webhook": {"value": url}, "keywords": list(keywords),
                "atMobiles": ["13800000000"]}
        if secret:
            spec["secret"] = {"value": secret}
        return spec

    def test_signed_message_with_keywords_and_mentions(self):
        self.start_with({}, robot_spec=self.robot())
        self.post_alerts([alert({"alertname": "DiskFull", "namespace": "n1"})])
        wait_until(lambda: self.fake.on("/robot/send", True), what="robot message")
        body = self.fake.on("/robot/send")[0]["body"]
        self.assertEqual(body["msgtype"], "text")
        self.assertIn("DiskFull", body["text"]["content"])
        self.assertTrue(body["text"]["content"].endswith("[Keywords] nm"))
        self.assertEqual(body["at"]["atMobiles"], ["13800000000"])
        self.assertNotIn("SEC123", self.daemon.logs())

    def test_long_group_is_split(self):
        self.start_with({"dingtalk": {"chatbotMessageMaxSize": 700}},
                        robot_spec=self.robot(secret=None))
        alerts = [alert({"alertname": "Big", "namespace": "n1", "pod": f"p{i}"},
                        annotations={"message": "x" * 120}) for i in range(8)]
        self.post_alerts(alerts)
        wait_until(lambda: "p7" in "".join(r["body"]["text"]["content"]
                                         for r in self.fake.on("/robot/send", True)),
                   what="every alert delivered")
        sent = self.fake.on("/robot/send", True)
        self.assertGreater(len(sent), 1)
        for i in range(8):
            self.assertEqual(sum(f"p{i}\n" in r["body"]["text"]["content"] + "\n"
                                 for r in sent), 1, i)

    def test_throttled_messages_are_delayed_and_all_delivered(self):
        self.start_with({}, robot_spec=self.robot(secret=None))
        self.post_alerts([alert({"alertname": f"T{i}", "namespace": "n1"}) for i in range(7)])
        wait_until(lambda: len(self.fake.on("/robot/send", True)) == 7, timeout=30,
                   what="all 7 throttled messages")
        self.assertEqual(self.fake.on("/robot/send", False), [])  # none over the limit
        texts = "".join(r["body"]["text"]["content"] for r in self.fake.on("/robot/send"))
        for i in range(7):
            self.assertIn(f"T{i}", texts)

    def test_a_parked_send_does_not_hold_other_receivers(self):
        # One batch in flight at most (--worker.queue 1) and a robot allowing one message per
        # 8 s with no wait: the second robot message is parked behind the throttle. Its batch is
        # released, so the next batch reaches the webhook while the robot still waits; before
        # parking existed the third alert reached the webhook only once the robot had sent the
        # second (8 s of margin for a slow machine).
        self.fake.close()
        self.fake = DingTalkFake(rate_limit=1, rate_window=7.9)
        self.write("hook.yaml", webhook_receiver("hook", self.sink.url("/hook"),
                                                 {"type": "global"}))
        self.start_with({"dingtalk": {"chatBotThrottle": {"threshold": 1, "unit": "8s",
                                                          "maxWaitTime": "0s"}}},
                        robot_spec=self.robot(secret=None), extra_args=("--worker.queue", "1"))
        for i in range(3):
            self.post_alerts([alert({"alertname": f"P{i}", "namespace": "n1"})])
            wait_until(lambda: any(f"P{i}" == a["labels"]["alertname"]
                                   for a in self.sink.alerts_on("/hook")),
                       timeout=15, what=f"P{i} at the webhook")
        self.assertEqual(len(self.fake.on("/robot/send", True)), 1)  # P1 still parked
        wait_until(lambda: len(self.fake.on("/robot/send", True)) >= 2, timeout=30,
                   what="the parked robot message")
        self.assertEqual(self.fake.on("/robot/send", False), [])  # none over the limit

        # P2 waits for its slot. The fake counts P1's send on arrival, the daemon once the answer
        # is back: wait for the gauge (P2's slot is 8 s later, so it cannot reach 0 first).
        def parked_one():
            metrics = self.daemon.get("/metrics")[1]
            metrics = metrics.decode() if isinstance(metrics, bytes) else metrics
            return "nm_notifications_parked 1\n" in metrics
        wait_until(parked_one, timeout=5, what="P1 settled and P2 still parked")

    def parked_robot(self, unit, extra_args):
        self.fake.close()
        self.fake = DingTalkFake(rate_limit=1, rate_window=float(unit[:-1]) - 0.1)
        self.start_with({"dingtalk": {"chatBotThrottle": {"threshold": 1, "unit": unit,
                                                          "maxWaitTime": "0s"}}},
                        robot_spec=self.robot(secret=None), extra_args=extra_args)
        self.post_alerts([alert({"alertname": "S0", "namespace": "n1"})])
        self.post_alerts([alert({"alertname": "S1", "namespace": "n1"})])
        wait_until(lambda: "notification parked" in self.daemon.logs(), what="a parked send")

    def test_shutdown_waits_for_parked_sends(self):
        self.parked_robot("2s", ("--shutdown.timeout", "20s"))
        self.assertEqual(self.daemon.terminate(timeout=30), 0)
        texts = "".join(r["body"]["text"]["content"] for r in self.fake.on("/robot/send", True))
        self.assertIn("S1", texts)  # delivered before the daemon exited
        self.assertNotIn("shutdown timeout reached", self.daemon.logs())

    def test_shutdown_timeout_ends_with_parked_sends_reported(self):
        self.parked_robot("60s", ("--shutdown.timeout", "1s"))
        self.assertEqual(self.daemon.terminate(timeout=30), 0)
        logs = self.daemon.logs()
        self.assertIn("shutdown timeout reached", logs)
        self.assertIn("parked_notifications=1", logs)

    def test_conversation_token_refreshed_after_revocation(self):
        self.start_with({}, chatids=["chat1", "chat2"])
        self.post_alerts([alert({"alertname": "Conv1", "namespace": "n1"})])
        wait_until(lambda: len(self.fake.on("/chat/send", True)) == 2, what="two chats")
        self.assertEqual({r["body"]["chatid"] for r in self.fake.on("/chat/send")},
                         {"chat1", "chat2"})
        self.assertEqual(len(self.fake.on("/gettoken")), 1)
        self.fake.revoke_tokens()
        self.post_alerts([alert({"alertname": "Conv2", "namespace": "n1"})])
        wait_until(lambda: len(self.fake.on("/chat/send", True)) == 4, what="after refresh")
        self.assertEqual(len(self.fake.on("/gettoken")), 2)
        self.assertEqual(self.fake.on("/chat/send", False)[0]["answer"]["errcode"], 40014)

    def test_retries_after_500(self):
        self.start_with({}, robot_spec=self.robot())
        self.fake.fail_next(2, 500)
        self.post_alerts([alert({"alertname": "Flaky", "namespace": "n1"})])
        wait_until(lambda: self.fake.on("/robot/send", True), what="delivery after retries")
        self.assertEqual(len(self.fake.on("/robot/send")), 3)

    def test_no_retry_after_400(self):
        self.start_with({}, robot_spec=self.robot())
        self.fake.fail_next(1, 400)
        self.post_alerts([alert({"alertname": "Bad", "namespace": "n1"})])
        wait_until(lambda: "dingtalk: send failed" in self.daemon.logs(), what="failure logged")
        self.assertEqual(len(self.fake.on("/robot/send")), 1)

    def test_verify_returns_the_vendor_error(self):
        self.start_with({})
        url = self.fake.add_robot("rb-verify", "RIGHT", ())
        receiver = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
                    "metadata": {"name": "try", "labels": {"type": "global"}},
                    "spec": {"dingtalk": {"chatbot": {"webhook": {"value": url},
                                                      "secret": {"value": "WRONG"}}}}}
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver})
        self.assertNotEqual(status, 200, body)
        self.assertIn("310000", body["Message"])
        self.assertIn("sign not match", body["Message"])
        receiver["spec"]["dingtalk"]["chatbot"]["secret"]["value"] = "RIGHT"
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver})
        self.assertEqual(status, 200, body)


if __name__ == "__main__":
    unittest.main()
