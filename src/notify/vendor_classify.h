// Classifiers for chat vendors that answer with a code in a JSON body (DingTalk, WeCom errcode;
// Feishu code): 0 is success, rate-limit and busy codes and 5xx are transient, the rest permanent.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "notify/retry.h"

namespace nm {

// The vendor's verdict fields of a JSON response body.
struct VendorReply {
  long errcode = 0;
  std::string errmsg;
  long status = 0;  // DingTalk chatbot's punishment `status` (non-zero is an error)
};

// nullopt when the body is not a JSON object.
std::optional<VendorReply> parseVendorReply(const std::string& body);

struct VendorCodes {
  std::string vendor;           // "dingtalk", "wecom": prefix of reasons
  std::set<long> transient;     // rate limits, "system busy"
  std::set<long> tokenInvalid;  // expired or revoked access token (refreshed by the caller)
  // Feishu-style replies: the code and message fields, first present wins ({"code","msg"}, or
  // the older bot's {"StatusCode","StatusMessage"}); empty: errcode/errmsg (and DingTalk's
  // status/punish) as parseVendorReply reads them.
  std::vector<std::string> codeFields = {};
  std::vector<std::string> messageFields = {};
  // The vendor also answers verdict codes in 4xx bodies (Feishu: 400 with code 99991663, 400/429
  // with 99991400): those are classified by code (transient set, token codes) too.
  bool codesInErrorBodies = false;
};

// DingTalk: 130101 and 410100 "send too fast", 660026 (per-minute robot limit), -1 busy,
// 88 and 90018 quota; tokens 40014 (invalid) and 42001 (expired).
const VendorCodes& dingtalkCodes();
// WeCom: 45009 (API frequency limit), 45033 (concurrency), -1 busy; tokens 40014, 42001.
const VendorCodes& wecomCodes();
// Feishu/Lark ({"code","msg"}): 9499 and 11232 (custom bot rate limits), 99991400 (OpenAPI
// frequency limit, HTTP 429 or 400); tokens 99991661 (missing/malformed), 99991663 (tenant token
// invalid), 99991664 (app token invalid), 99991671 and 99991677 (invalid, expired). Codes are
// read from 4xx bodies too. https://open.feishu.cn/document/server-docs/api-call-guide/
// generic-error-code and .../frequency-control
const VendorCodes& feishuCodes();

// Transport errors, 5xx and 429 as defaultClassify (Retry-After is honoured by sendWithRetry);
// other non-2xx permanent; 2xx: errcode/status 0 success, `transient` codes transient, others
// (token codes included) permanent. Reasons read "wecom errcode 45009: <errmsg>" (Feishu:
// "feishu code 19021: <msg>", also for a 4xx body carrying a code when codesInErrorBodies).
Classification classifyVendor(const HttpResponse& r, const VendorCodes& codes);

// True when a 2xx body (any answered body when codesInErrorBodies) carries one of
// codes.tokenInvalid.
bool isTokenInvalid(const HttpResponse& r, const VendorCodes& codes);

}  // namespace nm
