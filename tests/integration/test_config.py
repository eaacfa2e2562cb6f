"""Configuration lifecycle through the real binary: startup errors naming file/document/path,
reload on file change and on POST /-/reload, a bad edit refused while the old config delivers,
Secrets resolved from the directory and never shown by the debug endpoints."""

import base64
import time
import unittest

from nmtest import (Daemon, NMTestCase, alert, free_port, nm_manifest, wait_until,
                    webhook_receiver)


class ConfigTest(NMTestCase):

    def test_startup_error_names_file_document_and_path(self):
        self.write("nm.yaml", nm_manifest())
        self.write("bad.yaml", webhook_receiver("ok", self.sink.url("/x"), {"type": "global"})
                   + "---\n" + """apiVersion: notification.kubesphere.io/v2beta2
kind: Router
metadata:
  name: broken
spec:
  alertSelector:
    matchExpressions:
    - key: alertname
      operator: Match
      regexValue: "([unclosed"
  receivers:
    name: [ok]
""")
        d = Daemon(self.config_dir, expect_start=False)
        self.daemon = d
        code = d.proc.wait(15)
        self.assertNotEqual(code, 0)
        logs = d.logs()
        self.assertIn("bad.yaml", logs)
        self.assertIn("document 2", logs)
        self.assertIn("spec.alertSelector.matchExpressions[0].regexValue", logs)

    def test_reload_on_file_change_and_on_api(self):
        self.write("nm.yaml", nm_manifest())
        self.write("a.yaml", webhook_receiver("first", self.sink.url("/first"), {"type": "global"}))
        self.start()
        self.write("b.yaml", webhook_receiver("second", self.sink.url("/second"),
                                              {"type": "global"}))

        def both_receive():
            self.sink.clear()
            self.post_alerts([alert({"alertname": "Reload", "instance": str(time.time())})])
            try:
                wait_until(lambda: self.sink.on("/second"), 1.0)
                return True
            except AssertionError:
                return False
        wait_until(both_receive, 15, interval=0.1, what="watcher to pick up b.yaml")
        # explicit reload endpoint
        status, body = self.daemon.post("/-/reload", {})
        self.assertEqual(status, 200, body)

    def test_bad_edit_is_refused_and_old_config_keeps_delivering(self):
        self.write("nm.yaml", nm_manifest())
        self.write("a.yaml", webhook_receiver("keep", self.sink.url("/keep"), {"type": "global"}))
        self.start()
        self.write("a.yaml", webhook_receiver("keep", self.sink.url("/keep"), {"type": "global"})
                   + "---\nkind: Bogus\napiVersion: v1\nmetadata: {name: x}\n")
        wait_until(lambda: self.daemon.get("/-/ready")[0] == 503 or
                   "Bogus" in str(self.daemon.get("/-/ready")[1]), 15,
                   what="ready to report the refused edit")
        status, body = self.daemon.get("/-/ready")
        self.assertIn("a.yaml", str(body))
        self.assertIn("Bogus", str(body))
        status, body = self.daemon.post("/-/reload", {})
        self.assertGreaterEqual(status, 400)
        self.assertIn("a.yaml", str(body))
        self.post_alerts([alert({"alertname": "StillWorks"})])
        wait_until(lambda: self.sink.alerts_on("/keep"), what="old config delivering")

    def test_only_files_the_loader_reads_trigger_a_rebuild(self):
        self.write("nm.yaml", nm_manifest())
        a = webhook_receiver("first", self.sink.url("/first"), {"type": "global"})
        self.write("a.yaml", a)
        self.start()

        def metric(name):
            _, data, _ = self.daemon.request("GET", "/metrics")
            for line in data.decode().splitlines():
                if line.startswith(name + " "):
                    return float(line.split()[1])
            return 0.0
        success = 'nm_config_reloads_total{result="success"}'
        self.assertEqual(metric(success), 1)
        # A log file written in the directory for longer than the watcher's 2 s max delay: had it
        # counted, a reload would have shown up during this wait.
        log_path = self.write("nm.log", "")
        deadline = time.time() + 2.5
        with open(log_path, "a") as log:
            while time.time() < deadline:
                log.write("level=info msg=line\n")
                log.flush()
                self.assertEqual(metric(success), 1, "a log file write caused a reload")
                self.assertEqual(metric("nm_config_reloads_skipped_total"), 0)
        # the marker: a config file is picked up
        self.write("b.yaml", webhook_receiver("second", self.sink.url("/second"),
                                              {"type": "global"}))
        wait_until(lambda: metric(success) == 2, 15, what="b.yaml to be loaded")
        # rewritten with the same bytes: loaded, fingerprinted, not rebuilt
        self.write("a.yaml", a)
        wait_until(lambda: metric("nm_config_reloads_skipped_total") == 1, 15,
                   what="the unchanged rewrite to be skipped")
        self.assertEqual(metric(success), 2)
        status, body = self.daemon.post("/-/reload", {})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["Message"], "Configuration unchanged")

    def test_secret_credentials_resolved_and_redacted(self):
        secret_token = "s3cr3t-T0ken-value"
        inline_pw = "inline-Pa55word"
        self.write("nm.yaml", nm_manifest())
        self.write("secret.yaml", f"""apiVersion: v1
kind: Secret
metadata:
  name: hook-token
  namespace: default
data:
  token: {base64.b64encode(secret_token.encode()).decode()}
""")
        self.write("r.yaml", webhook_receiver("auth", self.sink.url("/auth"), {"type": "global"},
                                              extra="""    httpConfig:
      bearerToken:
        valueFrom:
          secretKeyRef:
            name: hook-token
            key: token
""") + "---\n" + webhook_receiver("basic", self.sink.url("/basic"), {"type": "global"},
                                  extra=f"""    httpConfig:
      basicAuth:
        username: bob
        password:
          value: {inline_pw}
"""))
        self.start()
        self.post_alerts([alert({"alertname": "Auth"})])
        wait_until(lambda: self.sink.on("/auth") and self.sink.on("/basic"))
        self.assertEqual(self.sink.on("/auth")[0]["headers"]["Authorization"],
                         "Bearer " + secret_token)
        self.assertEqual(self.sink.on("/basic")[0]["headers"]["Authorization"],
                         "Basic " + base64.b64encode(f"bob:{inline_pw}".encode()).decode())
        for path in ("/receivers", "/configs", "/receivers?type=webhook", "/status"):
            status, data, _ = self.daemon.request("GET", path)
            self.assertEqual(status, 200, path)
            self.assertNotIn(secret_token.encode(), data, path)
            self.assertNotIn(inline_pw.encode(), data, path)
        self.assertNotIn(secret_token, self.daemon.logs())
        self.assertNotIn(inline_pw, self.daemon.logs())

    def test_urls_are_shown_without_their_secrets(self):
        password, token, slack = "PASSW0RD-in-url", "T0KEN-in-query", "SLACKSECRET-in-path"
        pw_url = self.sink.url(f"/path?token={token}").replace("http://",
                                                                f"http://user:{password}@")
        slack_url = self.sink.url(f"/services/T1/B2/{slack}")
        self.write("nm.yaml", nm_manifest())
        self.write("r.yaml", webhook_receiver("pw", f'"{pw_url}"', {"type": "global"}) + "---\n"
                   + webhook_receiver("slacklike", f'"{slack_url}"', {"type": "global"}))
        # a failure and its retry log the receiver's outcome
        self.sink.script(f"/path?token={token}", [500])
        self.start()
        self.post_alerts([alert({"alertname": "Secrets"})])
        wait_until(lambda: len(self.sink.on(f"/path?token={token}")) >= 2
                   and self.sink.on(f"/services/T1/B2/{slack}"), what="both receivers reached")
        # the URL was used as configured: curl sent its userinfo as basic auth
        self.assertEqual(self.sink.on(f"/path?token={token}")[-1]["headers"]["Authorization"],
                         "Basic " + base64.b64encode(f"user:{password}".encode()).decode())
        # a verify whose send fails quotes no secret either
        closed = free_port()
        status, body = self.daemon.post("/api/v2/verify", {"receiver": {
            "metadata": {"name": "v"},
            "spec": {"webhook": {"url": f"http://user:{password}@127.0.0.1:{closed}/x?token={token}"}}}})
        self.assertNotEqual(status, 200, body)
        self.assertNotIn(password, str(body))
        self.assertNotIn(token, str(body))
        for path in ("/receivers", "/configs", "/status", "/-/ready"):
            status, data, _ = self.daemon.request("GET", path)
            self.assertEqual(status, 200, path)
            for secret in (password, token, slack):
                self.assertNotIn(secret.encode(), data, path)
        status, data, _ = self.daemon.request("GET", "/receivers")
        self.assertIn(b"user:<redacted>@127.0.0.1", data)  # shown, only without the secrets
        self.assertIn(b"token=<redacted>", data)
        self.assertIn(b"/services/T1/B2/<redacted>", data)
        # logs written up to a later marker line
        self.post_alerts([alert({"alertname": "Marker"})])
        wait_until(lambda: any(a["labels"]["alertname"] == "Marker"
                               for a in self.sink.alerts_on(f"/services/T1/B2/{slack}")))
        self.assertEqual(self.daemon.terminate(), 0)
        logs = self.daemon.logs()
        for secret in (password, token, slack):
            self.assertNotIn(secret, logs)


