"""Harness for integration tests: runs the real notification-manager binary on a temporary config
directory against a local recording HTTP sink (a protocol-faithful webhook peer). Stdlib only."""

import http.client
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

BINARY = os.environ.get("NM_BINARY") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "notification-manager")

NM_HEADER = """apiVersion: notification.kubesphere.io/v2beta2
kind: NotificationManager
metadata:
  name: notification-manager
spec:
  defaultConfigSelector:
    matchLabels:
      type: default
  receivers:
    tenantKey: namespace
    globalReceiverSelector:
      matchLabels:
        type: global
    tenantReceiverSelector:
      matchLabels:
        type: tenant
{options}  batchMaxSize: {batch_max_size}
  batchMaxWait: {batch_max_wait}
  routePolicy: {route_policy}
  groupLabels: {group_labels}
{extra}"""


def nm_manifest(batch_max_size=100, batch_max_wait="50ms", route_policy="All",
                group_labels="[alertname, namespace]", extra="", options=None):
    """A NotificationManager; `options` (a dict) becomes spec.receivers.options."""
    opts = f"    options: {json.dumps(options)}\n" if options is not None else ""
    return NM_HEADER.format(batch_max_size=batch_max_size, batch_max_wait=batch_max_wait,
                            route_policy=route_policy, group_labels=group_labels, extra=extra,
                            options=opts)


def webhook_receiver(name, url, labels, extra=""):
    label_lines = "".join(f"    {k}: {v}\n" for k, v in labels.items())
    return f"""apiVersion: notification.kubesphere.io/v2beta2
kind: Receiver
metadata:
  name: {name}
  labels:
{label_lines}spec:
  webhook:
    enabled: true
    url: {url}
{extra}"""


def alert(labels, status="firing", annotations=None, starts="2026-11-25T10:00:00Z"):
    return {"status": status, "labels": labels,
            "annotations": annotations or {"summary": "test alert"},
            "startsAt": starts, "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus:9090/graph"}


def am_webhook(alerts):
    """The Alertmanager webhook object (version 4)."""
    return {"receiver": "nm", "status": "firing", "alerts": alerts, "groupLabels": {},
            "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://am:9093",
            "version": "4", "groupKey": "{}:{}", "truncatedAlerts": 0}


class Sink:
    """Records every request; answers scripted statuses per path (default 200)."""

    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()
        self.scripts = {}  # path -> list of statuses to answer first
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                try:
                    parsed = json.loads(body)
                except ValueError:
                    parsed = None
                with sink.lock:
                    sink.requests.append({"path": self.path, "headers": dict(self.headers),
                                          "body": body, "json": parsed})
                    script = sink.scripts.get(self.path)
                    status = script.pop(0) if script else 200
                payload = b'{"status":"ok"}' if status < 300 else b'{"error":"scripted failure"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                # The daemon killed at tearDown resets its idle keep-alive connections.
                if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, path, statuses):
        with self.lock:
            self.scripts[path] = list(statuses)

    def on(self, path):
        with self.lock:
            return [r for r in self.requests if r["path"] == path]

    def alerts_on(self, path):
        out = []
        for r in self.on(path):
            out.extend((r["json"] or {}).get("alerts", []))
        return out

    def clear(self):
        with self.lock:
            self.requests.clear()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def wait_until(pred, timeout=10.0, interval=0.05, what="condition"):
    """Polls `pred` until it returns something true (returned) or fails after `timeout` seconds.
    Tests wait on conditions, never on a bare sleep."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def parse_metrics(text):
    """Prometheus text exposition -> {"name{labels}": value} (samples only)."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, value = line.rpartition(" ")
        try:
            out[key] = float(value)
        except ValueError:
            pass
    return out


def metric_sum(samples, name):
    """The sum of every series of `name` (0 when it has none yet)."""
    return sum(v for k, v in samples.items() if k == name or k.startswith(name + "{"))


