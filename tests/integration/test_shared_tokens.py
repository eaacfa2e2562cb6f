"""Vendor access tokens shared by replicas (--store.type redis or nats, issue #12): three replicas
of the real binary on one real redis-server or nats-server -js (random port, stopped by PID), each
sending to the same WeCom app of the protocol-faithful fake, fetch one token between them (one
gettoken, not three); the store holds it under a SHA-256 key (Redis nm:token:<hex>, NATS KV
NM_TOKENS t.<hex>) that names neither the corp id nor the secret, and no log shows it.
Each backend's test skips when its server is not installed."""

import base64
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))

import test_nats_queue as nq  # noqa: E402  (its NatsServer and js; its tests stay in its module)
import test_redis_queue as rq  # noqa: E402  (its RedisServer; its tests stay in its module)
from chat_manifests import default_config, global_receiver  # noqa: E402
from nmtest import Daemon, NMTestCase, alert, am_webhook, nm_manifest, wait_until  # noqa: E402
from wecom_fake import WeComFake  # noqa: E402

REPLICAS = 3


class SharedTokensTest(NMTestCase):
    """On Redis; NatsSharedTokensTest below swaps the backend hooks."""

    def setUp(self):
        if not rq.REDIS:
            self.skipTest("redis-server is not installed (apt-get install redis-server)")
        super().setUp()
        self.redis = rq.RedisServer(os.path.join(self.tmp, "redis"))
        self.fake = WeComFake(users=["user1"])
        self.replicas = []

    def tearDown(self):
        for d in self.replicas:
            d.kill()
        if self._outcome_failed():
            for i, d in enumerate(self.replicas):
                print(f"---- replica {i} log ----\n" + d.logs()[-4000:])
        self.fake.close()
        self.stop_backend()
        super().tearDown()

    # -- backend hooks -------------------------------------------------------------------------

    def stop_backend(self):
        self.redis.stop()

    def store_args(self, i):
        """The shared store, and replica i's own stream: each sends what was posted to it."""
        return ["--store.type", "redis", "--store.redis.url", f"redis://127.0.0.1:{self.redis.port}",
                "--store.redis.stream", f"nm:alerts:r{i}"]

    def stored_tokens(self):
        """{store key: token} of every token stored."""
        out = {}
        for key in self.redis.cmd("KEYS", "nm:token:*"):
            key = key.decode() if isinstance(key, bytes) else key
            token = self.redis.cmd("GET", key)
            out[key] = token.decode() if isinstance(token, bytes) else token
        return out

    # -- test ----------------------------------------------------------------------------------

    def start_replica(self, i):
        """Replica i: its own config dir (same files) and its own stream, so each sends what was
        posted to it; only the token is shared."""
        config_dir = os.path.join(self.tmp, f"r{i}", "config")
        os.makedirs(config_dir)
        config = {"wechatApiUrl": self.fake.api_url(), "wechatApiCorpId": "corp1",
                  "wechatApiAgentId": "1000002", "wechatApiSecret": {"value": "s3cret"}}
        for name, text in (("nm.yaml", nm_manifest()),
                           ("config.yaml", default_config("wc", "wechat", config)),
                           ("receiver.yaml", global_receiver("wc", "wechat",
                                                             {"toUser": ["user1"]}))):
            with open(os.path.join(config_dir, name), "w") as f:
                f.write(text)
        d = Daemon(config_dir, self.store_args(i))
        self.replicas.append(d)
        return d

    def test_three_replicas_fetch_one_token(self):
        for i in range(REPLICAS):
            self.start_replica(i)

        def post(i, d):
            status, body, _ = d.request("POST", "/api/v2/alerts", am_webhook(
                [alert({"alertname": f"R{i}", "namespace": "ns"})]))
            self.assertEqual(status, 200, body)

        # Posted at once, so the replicas miss the token together (the fetch lock decides).
        threads = [threading.Thread(target=post, args=(i, d)) for i, d in
                   enumerate(self.replicas)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wait_until(lambda: len(self.fake.on("/cgi-bin/message/send", True)) == REPLICAS, 30,
                   what=f"{REPLICAS} messages sent")
        for d in self.replicas:
            d.wait_settled(30)  # the marker: nothing more will be sent or fetched
        self.assertEqual(len(self.fake.on("/cgi-bin/gettoken")), 1)
        self.assertEqual(len(self.fake.on("/cgi-bin/message/send", False)), 0)
        stored = self.stored_tokens()
        self.assertEqual(len(stored), 1, stored)
        key, token = next(iter(stored.items()))
        self.assertNotIn("corp1", key)
        self.assertNotIn("s3cret", key)
        self.assertIn(token, self.fake.tokens)
        for d in self.replicas:
            self.assertNotIn(token, d.logs())
            self.assertNotIn("s3cret", d.logs())


class NatsSharedTokensTest(SharedTokensTest):
    """The same on nats-server -js: the token in the KV bucket NM_TOKENS."""

    def setUp(self):
        if not nq.NATS:
            self.skipTest("nats-server is not installed (apt-get install nats-server)")
        NMTestCase.setUp(self)
        self.nats = nq.NatsServer(os.path.join(self.tmp, "nats"))
        self.fake = WeComFake(users=["user1"])
        self.replicas = []

    def stop_backend(self):
        self.nats.stop()

    def store_args(self, i):
        return ["--store.type", "nats", "--store.nats.url", f"nats://127.0.0.1:{self.nats.port}",
                "--store.nats.stream", f"NM_ALERTS_R{i}"]

    def stored_tokens(self):
        """{KV key: token} of the tokens in NM_TOKENS (values "<expiry ms> <token>"; released
        locks and dropped tokens hold "0 -")."""
        info = nq.js(self.nats.port, "STREAM.INFO.KV_NM_TOKENS",
                     {"subjects_filter": "$KV.NM_TOKENS.>"})
        out = {}
        for subject in (info.get("state", {}).get("subjects") or {}):
            key = subject[len("$KV.NM_TOKENS."):]
            if not key.startswith("t."):
                continue
            msg = nq.js(self.nats.port, "STREAM.MSG.GET.KV_NM_TOKENS", {"last_by_subj": subject})
            expiry, value = base64.b64decode(msg["message"]["data"]).decode().split(" ", 1)
            if int(expiry) > 0:
                out[key] = value
        return out


if __name__ == "__main__":
    unittest.main()
