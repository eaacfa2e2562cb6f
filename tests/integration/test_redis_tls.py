"""rediss:// (issue #12): the Redis queue over TLS against the real redis-server with a CA, server
and client certificates made by the openssl CLI in a temp dir (random TLS port, stopped by PID).
Shows: with the CA alerts are delivered end to end; without it, or with a host the certificate
does not name, the daemon exits 2 saying certificate verify failed and naming the flag (as for a
wrong password); --store.redis.tls-insecure-skip-verify works; a client certificate the server
requires works when given and is named when missing.
Skips when redis-server or openssl is not installed."""

import os
import shutil
import socket
import ssl
import subprocess
import unittest

from nmtest import (BINARY, Daemon, NMTestCase, alert, am_webhook, free_port, nm_manifest,
                    wait_until, webhook_receiver)

REDIS = shutil.which("redis-server")
OPENSSL = shutil.which("openssl")


def openssl(*args, cwd):
    subprocess.run([OPENSSL, *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_pki(dir):
    """ca.crt; server.crt naming only DNS:localhost; client.crt for clientAuth; keys beside."""
    os.makedirs(dir, exist_ok=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
            "-subj", "/CN=nm test CA", cwd=dir)
    for name, ext in (("server", "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n"),
                      ("client", "extendedKeyUsage=clientAuth\n")):
        with open(os.path.join(dir, name + ".ext"), "w") as f:
            f.write(ext)
        openssl("req", *ec, "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=" + ("localhost" if name == "server" else "nm-client"), cwd=dir)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext",
                cwd=dir)
    return {n: os.path.join(dir, n) for n in
            ("ca.crt", "server.crt", "server.key", "client.crt", "client.key")}


class TlsRedis:
    """redis-server with only a TLS port on 127.0.0.1, its files in `dir`, stopped by its PID."""

    def __init__(self, dir, pki, auth_clients):
        self.dir, self.pki, self.port = dir, pki, free_port()
        os.makedirs(dir, exist_ok=True)
        self.log = open(os.path.join(dir, "redis.log"), "ab")
        self.proc = subprocess.Popen(
            [REDIS, "--port", "0", "--tls-port", str(self.port), "--bind", "127.0.0.1",
             "--tls-cert-file", pki["server.crt"], "--tls-key-file", pki["server.key"],
             "--tls-ca-cert-file", pki["ca.crt"], "--tls-auth-clients", auth_clients,
             "--save", "", "--appendonly", "no", "--dir", dir],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(self._up, 10, what="redis-server to answer PING over TLS")

    def _up(self):
        if self.proc.poll() is not None:
            raise AssertionError("redis-server exited early")
        try:
            return self.cmd("PING") == b"+PONG"
        except (OSError, ssl.SSLError):
            return False

    def cmd(self, *args):
        """One command over TLS with the client certificate; the raw first reply line."""
        ctx = ssl.create_default_context(cafile=self.pki["ca.crt"])
        ctx.load_cert_chain(self.pki["client.crt"], self.pki["client.key"])
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                out = b"*%d\r\n" % len(args)
                for a in args:
                    a = str(a).encode()
                    out += b"$%d\r\n%s\r\n" % (len(a), a)
                s.sendall(out)
                return s.makefile("rb").readline().rstrip(b"\r\n")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.log.close()


@unittest.skipUnless(REDIS and OPENSSL, "redis-server or openssl is not installed")
class RedisTlsTest(NMTestCase):

    @classmethod
    def setUpClass(cls):
        cls.pki_dir = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"nm-it-pki-{os.getpid()}")
        cls.pki = make_pki(cls.pki_dir)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.pki_dir, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.redis = None
        self.write("nm.yaml", nm_manifest(batch_max_wait="50ms"))
        self.write("r.yaml", webhook_receiver("g", self.sink.url("/g"), {"type": "global"}))

    def tearDown(self):
        if self.daemon:
            self.daemon.kill()
        if self.redis:
            self.redis.stop()
        super().tearDown()

    def args(self, host, *extra):
        return ["--store.type", "redis", "--store.redis.url",
                f"rediss://{host}:{self.redis.port}", *extra]

    def refused(self, args):
        """Runs the daemon expecting exit 2; its output."""
        p = subprocess.run([BINARY, "--config.dir", self.config_dir, "--webhook.address",
                            "127.0.0.1:0", *args], capture_output=True, text=True, timeout=30)
        out = p.stderr + p.stdout
        self.assertEqual(p.returncode, 2, out)
        return out

    def delivers(self, args, name):
        self.daemon = Daemon(self.config_dir, args)
        status, body, _ = self.daemon.request(
            "POST", "/api/v2/alerts", am_webhook([alert({"alertname": name, "namespace": "ns"})]))
        self.assertEqual(status, 200, body)
        wait_until(lambda: name in {a["labels"]["alertname"] for a in self.sink.alerts_on("/g")},
                   30, what=f"{name} delivered over rediss://")
        status, body = self.daemon.get("/-/ready")
        self.assertEqual(status, 200, body)
        wait_until(lambda: self.redis.cmd("XLEN", "nm:alerts") == b":0", 15,
                   what="the entry acked and deleted over rediss://")
        self.daemon.kill()
        self.daemon = None

    def test_verified_delivery_and_what_verification_refuses(self):
        self.redis = TlsRedis(os.path.join(self.tmp, "redis"), self.pki, "no")
        ca = ["--store.redis.tls-ca", self.pki["ca.crt"]]

        # With the CA: delivered end to end, the entry acked and deleted.
        self.delivers(self.args("localhost", *ca), "OverTls")

        # Without the CA (the system store does not know it): exit 2, saying why.
        out = self.refused(self.args("localhost"))
        self.assertIn("--store.redis.url", out)
        self.assertIn("certificate verify failed", out)
        self.assertIn("--store.redis.tls-ca", out)

        # A host the certificate does not name (it names DNS:localhost only).
        out = self.refused(self.args("127.0.0.1", *ca))
        self.assertIn("certificate verify failed", out)
        self.assertIn("mismatch", out)

        # Verification off: works without the CA and with the other host.
        self.delivers(self.args("127.0.0.1", "--store.redis.tls-insecure-skip-verify"),
                      "Unverified")

        # A plain redis:// URL with TLS flags is a contradiction, named.
        out = self.refused(["--store.type", "redis", "--store.redis.url",
                            f"redis://localhost:{self.redis.port}", *ca])
        self.assertIn("--store.redis.tls-ca: TLS flags need a rediss://", out)

    def test_client_certificate_required_by_the_server(self):
        self.redis = TlsRedis(os.path.join(self.tmp, "redis"), self.pki, "yes")
        ca = ["--store.redis.tls-ca", self.pki["ca.crt"]]
        self.delivers(self.args("localhost", *ca, "--store.redis.tls-cert", self.pki["client.crt"],
                                "--store.redis.tls-key", self.pki["client.key"]), "WithCert")

        # Without it the server ends the session: exit 2 with the TLS alert, not a retry loop.
        out = self.refused(self.args("localhost", *ca))
        self.assertIn("--store.redis.url", out)
        self.assertIn("certificate required", out)

        # A key that does not belong to the certificate is named before any connection.
        out = self.refused(self.args("localhost", *ca, "--store.redis.tls-cert",
                                     self.pki["client.crt"], "--store.redis.tls-key",
                                     self.pki["server.key"]))
        self.assertIn("--store.redis.tls-key", out)
        self.assertIn("does not match --store.redis.tls-cert", out)


if __name__ == "__main__":
    unittest.main()
