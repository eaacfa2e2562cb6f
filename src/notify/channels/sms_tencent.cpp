// Tencent Cloud SMS: SendSms (API 2021-01-11) as a JSON POST signed per attempt with
// TC3-HMAC-SHA256 (notify/signing/tencent.h); up to 200 numbers per request, "+86" prepended to
// numbers without a country code, every number's SendStatus checked.
// Vendor docs: SendSms https://cloud.tencent.com/document/api/382/55981, signature v3
// https://cloud.tencent.com/document/api/213/30654 (error codes at the end of the SendSms page),
// length rule (a message, signature and variables included, holds at most 500 characters)
// https://www.tencentcloud.com/document/product/382/40659.
#include "core/json.h"
#include "notify/channels/sms_provider.h"
#include "notify/signing/tencent.h"

namespace nm {

namespace {

constexpr size_t kMaxNumbers = 200;
constexpr size_t kMaxMessageChars = 500;

class TencentSms final : public SmsProvider {
 public:
  TencentSms(HttpClient& http, Duration timeout, SmsTencentSpec spec, std::string id,
             std::string key)
      : http_(http),
        timeout_(timeout),
        spec_(std::move(spec)),
        secretId_(std::move(id)),
        secretKey_(std::move(key)),
        base_(smsEndpoint(spec_.endpoint, "NM_SMS_TENCENT_ENDPOINT",
                          "https://sms.tencentcloudapi.com")) {}

  std::string_view name() const override { return "tencent"; }

  std::vector<ChatJob> jobs(const Data&, const std::string& message,
                            const std::vector<std::string>& phones) const override {
    // The signature is shown as "【sign】" and counts against the 500 characters.
    const size_t overhead = smsCharCount(spec_.sign) + 2;
    const std::string text =
        smsFitChars(message, kMaxMessageChars > overhead + 1 ? kMaxMessageChars - overhead : 1);
    std::vector<ChatJob> out;
    for (const auto& batch : smsBatches(phones, kMaxNumbers)) {
      ChatJob job;
      job.target = smsTarget("tencent", batch);
      std::vector<std::string> numbers;
      for (const auto& p : batch) numbers.push_back(smsWithCountryCode(p, "+86"));
      json::Writer body;  // keys in byte order, as always sent (the signature covers them)
      body.startObject().key("PhoneNumberSet").strings(numbers);
      body.member("SignName", spec_.sign).member("SmsSdkAppId", spec_.smsSdkAppid);
      body.member("TemplateId", spec_.templateId).key("TemplateParamSet").strings({text});
      signing::TencentTc3Request sig;
      sig.secretId = secretId_;
      sig.secretKey = secretKey_;
      sig.service = "sms";
      sig.host = smsUrlAuthority(base_);
      sig.action = "SendSms";
      sig.version = "2021-01-11";
      sig.region = spec_.region;
      sig.payload = body.endObject().take();
      std::string payload = sig.payload;
      job.run = smsSignedPost(
          http_, base_ + "/", std::move(payload), timeout_,
          [sig = std::move(sig)](HttpRequest& r) {
            signing::TencentTc3Request s = sig;
            s.timestamp = smsUnixNow();
            r.headers = signing::tc3Headers(s);
          },
          classifyTencentSms);
      out.push_back(std::move(job));
    }
    return out;
  }

 private:
  HttpClient& http_;
  Duration timeout_;
  SmsTencentSpec spec_;
  std::string secretId_;
  std::string secretKey_;
  std::string base_;
};

bool startsWith(const std::string& s, std::string_view p) {
  return s.rfind(p, 0) == 0;
}

std::string str(const rapidjson::Value& j, const char* key) {
  return json::stringMember(j, key).value_or("");
}

}  // namespace

Classification classifyTencentSms(const HttpResponse& r) {
  if (r.status == 0) return defaultClassify(r);
  const json::Parsed j = json::parse(r.body);
  const rapidjson::Value* resp = json::find(j.doc, "Response");
  if (!resp || !resp->IsObject()) {
    Classification c = defaultClassify(r);
    if (c.verdict == Verdict::Success) {
      return {Verdict::Permanent, "tencent: response without Response: " + r.body.substr(0, 256)};
    }
    c.reason = "tencent: " + c.reason;
    return c;
  }
  if (const rapidjson::Value* e = json::find(*resp, "Error"); e && e->IsObject()) {
    const std::string code = str(*e, "Code");
    const bool transient =
        startsWith(code, "RequestLimitExceeded") || startsWith(code, "InternalError") ||
        startsWith(code, "ServiceUnavailable") || r.status >= 500 || r.status == 429;
    return {transient ? Verdict::Transient : Verdict::Permanent,
            "tencent " + code + ": " + str(*e, "Message")};
  }
  if (r.status < 200 || r.status >= 300) return defaultClassify(r);
  const rapidjson::Value* set = json::find(*resp, "SendStatusSet");
  if (!set || !set->IsArray() || set->Empty()) {
    return {Verdict::Permanent, "tencent: response without SendStatusSet"};
  }
  std::string failed;
  size_t failures = 0;
  for (const auto& s : set->GetArray()) {
    if (!s.IsObject() || str(s, "Code") == "Ok") continue;
    if (++failures <= 3) {
      if (!failed.empty()) failed += "; ";
      failed += str(s, "PhoneNumber") + ": " + str(s, "Code") + " (" + str(s, "Message") + ")";
    }
  }
  if (failures == 0) return {Verdict::Success, ""};
  return {Verdict::Permanent, "tencent: " + std::to_string(failures) + " of " +
                                  std::to_string(set->Size()) + " numbers failed: " + failed};
}

std::unique_ptr<SmsProvider> makeTencentSms(const SmsProviderContext& ctx,
                                            const SmsTencentSpec& s) {
  std::string id, key;
  if (!ctx.resolve(s.secretId, "secretId", id)) return nullptr;
  if (!ctx.resolve(s.secretKey, "secretKey", key)) return nullptr;
  return std::make_unique<TencentSms>(ctx.http, ctx.timeout, s, std::move(id), std::move(key));
}

}  // namespace nm
