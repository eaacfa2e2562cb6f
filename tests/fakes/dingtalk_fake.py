"""A protocol-faithful DingTalk fake: custom robots (POST /robot/send?access_token=) with signature
check (HMAC-SHA256 of "timestamp\\nsecret", stale after one hour, errcode 310000), keywords,
20 messages per minute per robot (errcode 130101 "send too fast"), message types and sizes; and
the app API (GET /gettoken, POST /chat/send) with token expiry (42001) and revocation (40014).
Vendor docs: https://open.dingtalk.com/document/robots/custom-robot-access and
https://open.dingtalk.com/document/robots/customize-robot-security-settings."""

import base64
import hashlib
import hmac
import secrets
import time

from fake_base import FakeServer, json_size

ROBOT_MAX = 20000
CHAT_MAX = 5000


class DingTalkFake(FakeServer):

    def __init__(self, rate_limit=20, rate_window=60.0, token_ttl=7200):
        self.robots = {}  # access_token -> {"secret": str|None, "keywords": [..]}
        self.apps = {}  # appkey -> appsecret
        self.tokens = {}  # token -> issued time
        self.revoked = set()
        self.token_ttl = token_ttl
        self.rate_limit = rate_limit
        self.rate_window = rate_window
        self.sent = {}  # robot token -> accepted send times
        super().__init__()

    def add_robot(self, token, secret=None, keywords=()):
        self.robots[token] = {"secret": secret, "keywords": list(keywords)}
        return self.url(f"/robot/send?access_token={token}")

    def add_app(self, appkey, appsecret):
        self.apps[appkey] = appsecret

    def revoke_tokens(self):
        with self.lock:
            self.revoked.update(self.tokens)

    def handle(self, method, path, query, body, raw):
        if path == "/robot/send" and method == "POST":
            return self._robot(query, body)
        if path == "/gettoken" and method == "GET":
            return self._gettoken(query)
        if path == "/chat/send" and method == "POST":
            return self._chat(query, body)
        return 404, {"errcode": 404, "errmsg": "not found"}

    @staticmethod
    def _message(msg, limit):
        """Checks msgtype and its required fields; returns (errcode, errmsg, text)."""
        if not isinstance(msg, dict):
            return 40035, "missing parameter json", ""
        t = msg.get("msgtype")
        if t == "text":
            c = (msg.get("text") or {}).get("content")
            if not isinstance(c, str) or not c:
                return 40035, "missing parameter text.content", ""
            text = c
        elif t == "markdown":
            md = msg.get("markdown") or {}
            if not isinstance(md.get("title"), str) or not md.get("title"):
                return 40035, "missing parameter markdown.title", ""
            if not isinstance(md.get("text"), str) or not md.get("text"):
                return 40035, "missing parameter markdown.text", ""
            text = md["text"]
        else:
            return 40008, f"invalid msgtype {t!r}", ""
        if json_size(text) > limit:
            return 460101, "message too long", ""
        return 0, "ok", text

    def _robot(self, query, body):
        token = query.get("access_token", "")
        robot = self.robots.get(token)
        if robot is None:
            return 200, {"errcode": 300001, "errmsg": "token is not exist"}
        if robot["secret"]:
            ts, sign = query.get("timestamp", ""), query.get("sign", "")
            if not ts.isdigit():
                return 200, {"errcode": 310000, "errmsg": "sign not match, missing timestamp"}
            if abs(time.time() * 1000 - int(ts)) > 3600 * 1000:
                return 200, {"errcode": 310000, "errmsg": "sign not match, timestamp is stale"}
            mac = hmac.new(robot["secret"].encode(), f"{ts}\n{robot['secret']}".encode(),
                           hashlib.sha256).digest()
            if not hmac.compare_digest(base64.b64encode(mac).decode(), sign):
                return 200, {"errcode": 310000, "errmsg": "sign not match"}
        code, msg, text = self._message(body, ROBOT_MAX)
        if code:
            return 200, {"errcode": code, "errmsg": msg}
        if robot["keywords"] and not any(k in text for k in robot["keywords"]):
            return 200, {"errcode": 310000, "errmsg": "keywords not in content"}
        now = time.time()
        window = [t for t in self.sent.get(token, []) if t > now - self.rate_window]
        if len(window) >= self.rate_limit:
            self.sent[token] = window
            return 200, {"errcode": 130101,
                         "errmsg": "send too fast, exceed 20 times per minute"}
        window.append(now)
        self.sent[token] = window
        return 200, {"errcode": 0, "errmsg": "ok"}

    def _gettoken(self, query):
        key, secret = query.get("appkey", ""), query.get("appsecret", "")
        if key not in self.apps or self.apps[key] != secret:
            return 200, {"errcode": 40089, "errmsg": "invalid appkey or appsecret"}
        token = secrets.token_hex(8)
        self.tokens[token] = time.time()
        return 200, {"errcode": 0, "errmsg": "ok", "access_token": token,
                     "expires_in": self.token_ttl}

    def _token_error(self, token):
        if token not in self.tokens or token in self.revoked:
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        if time.time() - self.tokens[token] > self.token_ttl:
            return {"errcode": 42001, "errmsg": "access_token expired"}
        return None

    def _chat(self, query, body):
        err = self._token_error(query.get("access_token", ""))
        if err:
            return 200, err
        if not isinstance(body, dict) or not body.get("chatid"):
            return 200, {"errcode": 40035, "errmsg": "missing parameter chatid"}
        code, msg, _ = self._message(body.get("msg"), CHAT_MAX)
        if code:
            return 200, {"errcode": code, "errmsg": msg}
        return 200, {"errcode": 0, "errmsg": "ok", "messageId": secrets.token_hex(6)}
