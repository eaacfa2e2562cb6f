# Test-side handle on the fake API server, the one way tests and benchmarks start it: runs
# apiserver.py (optionally HTTPS with an openssl CA, tokens, client certificates), writes
# kubeconfigs, runs the real kubectl, creates/patches/deletes objects, calls /_fake/.
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CRDS = os.path.join(ROOT, "deploy", "crds")
KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certs(directory):
    """ca.crt/key, server.crt/key (127.0.0.1, localhost) and client.crt/key (CN admin)."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
            "-subj", "/CN=fake-kube-ca", cwd=directory)
    for name, ext in (("server", "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                 "extendedKeyUsage=serverAuth\n"),
                      ("client", "extendedKeyUsage=clientAuth\n")):
        with open(os.path.join(directory, name + ".ext"), "w") as f:
            f.write(ext)
        openssl("req", *ec, "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=" + ("fake-kube-apiserver" if name == "server" else "admin"),
                cwd=directory)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", name + ".crt", "-days", "2", "-extfile",
                name + ".ext", cwd=directory)


class FakeKube:
    """with FakeKube(tls=True, tokens=["t"]) as k: k.kubectl("get", "nr")"""

    def __init__(self, tls=False, tokens=(), client_ca=False, crds=CRDS):
        self.dir = tempfile.mkdtemp(prefix="fake-kube-")
        self.tls, self.tokens, self.client_ca = tls, list(tokens), client_ca
        args = [sys.executable, os.path.join(HERE, "apiserver.py"), "--crds", crds,
                "--port", "0", "--port-file", os.path.join(self.dir, "port")]
        if tls:
            make_certs(self.dir)
            args += ["--tls-cert", self.path("server.crt"), "--tls-key", self.path("server.key")]
            if client_ca:
                args += ["--client-ca", self.path("ca.crt")]
        for t in self.tokens:
            args += ["--token", t]
        self.log = open(self.path("apiserver.log"), "w")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while not os.path.exists(self.path("port")):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("fake apiserver did not start: " + open(
                    self.path("apiserver.log")).read())
            time.sleep(0.02)
        self.port = int(open(self.path("port")).read())
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        # The token request() sends; a test that rotates the fake's tokens sets it too.
        self.token = self.tokens[0] if self.tokens else None
        self.kubeconfig = self.write_kubeconfig(token=self.token)

    def path(self, name):
        return os.path.join(self.dir, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def logs(self):
        with open(self.path("apiserver.log"), errors="replace") as f:
            return f.read()

    def stop(self):
        if self.log.closed:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def write_kubeconfig(self, token=None, cert=False, name="kubeconfig", token_file=None):
        cluster = {"server": self.url}
        if self.tls:
            cluster["certificate-authority"] = self.path("ca.crt")
        user = {}
        if token:
            user["token"] = token
        if token_file:
            user["tokenFile"] = token_file
        if cert:
            user["client-certificate"] = self.path("client.crt")
            user["client-key"] = self.path("client.key")
        cfg = {"apiVersion": "v1", "kind": "Config", "current-context": "fake",
               "clusters": [{"name": "fake", "cluster": cluster}],
               "users": [{"name": "user", "user": user}],
               "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "user"}}]}
        p = self.path(name)
        with open(p, "w") as f:
            json.dump(cfg, f)  # JSON is YAML
        return p

    def kubectl(self, *args, kubeconfig=None, stdin=None, timeout=60):
        """CompletedProcess of the real kubectl with this fake's kubeconfig and cache dir."""
        cmd = [KUBECTL, "--kubeconfig", kubeconfig or self.kubeconfig,
               "--cache-dir", self.path("kube-cache"), *args]
        return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=timeout)

    def kubectl_popen(self, *args):
        cmd = [KUBECTL, "--kubeconfig", self.kubeconfig, "--cache-dir",
               self.path("kube-cache"), *args]
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    # --- raw HTTP -------------------------------------------------------------------------------
    def ssl_context(self, cert=False):
        if not self.tls:
            return None
        ctx = ssl.create_default_context(cafile=self.path("ca.crt"))
        if cert:
            ctx.load_cert_chain(self.path("client.crt"), self.path("client.key"))
        return ctx

    def request(self, method, path, body=None, content_type="application/json", token=None,
                accept="application/json", timeout=30):
        """(status, parsed JSON body) of one request; errors are answers too."""
        data = None if body is None else (body if isinstance(body, bytes) else
                                          json.dumps(body).encode())
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Accept", accept)
        if data is not None:
            req.add_header("Content-Type", content_type)
        tok = token if token is not None else self.token
        if tok:
            req.add_header("Authorization", "Bearer " + tok)
        try:
            with urllib.request.urlopen(req, timeout=timeout, context=self.ssl_context()) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def control(self, name, body=None):
        status, out = self.request("POST" if body is not None or name in (
            "compact", "cut-watches") else "GET", "/_fake/" + name,
            body if body is not None else (b"" if name in ("compact", "cut-watches") else None))
        assert status == 200, (name, status, out)
        return out

    # --- objects: the answer's body, or AssertionError naming the request and the Status -------
    def ok(self, method, path, body=None, content_type="application/json"):
        status, obj = self.request(method, path, body, content_type)
        if status >= 300:
            raise AssertionError(f"{method} {path} answered {status}: {obj}")
        return obj

    def create(self, collection, obj):
        return self.ok("POST", collection, obj)

    def merge_patch(self, path, patch):
        return self.ok("PATCH", path, patch, "application/merge-patch+json")

    def delete(self, path):
        return self.ok("DELETE", path)
