"""The webhook channel honouring templates through the real daemon: a receiver template from a
ConfigMap (spec.template.text), tmplText on top, the JSON default, the fallback to JSON when a
template fails to render, and /api/v2/verify rendering through the same path."""

import unittest

from nmtest import NMTestCase, alert, nm_manifest, wait_until, webhook_receiver

TEMPLATE_CM = """apiVersion: v1
kind: ConfigMap
metadata: {name: nm-template, namespace: kubesphere-monitoring-system}
data:
  template: |
    {{ define "it.body" }}{"text":"{{ range .Alerts }}{{ escape (message .) }};{{ end }}"}{{ end }}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: rcv-template, namespace: kubesphere-monitoring-system}
data:
  t: '{{ define "it.rcv" }}rcv {{ template "nm.default.subject" . }}{{ end }}'
"""

TEMPLATE_SPEC = """  defaultSecretNamespace: kubesphere-monitoring-system
  template:
    language: zh-cn
    text: {name: nm-template, namespace: kubesphere-monitoring-system, key: template}
"""


class WebhookTemplateTest(NMTestCase):

    def setUp(self):
        super().setUp()
        self.write("nm.yaml", nm_manifest(extra=TEMPLATE_SPEC))
        self.write("cm.yaml", TEMPLATE_CM)
        self.write("receivers.yaml", "---\n".join([
            webhook_receiver("json", self.sink.url("/json"), {"type": "global"}),
            webhook_receiver("body", self.sink.url("/body"), {"type": "global"},
                             "    template: it.body\n"),
            webhook_receiver("rcv", self.sink.url("/rcv"), {"type": "global"},
                             "    template: it.rcv\n    tmplText: {name: rcv-template, "
                             "namespace: kubesphere-monitoring-system}\n"),
            webhook_receiver("broken", self.sink.url("/broken"), {"type": "global"},
                             "    template: it.missing\n"),
        ]))
        self.start()

    def test_templates_render_and_failures_fall_back_to_json(self):
        status, _ = self.post_alerts([
            alert({"alertname": "T", "pod": "p1"}, annotations={"message": 'say "hi"',
                                                               "summaryCn": "你好"})])
        self.assertEqual(status, 200)
        for path in ("/json", "/body", "/rcv", "/broken"):
            wait_until(lambda p=path: self.sink.on(p), what=f"delivery to {path}")
        self.assertEqual(self.sink.on("/json")[0]["json"]["alerts"][0]["labels"]["pod"], "p1")
        body = self.sink.on("/body")[0]
        self.assertEqual(body["json"], {"text": "你好;"})
        self.assertEqual(body["headers"].get("Content-Type"), "application/json")
        self.assertEqual(self.sink.on("/rcv")[0]["body"].decode("utf-8"), "rcv [触发中] 你好")
        broken = self.sink.on("/broken")[0]["json"]
        self.assertEqual(broken["alerts"][0]["labels"]["alertname"], "T")
        logs = self.daemon.logs()
        self.assertIn("template failed to render", logs)
        self.assertIn("receiver=webhook/broken", logs)
        status, metrics = self.daemon.request("GET", "/metrics")[:2]
        self.assertIn(b'nm_template_render_failures_total{type="webhook",receiver="broken"} 1',
                      metrics)

    def test_verify_renders_the_receiver_template(self):
        receiver = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
                    "metadata": {"name": "v", "labels": {"type": "global"}},
                    "spec": {"webhook": {"url": self.sink.url("/verify"),
                                         "template": "nm.default.subject"}}}
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver})
        self.assertEqual(status, 200, body)
        req = wait_until(lambda: self.sink.on("/verify"), what="verify delivery")[0]
        self.assertEqual(req["body"].decode("utf-8"),
                         "[触发中] Congratulations, your notification configuration is correct!")


if __name__ == "__main__":
    unittest.main()
