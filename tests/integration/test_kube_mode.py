"""Kubernetes mode through the real binary against the fake API server (tests/fake_kube): a
Receiver created, edited and deleted, a rotated Secret, an edited template ConfigMap, watches
cut and compacted, 401 then a fixed token, in-cluster configuration over HTTPS with the token file
replaced, an invalid object skipped (with its Event) while the others deliver."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

import kubetest
import nmtest
from kubetest import GROUP, KubeDaemon

kubetest.require_fake()

RECEIVERS = GROUP + "/receivers"
WAIT = 20  # seconds: every change must apply well within this (target: under a second)


class KubeModeCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nm-kube-")
        self.sink = nmtest.Sink()
        self.fake = None
        self.daemon = None
        self.alert_n = 0

    def tearDown(self):
        failed = any(e[1] for e in (getattr(self._outcome.result, "errors", []) +
                                    getattr(self._outcome.result, "failures", [])))
        if self.daemon:
            self.daemon.kill()
            if failed:
                print("---- daemon log ----\n" + self.daemon.logs()[-8000:])
        if self.fake:
            if failed:
                print("---- fake API server log ----\n" + self.fake.logs()[-4000:])
            self.fake.stop()
        self.sink.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start_fake(self, **kw):
        self.fake = kubetest.start_fake(**kw)
        return self.fake

    def start_daemon(self, token_file=None, extra_env=None):
        kc = self.fake.kubeconfig if not token_file else self.fake.write_kubeconfig(
            token_file=token_file, name="kubeconfig-token-file")
        env = {"NAMESPACE": "default"}
        env.update(extra_env or {})
        self.daemon = KubeDaemon(self.tmp, ["--kubeconfig", kc], env)
        return self.daemon

    def version(self):
        return self.daemon.get("/status")[1]["snapshotVersion"]

    def wait_rebuilt_after(self, before, what):
        nmtest.wait_until(lambda: self.version() > before, WAIT, what=what)

    def send(self):
        """Posts one new alert and returns its alertname (the marker to look for)."""
        self.alert_n += 1
        name = f"kube-{self.alert_n}"
        status, _ = self.daemon.post("/api/v2/alerts", nmtest.am_webhook(
            [nmtest.alert({"alertname": name, "namespace": "default"})]))
        self.assertEqual(status, 200)
        return name

    def delivered(self, path, name):
        return any(a["labels"].get("alertname") == name for a in self.sink.alerts_on(path))

    def wait_delivered(self, path, name):
        nmtest.wait_until(lambda: self.delivered(path, name), WAIT,
                          what=f"alert {name} at {path}")

    def base(self, receivers=()):
        self.fake.create(GROUP + "/notificationmanagers", kubetest.notification_manager())
        for r in receivers:
            self.fake.create(RECEIVERS, r)


class ReceiverLifecycleTest(KubeModeCase):
    def test_created_edited_deleted(self):
        self.start_fake()
        self.base([kubetest.webhook_receiver("marker", self.sink.url("/marker"))])
        self.start_daemon()
        self.assertIn("cluster:" + self.fake.url,
                      self.daemon.get("/status")[1]["snapshotSource"])
        v = self.version()
        self.fake.create(RECEIVERS, kubetest.webhook_receiver("team", self.sink.url("/a")))
        self.wait_rebuilt_after(v, "a snapshot with the created Receiver")
        self.wait_delivered("/a", self.send())

        v = self.version()
        self.fake.merge_patch(RECEIVERS + "/team", {"spec": {"webhook": {"url": self.sink.url("/b")}}})
        self.wait_rebuilt_after(v, "a snapshot with the edited Receiver")
        name = self.send()
        self.wait_delivered("/b", name)
        self.assertFalse(self.delivered("/a", name))

        v = self.version()
        self.fake.delete(RECEIVERS + "/team")
        self.wait_rebuilt_after(v, "a snapshot without the deleted Receiver")
        name = self.send()
        self.wait_delivered("/marker", name)
        self.daemon.wait_settled()
        self.assertFalse(self.delivered("/b", name))
        # The reflectors list with pagination and watch with bookmarks and a timeout.
        reqs = [r for r in self.fake.control("requests") if r["path"] == RECEIVERS]
        self.assertTrue(any("limit=500" in r["query"] for r in reqs), reqs)
        watches = [r["query"] for r in reqs if "watch=true" in r["query"]]
        self.assertTrue(watches)
        self.assertIn("allowWatchBookmarks=true", watches[0])
        self.assertIn("timeoutSeconds=", watches[0])
        self.assertTrue(all(r["auth"] == "bearer" for r in reqs))

    def test_burst_of_changes_builds_few_snapshots(self):
        self.start_fake()
        self.base([kubetest.webhook_receiver("marker", self.sink.url("/marker"))])
        self.start_daemon()
        n = int(os.environ.get("NM_KUBE_BURST", "100"))
        v = self.version()
        for i in range(n):
            self.fake.create(RECEIVERS, kubetest.webhook_receiver(f"r{i}", self.sink.url(f"/r{i}")))
        # Every receiver in the running snapshot (the reload log counts them; an alert would fan
        # out to all of them and only measure the sink).
        nmtest.wait_until(lambda: self._receivers() == n + 1, WAIT * 3, interval=0.2,
                          what=f"a snapshot with all {n + 1} receivers")
        built = self.version() - v
        print(f"{n} Receivers created one by one: {built} snapshots built")
        self.assertLess(built, 40, f"{n} changes must coalesce into few snapshots")

    def _receivers(self):
        counts = re.findall(r'msg="configuration reloaded".* receivers=(\d+)', self.daemon.logs())
        return int(counts[-1]) if counts else 0


class SecretRotationTest(KubeModeCase):
    def test_rotated_bearer_token_is_sent_next(self):
        self.start_fake()
        self.fake.create("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                                "metadata": {"name": "secrets"}})
        secrets = "/api/v1/namespaces/secrets/secrets"
        self.fake.create(secrets, {"apiVersion": "v1", "kind": "Secret",
                                   "metadata": {"name": "hook", "namespace": "secrets"},
                                   "stringData": {"token": "first"}})
        # An unreferenced Secret in the same namespace is not kept.
        self.fake.create(secrets, {"apiVersion": "v1", "kind": "Secret",
                                   "metadata": {"name": "other", "namespace": "secrets"},
                                   "stringData": {"x": "y"}})
        cred = {"valueFrom": {"secretKeyRef": {"namespace": "secrets", "name": "hook",
                                               "key": "token"}}}
        self.base([kubetest.webhook_receiver("hook", self.sink.url("/h"),
                                             {"httpConfig": {"bearerToken": cred}})])
        self.start_daemon()
        name = self.send()
        self.wait_delivered("/h", name)
        first = [r for r in self.sink.on("/h")][-1]["headers"].get("Authorization")
        self.assertEqual(first, "Bearer first")

        v = self.version()
        self.fake.merge_patch(secrets + "/hook", {"stringData": {"token": "second"}})
        self.wait_rebuilt_after(v, "a snapshot with the rotated Secret")
        name = self.send()
        self.wait_delivered("/h", name)
        last = [r for r in self.sink.on("/h")
                if any(a["labels"]["alertname"] == name for a in r["json"]["alerts"])][-1]
        self.assertEqual(last["headers"].get("Authorization"), "Bearer second")
        # Secrets are watched in their namespace only.
        qs = [r for r in self.fake.control("requests")
              if "secrets" in r["path"] and r["userAgent"].startswith("notification-manager")]
        self.assertTrue(qs)
        self.assertTrue(all(r["path"] == secrets for r in qs), qs)


class WatchRecoveryTest(KubeModeCase):
    def test_cut_and_compacted_watch_misses_no_update(self):
        self.start_fake()
        self.base([kubetest.webhook_receiver("team", self.sink.url("/a"))])
        self.start_daemon()
        self.wait_delivered("/a", self.send())
        lists_before = self._lists()
        v = self.version()
        # While the daemon is disconnected: a change, then a compaction that makes its
        # resourceVersion too old.
        self.fake.control("config", {"delayMs": 1500})
        self.fake.control("cut-watches")
        self.fake.merge_patch(RECEIVERS + "/team", {"spec": {"webhook": {"url": self.sink.url("/c")}}})
        self.fake.control("compact")
        self.fake.control("config", {"delayMs": 0})
        self.wait_rebuilt_after(v, "the change made while disconnected")
        self.wait_delivered("/c", self.send())
        nmtest.wait_until(lambda: self._lists() > lists_before, WAIT, what="a relist after 410")

    def _lists(self):
        return sum(1 for r in self.fake.control("requests")
                   if r["path"] == RECEIVERS and "watch=true" not in r["query"]
                   and r["method"] == "GET")

    def test_unauthorized_then_token_fixed(self):
        self.start_fake(tokens=("good",))
        self.base([kubetest.webhook_receiver("team", self.sink.url("/a"))])
        token_file = os.path.join(self.tmp, "token")
        with open(token_file, "w") as f:
            f.write("good\n")
        self.start_daemon(token_file=token_file)
        self.wait_delivered("/a", self.send())
        v = self.version()
        self.fake.control("config", {"tokens": ["rotated"]})
        self.fake.control("cut-watches")
        nmtest.wait_until(lambda: "check the ServiceAccount's RBAC / token" in self.daemon.logs(),
                          WAIT, what="the 401 reported")
        self.fake.token = "rotated"
        self.fake.merge_patch(RECEIVERS + "/team", {"spec": {"webhook": {"url": self.sink.url("/d")}}})
        tmp = token_file + ".new"
        with open(tmp, "w") as f:
            f.write("rotated\n")
        os.replace(tmp, token_file)
        self.wait_rebuilt_after(v, "recovery after the token was fixed")
        self.wait_delivered("/d", self.send())


class InClusterTest(KubeModeCase):
    def test_token_file_and_ca_written_by_the_test(self):
        if not shutil.which("openssl"):
            self.skipTest("needs the openssl CLI to make certificates")
        self.start_fake(tokens=("sa-1",), tls=True)
        self.base([kubetest.webhook_receiver("team", self.sink.url("/a"))])
        sa = os.path.join(self.tmp, "sa")
        os.makedirs(sa)
        shutil.copy(self.fake.path("ca.crt"), os.path.join(sa, "ca.crt"))
        with open(os.path.join(sa, "token"), "w") as f:
            f.write("sa-1")
        with open(os.path.join(sa, "namespace"), "w") as f:
            f.write("default")
        self.daemon = KubeDaemon(self.tmp, [], {
            "KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": str(self.fake.port),
            "NM_SERVICEACCOUNT_DIR": sa})
        self.assertEqual(self.daemon.get("/status")[1]["snapshotSource"],
                         f"cluster:https://127.0.0.1:{self.fake.port}")
        self.wait_delivered("/a", self.send())
        # The kubelet rotates the projected token: a new file replaces the old one.
        v = self.version()
        self.fake.control("config", {"tokens": ["sa-2"]})
        self.fake.token = "sa-2"
        tmp = os.path.join(sa, "token.new")
        with open(tmp, "w") as f:
            f.write("sa-2")
        os.replace(tmp, os.path.join(sa, "token"))
        self.fake.control("cut-watches")
        self.fake.merge_patch(RECEIVERS + "/team", {"spec": {"webhook": {"url": self.sink.url("/e")}}})
        self.wait_rebuilt_after(v, "the change seen with the rotated token")
        self.wait_delivered("/e", self.send())


def config_map(name, data):
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": "default"}, "data": data}


def body_template(version):
    return ('{{ define "it.body" }}body-%s {{ range .Alerts }}{{ .Labels.alertname }};'
            '{{ end }}{{ end }}' % version)


def receiver_template(version):
    return ('{{ define "it.rcv" }}rcv-%s {{ range .Alerts }}{{ .Labels.alertname }};'
            '{{ end }}{{ end }}' % version)


class TemplateConfigMapTest(KubeModeCase):
    """The NotificationManager's template ConfigMap (spec.template.text) and a Receiver's own
    (tmplText), edited through the API: the next message is rendered with the new text."""

    CMS = "/api/v1/namespaces/default/configmaps"

    def test_edited_template_changes_the_next_message(self):
        self.start_fake()
        self.fake.create(self.CMS, config_map("nm-template", {"template": body_template("v1")}))
        self.fake.create(self.CMS, config_map("rcv-template", {"t": receiver_template("v1")}))
        self.fake.create(GROUP + "/notificationmanagers", kubetest.notification_manager({
            "template": {"text": {"name": "nm-template", "namespace": "default",
                                  "key": "template"}}}))
        self.fake.create(RECEIVERS, kubetest.webhook_receiver(
            "body", self.sink.url("/body"), {"template": "it.body"}))
        self.fake.create(RECEIVERS, kubetest.webhook_receiver(
            "rcv", self.sink.url("/rcv"), {"template": "it.rcv",
                                           "tmplText": {"name": "rcv-template",
                                                        "namespace": "default"}}))
        self.start_daemon()
        name = self.send()
        self.assertEqual(self.text_of("/body", name), f"body-v1 {name};")
        self.assertEqual(self.text_of("/rcv", name), f"rcv-v1 {name};")

        v = self.version()
        self.fake.merge_patch(self.CMS + "/nm-template", {"data": {"template": body_template("v2")}})
        self.wait_rebuilt_after(v, "a snapshot with the edited NotificationManager template")
        name = self.send()
        self.assertEqual(self.text_of("/body", name), f"body-v2 {name};")
        self.assertEqual(self.text_of("/rcv", name), f"rcv-v1 {name};")

        v = self.version()
        self.fake.merge_patch(self.CMS + "/rcv-template", {"data": {"t": receiver_template("v3")}})
        self.wait_rebuilt_after(v, "a snapshot with the edited Receiver template")
        name = self.send()
        self.assertEqual(self.text_of("/rcv", name), f"rcv-v3 {name};")
        self.assertEqual(self.text_of("/body", name), f"body-v2 {name};")

    def text_of(self, path, name):
        """The body of the request to `path` that carries alert `name` (waited for)."""
        def find():
            for r in self.sink.on(path):
                text = r["body"].decode("utf-8")
                if name + ";" in text:
                    return text
            return None
        return nmtest.wait_until(find, WAIT, what=f"a message about {name} at {path}")


class InvalidObjectTest(KubeModeCase):
    def test_invalid_receiver_is_skipped_and_reported(self):
        self.start_fake()
        self.base([kubetest.webhook_receiver("good", self.sink.url("/good"))])
        self.start_daemon()
        v = self.version()
        bad = kubetest.webhook_receiver("bad", self.sink.url("/bad"), {"alertSelector": {
            "matchExpressions": [{"key": "alertname", "operator": "Match", "regexValue": "(["}]}})
        self.fake.create(RECEIVERS, bad)
        self.fake.merge_patch(RECEIVERS + "/good", {"spec": {"webhook": {"url": self.sink.url("/g2")}}})
        self.wait_rebuilt_after(v, "a snapshot built without the invalid Receiver")
        self.wait_delivered("/g2", self.send())
        self.assertIn("Receiver bad", self.daemon.logs())

        def event():
            status, lst = self.fake.request("GET", "/api/v1/namespaces/default/events")
            for e in (lst.get("items", []) if status == 200 else []):
                if e["involvedObject"]["name"] == "bad" and e["reason"] == "InvalidResource":
                    return e
            return None

        e = nmtest.wait_until(event, WAIT, what="a Warning Event on Receiver bad")
        self.assertEqual(e["type"], "Warning")
        self.assertIn("regexValue", e["message"])


class FlagsTest(unittest.TestCase):
    def run_binary(self, args, env):
        e = {k: v for k, v in os.environ.items()
             if k not in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT")}
        e.update(env)
        return subprocess.run([nmtest.BINARY, "--webhook.address", "127.0.0.1:0", *args], env=e,
                              capture_output=True, text=True, timeout=30)

    def test_no_source_says_what_is_needed(self):
        r = self.run_binary([], {})
        self.assertEqual(r.returncode, 2)
        out = r.stdout + r.stderr
        for word in ("--config.dir", "--kubeconfig", "KUBECONFIG", "KUBERNETES_SERVICE_HOST"):
            self.assertIn(word, out)

    def test_both_sources_conflict(self):
        r = self.run_binary(["--config.dir", "/tmp", "--kubeconfig", "/nonexistent"], {})
        self.assertEqual(r.returncode, 2)
        self.assertIn("--config.dir and --kubeconfig are both given", r.stdout + r.stderr)

    def test_bad_kubeconfig_names_file_and_field(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write("current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n"
                    "clusters: [{name: c, cluster: {}}]\n")
            f.flush()
            r = self.run_binary([], {"KUBECONFIG": f.name})
        self.assertEqual(r.returncode, 2)
        self.assertIn(f.name + ": clusters[c].cluster.server: required field is missing",
                      r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
