// Classifiers for chat vendors that answer HTTP 200 with an errcode body (DingTalk, WeCom):
// errcode 0 is success, rate-limit and busy codes and 5xx are transient, the rest permanent.
#pragma once

#include <optional>
#include <set>
#include <string>

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
};

// DingTalk: 130101 and 410100 "send too fast", 660026 (per-minute robot limit), -1 busy,
// 88 and 90018 quota; tokens 40014 (invalid) and 42001 (expired).
const VendorCodes& dingtalkCodes();
// WeCom: 45009 (API frequency limit), 45033 (concurrency), -1 busy; tokens 40014, 42001.
const VendorCodes& wecomCodes();

// Transport errors, 5xx and 429 as defaultClassify (Retry-After is honoured by sendWithRetry);
// other non-2xx permanent; 2xx: errcode/status 0 success, `transient` codes transient, others
// (token codes included) permanent. Reasons read "wecom errcode 45009: <errmsg>".
Classification classifyVendor(const HttpResponse& r, const VendorCodes& codes);

// True when a 2xx body carries one of codes.tokenInvalid.
bool isTokenInvalid(const HttpResponse& r, const VendorCodes& codes);

}  // namespace nm
