"""End to end through the real binary: ingest in both formats, global and tenant receivers, route
policies, tenant silences, history, retries, and the exact requests the webhook sink received.

Proving that an alert did NOT arrive: the alert is posted together with a marker alert that must
arrive at the same receiver, and groupLabels is [] so that a batch makes one request per receiver
(the POST's alerts form one batch: one push, far below batchMaxSize). The marker's request is then
the only request the batch makes to that receiver, so an alert missing from it never arrives.
Notify sends groups concurrently, so nothing weaker than "same request" is relied on. Exact counts
("nothing more arrived") wait until the daemon has acked every batch (Daemon.wait_settled)."""

import os
import unittest

from nmtest import Daemon, NMTestCase, alert, nm_manifest, wait_until, webhook_receiver


class PipelineTest(NMTestCase):

    def base_config(self, route_policy="All", extra_nm="", group_labels="[alertname, namespace]"):
        self.write("nm.yaml", nm_manifest(route_policy=route_policy, extra=extra_nm,
                                          group_labels=group_labels))
        self.write("receivers.yaml", "---\n".join([
            webhook_receiver("global-hook", self.sink.url("/global"), {"type": "global"}),
            webhook_receiver("team-a", self.sink.url("/team-a"),
                             {"type": "tenant", "namespace": "ns-a"}),
            webhook_receiver("team-b", self.sink.url("/team-b"),
                             {"type": "tenant", "namespace": "ns-b"}),
        ]))

    def test_global_and_tenant_receivers_webhook_format(self):
        self.base_config()
        self.start()
        status, body = self.post_alerts([
            alert({"alertname": "A", "namespace": "ns-a", "severity": "critical"}),
            alert({"alertname": "B", "namespace": "ns-b"}),
            alert({"alertname": "C"}),
        ])
        self.assertEqual(status, 200)
        self.assertEqual(body, {"Status": 200, "Message": "Notification request accepted"})
        wait_until(lambda: len(self.sink.alerts_on("/global")) == 3, what="3 alerts at global")
        wait_until(lambda: self.sink.alerts_on("/team-a") and self.sink.alerts_on("/team-b"))
        self.daemon.wait_settled()  # nothing more may arrive
        self.assertEqual(sorted(a["labels"]["alertname"] for a in self.sink.alerts_on("/global")),
                         ["A", "B", "C"])
        self.assertEqual([a["labels"]["alertname"] for a in self.sink.alerts_on("/team-a")], ["A"])
        self.assertEqual([a["labels"]["alertname"] for a in self.sink.alerts_on("/team-b")], ["B"])
        # groupLabels [alertname, namespace]: one request per group at the global receiver
        self.assertEqual(len(self.sink.on("/global")), 3)
        req = self.sink.on("/team-a")[0]
        self.assertEqual(req["headers"].get("Content-Type"), "application/json")
        a = req["json"]["alerts"][0]
        self.assertEqual(a["labels"]["receiver"], "team-a")
        self.assertEqual(a["labels"]["cluster"], "default")  # set when missing
        self.assertEqual(a["status"], "firing")
        self.assertEqual(req["json"]["groupLabels"], {"alertname": "A", "namespace": "ns-a"})
        self.assertEqual(req["json"]["commonLabels"]["severity"], "critical")

    def test_prometheus_array_format(self):
        self.base_config()
        self.start()
        status, _ = self.post_alerts([
            {"labels": {"alertname": "P", "namespace": "ns-a"},
             "annotations": {"summary": "from prometheus"},
             "startsAt": "2026-11-25T10:00:00Z", "endsAt": "2099-01-01T00:00:00Z"},
        ], fmt="array")
        self.assertEqual(status, 200)
        wait_until(lambda: self.sink.alerts_on("/team-a"), what="tenant delivery")
        a = self.sink.alerts_on("/team-a")[0]
        self.assertEqual(a["annotations"]["summary"], "from prometheus")
        self.assertEqual(a["status"], "firing")

    def test_router_only_drops_unmatched(self):
        self.base_config(route_policy="RouterOnly", group_labels="[]")
        self.write("router.yaml", """apiVersion: notification.kubesphere.io/v2beta2
kind: Router
metadata:
  name: critical-to-b
spec:
  alertSelector:
    matchExpressions:
    - key: severity
      operator: In
      values: [critical]
  receivers:
    name: [team-b]
---
apiVersion: notification.kubesphere.io/v2beta2
kind: Router
metadata:
  name: marker-to-all
spec:
  alertSelector:
    matchLabels: {marker: "yes"}
  receivers:
    name: [global-hook, team-a, team-b]
""")
        self.start()
        self.post_alerts([
            alert({"alertname": "Crit", "namespace": "ns-a", "severity": "critical"}),
            alert({"alertname": "Warn", "namespace": "ns-a", "severity": "warning"}),
            alert({"alertname": "Marker", "namespace": "ns-a", "marker": "yes"}),
        ])
        # The marker reaches every receiver in the batch's only request to it: Warn, routed
        # anywhere, would be in one of these requests.
        for path in ("/global", "/team-a", "/team-b"):
            wait_until(lambda: self.sink.on(path), what=f"the marker at {path}")
        self.assertEqual(sorted(a["labels"]["alertname"] for a in self.sink.alerts_on("/team-b")),
                         ["Crit", "Marker"])
        for path in ("/global", "/team-a"):
            self.assertEqual([a["labels"]["alertname"] for a in self.sink.alerts_on(path)],
                             ["Marker"])
        for path in ("/global", "/team-a", "/team-b"):
            self.assertEqual(len(self.sink.on(path)), 1, path)
        status, metrics = self.daemon.request("GET", "/metrics")[:2]
        self.assertIn(b'nm_alerts_dropped_total{reason="route_policy"} 1', metrics)

    def test_router_first_and_all(self):
        # One request per receiver: each alert delivered is the marker for the other one.
        self.base_config(route_policy="RouterFirst", group_labels="[]")
        self.write("router.yaml", """apiVersion: notification.kubesphere.io/v2beta2
kind: Router
metadata:
  name: crit
spec:
  alertSelector:
    matchLabels: {severity: critical}
  receivers:
    regexName: "^team-b$"
""")
        self.start()
        self.post_alerts([
            alert({"alertname": "Crit", "namespace": "ns-a", "severity": "critical"}),
            alert({"alertname": "Other", "namespace": "ns-a", "severity": "info"}),
        ])
        for path in ("/global", "/team-a", "/team-b"):
            wait_until(lambda: self.sink.on(path), what=f"delivery at {path}")
        for path in ("/global", "/team-a", "/team-b"):
            self.assertEqual(len(self.sink.on(path)), 1, path)
        self.assertEqual([a["labels"]["alertname"] for a in self.sink.alerts_on("/team-b")],
                         ["Crit"])
        # the unmatched alert falls back to global + tenant receivers
        self.assertEqual([a["labels"]["alertname"] for a in self.sink.alerts_on("/team-a")],
                         ["Other"])
        self.assertEqual([a["labels"]["alertname"] for a in self.sink.alerts_on("/global")],
                         ["Other"])

    def test_tenant_silence_mutes_only_that_tenant(self):
        self.base_config(group_labels="[]")
        self.write("silence.yaml", """apiVersion: notification.kubesphere.io/v2beta2
kind: Silence
metadata:
  name: mute-ns-a
  labels:
    type: tenant
    namespace: ns-a
spec:
  matcher:
    matchLabels:
      alertname: Noisy
""")
        self.start()
        self.post_alerts([
            alert({"alertname": "Noisy", "namespace": "ns-a"}),
            alert({"alertname": "Noisy", "namespace": "ns-b"}),
            alert({"alertname": "Marker", "namespace": "ns-a"}),  # not silenced
        ])
        wait_until(lambda: len(self.sink.alerts_on("/global")) == 3, what="global gets all")
        wait_until(lambda: self.sink.alerts_on("/team-b"), what="team-b's Noisy")
        wait_until(lambda: self.sink.on("/team-a"), what="the marker at team-a")
        # Noisy/ns-a, had it passed the tenant silence, would be in the marker's request.
        self.assertEqual(len(self.sink.on("/team-a")), 1)
        self.assertEqual([a["labels"]["alertname"] for a in self.sink.alerts_on("/team-a")],
                         ["Marker"])
        self.assertEqual([a["labels"]["namespace"] for a in self.sink.alerts_on("/team-b")],
                         ["ns-b"])

    def test_global_silence_mutes_everyone(self):
        # One request per receiver: Real is the marker Noisy would have travelled with.
        self.base_config(group_labels="[]")
        self.write("silence.yaml", """apiVersion: notification.kubesphere.io/v2beta2
kind: Silence
metadata:
  name: mute-all-noisy
  labels:
    type: global
spec:
  matcher:
    matchExpressions:
    - key: alertname
      operator: Match
      regexValue: "^Noi"
""")
        self.start()
        self.post_alerts([alert({"alertname": "Noisy", "namespace": "ns-a"}),
                          alert({"alertname": "Real", "namespace": "ns-a"})])
        for path in ("/global", "/team-a"):
            wait_until(lambda: self.sink.on(path), what=f"Real at {path}")
        for path in ("/global", "/team-a"):
            self.assertEqual(len(self.sink.on(path)), 1, path)
            self.assertEqual([a["labels"]["alertname"] for a in self.sink.alerts_on(path)],
                             ["Real"])

    def test_alert_selector_filters(self):
        # One request per receiver: X is the marker Y would have travelled with.
        self.write("nm.yaml", nm_manifest(group_labels="[]"))
        self.write("r.yaml", webhook_receiver(
            "only-crit", self.sink.url("/crit"), {"type": "global"},
            extra="    alertSelector:\n      matchLabels:\n        severity: critical\n"))
        self.start()
        self.post_alerts([alert({"alertname": "X", "severity": "critical"}),
                          alert({"alertname": "Y", "severity": "info"})])
        wait_until(lambda: self.sink.on("/crit"), what="X at /crit")
        self.assertEqual(len(self.sink.on("/crit")), 1)
        self.assertEqual([a["labels"]["alertname"] for a in self.sink.alerts_on("/crit")], ["X"])

    def test_history_receives_sent_alerts(self):
        self.base_config(extra_nm=f"""  history:
    webhook:
      url: {self.sink.url("/history")}
""")
        self.start()
        self.post_alerts([alert({"alertname": "H", "namespace": "ns-a"})])
        wait_until(lambda: self.sink.alerts_on("/history"), what="history delivery")
        h = self.sink.alerts_on("/history")
        self.assertEqual(len(h), 1)
        self.assertEqual(h[0]["labels"]["alertname"], "H")
        self.assertIn("notificationTime", h[0])
        self.assertEqual(set(h[0]["receiver"].keys()), {"global-hook", "team-a"})

    def test_retry_after_500_not_after_400(self):
        self.write("nm.yaml", nm_manifest())
        self.write("r.yaml", "---\n".join([
            webhook_receiver("flaky", self.sink.url("/flaky"), {"type": "global"}),
            webhook_receiver("rejecting", self.sink.url("/reject"), {"type": "global"}),
        ]))
        self.sink.script("/flaky", [500, 503])
        self.sink.script("/reject", [400])
        self.start()
        self.post_alerts([alert({"alertname": "R"})])
        wait_until(lambda: len(self.sink.on("/flaky")) == 3, what="two retries then success")
        # The batch is acked only after every retry ended: no later retry can still come.
        self.daemon.wait_settled()
        self.assertEqual(len(self.sink.on("/flaky")), 3)
        self.assertEqual(len(self.sink.on("/reject")), 1)  # 4xx is permanent
        logs = self.daemon.logs()
        self.assertIn("webhook/rejecting", logs)
        self.assertIn("400", logs)

    def test_sigterm_drains_queue(self):
        self.write("nm.yaml", nm_manifest(batch_max_size=1000, batch_max_wait="20s"))
        self.write("r.yaml", webhook_receiver("g", self.sink.url("/g"), {"type": "global"}))
        self.start()
        sent = [alert({"alertname": f"D{i}", "instance": str(i)}) for i in range(50)]
        for i in range(0, 50, 10):
            self.assertEqual(self.post_alerts(sent[i:i + 10])[0], 200)
        self.assertEqual(self.sink.on("/g"), [])  # still waiting for batchMaxWait
        code = self.daemon.terminate()
        self.assertEqual(code, 0)
        got = sorted(a["labels"]["alertname"] for a in self.sink.alerts_on("/g"))
        self.assertEqual(got, sorted(f"D{i}" for i in range(50)))

    def test_several_notify_loops_deliver_each_group_once_and_retry(self):
        self.write("nm.yaml", nm_manifest())
        self.write("r.yaml", "---\n".join([
            webhook_receiver("g", self.sink.url("/g"), {"type": "global"}),
            webhook_receiver("flaky", self.sink.url("/flaky"), {"type": "global"}),
        ]))
        self.sink.script("/flaky", [500, 503])
        self.start(["--notify.threads", "3"])
        self.assertIn("nm-curl-2", self.thread_names())  # three loops, named in the kernel
        # groupLabels [alertname, namespace]: every alert is its own request
        self.assertEqual(self.post_alerts(
            [alert({"alertname": f"L{i}", "namespace": "ns"}) for i in range(60)])[0], 200)
        wait_until(lambda: len(self.sink.alerts_on("/g")) == 60, what="60 groups at /g")
        wait_until(lambda: len(self.sink.alerts_on("/flaky")) >= 60, what="60 groups at /flaky")
        # A later marker: once it arrived, nothing of the first post is still on its way.
        self.assertEqual(self.post_alerts([alert({"alertname": "marker", "namespace": "ns"})])[0],
                         200)
        wait_until(lambda: any(a["labels"]["alertname"] == "marker"
                               for a in self.sink.alerts_on("/g")), what="marker at /g")
        wait_until(lambda: any(a["labels"]["alertname"] == "marker"
                               for a in self.sink.alerts_on("/flaky")), what="marker at /flaky")
        names = sorted(a["labels"]["alertname"] for a in self.sink.alerts_on("/g"))
        self.assertEqual(names, sorted([f"L{i}" for i in range(60)] + ["marker"]))
        # The two scripted failures were retried: 2 extra requests, each group answered once.
        self.assertEqual(len(self.sink.on("/flaky")), 61 + 2)

    def thread_names(self):
        task = f"/proc/{self.daemon.proc.pid}/task"
        names = set()
        for tid in os.listdir(task):
            with open(os.path.join(task, tid, "comm")) as f:
                names.add(f.read().strip())
        return names

    def test_notify_threads_out_of_range_is_refused_naming_the_flag(self):
        self.write("nm.yaml", nm_manifest())
        d = Daemon(self.config_dir, extra_args=["--notify.threads", "-1"], expect_start=False)
        self.daemon = d
        self.assertEqual(d.proc.wait(15), 2)
        self.assertIn("--notify.threads", d.logs())


if __name__ == "__main__":
    unittest.main()
