"""A protocol-faithful Aliyun SMS fake (dysmsapi 2017-05-25 SendSms, RPC style, GET query or POST
form). Implemented from Aliyun's documents, not from our C++: the RPC signature v1.0
(https://www.alibabacloud.com/help/doc-detail/28139.htm: sorted RFC 3986-encoded parameters,
"METHOD&%2F&" + encode(query), base64 HMAC-SHA1 with key secret + "&"), Timestamp within 15
minutes, SignatureNonce never reused, required parameters, TemplateParam a JSON object of strings
(each value at most 35 characters), at most 1000 numbers, known sign and template, and the error
codes of https://help.aliyun.com/document_detail/101346.html, including the per-number business
limit isv.BUSINESS_LIMIT_CONTROL and the API flow control Throttling.User."""

import base64
import calendar
import hashlib
import hmac
import json
import re
import time
import urllib.parse
import uuid

from fake_base import FakeServer

MAX_NUMBERS = 1000
MAX_PARAM_CHARS = 35
TIMESTAMP_WINDOW = 15 * 60
COMMON = ("AccessKeyId", "Action", "Format", "SignatureMethod", "SignatureNonce",
          "SignatureVersion", "Timestamp", "Version", "Signature")


def pop_encode(s):
    """RFC 3986 as Aliyun requires: only A-Z a-z 0-9 - _ . ~ unescaped, UTF-8, %XX uppercase."""
    return urllib.parse.quote(s, safe="-_.~")


def rpc_signature(method, params, secret):
    canonical = "&".join(f"{pop_encode(k)}={pop_encode(v)}"
                         for k, v in sorted(params.items()) if k != "Signature")
    string_to_sign = f"{method}&{pop_encode('/')}&{pop_encode(canonical)}"
    mac = hmac.new((secret + "&").encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(mac).decode(), string_to_sign


class AliyunSmsFake(FakeServer):

    def __init__(self, sign_name="NM", template_code="SMS_100", per_number_limit=0):
        self.keys = {}  # AccessKeyId -> secret
        self.sign_name = sign_name
        self.template_code = template_code
        self.per_number_limit = per_number_limit  # sends per number per minute; 0: unlimited
        self.nonces = set()
        self.sent_at = {}  # number -> accepted send times
        self.delivered = []  # (number, TemplateParam dict)
        self._throttle = 0
        super().__init__()

    def add_key(self, key_id, secret):
        self.keys[key_id] = secret

    def throttle_next(self, n):
        """The next n requests hit the API flow control (Throttling.User)."""
        with self.lock:
            self._throttle += n

    def accepted(self):
        with self.lock:
            return [r for r in self.requests
                    if isinstance(r.get("answer"), dict) and r["answer"].get("Code") == "OK"]

    @staticmethod
    def _error(status, code, message):
        return status, {"RequestId": str(uuid.uuid4()).upper(), "Code": code, "Message": message,
                        "Recommend": "https://api.aliyun.com/troubleshoot?q=" + code}

    def handle(self, method, path, query, body, raw):
        if path != "/":
            return 404, {"Code": "InvalidAction.NotFound", "Message": "not found"}
        if method == "POST":
            pairs = urllib.parse.parse_qsl(raw.decode("utf-8"), keep_blank_values=True)
        else:
            pairs = urllib.parse.parse_qsl(urllib.parse.urlsplit(self.current["target"]).query,
                                           keep_blank_values=True)
        params = {}
        for k, v in pairs:
            if k in params:
                return self._error(400, "InvalidParameter", f"{k} is duplicated.")
            params[k] = v
        for k in COMMON:
            if not params.get(k):
                return self._error(400, f"Missing{k}", f"{k} is mandatory for this action.")
        if params["Action"] != "SendSms":
            return self._error(404, "InvalidAction.NotFound",
                               "Specified api is not found, please check your url and method.")
        if params["Version"] != "2017-05-25":
            return self._error(400, "InvalidVersion", "Specified parameter Version is not valid.")
        if params["SignatureMethod"] != "HMAC-SHA1" or params["SignatureVersion"] != "1.0":
            return self._error(400, "InvalidSignatureMethod",
                               "Specified signature method is not supported.")
        secret = self.keys.get(params["AccessKeyId"])
        if secret is None:
            return self._error(404, "InvalidAccessKeyId.NotFound",
                               "Specified access key is not found.")
        try:
            ts = calendar.timegm(time.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ"))
        except ValueError:
            return self._error(400, "InvalidTimeStamp.Format",
                               "Specified time stamp or date value is not well formatted.")
        if abs(time.time() - ts) > TIMESTAMP_WINDOW:
            return self._error(400, "InvalidTimeStamp.Expired",
                               "Specified time stamp or date value is expired.")
        expected, sts = rpc_signature(method, params, secret)
        if not hmac.compare_digest(expected, params["Signature"]):
            return self._error(400, "SignatureDoesNotMatch",
                               "Specified signature is not matched with our calculation. "
                               f"server string to sign is:{sts}")
        if params["SignatureNonce"] in self.nonces:
            return self._error(400, "SignatureNonceUsed",
                               "Specified signature nonce was used already.")
        self.nonces.add(params["SignatureNonce"])
        if self._throttle > 0:
            self._throttle -= 1
            return self._error(400, "Throttling.User",
                               "Request was denied due to user flow control.")
        return self._send_sms(params)

    def _send_sms(self, params):
        for k in ("PhoneNumbers", "SignName", "TemplateCode"):
            if not params.get(k):
                return self._error(400, f"Missing{k}", f"{k} is mandatory for this action.")
        numbers = params["PhoneNumbers"].split(",")
        if len(numbers) > MAX_NUMBERS:
            return 200, self._biz("isv.MOBILE_COUNT_OVER_LIMIT", "手机号码数量超过限制")
        if any(not re.fullmatch(r"\+?\d{5,20}", n) for n in numbers):
            return 200, self._biz("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        if params["SignName"] != self.sign_name:
            return 200, self._biz("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
        if params["TemplateCode"] != self.template_code:
            return 200, self._biz("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
        try:
            tp = json.loads(params.get("TemplateParam") or "{}")
        except ValueError:
            return 200, self._biz("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
        if not isinstance(tp, dict) or any(not isinstance(v, str) for v in tp.values()):
            return 200, self._biz("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
        if any(len(v) > MAX_PARAM_CHARS or not v for v in tp.values()):
            return 200, self._biz("isv.PARAM_LENGTH_LIMIT", "参数超出长度限制")
        now = time.time()
        if self.per_number_limit:
            for n in numbers:
                recent = [t for t in self.sent_at.get(n, []) if now - t < 60]
                if len(recent) >= self.per_number_limit:
                    return 200, self._biz("isv.BUSINESS_LIMIT_CONTROL",
                                          f"触发分钟级流控Permits:{self.per_number_limit}")
        for n in numbers:
            self.sent_at.setdefault(n, []).append(now)
            self.delivered.append((n, tp))
        return 200, {"Code": "OK", "Message": "OK", "BizId": f"{int(now)}^0",
                     "RequestId": str(uuid.uuid4()).upper()}

    @staticmethod
    def _biz(code, message):
        return {"Code": code, "Message": message, "RequestId": str(uuid.uuid4()).upper()}
