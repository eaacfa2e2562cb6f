"""A protocol-faithful Pushover fake: POST /1/messages.json (JSON or form body) with the
application token checked (30 letters or digits and registered), the user key registered, message
required and at most 1024 characters, title at most 250, device names registered for that user,
sound among the built-in names, and the monthly quota answering 429; errors are the vendor's
{"status":0,"errors":[...],"request":...} with HTTP 4xx.
Vendor docs: https://pushover.net/api (messages, limits, sounds, response format)."""

import re
import uuid

from fake_base import FakeServer

SOUNDS = {"pushover", "bike", "bugle", "cashregister", "classical", "cosmic", "falling",
          "gamelan", "incoming", "intermission", "magic", "mechanical", "pianobar", "siren",
          "spacealarm", "tugboat", "alien", "climb", "persistent", "echo", "updown", "vibrate",
          "none"}
KEY = re.compile(r"^[A-Za-z0-9]{30}$")
MAX_MESSAGE = 1024
MAX_TITLE = 250


def failure(status, field, message):
    body = {"status": 0, "errors": [message], "request": str(uuid.uuid4())}
    if field:
        body[field] = "invalid"
    return status, body


class PushoverFake(FakeServer):

    def __init__(self, tokens=(), users=None, quota=10000):
        self.tokens = set(tokens)
        self.users = {k: set(v) for k, v in (users or {}).items()}  # user key -> device names
        self.quota = quota
        self.used = 0
        super().__init__()

    def base(self):
        return self.url("")

    def handle(self, method, path, query, body, raw):
        if path != "/1/messages.json":
            return 404, {"status": 0, "errors": ["not found"], "request": str(uuid.uuid4())}
        if method != "POST":
            return failure(405, None, "method not allowed")
        params = body if isinstance(body, dict) else (self.current.get("form") or {})
        return self._message(params)

    def _message(self, p):
        token = p.get("token")
        if not isinstance(token, str) or not KEY.match(token) or token not in self.tokens:
            return failure(400, "token", "application token is invalid")
        user = p.get("user")
        if not isinstance(user, str) or not KEY.match(user) or user not in self.users:
            return failure(400, "user", "user identifier is invalid")
        message = p.get("message")
        if not isinstance(message, str) or not message.strip():
            return failure(400, "message", "message cannot be blank")
        if len(message) > MAX_MESSAGE:
            return failure(400, "message", f"message is too long (max {MAX_MESSAGE} characters)")
        title = p.get("title", "")
        if not isinstance(title, str) or len(title) > MAX_TITLE:
            return failure(400, "title", f"title is too long (max {MAX_TITLE} characters)")
        device = p.get("device", "")
        if not isinstance(device, str):
            return failure(400, "device", "device name is not valid for user")
        for d in [x for x in device.split(",") if x]:
            if d not in self.users[user]:
                return failure(400, "device", "device name is not valid for user")
        sound = p.get("sound", "")
        if sound and sound not in SOUNDS:
            return failure(400, "sound", "sound is invalid")
        if self.used >= self.quota:
            return failure(429, None, "application is over its monthly message limit")
        self.used += 1
        headers = {"X-Limit-App-Limit": str(self.quota),
                   "X-Limit-App-Remaining": str(self.quota - self.used)}
        return 200, {"status": 1, "request": str(uuid.uuid4())}, headers

    def delivered(self, user=None):
        """Accepted message bodies, optionally for one user key."""
        with self.lock:
            done = [r for r in self.requests if r.get("status") == 200]
        return [r["body"] for r in done if user is None or r["body"].get("user") == user]
