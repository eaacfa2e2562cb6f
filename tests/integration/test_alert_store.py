"""The active-alert store through the real binary (issue #11): an alert posted without endsAt
resolves by itself after the NotificationManager's spec.resolveTimeout — a firing notification,
then a resolved one the daemon makes (the resolve-timeout sweep re-injects it)."""

import unittest

from nmtest import Daemon, NMTestCase, metric_sum, nm_manifest, wait_until, \
    webhook_receiver


class AlertStoreTest(NMTestCase):

    def config(self, timeout="2s"):
        self.write("nm.yaml", nm_manifest(extra=f"  resolveTimeout: {timeout}\n"))
        self.write("receivers.yaml",
                   webhook_receiver("hook", self.sink.url("/hook"), {"type": "global"}))

    def test_alert_without_ends_at_resolves_after_resolve_timeout(self):
        self.config()
        self.start()
        status, _ = self.daemon.post("/api/v2/alerts", [
            {"labels": {"alertname": "NoEnd", "namespace": "ns-a", "pod": "p1"},
             "annotations": {"summary": "posted without endsAt"}}])
        self.assertEqual(status, 200)
        wait_until(lambda: len(self.sink.alerts_on("/hook")) >= 1, what="the firing notification")
        first = self.sink.alerts_on("/hook")[0]
        self.assertEqual(first["status"], "firing")
        self.assertEqual(first["endsAt"], "0001-01-01T00:00:00Z")
        wait_until(lambda: len(self.sink.alerts_on("/hook")) >= 2, timeout=15,
                   what="the resolved notification")
        second = self.sink.alerts_on("/hook")[1]
        self.assertEqual(second["status"], "resolved")
        self.assertEqual(second["labels"]["pod"], "p1")
        self.assertEqual(second["annotations"]["summary"], "posted without endsAt")
        self.assertNotEqual(second["endsAt"], "0001-01-01T00:00:00Z")
        self.assertEqual(second["startsAt"], first["startsAt"])
        # Notified, then collected: the store empties; the sweep counted one re-injection.
        def collected():
            m = self.daemon.metrics()
            return (metric_sum(m, 'nm_alert_store_sweep_total{result="collected"}') == 1 and
                    metric_sum(m, 'nm_alerts{state="firing"}') == 0)
        wait_until(collected, timeout=10, what="the resolved alert collected")
        m = self.daemon.metrics()
        self.assertEqual(metric_sum(m, 'nm_alert_store_sweep_total{result="reinjected"}'), 1)
        self.daemon.wait_settled()
        self.assertEqual(len(self.sink.alerts_on("/hook")), 2)

    def test_bad_resolve_timeout_names_the_field(self):
        self.config(timeout="soon")
        self.daemon = Daemon(self.config_dir, expect_start=False)
        self.assertNotEqual(self.daemon.proc.wait(timeout=15), 0)
        self.assertIn("spec.resolveTimeout", self.daemon.logs())


if __name__ == "__main__":
    unittest.main()
