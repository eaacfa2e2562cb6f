"""The NATS JetStream queue (--store.type nats, issue #12) against the real nats-server -js on
127.0.0.1 (random port, store dir in a temp dir, stopped by PID): alerts reach the webhook sink
and the consumer is empty after; kill -9 with alerts fetched but not delivered loses none
(redelivered after --store.nats.ack-wait); nats-server down answers 503 with Retry-After and loses
nothing accepted, intake resumes once it restarts on the same store dir; a poisoned message ends
in NM_DEADLETTER with a log line, never redelivered, and so does a redelivery over
--store.nats.max-deliver; a push is one message per partition it touches (its alerts packed) and
an identical re-post is dropped by the duplicate window; a full stream (--store.nats.max-msgs,
messages) answers 503; a wrong URL, an unreachable server or a bad creds file stop the daemon
with exit 2 naming the flag.
Skips when nats-server is not installed."""

import itertools
import json
import os
import shutil
import socket
import subprocess
import unittest

from nmtest import (BINARY, Daemon, NMTestCase, alert, am_webhook, free_port, nm_manifest,
                    wait_until, webhook_receiver)

NATS = shutil.which("nats-server")


class NatsClient:
    """Just enough of the NATS text protocol (stdlib socket) for requests and publishes."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.f = self.sock.makefile("rb")
        self.f.readline()  # INFO
        self.sock.sendall(b'CONNECT {"verbose":false,"pedantic":false,"headers":true}\r\n'
                          b"SUB _INBOX.t 1\r\nPING\r\n")
        self._until_pong()
        self.seq = itertools.count()

    def _until_pong(self):
        while self.f.readline().strip() != b"PONG":
            pass

    def close(self):
        self.sock.close()

    def request(self, subject, payload=b"", headers=None):
        """Sends and returns the first reply's payload (JetStream API answers, publish acks)."""
        if isinstance(payload, (dict, list)):
            payload = json.dumps(payload).encode()
        if headers:
            hdr = b"NATS/1.0\r\n" + b"".join(
                f"{k}: {v}\r\n".encode() for k, v in headers.items()) + b"\r\n"
            self.sock.sendall(b"HPUB %s _INBOX.t %d %d\r\n%s%s\r\n" % (
                subject.encode(), len(hdr), len(hdr) + len(payload), hdr, payload))
        else:
            self.sock.sendall(b"PUB %s _INBOX.t %d\r\n%s\r\n" % (
                subject.encode(), len(payload), payload))
        while True:
            line = self.f.readline().rstrip(b"\r\n")
            if line == b"PING":
                self.sock.sendall(b"PONG\r\n")
                continue
            parts = line.split()
            if parts[:1] == [b"MSG"]:
                data = self.f.read(int(parts[-1]) + 2)[:-2]
                return json.loads(data)
            if parts[:1] == [b"HMSG"]:
                total = int(parts[-1])
                data = self.f.read(total + 2)[:-2]
                hlen = int(parts[-2])
                return json.loads(data[hlen:]) if total > hlen else {}


def js(port, api, body=b""):
    c = NatsClient(port)
    try:
        return c.request("$JS.API." + api, body)
    finally:
        c.close()


