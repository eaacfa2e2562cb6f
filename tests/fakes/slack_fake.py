"""A protocol-faithful Slack fake: the Web API POST /api/chat.postMessage (Bearer token validity,
JSON content type, channel and text checks, 40,000-character limit, Slack's 1 message per second
per channel answered 429 ratelimited with Retry-After) and incoming webhooks POST
/services/<team>/<bot>/<secret> answering plain text (ok, invalid_payload, no_text, no_service,
channel_is_archived, rate_limited).
Vendor docs: https://api.slack.com/methods/chat.postMessage, https://api.slack.com/docs/rate-limits,
https://api.slack.com/messaging/webhooks,
https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks."""

import math
import secrets
import time

from fake_base import FakeServer

TEXT_MAX = 40000


class SlackFake(FakeServer):

    def __init__(self, tokens=("xoxb-good",), channels=("C1", "C2", "#ops"), rate_limit=1,
                 rate_window=1.0):
        self.tokens = set(tokens)
        self.channels = set(channels)
        self.rate_limit, self.rate_window = rate_limit, rate_window
        self.sent = {}  # channel or hook -> accepted send times
        self.hooks = {}  # path -> {"archived": bool}
        super().__init__()

    def api_base(self):
        return self.url("/api")

    def add_hook(self, archived=False):
        path = f"/services/T0001/B0001/{secrets.token_hex(12)}"
        self.hooks[path] = {"archived": archived}
        return self.url(path)

    def delivered(self, path="/api/chat.postMessage"):
        """Accepted requests to `path` (or to any webhook when path is "hooks")."""
        with self.lock:
            reqs = list(self.requests)
        if path == "hooks":
            return [r for r in reqs if r["path"] in self.hooks and r.get("answer") == "ok"]
        return [r for r in reqs if r["path"] == path and isinstance(r.get("answer"), dict)
                and r["answer"].get("ok") is True]

    def _rate_limited(self, key):
        """None, or the whole seconds until `key` may post again (Slack sends Retry-After)."""
        now = time.time()
        window = [t for t in self.sent.get(key, []) if t > now - self.rate_window]
        self.sent[key] = window
        if len(window) >= self.rate_limit:
            return max(1, math.ceil(window[0] + self.rate_window - now))
        window.append(now)
        return None

    def handle(self, method, path, query, body, raw):
        if path == "/api/chat.postMessage" and method == "POST":
            return self._post_message(body)
        if path.startswith("/api/"):
            return 200, {"ok": False, "error": "unknown_method"}
        if path in self.hooks and method == "POST":
            return self._hook(path, body)
        if path.startswith("/services/"):
            return 404, "no_service"
        return 404, "not found"

    def _post_message(self, body):
        headers = self.current["headers"]
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return 200, {"ok": False, "error": "not_authed"}
        if auth[len("Bearer "):] not in self.tokens:
            return 200, {"ok": False, "error": "invalid_auth"}
        ctype = headers.get("content-type", "")
        if ctype.split(";")[0].strip().lower() != "application/json" or not isinstance(body, dict):
            # A JSON body without the JSON content type is read as (missing) form data.
            return 200, {"ok": False, "error": "invalid_form_data"}
        channel = body.get("channel")
        if not isinstance(channel, str) or channel not in self.channels:
            return 200, {"ok": False, "error": "channel_not_found"}
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            return 200, {"ok": False, "error": "no_text"}
        if len(text) > TEXT_MAX:
            return 200, {"ok": False, "error": "msg_too_long"}
        wait = self._rate_limited(channel)
        if wait is not None:
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)}
        answer = {"ok": True, "channel": channel, "ts": f"{time.time():.6f}",
                  "message": {"type": "message", "text": text}}
        if "charset=utf-8" not in ctype.replace(" ", "").lower():
            answer["warning"] = "missing_charset"
            answer["response_metadata"] = {"warnings": ["missing_charset"]}
        return 200, answer

    def _hook(self, path, body):
        if self.current["headers"].get("content-type", "").split(";")[0].strip() \
                != "application/json" or not isinstance(body, dict):
            return 400, "invalid_payload"
        text = body.get("text")
        if not (isinstance(text, str) and text.strip()) and not body.get("blocks") \
                and not body.get("attachments"):
            return 400, "no_text"
        if self.hooks[path]["archived"]:
            return 410, "channel_is_archived"
        if isinstance(text, str) and len(text) > TEXT_MAX:
            return 400, "invalid_payload"
        wait = self._rate_limited(path)
        if wait is not None:
            return 429, "rate_limited", {"Retry-After": str(wait)}
        return 200, "ok"

