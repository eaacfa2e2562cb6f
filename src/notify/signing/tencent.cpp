// Tencent Cloud TC3-HMAC-SHA256 signing for JSON POST requests (see tencent.h for the vendor
// page): canonical request, string to sign, derived key, signature and headers.
#include "notify/signing/tencent.h"

#include <algorithm>
#include <cctype>

#include "notify/signing/crypto.h"
#include "notify/signing/encoding.h"
#include "notify/signing/utc_format.h"

namespace nm::signing {
namespace {

constexpr std::string_view kAlgorithm = "TC3-HMAC-SHA256";
constexpr std::string_view kSignedHeaders = "content-type;host";

std::string canonicalValue(std::string_view v) {
  auto b = v.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  auto e = v.find_last_not_of(" \t");
  std::string out(v.substr(b, e - b + 1));
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string tc3CanonicalRequest(const TencentTc3Request& r) {
  std::string out = "POST\n/\n\n";
  out += "content-type:" + canonicalValue(r.contentType) + "\n";
  out += "host:" + canonicalValue(r.host) + "\n";
  out += "\n";
  out += kSignedHeaders;
  out += "\n";
  out += sha256Hex(r.payload);
  return out;
}

std::string tc3CredentialScope(const TencentTc3Request& r) {
  return utcDate(r.timestamp) + "/" + r.service + "/tc3_request";
}

std::string tc3StringToSign(const TencentTc3Request& r) {
  std::string out(kAlgorithm);
  out += "\n" + std::to_string(r.timestamp) + "\n" + tc3CredentialScope(r) + "\n";
  out += sha256Hex(tc3CanonicalRequest(r));
  return out;
}

std::string tc3SigningKey(std::string_view secretKey, std::string_view date,
                          std::string_view service) {
  std::string k = "TC3";
  k += secretKey;
  std::string secretDate = hmacSha256(k, date);
  std::string secretService = hmacSha256(secretDate, service);
  return hmacSha256(secretService, "tc3_request");
}

std::string tc3Signature(const TencentTc3Request& r) {
  std::string key = tc3SigningKey(r.secretKey, utcDate(r.timestamp), r.service);
  return hexLower(hmacSha256(key, tc3StringToSign(r)));
}

std::string tc3Authorization(const TencentTc3Request& r) {
  std::string out(kAlgorithm);
  out += " Credential=" + r.secretId + "/" + tc3CredentialScope(r);
  out += ", SignedHeaders=";
  out += kSignedHeaders;
  out += ", Signature=" + tc3Signature(r);
  return out;
}

std::vector<std::pair<std::string, std::string>> tc3Headers(const TencentTc3Request& r) {
  std::vector<std::pair<std::string, std::string>> h{
      {"Authorization", tc3Authorization(r)},
      {"Content-Type", r.contentType},
      {"Host", r.host},
      {"X-TC-Action", r.action},
      {"X-TC-Timestamp", std::to_string(r.timestamp)},
      {"X-TC-Version", r.version},
  };
  if (!r.region.empty()) h.emplace_back("X-TC-Region", r.region);
  if (!r.token.empty()) h.emplace_back("X-TC-Token", r.token);
  return h;
}

}  // namespace nm::signing
