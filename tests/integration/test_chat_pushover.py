"""Pushover through the real binary against the Pushover fake: two profiles with devices, sound
and title, a long group split below 1024 characters, an unknown user key failing after one
request, and /api/v2/verify with the vendor's error text."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))

from chat_manifests import default_config, global_receiver
from nmtest import NMTestCase, alert, nm_manifest, wait_until
from pushover_fake import MAX_MESSAGE, PushoverFake

TOKEN = "azGDORePK8gMaC0QOYAMyEEuzJnyUi"
USER1 = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG"
USER2 = "gznej3rKEVAvPUxu9vvNnqpmZpokzF"


class PushoverTest(NMTestCase):

    def setUp(self):
        super().setUp()
        self.fake = PushoverFake(tokens=[TOKEN],
                                 users={USER1: ["iphone", "ipad"], USER2: ["pixel"]})

    def tearDown(self):
        super().tearDown()
        self.fake.close()

    def start_with(self, spec, options=None):
        po = {"apiBaseUrl": self.fake.base()}
        po.update(options or {})
        self.write("nm.yaml", nm_manifest(options={"pushover": po}))
        self.write("config.yaml", default_config(
            "po", "pushover", {"pushoverTokenSecret": {"value": TOKEN}}))
        if spec:
            self.write("receiver.yaml", global_receiver("po", "pushover", spec))
        self.start()

    def test_two_profiles_with_devices_sound_and_title(self):
        self.start_with({"profiles": [
            {"userKey": USER1, "devices": ["iphone", "ipad"], "sound": "siren"},
            {"userKey": USER2, "title": "Legacy title"}]})
        self.post_alerts([alert({"alertname": "DiskFull", "namespace": "n1"})])
        wait_until(lambda: len(self.fake.delivered()) == 2, what="both profiles")
        first = self.fake.delivered(USER1)[0]
        self.assertEqual(first["token"], TOKEN)
        self.assertEqual(first["device"], "iphone,ipad")
        self.assertEqual(first["sound"], "siren")
        self.assertIn("DiskFull", first["message"])
        self.assertTrue(first["title"])  # nm.default.subject
        second = self.fake.delivered(USER2)[0]
        self.assertEqual(second["title"], "Legacy title")
        self.assertNotIn("device", second)
        self.assertNotIn("sound", second)
        self.assertNotIn(TOKEN, self.daemon.logs())

    def test_long_group_is_split(self):
        self.start_with({"profiles": [{"userKey": USER1}]},
                        options={"titleTemplate": "nm.default.subject"})
        alerts = [alert({"alertname": "Big", "namespace": "n1", "pod": f"p{i}"},
                        annotations={"message": "y" * 120}) for i in range(10)]
        self.post_alerts(alerts)
        wait_until(lambda: "p9\n" in "".join(b["message"] + "\n"
                                             for b in self.fake.delivered()),
                   what="every alert delivered")
        sent = self.fake.delivered()
        self.assertGreater(len(sent), 1)
        self.assertEqual([r for r in self.fake.requests if r["status"] != 200], [])
        for b in sent:
            self.assertLessEqual(len(b["message"]), MAX_MESSAGE)
        for i in range(10):
            self.assertEqual(sum(f"p{i}\n" in b["message"] + "\n" for b in sent), 1, i)

    def test_unknown_user_key_is_not_retried(self):
        ghost = "G" * 30
        self.start_with({"profiles": [{"userKey": ghost}]})
        self.post_alerts([alert({"alertname": "Bad", "namespace": "n1"})])
        wait_until(lambda: "pushover: send failed" in self.daemon.logs(), what="failure logged")
        self.assertEqual(len(self.fake.requests), 1)
        self.assertIn("pushover: user identifier is invalid", self.daemon.logs())

    def test_retries_after_500(self):
        self.start_with({"profiles": [{"userKey": USER2}]})
        self.fake.fail_next(1, 503)
        self.post_alerts([alert({"alertname": "Flaky", "namespace": "n1"})])
        wait_until(lambda: self.fake.delivered(), what="delivery after retry")
        self.assertEqual([r["status"] for r in self.fake.requests], [503, 200])

    def test_verify_returns_the_vendor_error(self):
        self.start_with(None)
        receiver = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
                    "metadata": {"name": "try", "labels": {"type": "global"}},
                    "spec": {"pushover": {"profiles": [{"userKey": USER2,
                                                        "devices": ["iphone"]}]}}}
        config = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Config",
                  "metadata": {"name": "try", "labels": {"type": "default"}},
                  "spec": {"pushover": {"pushoverTokenSecret": {"value": TOKEN}}}}
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver,
                                                           "config": config})
        self.assertNotEqual(status, 200, body)
        self.assertIn("pushover: device name is not valid for user", body["Message"])
        self.assertNotIn(TOKEN, str(body))
        receiver["spec"]["pushover"]["profiles"][0]["devices"] = ["pixel"]
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver,
                                                           "config": config})
        self.assertEqual(status, 200, body)
        self.assertEqual(len(self.fake.delivered(USER2)), 1)


if __name__ == "__main__":
    unittest.main()
