"""The fake Kubernetes API server (tests/fake_kube) driven by the real kubectl: apply of every kind
(create, configured, unchanged), server-side validation against deploy/crds (422 naming the field,
unknown fields refused), Table output with the CRDs' printer columns, get -w, delete, pagination,
auth over HTTPS; then the faults the daemon must survive, checked with urllib and raw sockets."""

import json
import os
import queue
import shutil
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fake_kube"))

from harness import KUBECTL, FakeKube  # noqa: E402

# kubectl is preinstalled on these machines (no Debian package ships it): without it only the
# kubectl-driven classes skip.
HAVE_KUBECTL = os.path.exists(KUBECTL)
needs_kubectl = unittest.skipUnless(HAVE_KUBECTL, "needs kubectl on PATH")

API = "/apis/notification.kubesphere.io/v2beta2"

SAMPLES = """\
apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
apiVersion: v1
kind: Secret
metadata: {name: webhook-token, namespace: team-a}
data: {token: c2VjcmV0}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: templates, namespace: team-a}
data: {template.tmpl: '{{ define "x" }}hello{{ end }}'}
---
apiVersion: notification.kubesphere.io/v2beta2
kind: NotificationManager
metadata: {name: notification-manager}
spec:
  defaultConfigSelector: {matchLabels: {type: default}}
  receivers:
    tenantKey: namespace
    globalReceiverSelector: {matchLabels: {type: global}}
    tenantReceiverSelector: {matchLabels: {type: tenant}}
    options: {global: {cluster: c1}, webhook: {notificationTimeout: 5}}
  resources: {limits: {cpu: 500m, memory: 100Mi}}
  batchMaxSize: 100
  batchMaxWait: 1s
  routePolicy: All
  template: {text: {name: templates, namespace: team-a}}
---
apiVersion: notification.kubesphere.io/v2beta2
kind: Config
metadata: {name: default-email, labels: {type: default}}
spec:
  email:
    from: nm@example.com
    smartHost: {host: smtp.example.com, port: 25}
    authPassword: {valueFrom: {secretKeyRef: {namespace: team-a, name: webhook-token, key: token}}}
---
apiVersion: notification.kubesphere.io/v2beta2
kind: Receiver
metadata: {name: team-a-webhook, labels: {type: tenant, namespace: team-a}}
spec:
  webhook:
    url: http://sink.example:8080/alerts
    httpConfig:
      bearerToken: {valueFrom: {secretKeyRef: {namespace: team-a, name: webhook-token, key: token}}}
---
apiVersion: notification.kubesphere.io/v2beta2
kind: Router
metadata: {name: critical}
spec:
  alertSelector: {matchExpressions: [{key: severity, operator: In, values: [critical]}]}
  receivers: {name: [team-a-webhook], type: webhook}
---
apiVersion: notification.kubesphere.io/v2beta2
kind: Silence
metadata: {name: nightly, labels: {type: global}}
spec:
  matcher: {matchLabels: {alertname: Watchdog}}
  schedule: "0 2 * * *"
  duration: 1h
"""

RECEIVER = """\
apiVersion: notification.kubesphere.io/v2beta2
kind: Receiver
metadata: {{name: {name}, labels: {{type: global}}}}
spec:
  webhook: {{url: "{url}"}}
"""


def lines_of(text):
    return [ln for ln in text.splitlines() if ln.strip()]


class LineReader:
    """Lines of a pipe, read by a thread, waited for with a deadline."""

    def __init__(self, pipe):
        self.q = queue.Queue()
        threading.Thread(target=self.pump, args=(pipe,), daemon=True).start()

    def pump(self, pipe):
        for line in pipe:
            self.q.put(line)
        self.q.put(None)

    def wait_for(self, predicate, timeout=20):
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            seen.append(line)
            if predicate(line):
                return line
        raise AssertionError(f"no matching line; saw {seen!r}")


