// Huawei Cloud SMS: batchSendSms as a form POST with X-WSSE headers made per attempt
// (notify/signing/huawei.h); template parameters from alert labels/annotations, each cut to 20
// characters; up to 500 numbers per request, every number's result status checked.
// Vendor docs: batchSendSms https://support.huaweicloud.com/intl/en-us/api-msgsms/sms_05_0001.html,
// X-WSSE https://support.huaweicloud.com/api-msgsms/sms_05_0046.html, variable rules (TEXT
// variables hold 1-20 characters, at most 20 variables)
// https://support.huaweicloud.com/intl/en-us/productdesc-msgsms/sms_faq_0003.html; the response
// codes (000000, E000510 with per-number status…) are listed on the batchSendSms page.
#include "core/json.h"
#include "notify/channels/sms_provider.h"
#include "notify/signing/encoding.h"
#include "notify/signing/huawei.h"
#include "notify/signing/utc_format.h"

namespace nm {

namespace {

constexpr size_t kMaxNumbers = 500;
constexpr size_t kMaxParamChars = 20;
constexpr std::string_view kDefaultUrl =
    "https://rtcsms.cn-north-1.myhuaweicloud.com:10743/sms/batchSendSms/v1";

// `url` with its scheme://host[:port] replaced by `base` when base is set.
std::string withBase(const std::string& url, const std::string& base) {
  if (base.empty()) return url;
  auto s = url.find("://");
  size_t p = url.find('/', s == std::string::npos ? 0 : s + 3);
  return base + (p == std::string::npos ? std::string("/") : url.substr(p));
}

std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += signing::percentEncode(k) + "=" + signing::percentEncode(v);
  }
  return out;
}

class HuaweiSms final : public SmsProvider {
 public:
  HuaweiSms(HttpClient& http, Duration timeout, SmsHuaweiSpec spec, std::string key,
            std::string secret)
      : http_(http),
        timeout_(timeout),
        spec_(std::move(spec)),
        appKey_(std::move(key)),
        appSecret_(std::move(secret)) {
    std::string base = smsEndpoint(spec_.endpoint, "NM_SMS_HUAWEI_ENDPOINT", "");
    url_ = withBase(spec_.url.empty() ? std::string(kDefaultUrl) : spec_.url, base);
  }

  std::string_view name() const override { return "huawei"; }

  std::vector<ChatJob> jobs(const Data& data, const std::string& message,
                            const std::vector<std::string>& phones) const override {
    json::Writer paras;
    paras.strings(smsHuaweiTemplateParas(spec_.templateParas, data, message));
    const std::string parasJson = paras.take();
    std::vector<ChatJob> out;
    for (const auto& batch : smsBatches(phones, kMaxNumbers)) {
      ChatJob job;
      job.target = smsTarget("huawei", batch);
      std::string to;
      for (const auto& p : batch) {
        if (!to.empty()) to += ',';
        to += smsWithCountryCode(p, "+86");
      }
      std::vector<std::pair<std::string, std::string>> fields{{"from", spec_.sender},
                                                              {"to", to},
                                                              {"templateId", spec_.templateId},
                                                              {"templateParas", parasJson}};
      if (!spec_.signature.empty()) fields.emplace_back("signature", spec_.signature);
      fields.emplace_back("statusCallback", "");
      job.run = smsSignedPost(
          http_, url_, form(fields), timeout_,
          [key = appKey_, secret = appSecret_](HttpRequest& r) {
            r.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                         {"Authorization", std::string(signing::kHuaweiWsseAuthorization)},
                         {"X-WSSE", signing::huaweiWsseHeader(key, secret, smsNonce(),
                                                              signing::utcIso8601(smsUnixNow()))}};
          },
          classifyHuaweiSms);
      out.push_back(std::move(job));
    }
    return out;
  }

 private:
  HttpClient& http_;
  Duration timeout_;
  SmsHuaweiSpec spec_;
  std::string appKey_;
  std::string appSecret_;
  std::string url_;
};

std::string str(const rapidjson::Value& j, const char* key) {
  return json::stringMember(j, key).value_or("");
}

// "+8613800000000: E200028; …" for the result entries whose status is not 000000.
std::string failedNumbers(const rapidjson::Value* result, size_t& failures) {
  std::string out;
  failures = 0;
  if (!result || !result->IsArray()) return out;
  for (const auto& e : result->GetArray()) {
    if (!e.IsObject() || str(e, "status") == "000000") continue;
    if (++failures <= 3) {
      if (!out.empty()) out += "; ";
      out += str(e, "originTo") + ": " + str(e, "status");
    }
  }
  return out;
}

const std::string* lookup(const Data& data, const std::string& name) {
  if (auto v = data.commonLabels.find(name)) return v;
  if (auto v = data.commonAnnotations.find(name)) return v;
  if (!data.alerts.empty()) {
    if (auto v = data.alerts.front()->labels.find(name)) return v;
    if (auto v = data.alerts.front()->annotations.find(name)) return v;
  }
  return nullptr;
}

}  // namespace

std::vector<std::string> smsHuaweiTemplateParas(const std::vector<std::string>& names,
                                                const Data& data, const std::string& message) {
  std::vector<std::string> out;
  bool any = false;
  for (const auto& name : names) {
    const std::string* v = lookup(data, name);
    if (name == "workload") {
      for (const char* alt : {"deployment", "statefulset", "daemonset"}) {
        if (v && !v->empty()) break;
        v = lookup(data, alt);
      }
    }
    if (v && !v->empty()) {
      any = true;
      out.push_back(smsFitChars(*v, kMaxParamChars));
    } else {
      out.emplace_back("-");  // Huawei rejects empty variables; keeps ${i} positions
    }
  }
  if (!any) return {smsFitChars(message, kMaxParamChars)};
  return out;
}

Classification classifyHuaweiSms(const HttpResponse& r) {
  if (r.status == 0) return defaultClassify(r);
  const json::Parsed j = json::parse(r.body);
  const std::string code = str(j.doc, "code");
  if (code.empty()) {
    Classification c = defaultClassify(r);
    if (c.verdict == Verdict::Success) {
      return {Verdict::Permanent, "huawei: response without code: " + r.body.substr(0, 256)};
    }
    c.reason = "huawei: " + c.reason;
    return c;
  }
  size_t failures = 0;
  const rapidjson::Value* result = json::find(j.doc, "result");
  std::string failed = failedNumbers(result, failures);
  if (code == "000000" && r.status >= 200 && r.status < 300) {
    if (failures == 0) return {Verdict::Success, ""};
    return {Verdict::Permanent, "huawei: " + std::to_string(failures) + " of " +
                                    std::to_string(result->Size()) + " numbers failed: " + failed};
  }
  std::string reason = "huawei " + code + ": " + str(j.doc, "description");
  if (!failed.empty()) reason += " (" + failed + ")";
  const bool transient = r.status >= 500 || r.status == 429;
  return {transient ? Verdict::Transient : Verdict::Permanent, std::move(reason)};
}

std::unique_ptr<SmsProvider> makeHuaweiSms(const SmsProviderContext& ctx, const SmsHuaweiSpec& s) {
  std::string key, secret;
  if (!ctx.resolve(s.appKey, "appKey", key)) return nullptr;
  if (!ctx.resolve(s.appSecret, "appSecret", secret)) return nullptr;
  return std::make_unique<HuaweiSms>(ctx.http, ctx.timeout, s, std::move(key), std::move(secret));
}

}  // namespace nm
