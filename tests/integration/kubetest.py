"""Harness for Kubernetes-mode integration tests: the fake API server (tests/fake_kube, CRDs from
deploy/crds) as a subprocess, HTTP helpers to create/patch/delete objects in it, and the real
daemon started in Kubernetes mode (--kubeconfig or the in-cluster environment). Stdlib only."""

import http.client
import json
import os
import ssl
import subprocess
import sys
import unittest

import nmtest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FAKE = os.path.join(REPO, "tests", "fake_kube", "apiserver.py")
CRDS = os.path.join(REPO, "deploy", "crds")
GROUP = "/apis/notification.kubesphere.io/v2beta2"
API_VERSION = "notification.kubesphere.io/v2beta2"


def require_fake():
    if not os.path.exists(FAKE) or not os.path.isdir(CRDS):
        raise unittest.SkipTest(f"needs the fake API server ({FAKE}) and the CRDs ({CRDS})")


class FakeApi:
    """tests/fake_kube/apiserver.py on a random port; `tls` = (cert, key) serves HTTPS."""

    def __init__(self, tmp, tokens=("t1",), tls=None):
        self.tmp = tmp
        self.tls = tls
        port_file = os.path.join(tmp, "fake.port")
        self.log_path = os.path.join(tmp, "fake.log")
        self.log = open(self.log_path, "wb")
        args = [sys.executable, FAKE, "--crds", CRDS, "--port", "0", "--port-file", port_file]
        for t in tokens:
            args += ["--token", t]
        if tls:
            args += ["--tls-cert", tls[0], "--tls-key", tls[1]]
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)

        def port():
            if self.proc.poll() is not None:
                raise AssertionError("fake API server exited:\n" + self.logs())
            try:
                with open(port_file) as f:
                    return int(f.read().strip())
            except (OSError, ValueError):
                return None

        self.port = nmtest.wait_until(port, 15, what="fake API server to listen")
        self.scheme = "https" if tls else "http"
        self.server = f"{self.scheme}://127.0.0.1:{self.port}"
        self.token = tokens[0] if tokens else ""

    def logs(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def request(self, method, path, body=None, content_type="application/json"):
        if self.tls:
            ctx = ssl.create_default_context(cafile=self.tls[2])
            conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=10, context=ctx)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            headers = {"Content-Type": content_type, "Accept": "application/json"}
            if self.token:
                headers["Authorization"] = "Bearer " + self.token
            data = json.dumps(body).encode() if body is not None else None
            conn.request(method, path, body=data, headers=headers)
            r = conn.getresponse()
            text = r.read()
            try:
                return r.status, json.loads(text)
            except ValueError:
                return r.status, text
        finally:
            conn.close()

    def ok(self, method, path, body=None, content_type="application/json"):
        status, obj = self.request(method, path, body, content_type)
        if status >= 300:
            raise AssertionError(f"{method} {path} answered {status}: {obj}")
        return obj

    def control(self, what, body=None):
        return self.ok("POST" if what != "requests" and what != "watchers" else "GET",
                       "/_fake/" + what, body if body is not None else {})

    # Objects.
    def create(self, collection, obj):
        return self.ok("POST", collection, obj)

    def merge_patch(self, path, patch):
        return self.ok("PATCH", path, patch, "application/merge-patch+json")

    def delete(self, path):
        return self.ok("DELETE", path)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


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


def write_kubeconfig(path, server, token=None, token_file=None, ca_file=None):
    user = {}
    if token:
        user["token"] = token
    if token_file:
        user["tokenFile"] = token_file
    cluster = {"server": server}
    if ca_file:
        cluster["certificate-authority"] = ca_file
    cfg = {"apiVersion": "v1", "kind": "Config", "current-context": "test",
           "contexts": [{"name": "test", "context": {"cluster": "fake", "user": "me"}}],
           "clusters": [{"name": "fake", "cluster": cluster}],
           "users": [{"name": "me", "user": user}]}
    with open(path, "w") as f:
        json.dump(cfg, f)  # JSON is YAML
    return path


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
