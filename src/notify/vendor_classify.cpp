// Vendor reply parsing (nlohmann::json) and the errcode classifiers of DingTalk and WeCom.
#include "notify/vendor_classify.h"

#include <nlohmann/json.hpp>

namespace nm {

namespace {

long numberField(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) return 0;
  if (it->is_number_integer()) return it->get<long>();
  if (it->is_string()) {  // some gateways quote codes
    try {
      return std::stol(it->get<std::string>());
    } catch (const std::exception&) {
      return -1;
    }
  }
  return 0;
}

}  // namespace

std::optional<VendorReply> parseVendorReply(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  VendorReply r;
  r.errcode = numberField(j, "errcode");
  r.status = numberField(j, "status");
  if (auto it = j.find("errmsg"); it != j.end() && it->is_string()) r.errmsg = *it;
  if (r.errmsg.empty()) {
    if (auto it = j.find("punish"); it != j.end() && it->is_string()) r.errmsg = *it;
  }
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

Classification classifyVendor(const HttpResponse& r, const VendorCodes& codes) {
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
  if (r.status < 200 || r.status >= 300) return false;
  auto reply = parseVendorReply(r.body);
  return reply && codes.tokenInvalid.contains(reply->errcode);
}

}  // namespace nm
