// Aliyun SMS: SendSms (dysmsapi 2017-05-25, RPC style) over POST form, signed per attempt with
// the RPC signature v1.0 (notify/signing/aliyun.h); up to 1000 numbers per request.
// Vendor docs: SendSms https://help.aliyun.com/document_detail/419273.html, RPC signature
// https://www.alibabacloud.com/help/doc-detail/28139.htm and its SendSms example
// https://help.aliyun.com/document_detail/56189.html, error codes
// https://help.aliyun.com/document_detail/101346.html (isv.BUSINESS_LIMIT_CONTROL is the
// per-number minute/hour/day cap), variable rules (a notification template variable holds 1-35
// characters):
// https://help.aliyun.com/en/sms/templaterule-template-variable-parameter-filling-example
#include "core/json.h"
#include "notify/channels/sms_provider.h"
#include "notify/signing/aliyun.h"
#include "notify/signing/utc_format.h"

namespace nm {

namespace {

constexpr size_t kMaxNumbers = 1000;
constexpr size_t kMaxParamChars = 35;

class AliyunSms final : public SmsProvider {
 public:
  AliyunSms(HttpClient& http, Duration timeout, SmsAliyunSpec spec, std::string keyId,
            std::string keySecret)
      : http_(http),
        timeout_(timeout),
        spec_(std::move(spec)),
        keyId_(std::move(keyId)),
        keySecret_(std::move(keySecret)),
        base_(smsEndpoint(spec_.endpoint, "NM_SMS_ALIYUN_ENDPOINT",
                          "https://dysmsapi.aliyuncs.com")) {}

  std::string_view name() const override { return "aliyun"; }

  std::vector<ChatJob> jobs(const Data&, const std::string& message,
                            const std::vector<std::string>& phones) const override {
    const std::string text = smsFitChars(message, kMaxParamChars);
    std::vector<ChatJob> out;
    for (auto& batch : smsBatches(phones, kMaxNumbers)) {
      ChatJob job;
      job.target = smsTarget("aliyun", batch);
      signing::AliyunSendSms call;
      call.accessKeyId = keyId_;
      call.accessKeySecret = keySecret_;
      call.phoneNumbers = std::move(batch);
      call.signName = spec_.signName;
      call.templateCode = spec_.templateCode;
      call.templateParam = {{"code", text}};
      job.run = smsSignedPost(
          http_, base_ + "/", "", timeout_,
          [call = std::move(call)](HttpRequest& r) {
            signing::AliyunSendSms c = call;
            c.signatureNonce = smsNonce();
            c.timestamp = signing::utcIso8601(smsUnixNow());
            auto params = signing::aliyunSendSmsParams(c);
            r.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                         {"Accept", "application/json"}};
            r.body = "Signature=" +
                     signing::aliyunPercentEncode(
                         signing::aliyunSignature("POST", params, c.accessKeySecret)) +
                     "&" + signing::aliyunCanonicalizedQuery(params);
          },
          classifyAliyunSms);
      out.push_back(std::move(job));
    }
    return out;
  }

 private:
  HttpClient& http_;
  Duration timeout_;
  SmsAliyunSpec spec_;
  std::string keyId_;
  std::string keySecret_;
  std::string base_;
};

bool transientCode(const std::string& code) {
  return code.rfind("Throttling", 0) == 0 || code == "isp.SYSTEM_ERROR" ||
         code == "ServiceUnavailable" || code == "InternalError";
}

}  // namespace

Classification classifyAliyunSms(const HttpResponse& r) {
  if (r.status == 0) return defaultClassify(r);
  const json::Parsed j = json::parse(r.body);
  const std::string code = json::stringMember(j.doc, "Code").value_or("");
  const std::string message = json::stringMember(j.doc, "Message").value_or("");
  if (code.empty()) {
    Classification c = defaultClassify(r);
    if (c.verdict == Verdict::Success) {
      return {Verdict::Permanent, "aliyun: response without Code: " + r.body.substr(0, 256)};
    }
    c.reason = "aliyun: " + c.reason;
    return c;
  }
  if (code == "OK" && r.status >= 200 && r.status < 300) return {Verdict::Success, ""};
  std::string reason = "aliyun " + code + ": " + message;
  const bool transient = transientCode(code) || r.status >= 500 || r.status == 429;
  return {transient ? Verdict::Transient : Verdict::Permanent, std::move(reason)};
}

std::unique_ptr<SmsProvider> makeAliyunSms(const SmsProviderContext& ctx, const SmsAliyunSpec& s) {
  std::string id, secret;
  if (!ctx.resolve(s.accessKeyId, "accessKeyId", id)) return nullptr;
  if (!ctx.resolve(s.accessKeySecret, "accessKeySecret", secret)) return nullptr;
  return std::make_unique<AliyunSms>(ctx.http, ctx.timeout, s, std::move(id), std::move(secret));
}

}  // namespace nm
