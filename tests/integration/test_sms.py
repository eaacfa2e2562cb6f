"""SMS through the real binary against the Aliyun, Tencent, Huawei and AWS SNS fakes (each
checking its vendor's signature): every provider delivers; defaultProvider vs the first configured
provider; a vendor error is reported and not retried; a rate limit and a 500 are retried until
delivered; /api/v2/verify returns the vendor's error text for each provider."""

import http.client
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fakes"))

from aliyun_sms_fake import AliyunSmsFake
from aws_sns_fake import AwsSnsFake
from chat_manifests import default_config, global_receiver
from huawei_sms_fake import HuaweiSmsFake
from nmtest import NMTestCase, alert, nm_manifest, wait_until
from tencent_sms_fake import TencentSmsFake

SECRETS = ("ALI-SECRET-1", "TC-SECRET-1", "HW-SECRET-1", "AWS-SECRET-1")


def resend(fake, rec, raw=None):
    """Sends a recorded request again (optionally with another body): the fakes must refuse
    replayed nonces and bodies that no longer match their signature."""
    conn = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=10)
    try:
        raw = rec["raw"] if raw is None else raw
        headers = {k: v for k, v in rec["headers"].items() if k != "content-length"}
        conn.request(rec["method"], rec["target"], body=raw, headers=headers)
        r = conn.getresponse()
        return r.status, r.read().decode()
    finally:
        conn.close()


