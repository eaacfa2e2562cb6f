"""Deduplication (issue #11) with real peers from Debian: Prometheus posting its alert array
straight to the daemon every second yields one notification per group, then exactly one resolved
notification; Alertmanager in front (webhook format, dedup off by default) still gets its own
repeats through. Peers run on 127.0.0.1 with random ports and are stopped by their PID."""

import http.client
import os
import unittest

from nmtest import free_port, metric_sum, wait_until
from test_real_peers import PeersTestCase, start_alertmanager, start_peer

RULES = """groups:
- name: dedup
  interval: 1s
  rules:
  - alert: DedupA
    expr: {expr_a}
    labels: {{severity: warning}}
    annotations: {{summary: "group A"}}
  - alert: DedupB
    expr: vector(1)
    labels: {{severity: warning}}
    annotations: {{summary: "group B"}}
"""


def received(daemon, status):
    return metric_sum(daemon.metrics(), f'nm_alerts_received_total{{status="{status}"}}')


class DedupRealPeersTest(PeersTestCase):

    GROUP_LABELS = "[alertname]"

    def notifications(self, alertname, status=None):
        return [r["json"] for r in self.sink.on("/g")
                if r["json"] and r["json"].get("groupLabels", {}).get("alertname") == alertname
                and (status is None or r["json"].get("status") == status)]

    def assert_once_per_episode(self, alertname):
        """One firing notification per firing episode. Prometheus posts firing alerts with
        endsAt = now + 4 × max(evaluation interval, resend delay) = 4 s here: on a loaded
        machine a pause over 4 s between its posts ends the alert (the store's sweep notifies it
        resolved, as Alertmanager would) and the next post starts a new episode. So every extra
        firing notification must come right after a resolved one."""
        notes = self.notifications(alertname)
        statuses = [n.get("status") for n in notes]
        self.assertTrue(statuses and statuses[0] == "firing", notes)
        for prev, cur in zip(statuses, statuses[1:]):
            self.assertNotEqual(prev, cur, f"two {cur} notifications in a row: {notes}")

    def test_prometheus_direct_one_notification_per_group_then_one_resolved(self):
        prom_port = free_port()
        cfg = os.path.join(self.tmp, "prom.yml")
        rules = os.path.join(self.tmp, "rules.yml")
        with open(rules, "w") as f:
            f.write(RULES.format(expr_a="vector(1)"))
        with open(cfg, "w") as f:
            f.write(f"""global: {{evaluation_interval: 1s, scrape_interval: 1h}}
rule_files: ['{rules}']
alerting:
  alertmanagers:
  - static_configs:
    - targets: ['127.0.0.1:{self.daemon.port}']
""")
        self.peers.append(start_peer(
            ["prometheus", f"--config.file={cfg}", f"--web.listen-address=127.0.0.1:{prom_port}",
             f"--storage.tsdb.path={os.path.join(self.tmp, 'prom-data')}",
             "--rules.alert.resend-delay=1s", "--web.enable-lifecycle"],
            os.path.join(self.tmp, "prom.log")))
        # ~20 s of Prometheus re-sending both firing alerts every second.
        try:
            wait_until(lambda: received(self.daemon, "firing") >= 40, 90, interval=0.5,
                       what="40 firing alerts posted by Prometheus")
        except AssertionError:
            raise AssertionError("too few posts; prometheus log:\n" + self.peer_log("prom.log"))
        self.assert_once_per_episode("DedupA")
        self.assert_once_per_episode("DedupB")
        m = self.daemon.metrics()
        self.assertGreaterEqual(
            metric_sum(m, 'nm_notifications_deduplicated_total{reason="unchanged"}'), 10)

        # DedupA stops firing: same rule, an expression with no result; reload Prometheus.
        with open(rules, "w") as f:
            f.write(RULES.format(expr_a="vector(1) == 0"))
        c = http.client.HTTPConnection("127.0.0.1", prom_port, timeout=10)
        c.request("POST", "/-/reload")
        self.assertEqual(c.getresponse().status, 200)
        c.close()
        wait_until(lambda: self.notifications("DedupA", "resolved"), 60, interval=0.2,
                   what="the resolved notification of DedupA")
        resolved = self.notifications("DedupA", "resolved")[0]
        self.assertEqual(resolved["alerts"][0]["status"], "resolved")
        self.assertNotEqual(resolved["alerts"][0]["endsAt"], "0001-01-01T00:00:00Z")
        # The marker: Prometheus re-sent the resolved alert at least 5 more times since.
        seen = received(self.daemon, "resolved")
        wait_until(lambda: received(self.daemon, "resolved") >= seen + 5, 60, interval=0.5,
                   what="5 more resolved posts from Prometheus")
        # After the rule stopped: the last DedupA notification is its one resolved notification
        # (no repeats of it), and no group was notified twice without a resolve between.
        self.assert_once_per_episode("DedupA")
        self.assert_once_per_episode("DedupB")
        self.assertEqual(self.notifications("DedupA")[-1].get("status"), "resolved")

    def test_alertmanager_repeats_pass_through(self):
        am_port, peer = start_alertmanager(self.tmp, self.daemon.port, repeat_interval="2s")
        self.peers.append(peer)

        def post():
            c = http.client.HTTPConnection("127.0.0.1", am_port, timeout=2)
            try:
                c.request("POST", "/api/v2/alerts",
                          body=b'[{"labels":{"alertname":"Repeated","severity":"critical"}}]',
                          headers={"Content-Type": "application/json"})
                return c.getresponse().status == 200
            except OSError:
                return False
            finally:
                c.close()
        wait_until(post, 20, interval=0.2, what="Alertmanager to accept the alert")
        try:
            wait_until(lambda: len(self.notifications("Repeated")) >= 2, 60, interval=0.2,
                       what="two notifications of the group (Alertmanager's repeat)")
        except AssertionError:
            raise AssertionError("no repeat; alertmanager log:\n" + self.peer_log("am.log"))
        m = self.daemon.metrics()
        self.assertGreaterEqual(metric_sum(m, 'nm_dedup_passed_total{reason="off"}'), 2)
        self.assertEqual(metric_sum(m, "nm_notifications_deduplicated_total"), 0)


if __name__ == "__main__":
    unittest.main()
