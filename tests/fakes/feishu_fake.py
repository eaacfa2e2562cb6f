"""A protocol-faithful Feishu (Lark) fake: custom bots (POST /open-apis/bot/v2/hook/<token>) with
the signature recomputed (HMAC-SHA256 keyed by "timestamp\\nsecret" over an empty message, stale
after one hour: code 19021), keywords (19024), msg_type/content checks, the 20 KB body limit and
the 5/s and 100/min rate limit (HTTP 200 with code 9499, as the reference's retry presumes); and
the app API: tenant_access_token/internal issuing expiring tokens, message/v4/batch_send checking
the Bearer token (missing 99991661, invalid or expired 99991663, HTTP 400), the body, and known
user/department ids (unknown ones come back in invalid_user_ids/invalid_department_ids).
Vendor docs: https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot,
https://open.feishu.cn/document/server-docs/api-call-guide/frequency-control (429/99991400 with
x-ogw-ratelimit-reset) and https://open.feishu.cn/document/server-docs/api-call-guide/
generic-error-code. The size-limit answer (19002) is this fake's choice: the docs state the limit,
not the code."""

import base64
import hashlib
import hmac
import secrets
import time

from fake_base import FakeServer

HOOK_PREFIX = "/open-apis/bot/v2/hook/"
TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
BATCH_PATH = "/open-apis/message/v4/batch_send/"
BODY_MAX = 20 * 1024
SIGN_WINDOW = 3600


def feishu_sign(timestamp, secret):
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def post_texts(post):
    """Every text of a post content ({locale: {title?, content: [[{tag,text}..]..]}}), or None when
    the shape is wrong."""
    if not isinstance(post, dict) or not post:
        return None
    texts = []
    for body in post.values():
        if not isinstance(body, dict) or not isinstance(body.get("content"), list):
            return None
        if isinstance(body.get("title"), str):
            texts.append(body["title"])
        for paragraph in body["content"]:
            if not isinstance(paragraph, list):
                return None
            for element in paragraph:
                if not isinstance(element, dict) or not isinstance(element.get("tag"), str):
                    return None
                if element["tag"] == "text" and not isinstance(element.get("text"), str):
                    return None
                texts.append(element.get("text") or "")
    return texts


def message_texts(msg_type, content):
    """(texts, error message): checks msg_type and its content like the vendor."""
    if msg_type == "text":
        if not isinstance(content, dict) or not isinstance(content.get("text"), str) \
                or not content["text"]:
            return None, "params error, content.text is required"
        return [content["text"]], None
    if msg_type == "post":
        texts = post_texts(content.get("post") if isinstance(content, dict) else None)
        if texts is None:
            return None, "params error, content.post is not a valid post"
        return texts, None
    return None, f"params error, msg_type {msg_type!r} not supported"


