"""Real peers from Debian: Prometheus Alertmanager forwarding to us by its webhook, and Prometheus
posting its alert array straight to us, each started on 127.0.0.1 with a random port and stopped
by its PID. What they send must come out at our receivers."""

import http.client
import json
import os
import shutil
import signal
import subprocess
import unittest

from nmtest import NMTestCase, free_port, nm_manifest, wait_until, webhook_receiver


def start_peer(args, log_path):
    log = open(log_path, "wb")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    return proc, log


def start_alertmanager(tmp, daemon_port, repeat_interval="1h"):
    """The real Alertmanager 0.25 on a free 127.0.0.1 port, its webhook pointed at the daemon
    (group by alertname, group_wait 100ms, group_interval 1s). Returns (port, (proc, log))."""
    port = free_port()
    cfg = os.path.join(tmp, "am.yml")
    with open(cfg, "w") as f:
        f.write(f"""global: {{resolve_timeout: 5m}}
route: {{receiver: nm, group_by: ['alertname'], group_wait: 100ms, group_interval: 1s,
         repeat_interval: {repeat_interval}}}
receivers:
- name: nm
  webhook_configs:
  - url: 'http://127.0.0.1:{daemon_port}/api/v2/alerts'
""")
    peer = start_peer(
        ["prometheus-alertmanager", f"--config.file={cfg}",
         f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=",
         f"--storage.path={os.path.join(tmp, 'am-data')}"],
        os.path.join(tmp, "am.log"))
    return port, peer


def stop_peer(proc, log):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    log.close()


class PeersTestCase(NMTestCase):
    """The daemon with one global webhook receiver (/g) and real Debian peers started by the
    test (self.peers: stopped by PID at tearDown). GROUP_LABELS: the NotificationManager's."""

    GROUP_LABELS = "[alertname, namespace]"

    def setUp(self):
        for tool in ("prometheus-alertmanager", "prometheus"):
            self.assertTrue(shutil.which(tool),
                            f"{tool} missing: scripts/install-deps.sh installs it from Debian")
        super().setUp()
        self.write("nm.yaml", nm_manifest(group_labels=self.GROUP_LABELS))
        self.write("r.yaml", webhook_receiver("g", self.sink.url("/g"), {"type": "global"}))
        self.start()
        self.peers = []

    def tearDown(self):
        for proc, log in self.peers:
            stop_peer(proc, log)
        super().tearDown()

    def peer_log(self, name):
        with open(os.path.join(self.tmp, name), "rb") as f:
            return f.read().decode("utf-8", "replace")[-4000:]


class RealPeersTest(PeersTestCase):

    def test_alertmanager_webhook(self):
        am_port, peer = start_alertmanager(self.tmp, self.daemon.port)
        self.peers.append(peer)
        def post():
            c = http.client.HTTPConnection("127.0.0.1", am_port, timeout=2)
            try:
                c.request("POST", "/api/v2/alerts", body=json.dumps([{
                    "labels": {"alertname": "FromAlertmanager", "severity": "critical",
                               "namespace": "ns-x"},
                    "annotations": {"summary": "forwarded by a real Alertmanager"}}]),
                    headers={"Content-Type": "application/json"})
                return c.getresponse().status == 200
            except OSError:
                return False
            finally:
                c.close()
        wait_until(post, 20, interval=0.2, what="Alertmanager to accept the alert")
        try:
            wait_until(lambda: self.sink.alerts_on("/g"), 30, what="delivery via Alertmanager")
        except AssertionError:
            raise AssertionError("no delivery; alertmanager log:\n" + self.peer_log("am.log"))
        a = self.sink.alerts_on("/g")[0]
        self.assertEqual(a["labels"]["alertname"], "FromAlertmanager")
        self.assertEqual(a["annotations"]["summary"], "forwarded by a real Alertmanager")
        self.assertEqual(a["status"], "firing")

    def test_prometheus_posts_directly(self):
        prom_port = free_port()
        cfg = os.path.join(self.tmp, "prom.yml")
        rules = os.path.join(self.tmp, "rules.yml")
        with open(rules, "w") as f:
            f.write("""groups:
- name: always
  interval: 1s
  rules:
  - alert: AlwaysFiring
    expr: vector(1)
    labels: {severity: warning}
    annotations: {summary: "straight from Prometheus"}
""")
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
             "--rules.alert.resend-delay=1s"],
            os.path.join(self.tmp, "prom.log")))
        try:
            wait_until(lambda: self.sink.alerts_on("/g"), 60, interval=0.2,
                       what="delivery from Prometheus")
        except AssertionError:
            raise AssertionError("no delivery; prometheus log:\n" + self.peer_log("prom.log"))
        a = self.sink.alerts_on("/g")[0]
        self.assertEqual(a["labels"]["alertname"], "AlwaysFiring")
        self.assertEqual(a["annotations"]["summary"], "straight from Prometheus")
        self.assertIn("generatorURL", a)


if __name__ == "__main__":
    unittest.main()
