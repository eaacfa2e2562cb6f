"""Alert state survives kill -9 (issue #11): a firing alert posted in Prometheus' array format
(deduplicated by default) is notified once; the daemon is killed with SIGKILL and started again
on the same --storage.path; the same firing alert posted again is not notified a second time,
and its resolution is notified exactly once.

Needs the active-alert store and the notification log (dedup) writing through the StateBackend.
Until the daemon deduplicates at all (the same firing alert posted twice in one run is notified
twice), the test skips saying so."""

import datetime
import os
import unittest

from nmtest import Daemon, NMTestCase, metric_sum, nm_manifest, wait_until, webhook_receiver


def rfc3339(t):
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class StateRestartTest(NMTestCase):

    def setUp(self):
        super().setUp()
        self.write("nm.yaml", nm_manifest(batch_max_wait="50ms"))
        self.write("r.yaml", webhook_receiver("g", self.sink.url("/g"), {"type": "global"}))
        self.state_dir = os.path.join(self.tmp, "state")
        self.args = ["--storage.path", self.state_dir]
        self.started = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10)

    def prometheus_alert(self, name, resolved=False):
        """As Prometheus posts it: no status; a firing alert's endsAt lies a few minutes ahead
        (Prometheus: 4 × its resend delay), a resolved one's in the past."""
        now = datetime.datetime.now(datetime.timezone.utc)
        ends = now - datetime.timedelta(seconds=1) if resolved else now + datetime.timedelta(
            minutes=4)
        return {"labels": {"alertname": name, "namespace": "ns", "severity": "critical"},
                "annotations": {"summary": name},
                "startsAt": rfc3339(self.started), "endsAt": rfc3339(ends),
                "generatorURL": "http://prometheus:9090/graph"}

    def post(self, body):
        status, reply = self.daemon.post("/api/v2/alerts", body)
        self.assertEqual(status, 200, reply)

    def notified(self, name, status):
        """Notifications (requests) to /g carrying alert `name` with `status`."""
        return sum(1 for r in self.sink.on("/g")
                   if any(a["labels"].get("alertname") == name and a.get("status") == status
                          for a in (r["json"] or {}).get("alerts", [])))

    def marker(self, name):
        """A later, unrelated group: once it is delivered, anything posted before it has been
        through the pipeline (one queue, batches in order)."""
        self.post([self.prometheus_alert(name)])
        wait_until(lambda: self.notified(name, "firing") >= 1, 20, what=f"marker {name}")
        self.daemon.wait_settled()

    def state_committed(self):
        m = self.daemon.metrics()
        return (metric_sum(m, "nm_state_pending_records") == 0
                and m.get('nm_state_writes_total{table="nflog"}', 0) >= 1)

    def test_dedup_and_resolve_survive_kill_9(self):
        self.start(self.args)
        firing = [self.prometheus_alert("DiskFull")]
        self.post(firing)
        wait_until(lambda: self.notified("DiskFull", "firing") >= 1, 20,
                   what="the first firing notification")
        self.post(firing)
        self.marker("Marker1")
        if self.notified("DiskFull", "firing") > 1:
            self.skipTest("the daemon does not deduplicate yet: the same firing alert posted "
                          "twice in one run was notified twice (dedup of issue #11 not merged)")
        self.assertEqual(self.notified("DiskFull", "firing"), 1)
        wait_until(self.state_committed, 10,
                   what="the notification log committed to the state database "
                        "(nm_state_writes_total{table=\"nflog\"} >= 1, nothing pending)")

        self.daemon.kill()  # SIGKILL: no shutdown flush
        self.daemon = Daemon(self.config_dir, self.args)

        self.post(firing)
        self.marker("Marker2")
        self.assertEqual(self.notified("DiskFull", "firing"), 1,
                         "the firing alert was notified again after the restart")

        self.post([self.prometheus_alert("DiskFull", resolved=True)])
        wait_until(lambda: self.notified("DiskFull", "resolved") >= 1, 20,
                   what="the resolved notification after the restart")
        self.marker("Marker3")
        self.assertEqual(self.notified("DiskFull", "resolved"), 1)
        self.assertEqual(self.notified("DiskFull", "firing"), 1)


if __name__ == "__main__":
    unittest.main()
