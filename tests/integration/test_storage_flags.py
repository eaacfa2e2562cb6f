"""--storage.path and --storage.allow-memory-fallback through the real binary: the state database
is created, a corrupt or unusable one stops the daemon with exit 2 naming the file, and the
fallback to memory-only state is loud (error log, /-/ready and /status), never silent."""

import os
import shutil
import subprocess
import unittest

from nmtest import BINARY, Daemon, NMTestCase, nm_manifest, webhook_receiver


class StorageFlagsTest(NMTestCase):

    def setUp(self):
        super().setUp()
        self.write("nm.yaml", nm_manifest())
        self.write("r.yaml", webhook_receiver("g", self.sink.url("/g"), {"type": "global"}))
        self.state_dir = os.path.join(self.tmp, "state")

    def start_expecting_exit(self, extra_args):
        self.daemon = Daemon(self.config_dir, extra_args, expect_start=False)
        code = self.daemon.proc.wait(30)
        return code, self.daemon.logs()

    def corrupt_database(self):
        os.makedirs(self.state_dir, exist_ok=True)
        path = os.path.join(self.state_dir, "state.db")
        with open(path, "wb") as f:
            f.write(bytes((i * 131 + 7) & 0xFF for i in range(8192)))
        return path

    def test_storage_path_creates_the_database_and_reports_it(self):
        db = os.path.join(self.state_dir, "state.db")
        self.assertFalse(os.path.exists(self.state_dir))
        self.start(["--storage.path", self.state_dir])
        self.assertTrue(os.path.isfile(db))
        status, ready = self.daemon.get("/-/ready")
        self.assertEqual(status, 200)
        self.assertEqual(ready["storage"], "sqlite:" + db)
        self.assertEqual(self.daemon.get("/status")[1]["storage"], "sqlite:" + db)
        self.assertIn("state storage opened", self.daemon.logs())
        self.assertIn("nm_state_pending_records", self.daemon.metrics())
        self.assertEqual(self.daemon.terminate(), 0)
        # A second start opens the same file (quick_check and schema version pass).
        self.start(["--storage.path", self.state_dir])
        self.assertEqual(self.daemon.get("/-/ready")[1]["storage"], "sqlite:" + db)

    def test_without_storage_path_state_is_memory_only(self):
        self.start()
        self.assertEqual(self.daemon.get("/status")[1]["storage"], "memory")

    def test_a_corrupt_database_exits_2_naming_the_file(self):
        path = self.corrupt_database()
        code, logs = self.start_expecting_exit(["--storage.path", self.state_dir])
        self.assertEqual(code, 2, logs)
        self.assertIn("state storage refused at startup", logs)
        self.assertIn(path, logs)
        self.assertIn("file is not a database", logs)  # SQLite's message
        self.assertIn("--storage.allow-memory-fallback", logs)

    def test_memory_fallback_starts_and_says_so_loudly(self):
        path = self.corrupt_database()
        self.start(["--storage.path", self.state_dir, "--storage.allow-memory-fallback"])
        logs = self.daemon.logs()
        line = next(l for l in logs.splitlines() if "STATE STORAGE UNAVAILABLE" in l)
        self.assertIn("level=error", line)
        self.assertIn(path, line)
        status, ready = self.daemon.get("/-/ready")
        self.assertEqual(status, 200)
        self.assertTrue(ready["storage"].startswith("memory-only (fallback: "), ready)
        self.assertIn(path, ready["storage"])
        self.assertTrue(self.daemon.get("/status")[1]["storage"].startswith("memory-only"))
        # The corrupt file is left alone for the operator to inspect.
        with open(path, "rb") as f:
            self.assertEqual(f.read(16), bytes((i * 131 + 7) & 0xFF for i in range(16)))

    def test_a_directory_that_cannot_be_created_exits_2(self):
        blocker = os.path.join(self.tmp, "plainfile")
        with open(blocker, "w") as f:
            f.write("x")
        target = os.path.join(blocker, "state")
        code, logs = self.start_expecting_exit(["--storage.path", target])
        self.assertEqual(code, 2, logs)
        self.assertIn("cannot create the --storage.path directory " + target, logs)

    def run_without_write_access(self, state_dir_mode=0o555):
        """Runs the daemon where it cannot write self.state_dir: as root, as user 65534 (setpriv)
        on root's directory; otherwise with the directory made read-only."""
        prefix = []
        if os.geteuid() == 0:
            setpriv = shutil.which("setpriv")
            if not setpriv:
                self.skipTest("running as root without setpriv: cannot drop write access")
            os.chmod(self.tmp, 0o755)  # the configuration stays readable for user 65534
            prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        else:
            os.chmod(self.state_dir, state_dir_mode)
        try:
            proc = subprocess.run(
                prefix + [BINARY, "--config.dir", self.config_dir, "--webhook.address",
                          "127.0.0.1:0", "--storage.path", self.state_dir],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        finally:
            os.chmod(self.state_dir, 0o755)
        return proc.returncode, proc.stdout.decode("utf-8", "replace")

    def test_an_unwritable_directory_exits_2(self):
        os.makedirs(self.state_dir)
        code, logs = self.run_without_write_access()
        self.assertEqual(code, 2, logs)
        self.assertIn("state storage refused at startup", logs)
        self.assertIn(os.path.join(self.state_dir, "state.db"), logs)

    def test_a_read_only_database_file_exits_2(self):
        self.start(["--storage.path", self.state_dir])  # creates state.db
        self.assertEqual(self.daemon.terminate(), 0)
        db = os.path.join(self.state_dir, "state.db")
        if os.geteuid() != 0:
            os.chmod(db, 0o444)
        code, logs = self.run_without_write_access(state_dir_mode=0o755)
        self.assertEqual(code, 2, logs)
        self.assertIn(db, logs)
        self.assertIn("read-only", logs)

if __name__ == "__main__":
    unittest.main()
