// Tencent Cloud API 3.0 request signing, TC3-HMAC-SHA256, for POST requests with a JSON body
// (used by SMS SendSms, sms.tencentcloudapi.com). Signed headers: content-type and host.
// Implements "Signature v3" (签名方法 v3): https://www.tencentcloud.com/document/api/213/33224
// (Chinese: https://cloud.tencent.com/document/api/213/30654).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nm::signing {

struct TencentTc3Request {
  std::string secretId;
  std::string secretKey;
  std::string service;    // "sms", "cvm"; the first label of the host
  std::string host;       // "sms.tencentcloudapi.com"
  std::string action;     // X-TC-Action, e.g. "SendSms"
  std::string version;    // X-TC-Version, e.g. "2021-01-11"
  std::string region;     // X-TC-Region, e.g. "ap-guangzhou"; omitted when empty
  int64_t timestamp = 0;  // X-TC-Timestamp, Unix seconds; its UTC date is the scope's date
  std::string payload;    // the exact body bytes sent
  std::string contentType = "application/json; charset=utf-8";
  std::string token;  // X-TC-Token for temporary credentials; optional, not signed
};

// "POST\n/\n\ncontent-type:<ct>\nhost:<host>\n\ncontent-type;host\n<hex sha256(payload)>";
// header values are trimmed and lowercased as the documentation requires.
std::string tc3CanonicalRequest(const TencentTc3Request& r);
// "<date>/<service>/tc3_request"
std::string tc3CredentialScope(const TencentTc3Request& r);
// "TC3-HMAC-SHA256\n<timestamp>\n<scope>\n<hex sha256(canonical request)>"
std::string tc3StringToSign(const TencentTc3Request& r);
// Raw key: HMAC(HMAC(HMAC("TC3" + secretKey, date), service), "tc3_request").
std::string tc3SigningKey(std::string_view secretKey, std::string_view date,
                          std::string_view service);
// Lowercase hex HMAC-SHA256(signing key, string to sign).
std::string tc3Signature(const TencentTc3Request& r);
// "TC3-HMAC-SHA256 Credential=<id>/<scope>, SignedHeaders=content-type;host, Signature=<sig>"
std::string tc3Authorization(const TencentTc3Request& r);
// Every header to send: Authorization, Content-Type, Host, X-TC-Action, X-TC-Timestamp,
// X-TC-Version, X-TC-Region (when set), X-TC-Token (when set).
std::vector<std::pair<std::string, std::string>> tc3Headers(const TencentTc3Request& r);

}  // namespace nm::signing
