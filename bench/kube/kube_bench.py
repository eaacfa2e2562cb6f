#!/usr/bin/env python3
"""Kubernetes-mode benchmark (issue #10): the real daemon watching the fake API server
(tests/fake_kube) with a webhook sink.

  latency: a global webhook Receiver's URL is changed N times with the merge PATCH kubectl apply
           sends; alerts are posted every 10 ms; the figure is the time from sending the PATCH to
           the first request the sink receives on the new URL (p50/p99/max over N changes).
  memory:  10,000 tenant Configs and 10,000 tenant Receivers (each selecting its own Config, as
           bench/config/gen_config.py) created through the API while the daemon watches; then
           RSS settled, one Receiver edited a few times: rebuild time (the reloader's `took`),
           RSS after.

usage: kube_bench.py --binary build/notification-manager [--changes 100] [--receivers 10000]
                     [--only latency|memory]"""

import argparse
import http.client
import http.server
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration"))

import kubetest  # noqa: E402
import nmtest  # noqa: E402

GROUP = kubetest.GROUP
V2 = kubetest.API_VERSION


class StampSink:
    """Records the first arrival time per path."""

    def __init__(self):
        self.first = {}
        self.count = 0
        lock = threading.Lock()
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(n)
                t = time.monotonic()
                with lock:
                    sink.first.setdefault(self.path, t)
                    sink.count += 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def start(binary):
    nmtest.BINARY = binary
    api = kubetest.start_fake()
    return api, api.kubeconfig


def post_alert(conn, i):
    body = json.dumps([{"labels": {"alertname": "KubeBench", "seq": str(i)},
                        "annotations": {}, "startsAt": "2026-12-03T10:00:00Z"}]).encode()
    conn.request("POST", "/api/v2/alerts", body=body,
                 headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    return r.status


def latency(binary, changes):
    tmp = tempfile.mkdtemp(prefix="nm-kube-bench-")
    api, kc = start(binary)
    sink = StampSink()
    api.create(GROUP + "/notificationmanagers",
               kubetest.notification_manager({"batchMaxWait": "10ms"}))
    api.create(GROUP + "/receivers", kubetest.webhook_receiver("bench", sink.url("/v0")))
    d = kubetest.KubeDaemon(tmp, ["--kubeconfig", kc], env={"NAMESPACE": "default"})
    conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10)
    seq = 0
    deadline = time.monotonic() + 30
    while "/v0" not in sink.first:
        seq += 1
        post_alert(conn, seq)
        time.sleep(0.01)
        if time.monotonic() > deadline:
            sys.exit("the first receiver never got an alert:\n" + d.logs())
    out = []
    for i in range(1, changes + 1):
        path = f"/v{i}"
        t0 = time.monotonic()
        api.merge_patch(GROUP + "/receivers/bench", {"spec": {"webhook": {"url": sink.url(path)}}})
        deadline = t0 + 10
        while path not in sink.first:
            seq += 1
            post_alert(conn, seq)
            time.sleep(0.01)
            if time.monotonic() > deadline:
                sys.exit(f"change {i} never took effect")
        out.append(sink.first[path] - t0)
    d.terminate()
    api.stop()
    out.sort()
    p = lambda q: out[min(len(out) - 1, int(q * len(out)))] * 1000  # noqa: E731
    print(f"apply→first notification over {changes} changes: p50 {p(0.5):.0f} ms, "
          f"p99 {p(0.99):.0f} ms, max {out[-1] * 1000:.0f} ms, mean "
          f"{statistics.mean(out) * 1000:.0f} ms")


def receiver(i, sink):
    return {"apiVersion": V2, "kind": "Receiver",
            "metadata": {"name": f"r-{i}", "labels": {"type": "tenant", "namespace": f"tenant-{i}"}},
            "spec": {"webhook": {"enabled": True, "url": sink.url(f"/tenant/{i}"),
                                 "webhookConfigSelector": {"matchLabels": {"config": f"c-{i}"}}}}}


def config(i):
    return {"apiVersion": V2, "kind": "Config",
            "metadata": {"name": f"c-{i}", "labels": {"type": "tenant", "namespace": f"tenant-{i}",
                                                      "config": f"c-{i}"}},
            "spec": {"webhook": {}}}


def memory(binary, n):
    tmp = tempfile.mkdtemp(prefix="nm-kube-bench-")
    api, kc = start(binary)
    sink = StampSink()
    api.create(GROUP + "/notificationmanagers", kubetest.notification_manager())
    d = kubetest.KubeDaemon(tmp, ["--kubeconfig", kc], env={"NAMESPACE": "default"})
    pid = d.proc.pid
    base = rss_mb(pid)
    t0 = time.monotonic()
    for i in range(n):
        api.create(GROUP + "/configs", config(i))
        api.create(GROUP + "/receivers", receiver(i, sink))
    created = time.monotonic()
    peak = 0.0

    def loaded():
        nonlocal peak
        peak = max(peak, rss_mb(pid))
        return re.search(rf'"?receivers"?[=:]"?{n}\b', d.logs())

    nmtest.wait_until(loaded, 120, interval=0.05, what=f"a snapshot with {n} receivers")
    done = time.monotonic()
    time.sleep(2)
    settled = rss_mb(pid)
    reloads_before = len(re.findall("configuration reloaded", d.logs()))
    tooks = []
    for k in range(5):
        api.merge_patch(GROUP + f"/receivers/r-{k}",
                        {"spec": {"webhook": {"url": sink.url(f"/edited/{k}")}}})
        nmtest.wait_until(lambda: len(re.findall("configuration reloaded", d.logs()))
                          > reloads_before + k, 30, interval=0.02, what="the rebuild")
        peak = max(peak, rss_mb(pid))
    for line in d.logs().splitlines()[-400:]:
        if "configuration reloaded" in line:
            m = re.search(r'took[=:]"?([0-9.]+)', line)
            if m:
                tooks.append(float(m.group(1)))
    after = rss_mb(pid)
    print(f"{n} Receivers + {n} Configs through the watch: created in {created - t0:.1f} s, "
          f"snapshot with all {done - created:.2f} s after the last create; RSS empty "
          f"{base:.0f} MB, settled {settled:.0f} MB, after 5 edits {after:.0f} MB, peak "
          f"{peak:.0f} MB; rebuild took (ms, last 5): {tooks[-5:]}")
    d.terminate()
    api.stop()


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--binary", required=True)
    p.add_argument("--changes", type=int, default=100)
    p.add_argument("--receivers", type=int, default=10000)
    p.add_argument("--only", choices=["latency", "memory"])
    a = p.parse_args()
    binary = os.path.abspath(a.binary)
    if a.only in (None, "latency"):
        latency(binary, a.changes)
    if a.only in (None, "memory"):
        memory(binary, a.receivers)


if __name__ == "__main__":
    main()
