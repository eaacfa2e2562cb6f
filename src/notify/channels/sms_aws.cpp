// AWS SNS SMS: one Publish per phone number (the reference comma-joined them, which SNS rejects)
// as a form POST signed per attempt with SigV4, service "sns" (notify/signing/aws_sigv4.h).
// Vendor docs: Publish https://docs.aws.amazon.com/sns/latest/api/API_Publish.html (SMS messages
// up to 1600 bytes), common errors https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html,
// SigV4 https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html.
#include <string>

#include "notify/channels/sms_provider.h"
#include "notify/signing/aws_sigv4.h"
#include "notify/signing/utc_format.h"

namespace nm {

namespace {

constexpr size_t kMaxMessageBytes = 1600;

class AwsSms final : public SmsProvider {
 public:
  AwsSms(HttpClient& http, Duration timeout, SmsAwsSpec spec, std::string id, std::string secret)
      : http_(http),
        timeout_(timeout),
        spec_(std::move(spec)),
        keyId_(std::move(id)),
        secret_(std::move(secret)),
        base_(smsEndpoint(spec_.endpoint, "NM_SMS_AWS_ENDPOINT",
                          "https://sns." + spec_.region + ".amazonaws.com")) {}

  std::string_view name() const override { return "aws"; }

  std::vector<ChatJob> jobs(const Data&, const std::string& message,
                            const std::vector<std::string>& phones) const override {
    const std::string text = smsFitBytes(message, kMaxMessageBytes);
    std::vector<ChatJob> out;
    for (const auto& phone : phones) {
      ChatJob job;
      const std::string number = smsWithCountryCode(phone, "+86");
      job.target = smsTarget("aws", {number});
      signing::AwsSigV4Request sig;
      sig.method = "POST";
      sig.host = smsUrlAuthority(base_);
      sig.path = "/";
      sig.headers = {{"Content-Type", std::string(signing::kAwsFormContentType)}};
      sig.payload = signing::awsSnsPublishBody(number, text);
      sig.accessKeyId = keyId_;
      sig.secretAccessKey = secret_;
      sig.region = spec_.region;
      sig.service = "sns";
      std::string payload = sig.payload;
      job.run = smsSignedPost(
          http_, base_ + "/", std::move(payload), timeout_,
          [sig = std::move(sig)](HttpRequest& r) {
            signing::AwsSigV4Request s = sig;
            s.amzDate = signing::amzDate(smsUnixNow());
            r.headers = {{"Host", s.host},
                         {"Content-Type", std::string(signing::kAwsFormContentType)}};
            for (auto& h : signing::awsSigV4Headers(s)) r.headers.push_back(std::move(h));
          },
          classifyAwsSms);
      out.push_back(std::move(job));
    }
    return out;
  }

 private:
  HttpClient& http_;
  Duration timeout_;
  SmsAwsSpec spec_;
  std::string keyId_;
  std::string secret_;
  std::string base_;
};

std::string unescapeXml(std::string s) {
  static const std::pair<std::string_view, std::string_view> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : kEntities) {
    for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) {
      s.replace(p, from.size(), to);
    }
  }
  return s;
}

// The text of the first <tag>…</tag> in xml, unescaped; "" when absent.
std::string element(const std::string& xml, const std::string& tag) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  auto b = xml.find(open);
  if (b == std::string::npos) return "";
  b += open.size();
  auto e = xml.find(close, b);
  if (e == std::string::npos) return "";
  return unescapeXml(xml.substr(b, e - b));
}

bool transientCode(const std::string& code) {
  return code == "Throttling" || code == "ThrottlingException" || code == "Throttled" ||
         code == "RequestThrottled" || code == "TooManyRequestsException" ||
         code == "ServiceUnavailable" || code == "InternalError" || code == "InternalFailure" ||
         code == "RequestTimeout";
}

}  // namespace

Classification classifyAwsSms(const HttpResponse& r) {
  if (r.status == 0) return defaultClassify(r);
  if (r.status >= 200 && r.status < 300) {
    if (!element(r.body, "MessageId").empty()) return {Verdict::Success, ""};
    return {Verdict::Permanent, "aws: response without MessageId: " + r.body.substr(0, 256)};
  }
  const std::string code = element(r.body, "Code");
  if (code.empty()) {
    Classification c = defaultClassify(r);
    c.reason = "aws: " + c.reason;
    return c;
  }
  const bool transient = transientCode(code) || r.status >= 500 || r.status == 429;
  return {transient ? Verdict::Transient : Verdict::Permanent,
          "aws " + code + ": " + element(r.body, "Message")};
}

std::unique_ptr<SmsProvider> makeAwsSms(const SmsProviderContext& ctx, const SmsAwsSpec& s) {
  std::string id, secret;
  if (!ctx.resolve(s.accessKeyId, "accessKeyId", id)) return nullptr;
  if (!ctx.resolve(s.secretAccessKey, "secretAccessKey", secret)) return nullptr;
  return std::make_unique<AwsSms>(ctx.http, ctx.timeout, s, std::move(id), std::move(secret));
}

}  // namespace nm
