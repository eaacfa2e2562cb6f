"""deploy/: `kubectl kustomize` renders the base and the tenant-sidecar overlay offline, with the
hardened Deployment, least-privilege RBAC and Service the README promises; and every object of
deploy/examples loads in the real daemon (file mode) with no diagnostic.
Needs kubectl (rendering) and python3-yaml (parsing what kustomize prints); skipped without them."""

import os
import shutil
import subprocess
import tempfile
import unittest

from nmtest import Daemon, Sink, wait_until

try:
    import yaml
except ImportError:  # python3-yaml (scripts/install-deps.sh installs it with the test packages)
    yaml = None

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEPLOY = os.path.join(ROOT, "deploy")
KINDS = ["NotificationManager", "Config", "Receiver", "Router", "Silence", "InhibitRule"]


def by_kind(docs, kind, name=None):
    found = [d for d in docs if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]
    if len(found) != 1:
        raise AssertionError(f"expected one {kind} {name or ''}, found {len(found)}")
    return found[0]


def container(deployment, name):
    for c in deployment["spec"]["template"]["spec"]["containers"]:
        if c["name"] == name:
            return c
    raise AssertionError(f"no container {name}")


@unittest.skipIf(shutil.which("kubectl") is None, "kubectl is not installed")
@unittest.skipIf(yaml is None, "python3-yaml is not installed")
class KustomizeTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        # deploy/crds is written separately; until it exists, render a copy whose crds folder is
        # an empty kustomization, so the rest of the base is still checked.
        cls.tmp = tempfile.mkdtemp(prefix="nm-kustomize-")
        cls.has_crds = os.path.exists(os.path.join(DEPLOY, "crds", "kustomization.yaml"))
        cls.deploy = DEPLOY
        if not cls.has_crds:
            cls.deploy = os.path.join(cls.tmp, "deploy")
            shutil.copytree(DEPLOY, cls.deploy)
            os.makedirs(os.path.join(cls.deploy, "crds"), exist_ok=True)
            with open(os.path.join(cls.deploy, "crds", "kustomization.yaml"), "w") as f:
                f.write("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                        "resources: []\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def render(self, folder):
        out = subprocess.run(["kubectl", "kustomize", os.path.join(self.deploy, folder)],
                             capture_output=True, text=True, timeout=120,
                             env=dict(os.environ, KUBECACHEDIR=os.path.join(self.tmp, "cache")))
        self.assertEqual(out.returncode, 0, out.stderr)
        return [d for d in yaml.safe_load_all(out.stdout) if d]

    def check_daemon(self, docs):
        ns = "notification-manager"
        by_kind(docs, "Namespace", ns)
        sa = by_kind(docs, "ServiceAccount", "notification-manager")
        self.assertEqual(sa["metadata"]["namespace"], ns)

        role = by_kind(docs, "ClusterRole", "notification-manager")
        rules = {(tuple(r["apiGroups"]), tuple(sorted(r["resources"]))): sorted(r["verbs"])
                 for r in role["rules"]}
        self.assertEqual(rules, {
            (("notification.kubesphere.io",),
             tuple(sorted(["notificationmanagers", "configs", "receivers", "routers",
                           "silences", "inhibitrules"]))): ["get", "list", "watch"],
            (("",), ("configmaps", "namespaces", "secrets")): ["get", "list", "watch"],
            (("",), ("events",)): ["create", "patch"],
        })
        binding = by_kind(docs, "ClusterRoleBinding", "notification-manager")
        self.assertEqual(binding["roleRef"]["name"], "notification-manager")
        self.assertEqual(binding["subjects"], [
            {"kind": "ServiceAccount", "name": "notification-manager", "namespace": ns}])

        dep = by_kind(docs, "Deployment", "notification-manager")
        self.assertEqual(dep["metadata"]["namespace"], ns)
        pod = dep["spec"]["template"]["spec"]
        self.assertEqual(pod["serviceAccountName"], "notification-manager")
        self.assertTrue(pod["securityContext"]["runAsNonRoot"])
        self.assertGreater(pod["securityContext"]["runAsUser"], 0)
        self.assertEqual(pod["securityContext"]["seccompProfile"], {"type": "RuntimeDefault"})
        c = container(dep, "notification-manager")
        sc = c["securityContext"]
        self.assertIs(sc["readOnlyRootFilesystem"], True)
        self.assertIs(sc["allowPrivilegeEscalation"], False)
        self.assertEqual(sc["capabilities"], {"drop": ["ALL"]})
        self.assertEqual(c["ports"], [{"name": "webhook", "containerPort": 19093,
                                       "protocol": "TCP"}])
        self.assertEqual(c["livenessProbe"]["httpGet"], {"path": "/-/live", "port": "webhook"})
        self.assertEqual(c["readinessProbe"]["httpGet"], {"path": "/-/ready", "port": "webhook"})
        env = {e["name"]: e for e in c["env"]}
        self.assertEqual(env["NAMESPACE"]["valueFrom"],
                         {"fieldRef": {"fieldPath": "metadata.namespace"}})
        for k in ("requests", "limits"):
            self.assertIn("cpu", c["resources"][k])
            self.assertIn("memory", c["resources"][k])
        # Kubernetes mode: no directory to read.
        self.assertFalse(any(a.startswith("--config.dir") for a in c.get("args", [])), c["args"])
        labels = dep["spec"]["template"]["metadata"]["labels"]

        svc = by_kind(docs, "Service", "notification-manager-svc")
        self.assertEqual(svc["metadata"]["namespace"], ns)
        self.assertEqual(svc["spec"]["ports"], [{"name": "webhook", "port": 19093,
                                                 "protocol": "TCP", "targetPort": "webhook"}])
        for k, v in svc["spec"]["selector"].items():
            self.assertEqual(labels.get(k), v)

        crds = sorted(d["spec"]["names"]["kind"] for d in docs
                      if d["kind"] == "CustomResourceDefinition")
        if self.has_crds:
            self.assertEqual(crds, sorted(KINDS))
        return dep

    def test_base_renders_the_hardened_daemon(self):
        dep = self.check_daemon(self.render("base"))
        self.assertEqual([c["name"] for c in dep["spec"]["template"]["spec"]["containers"]],
                         ["notification-manager"])

    def test_tenant_sidecar_overlay_adds_the_sidecar(self):
        docs = self.render(os.path.join("overlays", "tenant-sidecar"))
        dep = self.check_daemon(docs)
        side = container(dep, "tenant")
        self.assertEqual(side["image"], "kubesphere/notification-tenant-sidecar:v3.2.0")
        self.assertEqual(side["ports"], [{"name": "tenant", "containerPort": 19094,
                                          "protocol": "TCP"}])
        self.assertEqual(side["readinessProbe"]["httpGet"], {"path": "/readiness",
                                                             "port": "tenant"})
        self.assertEqual(side["livenessProbe"]["httpGet"], {"path": "/liveness", "port": "tenant"})
        self.assertIs(side["securityContext"]["allowPrivilegeEscalation"], False)
        role = by_kind(docs, "ClusterRoleBinding", "notification-manager-tenant-sidecar")
        self.assertEqual(role["subjects"][0]["name"], "notification-manager")


class ExamplesLoadTest(unittest.TestCase):
    """deploy/examples through the real decoder and snapshot builder (the same ones Kubernetes
    mode uses): ready, every kind present, not one warning or error logged."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nm-examples-")
        self.config_dir = os.path.join(self.tmp, "config")
        shutil.copytree(os.path.join(DEPLOY, "examples"), self.config_dir)
        self.sink = Sink()
        self.daemon = None

    def tearDown(self):
        if self.daemon:
            self.daemon.kill()
        self.sink.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_examples_load_without_diagnostics(self):
        names = set()
        for f in os.listdir(self.config_dir):
            with open(os.path.join(self.config_dir, f)) as fh:
                text = fh.read()
            for line in text.splitlines():
                if line.startswith("kind: "):
                    names.add(line.split()[1])
        self.assertEqual(names, set(KINDS) | {"Secret", "ConfigMap"})

        self.daemon = Daemon(self.config_dir)
        def ready():
            status, body = self.daemon.get("/-/ready")
            return body if status == 200 else None
        body = wait_until(ready, 15, what="examples ready")
        self.assertTrue(body["ready"], body)
        logs = self.daemon.logs()
        self.assertIn("receivers=4 configs=4 routers=1 silences=2 inhibit_rules=2", logs)
        self.assertNotIn("level=warn", logs)
        self.assertNotIn("level=error", logs)
        status, receivers = self.daemon.get("/receivers")
        self.assertEqual(status, 200)
        self.assertEqual(sorted(r["key"] for r in receivers),
                         ["dingtalk/demo-dingtalk", "email/demo-email", "email/global-email",
                          "webhook/global-webhook"])
        self.assertTrue(all(r["notifierError"] == "" for r in receivers), receivers)

    def test_verify_request_of_the_readme(self):
        """The README's test notification: POST /api/v2/verify {receiver: <Receiver>}."""
        self.daemon = Daemon(self.config_dir)
        receiver = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
                    "metadata": {"name": "try-webhook", "labels": {"type": "global"}},
                    "spec": {"webhook": {"url": self.sink.url("/verify")}}}
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["Message"], "Verify successfully")
        got = wait_until(lambda: self.sink.alerts_on("/verify"), what="verify notification")
        self.assertEqual(got[0]["labels"]["alertname"], "verify")


if __name__ == "__main__":
    unittest.main()
