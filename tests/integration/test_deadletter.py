"""`notification-manager deadletter list|replay|purge` (issue #12) against the real redis-server
and nats-server -js (random ports, temp dirs, stopped by PID) with a running daemon: a poisoned
entry written straight into the live stream / subject is dead-lettered by the daemon and listed;
replay skips it while it still does not decode (exit 1, the reason printed), replays a decodable
one (a codec fix, simulated by writing a decodable entry into the dead letters) which the daemon
delivers to the webhook sink, and --force re-queues the poison too (the daemon sets it aside
again); purge --older-than keeps fresh entries, purge deletes them; bad flags and an unreachable
backend exit 2 naming the flag. Each backend skips when its server is not installed."""

import os
import struct
import subprocess
import time
import unittest

from nmtest import (BINARY, NMTestCase, alert, am_webhook, free_port, nm_manifest, wait_until,
                    webhook_receiver)
import test_nats_queue as natsq
import test_redis_queue as redisq

POISON = b"\x07not an alert"


def encode_alert(labels):
    """alert_codec.h version 2: a firing alert with `labels`, no annotations."""
    def string(s):
        b = s.encode()
        return struct.pack("<I", len(b)) + b

    pairs = sorted(labels.items())
    fp = 0xcbf29ce484222325
    for k, v in pairs:
        for byte in k.encode() + b"\xff" + v.encode() + b"\xff":
            fp = ((fp ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    now = time.time_ns()
    out = bytes([2]) + struct.pack("<I", len(pairs))
    out += b"".join(string(k) + string(v) for k, v in pairs)
    out += struct.pack("<I", 0)  # annotations
    out += bytes([0])  # firing
    out += struct.pack("<qi", now - 60 * 10**9, 0) + struct.pack("<qi", -2**63, 0)
    out += string("") + struct.pack("<Q", fp) + string(f"{fp:016x}")
    out += struct.pack("<q", now) + bytes([1])  # receivedAt, format Webhook
    return out


def deadletter(*args):
    p = subprocess.run([BINARY, "deadletter", *args], capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


class DeadLetterCase:
    """The scenario both backends share; subclasses say how to poison and inspect."""

    def flags(self):
        raise NotImplementedError

    def poison(self):
        raise NotImplementedError

    def dead_count(self):
        raise NotImplementedError

    def write_fixed_dead_letter(self, labels):
        raise NotImplementedError

    def delivered(self):
        return {a["labels"]["alertname"] for a in self.sink.alerts_on("/g")}

    def test_list_replay_purge(self):
        self.write("nm.yaml", nm_manifest(batch_max_wait="50ms"))
        self.start(self.daemon_args())
        self.poison()
        wait_until(lambda: self.dead_count() == 1, 15, what="the poison dead-lettered")

        code, out, err = deadletter("list", *self.flags())
        self.assertEqual(code, 0, err)
        lines = out.splitlines()
        self.assertEqual(len(lines), 1, out)
        self.assertIn("reason=undecodable", lines[0])
        self.assertIn(f"size={len(POISON)}", lines[0])
        self.assertIn("decodes=no", lines[0])
        poison_id = lines[0].split()[0][len("id="):]

        code, out, err = deadletter("replay", *self.flags())
        self.assertEqual(code, 1, out + err)
        self.assertIn(f"skipped {poison_id}: still undecodable", err)
        self.assertIn("replayed 0, skipped 1", out)
        self.assertEqual(self.dead_count(), 1)

        # A codec fix: the dead letter now holds bytes this build decodes.
        self.write_fixed_dead_letter({"alertname": "Fixed", "namespace": "ns"})
        code, out, err = deadletter("list", *self.flags())
        self.assertEqual(code, 0, err)
        self.assertEqual(len(out.splitlines()), 2, out)
        self.assertIn('decodes=yes labels={alertname="Fixed", namespace="ns"}', out)

        code, out, err = deadletter("replay", *self.flags())
        self.assertEqual(code, 1, out + err)
        self.assertIn("replayed 1, skipped 1, failed 0", out)
        wait_until(lambda: "Fixed" in self.delivered(), 15, what="the replayed alert delivered")
        self.assertEqual(self.dead_count(), 1)

        # --force re-queues the poison too; the daemon sets it aside again (a new entry).
        code, out, err = deadletter("replay", "--force", *self.flags())
        self.assertEqual(code, 0, out + err)
        self.assertIn("replayed 1, skipped 0, failed 0", out)
        wait_until(lambda: self.dead_count() == 1 and f"id={poison_id} " not in
                   deadletter("list", *self.flags())[1], 15, what="the forced poison dead again")

        code, out, err = deadletter("purge", "--older-than", "1h", *self.flags())
        self.assertEqual(code, 0, out + err)
        self.assertIn("purged 0", out)
        code, out, err = deadletter("purge", *self.flags())
        self.assertEqual(code, 0, out + err)
        self.assertIn("purged 1", out)
        self.assertEqual(self.dead_count(), 0)
        code, out, err = deadletter("list", *self.flags())
        self.assertEqual((code, out), (0, ""), err)


class RedisDeadLetterTest(DeadLetterCase, NMTestCase):

    def setUp(self):
        if not redisq.REDIS:
            self.skipTest("redis-server is not installed (apt-get install redis-server)")
        super().setUp()
        self.redis = redisq.RedisServer(os.path.join(self.tmp, "redis"))
        self.write("r.yaml", webhook_receiver("g", self.sink.url("/g"), {"type": "global"}))

    def tearDown(self):
        if self.daemon:
            self.daemon.kill()
        if redisq.REDIS:
            self.redis.stop()
        super().tearDown()

    def flags(self):
        return ["--store.type", "redis", "--store.redis.url", f"redis://127.0.0.1:{self.redis.port}"]

    def daemon_args(self):
        return self.flags()

    def poison(self):
        self.redis.cmd("XADD", "nm:alerts:3", "*", "a", POISON)

    def dead_count(self):
        return self.redis.cmd("XLEN", "nm:alerts:dead")

    def write_fixed_dead_letter(self, labels):
        self.redis.cmd("XADD", "nm:alerts:dead", "*", "a", encode_alert(labels), "error",
                       "simulated", "id", "0-1", "partition", "5")

    def test_entry_lists_its_partition_and_bad_flags_exit_2(self):
        self.poison()
        self.redis.cmd("XADD", "nm:alerts:dead", "*", "a", POISON, "error", "boom", "id", "1-1",
                       "partition", "3")
        code, out, err = deadletter("list", *self.flags())
        self.assertEqual(code, 0, err)
        self.assertIn('partition=3 size=13', out)
        self.assertIn('error="boom"', out)

        code, _, err = deadletter("list")
        self.assertEqual(code, 2)
        self.assertIn("--store.type", err)
        code, _, err = deadletter("list", "--store.type", "kafka")
        self.assertEqual(code, 2)
        self.assertIn("--store.type", err)
        code, _, err = deadletter(*self.flags())
        self.assertEqual(code, 2)
        self.assertIn("subcommand", err.lower())
        code, _, err = deadletter("purge", "--older-than", "soon", *self.flags())
        self.assertEqual(code, 2)
        self.assertIn("--older-than", err)
        code, _, err = deadletter("list", "--store.type", "redis", "--store.redis.url",
                                  f"redis://127.0.0.1:{free_port()}")
        self.assertEqual(code, 2)
        self.assertIn("--store.redis.url", err)
        code, _, err = deadletter("list", "--store.type", "redis", "--store.redis.url", "http://x")
        self.assertEqual(code, 2)
        self.assertIn("--store.redis.url", err)


class NatsDeadLetterTest(DeadLetterCase, NMTestCase):

    def setUp(self):
        if not natsq.NATS:
            self.skipTest("nats-server is not installed (apt-get install nats-server)")
        super().setUp()
        self.nats = natsq.NatsServer(os.path.join(self.tmp, "nats"))
        self.write("r.yaml", webhook_receiver("g", self.sink.url("/g"), {"type": "global"}))

    def tearDown(self):
        if self.daemon:
            self.daemon.kill()
        if natsq.NATS:
            self.nats.stop()
        super().tearDown()

    def flags(self):
        return ["--store.type", "nats", "--store.nats.url", f"nats://127.0.0.1:{self.nats.port}"]

    def daemon_args(self):
        return self.flags()

    def publish(self, subject, payload, headers):
        c = natsq.NatsClient(self.nats.port)
        try:
            ack = c.request(subject, payload, headers)
        finally:
            c.close()
        self.assertNotIn("error", ack)
        return ack

    def poison(self):
        self.publish("nm.alerts.3", POISON, {"Nats-Msg-Id": "poison-1"})

    def dead_count(self):
        return self.nats.stream("NM_DEADLETTER")["state"]["messages"]

    def write_fixed_dead_letter(self, labels):
        self.publish("nm.deadletter.undecodable", encode_alert(labels),
                     {"Nm-Dead-Reason": "undecodable", "Nm-Error": "simulated",
                      "Nm-Subject": "nm.alerts.3"})

    def test_unreachable_server_exits_2_naming_the_flag(self):
        code, _, err = deadletter("list", "--store.type", "nats", "--store.nats.url",
                                  f"nats://127.0.0.1:{free_port()}")
        self.assertEqual(code, 2)
        self.assertIn("--store.nats.url", err)


if __name__ == "__main__":
    unittest.main()
