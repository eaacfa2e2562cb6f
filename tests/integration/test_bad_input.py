"""Bad input on the ingest path through the real binary: every case is a clear 4xx naming the
problem, nothing crashes, nothing is silently dropped, and a slow client cannot block others."""

import socket
import time
import unittest

from nmtest import Daemon, NMTestCase, alert, nm_manifest, wait_until, webhook_receiver


class BadInputTest(NMTestCase):

    def setUp(self):
        super().setUp()
        self.write("nm.yaml", nm_manifest())
        self.write("r.yaml", webhook_receiver("g", self.sink.url("/g"), {"type": "global"}))

    def test_malformed_json(self):
        self.start()
        status, body = self.daemon.post("/api/v2/alerts", b'{"alerts": [')
        self.assertEqual(status, 400)
        self.assertIn("JSON", body["Message"].upper())

    def test_wrong_types_name_the_field(self):
        self.start()
        status, body = self.daemon.post("/api/v2/alerts", {"alerts": [
            {"labels": {"alertname": "ok"}},
            {"labels": {"alertname": 5}}]})
        self.assertEqual(status, 400)
        self.assertIn("alerts[1].labels.alertname", body["Message"])
        status, body = self.daemon.post("/api/v2/alerts", {"alerts": "nope"})
        self.assertEqual(status, 400)
        status, body = self.daemon.post("/api/v2/alerts", {"alerts": [
            {"labels": {"alertname": "x"}, "startsAt": "yesterday"}]})
        self.assertEqual(status, 400)
        self.assertIn("startsAt", body["Message"])
        # the valid alert of the mixed batch was still accepted (Alertmanager's best effort)
        wait_until(lambda: self.sink.alerts_on("/g"))
        self.assertEqual([a["labels"]["alertname"] for a in self.sink.alerts_on("/g")], ["ok"])

    def test_empty_labels(self):
        self.start()
        status, body = self.daemon.post("/api/v2/alerts", {"alerts": [{"labels": {}}]})
        self.assertEqual(status, 400)
        self.assertIn("labels", body["Message"])
        status, body = self.daemon.post("/api/v2/alerts", [{"annotations": {"a": "b"}}])
        self.assertEqual(status, 400)
        self.assertIn("labels", body["Message"])

    def test_invalid_utf8(self):
        self.start()
        status, body = self.daemon.post(
            "/api/v2/alerts", b'{"alerts":[{"labels":{"alertname":"\xff\xfe"}}]}')
        self.assertEqual(status, 400)
        self.assertIn("UTF-8", body["Message"])

    def test_alertmanager_rules_and_bounds_name_the_alert_and_label(self):
        self.start(["--webhook.max-labels-per-alert", "5",
                    "--webhook.max-label-value-bytes", "16"])
        cases = [
            (b'{"alerts":[{"labels":{"alertname":"ok1"}},'
             b'{"labels":{"alertname":"x","alert name!":"v"}}]}',
             'alerts[1].labels["alert name!"]: invalid label name'),
            (b'[{"labels":{"alertname":"x"},"annotations":{"run-book":"v"}}]',
             '[0].annotations["run-book"]: invalid annotation name'),
            (b'{"alerts":[{"labels":{"alertname":"x","a":"1","a":"2"}}]}',
             'alerts[0].labels["a"]: duplicate key'),
            (b'{"alerts":[{"labels":{"alertname":"x"},"annotations":{"s":"1","s":"2"}}]}',
             'alerts[0].annotations["s"]: duplicate key'),
            (b'{"alerts":[{"labels":{"alertname":"x"},"labels":{"alertname":"y"}}]}',
             'alerts[0]: duplicate key "labels"'),
            (b'{"alerts":[],"alerts":[{"labels":{"alertname":"x"}}]}',
             'body: duplicate key "alerts"'),
            (b'{"groupLabels":{"g":"1","g":"2"},"alerts":[{"labels":{"alertname":"x"}}]}',
             'groupLabels: duplicate key "g"'),
            (b'{"alerts":[{"labels":{"alertname":"x","a":"1","b":"2","c":"3","d":"4","e":"5"}}]}',
             'alerts[0].labels: 6 labels, over the limit of 5 (--webhook.max-labels-per-alert)'),
            (b'{"alerts":[{"labels":{"alertname":"x","big":"12345678901234567"}}]}',
             'alerts[0].labels["big"]: value of 17 bytes, over the limit of 16 '
             '(--webhook.max-label-value-bytes)'),
        ]
        for raw, expected in cases:
            with self.subTest(expected=expected):
                status, body = self.daemon.post("/api/v2/alerts", raw)
                self.assertEqual(status, 400, body)
                self.assertIn(expected, body["Message"])
        # at the bounds: accepted
        status, body = self.daemon.post("/api/v2/alerts", {"alerts": [
            {"labels": {"alertname": "ok2", "b": "1", "c": "2", "d": "3", "e": "1234567890123456"}}]})
        self.assertEqual(status, 200, body)
        # only ok1 and ok2 (and the marker posted last) reach the receiver
        self.assertEqual(self.post_alerts([alert({"alertname": "marker"})])[0], 200)
        wait_until(lambda: "marker" in [a["labels"]["alertname"]
                                        for a in self.sink.alerts_on("/g")])
        self.assertEqual(sorted(a["labels"]["alertname"] for a in self.sink.alerts_on("/g")),
                         ["marker", "ok1", "ok2"])

    def test_ten_thousand_labels_refused_by_default(self):
        self.start()
        labels = {f"l{i}": "v" for i in range(10000)}
        labels["alertname"] = "x"
        status, body = self.daemon.post("/api/v2/alerts", {"alerts": [{"labels": labels}]})
        self.assertEqual(status, 400, body)
        self.assertIn("alerts[0].labels: 10001 labels, over the limit of 1000", body["Message"])

    def test_huge_body(self):
        self.start(["--webhook.max-body-bytes", "65536"])
        big = [alert({"alertname": "Big", "i": str(i)}) for i in range(2000)]
        status, body = self.post_alerts(big)
        self.assertEqual(status, 413)
        # the daemon is still fine
        self.assertEqual(self.post_alerts([alert({"alertname": "Small"})])[0], 200)

    def test_slow_client_does_not_block_others(self):
        self.start()
        slow = socket.create_connection(("127.0.0.1", self.daemon.port))
        slow.sendall(b"POST /api/v2/alerts HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
        t0 = time.time()
        status, _ = self.post_alerts([alert({"alertname": "Fast"})])
        self.assertEqual(status, 200)
        self.assertLess(time.time() - t0, 5)
        wait_until(lambda: self.sink.alerts_on("/g"))
        slow.close()

    def test_full_queue_answers_503_with_retry_after(self):
        self.write("nm.yaml", nm_manifest(batch_max_size=1000, batch_max_wait="30s"))
        self.start(["--store.memory.queue", "10", "--store.memory.pushTimeout", "100ms"])
        first = [alert({"alertname": f"Q{i}"}) for i in range(8)]
        self.assertEqual(self.post_alerts(first)[0], 200)
        status, data, headers = self.daemon.request(
            "POST", "/api/v2/alerts", {"alerts": [alert({"alertname": f"R{i}"}) for i in range(5)]})
        self.assertEqual(status, 503, data)
        self.assertIn("Retry-After", headers)
        # nothing of the refused request was queued: after draining, only the first 8 arrive
        self.assertEqual(self.daemon.terminate(), 0)
        self.assertEqual(sorted(a["labels"]["alertname"] for a in self.sink.alerts_on("/g")),
                         sorted(f"Q{i}" for i in range(8)))

    def test_unknown_queue_backend_stops_startup(self):
        # memory, redis and nats are built (test_redis_queue.py, test_nats_queue.py).
        d = Daemon(self.config_dir, ["--store.type", "kafka"], expect_start=False)
        self.daemon = d
        self.assertEqual(d.proc.wait(15), 2)
        self.assertIn("--store.type", d.logs())
        self.assertIn("kafka", d.logs())
        d.kill()

    def test_out_of_range_flags_are_refused_naming_the_flag(self):
        for flag, value in (("--worker.max-deliveries", "0"),
                            ("--worker.max-deliveries", "101"),
                            ("--webhook.max-labels-per-alert", "-1")):
            d = Daemon(self.config_dir, [flag, value], expect_start=False)
            self.daemon = d
            self.assertEqual(d.proc.wait(15), 2, f"{flag} {value}")
            self.assertIn(flag, d.logs())
            d.kill()

    def test_unknown_path_and_method(self):
        self.start()
        self.assertEqual(self.daemon.get("/nope")[0], 404)
        # GET /api/v2/alerts is the Alertmanager API now; /api/v2/verify is POST only.
        self.assertEqual(self.daemon.get("/api/v2/verify")[0], 405)


if __name__ == "__main__":
    unittest.main()