@needs_kubectl
class KubectlAgainstFake(unittest.TestCase):
    def setUp(self):
        self.k = FakeKube()
        self.addCleanup(self.k.stop)
        self.samples = os.path.join(self.k.dir, "samples.yaml")
        with open(self.samples, "w") as f:
            f.write(SAMPLES)

    def apply(self, text, *extra):
        p = os.path.join(self.k.dir, "apply.yaml")
        with open(p, "w") as f:
            f.write(text)
        return self.k.kubectl("apply", "-f", p, *extra)

    def requests(self):
        return self.k.control("requests")

    def test_apply_every_kind_creates_then_patches_only_what_changed(self):
        r = self.k.kubectl("apply", "-f", self.samples)
        self.assertEqual(r.returncode, 0, r.stderr)
        for what in ("namespace/team-a", "secret/webhook-token", "configmap/templates",
                     "notificationmanager.notification.kubesphere.io/notification-manager",
                     "config.notification.kubesphere.io/default-email",
                     "receiver.notification.kubesphere.io/team-a-webhook",
                     "router.notification.kubesphere.io/critical",
                     "silence.notification.kubesphere.io/nightly"):
            self.assertIn(what + " created", r.stdout)
        r = self.k.kubectl("apply", "-f", self.samples)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.count(" unchanged"), 8, r.stdout)
        self.assertFalse([q for q in self.requests() if q["method"] == "PATCH"])
        changed = SAMPLES.replace("sink.example:8080", "sink.example:9090")
        r = self.apply(changed)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("receiver.notification.kubesphere.io/team-a-webhook configured", r.stdout)
        patches = [q["path"] for q in self.requests() if q["method"] == "PATCH"]
        self.assertEqual(patches, [API + "/receivers/team-a-webhook"])
        status, obj = self.k.request("GET", API + "/receivers/team-a-webhook")
        self.assertEqual(obj["spec"]["webhook"]["url"], "http://sink.example:9090/alerts")
        self.assertEqual(obj["metadata"]["generation"], 2)
        status, secret = self.k.request("GET", "/api/v1/namespaces/team-a/secrets/webhook-token")
        self.assertEqual(secret["data"], {"token": "c2VjcmV0"})

    def test_server_side_apply_creates_and_updates(self):
        r = self.k.kubectl("apply", "--server-side", "-f", self.samples)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.count("serverside-applied"), 8, r.stdout)
        r = self.apply(RECEIVER.format(name="team-a-webhook", url="http://other/x"),
                       "--server-side")
        self.assertEqual(r.returncode, 0, r.stderr)
        status, obj = self.k.request("GET", API + "/receivers/team-a-webhook")
        self.assertEqual(obj["spec"]["webhook"]["url"], "http://other/x")

    def test_invalid_object_is_refused_with_422_naming_the_field(self):
        bad = RECEIVER.format(name="bad", url="x").replace('url: "x"', "url: 5") + \
            "  sms: {phoneNumbers: [abc]}\n"
        r = self.apply(bad)
        self.assertEqual(r.returncode, 1)
        self.assertIn('The Receiver "bad" is invalid', r.stderr)
        self.assertIn('spec.webhook.url: Invalid value: "integer": spec.webhook.url in body must '
                      'be of type string: "integer"', r.stderr)
        self.assertIn("spec.sms.phoneNumbers[0]: Invalid value: \"abc\"", r.stderr)
        status, st = self.k.request("POST", API + "/receivers?fieldValidation=Strict", {
            "apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
            "metadata": {"name": "bad"}, "spec": {"email": {"to": []}}})
        self.assertEqual(status, 422)
        self.assertEqual(st["reason"], "Invalid")
        self.assertEqual(st["message"], 'Receiver.notification.kubesphere.io "bad" is invalid: '
                         "spec.email.to: Invalid value: 0: spec.email.to in body should have at "
                         "least 1 items")
        self.assertEqual(st["details"]["causes"][0]["field"], "spec.email.to")
        status, _ = self.k.request("GET", API + "/receivers/bad")
        self.assertEqual(status, 404)

    def test_required_enum_and_one_of_are_enforced(self):
        status, st = self.k.request("POST", API + "/routers", {
            "apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Router",
            "metadata": {"name": "r"}, "spec": {"receivers": {"type": "pager"}}})
        self.assertEqual(status, 422)
        fields = {c["field"]: c["reason"] for c in st["details"]["causes"]}
        self.assertEqual(fields, {"spec.alertSelector": "FieldValueRequired",
                                  "spec.receivers.type": "FieldValueNotSupported"})
        status, st = self.k.request("POST", API + "/receivers", {
            "apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
            "metadata": {"name": "r"}, "spec": {"webhook": {
                "url": "http://a", "service": {"namespace": "n", "name": "s"}}}})
        self.assertEqual(status, 422)
        self.assertIn("spec.webhook in body must validate one and only one schema (oneOf)",
                      st["message"])

    def test_unknown_field_is_refused_under_strict_and_pruned_otherwise(self):
        text = RECEIVER.format(name="unk", url="http://a/b") + "  foo: 1\n"
        r = self.apply(text)
        self.assertEqual(r.returncode, 1)
        self.assertIn('Error from server (BadRequest): error when creating', r.stderr)
        self.assertIn('Receiver in version "v2beta2" cannot be handled as a Receiver: strict '
                      'decoding error: unknown field "spec.foo"', r.stderr)
        r = self.apply(text, "--validate=false")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('Warning: unknown field "spec.foo"', r.stderr)
        status, obj = self.k.request("GET", API + "/receivers/unk")
        self.assertNotIn("foo", obj["spec"])

    def test_missing_namespace_is_not_found(self):
        r = self.apply("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: nope}\n"
                       "stringData: {k: v}\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn('namespaces "nope" not found', r.stderr)

    def test_get_shows_printer_columns(self):
        self.assertEqual(self.k.kubectl("apply", "-f", self.samples).returncode, 0)
        r = self.k.kubectl("get", "receivers")
        self.assertEqual(r.returncode, 0, r.stderr)
        head, row = lines_of(r.stdout)
        self.assertEqual(head.split(), ["NAME", "TYPE", "TENANT", "CHANNELS", "AGE"])
        self.assertEqual(row.split()[:3], ["team-a-webhook", "tenant", "team-a"])
        self.assertIn('{"webhook":{', row)
        self.assertRegex(row.split()[-1], r"^\d+s$")
        r = self.k.kubectl("get", "nr", "-o", "wide")
        self.assertIn("USER", lines_of(r.stdout)[0].split())
        r = self.k.kubectl("get", "notification-manager")  # the category
        self.assertEqual(r.returncode, 0, r.stderr)
        for name in ("notificationmanager.notification.kubesphere.io/notification-manager",
                     "config.notification.kubesphere.io/default-email",
                     "silence.notification.kubesphere.io/nightly"):
            self.assertIn(name, r.stdout)
        r = self.k.kubectl("get", "silences")
        self.assertEqual(lines_of(r.stdout)[0].split(),
                         ["NAME", "TYPE", "ENABLED", "SCHEDULE", "DURATION", "AGE"])

    def test_get_watch_sees_an_edit_and_a_delete(self):
        self.assertEqual(self.apply(RECEIVER.format(name="w", url="http://a/1")).returncode, 0)
        p = self.k.kubectl_popen("get", "nr", "-w")
        self.addCleanup(p.kill)
        out = LineReader(p.stdout)
        out.wait_for(lambda ln: ln.startswith("NAME"))
        out.wait_for(lambda ln: ln.startswith("w ") and "http://a/1" in ln)
        self.assertEqual(self.apply(RECEIVER.format(name="w", url="http://a/2")).returncode, 0)
        out.wait_for(lambda ln: ln.startswith("w ") and "http://a/2" in ln)
        watches = [q for q in self.requests() if "watch=true" in q["query"]]
        self.assertEqual(len(watches), 1, watches)
        self.assertEqual(self.k.kubectl("delete", "nr", "w").returncode, 0)
        self.k.control("cut-watches")  # kubectl get -w ends when its stream does
        p.wait(20)

    def test_delete_then_not_found(self):
        self.assertEqual(self.apply(RECEIVER.format(name="d", url="http://a/1")).returncode, 0)
        r = self.k.kubectl("delete", "receiver", "d")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('receiver.notification.kubesphere.io "d" deleted', r.stdout)
        r = self.k.kubectl("get", "receiver", "d")
        self.assertEqual(r.returncode, 1)
        self.assertIn('Error from server (NotFound): receivers.notification.kubesphere.io "d" '
                      "not found", r.stderr)
        r = self.k.kubectl("delete", "receiver", "d")
        self.assertEqual(r.returncode, 1)
        self.assertIn("(NotFound)", r.stderr)

    def test_pagination_with_chunk_size(self):
        text = "---\n".join(RECEIVER.format(name=f"p{i}", url=f"http://a/{i}") for i in range(5))
        self.assertEqual(self.apply(text).returncode, 0)
        r = self.k.kubectl("get", "nr", "--chunk-size", "2", "-o", "name")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(lines_of(r.stdout),
                         [f"receiver.notification.kubesphere.io/p{i}" for i in range(5)])
        lists = [q["query"] for q in self.requests()
                 if q["method"] == "GET" and q["path"] == API + "/receivers"]
        self.assertEqual(len(lists), 3, lists)
        self.assertTrue(all("limit=2" in q for q in lists))
        self.assertEqual(sum("continue=" in q for q in lists), 2)

    def test_typed_create_commands_send_protobuf(self):
        r = self.k.kubectl("create", "namespace", "proto")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.k.kubectl("create", "secret", "generic", "s", "-n", "proto",
                           "--from-literal=token=abc")
        self.assertEqual(r.returncode, 0, r.stderr)
        status, s = self.k.request("GET", "/api/v1/namespaces/proto/secrets/s")
        self.assertEqual((s["data"], s["type"]), ({"token": "YWJj"}, "Opaque"))


@needs_kubectl
@unittest.skipUnless(shutil.which("openssl"), "needs openssl")
class KubectlOverHttps(unittest.TestCase):
    """kubectl sends no bearer token over plain http: tokens and certificates need HTTPS."""

    def test_token_and_client_certificate(self):
        k = FakeKube(tls=True, tokens=["good-token"], client_ca=True)
        self.addCleanup(k.stop)
        r = k.kubectl("get", "receivers")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("No resources found", r.stderr)
        wrong = k.write_kubeconfig(token="wrong", name="wrong")
        r = k.kubectl("get", "receivers", kubeconfig=wrong)
        self.assertEqual(r.returncode, 1)
        self.assertIn("error: You must be logged in to the server", r.stderr)
        certs = k.write_kubeconfig(cert=True, name="certs")
        r = k.kubectl("get", "receivers", kubeconfig=certs)
        self.assertEqual(r.returncode, 0, r.stderr)
        auths = {q["auth"] for q in k.control("requests")}
        self.assertEqual(auths, {"bearer", "none", "cert"})
        status, body = k.request("GET", API + "/receivers", token="wrong")
        self.assertEqual((status, body["reason"], body["code"]), (401, "Unauthorized", 401))
        k.control("config", {"tokens": ["rotated"]})
        self.assertEqual(k.request("GET", API + "/receivers")[0], 401)
        self.assertEqual(k.request("GET", API + "/receivers", token="rotated")[0], 200)


def watch_socket(k, query, path=API + "/receivers"):
    """A raw HTTP/1.1 watch request; returns the socket after the response headers."""
    s = socket.create_connection(("127.0.0.1", k.port), timeout=20)
    s.sendall(f"GET {path}?watch=true&{query} HTTP/1.1\r\nHost: x\r\n"
              "Accept: application/json\r\n\r\n".encode())
    return s


class ChunkedStream:
    """Reads an HTTP/1.1 chunked response: events, whether it ended cleanly."""

    def __init__(self, sock):
        self.f = sock.makefile("rb")
        status = self.f.readline()
        assert b" 200 " in status, status
        while self.f.readline() not in (b"\r\n", b""):
            pass
        self.buf = b""
        self.clean_end = False
        self.eof = False

    def next_event(self):
        """The next event, or None at the end of the stream (clean or not)."""
        while b"\n" not in self.buf:
            size_line = self.f.readline()
            if not size_line:
                self.eof = True
                return None
            size = int(size_line.strip() or b"0", 16)
            if size == 0:
                self.f.readline()
                self.clean_end = True
                return None
            data = self.f.read(size + 2)
            if len(data) < size + 2:
                self.buf += data
                self.eof = True
                return None
            self.buf += data[:-2]
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)


