"""Shutdown: SIGTERM returns from main normally, every component destroyed by its owner.

Under the AddressSanitizer pass of scripts/test.sh the daemon is the ASan build and inherits
ASAN_OPTIONS=detect_leaks=1: LeakSanitizer then runs at exit, and a leaked client, thread or
snapshot fails these tests (exit code 23 and a report in the log)."""
import os
import unittest

from nmtest import NMTestCase, alert, nm_manifest, webhook_receiver, wait_until


class ShutdownTest(NMTestCase):
    def configure(self):
        self.write("nm.yaml", nm_manifest(batch_max_wait="20ms"))
        self.write("receivers.yaml", webhook_receiver(
            "all", self.sink.url("/all"), {"type": "global"}))

    def assert_clean_exit(self, code):
        logs = self.daemon.logs()
        self.assertNotIn("LeakSanitizer", logs, logs[-4000:])
        self.assertNotIn("AddressSanitizer", logs, logs[-4000:])
        self.assertEqual(code, 0, logs[-4000:])
        self.assertIn('msg=stopped', logs)

    def test_sigterm_after_deliveries_exits_zero_without_leaks(self):
        self.configure()
        self.start()
        status, _ = self.post_alerts([alert({"alertname": f"A{i}", "namespace": "ns"})
                                      for i in range(20)])
        self.assertEqual(status, 200)
        wait_until(lambda: len(self.sink.alerts_on("/all")) >= 20, 20, what="20 deliveries")
        self.assert_clean_exit(self.daemon.terminate())

    def test_sigterm_while_idle_exits_zero_without_leaks(self):
        self.configure()
        self.start()
        self.assert_clean_exit(self.daemon.terminate())

    def test_sigterm_with_a_send_still_pending_exits_at_the_timeout(self):
        # The sink answers 503 for ever: the send retries until the shutdown timeout cuts it.
        self.configure()
        self.start(["--shutdown.timeout", "1s", "--worker.timeout", "60s"])
        self.sink.script("/all", [503] * 10000)
        status, _ = self.post_alerts([alert({"alertname": "Stuck", "namespace": "ns"})])
        self.assertEqual(status, 200)
        wait_until(lambda: self.sink.on("/all"), 10, what="the first attempt")
        code = self.daemon.terminate(timeout=30)
        logs = self.daemon.logs()
        self.assertIn("shutdown timeout reached", logs)
        self.assert_clean_exit(code)


if __name__ == "__main__":
    unittest.main()
