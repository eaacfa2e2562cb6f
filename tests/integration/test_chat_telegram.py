"""Telegram through the real binary against the Telegram fake: two chats with mentions, a long
group split below 4096 characters, the per-chat rate limit (429 retry_after) then delivery, a bad
token failing after one request, retry after 500, and /api/v2/verify with the vendor's error."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))

from chat_manifests import default_config, global_receiver
from nmtest import NMTestCase, alert, nm_manifest, wait_until
from telegram_fake import MAX_TEXT, TelegramFake

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


class TelegramTest(NMTestCase):

    def setUp(self):
        super().setUp()
        self.fake = TelegramFake(tokens=[TOKEN], chats=["@ops", "-1001234567890"],
                                 per_chat_limit=20, window=60.0)

    def tearDown(self):
        super().tearDown()
        self.fake.close()

    def start_with(self, spec, token=TOKEN):
        self.write("nm.yaml", nm_manifest(options={"telegram": {"apiBaseUrl": self.fake.base()}}))
        self.write("config.yaml", default_config(
            "tg", "telegram", {"telegramTokenSecret": {"value": token}}))
        if spec:
            self.write("receiver.yaml", global_receiver("tg", "telegram", spec))
        self.start()

    def sends(self):
        return self.fake.on(f"/bot{TOKEN}/sendMessage")

    def test_two_channels_with_mentions(self):
        self.start_with({"channels": ["@ops", "-1001234567890"],
                         "mentionedUsers": ["alice", "@bob"]})
        self.post_alerts([alert({"alertname": "DiskFull", "namespace": "n1"})])
        wait_until(lambda: len(self.fake.messages()) == 2, what="both chats")
        bodies = self.fake.messages()
        self.assertEqual({b["chat_id"] for b in bodies}, {"@ops", "-1001234567890"})
        for b in bodies:
            self.assertIn("DiskFull", b["text"])
            self.assertTrue(b["text"].endswith("\n@alice @bob"), b["text"])
        self.assertEqual(self.sends()[0]["headers"]["content-type"], "application/json")
        self.assertNotIn(TOKEN, self.daemon.logs())

    def test_long_group_is_split(self):
        self.start_with({"channels": ["@ops"], "mentionedUsers": ["carol"]})
        alerts = [alert({"alertname": "Big", "namespace": "n1", "pod": f"p{i}"},
                        annotations={"message": "é" * 250}) for i in range(30)]
        self.post_alerts(alerts)
        wait_until(lambda: "p29\n" in "".join(b["text"] for b in self.fake.messages()),
                   timeout=20, what="every alert delivered")
        sent = self.fake.messages()
        self.assertGreater(len(sent), 1)
        self.assertEqual([r for r in self.sends() if r["status"] != 200], [])
        for b in sent:
            self.assertLessEqual(len(b["text"].encode("utf-16-le")) // 2, MAX_TEXT)
            self.assertTrue(b["text"].endswith("\n@carol"))
        for i in range(30):
            self.assertEqual(sum(f"p{i}\n" in b["text"] for b in sent), 1, i)

    def test_rate_limited_then_delivered(self):
        self.fake.per_chat_limit, self.fake.window = 1, 2.0
        self.start_with({"channels": ["@ops"]})
        alerts = [alert({"alertname": "Flood", "namespace": "n1", "pod": f"p{i}"},
                        annotations={"message": "x" * 400}) for i in range(16)]
        self.post_alerts(alerts)
        wait_until(lambda: "p15\n" in "".join(b["text"] for b in self.fake.messages()),
                   timeout=30, what="delivery after 429")
        limited = [r for r in self.sends() if r["status"] == 429]
        self.assertTrue(limited, "the fake's per-chat limit was never hit")
        self.assertIn("retry_after", limited[0]["answer"]["parameters"])
        for i in range(16):
            self.assertEqual(sum(f"p{i}\n" in b["text"] for b in self.fake.messages()), 1, i)

    def test_bad_token_is_not_retried(self):
        wrong = "987654321:WRONGwrongWRONGwrongWRONGwrong12345"
        self.start_with({"channels": ["@ops"]}, token=wrong)
        self.post_alerts([alert({"alertname": "Bad", "namespace": "n1"})])
        wait_until(lambda: "telegram: send failed" in self.daemon.logs(), what="failure logged")
        sent = self.fake.on(f"/bot{wrong}/sendMessage")
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["status"], 401)
        logs = self.daemon.logs()
        self.assertIn("telegram 401: Unauthorized", logs)
        self.assertNotIn(wrong, logs)

    def test_retries_after_500(self):
        self.start_with({"channels": ["-1001234567890"]})
        self.fake.fail_next(1, 500)
        self.post_alerts([alert({"alertname": "Flaky", "namespace": "n1"})])
        wait_until(lambda: self.fake.messages(), what="delivery after retry")
        self.assertEqual([r["status"] for r in self.sends()], [500, 200])

    def test_verify_returns_the_vendor_error(self):
        self.start_with(None)
        receiver = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
                    "metadata": {"name": "try", "labels": {"type": "global"}},
                    "spec": {"telegram": {"channels": ["@nowhere"]}}}
        config = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Config",
                  "metadata": {"name": "try", "labels": {"type": "default"}},
                  "spec": {"telegram": {"telegramTokenSecret": {"value": TOKEN}}}}
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver,
                                                           "config": config})
        self.assertNotEqual(status, 200, body)
        self.assertIn("telegram 400: Bad Request: chat not found", body["Message"])
        self.assertNotIn(TOKEN, str(body))
        receiver["spec"]["telegram"]["channels"] = ["@ops"]
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver,
                                                           "config": config})
        self.assertEqual(status, 200, body)
        self.assertIn("Congratulations", self.fake.messages("@ops")[0]["text"])


if __name__ == "__main__":
    unittest.main()
