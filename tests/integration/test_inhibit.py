"""Inhibition through the real binary (issue #11): an InhibitRule mutes a target while a source
with the same equal labels fires — whether the source arrives before the target or after it
within one batch window — counted as nm_alerts_dropped_total{reason="inhibited"}; a resolved
source stops inhibiting; a tenant rule mutes only that tenant's receivers."""

import unittest

from nmtest import NMTestCase, metric_sum, nm_manifest, wait_until, webhook_receiver

V2 = "apiVersion: notification.kubesphere.io/v2beta2\n"


def inhibit_rule(name, labels, equal=("namespace",)):
    label_lines = "".join(f"    {k}: {v}\n" for k, v in labels.items())
    equal_lines = "".join(f"  - {e}\n" for e in equal)
    return (f"{V2}kind: InhibitRule\nmetadata:\n  name: {name}\n  labels:\n{label_lines}"
            "spec:\n  source:\n    matchLabels:\n      severity: critical\n"
            "  target:\n    matchLabels:\n      severity: warning\n"
            f"  equal:\n{equal_lines}")


def alert(name, severity, ns, status="firing"):
    a = {"labels": {"alertname": name, "severity": severity, "namespace": ns},
         "annotations": {}, "startsAt": "2026-12-03T10:00:00Z"}
    if status == "resolved":
        a["endsAt"] = "2026-12-03T10:05:00Z"
    return a


class InhibitTest(NMTestCase):

    def setUp(self):
        super().setUp()
        # A long batch window: alerts posted one after the other land in one batch.
        self.write("nm.yaml", nm_manifest(batch_max_wait="700ms"))
        self.write("receivers.yaml",
                   webhook_receiver("hook", self.sink.url("/hook"), {"type": "global"}) + "---\n" +
                   webhook_receiver("team-a", self.sink.url("/team-a"),
                                    {"type": "tenant", "namespace": "ns-a"}))

    def names_on(self, path):
        return [a["labels"]["alertname"] for a in self.sink.alerts_on(path)]

    def inhibited(self):
        return metric_sum(self.daemon.metrics(), 'nm_alerts_dropped_total{reason="inhibited"}')

    def test_source_before_or_after_its_target_in_one_batch_inhibits_it(self):
        self.write("inhibit.yaml", inhibit_rule("critical-mutes-warning", {"type": "global"}))
        self.start()
        # Target first, source second, in the same batch window (different namespaces: ns-b's
        # target has no source with its equal label, so it is delivered).
        self.post_alerts([alert("TargetFirst", "warning", "ns-a")], fmt="array")
        self.post_alerts([alert("OtherNs", "warning", "ns-b")], fmt="array")
        self.post_alerts([alert("Source", "critical", "ns-a")], fmt="array")
        wait_until(lambda: "OtherNs" in self.names_on("/hook"), what="the ns-b target")
        self.daemon.wait_settled()
        self.assertIn("Source", self.names_on("/hook"))
        self.assertNotIn("TargetFirst", self.names_on("/hook"))
        # Source already firing, a later target of the same namespace: muted too.
        self.post_alerts([alert("TargetLater", "warning", "ns-a")], fmt="array")
        self.post_alerts([alert("Marker", "info", "ns-a")], fmt="array")
        wait_until(lambda: "Marker" in self.names_on("/hook"), what="the marker")
        self.daemon.wait_settled()
        self.assertNotIn("TargetLater", self.names_on("/hook"))
        self.assertEqual(self.inhibited(), 2)  # global rules mute before routing: once per alert
        # The source resolves: the next target is delivered.
        self.post_alerts([alert("Source", "critical", "ns-a", status="resolved")], fmt="array")
        self.daemon.wait_settled()
        self.post_alerts([alert("TargetAfterResolve", "warning", "ns-a")], fmt="array")
        wait_until(lambda: "TargetAfterResolve" in self.names_on("/hook"),
                   what="the target after its source resolved")

    def test_tenant_rule_mutes_only_that_tenants_receivers(self):
        self.write("inhibit.yaml",
                   inhibit_rule("team-a-only", {"type": "tenant", "namespace": "ns-a"}))
        self.start()
        self.post_alerts([alert("Source", "critical", "ns-a")], fmt="array")
        self.daemon.wait_settled()
        self.post_alerts([alert("Target", "warning", "ns-a")], fmt="array")
        wait_until(lambda: "Target" in self.names_on("/hook"), what="the global receiver's copy")
        self.daemon.wait_settled()
        self.assertNotIn("Target", self.names_on("/team-a"))
        self.assertIn("Source", self.names_on("/team-a"))
        self.assertEqual(self.inhibited(), 1)

    def test_bad_rule_names_the_field(self):
        self.write("inhibit.yaml", inhibit_rule("bad", {"type": "global"}, equal=("bad-name",)))
        self.daemon = None
        from nmtest import Daemon
        self.daemon = Daemon(self.config_dir, expect_start=False)
        self.assertNotEqual(self.daemon.proc.wait(timeout=15), 0)
        self.assertIn("spec.equal[0]", self.daemon.logs())


if __name__ == "__main__":
    unittest.main()
