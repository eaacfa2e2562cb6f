"""A protocol-faithful Huawei Cloud SMS fake (POST /sms/batchSendSms/v1, form-urlencoded).
Implemented from Huawei's documents, not from our C++: the Authorization header
WSSE realm="SDP",profile="UsernameToken",type="Appkey" and the X-WSSE UsernameToken
(https://support.huaweicloud.com/api-msgsms/sms_05_0046.html: PasswordDigest is
Base64(SHA256(Nonce + Created + AppSecret)) written as hex before the Base64, as the worked
example shows), Created fresh (15 minutes) and Nonce not replayed, the form fields from, to
(at most 500 numbers), templateId, templateParas (a JSON array of strings, 1-20 characters each,
as many as the template's variables), signature; answers "000000" with a status per number, or the
error codes of https://support.huaweicloud.com/intl/en-us/api-msgsms/sms_05_0050.html
(E000101 authentication, E000503 parameter format, E000510 sending failed, E200018 sender)."""

import base64
import calendar
import hashlib
import json
import re
import time
import uuid

from fake_base import FakeServer

PATH = "/sms/batchSendSms/v1"
MAX_NUMBERS = 500
MAX_PARAM_CHARS = 20
WINDOW = 15 * 60


def password_digest(nonce, created, secret):
    hexdigest = hashlib.sha256((nonce + created + secret).encode()).hexdigest()
    return base64.b64encode(hexdigest.encode()).decode()


def attributes(value):
    return dict(re.findall(r'(\w+)="([^"]*)"', value or ""))


class HuaweiSmsFake(FakeServer):

    def __init__(self, sender="csms12345678", template_id="tmpl-1", template_vars=10,
                 signature="NMsign"):
        self.apps = {}  # app_key -> app_secret
        self.sender = sender
        self.template_id = template_id
        self.template_vars = template_vars
        self.signature = signature
        self.nonces = set()
        self.fail_numbers = {}  # number -> status code
        self.delivered = []  # (number, [params])
        super().__init__()

    def add_app(self, key, secret):
        self.apps[key] = secret

    def accepted(self):
        with self.lock:
            return [r for r in self.requests
                    if isinstance(r.get("answer"), dict) and r["answer"].get("code") == "000000"]

    @staticmethod
    def _error(status, code, description):
        return status, {"code": code, "description": description}

    def _authenticate(self):
        h = self.current["headers"]
        auth = h.get("authorization")
        if auth is None:
            return self._error(401, "E000001", "Authorization not contained in the HTTP header.")
        a = attributes(auth)
        if not auth.startswith("WSSE ") or a.get("realm") != "SDP" or \
                a.get("profile") != "UsernameToken" or a.get("type") != "Appkey":
            return self._error(401, "E000004", "Authorization must be WSSE realm=\"SDP\","
                               "profile=\"UsernameToken\",type=\"Appkey\".")
        wsse = h.get("x-wsse")
        if wsse is None:
            return self._error(401, "E000020", "X-WSSE not contained in the HTTP header.")
        w = attributes(wsse)
        if not wsse.startswith("UsernameToken "):
            return self._error(401, "E000101", "Authentication failed: not a UsernameToken.")
        for key, code in (("Username", "E000021"), ("Nonce", "E000022"), ("Created", "E000023"),
                          ("PasswordDigest", "E000024")):
            if not w.get(key):
                return self._error(401, code, f"{key} not contained in X-WSSE.")
        secret = self.apps.get(w["Username"])
        if secret is None:
            return self._error(401, "E000102", "Invalid app_key.")
        if not re.fullmatch(r"[A-Za-z0-9]{1,128}", w["Nonce"]):
            return self._error(401, "E000101", "Authentication failed: bad Nonce.")
        try:
            created = calendar.timegm(time.strptime(w["Created"], "%Y-%m-%dT%H:%M:%SZ"))
        except ValueError:
            return self._error(401, "E000101", "Authentication failed: bad Created.")
        if abs(time.time() - created) > WINDOW:
            return self._error(401, "E000101", "Authentication failed: Created expired.")
        if w["PasswordDigest"] != password_digest(w["Nonce"], w["Created"], secret):
            return self._error(401, "E000101", "Authentication failed.")
        if w["Nonce"] in self.nonces:
            return self._error(401, "E000101", "Authentication failed: Nonce replayed.")
        self.nonces.add(w["Nonce"])
        return None

    def handle(self, method, path, query, body, raw):
        if method != "POST" or path != PATH:
            return 404, {"code": "E000404", "description": "Not found."}
        failure = self._authenticate()
        if failure:
            return failure
        form = self.current["form"]
        if form is None:
            return self._error(400, "E000503", "The content type must be form-urlencoded.")
        for k in ("from", "to", "templateId"):
            if not form.get(k):
                return self._error(400, "E000503", f"Parameter {k} is missing.")
        if form["from"] != self.sender:
            return self._error(400, "E200018", "The sender channel check failed.")
        if form["templateId"] != self.template_id:
            return self._error(400, "E200015", "The template does not exist.")
        if self.signature and form.get("signature") != self.signature:
            return self._error(400, "E200025", "The signature does not match the template.")
        numbers = form["to"].split(",")
        if len(numbers) > MAX_NUMBERS:
            return self._error(400, "E000503", "More than 500 numbers in to.")
        try:
            paras = json.loads(form.get("templateParas") or "[]")
        except ValueError:
            return self._error(400, "E000503", "templateParas is not a JSON array.")
        if not isinstance(paras, list) or not all(isinstance(p, str) for p in paras):
            return self._error(400, "E000503", "templateParas must be an array of strings.")
        if len(paras) not in (self.template_vars, 1) or \
                any(not p or len(p) > MAX_PARAM_CHARS for p in paras):
            return self._error(400, "E000503", "templateParas do not match the template.")
        result = []
        for n in numbers:
            entry = {"originTo": n, "createTime": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                time.gmtime()),
                     "from": form["from"], "smsMsgId": str(uuid.uuid4())}
            if not re.fullmatch(r"\+\d{1,20}", n):
                entry["status"] = "E200027"  # invalid number
            elif n in self.fail_numbers:
                entry["status"] = self.fail_numbers[n]
            else:
                entry["status"] = "000000"
                self.delivered.append((n, paras))
            result.append(entry)
        if all(e["status"] != "000000" for e in result):
            return 200, {"code": "E000510", "description": "The SMS fails to be sent. For details, "
                         "see status.", "result": result}
        return 200, {"code": "000000", "description": "Success", "result": result}
