"""The KubeSphere tenant sidecar through the real binary in file mode: a NotificationManager that
declares spec.sidecars.tenant routes a namespace's alerts to the receivers of the users the sidecar
names (tenantKey user); when the sidecar times out, fails or does not know the namespace, the
alerts still reach the global receiver, and the fallback is counted. The cluster the sidecar is
asked about comes from Namespace kubesphere-system's annotation in the config directory.

Proving an alert did NOT reach a tenant receiver: Daemon.wait_settled (every batch acked, so
nothing more arrives) after the global receiver got it."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))

from nmtest import NMTestCase, alert, metric_sum, wait_until, webhook_receiver  # noqa: E402
from tenant_sidecar_fake import TenantSidecarFake  # noqa: E402

NM = """apiVersion: notification.kubesphere.io/v2beta2
kind: NotificationManager
metadata:
  name: notification-manager
spec:
  receivers:
    tenantKey: user
    globalReceiverSelector: {matchLabels: {type: global}}
    tenantReceiverSelector: {matchLabels: {type: tenant}}
  batchMaxWait: 50ms
  groupLabels: []
  sidecars:
    tenant:
      type: kubesphere
      name: tenant
      image: kubesphere/notification-tenant-sidecar:v3.2.0
      ports: [{name: tenant, containerPort: 19094, protocol: TCP}]
"""

KUBESPHERE_SYSTEM = """apiVersion: v1
kind: Namespace
metadata:
  name: kubesphere-system
  annotations: {cluster.kubesphere.io/name: east}
"""


class TenantSidecarTest(NMTestCase):

    def setUp(self):
        super().setUp()
        self.sidecar = None

    def tearDown(self):
        if self.sidecar:
            self.sidecar.close()
        super().tearDown()

    def start_with_sidecar(self, mode="ok", extra_args=(), by_declared_port=False):
        """by_declared_port: no --tenant.sidecar-address; the NotificationManager declares the
        fake's port, so the daemon asks localhost:<that port>."""
        self.sidecar = TenantSidecarFake({("east", "ns-a"): ["alice", "bob"]}, mode=mode)
        port = self.sidecar.address().rsplit(":", 1)[1]
        self.write("nm.yaml", NM.replace("containerPort: 19094", "containerPort: " + port)
                   if by_declared_port else NM)
        self.write("namespaces.yaml", KUBESPHERE_SYSTEM)
        self.write("receivers.yaml", "---\n".join([
            webhook_receiver("global-hook", self.sink.url("/global"), {"type": "global"}),
            webhook_receiver("alice", self.sink.url("/alice"), {"type": "tenant", "user": "alice"}),
            webhook_receiver("bob", self.sink.url("/bob"), {"type": "tenant", "user": "bob"}),
            webhook_receiver("carol", self.sink.url("/carol"), {"type": "tenant", "user": "carol"}),
            webhook_receiver("ns-a", self.sink.url("/ns-a"),
                             {"type": "tenant", "user": "ns-a"}),
        ]))
        flag = [] if by_declared_port else ["--tenant.sidecar-address", self.sidecar.address()]
        self.start([*flag, *extra_args])

    def counter(self, name, result=None):
        m = self.daemon.metrics()
        if result is None:
            return metric_sum(m, name)
        return m.get(f'{name}{{result="{result}"}}', 0)

    def names(self, path):
        return sorted(a["labels"]["alertname"] for a in self.sink.alerts_on(path))

    def test_namespace_users_get_the_alert_on_their_tenant_receivers(self):
        self.start_with_sidecar()
        status, _ = self.post_alerts([alert({"alertname": "A", "namespace": "ns-a"}),
                                      alert({"alertname": "B", "namespace": "ns-z"}),
                                      alert({"alertname": "C"})])
        self.assertEqual(status, 200)
        wait_until(lambda: self.names("/alice") == ["A"] and self.names("/bob") == ["A"],
                   what="A at alice and bob")
        wait_until(lambda: self.names("/global") == ["A", "B", "C"], what="A, B, C at global")
        self.daemon.wait_settled()
        # The namespace itself is no tenant here, and carol is not one of ns-a's users.
        self.assertEqual(self.names("/carol"), [])
        self.assertEqual(self.names("/ns-a"), [])
        self.assertEqual(self.sink.alerts_on("/alice")[0]["labels"]["cluster"], "east")
        # One lookup per (cluster, namespace); the alert without a namespace asks nothing.
        self.assertEqual(sorted(self.sidecar.lookups()), [("east", "ns-a"), ("east", "ns-z")])
        self.assertEqual(self.counter("nm_tenant_sidecar_requests_total", "ok"), 1)
        # ns-z: the sidecar's empty 404 is an error, so B reached global receivers only.
        self.assertEqual(self.counter("nm_tenant_sidecar_requests_total", "error"), 1)
        self.assertEqual(self.counter("nm_tenant_sidecar_fallbacks_total"), 1)

        # Cached: a second alert of ns-a is routed without asking again.
        self.post_alerts([alert({"alertname": "D", "namespace": "ns-a"})])
        wait_until(lambda: "D" in self.names("/alice"), what="D at alice")
        self.daemon.wait_settled()
        self.assertEqual(len(self.sidecar.lookups()), 2)

    def test_without_the_flag_the_declared_container_port_is_asked(self):
        self.start_with_sidecar(by_declared_port=True)
        self.post_alerts([alert({"alertname": "A", "namespace": "ns-a"})])
        wait_until(lambda: self.names("/alice") == ["A"], what="A at alice")
        self.assertEqual(self.sidecar.lookups(), [("east", "ns-a")])

    def test_timeout_falls_back_to_global_receivers(self):
        self.start_with_sidecar(mode="slow", extra_args=["--tenant.sidecar-timeout", "300ms"])
        self.post_alerts([alert({"alertname": "A", "namespace": "ns-a"})])
        wait_until(lambda: self.names("/global") == ["A"], what="A at global")
        self.daemon.wait_settled()
        self.assertEqual(self.names("/alice"), [])
        self.assertEqual(self.names("/bob"), [])
        self.assertEqual(self.counter("nm_tenant_sidecar_requests_total", "timeout"), 1)
        self.assertEqual(self.counter("nm_tenant_sidecar_fallbacks_total"), 1)
        self.assertIn("tenant sidecar lookup failed", self.daemon.logs())

    def test_failure_falls_back_to_global_receivers(self):
        self.start_with_sidecar(mode="fail", extra_args=["--tenant.sidecar-failure-ttl", "0s"])
        for i, name in enumerate(["A", "B"]):
            self.post_alerts([alert({"alertname": name, "namespace": "ns-a"})])
            wait_until(lambda: len(self.names("/global")) == i + 1, what=f"{name} at global")
            self.daemon.wait_settled()
        self.assertEqual(self.names("/global"), ["A", "B"])
        self.assertEqual(self.names("/alice"), [])
        # Failures are not reused past --tenant.sidecar-failure-ttl (0s here): asked twice.
        self.assertEqual(self.counter("nm_tenant_sidecar_requests_total", "error"), 2)
        self.assertEqual(self.counter("nm_tenant_sidecar_fallbacks_total"), 2)

        # The sidecar recovers: the next alert reaches the users' receivers.
        self.sidecar.mode = "ok"
        self.post_alerts([alert({"alertname": "C", "namespace": "ns-a"})])
        wait_until(lambda: self.names("/alice") == ["C"], what="C at alice")


if __name__ == "__main__":
    unittest.main()