class SmsTest(NMTestCase):

    def setUp(self):
        super().setUp()
        self.aliyun = AliyunSmsFake(sign_name="NM", template_code="SMS_100")
        self.aliyun.add_key("LTAI-1", "ALI-SECRET-1")
        self.tencent = TencentSmsFake(sdk_app_id="1400000000", sign="NM", template_id="1001")
        self.tencent.add_key("AKID-1", "TC-SECRET-1")
        self.huawei = HuaweiSmsFake(sender="csms12345678", template_id="tmpl-1",
                                    template_vars=10, signature="NMsign")
        self.huawei.add_app("APPKEY-1", "HW-SECRET-1")
        self.aws = AwsSnsFake(region="us-east-1")
        self.aws.add_key("AKIA-1", "AWS-SECRET-1")

    def tearDown(self):
        super().tearDown()
        for f in (self.aliyun, self.tencent, self.huawei, self.aws):
            f.close()

    def providers(self, aliyun_secret="ALI-SECRET-1", tencent_secret="TC-SECRET-1",
                  huawei_secret="HW-SECRET-1", aws_secret="AWS-SECRET-1"):
        return {
            "aliyun": {"signName": "NM", "templateCode": "SMS_100",
                       "accessKeyId": {"value": "LTAI-1"},
                       "accessKeySecret": {"value": aliyun_secret},
                       "endpoint": self.aliyun.url("")},
            "tencent": {"sign": "NM", "templateID": "1001", "smsSdkAppid": "1400000000",
                        "secretId": {"value": "AKID-1"}, "secretKey": {"value": tencent_secret},
                        "endpoint": self.tencent.url("")},
            "huawei": {"signature": "NMsign", "templateId": "tmpl-1", "sender": "csms12345678",
                       "appKey": {"value": "APPKEY-1"}, "appSecret": {"value": huawei_secret},
                       "endpoint": self.huawei.url("")},
            "aws": {"region": "us-east-1", "accessKeyId": {"value": "AKIA-1"},
                    "secretAccessKey": {"value": aws_secret}, "endpoint": self.aws.url("")},
        }

    def start_with(self, names, default=None, numbers=("13800000000", "+14155550100")):
        every = self.providers()
        spec = {"providers": {n: every[n] for n in names}}
        if default:
            spec["defaultProvider"] = default
        self.write("nm.yaml", nm_manifest())
        self.write("config.yaml", default_config("sms", "sms", spec))
        self.write("receiver.yaml", global_receiver("sms", "sms", {"phoneNumbers": list(numbers)}))
        self.start()

    def fire(self, name="DiskFull"):
        self.post_alerts([alert({"alertname": name, "namespace": "n1", "severity": "critical"},
                                annotations={"message": "disk \"/var\" full\nsecond line"})])

    def assert_no_secret_in_logs(self):
        logs = self.daemon.logs()
        for s in SECRETS:
            self.assertNotIn(s, logs)

    def test_aliyun_delivers(self):
        self.start_with(["aliyun"])
        self.fire()
        wait_until(lambda: len(self.aliyun.delivered) == 2, what="aliyun delivery")
        self.assertEqual(len(self.aliyun.accepted()), 1)  # both numbers in one SendSms
        numbers = {n for n, _ in self.aliyun.delivered}
        self.assertEqual(numbers, {"13800000000", "+14155550100"})
        code = self.aliyun.delivered[0][1]["code"]
        self.assertEqual(len(code), 35)  # a notification variable holds at most 35 characters
        self.assertTrue(code.startswith('[FIRING] disk "/var" full\nsecond'), code)
        self.assertTrue(code.endswith("…"), code)
        self.assert_no_secret_in_logs()
        status, answer = resend(self.aliyun, self.aliyun.accepted()[0])
        self.assertEqual(status, 400)
        self.assertIn("SignatureNonceUsed", answer)

    def test_tencent_delivers(self):
        self.start_with(["tencent"])
        self.fire()
        wait_until(lambda: len(self.tencent.delivered) == 2, what="tencent delivery")
        numbers = {n for n, _ in self.tencent.delivered}
        self.assertEqual(numbers, {"+8613800000000", "+14155550100"})
        self.assertIn("DiskFull", self.tencent.delivered[0][1][0])
        self.assertIn("second line", self.tencent.delivered[0][1][0])
        self.assert_no_secret_in_logs()
        rec = self.tencent.accepted()[0]
        _, answer = resend(self.tencent, rec, rec["raw"].replace(b"DiskFull", b"DiskFine"))
        self.assertIn("AuthFailure.SignatureFailure", answer)

    def test_huawei_delivers(self):
        self.start_with(["huawei"])
        self.fire()
        wait_until(lambda: len(self.huawei.delivered) == 2, what="huawei delivery")
        paras = self.huawei.delivered[0][1]
        self.assertEqual(paras[0], "DiskFull")  # alertname
        self.assertEqual(paras[1], "critical")  # severity
        self.assertEqual(paras[2], "disk \"/var\" full\nse…")  # message, 20 characters
        self.assertEqual(paras[7], "n1")  # namespace
        self.assert_no_secret_in_logs()
        status, answer = resend(self.huawei, self.huawei.accepted()[0])
        self.assertEqual(status, 401)
        self.assertIn("Nonce replayed", answer)

    def test_aws_delivers_one_publish_per_number(self):
        self.start_with(["aws"], numbers=("+14155550100", "+447700900123"))
        self.fire()
        wait_until(lambda: len(self.aws.delivered) == 2, what="aws delivery")
        self.assertEqual(len(self.aws.accepted()), 2)
        self.assertEqual({n for n, _ in self.aws.delivered}, {"+14155550100", "+447700900123"})
        self.assertIn("DiskFull", self.aws.delivered[0][1])
        self.assert_no_secret_in_logs()
        rec = self.aws.accepted()[0]
        status, answer = resend(self.aws, rec, rec["raw"].replace(b"DiskFull", b"DiskFine"))
        self.assertEqual(status, 403)
        self.assertIn("SignatureDoesNotMatch", answer)

    def test_first_configured_provider_in_fixed_order(self):
        self.start_with(["aws", "huawei", "tencent"])
        self.fire()
        wait_until(lambda: self.tencent.delivered, what="tencent chosen")
        self.daemon.wait_settled()  # the batch is acked: no other provider can still be tried
        self.assertEqual(self.aws.requests, [])
        self.assertEqual(self.huawei.requests, [])

    def test_default_provider_wins(self):
        self.start_with(["aliyun", "aws"], default="aws", numbers=("+14155550100",))
        self.fire()
        wait_until(lambda: self.aws.delivered, what="aws chosen")
        self.daemon.wait_settled()
        self.assertEqual(self.aliyun.requests, [])

    def test_vendor_error_reported_not_retried(self):
        self.aliyun.sign_name = "OtherSign"
        self.start_with(["aliyun"])
        self.fire()
        wait_until(lambda: "sms: send failed" in self.daemon.logs(), what="failure logged")
        self.assertIn("isv.SMS_SIGNATURE_ILLEGAL", self.daemon.logs())
        self.daemon.wait_settled()  # a retry would come before the batch is acked
        self.assertEqual(len(self.aliyun.requests), 1)

    def test_aliyun_per_number_limit_reported_not_retried(self):
        self.aliyun.per_number_limit = 1
        self.start_with(["aliyun"], numbers=("13800000000",))
        self.fire("First")
        wait_until(lambda: self.aliyun.delivered, what="first message")
        self.fire("Second")
        wait_until(lambda: "isv.BUSINESS_LIMIT_CONTROL" in self.daemon.logs(),
                   what="business limit reported")
        self.daemon.wait_settled()
        self.assertEqual(len(self.aliyun.requests), 2)  # the capped send is not retried
        self.assertEqual(len(self.aliyun.delivered), 1)

    def test_per_number_failure_reported(self):
        self.tencent.fail_numbers["+14155550100"] = ("LimitExceeded.PhoneNumberDailyLimit",
                                                     "daily limit reached")
        self.start_with(["tencent"])
        self.fire()
        wait_until(lambda: "sms: send failed" in self.daemon.logs(), what="failure logged")
        self.daemon.wait_settled()
        logs = self.daemon.logs()
        self.assertIn("+14155550100", logs)
        self.assertIn("LimitExceeded.PhoneNumberDailyLimit", logs)
        self.assertEqual(len(self.tencent.requests), 1)
        self.assertEqual([n for n, _ in self.tencent.delivered], ["+8613800000000"])

    def test_rate_limits_retried_until_delivered(self):
        self.start_with(["tencent"])
        self.tencent.rate_limit_next(2)
        self.fire()
        wait_until(lambda: len(self.tencent.delivered) == 2, what="tencent after rate limit")
        self.daemon.wait_settled()
        self.assertEqual(len(self.tencent.requests), 3)

    def test_aliyun_throttling_retried_with_fresh_nonce(self):
        self.start_with(["aliyun"])
        self.aliyun.throttle_next(1)
        self.fire()
        wait_until(lambda: len(self.aliyun.delivered) == 2, what="aliyun after throttling")
        self.assertEqual(len(self.aliyun.requests), 2)  # a reused nonce would be refused

    def test_aws_500_and_throttling_retried(self):
        self.start_with(["aws"], numbers=("+14155550100",))
        self.aws.fail_next(1, 500)
        self.aws.throttle_next(1)
        self.fire()
        wait_until(lambda: self.aws.delivered, what="aws after 500 and Throttling")
        self.assertEqual(len(self.aws.requests), 3)

    def test_huawei_500_retried(self):
        self.start_with(["huawei"], numbers=("+8613800000000",))
        self.huawei.fail_next(1, 500)
        self.fire()
        wait_until(lambda: self.huawei.delivered, what="huawei after 500")
        self.assertEqual(len(self.huawei.requests), 2)

    def verify(self, provider, secret):
        providers = self.providers(**{f"{provider}_secret": secret})
        receiver = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Receiver",
                    "metadata": {"name": "try", "labels": {"type": "global"}},
                    "spec": {"sms": {"phoneNumbers": ["+8613800000000"]}}}
        config = {"apiVersion": "notification.kubesphere.io/v2beta2", "kind": "Config",
                  "metadata": {"name": "try", "labels": {"type": "default"}},
                  "spec": {"sms": {"providers": {provider: providers[provider]}}}}
        return self.daemon.post("/api/v2/verify", {"receiver": receiver, "config": config})

    def test_verify_returns_the_vendor_error_for_each_provider(self):
        self.write("nm.yaml", nm_manifest())
        self.start()
        expected = {"aliyun": "SignatureDoesNotMatch", "tencent": "AuthFailure.SignatureFailure",
                    "huawei": "E000101", "aws": "SignatureDoesNotMatch"}
        for provider, code in expected.items():
            with self.subTest(provider=provider):
                status, body = self.verify(provider, "WRONG-SECRET")
                self.assertNotEqual(status, 200, body)
                text = json.dumps(body)
                self.assertIn(code, text)
                self.assertNotIn("WRONG-SECRET", text)
                right = dict(zip(("aliyun", "tencent", "huawei", "aws"), SECRETS))[provider]
                status, body = self.verify(provider, right)
                self.assertEqual(status, 200, body)


if __name__ == "__main__":
    unittest.main()