class FeishuFake(FakeServer):

    def __init__(self, token_ttl=7200, rate_per_second=5, rate_per_minute=100):
        self.bots = {}  # hook token -> {"secret": str|None, "keywords": [..]}
        self.apps = {}  # app_id -> app_secret
        self.tokens = {}  # tenant token -> (issued, ttl)
        self.users = set()
        self.departments = set()
        self.token_ttl = token_ttl
        self.rate_per_second = rate_per_second
        self.rate_per_minute = rate_per_minute
        self.sent = {}  # hook token -> accepted send times
        self._rate_limited = 0  # scripted: answer the next N sends with the rate limit
        super().__init__()

    # --- setup -----------------------------------------------------------------------------
    def add_bot(self, token, secret=None, keywords=()):
        self.bots[token] = {"secret": secret, "keywords": list(keywords)}
        return self.url(HOOK_PREFIX + token)

    def add_app(self, app_id, app_secret, users=(), departments=()):
        self.apps[app_id] = app_secret
        self.users.update(users)
        self.departments.update(departments)

    def expire_tokens(self):
        with self.lock:
            self.tokens = {t: (issued - ttl - 1, ttl) for t, (issued, ttl) in self.tokens.items()}

    def rate_limit_next(self, n):
        with self.lock:
            self._rate_limited += n

    # --- inspection ------------------------------------------------------------------------
    def accepted(self, path):
        """Requests to `path` that the fake answered with code 0."""
        return [r for r in self.on(path)
                if isinstance(r.get("answer"), dict) and r["answer"].get("code") == 0]

    def refused(self, path):
        return [r for r in self.on(path)
                if not (isinstance(r.get("answer"), dict) and r["answer"].get("code") == 0)]

    # --- protocol --------------------------------------------------------------------------
    def handle(self, method, path, query, body, raw):
        if method != "POST":
            return 404, {"code": 404, "msg": "not found"}
        if path.startswith(HOOK_PREFIX):
            return self._bot(path[len(HOOK_PREFIX):], body, raw)
        if path == TOKEN_PATH:
            return self._token(body)
        if path == BATCH_PATH:
            return self._batch_send(body)
        return 404, {"code": 404, "msg": "not found"}

    def _take_scripted_rate_limit(self):
        if self._rate_limited > 0:
            self._rate_limited -= 1
            return True
        return False

    def _bot(self, token, body, raw):
        bot = self.bots.get(token)
        if bot is None:
            return 200, {"code": 19001, "data": {},
                         "msg": "param invalid: incoming webhook access token invalid"}
        if len(raw) > BODY_MAX:
            return 200, {"code": 19002, "data": {},
                         "msg": f"request body too large: {len(raw)} > {BODY_MAX} bytes"}
        if not isinstance(body, dict):
            return 400, {"code": 9499, "data": {}, "msg": "Bad Request"}
        if bot["secret"]:
            ts = body.get("timestamp")
            ts = str(ts) if isinstance(ts, (str, int)) else ""
            sign = body.get("sign")
            fresh = ts.isdigit() and abs(time.time() - int(ts)) <= SIGN_WINDOW
            if not fresh or not isinstance(sign, str) or \
                    not hmac.compare_digest(feishu_sign(ts, bot["secret"]), sign):
                return 200, {"code": 19021, "data": {},
                             "msg": "sign match fail or timestamp is not within one hour "
                                    "from current time"}
        texts, err = message_texts(body.get("msg_type"), body.get("content"))
        if err:
            return 200, {"code": 19002, "data": {}, "msg": err}
        if bot["keywords"] and not any(k in t for t in texts for k in bot["keywords"]):
            return 200, {"code": 19024, "data": {}, "msg": "Key Words Not Found"}
        now = time.time()
        window = [t for t in self.sent.get(token, []) if t > now - 60]
        if self._take_scripted_rate_limit() or len(window) >= self.rate_per_minute or \
                len([t for t in window if t > now - 1]) >= self.rate_per_second:
            self.sent[token] = window
            return 200, {"code": 9499, "data": {}, "msg": "too many request"}
        window.append(now)
        self.sent[token] = window
        return 200, {"code": 0, "data": {}, "msg": "success"}

    def _token(self, body):
        if not isinstance(body, dict) or not isinstance(body.get("app_id"), str) \
                or not isinstance(body.get("app_secret"), str):
            return 400, {"code": 10003, "msg": "invalid param"}
        app_id = body["app_id"]
        if app_id not in self.apps:
            return 400, {"code": 10003, "msg": "invalid param: app_id not found"}
        if self.apps[app_id] != body["app_secret"]:
            return 400, {"code": 10014, "msg": "app secret invalid"}
        token = "t-" + secrets.token_hex(10)
        self.tokens[token] = (time.time(), self.token_ttl)
        return 200, {"code": 0, "msg": "ok", "tenant_access_token": token,
                     "expire": self.token_ttl}

    def _batch_send(self, body):
        auth = self.current["headers"].get("authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:]:
            return 400, {"code": 99991661,
                         "msg": "Missing access token for authorization. Please make a request "
                                "with token attached."}
        issued = self.tokens.get(auth[7:])
        if issued is None or time.time() - issued[0] > issued[1]:
            return 400, {"code": 99991663,
                         "msg": "Invalid access token for authorization. Please make a request "
                                "with token attached."}
        if self._take_scripted_rate_limit():
            return 429, {"code": 99991400, "msg": "request trigger frequency limit"}, \
                {"x-ogw-ratelimit-limit": "50", "x-ogw-ratelimit-reset": "0"}
        if not isinstance(body, dict):
            return 400, {"code": 99992402, "msg": "field validation failed"}
        _, err = message_texts(body.get("msg_type"), body.get("content"))
        if err:
            return 400, {"code": 99992402, "msg": "field validation failed: " + err}
        users = body.get("user_ids", [])
        departments = body.get("department_ids", [])
        for ids, limit in ((users, 200), (departments, 200)):
            if not isinstance(ids, list) or len(ids) > limit or \
                    not all(isinstance(i, str) for i in ids):
                return 400, {"code": 99992402, "msg": "field validation failed: ids"}
        if not users and not departments:
            return 400, {"code": 99992402,
                         "msg": "field validation failed: no user_ids or department_ids"}
        return 200, {"code": 0, "msg": "ok", "data": {
            "message_id": "bm-" + secrets.token_hex(8),
            "invalid_department_ids": [d for d in departments if d not in self.departments],
            "invalid_open_ids": [],
            "invalid_user_ids": [u for u in users if u not in self.users]}}
