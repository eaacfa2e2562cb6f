"""Chat throttles shared by replicas on NATS (--store.type nats, issue #12): the three-replica
DingTalk scenario of test_shared_throttle.py on one nats-server -js (random port, temp store,
stopped by PID): the robot's window is kept by the three together through the KV bucket
NM_THROTTLE. Skips when nats-server is not installed."""

import os
import unittest

import test_shared_throttle as st
from test_nats_queue import NATS, NatsServer, js


class NatsSharedThrottleTest(st.SharedThrottleTest):

    def server_missing(self):
        return None if NATS else "nats-server is not installed (apt-get install nats-server)"

    def start_server(self):
        self.server = NatsServer(os.path.join(self.tmp, "nats"))

    def store_args(self, i):
        return ["--store.type", "nats", "--store.nats.url", f"nats://127.0.0.1:{self.server.port}",
                "--store.nats.stream", f"NM_ALERTS_R{i}", "--store.nats.consumer", f"nm-r{i}"]

    def assert_window_stored(self):
        info = js(self.server.port, "STREAM.INFO.KV_NM_THROTTLE")
        self.assertNotIn("error", info, info)
        self.assertGreaterEqual(info["state"]["messages"], 1, info)


if __name__ == "__main__":
    unittest.main()
