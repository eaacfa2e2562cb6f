"""Shared state on Redis (--store.type redis, issue #12): two replicas of the real binary on one
redis-server (127.0.0.1, random port, stopped by PID) share the active-alert store, the
notification log and API silences: a source on A inhibits a target on B, an alert posted to A then
to B is notified once, a silence made on A mutes on B and is listed there, and a replica killed
with kill -9 lists the held alerts at once when it starts again.
Each replica reads its own stream (--store.redis.stream), so an alert posted to B is processed by
B: what B knows of A's alerts came through the shared state, not the queue.
Skips when redis-server is not installed."""

import datetime
import os
import unittest

from nmtest import Daemon, NMTestCase, metric_sum, nm_manifest, wait_until, webhook_receiver
from test_redis_queue import REDIS, RedisServer
from test_inhibit import inhibit_rule



def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def prom_alert(name, severity="info", ns="ns-a"):
    """One alert as Prometheus posts it (the array format): endsAt ahead of now."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return {"labels": {"alertname": name, "severity": severity, "namespace": ns},
            "annotations": {"summary": name}, "startsAt": iso(now - datetime.timedelta(minutes=1)),
            "endsAt": iso(now + datetime.timedelta(hours=1)),
            "generatorURL": "http://prometheus:9090/graph"}


class RedisStateTest(NMTestCase):
    """The backend hooks (server, flags, storage name) are overridden by test_nats_state.py."""
    store_type = "redis"

    def server_missing(self):
        return None if REDIS else "redis-server is not installed (apt-get install redis-server)"

    def start_server(self):
        self.server = RedisServer(os.path.join(self.tmp, "redis"))

    def store_args(self, name):
        return ["--store.type", "redis", "--store.redis.url",
                f"redis://127.0.0.1:{self.server.port}", "--store.redis.stream", f"nm:alerts:{name}"]

    def storage_name(self):
        return f"redis:127.0.0.1:{self.server.port}"

    def setUp(self):
        if self.server_missing():
            self.skipTest(self.server_missing())
        super().setUp()
        self.start_server()
        self.replicas = {}
        files = {
            "nm.yaml": nm_manifest(batch_max_wait="50ms", group_labels="[alertname]"),
            "r.yaml": webhook_receiver("g", self.sink.url("/g"), {"type": "global"}),
            "inhibit.yaml": inhibit_rule("critical-mutes-warning", {"type": "global"}),
        }
        # One config directory per replica (the daemon's log sits beside it).
        self.dirs = {}
        for name in ("a", "b"):
            d = os.path.join(self.tmp, name, "config")
            os.makedirs(d)
            for f, text in files.items():
                with open(os.path.join(d, f), "w") as out:
                    out.write(text)
            self.dirs[name] = d

    def tearDown(self):
        failed = self._outcome_failed()
        for name, d in self.replicas.items():
            d.kill()
            if failed:
                print(f"---- replica {name} log ----\n" + d.logs()[-5000:])
        if not self.server_missing():
            self.server.stop()
        super().tearDown()

    def start_replica(self, name):
        self.replicas[name] = Daemon(self.dirs[name], self.store_args(name))
        return self.replicas[name]

    def names(self):
        return [a["labels"]["alertname"] for a in self.sink.alerts_on("/g")]

    def post(self, replica, alerts):
        status, body = self.replicas[replica].post("/api/v2/alerts", alerts)
        self.assertEqual(status, 200, body)

    def held(self, replica):
        status, body = self.replicas[replica].get("/api/v2/alerts")
        self.assertEqual(status, 200, body)
        return {a["labels"]["alertname"] for a in body}

    def remote(self, replica, table):
        return metric_sum(self.replicas[replica].metrics(),
                          f'nm_state_remote_changes_total{{table="{table}"}}')

    def test_source_on_a_inhibits_target_on_b(self):
        self.start_replica("a")
        self.start_replica("b")
        self.post("a", [prom_alert("Source", "critical")])
        wait_until(lambda: "Source" in self.names(), what="the source notified by A")
        wait_until(lambda: "Source" in self.held("b"), what="B to hold A's source")
        self.post("b", [prom_alert("Target", "warning")])
        self.post("b", [prom_alert("Marker", "info")])
        wait_until(lambda: "Marker" in self.names(), what="the marker posted after the target")
        self.replicas["b"].wait_settled()
        self.assertNotIn("Target", self.names())
        self.assertGreaterEqual(
            metric_sum(self.replicas["b"].metrics(),
                       'nm_alerts_dropped_total{reason="inhibited"}'), 1)

    def test_same_alert_on_a_then_b_is_notified_once(self):
        self.start_replica("a")
        self.start_replica("b")
        same = prom_alert("Dup", "warning", ns="ns-b")
        self.post("a", [same])
        wait_until(lambda: "Dup" in self.names(), what="A's notification")
        self.replicas["a"].wait_settled()
        wait_until(lambda: self.remote("b", "nflog") >= 1, what="B to get A's log record")
        self.post("b", [same])
        self.post("b", [prom_alert("DupMarker", "info", ns="ns-b")])
        wait_until(lambda: "DupMarker" in self.names(), what="the marker posted on B")
        self.replicas["b"].wait_settled()
        self.assertEqual(self.names().count("Dup"), 1, self.names())

    def test_silence_made_on_a_mutes_on_b_and_is_listed_there(self):
        self.start_replica("a")
        self.start_replica("b")
        now = datetime.datetime.now(datetime.timezone.utc)
        status, body = self.replicas["a"].post("/api/v2/silences", {
            "matchers": [{"name": "alertname", "value": "Muted", "isRegex": False,
                          "isEqual": True}],
            "startsAt": iso(now), "endsAt": iso(now + datetime.timedelta(hours=1)),
            "createdBy": "amtool", "comment": "shared"})
        self.assertEqual(status, 200, body)
        sid = body["silenceID"]

        def listed_on_b():
            status, body = self.replicas["b"].get("/api/v2/silences")
            return status == 200 and any(s["id"] == sid and s["status"]["state"] == "active"
                                         for s in body)

        wait_until(listed_on_b, what="A's silence listed by B")
        self.post("b", [prom_alert("Muted"), prom_alert("NotMuted")])
        wait_until(lambda: "NotMuted" in self.names(), what="the marker posted with the muted one")
        self.replicas["b"].wait_settled()
        self.assertNotIn("Muted", self.names())

    def test_restarted_replica_lists_held_alerts_at_once(self):
        self.start_replica("a")
        self.start_replica("b")
        self.post("a", [prom_alert("WarmA")])
        self.post("b", [prom_alert("WarmB")])
        wait_until(lambda: {"WarmA", "WarmB"} <= set(self.names()), what="both notified")
        # Both records are in Redis once each replica holds the other's alert.
        wait_until(lambda: {"WarmA", "WarmB"} <= self.held("a") and
                   {"WarmA", "WarmB"} <= self.held("b"), what="each replica to hold both")
        self.replicas["b"].proc.kill()  # kill -9
        self.replicas["b"].proc.wait()
        self.replicas["b"].log.close()
        self.start_replica("b")
        # The first answer after the restart, no waiting.
        self.assertTrue({"WarmA", "WarmB"} <= self.held("b"), self.held("b"))
        # /status and /-/ready name the backend, never the URL's password.
        for path in ("/status", "/-/ready"):
            status, body = self.replicas["b"].get(path)
            self.assertEqual(status, 200, body)
            self.assertEqual(body["storage"], self.storage_name(), body)

    def test_storage_path_beside_the_shared_store_is_refused_naming_both_flags(self):
        d = Daemon(self.dirs["a"], self.store_args("a") + [
            "--storage.path", os.path.join(self.tmp, "state")], expect_start=False)
        self.replicas["a"] = d
        self.assertEqual(d.proc.wait(timeout=15), 2)
        self.assertIn(f"--storage.path cannot be used with --store.type {self.store_type}",
                      d.logs())


if __name__ == "__main__":
    unittest.main()
