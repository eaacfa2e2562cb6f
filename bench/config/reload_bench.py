#!/usr/bin/env python3
"""Reload benchmark (issue #9): the daemon on a generated directory (gen_config.py: 10,000
receivers + 10,000 configs) with its own log file written inside that directory. Measures, from
the daemon's log and /proc: startup load, idle reloads caused by the log file (must be 0), a file
rewritten with the same bytes (fingerprint only, skipped) and a real one-receiver change (full
rebuild): wall time of the reload as logged (`took`), process CPU and peak RSS during it.

usage: reload_bench.py --binary build/notification-manager [--receivers 10000] [--rounds 3]"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def wait_for(pred, timeout, what, sample=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if sample:
            sample()
        v = pred()
        if v:
            return v
        time.sleep(0.005)
    sys.exit(f"timeout waiting for {what}")


class Proc:
    def __init__(self, pid):
        self.pid = pid
        self.tick = os.sysconf("SC_CLK_TCK")
        self.peak = 0

    def cpu(self):
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.tick

    def rss_mb(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0

    def sample(self):
        self.peak = max(self.peak, self.rss_mb())


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--binary", required=True)
    p.add_argument("--receivers", type=int, default=10000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--port", type=int, default=19393)
    a = p.parse_args()

    work = tempfile.mkdtemp(prefix="nm-reload-bench-")
    cfg = os.path.join(work, "config")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_config.py"), "--dir", cfg,
                    "--receivers", str(a.receivers)], check=True)
    log_path = os.path.join(cfg, "nm.log")  # inside the watched directory, on purpose
    log = open(log_path, "w")
    t0 = time.time()
    d = subprocess.Popen([a.binary, "--config.dir", cfg, "--log.level", "debug",
                          "--webhook.address", f"127.0.0.1:{a.port}"], stdout=log, stderr=log)
    proc = Proc(d.pid)

    def text():
        with open(log_path) as f:
            return f.read()

    def count(pattern):
        return len(re.findall(pattern, text()))

    try:
        wait_for(lambda: "msg=listening" in text(), 300, "startup")
        startup = time.time() - t0
        start_took = re.findall(r'msg="configuration reloaded".* took=([\d.]+)ms', text())[0]
        print(f"startup: {startup:.2f} s to listening, first load+build {start_took} ms, "
              f"RSS {proc.rss_mb():.0f} MB, CPU {proc.cpu():.2f} s")
        # Idle with the log file in the directory: every reload would write the log again.
        idle_cpu = proc.cpu()
        time.sleep(3)  # the benchmark observes an idle period; not a test
        reloads = count('msg="configuration reloaded"') - 1
        skipped = count("configuration unchanged")
        print(f"idle 3 s: reloads {reloads}, skipped {skipped}, "
              f"CPU {proc.cpu() - idle_cpu:.2f} s")

        target = os.path.join(cfg, "receivers-050.yaml")
        with open(target) as f:
            original = f.read()
        changed = original.replace("/tenant/5000\n", "/tenant/5000-changed\n")
        assert changed != original
        current, version = original, 1
        for r in range(a.rounds):
            for kind in ("touch", "change"):
                if kind == "touch":  # the same bytes again: fingerprint only
                    pattern = "configuration unchanged"
                else:  # one receiver's URL: a full rebuild
                    current = changed if current == original else original
                    pattern = 'msg="configuration reloaded"'
                n = count(pattern)
                cpu0 = proc.cpu()
                rss0 = proc.peak = proc.rss_mb()
                with open(target, "w") as f:
                    f.write(current)
                wait_for(lambda: count(pattern) > n, 120, kind, proc.sample)
                line = [ln for ln in text().splitlines() if pattern in ln][-1]
                took = re.search(r" took=([\d.]+)ms", line).group(1)
                load = re.search(r"load_took=([\d.]+)ms", line)
                if kind == "change":
                    version += 1
                cpu = proc.cpu() - cpu0
                # The log line comes before the old snapshot is dropped and memory trimmed.
                settle = time.time() + 1.0
                while time.time() < settle:
                    proc.sample()
                    time.sleep(0.01)
                print(f"round {r + 1} {kind:6}: took {took} ms"
                      + (f" (load+fingerprint {load.group(1)} ms)" if load else "")
                      + f", CPU {cpu:.2f} s, RSS {rss0:.0f} -> peak {proc.peak:.0f} -> "
                      f"{proc.rss_mb():.0f} MB after, version {version}")
    finally:
        d.terminate()
        d.wait(30)
        log.close()
    print(f"work dir: {work}")


if __name__ == "__main__":
    main()
