"""A protocol-faithful AWS SNS fake for SMS Publish (POST / form, Query API 2010-03-31).
Implemented from AWS's documents, not from our C++: Signature Version 4
(https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html: canonical request
with the form body's SHA-256, signed headers sorted and lowercased, scope
date/region/sns/aws4_request, key from "AWS4" + secret), X-Amz-Date within 15 minutes, Publish to
exactly one E.164 PhoneNumber with a Message of at most 1600 bytes
(https://docs.aws.amazon.com/sns/latest/api/API_Publish.html), XML answers, and the Throttling
error (https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html)."""

import calendar
import hashlib
import hmac
import re
import time
import urllib.parse
import uuid

from fake_base import FakeServer

MAX_MESSAGE_BYTES = 1600
WINDOW = 15 * 60
XML = {"Content-Type": "text/xml"}


def _hmac(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def uri_encode(s):
    return urllib.parse.quote(s, safe="-_.~")


class AwsSnsFake(FakeServer):

    def __init__(self, region="us-east-1"):
        self.region = region
        self.keys = {}  # access key id -> secret
        self.delivered = []  # (PhoneNumber, Message)
        self._throttle = 0
        super().__init__()

    def add_key(self, key_id, secret):
        self.keys[key_id] = secret

    def throttle_next(self, n):
        with self.lock:
            self._throttle += n

    def accepted(self):
        with self.lock:
            return [r for r in self.requests if r.get("status") == 200]

    @staticmethod
    def _error(status, code, message, kind="Sender"):
        return status, (f"<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                        f"<Error><Type>{kind}</Type><Code>{code}</Code>"
                        f"<Message>{_xml(message)}</Message></Error>"
                        f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"), XML

    def _verify(self, method, path, raw):
        h = self.current["headers"]
        m = re.fullmatch(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/"
                         r"aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})",
                         h.get("authorization", ""))
        if not m:
            return self._error(403, "IncompleteSignature",
                               "Authorization header requires Credential, SignedHeaders and "
                               "Signature.")
        key_id, date, region, service, signed, signature = m.groups()
        secret = self.keys.get(key_id)
        if secret is None:
            return self._error(403, "InvalidClientTokenId",
                               "The security token included in the request is invalid.")
        amz_date = h.get("x-amz-date", "")
        try:
            t = calendar.timegm(time.strptime(amz_date, "%Y%m%dT%H%M%SZ"))
        except ValueError:
            return self._error(400, "MissingAuthenticationToken", "X-Amz-Date is missing.")
        if abs(time.time() - t) > WINDOW:
            return self._error(403, "SignatureDoesNotMatch",
                               f"Signature expired: {amz_date} is now earlier than the allowed "
                               "window (15 min.)")
        names = signed.split(";")
        if "host" not in names or names != sorted(names):
            return self._error(403, "SignatureDoesNotMatch", "host must be signed, names sorted.")
        if region != self.region or service != "sns" or date != amz_date[:8]:
            return self._error(403, "SignatureDoesNotMatch",
                               f"Credential should be scoped to a valid region ('{self.region}') "
                               "and service 'sns'.")
        headers = "".join(f"{n}:{' '.join((h.get(n) or '').split())}\n" for n in names)
        canonical = "\n".join([method, uri_encode(path).replace("%2F", "/"), "", headers, signed,
                               hashlib.sha256(raw).hexdigest()])
        scope = f"{date}/{region}/{service}/aws4_request"
        sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
        key = _hmac(_hmac(_hmac(_hmac(("AWS4" + secret).encode(), date), region), service),
                    "aws4_request")
        if not hmac.compare_digest(hmac.new(key, sts.encode(), hashlib.sha256).hexdigest(),
                                   signature):
            return self._error(403, "SignatureDoesNotMatch",
                               "The request signature we calculated does not match the signature "
                               "you provided. Check your AWS Secret Access Key and signing "
                               "method.")
        return None

    def handle(self, method, path, query, body, raw):
        if method != "POST" or path != "/":
            return self._error(404, "InvalidAction", "Only POST / is served.")
        failure = self._verify(method, path, raw)
        if failure:
            return failure
        form = self.current["form"]
        if form is None:
            return self._error(400, "MalformedQueryString", "Expected a form body.")
        if form.get("Action") != "Publish":
            return self._error(400, "InvalidAction",
                               f"Could not find operation {form.get('Action')} for version "
                               f"{form.get('Version')}")
        if form.get("Version") != "2010-03-31":
            return self._error(400, "InvalidParameter", "Version must be 2010-03-31.")
        if self._throttle > 0:
            self._throttle -= 1
            return self._error(400, "Throttling", "Rate exceeded")
        number, message = form.get("PhoneNumber"), form.get("Message")
        if not message:
            return self._error(400, "InvalidParameter", "Invalid parameter: Empty message")
        if not number or not re.fullmatch(r"\+[1-9]\d{1,14}", number):
            return self._error(400, "InvalidParameter",
                               f"Invalid parameter: PhoneNumber Reason: {number} is not valid to "
                               "publish to")
        if len(message.encode()) > MAX_MESSAGE_BYTES:
            return self._error(400, "InvalidParameter",
                               "Invalid parameter: Message too long for SMS")
        self.delivered.append((number, message))
        return 200, (f"<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                     f"<PublishResult><MessageId>{uuid.uuid4()}</MessageId></PublishResult>"
                     f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
                     f"</PublishResponse>"), XML


def _xml(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
