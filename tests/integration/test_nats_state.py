"""Shared state on NATS KV (--store.type nats, issue #12): the scenarios of test_redis_state.py on
one nats-server -js (127.0.0.1, random port, temp store, stopped by PID): inhibition, dedup and
silences across two replicas, and a restarted replica warm at once. Each replica reads its own
stream and consumer (--store.nats.stream/--store.nats.consumer), so what B knows of A's alerts came
through the KV buckets, not the queue. Skips when nats-server is not installed."""

import os
import unittest

import test_redis_state as rs
from test_nats_queue import NATS, NatsServer, js


class NatsStateTest(rs.RedisStateTest):
    store_type = "nats"

    def server_missing(self):
        return None if NATS else "nats-server is not installed (apt-get install nats-server)"

    def start_server(self):
        self.server = NatsServer(os.path.join(self.tmp, "nats"))

    def store_args(self, name):
        return ["--store.type", "nats", "--store.nats.url", f"nats://127.0.0.1:{self.server.port}",
                "--store.nats.stream", f"NM_ALERTS_{name.upper()}",
                "--store.nats.consumer", f"nm-{name}"]

    def storage_name(self):
        return f"nats:127.0.0.1:{self.server.port}"

    def test_state_lives_in_one_kv_bucket_per_table(self):
        self.start_replica("a")
        self.post("a", [rs.prom_alert("Stored")])
        rs.wait_until(lambda: "Stored" in self.names(), what="A's notification")
        for table in ("alerts", "nflog", "silences"):
            info = js(self.server.port, f"STREAM.INFO.KV_NM_STATE_{table}")
            self.assertNotIn("error", info, info)
            self.assertEqual(info["config"]["max_msgs_per_subject"], 1, info)
        rs.wait_until(lambda: js(self.server.port, "STREAM.INFO.KV_NM_STATE_alerts")
                      ["state"]["messages"] >= 1, what="the alert record in NM_STATE_alerts")


if __name__ == "__main__":
    unittest.main()
