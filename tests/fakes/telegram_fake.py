"""A protocol-faithful Telegram Bot API fake: POST /bot<token>/sendMessage (JSON or form body)
with the token checked (401 Unauthorized), chat_id and text required, text at most 4096
characters (UTF-16 code units, no parse_mode), unknown chats (400 chat not found), and a per-chat
rate limit answering 429 with parameters.retry_after like the real API.
Vendor docs: https://core.telegram.org/bots/api#sendmessage,
https://core.telegram.org/bots/api#making-requests, https://core.telegram.org/bots/faq."""

import math
import time

from fake_base import FakeServer

MAX_TEXT = 4096


def error(code, description, **parameters):
    body = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return code, body


class TelegramFake(FakeServer):

    def __init__(self, tokens=(), chats=(), per_chat_limit=20, window=60.0):
        self.tokens = set(tokens)
        self.chats = {str(c) for c in chats}
        self.per_chat_limit, self.window = per_chat_limit, window
        self.sent = {}  # chat id -> accepted send times
        self.next_id = 1
        super().__init__()

    def base(self):
        """The apiBaseUrl to configure (the binary appends /bot<token>/sendMessage)."""
        return self.url("")

    def handle(self, method, path, query, body, raw):
        parts = path.split("/")
        if len(parts) != 3 or parts[0] != "" or not parts[1].startswith("bot"):
            return error(404, "Not Found")
        token, api_method = parts[1][3:], parts[2]
        if token not in self.tokens:
            return error(401, "Unauthorized")
        if api_method != "sendMessage":
            return error(404, "Not Found: method not found")
        if method not in ("GET", "POST"):
            return error(405, "Method Not Allowed")
        params = body if isinstance(body, dict) else (self.current.get("form") or query)
        return self._send(params or {})

    def _send(self, params):
        chat = params.get("chat_id")
        if isinstance(chat, bool) or not isinstance(chat, (int, str)) or str(chat) == "":
            return error(400, "Bad Request: chat_id is empty")
        chat = str(chat)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            return error(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > MAX_TEXT:
            return error(400, "Bad Request: message is too long")
        if chat not in self.chats:
            return error(400, "Bad Request: chat not found")
        now = time.time()
        recent = [t for t in self.sent.get(chat, []) if t > now - self.window]
        if len(recent) >= self.per_chat_limit:
            wait = max(1, math.ceil(recent[0] + self.window - now))
            return error(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        recent.append(now)
        self.sent[chat] = recent
        self.next_id += 1
        return 200, {"ok": True, "result": {"message_id": self.next_id,
                                            "chat": {"id": chat}, "date": int(now),
                                            "text": text}}

    def messages(self, chat=None):
        """Delivered sendMessage bodies, optionally for one chat."""
        with self.lock:
            done = [r for r in self.requests if r.get("status") == 200]
        return [r["body"] for r in done
                if chat is None or str(r["body"].get("chat_id")) == str(chat)]