class Daemon:
    """The real binary on 127.0.0.1 with a random port, stopped by its PID."""

    def __init__(self, config_dir, extra_args=(), expect_start=True, start_timeout=15):
        self.config_dir = config_dir
        self.log_path = os.path.join(config_dir, "..", "daemon.log")
        self.log = open(self.log_path, "wb")
        args = [BINARY, "--config.dir", config_dir, "--webhook.address", "127.0.0.1:0",
                "--log.level", "debug", *extra_args]
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        self.port = None
        if expect_start:
            self.port = wait_until(self._port, start_timeout, what="daemon to listen")
            wait_until(self._live, 10, what="daemon live")

    def _live(self):
        try:
            return self.get("/-/live")[0] == 200
        except OSError:
            return False

    def _port(self):
        if self.proc.poll() is not None:
            raise AssertionError("daemon exited early:\n" + self.logs())
        m = re.search(r'msg=listening address=[^ \n]*:(\d+)', self.logs())
        return int(m.group(1)) if m else None

    def logs(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def request(self, method, path, body=None, headers=None, timeout=10):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode()
            h = {"Content-Type": "application/json"}
            h.update(headers or {})
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            data = r.read()
            return r.status, data, dict(r.getheaders())
        finally:
            conn.close()

    def post(self, path, body, headers=None):
        status, data, _ = self.request("POST", path, body, headers)
        try:
            return status, json.loads(data)
        except ValueError:
            return status, data

    def get(self, path):
        status, data, _ = self.request("GET", path)
        try:
            return status, json.loads(data)
        except ValueError:
            return status, data

    def metrics(self):
        status, data, _ = self.request("GET", "/metrics")
        if status != 200:
            raise AssertionError(f"/metrics answered {status}")
        return parse_metrics(data.decode("utf-8", "replace"))

    def settled(self):
        """True when every alert accepted so far has been pulled from the queue and every batch
        acked. A batch is acked only after notify (retries included) and history finished, so from
        then on nothing more reaches any peer because of those alerts."""
        m = self.metrics()
        # The active-alert store's sweep re-injects resolved alerts into the queue itself.
        accepted = metric_sum(m, "nm_alerts_received_total") - metric_sum(
            m, "nm_alerts_rejected_total") + metric_sum(
            m, 'nm_alert_store_sweep_total{result="reinjected"}')
        return (metric_sum(m, "nm_alerts_dispatched_total") == accepted
                and metric_sum(m, "nm_queue_length") == 0
                and metric_sum(m, "nm_batches_in_flight") == 0)

    def wait_settled(self, timeout=30):
        """The marker for "nothing more will arrive": waits until settled()."""
        wait_until(self.settled, timeout, what="every accepted alert notified and acked")

    def terminate(self, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        finally:
            self.log.close()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.log.closed:
            self.log.close()


class NMTestCase(unittest.TestCase):
    """A temporary config directory, a sink, and helpers to start the daemon on them."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="nm-it-")
        self.config_dir = os.path.join(self.tmp, "config")
        os.makedirs(self.config_dir)
        self.sink = Sink()
        self.daemon = None

    def tearDown(self):
        if self.daemon:
            self.daemon.kill()
            if self._outcome_failed():
                print("---- daemon log ----\n" + self.daemon.logs()[-6000:])
        self.sink.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _outcome_failed(self):
        outcome = getattr(self, "_outcome", None)
        if outcome is None:
            return False
        errors = getattr(outcome, "errors", None) or []
        result = getattr(outcome, "result", None)
        if result is not None:
            errors = list(getattr(result, "errors", [])) + list(getattr(result, "failures", []))
        return any(e[1] for e in errors) if errors else False

    def write(self, name, text):
        path = os.path.join(self.config_dir, name)
        tmp = path + ".tmp~"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)
        return path

    def start(self, extra_args=()):
        self.daemon = Daemon(self.config_dir, extra_args)
        return self.daemon

    def post_alerts(self, alerts, fmt="webhook"):
        body = am_webhook(alerts) if fmt == "webhook" else alerts
        return self.daemon.post("/api/v2/alerts", body)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
