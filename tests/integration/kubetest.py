"""Harness for Kubernetes-mode integration tests: the fake API server started through
tests/fake_kube/harness.py's FakeKube (the one way to start it; CRDs from deploy/crds), object
builders, and the real daemon started in Kubernetes mode (--kubeconfig or the in-cluster
environment). Stdlib only."""

import os
import subprocess
import sys
import unittest

import nmtest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FAKE_DIR = os.path.join(REPO, "tests", "fake_kube")
CRDS = os.path.join(REPO, "deploy", "crds")
GROUP = "/apis/notification.kubesphere.io/v2beta2"
API_VERSION = "notification.kubesphere.io/v2beta2"

sys.path.insert(0, FAKE_DIR)
from harness import FakeKube  # noqa: E402,F401  (re-exported)


def require_fake():
    if not os.path.exists(os.path.join(FAKE_DIR, "apiserver.py")) or not os.path.isdir(CRDS):
        raise unittest.SkipTest(f"needs the fake API server ({FAKE_DIR}) and the CRDs ({CRDS})")


def start_fake(tokens=("t1",), tls=False):
    """A FakeKube whose requests need a bearer token (the first of `tokens`, also in its
    kubeconfig), so tests can check the daemon authenticates; tls=True serves HTTPS with a CA
    at fake.path("ca.crt")."""
    return FakeKube(tls=tls, tokens=tokens)


def notification_manager(extra_spec=None):
    spec = {"receivers": {"tenantKey": "namespace",
                          "globalReceiverSelector": {"matchLabels": {"type": "global"}},
                          "tenantReceiverSelector": {"matchLabels": {"type": "tenant"}}},
            "batchMaxSize": 100, "batchMaxWait": "50ms",
            "groupLabels": ["alertname", "namespace"]}
    spec.update(extra_spec or {})
    return {"apiVersion": API_VERSION, "kind": "NotificationManager",
            "metadata": {"name": "notification-manager"}, "spec": spec}


def webhook_receiver(name, url, webhook_extra=None):
    webhook = {"enabled": True, "url": url}
    webhook.update(webhook_extra or {})
    return {"apiVersion": API_VERSION, "kind": "Receiver",
            "metadata": {"name": name, "labels": {"type": "global"}},
            "spec": {"webhook": webhook}}


class KubeDaemon(nmtest.Daemon):
    """The real binary in Kubernetes mode: `args` pick the source (--kubeconfig ...), `env` adds
    to the environment (KUBERNETES_SERVICE_HOST, NM_SERVICEACCOUNT_DIR, NAMESPACE)."""

    def __init__(self, log_dir, args, env=None, expect_start=True):
        self.config_dir = log_dir
        self.log_path = os.path.join(log_dir, "daemon.log")
        self.log = open(self.log_path, "wb")
        e = {k: v for k, v in os.environ.items()
             if k not in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT")}
        e.update(env or {})
        cmd = [nmtest.BINARY, "--webhook.address", "127.0.0.1:0", "--log.level", "debug", *args]
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=e)
        self.port = None
        if expect_start:
            self.port = nmtest.wait_until(self._port, 40, what="daemon to listen")
            nmtest.wait_until(self._live, 10, what="daemon live")

    def snapshot_version(self):
        status, body = self.get("/-/ready")
        if isinstance(body, dict):
            for k in ("snapshotVersion", "snapshot_version", "version"):
                if k in body:
                    return body[k]
        return None
