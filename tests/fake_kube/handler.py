# HTTP side of the fake: authentication, routing of /api and /apis paths to verbs, Table or plain
# answers, chunked watch streams, and the /_fake/ fault-injection and inspection endpoints.
import collections
import json
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler

import yaml

import protobuf
import resources
from operations import ApiError, Operations, not_found
from store import BadSelector, Gone, field_matcher, label_matcher

TABLE_MARK = "as=Table"


class FakeState:
    """Everything the handler threads share."""

    def __init__(self, store, kinds, tokens, cert_auth):
        self.store = store
        self.ops = Operations(store)
        self.kinds = kinds
        self.tokens = set(tokens)
        self.cert_auth = cert_auth
        self.delay_ms = 0
        self.watch_timeout = None  # server-side cap of a watch, seconds
        self.max_page = None
        self.bookmark_interval = 1.0
        self.requests = collections.deque(maxlen=2000)
        self.watchers = {}  # id -> {"path", "query"}
        self.lock = threading.Lock()
        self.openapi = resources.openapi_docs(kinds)

    def kind_for(self, group, version, plural):
        for k in self.kinds:
            if (k.group, k.version, k.plural) == (group, version, plural):
                return k
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-kube-apiserver"
    state: FakeState = None  # set by apiserver.py

    def setup(self):
        super().setup()
        if hasattr(self.connection, "do_handshake"):
            self.connection.settimeout(10)
            self.connection.do_handshake()
            self.connection.settimeout(None)

    def log_message(self, fmt, *args):  # quiet: /_fake/requests is the log
        pass

    # --- plumbing -------------------------------------------------------------------------------
    def send_json(self, code, body, content_type="application/json", warnings=()):
        data = json.dumps(body, separators=(",", ":")).encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache, private")
        for w in warnings:
            self.send_header("Warning", f"299 - {json.dumps(w)}")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_status(self, err):
        self.send_json(err.code, err.status())

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    break
                data += self.rfile.read(size)
                self.rfile.readline()
            return data
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def body_object(self, raw, content_type):
        try:
            if "protobuf" in content_type:
                return protobuf.decode(raw)
            if "yaml" in content_type:
                return yaml.safe_load(raw.decode() or "{}")
            return json.loads(raw.decode() or "null")
        except (ValueError, yaml.YAMLError) as e:
            raise ApiError(400, "BadRequest", f"the body of the request was in an unknown format: "
                           f"{e}")

    def auth_kind(self):
        h = self.headers.get("Authorization", "")
        if h.startswith("Bearer ") and h[7:].strip() in self.state.tokens:
            return "bearer"
        if self.state.cert_auth and getattr(self.connection, "getpeercert", None):
            try:
                if self.connection.getpeercert():
                    return "cert"
            except ValueError:
                pass
        return "none"

    def authorized(self, auth):
        if not self.state.tokens and not self.state.cert_auth:
            return True
        return auth != "none"

    # --- entry points ---------------------------------------------------------------------------
    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def dispatch(self):
        url = urllib.parse.urlsplit(self.path)
        path, query = url.path, dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        raw = self.read_body()
        if path.startswith("/_fake/"):
            return self.fake_control(path, raw)
        auth = self.auth_kind()
        with self.state.lock:
            self.state.requests.append({"method": self.command, "path": path, "query": url.query,
                                        "userAgent": self.headers.get("User-Agent", ""),
                                        "auth": auth})
            delay = self.state.delay_ms
        if delay:
            time.sleep(delay / 1000.0)
        if not self.authorized(auth):
            return self.send_json(401, {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                        "status": "Failure", "message": "Unauthorized",
                                        "reason": "Unauthorized", "code": 401})
        try:
            self.route(path, query, raw)
        except ApiError as e:
            self.send_status(e)

    def route(self, path, query, raw):
        accept = self.headers.get("Accept", "")
        st = self.state
        if path == "/version":
            return self.send_json(200, resources.VERSION_INFO)
        if path in ("/healthz", "/readyz", "/livez"):
            data = b"ok"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "2")
            self.end_headers()
            return self.wfile.write(data)
        if path in ("/api", "/apis"):
            if "apidiscovery.k8s.io" in accept and "v=v2;" in accept + ";":
                return self.send_json(200, resources.aggregated(st.kinds, path == "/api"),
                                      resources.AGGREGATED_V2)
            if path == "/api":
                return self.send_json(200, resources.api_versions(self.headers.get("Host", "")))
            return self.send_json(200, resources.api_group_list(st.kinds))
        if path == "/openapi/v3":
            return self.send_json(200, resources.openapi_root(st.openapi))
        if path.startswith("/openapi/v3/"):
            doc = st.openapi.get(path[len("/openapi/v3/"):])
            if doc is not None:
                return self.send_json(200, doc)
        parts = [p for p in path.split("/") if p]
        if parts[:2] == ["api", "v1"]:
            return self.resource_request("", "v1", parts[2:], query, raw, accept)
        if len(parts) >= 3 and parts[0] == "apis":
            return self.resource_request(parts[1], parts[2], parts[3:], query, raw, accept)
        raise ApiError(404, "NotFound", "the server could not find the requested resource",
                       {})

    def resource_request(self, group, version, rest, query, raw, accept):
        st = self.state
        if not rest:
            if self.command == "GET" and any(k.group == group and k.version == version
                                             for k in st.kinds):
                return self.send_json(200, resources.api_resource_list(st.kinds, group, version))
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        ns = ""
        if rest[0] == "namespaces" and len(rest) >= 3:
            ns, rest = rest[1], rest[2:]
        kind = st.kind_for(group, version, rest[0])
        if kind is None or (ns and not kind.namespaced):
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        name = rest[1] if len(rest) > 1 else None
        sub = rest[2] if len(rest) > 2 else None
        if sub is not None and (sub != "status" or not kind.status or len(rest) > 3):
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        if kind.namespaced and not ns and (name is not None or self.command == "POST"):
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        strict = query.get("fieldValidation", "") == "Strict"
        ctype = self.headers.get("Content-Type", "application/json")
        cond = st.store.cond
        if name is None:
            if self.command == "GET":
                if query.get("watch") in ("true", "1"):
                    return self.watch(kind, ns or None, query, accept)
                return self.list(kind, ns or None, query, accept)
            if self.command == "POST":
                body = self.body_object(raw, ctype)
                with cond:
                    obj, warnings = st.ops.create(kind, ns, body, strict)
                return self.send_json(201, obj, warnings=warnings)
            raise ApiError(405, "MethodNotAllowed", f"the server does not allow this method on the "
                           f"requested resource")
        if self.command == "GET":
            with cond:
                obj = st.store.get(kind.plural, ns, name)
            if obj is None:
                raise not_found(kind, name)
            if TABLE_MARK in accept:
                return self.send_json(200, resources.table(kind, [obj], query.get(
                    "includeObject", "Metadata"), list_meta={"resourceVersion":
                                                            obj["metadata"]["resourceVersion"]}))
            return self.send_json(200, obj)
        if self.command == "PUT":
            body = self.body_object(raw, ctype)
            with cond:
                obj, warnings = st.ops.update(kind, ns, name, body, strict, sub)
            return self.send_json(200, obj, warnings=warnings)
        if self.command == "PATCH":
            body = self.body_object(raw, ctype)
            with cond:
                existed = st.store.get(kind.plural, ns, name) is not None
                obj, warnings = st.ops.patch(kind, ns, name, ctype, body, strict, sub)
            return self.send_json(200 if existed else 201, obj, warnings=warnings)
        if self.command == "DELETE":
            with cond:
                obj = st.ops.delete(kind, ns, name)
            if kind.is_custom:
                return self.send_json(200, obj)
            return self.send_json(200, {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                        "status": "Success", "details": {
                                            "name": name, "kind": kind.plural,
                                            "uid": obj["metadata"]["uid"]}})
        raise ApiError(405, "MethodNotAllowed", "the server does not allow this method")

    def matcher(self, query):
        try:
            lm = label_matcher(query.get("labelSelector"))
            fm = field_matcher(query.get("fieldSelector"))
        except BadSelector as e:
            raise ApiError(400, "BadRequest", str(e))
        return lambda o: lm(o) and fm(o)

    def list(self, kind, ns, query, accept):
        st = self.state
        matches = self.matcher(query)
        limit = int(query.get("limit") or 0)
        if st.max_page:
            limit = min(limit, st.max_page) if limit else st.max_page
        with st.store.cond:
            items, meta = st.ops.page(kind, ns, matches, limit, query.get("continue"))
        if TABLE_MARK in accept:
            return self.send_json(200, resources.table(kind, items, query.get(
                "includeObject", "Metadata"), list_meta=meta))
        return self.send_json(200, {"kind": kind.kind + "List", "apiVersion": kind.api_version,
                                    "metadata": meta, "items": items})

    # --- watch ----------------------------------------------------------------------------------
    def watch(self, kind, ns, query, accept):
        st = self.state
        matches = self.matcher(query)
        if ns is not None:
            base = matches
            matches = lambda o: base(o) and o["metadata"].get("namespace") == ns  # noqa: E731
        rv_text = query.get("resourceVersion", "")
        bookmarks = query.get("allowWatchBookmarks") in ("true", "1")
        timeout = float(query["timeoutSeconds"]) if query.get("timeoutSeconds") else 1800.0
        with st.lock:
            if st.watch_timeout is not None:
                timeout = min(timeout, st.watch_timeout)
        as_table = TABLE_MARK in accept
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        wid = object()
        with st.lock:
            st.watchers[id(wid)] = {"path": urllib.parse.urlsplit(self.path).path,
                                    "query": urllib.parse.urlsplit(self.path).query}
        try:
            self.stream(kind, ns, matches, rv_text, bookmarks, time.monotonic() + timeout,
                        as_table, query)
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True
        finally:
            with st.lock:
                st.watchers.pop(id(wid), None)

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def event(self, kind, etype, obj, as_table, first, query):
        if as_table and etype in ("ADDED", "MODIFIED", "DELETED"):
            obj = resources.table(kind, [obj], query.get("includeObject", "Metadata"),
                                  with_columns=first)
        line = json.dumps({"type": etype, "object": obj}, separators=(",", ":")) + "\n"
        self.chunk(line.encode())

    def stream(self, kind, ns, matches, rv_text, bookmarks, deadline, as_table, query):
        store = self.state.store
        first = True
        with store.cond:
            cut = store.cut_generation
            if rv_text in ("", "0"):
                initial = [o for o in store.items(kind.plural, ns) if matches(o)]
                last = store.rv
            else:
                initial, last = [], int(rv_text)
                try:
                    store.events_after(kind.plural, last)
                except Gone as e:
                    initial = None
                    gone = str(e)
        if initial is None:
            self.chunk((json.dumps({"type": "ERROR", "object": {
                "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": gone, "reason": "Expired", "code": 410}}) + "\n").encode())
            return self.end_stream()
        for o in initial:
            self.event(kind, "ADDED", o, as_table, first, query)
            first = False
        next_bookmark = time.monotonic() + self.state.bookmark_interval
        while True:
            action = None
            with store.cond:
                while True:
                    if store.cut_generation != cut:
                        action = self.cut
                    elif store.closing:
                        action = self.end_stream
                    if action:
                        break
                    try:
                        events = store.events_after(kind.plural, last)
                    except Gone as e:
                        events, gone = None, str(e)
                    if events is None or events:
                        break
                    wait = deadline - time.monotonic()
                    if bookmarks:
                        wait = min(wait, next_bookmark - time.monotonic())
                    if wait <= 0:
                        break
                    store.cond.wait(wait)
                current = store.rv
            if action:
                return action()
            if events is None:
                self.chunk((json.dumps({"type": "ERROR", "object": {
                    "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                    "message": gone, "reason": "Expired", "code": 410}}) + "\n").encode())
                return self.end_stream()
            for rv, _, etype, obj in events:
                last = rv
                if matches(obj):
                    self.event(kind, etype, obj, as_table, first, query)
                    first = False
            if not events:
                last = max(last, current)
            now = time.monotonic()
            if bookmarks and now >= next_bookmark:
                self.chunk((json.dumps({"type": "BOOKMARK", "object": {
                    "kind": kind.kind, "apiVersion": kind.api_version,
                    "metadata": {"resourceVersion": str(last)}}}) + "\n").encode())
                next_bookmark = now + self.state.bookmark_interval
            if now >= deadline:
                return self.end_stream()

    def end_stream(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def cut(self):
        """Half an event line, then the connection is dropped without the last chunk."""
        part = b'{"type":"MODIFIED","object":{"kind":"'
        self.wfile.write(b"%x\r\n%s" % (len(part) + 10, part))
        self.wfile.flush()
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # --- /_fake ---------------------------------------------------------------------------------
    def fake_control(self, path, raw):
        st = self.state
        if path == "/_fake/compact" and self.command == "POST":
            with st.store.cond:
                st.store.compact()
                rv = st.store.rv
            return self.send_json(200, {"compactedBefore": rv})
        if path == "/_fake/cut-watches" and self.command == "POST":
            with st.lock:
                n = len(st.watchers)
            with st.store.cond:
                st.store.cut_generation += 1
                st.store.cond.notify_all()
            return self.send_json(200, {"cut": n})
        if path == "/_fake/config" and self.command == "POST":
            try:
                cfg = json.loads(raw.decode() or "{}")
            except ValueError as e:
                return self.send_json(400, {"error": str(e)})
            with st.lock:
                if "delayMs" in cfg:
                    st.delay_ms = int(cfg["delayMs"] or 0)
                if "watchTimeoutSeconds" in cfg:
                    v = cfg["watchTimeoutSeconds"]
                    st.watch_timeout = None if v in (None, 0) else float(v)
                if "tokens" in cfg:
                    st.tokens = set(cfg["tokens"])
                if "maxPageSize" in cfg:
                    st.max_page = int(cfg["maxPageSize"] or 0) or None
                if "bookmarkIntervalSeconds" in cfg:
                    st.bookmark_interval = float(cfg["bookmarkIntervalSeconds"])
                out = {"delayMs": st.delay_ms, "watchTimeoutSeconds": st.watch_timeout,
                       "tokens": sorted(st.tokens), "maxPageSize": st.max_page,
                       "bookmarkIntervalSeconds": st.bookmark_interval}
            return self.send_json(200, out)
        if path == "/_fake/requests" and self.command == "GET":
            with st.lock:
                return self.send_json(200, list(st.requests))
        if path == "/_fake/watchers" and self.command == "GET":
            with st.lock:
                return self.send_json(200, list(st.watchers.values()))
        return self.send_json(404, {"error": f"no such control endpoint: {self.command} {path}"})