class ApiTest(NMTestCase):

    def test_verify_and_notifications(self):
        self.write("nm.yaml", nm_manifest())
        self.start()
        receiver = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
                    "metadata": {"name": "try-me", "labels": {"type": "global"}},
                    "spec": {"webhook": {"url": self.sink.url("/verify")}}}
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["Message"], "Verify successfully")
        self.assertEqual(self.sink.alerts_on("/verify")[0]["labels"]["alertname"], "verify")
        # a failing endpoint: the error comes back
        self.sink.script("/verify", [400])
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver})
        self.assertEqual(status, 400)
        self.assertIn("400", body["Message"])
        # neither global nor tenant
        receiver["metadata"]["labels"] = {"foo": "bar"}
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver})
        self.assertEqual(status, 400)
        self.assertIn("tenant", body["Message"])
        receiver["metadata"]["labels"] = {"type": "global"}
        status, body = self.daemon.post("/api/v2/notifications", {
            "receiver": receiver,
            "alert": {"alerts": [alert({"alertname": "Direct"})]}})
        self.assertEqual(status, 200, body)
        self.assertIn("Direct", str(self.sink.alerts_on("/verify")))

    def test_bearer_token_protects_state_changing_endpoints(self):
        self.write("nm.yaml", nm_manifest())
        token_file = self.write("token.txt", "let-me-in\n")
        # token.txt is not YAML: the loader ignores it
        self.start(["--webhook.bearer-token-file", token_file])
        status, _ = self.post_alerts([alert({"alertname": "X"})])
        self.assertEqual(status, 401)
        status, _ = self.daemon.post("/-/reload", {})
        self.assertEqual(status, 401)
        status, _ = self.daemon.post("/api/v2/alerts", {"alerts": [alert({"alertname": "X"})]},
                                     headers={"Authorization": "Bearer let-me-in"})
        self.assertEqual(status, 200)
        self.assertEqual(self.daemon.get("/-/live")[0], 200)

    def test_metrics_exposed(self):
        self.write("nm.yaml", nm_manifest())
        self.write("r.yaml", webhook_receiver("m", self.sink.url("/m"), {"type": "global"}))
        self.start()
        self.post_alerts([alert({"alertname": "M"})])
        wait_until(lambda: self.sink.on("/m"))
        status, data, headers = self.daemon.request("GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertTrue(headers.get("Content-Type", "").startswith("text/plain"))
        text = data.decode()
        wait_until(lambda: 'nm_notifications_total{' in
                   self.daemon.request("GET", "/metrics")[1].decode())
        self.assertIn("nm_alerts_received_total", text)


if __name__ == "__main__":
    unittest.main()
