"""Shared base of the fake vendor servers: a threaded stdlib HTTP server on 127.0.0.1 that records
every request (method, path, query, headers, JSON or form body) and can be scripted to fail the
next N requests with a status. handle() answers JSON by default; it may also return a third element
{"Content-Type": ..., other headers} with a str/bytes answer (XML, text) or None (empty body)."""

import http.server
import json
import threading
import time
import urllib.parse


class FakeServer:
    """Subclasses implement handle(method, path, query, body) -> (status, dict)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.current = None  # the request being handled (headers etc.), set under lock
        self.requests = []  # dicts: method, path, query, body (parsed JSON or None), at
        self._failures = []  # statuses to answer next, in order
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self, method):
                u = urllib.parse.urlsplit(self.path)
                query = {k: v[0] for k, v in urllib.parse.parse_qs(u.query).items()}
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                form = None
                if ctype == "application/x-www-form-urlencoded":
                    form = {k: v[0] for k, v in
                            urllib.parse.parse_qs(raw.decode("utf-8", "replace"),
                                                  keep_blank_values=True).items()}
                rec = {"method": method, "path": u.path, "query": query, "body": body,
                       "raw": raw, "form": form, "target": self.path,
                       "headers": {k.lower(): v for k, v in self.headers.items()},
                       "at": time.time()}
                extra = {}
                with fake.lock:
                    fake.requests.append(rec)
                    scripted = fake._failures.pop(0) if fake._failures else None
                if scripted is not None:
                    status, answer = scripted, {"errcode": -1, "errmsg": "scripted failure"}
                else:
                    with fake.lock:
                        fake.current = rec
                        result = fake.handle(method, u.path, query, body, raw)
                    status, answer = result[0], result[1]
                    if len(result) > 2:
                        extra = dict(result[2])
                rec["answer"] = answer
                rec["status"] = status
                if answer is None:
                    data = b""
                elif isinstance(answer, (bytes, str)):
                    data = answer.encode() if isinstance(answer, str) else answer
                    extra.setdefault("Content-Type", "text/plain; charset=utf-8")
                else:
                    data = json.dumps(answer).encode()
                    extra.setdefault("Content-Type", "application/json")
                self.send_response(status)
                for k, v in extra.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def do_PUT(self):
                self._serve("PUT")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def fail_next(self, n, status=500):
        with self.lock:
            self._failures.extend([status] * n)

    def on(self, path, answered_ok=None):
        """Recorded requests to `path`; answered_ok=True keeps only errcode-0 answers."""
        with self.lock:
            out = [r for r in self.requests if r["path"] == path]
        if answered_ok is not None:
            out = [r for r in out
                   if (isinstance(r.get("answer"), dict) and r["answer"].get("errcode") == 0)
                   == answered_ok]
        return out

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def json_size(s):
    """The vendor-side size of a string: UTF-8 bytes."""
    return len(s.encode("utf-8"))
