"""Real SMTP servers for the email tests, built on aiosmtpd (Debian python3-aiosmtpd) and run on
127.0.0.1:0 in a thread: STARTTLS and implicit TLS with certificates made by `openssl` at test
time, AUTH PLAIN/LOGIN (only over TLS), CRAM-MD5 and NTLM checking credentials, recipients
refused with 550, connections dropped before the banner or after MAIL FROM."""

import asyncio
import base64
import email
import email.policy
import hashlib
import hmac
import os
import ssl
import subprocess
import tempfile
import threading
import time

from aiosmtpd.smtp import SMTP, AuthResult

from ntlm import NtlmServer


class TestCerts:
    """A CA and a server certificate for 127.0.0.1/localhost signed by it, plus an unrelated CA,
    made with the openssl CLI in a temporary directory (never committed)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="nm-smtp-certs-")
        self._openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                      "-keyout", self.path("ca.key"), "-out", self.path("ca.pem"),
                      "-subj", "/CN=nm test CA")
        self._openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", self.path("server.key"),
                      "-out", self.path("server.csr"), "-subj", "/CN=mail.test")
        with open(self.path("san.ext"), "w") as f:
            f.write("subjectAltName=DNS:mail.test,DNS:localhost,IP:127.0.0.1\n"
                    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=serverAuth\n")
        self._openssl("x509", "-req", "-in", self.path("server.csr"), "-CA", self.path("ca.pem"),
                      "-CAkey", self.path("ca.key"), "-CAcreateserial", "-days", "2",
                      "-extfile", self.path("san.ext"), "-out", self.path("server.pem"))
        self._openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                      "-keyout", self.path("other.key"), "-out", self.path("other.pem"),
                      "-subj", "/CN=untrusted")

    def path(self, name):
        return os.path.join(self.dir, name)

    def _openssl(self, *args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    def read(self, name):
        with open(self.path(name)) as f:
            return f.read()

    def server_context(self, untrusted=False):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if untrusted:
            ctx.load_cert_chain(self.path("other.pem"), self.path("other.key"))
        else:
            ctx.load_cert_chain(self.path("server.pem"), self.path("server.key"))
        return ctx

    def close(self):
        for name in os.listdir(self.dir):
            os.unlink(self.path(name))
        os.rmdir(self.dir)


class Recorder:
    """The aiosmtpd handler: records sessions, envelopes and messages; refuses and drops on
    request; implements CRAM-MD5, NTLM and a PLAIN that keeps the authorization identity."""

    def __init__(self, server):
        self.server = server

    async def handle_MAIL(self, smtp, session, envelope, address, mail_options):
        s = self.server
        with s.lock:
            s.mail_froms.append(address)
            drop = s.drop_after_mail > 0
            if drop:
                s.drop_after_mail -= 1
        if drop:
            smtp.transport.abort()
            return "421 4.3.0 closing"
        if s.require_auth and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        if address in self.server.reject:
            return self.server.reject[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        with self.server.lock:
            self.server.messages.append({"from": envelope.mail_from,
                                         "rcpts": list(envelope.rcpt_tos),
                                         "raw": raw, "message": msg,
                                         "login": session.auth_data,
                                         "tls": smtp._tls_protocol is not None,
                                         "hello": session.host_name})
        return "250 OK queued"

    async def auth_PLAIN(self, smtp, args):
        if len(args) == 1:
            blob = await smtp.challenge_auth("")
        else:
            blob = base64.b64decode(args[1].encode(), validate=True)
        try:
            authz, login, password = blob.split(b"\x00")
        except (ValueError, AttributeError):
            return AuthResult(success=False, handled=False)
        self.server.auth_log.append(("PLAIN", login.decode(), authz.decode()))
        return AuthResult(success=self.server.check(login.decode(), password.decode()),
                          handled=False, auth_data=login.decode())

    async def auth_CRAM__MD5(self, smtp, args):
        challenge = f"<{os.getpid()}.{time.time_ns()}@nm.test>".encode()
        response = await smtp.challenge_auth(challenge)
        if not isinstance(response, bytes) or b" " not in response:
            return AuthResult(success=False, handled=False)
        user, digest = response.decode().rsplit(" ", 1)
        secret = self.server.users.get(user)
        expected = (hmac.new(secret.encode(), challenge, hashlib.md5).hexdigest()
                    if secret is not None else "")
        ok = secret is not None and hmac.compare_digest(expected, digest)
        self.server.auth_log.append(("CRAM-MD5", user, ""))
        return AuthResult(success=ok, handled=False, auth_data=user)

    async def auth_NTLM(self, smtp, args):
        ntlm = NtlmServer(self.server.users)
        if len(args) > 1:
            type1 = base64.b64decode(args[1].encode())
        else:
            type1 = await smtp.challenge_auth("", encode_to_b64=False)
        if not isinstance(type1, bytes):
            return AuthResult(success=False, handled=False)
        try:
            type3 = await smtp.challenge_auth(ntlm.type2(type1))
        except ValueError:
            return AuthResult(success=False, handled=False)
        ok = isinstance(type3, bytes) and ntlm.verify(type3)
        self.server.auth_log.append(("NTLM", ntlm.user or "", ntlm.version or ""))
        return AuthResult(success=ok, handled=False, auth_data=ntlm.user)


class _Dropper(asyncio.Protocol):
    def connection_made(self, transport):
        transport.abort()


class SmtpTestServer:
    """An SMTP server on 127.0.0.1:<free port> (or host:port).

    mode: "plain" (no TLS), "starttls" (offers STARTTLS), "smtps" (implicit TLS).
    mechanisms: the AUTH mechanisms offered (subset of PLAIN, LOGIN, CRAM-MD5, NTLM); with
    `users`, sessions must authenticate before MAIL FROM. AUTH is offered only over TLS unless
    auth_require_tls is False.
    reject: {address: reply} refused at RCPT TO.
    untrusted: present a certificate from a CA the client does not know."""

    def __init__(self, certs=None, mode="plain", users=None, mechanisms=(), reject=None,
                 untrusted=False, auth_require_tls=True, host="127.0.0.1", port=0):
        self.lock = threading.Lock()
        self.users = dict(users or {})
        self.require_auth = bool(users)
        self.reject = dict(reject or {})
        self.messages = []
        self.mail_froms = []
        self.auth_log = []
        self.connections = 0
        self.drop_before_banner = 0
        self.drop_after_mail = 0
        handler = Recorder(self)
        all_mechs = {"PLAIN", "LOGIN", "CRAM-MD5", "NTLM"}
        kwargs = {"auth_require_tls": auth_require_tls,
                  "auth_exclude_mechanism": sorted(all_mechs - set(mechanisms)),
                  "authenticator": self._authenticate,
                  "hostname": "mail.test"}
        tls_ctx = certs.server_context(untrusted) if certs and mode != "plain" else None
        if mode == "starttls":
            kwargs["tls_context"] = tls_ctx

        def factory():
            with self.lock:
                self.connections += 1
                if self.drop_before_banner > 0:
                    self.drop_before_banner -= 1
                    return _Dropper()
            return SMTP(handler, **kwargs)

        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        self.error = None

        def run():
            asyncio.set_event_loop(self.loop)
            try:
                self.server = self.loop.run_until_complete(self.loop.create_server(
                    factory, host, port, ssl=tls_ctx if mode == "smtps" else None))
            except OSError as e:
                self.error = e
                ready.set()
                return
            self.port = self.server.sockets[0].getsockname()[1]
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        if not ready.wait(10):
            raise RuntimeError("SMTP test server did not start")
        if self.error:
            raise self.error

    def _authenticate(self, smtp, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode()
        ok = self.check(login, auth_data.password.decode())
        self.auth_log.append((mechanism, login, ""))
        return AuthResult(success=ok, handled=False, auth_data=login)

    def check(self, user, password):
        return user in self.users and hmac.compare_digest(self.users[user], password)

    def received(self):
        with self.lock:
            return list(self.messages)

    def close(self):
        def stop():
            self.server.close()
            self.loop.stop()
        if self.error is None:
            self.loop.call_soon_threadsafe(stop)
            self.thread.join(10)
        self.loop.close()
