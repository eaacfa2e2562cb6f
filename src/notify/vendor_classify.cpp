// Vendor reply parsing (core/json) and the code classifiers of DingTalk, WeCom (errcode) and
// Feishu (code, also in 4xx bodies).
#include "notify/vendor_classify.h"

#include "core/json.h"

namespace nm {

namespace {

long numberField(const rapidjson::Value& j, const char* name) {
  const rapidjson::Value* it = json::find(j, name);
  if (!it) return 0;
  if (auto n = json::intMember(j, name)) return *n;
  if (it->IsString()) {  // some gateways quote codes
    try {
      return std::stol(std::string(it->GetString(), it->GetStringLength()));
    } catch (const std::exception&) {
      return -1;
    }
  }
  return 0;
}

// A reply read with a vendor's own code/message fields (VendorCodes::codeFields).
struct CodeReply {
  bool found = false;  // a code field was present
  long code = 0;
  std::string field;
  std::string message;
};

std::optional<CodeReply> readCodeReply(const std::string& body, const VendorCodes& codes) {
  const json::Parsed j = json::parse(body);
  if (!j.doc.IsObject()) return std::nullopt;
  CodeReply r;
  r.field = codes.codeFields.front();
  for (const auto& f : codes.codeFields) {
    if (json::find(j.doc, f)) {
      r.found = true;
      r.field = f;
      r.code = numberField(j.doc, f.c_str());
      break;
    }
  }
  for (const auto& f : codes.messageFields) {
    if (auto m = json::stringMember(j.doc, f)) {
      r.message = std::move(*m);
      break;
    }
  }
  return r;
}

Classification classifyByCodeFields(const HttpResponse& r, const VendorCodes& codes) {
  Classification base = defaultClassify(r);
  if (base.verdict != Verdict::Success) {
    if (codes.codesInErrorBodies && r.status >= 400) {
      auto reply = readCodeReply(r.body, codes);
      if (reply && reply->found && reply->code != 0) {
        const bool transient =
            base.verdict == Verdict::Transient || codes.transient.contains(reply->code);
        return {transient ? Verdict::Transient : Verdict::Permanent,
                codes.vendor + " " + reply->field + " " + std::to_string(reply->code) + ": " +
                    reply->message};
      }
    }
    base.reason = codes.vendor + ": " + base.reason;
    return base;
  }
  auto reply = readCodeReply(r.body, codes);
  if (!reply) {
    return {Verdict::Permanent,
            codes.vendor + ": response is not a JSON object: " + r.body.substr(0, 256)};
  }
  if (reply->code == 0) return {Verdict::Success, ""};
  std::string reason =
      codes.vendor + " " + reply->field + " " + std::to_string(reply->code) + ": " + reply->message;
  return {codes.transient.contains(reply->code) ? Verdict::Transient : Verdict::Permanent,
          std::move(reason)};
}

}  // namespace

std::optional<VendorReply> parseVendorReply(const std::string& body) {
  const json::Parsed j = json::parse(body);
  if (!j.doc.IsObject()) return std::nullopt;
  VendorReply r;
  r.errcode = numberField(j.doc, "errcode");
  r.status = numberField(j.doc, "status");
  r.errmsg = json::stringMember(j.doc, "errmsg").value_or("");
  if (r.errmsg.empty()) r.errmsg = json::stringMember(j.doc, "punish").value_or("");
  return r;
}

const VendorCodes& dingtalkCodes() {
  static const VendorCodes c{"dingtalk", {-1, 88, 90018, 130101, 410100, 660026}, {40014, 42001}};
  return c;
}

const VendorCodes& wecomCodes() {
  static const VendorCodes c{"wecom", {-1, 45009, 45033}, {40014, 42001}};
  return c;
}

const VendorCodes& feishuCodes() {
  static const VendorCodes c{"feishu",
                             {9499, 11232, 99991400},
                             {99991661, 99991663, 99991664, 99991671, 99991677},
                             {"code", "StatusCode"},
                             {"msg", "StatusMessage"},
                             true};
  return c;
}

Classification classifyVendor(const HttpResponse& r, const VendorCodes& codes) {
  if (!codes.codeFields.empty()) return classifyByCodeFields(r, codes);
  Classification base = defaultClassify(r);
  if (base.verdict != Verdict::Success) {
    base.reason = codes.vendor + ": " + base.reason;
    return base;
  }
  auto reply = parseVendorReply(r.body);
  if (!reply) {
    return {Verdict::Permanent,
            codes.vendor + ": response is not a JSON object: " + r.body.substr(0, 256)};
  }
  if (reply->errcode == 0 && reply->status == 0) return {Verdict::Success, ""};
  const long code = reply->errcode != 0 ? reply->errcode : reply->status;
  const char* field = reply->errcode != 0 ? " errcode " : " status ";
  std::string reason = codes.vendor + field + std::to_string(code) + ": " + reply->errmsg;
  return {codes.transient.contains(code) ? Verdict::Transient : Verdict::Permanent,
          std::move(reason)};
}

bool isTokenInvalid(const HttpResponse& r, const VendorCodes& codes) {
  if (!codes.codeFields.empty()) {
    if (r.status < 200 || (r.status >= 300 && !codes.codesInErrorBodies)) return false;
    auto reply = readCodeReply(r.body, codes);
    return reply && reply->found && codes.tokenInvalid.contains(reply->code);
  }
  if (r.status < 200 || r.status >= 300) return false;
  auto reply = parseVendorReply(r.body);
  return reply && codes.tokenInvalid.contains(reply->errcode);
}

}  // namespace nm
