"""The Redis Streams queue (--store.type redis, issue #12) against the real redis-server on
127.0.0.1 (random port, stopped by PID): alerts reach the webhook sink and are acked and deleted;
Redis down answers 503 with Retry-After and loses nothing accepted, intake resumes when it is
back, and /-/ready names the unreachable backend meanwhile; /metrics shows the backend's series;
kill -9 with alerts read but not delivered loses none (the restarted replica takes the expired
partition leases and claims their pending entries: XAUTOCLAIM); a wrong password or an unusable
TLS setting stops the daemon with exit 2 naming the flag (rediss:// itself: test_redis_tls.py).
Skips when redis-server is not installed."""

import os
import shutil
import socket
import subprocess
import unittest

from nmtest import (BINARY, Daemon, NMTestCase, alert, am_webhook, free_port, nm_manifest,
                    wait_until, webhook_receiver)

REDIS = shutil.which("redis-server")


def resp_command(port, *args, password=None):
    """One command over RESP (stdlib socket), the reply parsed: int, str, list or None."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        f = s.makefile("rb")

        def send(parts):
            out = b"*%d\r\n" % len(parts)
            for p in parts:
                p = p if isinstance(p, bytes) else str(p).encode()
                out += b"$%d\r\n%s\r\n" % (len(p), p)
            s.sendall(out)

        def read():
            line = f.readline().rstrip(b"\r\n")
            kind, rest = line[:1], line[1:]
            if kind == b"+":
                return rest.decode()
            if kind == b"-":
                raise RuntimeError(rest.decode())
            if kind == b":":
                return int(rest)
            if kind == b"$":
                n = int(rest)
                if n < 0:
                    return None
                data = f.read(n + 2)[:-2]
                return data.decode("utf-8", "replace")
            if kind == b"*":
                n = int(rest)
                return None if n < 0 else [read() for _ in range(n)]
            raise RuntimeError(f"bad RESP line {line!r}")

        if password:
            send(["AUTH", password])
            read()
        send(list(args))
        return read()


PARTITIONS = 16  # --store.partitions' default: one stream nm:alerts:<p> each


def streams_len(redis, stream="nm:alerts"):
    return sum(redis.cmd("XLEN", f"{stream}:{p}") for p in range(PARTITIONS))


def streams_pending(redis, stream="nm:alerts", group="notification-manager"):
    total = 0
    for p in range(PARTITIONS):
        info = redis.cmd("XPENDING", f"{stream}:{p}", group)
        total += info[0] if info else 0
    return total


class RedisServer:
    """redis-server on 127.0.0.1:port with its files in `dir`, stopped by its PID."""

    def __init__(self, dir, port=None, aof=False, extra=()):
        self.dir, self.port, self.aof, self.extra = dir, port or free_port(), aof, list(extra)
        os.makedirs(dir, exist_ok=True)
        self.proc = None
        self.start()

    def start(self):
        args = [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "yes" if self.aof else "no", "--dir", self.dir, *self.extra]
        if self.aof:
            args += ["--appendfsync", "always"]
        self.log = open(os.path.join(self.dir, "redis.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(self._up, 10, what="redis-server to answer PING")

    def _up(self):
        if self.proc.poll() is not None:
            raise AssertionError("redis-server exited early")
        try:
            return resp_command(self.port, "PING", password=self._password()) == "PONG"
        except (OSError, RuntimeError):
            return False

    def _password(self):
        return self.extra[self.extra.index("--requirepass") + 1] if "--requirepass" in \
            self.extra else None

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.log.close()

    def cmd(self, *args):
        return resp_command(self.port, *args, password=self._password())


class RedisQueueTest(NMTestCase):

    def setUp(self):
        if not REDIS:
            self.skipTest("redis-server is not installed (apt-get install redis-server)")
        super().setUp()
        self.redis = RedisServer(os.path.join(self.tmp, "redis"), aof=True)
        self.write("r.yaml", webhook_receiver("g", self.sink.url("/g"), {"type": "global"}))

    def tearDown(self):
        if self.daemon:
            self.daemon.kill()
        if REDIS:
            self.redis.stop()
        super().tearDown()

    def args(self, *extra):
        return ["--store.type", "redis", "--store.redis.url", f"redis://127.0.0.1:{self.redis.port}",
                *extra]

    def post_names(self, names):
        return self.daemon.request(
            "POST", "/api/v2/alerts",
            am_webhook([alert({"alertname": n, "namespace": "ns"}) for n in names]))

    def delivered(self):
        return {a["labels"]["alertname"] for a in self.sink.alerts_on("/g")}

    def wait_delivered(self, names, timeout=30):
        wait_until(lambda: set(names) <= self.delivered(), timeout,
                   what=f"{len(names)} alerts delivered to the sink")

    def test_alerts_are_delivered_acked_and_deleted(self):
        self.write("nm.yaml", nm_manifest(batch_max_wait="50ms"))
        self.start(self.args())
        names = [f"A{i}" for i in range(40)]
        for k in range(0, 40, 10):
            status, body, _ = self.post_names(names[k:k + 10])
            self.assertEqual(status, 200, body)
        self.wait_delivered(names)
        self.daemon.wait_settled()
        self.assertEqual(streams_len(self.redis), 0)
        self.assertEqual(streams_pending(self.redis), 0)

    def test_redis_down_answers_503_then_intake_resumes_and_nothing_is_lost(self):
        self.write("nm.yaml", nm_manifest(batch_max_wait="50ms"))
        self.start(self.args())
        accepted = []
        status, body, _ = self.post_names(["Before0", "Before1"])
        self.assertEqual(status, 200, body)
        accepted += ["Before0", "Before1"]
        self.wait_delivered(accepted)

        self.redis.stop()
        seq = iter(range(1000000))
        answers = []

        def refused():
            name = f"Down{next(seq)}"
            status, body, headers = self.post_names([name])
            if status == 200:
                accepted.append(name)  # raced the stop: must still be delivered
            answers.append((status, headers))
            return status == 503

        wait_until(refused, 15, what="a POST answered 503 while redis is down")
        status, headers = answers[-1]
        self.assertIn("Retry-After", headers)
        # Still refused a moment later (each POST is a fresh attempt at the backend).
        for _ in range(3):
            self.assertTrue(refused())

        self.redis.start()

        def resumed():
            name = f"After{next(seq)}"
            status, _, _ = self.post_names([name])
            if status == 200:
                accepted.append(name)
            return status == 200

        wait_until(resumed, 20, what="intake to resume once redis is back")
        status, body, _ = self.post_names(["AfterLast"])
        self.assertEqual(status, 200, body)
        accepted.append("AfterLast")
        self.wait_delivered(accepted)
        self.daemon.wait_settled()
        self.assertIn("redis", self.daemon.logs())

    def test_ready_names_the_unreachable_backend_and_metrics_show_it(self):
        self.write("nm.yaml", nm_manifest(batch_max_wait="50ms"))
        self.start(self.args())
        status, body = self.daemon.get("/-/ready")
        self.assertEqual(status, 200, body)
        status, body, _ = self.post_names(["Metered"])
        self.assertEqual(status, 200, body)
        self.wait_delivered(["Metered"])
        self.daemon.wait_settled()
        m = self.daemon.metrics()
        self.assertEqual(m["nm_queue_backend_up"], 1)
        self.assertGreaterEqual(m['nm_queue_backend_latency_seconds_count{op="push"}'], 1)
        wait_until(lambda: self.daemon.metrics().get(
            'nm_queue_backend_latency_seconds_count{op="ack"}', 0) >= 1, 10,
            what="the ack round trip counted")
        self.assertIn("nm_queue_redelivered_total", m)
        self.assertIn('nm_queue_backend_latency_seconds_bucket{op="read",le="+Inf"}', m)

        self.redis.stop()

        def not_ready():
            status, body = self.daemon.get("/-/ready")
            return body if status == 503 else None

        body = wait_until(not_ready, 15, what="/-/ready to answer 503 while redis is down")
        self.assertIn("queue backend unreachable: redis://127.0.0.1:%d/0" % self.redis.port,
                      body["Message"])
        self.assertFalse(body["ready"])
        self.assertEqual(self.daemon.metrics()["nm_queue_backend_up"], 0)

        self.redis.start()
        wait_until(lambda: self.daemon.get("/-/ready")[0] == 200, 20,
                   what="/-/ready to answer 200 once redis is back")
        self.assertEqual(self.daemon.metrics()["nm_queue_backend_up"], 1)

    def test_kill_9_with_alerts_read_but_not_delivered_loses_none(self):
        # A long batch wait holds what the daemon read (pending under its consumer) undelivered.
        self.write("nm.yaml", nm_manifest(batch_max_wait="30s"))
        args = self.args("--store.redis.claim-idle", "1s", "--store.lease-ttl", "2s")
        self.start(args)
        names = [f"K{i}" for i in range(30)]
        status, body, _ = self.post_names(names)
        self.assertEqual(status, 200, body)

        def pending():
            return streams_pending(self.redis)

        # The push is one entry per partition it touched, each holding its alerts.
        wait_until(lambda: 0 < pending() == streams_len(self.redis), 10,
                   what="the daemon to read every entry of the push")
        self.assertLess(streams_len(self.redis), 30)
        self.assertEqual(self.delivered(), set())
        self.daemon.kill()  # SIGKILL: nothing acked, nothing flushed

        self.daemon = Daemon(self.config_dir, args)
        self.wait_delivered(names, 30)
        wait_until(lambda: streams_len(self.redis) == 0, 15,
                   what="the taken-over entries acked and deleted")
        self.assertIn("took over queue entries", self.daemon.logs())
        counts = {}
        for a in self.sink.alerts_on("/g"):
            counts[a["labels"]["alertname"]] = counts.get(a["labels"]["alertname"], 0) + 1
        self.assertEqual(sorted(counts), sorted(names))

    def test_bad_url_or_password_stops_the_daemon_naming_the_flag(self):
        self.redis.stop()
        self.redis = RedisServer(os.path.join(self.tmp, "redis2"),
                                 extra=["--requirepass", "right"])
        self.write("nm.yaml", nm_manifest())
        missing_ca = os.path.join(self.tmp, "no-such-ca.pem")
        cases = [
            (f"redis://:wrong@127.0.0.1:{self.redis.port}", "refused the connection", []),
            (f"rediss://:wrong@127.0.0.1:{self.redis.port}",
             f"--store.redis.tls-ca {missing_ca}: cannot load CA certificates",
             ["--store.redis.tls-ca", missing_ca]),
            ("http://127.0.0.1:1", "the scheme must be redis:// or rediss://", []),
            ("redis://127.0.0.1:99999", "is not a number in 1..65535", []),
        ]
        for url, why, extra in cases:
            p = subprocess.run([BINARY, "--config.dir", self.config_dir, "--webhook.address",
                                "127.0.0.1:0", "--store.type", "redis", "--store.redis.url", url,
                                *extra],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 2, url + "\n" + p.stderr + p.stdout)
            out = p.stderr + p.stdout
            self.assertIn("--store.redis.url", out)
            self.assertIn(why, out)
            self.assertNotIn(":wrong@", out)  # the password is never logged

        # The right password starts it.
        self.daemon = Daemon(self.config_dir, [
            "--store.type", "redis", "--store.redis.url",
            f"redis://:right@127.0.0.1:{self.redis.port}/2"])
        status, body, _ = self.post_names(["Authed"])
        self.assertEqual(status, 200, body)
        self.wait_delivered(["Authed"])


if __name__ == "__main__":
    unittest.main()
