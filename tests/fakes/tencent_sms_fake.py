"""A protocol-faithful Tencent Cloud SMS fake (SendSms, API 2021-01-11). Implemented from
Tencent's documents, not from our C++: signature v3 TC3-HMAC-SHA256
(https://cloud.tencent.com/document/api/213/30654: canonical request over the SignedHeaders,
lowercased and trimmed, and the payload hash; scope date/service/tc3_request; key derived from
"TC3" + SecretKey), X-TC-Timestamp within five minutes (AuthFailure.SignatureExpire), the common
headers, at most 200 numbers per request, a SendStatusSet entry per number, and the rate limit
RequestLimitExceeded. Errors come as HTTP 200 {"Response":{"Error":{Code,Message},RequestId}}
(https://cloud.tencent.com/document/api/382/55981)."""

import hashlib
import hmac
import re
import time
import uuid

from fake_base import FakeServer

MAX_NUMBERS = 200
MAX_CONTENT_CHARS = 500
WINDOW = 300


def _hmac(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def parse_authorization(value):
    m = re.fullmatch(r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/([^/]+)/tc3_request,"
                     r"\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})", value or "")
    if not m:
        return None
    return {"id": m.group(1), "date": m.group(2), "service": m.group(3),
            "signed": m.group(4).split(";"), "signature": m.group(5)}


class TencentSmsFake(FakeServer):

    def __init__(self, sdk_app_id="1400000000", sign="NM", template_id="1001"):
        self.keys = {}  # SecretId -> SecretKey
        self.sdk_app_id = sdk_app_id
        self.sign = sign
        self.template_id = template_id
        self.fail_numbers = {}  # number -> (code, message) answered in its SendStatus
        self.delivered = []  # (number, TemplateParamSet)
        self._limit = 0
        super().__init__()

    def add_key(self, secret_id, secret_key):
        self.keys[secret_id] = secret_key

    def rate_limit_next(self, n):
        with self.lock:
            self._limit += n

    def accepted(self):
        with self.lock:
            return [r for r in self.requests if isinstance(r.get("answer"), dict)
                    and "SendStatusSet" in r["answer"].get("Response", {})]

    @staticmethod
    def _error(code, message):
        return 200, {"Response": {"Error": {"Code": code, "Message": message},
                                  "RequestId": str(uuid.uuid4())}}

    def _verify(self, raw):
        h = self.current["headers"]
        auth = parse_authorization(h.get("authorization"))
        if auth is None:
            return self._error("AuthFailure.InvalidAuthorization",
                               "Authorization header is malformed.")
        secret = self.keys.get(auth["id"])
        if secret is None:
            return self._error("AuthFailure.SecretIdNotFound",
                               "The SecretId is not found, please ensure that your SecretId "
                               "is correct.")
        try:
            ts = int(h.get("x-tc-timestamp", ""))
        except ValueError:
            return self._error("MissingParameter", "The request is missing a required parameter "
                               "`X-TC-Timestamp`.")
        if abs(time.time() - ts) > WINDOW:
            return self._error("AuthFailure.SignatureExpire",
                               "Signature expired. Timestamp and server time are not allowed "
                               "to exceed five minutes.")
        date = time.strftime("%Y-%m-%d", time.gmtime(ts))
        if "content-type" not in auth["signed"] or "host" not in auth["signed"]:
            return self._error("AuthFailure.SignatureFailure",
                               "content-type and host must be signed.")
        canonical_headers = "".join(f"{n}:{(h.get(n) or '').strip().lower()}\n"
                                    for n in auth["signed"])
        canonical = "\n".join(["POST", "/", "", canonical_headers, ";".join(auth["signed"]),
                               hashlib.sha256(raw).hexdigest()])
        scope = f"{date}/{auth['service']}/tc3_request"
        sts = "\n".join(["TC3-HMAC-SHA256", str(ts), scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
        key = _hmac(_hmac(_hmac(("TC3" + secret).encode(), date), auth["service"]), "tc3_request")
        expected = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
        if auth["date"] != date or auth["service"] != "sms" or \
                not hmac.compare_digest(expected, auth["signature"]):
            return self._error("AuthFailure.SignatureFailure",
                               "The provided credentials could not be validated. "
                               "Please check your signature is correct.")
        return None

    def handle(self, method, path, query, body, raw):
        h = self.current["headers"]
        if method != "POST" or path != "/":
            return self._error("UnsupportedOperation", "only POST / is served")
        failure = self._verify(raw)
        if failure:
            return failure
        if h.get("x-tc-action") != "SendSms":
            return self._error("InvalidAction", "The action requested does not exist.")
        if h.get("x-tc-version") != "2021-01-11":
            return self._error("NoSuchVersion", "The API version does not exist.")
        if not h.get("x-tc-region"):
            return self._error("MissingParameter", "The request is missing `X-TC-Region`.")
        if self._limit > 0:
            self._limit -= 1
            return self._error("RequestLimitExceeded",
                               "Your current request is too frequent. Please try again later.")
        if not isinstance(body, dict):
            return self._error("InvalidParameter", "The request body is not valid JSON.")
        for k in ("PhoneNumberSet", "SmsSdkAppId", "TemplateId"):
            if k not in body:
                return self._error("MissingParameter", f"The request is missing `{k}`.")
        numbers, params = body["PhoneNumberSet"], body.get("TemplateParamSet", [])
        if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
            return self._error("InvalidParameter", "PhoneNumberSet must be a list of strings.")
        if not isinstance(params, list) or not all(isinstance(p, str) for p in params):
            return self._error("InvalidParameter", "TemplateParamSet must be a list of strings.")
        if len(numbers) > MAX_NUMBERS:
            return self._error("LimitExceeded.PhoneNumberCountLimit",
                               "The number of phone numbers in one request exceeds 200.")
        if body["SmsSdkAppId"] != self.sdk_app_id:
            return self._error("InvalidParameterValue.SdkAppIdNotExist",
                               "The SdkAppId does not exist.")
        if body.get("SignName") != self.sign:
            return self._error("FailedOperation.SignatureIncorrectOrUnapproved",
                               "The signature is not approved or is incorrect.")
        if body["TemplateId"] != self.template_id:
            return self._error("FailedOperation.TemplateIncorrectOrUnapproved",
                               "The template is not approved or is incorrect.")
        if len(self.sign) + 2 + sum(len(p) for p in params) > MAX_CONTENT_CHARS:
            return self._error("InvalidParameterValue.ContentLengthLimit",
                               "The SMS content is too long.")
        statuses = []
        for n in numbers:
            entry = {"SerialNo": str(uuid.uuid4()), "PhoneNumber": n, "Fee": 1,
                     "SessionContext": "", "IsoCode": "CN"}
            if not re.fullmatch(r"\+\d{6,16}", n):
                entry.update(Code="InvalidParameterValue.IncorrectPhoneNumber",
                             Message="incorrect phone number", Fee=0)
            elif n in self.fail_numbers:
                code, msg = self.fail_numbers[n]
                entry.update(Code=code, Message=msg, Fee=0)
            else:
                entry.update(Code="Ok", Message="send success")
                self.delivered.append((n, params))
            statuses.append(entry)
        return 200, {"Response": {"SendStatusSet": statuses, "RequestId": str(uuid.uuid4())}}