class FakeFaults(unittest.TestCase):
    def setUp(self):
        self.k = FakeKube()
        self.addCleanup(self.k.stop)

    def create(self, name, url="http://a/1", labels=None):
        status, obj = self.k.request("POST", API + "/receivers", {
            "apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
            "metadata": {"name": name, "labels": labels or {"type": "global"}},
            "spec": {"webhook": {"url": url}}})
        self.assertEqual(status, 201, obj)
        return obj

    def patch(self, name, url):
        status, obj = self.k.request("PATCH", API + "/receivers/" + name,
                                     {"spec": {"webhook": {"url": url}}},
                                     "application/merge-patch+json")
        self.assertEqual(status, 200, obj)
        return obj

    def stream(self, query):
        s = watch_socket(self.k, query)
        self.addCleanup(s.close)
        return ChunkedStream(s)

    def test_watch_from_zero_sends_synthetic_added_then_changes(self):
        self.create("a")
        w = self.stream("resourceVersion=0")
        e = w.next_event()
        self.assertEqual((e["type"], e["object"]["metadata"]["name"]), ("ADDED", "a"))
        rv = int(e["object"]["metadata"]["resourceVersion"])
        self.patch("a", "http://a/2")
        e = w.next_event()
        self.assertEqual(e["type"], "MODIFIED")
        self.assertGreater(int(e["object"]["metadata"]["resourceVersion"]), rv)
        status, _ = self.k.request("DELETE", API + "/receivers/a", {"propagationPolicy":
                                                                     "Background"})
        self.assertEqual(status, 200)
        e = w.next_event()
        self.assertEqual((e["type"], e["object"]["spec"]["webhook"]["url"]),
                         ("DELETED", "http://a/2"))

    def test_compaction_makes_old_watches_and_continue_tokens_gone(self):
        first = self.create("a")
        self.create("b")
        self.create("c")
        status, page = self.k.request("GET", API + "/receivers?limit=1")
        token = page["metadata"]["continue"]
        self.assertEqual(page["metadata"]["remainingItemCount"], 2)
        self.k.control("compact")
        w = self.stream("resourceVersion=" + first["metadata"]["resourceVersion"])
        e = w.next_event()
        self.assertEqual(e["type"], "ERROR")
        self.assertEqual((e["object"]["code"], e["object"]["reason"]), (410, "Expired"))
        self.assertRegex(e["object"]["message"], r"^too old resource version: \d+ \(\d+\)$")
        self.assertIsNone(w.next_event())
        self.assertTrue(w.clean_end)
        status, st = self.k.request("GET", API + "/receivers?limit=1&continue=" + token)
        self.assertEqual((status, st["reason"]), (410, "Expired"))
        # A watch from the list's current resourceVersion still works.
        status, lst = self.k.request("GET", API + "/receivers")
        w = self.stream("resourceVersion=" + lst["metadata"]["resourceVersion"])
        self.patch("b", "http://b/2")
        e = w.next_event()
        self.assertEqual((e["type"], e["object"]["metadata"]["name"]), ("MODIFIED", "b"))

    def test_cut_watches_end_mid_line_without_the_last_chunk(self):
        w = self.stream("resourceVersion=0")
        deadline = time.monotonic() + 10
        while not self.k.control("watchers") and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertEqual(self.k.control("watchers")[0]["path"], API + "/receivers")
        self.assertEqual(self.k.control("cut-watches"), {"cut": 1})
        self.assertIsNone(w.next_event())
        self.assertFalse(w.clean_end)
        self.assertTrue(w.buf.startswith(b'{"type":'))
        deadline = time.monotonic() + 10
        while self.k.control("watchers") and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertEqual(self.k.control("watchers"), [])

    def test_bookmarks_only_when_asked(self):
        self.k.control("config", {"bookmarkIntervalSeconds": 0.2})
        obj = self.create("a")
        rv = obj["metadata"]["resourceVersion"]
        w = self.stream(f"resourceVersion={rv}&allowWatchBookmarks=true")
        e = w.next_event()
        self.assertEqual(e, {"type": "BOOKMARK", "object": {
            "kind": "Receiver", "apiVersion": "notification.kubesphere.io/v2beta2",
            "metadata": {"resourceVersion": rv}}})
        plain = self.stream(f"resourceVersion={rv}")
        # Two more bookmarks on the stream that asked for them: intervals passed on both streams
        # (the plain one was open meanwhile); then a marker event.
        for _ in range(2):
            self.assertEqual(w.next_event()["type"], "BOOKMARK")
        self.patch("a", "http://a/marker")
        self.assertEqual(plain.next_event()["type"], "MODIFIED")

    def test_timeout_seconds_ends_the_stream_cleanly(self):
        start = time.monotonic()
        w = self.stream("resourceVersion=0&timeoutSeconds=1")
        self.assertIsNone(w.next_event())
        self.assertTrue(w.clean_end)
        self.assertLess(time.monotonic() - start, 5)
        self.k.control("config", {"watchTimeoutSeconds": 1})
        w = self.stream("resourceVersion=0")
        self.assertIsNone(w.next_event())
        self.assertTrue(w.clean_end)

    def test_field_selector_and_namespace_filter_watch_events(self):
        w = self.stream("resourceVersion=0&fieldSelector=metadata.name%3Db")
        self.create("a")
        self.create("b")
        e = w.next_event()
        self.assertEqual(e["object"]["metadata"]["name"], "b")
        ns = watch_socket(self.k, "fieldSelector=metadata.namespace%3Dteam&resourceVersion=0",
                          path="/api/v1/secrets")
        self.addCleanup(ns.close)
        nsw = ChunkedStream(ns)
        for space in ("default", "team"):
            if space == "team":
                self.assertEqual(self.k.request("POST", "/api/v1/namespaces", {
                    "metadata": {"name": "team"}})[0], 201)
            status, obj = self.k.request("POST", f"/api/v1/namespaces/{space}/secrets", {
                "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
                "stringData": {"k": space}})
            self.assertEqual(status, 201, obj)
        e = nsw.next_event()
        self.assertEqual(e["object"]["metadata"]["namespace"], "team")
        self.assertEqual(e["object"]["data"], {"k": "dGVhbQ=="})

    def test_delay_slows_every_answer(self):
        self.k.control("config", {"delayMs": 300})
        start = time.monotonic()
        self.assertEqual(self.k.request("GET", API + "/receivers")[0], 200)
        self.assertGreaterEqual(time.monotonic() - start, 0.3)

    def test_max_page_size_pages_even_large_limits(self):
        for n in "abc":
            self.create(n)
        self.k.control("config", {"maxPageSize": 2})
        status, page = self.k.request("GET", API + "/receivers?limit=500")
        self.assertEqual([o["metadata"]["name"] for o in page["items"]], ["a", "b"])
        status, rest = self.k.request("GET", API + "/receivers?limit=500&continue="
                                      + page["metadata"]["continue"])
        self.assertEqual([o["metadata"]["name"] for o in rest["items"]], ["c"])
        self.assertNotIn("continue", rest["metadata"])

    def test_events_can_be_created_and_listed(self):
        status, ev = self.k.request("POST", "/api/v1/namespaces/default/events", {
            "apiVersion": "v1", "kind": "Event", "metadata": {"generateName": "nr-bad."},
            "involvedObject": {"kind": "Receiver", "name": "bad",
                               "apiVersion": "notification.kubesphere.io/v2beta2"},
            "reason": "InvalidResource", "message": "spec.webhook.url: bad", "type": "Warning"})
        self.assertEqual(status, 201, ev)
        self.assertTrue(ev["metadata"]["name"].startswith("nr-bad."))
        status, lst = self.k.request("GET", "/api/v1/namespaces/default/events")
        self.assertEqual([e["reason"] for e in lst["items"]], ["InvalidResource"])

    def test_update_with_a_stale_resource_version_conflicts(self):
        obj = self.create("a")
        self.patch("a", "http://a/2")
        status, st = self.k.request("PUT", API + "/receivers/a", obj)
        self.assertEqual((status, st["reason"]), (409, "Conflict"))


if __name__ == "__main__":
    unittest.main()