class NatsServer:
    """nats-server -js on 127.0.0.1:port with its store in `dir`, stopped by its PID."""

    def __init__(self, dir, port=None, extra=()):
        self.dir, self.port, self.extra = dir, port or free_port(), list(extra)
        os.makedirs(dir, exist_ok=True)
        self.proc = None
        self.start()

    def start(self):
        self.log = open(os.path.join(self.dir, "nats.log"), "ab")
        self.proc = subprocess.Popen(
            [NATS, "-js", "-a", "127.0.0.1", "-p", str(self.port), "-sd", self.dir, *self.extra],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(self._up, 10, what="nats-server to answer with JetStream")

    def _up(self):
        if self.proc.poll() is not None:
            raise AssertionError("nats-server exited early")
        try:
            return "error" not in js(self.port, "INFO")
        except (OSError, ValueError):
            return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.log.close()

    def consumers(self, stream="NM_ALERTS", name="notification-manager", partitions=16):
        """One durable consumer per partition: <name>-<p>, filtered on nm.alerts.<p>."""
        return [js(self.port, f"CONSUMER.INFO.{stream}.{name}-{p}") for p in range(partitions)]

    def consumer(self, stream="NM_ALERTS", name="notification-manager", partitions=16):
        """The partitions' consumers summed (num_pending, num_ack_pending); the first's config."""
        cs = self.consumers(stream, name, partitions)
        return {"num_pending": sum(c.get("num_pending", 0) for c in cs),
                "num_ack_pending": sum(c.get("num_ack_pending", 0) for c in cs),
                "config": cs[0].get("config", {}),
                "filters": [c.get("config", {}).get("filter_subject") for c in cs]}

    def stream(self, name):
        return js(self.port, f"STREAM.INFO.{name}")


class NatsQueueTest(NMTestCase):

    def setUp(self):
        if not NATS:
            self.skipTest("nats-server is not installed (apt-get install nats-server)")
        super().setUp()
        self.nats = NatsServer(os.path.join(self.tmp, "nats"))
        self.write("r.yaml", webhook_receiver("g", self.sink.url("/g"), {"type": "global"}))

    def tearDown(self):
        if self.daemon:
            self.daemon.kill()
        if NATS:
            self.nats.stop()
        super().tearDown()

    def args(self, *extra):
        return ["--store.type", "nats", "--store.nats.url", f"nats://127.0.0.1:{self.nats.port}",
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

    def consumer_empty(self):
        c = self.nats.consumer()
        return c.get("num_pending") == 0 and c.get("num_ack_pending") == 0

    def test_alerts_are_delivered_and_acked(self):
        self.write("nm.yaml", nm_manifest(batch_max_wait="50ms"))
        self.start(self.args())
        names = [f"A{i}" for i in range(40)]
        for k in range(0, 40, 10):
            status, body, _ = self.post_names(names[k:k + 10])
            self.assertEqual(status, 200, body)
        self.wait_delivered(names)
        self.daemon.wait_settled()
        wait_until(self.consumer_empty, 10, what="the consumer to have nothing pending")
        # Work-queue retention: acked messages left the stream.
        wait_until(lambda: self.nats.stream("NM_ALERTS")["state"]["messages"] == 0, 10,
                   what="the stream to be empty")
        c = self.nats.consumer()["config"]
        self.assertEqual(c["ack_policy"], "explicit")
        self.assertEqual(c["max_deliver"], 6)  # --store.nats.max-deliver 5, plus the one seen
        self.assertEqual(self.nats.consumer()["filters"], [f"nm.alerts.{p}" for p in range(16)])

    def test_kill_9_with_alerts_fetched_but_not_delivered_loses_none(self):
        # A long batch wait holds what the daemon fetched (ack pending) undelivered. Grouped by
        # namespace alone: the push's alerts share a partition.
        self.write("nm.yaml", nm_manifest(batch_max_wait="30s", group_labels="[namespace]"))
        args = self.args("--store.nats.ack-wait", "1s")
        self.start(args)
        names = [f"K{i}" for i in range(30)]
        status, body, _ = self.post_names(names)
        self.assertEqual(status, 200, body)
        # The push is one message holding its 30 alerts.
        wait_until(lambda: self.nats.consumer().get("num_ack_pending") == 1, 10,
                   what="the daemon to fetch the push's message")
        self.assertEqual(self.delivered(), set())
        self.daemon.kill()  # SIGKILL: nothing acked

        self.write("nm.yaml", nm_manifest(batch_max_wait="50ms"))
        self.daemon = Daemon(self.config_dir, args)
        self.wait_delivered(names, 30)
        # (wait_settled does not apply: this daemon dispatched alerts another one received.)
        wait_until(self.consumer_empty, 10, what="the redelivered messages acked")
        counts = {}
        for a in self.sink.alerts_on("/g"):
            counts[a["labels"]["alertname"]] = counts.get(a["labels"]["alertname"], 0) + 1
        self.assertEqual(sorted(counts), sorted(names))

    def test_nats_down_answers_503_then_intake_resumes_and_nothing_is_lost(self):
        self.write("nm.yaml", nm_manifest(batch_max_wait="50ms"))
        self.start(self.args())
        accepted = []
        status, body, _ = self.post_names(["Before0", "Before1"])
        self.assertEqual(status, 200, body)
        accepted += ["Before0", "Before1"]
        self.wait_delivered(accepted)

        self.nats.stop()
        seq = iter(range(1000000))
        answers = []

        def refused():
            name = f"Down{next(seq)}"
            status, body, headers = self.post_names([name])
            if status == 200:
                accepted.append(name)  # raced the stop: must still be delivered
            answers.append((status, headers))
            return status == 503

        wait_until(refused, 15, what="a POST answered 503 while nats is down")
        status, headers = answers[-1]
        self.assertIn("Retry-After", headers)
        for _ in range(3):
            self.assertTrue(refused())

        self.nats.start()  # same port, same -sd dir: the stream and consumer are still there

        def resumed():
            name = f"After{next(seq)}"
            status, _, _ = self.post_names([name])
            if status == 200:
                accepted.append(name)
            return status == 200

        wait_until(resumed, 20, what="intake to resume once nats is back")
        status, body, _ = self.post_names(["AfterLast"])
        self.assertEqual(status, 200, body)
        accepted.append("AfterLast")
        self.wait_delivered(accepted)
        self.daemon.wait_settled()
        self.assertIn("nats connection lost", self.daemon.logs())

    def test_poisoned_message_goes_to_the_dead_letter_stream(self):
        self.write("nm.yaml", nm_manifest(batch_max_wait="50ms"))
        self.start(self.args())
        c = NatsClient(self.nats.port)
        try:
            ack = c.request("nm.alerts.3", b"\x07not an alert", {"Nats-Msg-Id": "poison-1"})
        finally:
            c.close()
        self.assertEqual(ack.get("stream"), "NM_ALERTS", ack)
        wait_until(lambda: self.nats.stream("NM_DEADLETTER")["state"]["messages"] == 1, 15,
                   what="the poisoned message in NM_DEADLETTER")
        got = js(self.nats.port, "STREAM.MSG.GET.NM_DEADLETTER",
                 {"last_by_subj": "nm.deadletter.undecodable"})
        self.assertIn("message", got, got)
        logs = self.daemon.logs()
        self.assertIn("queue message moved to the dead-letter stream", logs)
        self.assertIn("reason=undecodable", logs)
        # The marker: an alert posted after it is delivered; by then the poison was termed,
        # not redelivered (one dead-letter log line, the stream empty).
        status, body, _ = self.post_names(["AfterPoison"])
        self.assertEqual(status, 200, body)
        self.wait_delivered(["AfterPoison"])
        self.daemon.wait_settled()
        wait_until(self.consumer_empty, 10, what="the consumer to have nothing pending")
        self.assertEqual(self.nats.stream("NM_ALERTS")["state"]["messages"], 0)
        self.assertEqual(self.daemon.logs().count("moved to the dead-letter stream"), 1)
        self.assertEqual(self.nats.stream("NM_DEADLETTER")["state"]["messages"], 1)

    def test_over_max_deliver_goes_to_the_dead_letter_stream(self):
        # Delivered once, fetched and held, then the daemon dies: the redelivery is the second,
        # over --store.nats.max-deliver 1, so it is dead-lettered, not notified.
        self.write("nm.yaml", nm_manifest(batch_max_wait="30s"))
        args = self.args("--store.nats.ack-wait", "1s", "--store.nats.max-deliver", "1")
        self.start(args)
        for name in ["M0", "M1", "M2"]:  # one message each
            status, body, _ = self.post_names([name])
            self.assertEqual(status, 200, body)
        wait_until(lambda: self.nats.consumer().get("num_ack_pending") == 3, 10,
                   what="the daemon to fetch all 3 messages")
        self.daemon.kill()
        self.write("nm.yaml", nm_manifest(batch_max_wait="50ms"))
        self.daemon = Daemon(self.config_dir, args)
        wait_until(lambda: self.nats.stream("NM_DEADLETTER")["state"]["messages"] == 3, 15,
                   what="3 messages in NM_DEADLETTER")
        got = js(self.nats.port, "STREAM.MSG.GET.NM_DEADLETTER",
                 {"last_by_subj": "nm.deadletter.max-deliver"})
        self.assertIn("message", got, got)
        status, body, _ = self.post_names(["Fresh"])
        self.assertEqual(status, 200, body)
        self.wait_delivered(["Fresh"])  # the marker: M0..M2 were settled before it
        wait_until(self.consumer_empty, 10, what="the consumer to have nothing pending")
        self.assertEqual(self.delivered(), {"Fresh"})
        self.assertIn("reason=max-deliver", self.daemon.logs())

    def test_a_push_is_one_message_per_partition_and_an_identical_repost_is_dropped(self):
        # Batches that never fill nor age: the stream holds what is accepted. Grouped by namespace
        # alone: a partition per namespace.
        self.write("nm.yaml", nm_manifest(batch_max_size=1000, batch_max_wait="1h",
                                          group_labels="[namespace]"))
        self.start(self.args())
        # 40 namespaces over 16 partitions: one message on each partition the push touches.
        status, body, _ = self.daemon.request("POST", "/api/v2/alerts", am_webhook(
            [alert({"alertname": "S", "namespace": f"ns{i}"}) for i in range(40)]))
        self.assertEqual(status, 200, body)
        subjects = js(self.nats.port, "STREAM.INFO.NM_ALERTS",
                      {"subjects_filter": "nm.alerts.>"})["state"].get("subjects", {})
        self.assertGreater(len(subjects), 1, subjects)
        self.assertEqual(set(subjects.values()), {1}, subjects)
        wide = len(subjects)
        self.assertEqual(self.nats.stream("NM_ALERTS")["state"]["messages"], wide)
        for _ in range(2):  # Alertmanager retrying the same push (one namespace)
            status, body, _ = self.post_names(["D0", "D1", "D2"])
            self.assertEqual(status, 200, body)
        self.assertEqual(self.nats.stream("NM_ALERTS")["state"]["messages"], wide + 1)
        for names in (["D0", "D1"], ["D0", "D1", "D2", "D3"]):  # different pushes are kept
            status, body, _ = self.post_names(names)
            self.assertEqual(status, 200, body)
        self.assertEqual(self.nats.stream("NM_ALERTS")["state"]["messages"], wide + 3)

    def test_stream_full_answers_503(self):
        # Batches that never fill nor age: the stream holds what is accepted.
        self.write("nm.yaml", nm_manifest(batch_max_size=1000, batch_max_wait="1h"))
        self.start(self.args("--store.nats.max-msgs", "5", "--store.memory.pushTimeout", "0s"))
        for i in range(5):  # --store.nats.max-msgs counts messages: one per push and partition
            status, body, _ = self.post_names([f"F{i}"])
            self.assertEqual(status, 200, body)
        status, body, headers = self.post_names(["Over"])
        self.assertEqual(status, 503, body)
        self.assertIn("Retry-After", headers)
        self.assertEqual(self.nats.stream("NM_ALERTS")["state"]["messages"], 5)
        self.assertEqual(self.nats.stream("NM_ALERTS")["config"]["max_msgs"], 5)
        self.assertEqual(self.nats.stream("NM_ALERTS")["config"]["discard"], "new")

    def test_bad_url_unreachable_server_or_creds_stop_the_daemon_naming_the_flag(self):
        self.write("nm.yaml", nm_manifest())
        bad_creds = self.write("bad.creds", "not a credentials file\n")
        dead_port = free_port()
        ok_url = f"nats://127.0.0.1:{self.nats.port}"
        cases = [
            (["--store.nats.url", "http://127.0.0.1:1"], "--store.nats.url",
             "the scheme must be nats:// or tls://"),
            (["--store.nats.url", "nats://127.0.0.1:99999"], "--store.nats.url",
             "is not a number in 1..65535"),
            (["--store.nats.url", f"nats://u:hunter2@127.0.0.1:{dead_port}"], "--store.nats.url",
             "cannot connect"),
            (["--store.nats.url", ok_url, "--store.nats.creds", bad_creds], "--store.nats.creds",
             bad_creds),
            (["--store.nats.url", ok_url, "--store.nats.creds",
              os.path.join(self.tmp, "missing.creds")], "--store.nats.creds", "cannot read"),
        ]
        for extra, flag, why in cases:
            p = subprocess.run([BINARY, "--config.dir", self.config_dir, "--webhook.address",
                                "127.0.0.1:0", "--store.type", "nats", *extra],
                               capture_output=True, text=True, timeout=30)
            out = p.stderr + p.stdout
            self.assertEqual(p.returncode, 2, " ".join(extra) + "\n" + out)
            self.assertIn(flag, out)
            self.assertIn(why, out)
            self.assertNotIn("hunter2", out)  # the password is never logged


if __name__ == "__main__":
    unittest.main()
