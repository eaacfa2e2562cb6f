// The SMS provider seam: one implementation per vendor (sms_aliyun/tencent/huawei/aws.cpp) turns
// a rendered message and the phone numbers into vendor requests (ChatJobs), re-signed on every
// attempt; plus the helpers they share (UTF-8-safe fitting, batching, endpoints, nonces).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/data.h"
#include "interfaces/http_client.h"
#include "notify/channels/sms.h"
#include "notify/retry.h"
#include "notify/throttle.h"

namespace nm {

class SmsProvider {
 public:
  virtual ~SmsProvider() = default;
  virtual std::string_view name() const = 0;
  // One job per vendor request (batches of numbers), each retrying until its deadline.
  virtual std::vector<ChatJob> jobs(const Data& data, const std::string& message,
                                    const std::vector<std::string>& phones) const = 0;
};

// What a provider factory needs: resolved credentials come from `resolve`, which reports
// "<provider>.<field>: <why>" in `error` and returns false.
struct SmsProviderContext {
  HttpClient& http;
  Duration timeout;
  std::function<bool(const model::Credential&, const char* field, std::string& out)> resolve;
};

std::unique_ptr<SmsProvider> makeAliyunSms(const SmsProviderContext& ctx, const SmsAliyunSpec& s);
std::unique_ptr<SmsProvider> makeTencentSms(const SmsProviderContext& ctx, const SmsTencentSpec& s);
std::unique_ptr<SmsProvider> makeHuaweiSms(const SmsProviderContext& ctx, const SmsHuaweiSpec& s);
std::unique_ptr<SmsProvider> makeAwsSms(const SmsProviderContext& ctx, const SmsAwsSpec& s);

// Vendor verdicts (exposed for tests). Reasons read "<vendor> <Code>: <Message>".
// Aliyun: Code "OK" succeeds; Throttling.* (API flow control), isp.SYSTEM_ERROR,
// ServiceUnavailable, InternalError, 5xx and transport errors are transient; everything else
// (isv.BUSINESS_LIMIT_CONTROL included: a per-number minute/hour/day cap that a retry within the
// notification deadline cannot clear) is permanent.
Classification classifyAliyunSms(const HttpResponse& r);
// Tencent: no Response.Error and every SendStatusSet[].Code "Ok"; RequestLimitExceeded*,
// InternalError*, ServiceUnavailable*, 5xx, transport transient; AuthFailure.*, per-number
// failures and the rest permanent.
Classification classifyTencentSms(const HttpResponse& r);
// Huawei: code "000000" and every result[].status "000000"; 5xx, 429, transport transient.
Classification classifyHuaweiSms(const HttpResponse& r);
// AWS: HTTP 200 with a MessageId; Throttling-family codes, 5xx, 429, transport transient.
Classification classifyAwsSms(const HttpResponse& r);

// Huawei template parameters: for each name, the value from the common labels, the common
// annotations, then the first alert's labels and annotations ("workload" also from deployment,
// statefulset, daemonset), cut to 20 characters; "-" where a name has no value. With no value at
// all: [the first 20 characters of message].
std::vector<std::string> smsHuaweiTemplateParas(const std::vector<std::string>& names,
                                                const Data& data, const std::string& message);

// The longest UTF-8-safe prefix of s within maxChars code points (or maxBytes bytes), ending in
// the marker "…" when cut; s itself when it fits.
inline constexpr std::string_view kSmsTruncatedMarker = "…";
std::string smsFitChars(std::string_view s, size_t maxChars);
std::string smsFitBytes(std::string_view s, size_t maxBytes);
size_t smsCharCount(std::string_view s);

// Consecutive batches of at most `size` numbers.
std::vector<std::vector<std::string>> smsBatches(const std::vector<std::string>& phones,
                                                 size_t size);
// The number with `countryCode` ("+86") prepended when it has no leading '+'.
std::string smsWithCountryCode(const std::string& phone, std::string_view countryCode);
// A job target: "<provider>:n1,n2,…" (at most five listed, then "+N more").
std::string smsTarget(std::string_view provider, const std::vector<std::string>& phones);

// The API base: `configured`, else the environment variable, else `fallback`; no trailing '/'.
std::string smsEndpoint(const std::string& configured, const char* envVar,
                        const std::string& fallback);
// "host[:port]" of an absolute URL.
std::string smsUrlAuthority(const std::string& url);
// 32 random lowercase hex digits (a UUID's entropy, no dashes).
std::string smsNonce();
int64_t smsUnixNow();

// A ChatJob's run: POSTs `body` to `url` with retries until the job's deadline; `sign` completes
// every attempt (headers, and the body where the signature is in it), so timestamps, nonces and
// signatures are fresh on each retry.
std::function<void(TimePoint, std::function<void(SendOutcome)>)> smsSignedPost(
    HttpClient& http, std::string url, std::string body, Duration timeout, RequestPreparer sign,
    Classifier classify);

}  // namespace nm
