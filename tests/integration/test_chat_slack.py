"""Slack through the real binary against the Slack fake: bot messages to two channels, an
incoming webhook, a long group split and rate limited then delivered in order, no retry after a
bad token, retry after 500, and /api/v2/verify returning Slack's error."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))

from chat_manifests import default_config, global_receiver
from nmtest import NMTestCase, alert, nm_manifest, wait_until
from slack_fake import TEXT_MAX, SlackFake

TOKEN = "xoxb-good"


class SlackTest(NMTestCase):

    def setUp(self):
        super().setUp()
        self.fake = SlackFake(tokens=[TOKEN], channels=["C1", "C2"])

    def tearDown(self):
        super().tearDown()
        self.fake.close()

    def start_with(self, spec, token=TOKEN):
        self.write("nm.yaml", nm_manifest(options={"slack": {"apiBaseUrl": self.fake.api_base()}}))
        self.write("config.yaml",
                   default_config("sl", "slack", {"slackTokenSecret": {"value": token}}))
        if spec:
            self.write("receiver.yaml", global_receiver("sl", "slack", spec))
        self.start()

    def test_bot_posts_to_two_channels(self):
        self.start_with({"channels": ["C1", "C2"]})
        self.post_alerts([alert({"alertname": "DiskFull", "namespace": "n1"})])
        wait_until(lambda: len(self.fake.delivered()) == 2, what="two channel messages")
        sent = self.fake.delivered()
        self.assertEqual(sorted(r["body"]["channel"] for r in sent), ["C1", "C2"])
        for r in sent:
            self.assertEqual(r["headers"]["authorization"], "Bearer " + TOKEN)
            self.assertEqual(r["headers"]["content-type"], "application/json; charset=utf-8")
            self.assertEqual(set(r["body"]), {"channel", "text"})
            self.assertIn("DiskFull", r["body"]["text"])
            self.assertNotIn("warning", r["answer"])
        self.assertEqual(len(self.fake.requests), 2)
        self.assertNotIn(TOKEN, self.daemon.logs())

    def test_incoming_webhook(self):
        hook = self.fake.add_hook()
        self.start_with({"webhook": {"value": hook}})
        self.post_alerts([alert({"alertname": "ViaHook", "namespace": "n1"})])
        wait_until(lambda: self.fake.delivered("hooks"), what="webhook message")
        self.assertIn("ViaHook", self.fake.delivered("hooks")[0]["body"]["text"])
        self.assertNotIn(hook.rsplit("/", 1)[1], self.daemon.logs())

    def test_long_group_split_and_rate_limited_then_delivered_in_order(self):
        self.fake.rate_window = 3.0  # wide enough that the back-to-back chunks surely hit it
        self.start_with({"channels": ["C1"]})
        self.post_alerts([alert({"alertname": "Big", "namespace": "n1", "pod": f"p{i}"},
                                annotations={"message": f"m{i} " + "x" * 25000})
                          for i in range(3)])
        wait_until(lambda: len(self.fake.delivered()) == 3, timeout=30, what="three chunks")
        limited = [r for r in self.fake.requests if r["status"] == 429]
        self.assertTrue(limited, "the fake's 1 message/s per channel limit was never hit")
        self.assertEqual(limited[0]["answer"], {"ok": False, "error": "ratelimited"})
        texts = [r["body"]["text"] for r in self.fake.delivered()]
        for i, t in enumerate(texts):
            self.assertLessEqual(len(t), TEXT_MAX)
            self.assertIn(f"m{i} ", t)  # chunks arrive in order

    def test_bad_token_is_not_retried(self):
        self.start_with({"channels": ["C1"]}, token="xoxb-revoked")
        self.post_alerts([alert({"alertname": "Bad", "namespace": "n1"})])
        wait_until(lambda: "slack: send failed" in self.daemon.logs(), what="failure logged")
        self.assertEqual(len(self.fake.requests), 1)
        self.assertEqual(self.fake.requests[0]["answer"], {"ok": False, "error": "invalid_auth"})
        self.assertIn("slack error invalid_auth", self.daemon.logs())
        self.assertNotIn("xoxb-revoked", self.daemon.logs())

    def test_retry_after_500(self):
        self.start_with({"channels": ["C2"]})
        self.fake.fail_next(1, 500)
        self.post_alerts([alert({"alertname": "Flaky", "namespace": "n1"})])
        wait_until(lambda: self.fake.delivered(), what="message after 500")
        self.assertEqual([r["status"] for r in self.fake.requests], [500, 200])

    def test_verify_reports_slack_error(self):
        self.start_with(None, token="xoxb-wrong")
        receiver = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
                    "metadata": {"name": "try", "labels": {"type": "global"}},
                    "spec": {"slack": {"channels": ["C1"]}}}
        config = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Config",
                  "metadata": {"name": "try", "labels": {"type": "default"}},
                  "spec": {"slack": {"slackTokenSecret": {"value": "xoxb-wrong"}}}}
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver,
                                                           "config": config})
        self.assertNotEqual(status, 200, body)
        self.assertIn("slack error invalid_auth", body["Message"])
        self.assertNotIn("xoxb-wrong", str(body))
        config["spec"]["slack"]["slackTokenSecret"]["value"] = TOKEN
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver,
                                                           "config": config})
        self.assertEqual(status, 200, body)


if __name__ == "__main__":
    unittest.main()
