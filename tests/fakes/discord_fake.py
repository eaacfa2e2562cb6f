"""A protocol-faithful Discord fake: execute webhook POST /api[/v10]/webhooks/<id>/<token>
(unknown webhook 404 code 10015, bad token 401 code 50027, JSON content type, content/embeds rules
with 50006 for an empty message, length limits content 2000 / description 4096 / embeds 6000 as
400 code 50035 with field errors, allowed_mentions shape, a per-webhook rate limit answering 429
JSON retry_after with Retry-After and X-RateLimit-* headers, 204 on success or 200 with
?wait=true).
Vendor docs: https://discord.com/developers/docs/resources/webhook#execute-webhook,
https://discord.com/developers/docs/topics/rate-limits,
https://discord.com/developers/docs/topics/opcodes-and-status-codes#json."""

import math
import re
import secrets
import time

from fake_base import FakeServer

CONTENT_MAX = 2000
DESCRIPTION_MAX = 4096
EMBEDS_TOTAL_MAX = 6000
SNOWFLAKE = re.compile(r"^\d{1,20}$")
PATH = re.compile(r"^/api(?:/v\d+)?/webhooks/(\d+)/([A-Za-z0-9_-]+)$")


def form_error(field_path, code, message):
    """Discord's 50035 answer: errors nest by field, then `_errors`."""
    errors = {"_errors": [{"code": code, "message": message}]}
    for part in reversed(field_path):
        errors = {part: errors}
    return 400, {"code": 50035, "message": "Invalid Form Body", "errors": errors}


class DiscordFake(FakeServer):

    def __init__(self, rate_limit=5, rate_window=2.0):
        self.webhooks = {}  # id -> token
        self.rate_limit, self.rate_window = rate_limit, rate_window
        self.sent = {}  # id -> accepted send times
        super().__init__()

    def add_webhook(self):
        wid = str(10**17 + len(self.webhooks) + 1)
        self.webhooks[wid] = secrets.token_urlsafe(24)
        return self.url(f"/api/webhooks/{wid}/{self.webhooks[wid]}")

    def delivered(self):
        """Requests the fake accepted (204, or 200 with ?wait=true), in arrival order."""
        with self.lock:
            return [r for r in self.requests if r.get("status") in (200, 204)
                    and PATH.match(r["path"])]

    def _limit_headers(self, wid, remaining, reset_after):
        return {"X-RateLimit-Limit": str(self.rate_limit),
                "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
                "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                "X-RateLimit-Bucket": f"webhook-{wid}"}

    def handle(self, method, path, query, body, raw):
        m = PATH.match(path)
        if not m:
            return 404, {"message": "404: Not Found", "code": 0}
        wid, token = m.groups()
        if wid not in self.webhooks:
            return 404, {"code": 10015, "message": "Unknown Webhook"}
        if token != self.webhooks[wid]:
            return 401, {"code": 50027, "message": "Invalid Webhook Token"}
        if method != "POST":
            return 405, {"code": 0, "message": "405: Method Not Allowed"}
        ctype = self.current["headers"].get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            return 400, {"code": 50006, "message": "Cannot send an empty message"}
        if not isinstance(body, dict):
            return 400, {"code": 50109, "message": "The request body contains invalid JSON."}
        bad = self._validate(body)
        if bad:
            return bad
        now = time.time()
        window = [t for t in self.sent.get(wid, []) if t > now - self.rate_window]
        self.sent[wid] = window
        if len(window) >= self.rate_limit:
            retry = window[0] + self.rate_window - now
            headers = self._limit_headers(wid, 0, retry)
            headers.update({"Retry-After": str(max(1, math.ceil(retry))),
                            "X-RateLimit-Scope": "shared"})
            return 429, {"message": "You are being rate limited.",
                         "retry_after": round(retry, 3), "global": False}, headers
        window.append(now)
        headers = self._limit_headers(wid, self.rate_limit - len(window),
                                      window[0] + self.rate_window - now)
        if query.get("wait") == "true":
            return 200, {"id": str(int(now * 1000)), "webhook_id": wid,
                         "content": body.get("content", ""),
                         "embeds": body.get("embeds", [])}, headers
        return 204, None, headers

    def _validate(self, body):
        content = body.get("content", "")
        if not isinstance(content, str):
            return form_error(["content"], "STRING_TYPE_CONVERT", "Could not interpret as string.")
        if len(content) > CONTENT_MAX:
            return form_error(["content"], "BASE_TYPE_MAX_LENGTH",
                              f"Must be {CONTENT_MAX} or fewer in length.")
        embeds = body.get("embeds", [])
        if not isinstance(embeds, list) or len(embeds) > 10:
            return form_error(["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
        total = 0
        for i, e in enumerate(embeds):
            if not isinstance(e, dict):
                return form_error(["embeds", str(i)], "MODEL_TYPE_CONVERT", "Only dictionaries.")
            d = e.get("description", "")
            if not isinstance(d, str):
                return form_error(["embeds", str(i), "description"], "STRING_TYPE_CONVERT",
                                  "Could not interpret as string.")
            if len(d) > DESCRIPTION_MAX:
                return form_error(["embeds", str(i), "description"], "BASE_TYPE_MAX_LENGTH",
                                  f"Must be {DESCRIPTION_MAX} or fewer in length.")
            total += len(d) + len(e.get("title", "") or "")
        if total > EMBEDS_TOTAL_MAX:
            return form_error(["embeds"], "MAX_EMBED_SIZE_EXCEEDED",
                              "Embed size exceeds maximum size of 6000")
        if not content and not any(isinstance(e, dict) and e.get("description") for e in embeds):
            return 400, {"code": 50006, "message": "Cannot send an empty message"}
        am = body.get("allowed_mentions")
        if am is not None:
            if not isinstance(am, dict):
                return form_error(["allowed_mentions"], "MODEL_TYPE_CONVERT", "Only dictionaries.")
            parse = am.get("parse", [])
            if not isinstance(parse, list) or not set(parse) <= {"roles", "users", "everyone"}:
                return form_error(["allowed_mentions", "parse"], "ENUM_TYPE_COERCE",
                                  "Value is not a valid enum value.")
            for kind in ("users", "roles"):
                ids = am.get(kind, [])
                if not isinstance(ids, list) or len(ids) > 100 or \
                        not all(isinstance(x, str) and SNOWFLAKE.match(x) for x in ids):
                    return form_error(["allowed_mentions", kind], "NUMBER_TYPE_COERCE",
                                      "Value is not snowflake.")
                if ids and kind in parse:
                    return form_error(["allowed_mentions", kind], "SET_TYPE_CONVERT",
                                      f"{kind} cannot be both in parse and as a list.")
        return None


def message_text(request):
    """The content, or the first embed's description, of a recorded request."""
    body = request["body"]
    return body.get("content") or body["embeds"][0]["description"]
