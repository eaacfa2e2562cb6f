"""Email through the real binary against real SMTP servers (aiosmtpd): the delivered message parsed
back (encoded subject, Date, Message-ID, multipart/alternative), one session per batch of
recipients, refused recipients, dropped connections retried, certificate verification,
requireTLS, implicit TLS, each AUTH mechanism, and /api/v2/verify."""

import email.utils
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))

from chat_manifests import global_receiver
from nmtest import NMTestCase, alert, nm_manifest, wait_until
from smtp_servers import SmtpTestServer, TestCerts

SUBJECT = "磁盘已满：节点 node-1 的根分区只剩 1% 空间，请尽快清理以免影响业务"


def email_config(name, spec, labels=None):
    return json.dumps({"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Config",
                       "metadata": {"name": name, "labels": {"type": "default", **(labels or {})}},
                       "spec": {"email": spec}})


class EmailTest(NMTestCase):

    @classmethod
    def setUpClass(cls):
        cls.certs = TestCerts()

    @classmethod
    def tearDownClass(cls):
        cls.certs.close()

    def setUp(self):
        super().setUp()
        self.servers = []

    def tearDown(self):
        super().tearDown()
        for s in self.servers:
            s.close()

    def server(self, **kwargs):
        s = SmtpTestServer(self.certs, **kwargs)
        self.servers.append(s)
        return s

    def smtp_spec(self, server, **extra):
        spec = {"from": "Alerts <nm@example.com>",
                "smartHost": {"host": "127.0.0.1", "port": server.port}}
        spec.update(extra)
        return spec

    def tls(self, **extra):
        t = {"rootCA": {"value": self.certs.read("ca.pem")}}
        t.update(extra)
        return t

    def start_with(self, configs, receivers, options=None):
        email_opts = {"notificationTimeout": 10}
        email_opts.update(options or {})
        self.write("nm.yaml", nm_manifest(options={"email": email_opts}))
        for i, c in enumerate(configs):
            self.write(f"config{i}.yaml", c)
        for i, r in enumerate(receivers):
            self.write(f"receiver{i}.yaml", r)
        self.start()

    def one_receiver(self, server, to, options=None, receiver_extra=None, **config_extra):
        spec = {"to": to}
        spec.update(receiver_extra or {})
        self.start_with([email_config("mail", self.smtp_spec(server, **config_extra))],
                        [global_receiver("mail", "email", spec)], options)

    def disk_alert(self, name="DiskFull"):
        return alert({"alertname": name, "namespace": "n1"}, annotations={"message": SUBJECT})

    def test_multipart_message_with_encoded_subject(self):
        srv = self.server()
        to = ["a@example.com", "b@example.com", "c@example.com"]
        self.one_receiver(srv, to, hello="nm.example.org")
        self.post_alerts([self.disk_alert()])
        wait_until(srv.received, what="a message")
        self.daemon.wait_settled()  # the batch is acked: no other session can follow
        got = srv.received()
        self.assertEqual(len(got), 1)
        self.assertEqual(len(srv.mail_froms), 1)
        self.assertEqual(srv.connections, 1)
        m = got[0]
        self.assertEqual(m["from"], "nm@example.com")
        self.assertEqual(sorted(m["rcpts"]), to)
        self.assertEqual(m["hello"], "nm.example.org")
        msg = m["message"]
        self.assertEqual(str(msg["Subject"]), "[FIRING] " + SUBJECT)
        self.assertIn(b"=?UTF-8?B?", m["raw"])
        for line in m["raw"].split(b"\r\n"):
            self.assertLessEqual(len(line), 78, line)
        self.assertIsNotNone(email.utils.parsedate_to_datetime(str(msg["Date"])))
        self.assertRegex(str(msg["Message-ID"]), r"^<[^@<>]+@example\.com>$")
        self.assertEqual(msg["From"].addresses[0].addr_spec, "nm@example.com")
        self.assertEqual(msg["From"].addresses[0].display_name, "Alerts")
        self.assertEqual([a.addr_spec for a in msg["To"].addresses], to)
        self.assertEqual(msg.get_content_type(), "multipart/alternative")
        parts = list(msg.iter_parts())
        self.assertEqual([p.get_content_type() for p in parts], ["text/plain", "text/html"])
        for p in parts:
            self.assertEqual(p["Content-Transfer-Encoding"], "quoted-printable")
            self.assertEqual(p.get_content_charset(), "utf-8")
            self.assertIn("DiskFull", p.get_content())
            self.assertIn("node-1", p.get_content())
        self.assertIn("<", parts[1].get_content())

    def test_text_mode_is_text_plain_and_dot_lines_survive(self):
        srv = self.server()
        self.one_receiver(srv, ["a@example.com"], receiver_extra={"tmplType": "text"})
        # Lines made of a dot survive: libcurl dot-stuffs the DATA, the server unstuffs it.
        self.post_alerts([alert({"alertname": "Dots", "namespace": "n1"},
                                annotations={"message": "first\n.\n.hidden line"})])
        wait_until(srv.received, what="a message")
        msg = srv.received()[0]["message"]
        self.assertEqual(msg.get_content_type(), "text/plain")
        self.assertIn("Dots", msg.get_content())
        self.assertIn("first\n.\n.hidden line", msg.get_content().replace("\r\n", "\n"))

    def test_max_email_receivers_splits_sessions(self):
        srv = self.server()
        to = ["a@example.com", "b@example.com", "c@example.com"]
        self.one_receiver(srv, to, options={"maxEmailReceivers": 2})
        self.post_alerts([self.disk_alert()])
        wait_until(lambda: len(srv.received()) == 2, what="two sessions")
        self.daemon.wait_settled()
        self.assertEqual(len(srv.mail_froms), 2)
        self.assertEqual(sorted(sorted(m["rcpts"]) for m in srv.received()),
                         [["a@example.com", "b@example.com"], ["c@example.com"]])

    def test_rejected_recipient_is_reported_and_others_receive(self):
        srv = self.server(reject={"ghost@example.com": "550 5.1.1 no such user"})
        self.one_receiver(srv, ["a@example.com", "ghost@example.com", "b@example.com"])
        self.post_alerts([self.disk_alert()])
        wait_until(srv.received, what="a message")
        self.assertEqual(sorted(srv.received()[0]["rcpts"]), ["a@example.com", "b@example.com"])
        wait_until(lambda: "rejected <ghost@example.com>: 550 5.1.1 no such user"
                   in self.daemon.logs(), what="the refused recipient reported")
        self.daemon.wait_settled()  # retries would happen before the batch is acked
        self.assertEqual(len(srv.mail_froms), 1)  # a permanent refusal is not retried

    def test_dropped_connections_are_retried(self):
        srv = self.server()
        srv.drop_before_banner = 1
        srv.drop_after_mail = 1
        self.one_receiver(srv, ["a@example.com"])
        self.post_alerts([self.disk_alert()])
        wait_until(srv.received, timeout=20, what="delivery after retries")
        self.assertGreaterEqual(srv.connections, 3)
        self.assertEqual(len(srv.received()), 1)

    def test_untrusted_certificate_is_refused_without_retry(self):
        srv = self.server(mode="starttls", untrusted=True)
        self.one_receiver(srv, ["a@example.com"], requireTLS=True, tls=self.tls())
        self.post_alerts([self.disk_alert()])
        wait_until(lambda: "certificate verification failed" in self.daemon.logs(),
                   what="the certificate error")
        self.daemon.wait_settled()  # retries would happen before the batch is acked
        self.assertEqual(srv.received(), [])
        self.assertEqual(srv.connections, 1)

    def test_require_tls_without_starttls(self):
        srv = self.server(mode="plain")
        self.one_receiver(srv, ["a@example.com"], requireTLS=True, tls=self.tls())
        self.post_alerts([self.disk_alert()])
        wait_until(lambda: "does not offer STARTTLS" in self.daemon.logs(),
                   what="the requireTLS error")
        self.daemon.wait_settled()
        self.assertEqual(srv.received(), [])

    def test_starttls_with_verified_certificate(self):
        srv = self.server(mode="starttls")
        self.one_receiver(srv, ["a@example.com"], requireTLS=True, tls=self.tls())
        self.post_alerts([self.disk_alert()])
        wait_until(srv.received, what="a message over STARTTLS")
        self.assertTrue(srv.received()[0]["tls"])

    def test_implicit_tls_on_port_465(self):
        try:
            srv = self.server(mode="smtps", host="127.46.5.1", port=465)
        except OSError as e:
            self.skipTest(f"cannot listen on 127.46.5.1:465 here: {e}")
        spec = {"from": "nm@example.com", "smartHost": {"host": "127.46.5.1", "port": 465},
                "tls": self.tls(serverName="mail.test")}
        self.start_with([email_config("mail", spec)],
                        [global_receiver("mail", "email", {"to": ["a@example.com"]})])
        self.post_alerts([self.disk_alert()])
        wait_until(srv.received, what="a message over implicit TLS")
        self.assertEqual(srv.received()[0]["rcpts"], ["a@example.com"])

    def test_each_auth_mechanism(self):
        users = {"alice": "s3cret-pw"}
        configs, receivers, servers = [], [], {}
        for mech in ("PLAIN", "LOGIN", "CRAM-MD5", "NTLM"):
            srv = self.server(mode="starttls", users=users, mechanisms=(mech,))
            servers[mech] = srv
            spec = self.smtp_spec(srv, requireTLS=True, tls=self.tls(), authUsername="alice")
            if mech == "CRAM-MD5":
                spec["authSecret"] = {"value": "s3cret-pw"}
            else:
                spec["authPassword"] = {"value": "s3cret-pw"}
            if mech == "PLAIN":
                spec["authIdentify"] = "ops"
            label = mech.lower().replace("-", "")
            configs.append(email_config(f"c-{label}", spec, {"mech": label}))
            receivers.append(global_receiver(f"r-{label}", "email", {
                "to": [f"{label}@example.com"],
                "emailConfigSelector": {"matchLabels": {"mech": label}}}))
        # A wrong password is refused and reported.
        bad = self.server(mode="starttls", users=users, mechanisms=("LOGIN",))
        spec = self.smtp_spec(bad, requireTLS=True, tls=self.tls(), authUsername="alice",
                              authPassword={"value": "wrong-pw"})
        configs.append(email_config("c-bad", spec, {"mech": "bad"}))
        receivers.append(global_receiver("r-bad", "email", {
            "to": ["bad@example.com"], "emailConfigSelector": {"matchLabels": {"mech": "bad"}}}))
        self.start_with(configs, receivers)
        self.post_alerts([self.disk_alert()])
        for mech, srv in servers.items():
            wait_until(srv.received, what=f"delivery after AUTH {mech}")
        wait_until(lambda: "auth failed: smtp 535" in self.daemon.logs(), what="auth refusal")
        self.daemon.wait_settled()  # every session of the batch, retries included, is over
        for mech, srv in servers.items():
            self.assertEqual(srv.received()[0]["login"], "alice", mech)
            self.assertEqual([m for m, _, _ in srv.auth_log], [mech])
        self.assertEqual(servers["PLAIN"].auth_log[0][2], "ops")  # authIdentify
        self.assertEqual(servers["NTLM"].auth_log[0][2], "NTLMv2")
        self.assertEqual(bad.received(), [])
        self.assertNotIn("s3cret-pw", self.daemon.logs())
        self.assertNotIn("wrong-pw", self.daemon.logs())

    def test_verify_reports_the_smtp_error(self):
        srv = self.server(reject={"ghost@example.com": "550 5.1.1 no such user"})
        self.start_with([], [])
        receiver = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
                    "metadata": {"name": "try", "labels": {"type": "global"}},
                    "spec": {"email": {"to": ["ghost@example.com"]}}}
        config = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Config",
                  "metadata": {"name": "try", "labels": {"type": "default"}},
                  "spec": {"email": self.smtp_spec(srv)}}
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver, "config": config})
        self.assertNotEqual(status, 200, body)
        self.assertIn("550 5.1.1 no such user", body["Message"])
        receiver["spec"]["email"]["to"] = ["a@example.com"]
        status, body = self.daemon.post("/api/v2/verify", {"receiver": receiver, "config": config})
        self.assertEqual(status, 200, body)
        wait_until(srv.received, what="the verification message")


if __name__ == "__main__":
    unittest.main()
