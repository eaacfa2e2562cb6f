"""Feishu through the real binary against the Feishu fake: a signed post with keywords, text mode,
a long group split into several messages delivered in order, the app sending to users and
departments (429 retried, unknown ids reported), an expired tenant token refreshed (delivered
once), the 9499 rate limit retried, a 400 not retried, and /api/v2/verify returning the vendor's
message."""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))

from chat_manifests import default_config, global_receiver
from feishu_fake import BATCH_PATH, BODY_MAX, HOOK_PREFIX, TOKEN_PATH, FeishuFake
from nmtest import NMTestCase, alert, nm_manifest, wait_until


def post_text(body):
    """All texts of a bot/app body's content, joined by newlines."""
    content = body["content"]
    if body["msg_type"] == "text":
        return content["text"]
    return "\n".join(e.get("text", "") for locale in content["post"].values()
                     for paragraph in locale["content"] for e in paragraph)


class FeishuTest(NMTestCase):

    def setUp(self):
        super().setUp()
        self.fake = FeishuFake()

    def tearDown(self):
        super().tearDown()
        self.fake.close()

    def start_with(self, bot=None, users=None, departments=None, tmpl_type=None):
        self.write("nm.yaml", nm_manifest(options={"feishu": {"apiBaseUrl": self.fake.url("")}}))
        spec = {}
        if bot:
            spec["chatbot"] = bot
        if users:
            spec["user"] = users
        if departments:
            spec["department"] = departments
        if tmpl_type:
            spec["tmplType"] = tmpl_type
        if users or departments:
            self.fake.add_app("cli_app1", "appsecret1", users=["u1", "u2"], departments=["d1"])
            self.write("config.yaml", default_config("fs", "feishu", {
                "appID": {"value": "cli_app1"}, "appSecret": {"value": "appsecret1"}}))
        if spec:
            self.write("receiver.yaml", global_receiver("fs", "feishu", spec))
        self.start()

    def bot(self, token="hook1", secret="SEC123", keywords=("nm",)):
        url = self.fake.add_bot(token, secret, keywords)
        spec = {"webhook": {"value": url}, "keywords": list(keywords)}
        if secret:
            spec["secret"] = {"value": secret}
        return spec

    def test_signed_post_with_keywords(self):
        self.start_with(bot=self.bot())
        self.post_alerts([alert({"alertname": "DiskFull", "namespace": "n1"})])
        hook = HOOK_PREFIX + "hook1"
        wait_until(lambda: self.fake.accepted(hook), what="bot message")
        self.assertEqual(self.fake.refused(hook), [])
        body = self.fake.accepted(hook)[0]["body"]
        self.assertEqual(body["msg_type"], "post")
        self.assertTrue(body["timestamp"].isdigit())
        paragraphs = body["content"]["post"]["en_us"]["content"]
        self.assertEqual(paragraphs[-1], [{"tag": "text", "text": "[Keywords] nm"}])
        self.assertIn("DiskFull", post_text(body))
        logs = self.daemon.logs()
        self.assertNotIn("SEC123", logs)
        self.assertNotIn("/hook1", logs)

    def test_text_mode(self):
        self.start_with(bot=self.bot(secret=None, keywords=("alarm", "nm")), tmpl_type="text")
        self.post_alerts([alert({"alertname": "TextOne", "namespace": "n1"})])
        hook = HOOK_PREFIX + "hook1"
        wait_until(lambda: self.fake.accepted(hook), what="text message")
        body = self.fake.accepted(hook)[0]["body"]
        self.assertEqual(body["msg_type"], "text")
        self.assertIn("TextOne", body["content"]["text"])
        self.assertTrue(body["content"]["text"].endswith("\n\n[Keywords] alarm,nm"))
        self.assertNotIn("sign", body)

    def test_long_group_is_split_and_delivered_in_order(self):
        self.start_with(bot=self.bot())
        alerts = [alert({"alertname": "Big", "namespace": "n1", "pod": f"p{i:02d}"},
                        annotations={"message": "x" * 3000}) for i in range(12)]
        self.post_alerts(alerts)
        hook = HOOK_PREFIX + "hook1"
        wait_until(lambda: "p11" in "".join(post_text(r["body"])
                                           for r in self.fake.accepted(hook)),
                   timeout=30, what="every alert delivered")
        sent = self.fake.accepted(hook)
        self.assertGreater(len(sent), 1)
        self.assertEqual(self.fake.refused(hook), [])
        pods = []
        for r in sent:
            self.assertLessEqual(len(r["raw"]), BODY_MAX)
            pods += re.findall(r"pod: (p\d\d)", post_text(r["body"]))
        self.assertEqual(sorted(pods), [f"p{i:02d}" for i in range(12)])  # each exactly once
        self.assertEqual(pods, sorted(pods))  # chunks sent in order

    def test_app_sends_to_users_and_departments(self):
        self.start_with(users=["u1", "u2"], departments=["d1"])
        self.post_alerts([alert({"alertname": "AppOne", "namespace": "n1"})])
        wait_until(lambda: self.fake.accepted(BATCH_PATH), what="batch_send")
        req = self.fake.accepted(BATCH_PATH)[0]
        self.assertEqual(req["body"]["user_ids"], ["u1", "u2"])
        self.assertEqual(req["body"]["department_ids"], ["d1"])
        self.assertEqual(req["body"]["msg_type"], "post")
        self.assertIn("AppOne", post_text(req["body"]))
        self.assertEqual(req["answer"]["data"]["invalid_user_ids"], [])
        self.assertEqual(len(self.fake.on(TOKEN_PATH)), 1)
        self.assertNotIn("appsecret1", self.daemon.logs())

    def test_expired_token_is_refreshed_and_delivered_once(self):
        self.start_with(users=["u1"])
        self.post_alerts([alert({"alertname": "First", "namespace": "n1"})])
        wait_until(lambda: len(self.fake.accepted(BATCH_PATH)) == 1, what="first message")
        self.fake.expire_tokens()
        self.post_alerts([alert({"alertname": "Second", "namespace": "n1"})])
        wait_until(lambda: len(self.fake.accepted(BATCH_PATH)) == 2, what="after refresh")
        refused = self.fake.refused(BATCH_PATH)
        self.assertEqual(len(refused), 1)
        self.assertEqual(refused[0]["answer"]["code"], 99991663)
        self.assertEqual(len(self.fake.on(TOKEN_PATH)), 2)
        texts = [post_text(r["body"]) for r in self.fake.accepted(BATCH_PATH)]
        self.assertEqual(sum("Second" in t for t in texts), 1)

    def test_app_rate_limit_429_is_retried(self):
        self.start_with(users=["u1"])
        self.fake.rate_limit_next(1)
        self.post_alerts([alert({"alertname": "AppLimited", "namespace": "n1"})])
        wait_until(lambda: self.fake.accepted(BATCH_PATH), what="delivery after 429")
        refused = self.fake.refused(BATCH_PATH)
        self.assertEqual([(r["status"], r["answer"]["code"]) for r in refused], [(429, 99991400)])
        self.assertEqual(len(self.fake.accepted(BATCH_PATH)), 1)

    def test_app_invalid_ids_are_reported(self):
        self.start_with(users=["u1", "u9"], departments=["d1", "d7"])
        self.post_alerts([alert({"alertname": "Unknown", "namespace": "n1"})])
        wait_until(lambda: "feishu: send failed" in self.daemon.logs(), what="failure logged")
        self.assertIn("invalid_user_ids u9; invalid_department_ids d7", self.daemon.logs())
        self.assertEqual(len(self.fake.on(BATCH_PATH)), 1)  # not repeated to u1 and d1

    def test_rate_limit_is_retried(self):
        self.start_with(bot=self.bot())
        self.fake.rate_limit_next(1)
        self.post_alerts([alert({"alertname": "Limited", "namespace": "n1"})])
        hook = HOOK_PREFIX + "hook1"
        wait_until(lambda: self.fake.accepted(hook), what="delivery after the rate limit")
        reqs = self.fake.on(hook)
        self.assertEqual(len(reqs), 2)
        self.assertEqual(reqs[0]["answer"]["code"], 9499)

    def test_no_retry_after_400(self):
        self.start_with(bot=self.bot())
        self.fake.fail_next(1, 400)
        self.post_alerts([alert({"alertname": "Bad", "namespace": "n1"})])
        wait_until(lambda: "feishu: send failed" in self.daemon.logs(), what="failure logged")
        self.assertEqual(len(self.fake.on(HOOK_PREFIX + "hook1")), 1)

    def test_verify_returns_the_vendor_message(self):
        self.start_with()
        url = self.fake.add_bot("hook-verify", "RIGHT", ())
        receiver = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
                    "metadata": {"name": "try", "labels": {"type": "global"}},
                    "spec": {"feishu": {"chatbot": {"webhook": {"value": url},
                                                    "secret": {"value": "WRONG"}}}}}
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver})
        self.assertNotEqual(status, 200, body)
        self.assertIn("feishu code 19021", body["Message"])
        self.assertIn("sign match fail", body["Message"])
        self.assertNotIn("WRONG", body["Message"])
        receiver["spec"]["feishu"]["chatbot"]["secret"]["value"] = "RIGHT"
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver})
        self.assertEqual(status, 200, body)


if __name__ == "__main__":
    unittest.main()
