"""Discord through the real binary against the Discord fake: content with user, role and everyone
mentions, embeds, a long group split into messages within 2000 characters, 429 retry_after
honoured then delivered, and /api/v2/verify returning Discord's error for an unknown webhook."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))

from chat_manifests import global_receiver
from discord_fake import CONTENT_MAX, DiscordFake, message_text
from nmtest import NMTestCase, alert, nm_manifest, wait_until


class DiscordTest(NMTestCase):

    def setUp(self):
        super().setUp()
        self.fake = DiscordFake()

    def tearDown(self):
        super().tearDown()
        self.fake.close()

    def start_with(self, spec):
        self.write("nm.yaml", nm_manifest())
        if spec:
            self.write("receiver.yaml", global_receiver("dc", "discord", spec))
        self.start()

    def test_content_with_mentions(self):
        hook = self.fake.add_webhook()
        self.start_with({"webhook": {"value": hook}, "mentionedUsers": ["everyone", "111"],
                         "mentionedRoles": ["222"]})
        self.post_alerts([alert({"alertname": "DiskFull", "namespace": "n1"})])
        wait_until(lambda: self.fake.delivered(), what="discord message")
        r = self.fake.delivered()[0]
        self.assertEqual(r["status"], 204)
        self.assertEqual(r["headers"]["content-type"], "application/json")
        content = r["body"]["content"]
        self.assertIn("DiskFull", content)
        self.assertTrue(content.endswith("\n@everyone <@111> <@&222>"), content)
        self.assertEqual(r["body"]["allowed_mentions"],
                         {"parse": ["everyone"], "users": ["111"], "roles": ["222"]})
        self.assertNotIn(hook.rsplit("/", 1)[1], self.daemon.logs())

    def test_embed(self):
        hook = self.fake.add_webhook()
        self.start_with({"webhook": {"value": hook}, "type": "embed"})
        self.post_alerts([alert({"alertname": "Embedded", "namespace": "n1"})])
        wait_until(lambda: self.fake.delivered(), what="discord embed")
        body = self.fake.delivered()[0]["body"]
        self.assertEqual(body["content"], "")
        self.assertEqual(len(body["embeds"]), 1)
        self.assertIn("Embedded", body["embeds"][0]["description"])

    def test_long_group_split_within_2000(self):
        hook = self.fake.add_webhook()
        self.start_with({"webhook": {"value": hook}, "mentionedUsers": ["111"]})
        self.post_alerts([alert({"alertname": "Long", "namespace": "n1", "pod": f"p{i}"},
                                annotations={"message": f"m{i} " + "é" * 300})
                          for i in range(8)])
        wait_until(lambda: "m7 " in "".join(message_text(r) for r in self.fake.delivered()),
                   timeout=20, what="all chunks")
        sent = self.fake.delivered()
        self.assertGreater(len(sent), 2)
        for r in sent:
            self.assertLessEqual(len(r["body"]["content"]), CONTENT_MAX)
            self.assertTrue(r["body"]["content"].endswith("\n<@111>"))
        self.assertFalse([r for r in self.fake.requests if r["status"] == 400])

    def test_rate_limited_then_delivered(self):
        self.fake.rate_limit, self.fake.rate_window = 1, 3.0
        hook = self.fake.add_webhook()
        self.start_with({"webhook": {"value": hook}})
        self.post_alerts([alert({"alertname": "Burst", "namespace": "n1", "pod": f"p{i}"},
                                annotations={"message": f"m{i} " + "y" * 1200})
                          for i in range(2)])
        wait_until(lambda: len(self.fake.delivered()) == 2, timeout=20, what="both chunks")
        limited = [r for r in self.fake.requests if r["status"] == 429]
        self.assertTrue(limited, "the fake's rate limit was never hit")
        self.assertIn("retry_after", limited[0]["answer"])
        texts = [message_text(r) for r in self.fake.delivered()]
        self.assertIn("m0 ", texts[0])
        self.assertIn("m1 ", texts[1])

    def test_verify_reports_unknown_webhook(self):
        self.start_with(None)
        hook = self.fake.url("/api/webhooks/999/not-a-real-token")
        receiver = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
                    "metadata": {"name": "try", "labels": {"type": "global"}},
                    "spec": {"discord": {"webhook": {"value": hook}}}}
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver})
        self.assertNotEqual(status, 200, body)
        self.assertIn("discord code 10015: Unknown Webhook", body["Message"])
        self.assertNotIn("not-a-real-token", str(body))
        receiver["spec"]["discord"]["webhook"]["value"] = self.fake.add_webhook()
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver})
        self.assertEqual(status, 200, body)


if __name__ == "__main__":
    unittest.main()
