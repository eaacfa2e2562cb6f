"""The README's first command, as a newcomer runs it: scripts/run-example.sh (one-shot mode)
must show the example alerts delivered to the global receiver, the demo tenant (minus the alert
its Silence mutes) and the history webhook."""

import json
import os
import re
import subprocess
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class ExampleTest(unittest.TestCase):

    def test_run_example_delivers(self):
        env = dict(os.environ, NM_EXAMPLE_ONESHOT="1", NM_EXAMPLE_PORT="19193")
        if os.environ.get("NM_BINARY"):  # under ctest: the binaries of the build being tested
            env["NM_EXAMPLE_BUILD_DIR"] = os.path.dirname(os.environ["NM_BINARY"])
        out = subprocess.run(["scripts/run-example.sh"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=600)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        text = out.stdout
        self.assertIn('"Message":"Notification request accepted"', text)
        bodies = {}
        for m in re.finditer(r"nm-sink: POST (\S+) \(\d+ alerts\)\n(.*)\n", text):
            bodies.setdefault(m.group(1), []).append(json.loads(m.group(2)))

        def names(path):
            return sorted(a["labels"]["alertname"] for b in bodies.get(path, [])
                          for a in b["alerts"])
        self.assertEqual(names("/global"), ["KubePodCrashLooping", "NodeDiskFull", "Watchdog"])
        self.assertEqual(names("/tenant/demo"), ["KubePodCrashLooping"])
        self.assertIn("KubePodCrashLooping", names("/history"))
        # the Secret's token never shows in what the script prints
        self.assertNotIn("example-token-not-a-secret", out.stdout + out.stderr)


if __name__ == "__main__":
    unittest.main()
