"""A protocol-faithful WeCom fake: GET /cgi-bin/gettoken (corpid, corpsecret), POST
/cgi-bin/message/send (token validity and expiry 42001/40014, agentid, recipients with
invaliduser/invalidparty/invalidtag for unknown ones, batch limits 1000/100/100, content size,
rate limit 45009), and the group robot POST /cgi-bin/webhook/send?key= (text 2048 / markdown 4096).
Vendor docs: https://developer.work.weixin.qq.com/document/path/91039, /90236, /91770."""

import secrets
import time

from fake_base import FakeServer, json_size


class WeComFake(FakeServer):

    def __init__(self, corpid="corp1", secret="s3cret", agentid=1000002, users=(), parties=(),
                 tags=(), rate_limit=1000, rate_window=60.0, token_ttl=7200, max_size=2048):
        self.corpid, self.secret, self.agentid = corpid, secret, agentid
        self.users, self.parties, self.tags = set(users), set(parties), set(tags)
        self.tokens = {}
        self.revoked = set()
        self.token_ttl = token_ttl
        self.rate_limit, self.rate_window = rate_limit, rate_window
        self.sent = []
        self.max_size = max_size
        self.bots = set()
        super().__init__()

    def api_url(self):
        return self.url("/cgi-bin/")

    def add_bot(self, key):
        self.bots.add(key)
        return self.url(f"/cgi-bin/webhook/send?key={key}")

    def revoke_tokens(self):
        with self.lock:
            self.revoked.update(self.tokens)

    def expire_tokens(self):
        with self.lock:
            for t in self.tokens:
                self.tokens[t] = 0

    def handle(self, method, path, query, body, raw):
        if path == "/cgi-bin/gettoken" and method == "GET":
            if query.get("corpid") != self.corpid:
                return 200, {"errcode": 40013, "errmsg": "invalid corpid"}
            if query.get("corpsecret") != self.secret:
                return 200, {"errcode": 40001, "errmsg": "invalid credential"}
            token = secrets.token_hex(8)
            self.tokens[token] = time.time()
            return 200, {"errcode": 0, "errmsg": "ok", "access_token": token,
                         "expires_in": self.token_ttl}
        if path == "/cgi-bin/message/send" and method == "POST":
            return self._send(query, body)
        if path == "/cgi-bin/webhook/send" and method == "POST":
            return self._bot(query, body)
        return 404, {"errcode": 404, "errmsg": "not found"}

    def _content(self, body, limits):
        t = body.get("msgtype")
        if t not in limits:
            return 40008, f"invalid message type {t!r}"
        c = (body.get(t) or {}).get("content")
        if not isinstance(c, str) or not c:
            return 44004, "empty content"
        if json_size(c) > limits[t]:
            return 45002, "content size out of limit"
        return 0, "ok"

    def _send(self, query, body):
        token = query.get("access_token", "")
        if token not in self.tokens or token in self.revoked:
            return 200, {"errcode": 40014, "errmsg": "invalid access_token"}
        if time.time() - self.tokens[token] > self.token_ttl:
            return 200, {"errcode": 42001, "errmsg": "access_token expired"}
        if not isinstance(body, dict):
            return 200, {"errcode": 40035, "errmsg": "invalid parameter"}
        if body.get("agentid") != self.agentid:
            return 200, {"errcode": 40056, "errmsg": "invalid agentid"}
        lists = {}
        for field, limit in (("touser", 1000), ("toparty", 100), ("totag", 100)):
            v = body.get(field) or ""
            if not isinstance(v, str):
                return 200, {"errcode": 40035, "errmsg": f"{field} must be a string"}
            lists[field] = [x for x in v.split("|") if x]
            if len(lists[field]) > limit:
                return 200, {"errcode": 40058, "errmsg": f"{field} over {limit}"}
        if not any(lists.values()):
            return 200, {"errcode": 40035, "errmsg": "no recipient"}
        code, msg = self._content(body, {"text": self.max_size, "markdown": self.max_size})
        if code:
            return 200, {"errcode": code, "errmsg": msg}
        now = time.time()
        self.sent = [t for t in self.sent if t > now - self.rate_window]
        if len(self.sent) >= self.rate_limit:
            return 200, {"errcode": 45009, "errmsg": "api freq out of limit"}
        self.sent.append(now)
        answer = {"errcode": 0, "errmsg": "ok", "msgid": secrets.token_hex(6)}
        for field, known, out in (("touser", self.users, "invaliduser"),
                                  ("toparty", self.parties, "invalidparty"),
                                  ("totag", self.tags, "invalidtag")):
            bad = [x for x in lists[field] if x not in known]
            if bad:
                answer[out] = "|".join(bad)
        return 200, answer

    def _bot(self, query, body):
        if query.get("key") not in self.bots:
            return 200, {"errcode": 93000, "errmsg": "invalid webhook url"}
        if not isinstance(body, dict):
            return 200, {"errcode": 40035, "errmsg": "invalid parameter"}
        code, msg = self._content(body, {"text": 2048, "markdown": 4096})
        if code:
            return 200, {"errcode": code, "errmsg": msg}
        return 200, {"errcode": 0, "errmsg": "ok"}
