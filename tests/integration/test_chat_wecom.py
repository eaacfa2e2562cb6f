"""WeCom through the real binary against the WeCom fake: app messages with a cached token,
recipients batched at 1000 users, token refreshed after 42001, invalid users reported, robot
markdown mentions, retry after 500, no retry after 400, and /api/v2/verify with the vendor's
error."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))

from chat_manifests import default_config, global_receiver
from nmtest import NMTestCase, alert, nm_manifest, wait_until
from wecom_fake import WeComFake

USERS = [f"user{i}" for i in range(1005)]


class WeComTest(NMTestCase):

    def setUp(self):
        super().setUp()
        self.fake = WeComFake(users=USERS, parties=["2"], tags=["7"])

    def tearDown(self):
        super().tearDown()
        self.fake.close()

    def config(self):
        return {"wechatApiUrl": self.fake.api_url(), "wechatApiCorpId": "corp1",
                "wechatApiAgentId": "1000002", "wechatApiSecret": {"value": "s3cret"}}

    def start_with(self, spec, options=None):
        self.write("nm.yaml", nm_manifest(options=options or {}))
        self.write("config.yaml", default_config("wc", "wechat", self.config()))
        if spec:
            self.write("receiver.yaml", global_receiver("wc", "wechat", spec))
        self.start()

    def test_app_message_batched_and_token_cached(self):
        self.start_with({"toUser": USERS, "toParty": ["2"], "toTag": ["7"]})
        self.post_alerts([alert({"alertname": "Batch", "namespace": "n1"})])
        wait_until(lambda: len(self.fake.on("/cgi-bin/message/send", True)) == 2,
                   what="two batches")
        sent = self.fake.on("/cgi-bin/message/send")
        self.assertEqual(len(sent[0]["body"]["touser"].split("|")), 1000)
        self.assertEqual(sent[1]["body"]["touser"].split("|"), USERS[1000:])
        self.assertEqual(sent[0]["body"]["toparty"], "2")
        self.assertEqual(sent[0]["body"]["agentid"], 1000002)
        self.assertIn("Batch", sent[0]["body"]["text"]["content"])
        self.assertEqual(len(self.fake.on("/cgi-bin/gettoken")), 1)
        self.assertNotIn("s3cret", self.daemon.logs())

    def test_token_refreshed_after_expiry(self):
        self.start_with({"toUser": ["user1"]})
        self.post_alerts([alert({"alertname": "E1", "namespace": "n1"})])
        wait_until(lambda: self.fake.on("/cgi-bin/message/send", True), what="first")
        self.fake.expire_tokens()
        self.post_alerts([alert({"alertname": "E2", "namespace": "n1"})])
        wait_until(lambda: len(self.fake.on("/cgi-bin/message/send", True)) == 2,
                   what="second after refresh")
        self.assertEqual(self.fake.on("/cgi-bin/message/send", False)[0]["answer"]["errcode"],
                         42001)
        self.assertEqual(len(self.fake.on("/cgi-bin/gettoken")), 2)

    def test_message_max_size_splits(self):
        self.start_with({"toUser": ["user1"]}, {"wechat": {"messageMaxSize": 600}})
        self.post_alerts([alert({"alertname": "Big", "namespace": "n1", "pod": f"p{i}"},
                                annotations={"message": "y" * 100}) for i in range(6)])
        wait_until(lambda: "p5" in "".join(r["body"]["text"]["content"] for r in
                                           self.fake.on("/cgi-bin/message/send", True)),
                   what="all chunks")
        sent = self.fake.on("/cgi-bin/message/send", True)
        self.assertGreater(len(sent), 1)
        for r in sent:
            self.assertLessEqual(len(r["body"]["text"]["content"].encode()), 600)

    def test_robot_markdown_mentions_and_retry_after_500(self):
        url = self.fake.add_bot("k1")
        self.start_with({"tmplType": "markdown",
                         "chatbot": {"webhook": {"value": url}, "atUsers": ["zhang"]}})
        self.fake.fail_next(1, 500)
        self.post_alerts([alert({"alertname": "Bot", "namespace": "n1"})])
        wait_until(lambda: self.fake.on("/cgi-bin/webhook/send", True), what="robot message")
        self.assertEqual(len(self.fake.on("/cgi-bin/webhook/send")), 2)
        body = self.fake.on("/cgi-bin/webhook/send", True)[0]["body"]
        self.assertEqual(body["msgtype"], "markdown")
        self.assertTrue(body["markdown"]["content"].endswith("\n<@zhang>"))

    def test_no_retry_after_400(self):
        url = self.fake.add_bot("k2")
        self.start_with({"chatbot": {"webhook": {"value": url}}})
        self.fake.fail_next(1, 400)
        self.post_alerts([alert({"alertname": "Bad", "namespace": "n1"})])
        wait_until(lambda: "wechat: send failed" in self.daemon.logs(), what="failure logged")
        self.assertEqual(len(self.fake.on("/cgi-bin/webhook/send")), 1)

    def test_verify_reports_invalid_users(self):
        self.start_with(None)
        receiver = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
                    "metadata": {"name": "try", "labels": {"type": "global"}},
                    "spec": {"wechat": {"toUser": ["user1", "ghost"]}}}
        config = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Config",
                  "metadata": {"name": "try", "labels": {"type": "default"}},
                  "spec": {"wechat": self.config()}}
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver,
                                                           "config": config})
        self.assertNotEqual(status, 200, body)
        self.assertIn("invaliduser ghost", body["Message"])
        receiver["spec"]["wechat"]["toUser"] = ["user1"]
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver,
                                                           "config": config})
        self.assertEqual(status, 200, body)


if __name__ == "__main__":
    unittest.main()
